/*
 * Basic integer types and the address vocabulary used everywhere.
 *
 * Legend (as in KVM's kvm_types.h, but with distinct C types):
 *   gpa  guest-physical address      gfn  guest frame number (gpa >> 12)
 *   hpa  host-physical address       hfn  host frame number  (hpa >> 12)
 *   hva  hypervisor-virtual address  (a plain pointer or uintptr_t)
 *
 * gpa_t and hpa_t are single-member structs so that passing one where the
 * other is wanted does not compile.  Build them with GPA()/HPA() and read
 * the raw value with .v.
 */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct { uint64_t v; } gpa_t;
typedef struct { uint64_t v; } hpa_t;

#define GPA(x) ((gpa_t){ (uint64_t)(x) })
#define HPA(x) ((hpa_t){ (uint64_t)(x) })

#define INVALID_GPA GPA(~0ull)
#define INVALID_HPA HPA(~0ull)

static inline bool hpa_valid(hpa_t a) { return a.v != ~0ull; }
static inline bool gpa_valid(gpa_t a) { return a.v != ~0ull; }

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ull
#define SIZE_2M    (2ull << 20)
#define SIZE_1G    (1ull << 30)
#define KIB(x)     ((uint64_t)(x) << 10)
#define MIB(x)     ((uint64_t)(x) << 20)
#define GIB(x)     ((uint64_t)(x) << 30)

#define ALIGN_UP(x, a)   (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#endif

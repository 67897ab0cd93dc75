/*
 * The hypervisor's virtual address space (built by arch/x86_64/paging.c).
 *
 *   0xffff800000000000 + hpa   the direct map: all RAM (write-back), the
 *                              rest of the first 4 GiB uncached (MMIO),
 *                              never executable
 *   0xffffff0000000000 ...     per-CPU stacks, each with an unmapped guard
 *                              page below it
 *   0xffffffff80000000 + hpa   the image: text r-x, rodata r--, data and
 *                              bss rw- NX (W^X)
 *
 * Guests' memory is reached only through the direct map.
 */
#ifndef ARCH_MEMLAYOUT_H
#define ARCH_MEMLAYOUT_H

#include "hv/types.h"

#define DIRECT_MAP_BASE 0xffff800000000000ull
#define KERNEL_VMA      0xffffffff80000000ull
#define STACK_AREA_BASE 0xffffff0000000000ull

static inline void *phys_to_virt(hpa_t a)
{
	return (void *)(uintptr_t)(DIRECT_MAP_BASE + a.v);
}

/* For addresses in the direct map or in the image. */
static inline hpa_t virt_to_phys(const void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;
	return HPA(v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP_BASE);
}

#endif

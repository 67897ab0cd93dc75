/*
 * The hypervisor's own page tables.
 *
 *   0xffff800000000000 + hpa   the direct map: all RAM (write-back), the
 *                              rest of the first 4 GiB uncached (MMIO),
 *                              never executable
 *   0xffffff0000000000 ...     per-CPU stacks, each with an unmapped guard
 *                              page below it
 *   0xffffffff80000000 + hpa   the image: text r-x, rodata r--, data and
 *                              bss rw- NX (W^X)
 *
 * Nothing else is mapped: page 0 faults, and guests' memory is reached
 * only through the direct map.
 */
#ifndef ARCH_PAGING_H
#define ARCH_PAGING_H

#include "hv/types.h"
#include "arch/x86_64/memlayout.h"

#define PTE_P   (1ull << 0)
#define PTE_W   (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS  (1ull << 7)
#define PTE_G   (1ull << 8)
#define PTE_NX  (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

struct mem_range;

/* Table pages used before the switch come from a pool below 4 GiB. */
void paging_init(const struct mem_range *ram, size_t nram, hpa_t pool, size_t pool_pages);
/* Pages the pool must hold for a machine whose RAM ends at ram_end. */
size_t paging_pool_pages(uint64_t ram_end);
/* Map [hpa, hpa+len) into the direct map (uncached) if it is not there. */
void paging_map_mmio(hpa_t hpa, uint64_t len);
/* A fresh stack of `pages` pages with a guard page below; returns its top. */
uint64_t paging_alloc_stack(unsigned pages);
uint64_t paging_root(void);
bool paging_nx_enabled(void);
bool paging_1g_pages(void);



/* Identity-map the first 2 MiB (executable) while APs start; off afterwards. */
void paging_identity_low(bool on);
#endif

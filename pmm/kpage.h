/*
 * The hypervisor's page allocator instance (kernel glue around the buddy
 * allocator in pmm.h): a lock, a panic on double or foreign free, and
 * poisoning of pages handed out and taken back in debug builds.
 */
#ifndef PMM_KPAGE_H
#define PMM_KPAGE_H

#include "pmm/pmm.h"

struct kpage_boot {
	uint64_t usable_bytes;   /* RAM the firmware reports */
	hpa_t table_pool;        /* pages for the first page tables, below 4 GiB */
	size_t table_pool_pages;
	struct mem_range ram[128];   /* clean usable ranges before reservations */
	size_t nram;
};

/* Set the allocator up over `raw` minus `reserved`, keeping back
 * table_pool_pages pages below 4 GiB for the first page tables; fills *out. */
void kpage_setup(const struct mem_range *raw, size_t nraw,
		 const struct mem_range *reserved, size_t nreserved,
		 size_t table_pool_pages, struct kpage_boot *out);
hpa_t kpage_alloc(unsigned order);          /* panics when memory is exhausted */
hpa_t kpage_try_alloc(unsigned order);      /* INVALID_HPA when exhausted */
hpa_t kpage_alloc_contig(uint64_t npages, unsigned align_order);
void kpage_free(hpa_t a, unsigned order);   /* panics on a double or foreign free */
void kpage_free_contig(hpa_t a, uint64_t npages);
uint64_t kpage_free_bytes(void);
void kpage_set_debug(bool on);

#endif

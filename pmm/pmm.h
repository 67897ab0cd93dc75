/*
 * The physical page allocator: hands out host-physical frames.
 *
 * Design
 * ------
 * A binary buddy allocator.  Every free block is a naturally aligned run of
 * 2^order frames (order 0 = 4 KiB ... PMM_MAX_ORDER 20 = 4 GiB), kept on the
 * free list of its order.  Allocating splits the smallest big-enough block;
 * freeing merges a block with its buddy (the other half of its parent) for
 * as long as the buddy is free as a whole.  Both walk at most
 * PMM_MAX_ORDER levels, so their cost does not grow with the size of RAM,
 * and natural alignment gives the 2 MiB (order 9) and 1 GiB (order 18)
 * runs that large EPT mappings need for free.
 *
 * All bookkeeping lives in a metadata buffer the caller provides, never in
 * the free pages themselves: per frame one state byte and two uint32 list
 * links (9 bytes/frame, 0.22% of RAM), covering every frame from the lowest
 * to the highest usable one.  Keeping it out of the pages means
 *   - the allocator never touches memory it manages, so it needs no mapping
 *     of all RAM (memory above 4 GiB included) and runs unchanged in host
 *     unit tests, which have no physical memory;
 *   - a stray write into a freed page cannot corrupt the free lists;
 *   - every frame has a known state, so a double free or a free of memory
 *     never handed out (a hole, a sub-page of a block, the wrong order) is
 *     detected and reported instead of silently corrupting the allocator.
 *
 * Boot sequence (the kernel glue; memmap.c does the map work):
 *
 *   n    = pmm_memmap_clean(raw, nraw, rsv, nrsv, clean, cap);
 *   size = pmm_meta_size(clean, n);
 *   at   = pmm_memmap_place_meta(clean, n, size);
 *   rsv[nrsv++] = (struct mem_range){ at, size, 0 };   metadata is reserved
 *   n    = pmm_memmap_clean(raw, nraw, rsv, nrsv, clean, cap);
 *   pmm_init(&pmm, clean, n, hva_of(at), size);
 *
 * Removing a range never widens the lowest..highest span, so `size` still
 * suffices after the second pass.
 *
 * Errors are returned, never raised: pmm_free() reports PMM_EDOUBLE etc.
 * and the caller (kernel glue) decides to panic.  Not thread-safe; the
 * caller serialises.
 */
#ifndef PMM_PMM_H
#define PMM_PMM_H

#include "hv/types.h"

/* One entry of a physical memory map (multiboot2 mmap tag / e820). */
struct mem_range {
	uint64_t base, len;
	uint32_t type;
};

#define MEM_USABLE 1	/* multiboot2 spec 3.6.8: type 1 = available RAM */

#define PMM_MAX_ORDER 20	/* 2^20 frames = 4 GiB */
#define PMM_ORDER_2M  9
#define PMM_ORDER_1G  18

/* Error codes (negative); pmm_strerror() names them. */
#define PMM_OK        0
#define PMM_EDOUBLE  (-1)	/* freeing memory that is already free */
#define PMM_EFOREIGN (-2)	/* not handed out by this call: hole, out of RAM, sub-page of a block */
#define PMM_EALIGN   (-3)	/* address not aligned to a page or to the order */
#define PMM_EORDER   (-4)	/* allocated, but with a different order / page count */
#define PMM_EINVAL   (-5)	/* bad argument: unsorted/overlapping/unaligned ranges, order too big */
#define PMM_ENOSPC   (-6)	/* metadata buffer or output array too small */

struct pmm {
	uint64_t base_pfn;	/* frame number of meta index 0 */
	uint32_t nframes;	/* frames covered by the metadata */
	uint32_t *next, *prev;	/* free-list links (meta indices), valid on free heads */
	uint8_t *state;		/* per frame, see buddy.c */
	uint32_t head[PMM_MAX_ORDER + 1];	/* first free block of each order */
	uint64_t nfree[PMM_MAX_ORDER + 1];	/* free blocks of each order */
	uint64_t free_pages;
	uint64_t total_pages;
};

/* ---- buddy.c: the allocator ---------------------------------------- */

/* Bytes of metadata for these ranges (any order); 0 if none or > 16 TiB span. */
size_t pmm_meta_size(const struct mem_range *usable, size_t n);

/*
 * Every frame of `usable` (page-aligned, sorted, non-overlapping; adjacent
 * is fine) becomes free.  The caller has already removed reserved memory,
 * the metadata included.  `meta` must be 8-byte aligned.
 * Returns PMM_OK, PMM_EINVAL or PMM_ENOSPC.
 */
int pmm_init(struct pmm *p, const struct mem_range *usable, size_t n,
	     void *meta, size_t meta_size);

/* A 2^order-page block aligned to its size, or INVALID_HPA. */
hpa_t pmm_alloc(struct pmm *p, unsigned order);

/* Returns a pmm_alloc() block; PMM_OK or a PMM_E* code (state unchanged). */
int pmm_free(struct pmm *p, hpa_t a, unsigned order);

/*
 * npages contiguous pages starting at a multiple of 2^align_order pages,
 * or INVALID_HPA.  Lowest fit; may span several free blocks and gives the
 * unused rest back.  Scans the metadata: for boot, not for hot paths.
 */
hpa_t pmm_alloc_contig(struct pmm *p, uint64_t npages, unsigned align_order);

/* Returns a whole pmm_alloc_contig() run (same npages); all or nothing. */
int pmm_free_contig(struct pmm *p, hpa_t a, uint64_t npages);

uint64_t pmm_free_pages(const struct pmm *p);
uint64_t pmm_total_pages(const struct pmm *p);
uint64_t pmm_free_blocks(const struct pmm *p, unsigned order);
const char *pmm_strerror(int err);

/* ---- memmap.c: firmware map to clean usable ranges ----------------- */

/*
 * The usable RAM of `raw` minus `reserved`, as sorted, merged, page-aligned
 * ranges of type MEM_USABLE in out[0..cap).  A byte is usable if a type-1
 * entry covers it and no other entry nor reserved range does; ranges shrink
 * inward to whole pages.  Zero-length and 2^64-wrapping entries are ignored.
 * Returns the count, or PMM_ENOSPC if cap is too small.
 */
int pmm_memmap_clean(const struct mem_range *raw, size_t nraw,
		     const struct mem_range *reserved, size_t nreserved,
		     struct mem_range *out, size_t cap);

/* Bytes of RAM the firmware reports usable (overlaps counted once). */
uint64_t pmm_memmap_usable_bytes(const struct mem_range *raw, size_t nraw);
/* Where the last usable page of `raw` ends (0: no usable RAM). */
uint64_t pmm_memmap_ram_end(const struct mem_range *raw, size_t nraw);

/* Lowest page-aligned address >= 1 MiB where `bytes` fit in one clean range, or ~0ull. */
uint64_t pmm_memmap_place_meta(const struct mem_range *clean, size_t n, uint64_t bytes);

#endif

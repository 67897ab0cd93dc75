/*
 * A partition's frame pool: the 4 KiB frames its EPT tables are built
 * from.  The pool is a fixed slice of the partition's own memory, so a
 * guest that makes the hypervisor build tables spends its own quota and
 * never another partition's.  It is the frame source behind struct
 * ept_ops (frame_pool_alloc, frame_pool_free).
 *
 * Plain C: the caller gives the pool its frames and the memory for its
 * index (a stack of free frame numbers).
 */
#ifndef EPT_POOL_H
#define EPT_POOL_H

#include "hv/types.h"

struct frame_pool {
	hpa_t base;                  /* frame i is base + i * 4 KiB */
	uint32_t npages;
	uint32_t nfree;
	uint32_t *free;              /* stack of free frame numbers */
	uint64_t meta_bytes;         /* hypervisor memory holding `free` */
};

/* Table frames a partition of `ram` bytes may need at most: every 2 MiB
 * of it mapped with 4 KiB leaves, plus the upper levels. */
uint64_t frame_pool_pages(uint64_t ram);
/* Bytes of index for a pool of npages frames. */
uint64_t frame_pool_index_bytes(uint32_t npages);
/* All npages frames from base on are free; `index` holds
 * frame_pool_index_bytes(npages) bytes (`index_bytes` of them, for the
 * memory report). */
void frame_pool_init(struct frame_pool *fp, hpa_t base, uint32_t npages,
		     uint32_t *index, uint64_t index_bytes);
/* struct ept_ops callbacks; ctx is the struct frame_pool. */
hpa_t frame_pool_alloc(void *ctx);              /* INVALID_HPA when empty */
void frame_pool_free(void *ctx, hpa_t frame);

#endif

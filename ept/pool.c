/* The EPT frame pool (see pool.h). */
#include "ept/pool.h"

uint64_t frame_pool_pages(uint64_t ram)
{
	return ram / SIZE_2M + ram / SIZE_1G + 8;
}

uint64_t frame_pool_index_bytes(uint32_t npages)
{
	return (uint64_t)npages * sizeof(uint32_t);
}

void frame_pool_init(struct frame_pool *fp, hpa_t base, uint32_t npages,
		     uint32_t *index, uint64_t index_bytes)
{
	fp->base = base;
	fp->npages = npages;
	fp->free = index;
	fp->meta_bytes = index_bytes;
	fp->nfree = 0;
	/* lowest frame on top: tables are handed out from the pool's start */
	for (uint32_t i = npages; i-- > 0;)
		fp->free[fp->nfree++] = i;
}

hpa_t frame_pool_alloc(void *ctx)
{
	struct frame_pool *fp = ctx;

	if (!fp->nfree)
		return INVALID_HPA;
	return HPA(fp->base.v + (uint64_t)fp->free[--fp->nfree] * PAGE_SIZE);
}

void frame_pool_free(void *ctx, hpa_t frame)
{
	struct frame_pool *fp = ctx;

	fp->free[fp->nfree++] = (uint32_t)((frame.v - fp->base.v) / PAGE_SIZE);
}

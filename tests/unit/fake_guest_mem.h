/*
 * A fake guest memory for the loader tests (test_loader.c, test_bzimage.c).
 */
#ifndef FAKE_GUEST_MEM_H
#define FAKE_GUEST_MEM_H

#include <string.h>
#include "hv/types.h"

/*
 * RAM of `size` bytes of which the first `backed` are real; writes above
 * that are accepted and dropped (lets a test claim GiBs of RAM).
 */
struct fake {
	uint8_t *buf;
	uint64_t size, backed;
};

static int fake_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	struct fake *f = ctx;

	if (gpa > f->size || len > f->size - gpa)
		return -1;
	if (gpa < f->backed)
		memcpy(f->buf + gpa, src, MIN(len, f->backed - gpa));
	return 0;
}

static int fake_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	struct fake *f = ctx;

	if (gpa > f->size || len > f->size - gpa)
		return -1;
	if (gpa < f->backed)
		memset(f->buf + gpa, 0, MIN(len, f->backed - gpa));
	return 0;
}

#endif

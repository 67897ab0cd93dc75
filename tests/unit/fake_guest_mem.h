/*
 * A fake guest memory for the loader tests (test_loader.c, test_bzimage.c).
 */
#ifndef FAKE_GUEST_MEM_H
#define FAKE_GUEST_MEM_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "hv/types.h"

/*
 * RAM of `size` bytes of which the first `backed` are real; writes above
 * that are accepted and dropped (lets a test claim GiBs of RAM).  As on
 * a PC, RAM beyond the first 3 GiB is at 4 GiB and up (written out here
 * again, not taken from ept/guest_ram.h, so the loaders are checked
 * against an independent statement of the layout); writes into the hole
 * or past the end are refused, and counted.
 */
struct fake {
	uint8_t *buf;
	uint64_t size, backed;
	unsigned refused;
};

static bool fake_is_ram(const struct fake *f, uint64_t gpa, uint64_t len)
{
	uint64_t low = f->size < GIB(3) ? f->size : GIB(3), high = f->size - low;

	if (gpa <= low && len <= low - gpa)
		return true;
	return gpa >= GIB(4) && gpa - GIB(4) <= high && len <= high - (gpa - GIB(4));
}

static int fake_write(void *ctx, gpa_t at, const void *src, uint64_t len)
{
	struct fake *f = ctx;
	uint64_t gpa = at.v;

	if (!fake_is_ram(f, gpa, len)) {
		f->refused++;
		return -1;
	}
	if (gpa < f->backed)
		memcpy(f->buf + gpa, src, MIN(len, f->backed - gpa));
	return 0;
}

static int fake_zero(void *ctx, gpa_t at, uint64_t len)
{
	struct fake *f = ctx;
	uint64_t gpa = at.v;

	if (!fake_is_ram(f, gpa, len)) {
		f->refused++;
		return -1;
	}
	if (gpa < f->backed)
		memset(f->buf + gpa, 0, MIN(len, f->backed - gpa));
	return 0;
}

/* The one fake memory both tests use, and readers into it. */
static struct fake fk;
static struct guest_mem gm;

static inline void fake_init(uint64_t size, uint64_t backed)
{
	free(fk.buf);
	fk.buf = malloc(backed);
	memset(fk.buf, 0xCC, backed);	/* untouched bytes stay 0xCC */
	fk.size = size;
	fk.backed = backed;
	fk.refused = 0;
	gm = (struct guest_mem){ size, fake_write, fake_zero, &fk };
}

static inline uint8_t rd8(uint64_t gpa) { return fk.buf[gpa]; }
static inline uint16_t rd16(uint64_t gpa) { uint16_t v; memcpy(&v, fk.buf + gpa, 2); return v; }
static inline uint32_t rd32(uint64_t gpa) { uint32_t v; memcpy(&v, fk.buf + gpa, 4); return v; }
static inline uint64_t rd64(uint64_t gpa) { uint64_t v; memcpy(&v, fk.buf + gpa, 8); return v; }

static inline bool all_bytes(uint64_t gpa, uint64_t len, uint8_t val)
{
	for (uint64_t i = 0; i < len; i++)
		if (fk.buf[gpa + i] != val)
			return false;
	return true;
}

#endif

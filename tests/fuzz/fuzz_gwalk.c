/* units: vmm/emul/gwalk.c */
/*
 * Fuzz the guest page walker.  Input:
 *
 *   +0   cr0, cr3, cr4, efer   4 x u64: any paging mode, any table root
 *   +32  linear                u64
 *   +40  len                   u16, taken modulo 3 pages + 1 (reads that
 *                              cross one or two page boundaries)
 *   +42  guest RAM             the rest, at guest-physical 0
 *
 * The read callback copies only from inside guest RAM and fails anything
 * else, so the tables the walk follows (2-level 32-bit, 3-level PAE,
 * 4-level) come from the input.  gwalk_read() writes into an exact-size
 * buffer; with paging off the translation must be the identity on 32
 * bits.
 */
#include "fuzz.h"
#include "vmm/emul/gwalk.h"

#define CR0_PG (1ull << 31)
#define MAX_READ (3 * PAGE_SIZE)

struct ram {
	const uint8_t *p;
	size_t size;
};

static int ram_read(void *ctx, gpa_t gpa, void *dst, size_t len)
{
	const struct ram *r = ctx;

	if (gpa.v > r->size || len > r->size - gpa.v)
		return -1;
	memcpy(dst, r->p + gpa.v, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct gwalk_state s;
	uint64_t linear;
	size_t len;
	struct ram ram;
	gpa_t gpa = INVALID_GPA;
	uint8_t *dst;
	int rc;

	s.cr0 = fuzz_u64(&in);
	s.cr3 = fuzz_u64(&in);
	s.cr4 = fuzz_u64(&in);
	s.efer = fuzz_u64(&in);
	linear = fuzz_u64(&in);
	len = fuzz_u16(&in) % (MAX_READ + 1);
	ram = (struct ram){ fuzz_dup(in.p, in.left), in.left };

	rc = gwalk_translate(&s, linear, &gpa, ram_read, &ram);
	FUZZ_ASSERT(rc <= 0 && rc >= GWALK_ERR_NONCANONICAL);
	FUZZ_ASSERT(gwalk_strerror(rc) != NULL);
	if (!(s.cr0 & CR0_PG))
		FUZZ_ASSERT(rc == 0 && gpa.v == (linear & 0xffffffffull));

	dst = fuzz_alloc(len);
	rc = gwalk_read(&s, linear, dst, len, ram_read, &ram);
	FUZZ_ASSERT(rc <= 0 && rc >= GWALK_ERR_NONCANONICAL);
	free(dst);
	free((void *)ram.p);
	return 0;
}

/*
 * The body of the three loader harnesses, fuzz_mb1.c, fuzz_elf64.c and
 * fuzz_bzimage.c: each defines FUZZ_FORMAT, its enum image_format, and
 * includes this.  Input:
 *
 *   +0  ram      u8, low 3 bits pick the partition's RAM, 2 MiB to 8 GiB
 *   +1  options  u8: bits 0-1 the command line (none, "", a short one,
 *                one of 4000 chars), bits 2-3 how many modules (0-3),
 *                bit 4 a why buffer of 8 bytes instead of LOADER_WHY_LEN
 *   +2  image    the rest, in an exact-size heap copy
 *
 * loader_probe() and then loader_load() (whatever the probe said: load
 * checks for itself) run against a fake guest memory whose first 2 MiB
 * are real; writes above that are checked and dropped.  A write or
 * zero outside RAM (past its end or in the hole below 4 GiB,
 * ept/guest_ram.h) is refused, as the real one does, and every
 * source range handed to write() must be readable memory.  Afterwards
 * `why` is a NUL-terminated sentence when a call failed, and a
 * successful load put its GDT (and page tables) inside guest RAM.
 */
#ifndef TESTS_FUZZ_LOADER_H
#define TESTS_FUZZ_LOADER_H

#include <sanitizer/asan_interface.h>
#include "fuzz.h"
#include "host_log.h"
#include "vmm/loader/loader.h"

#define BACKED MIB(2)

static const uint64_t ram_sizes[8] = {
	MIB(2), MIB(4), MIB(16), MIB(64), MIB(256), GIB(1), GIB(4), GIB(8),
};

struct fake_ram {
	uint8_t *buf;		/* BACKED bytes */
	uint64_t size;
};

static int ram_write(void *ctx, gpa_t at, const void *src, uint64_t len)
{
	struct fake_ram *r = ctx;
	uint64_t gpa = at.v;

	if (len && !guest_ram_contains(r->size, at, len))
		return -1;
	FUZZ_ASSERT(len == 0 || !__asan_region_is_poisoned((void *)src, len));
	if (gpa < BACKED)
		memcpy(r->buf + gpa, src, MIN(len, BACKED - gpa));
	return 0;
}

static int ram_zero(void *ctx, gpa_t at, uint64_t len)
{
	struct fake_ram *r = ctx;
	uint64_t gpa = at.v;

	if (len && !guest_ram_contains(r->size, at, len))
		return -1;
	if (gpa < BACKED)
		memset(r->buf + gpa, 0, MIN(len, BACKED - gpa));
	return 0;
}

static struct fake_ram ram;
static char long_cmdline[4001];
static uint8_t initrd[0x1800];

static const struct loader_module mods[3] = {
	{ "initrd.img", initrd, sizeof(initrd) },
	{ "extra one two", initrd + 0x100, 16 },
	{ "", initrd, 0 },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	ram.buf = fuzz_alloc(BACKED);
	memset(ram.buf, 0xCC, BACKED);
	memset(long_cmdline, 'x', sizeof(long_cmdline) - 1);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5A);
	return 0;
}

static const char *pick_cmdline(unsigned n)
{
	static const char *const short_ones[] = { NULL, "", "console=ttyS0 verbose=1" };

	return n < 3 ? short_ones[n] : long_cmdline;
}

static void check_why(const char *why, size_t whylen, int rc)
{
	FUZZ_ASSERT(memchr(why, '\0', whylen));
	if (rc)
		FUZZ_ASSERT(why[0] != '\0');
}

static void check_boot(const struct boot_state *bs)
{
	FUZZ_ASSERT(bs->mode == BOOT_PROT32 || bs->mode == BOOT_LONG64);
	FUZZ_ASSERT(guest_ram_contains(ram.size, GPA(bs->gdt_base), bs->gdt_limit + 1u));
	if (bs->mode == BOOT_LONG64)
		FUZZ_ASSERT(guest_ram_contains(ram.size, GPA(bs->cr3), PAGE_SIZE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	enum image_format fmt = FUZZ_FORMAT;
	uint8_t ram_class = fuzz_u8(&in);
	uint8_t opt = fuzz_u8(&in);
	size_t whylen = opt & 0x10 ? 8 : LOADER_WHY_LEN;
	char *why = fuzz_alloc(whylen);
	uint8_t *img = fuzz_dup(in.p, in.left);
	struct guest_mem gm;
	struct boot_state bs;
	int rc;

	host_log_clear();
	ram.size = ram_sizes[ram_class & 7];
	gm = (struct guest_mem){ ram.size, ram_write, ram_zero, &ram };

	memset(why, 0xA5, whylen);
	rc = loader_probe(fmt, img, in.left, why, whylen);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc)
		check_why(why, whylen, rc);

	memset(why, 0xA5, whylen);
	memset(&bs, 0xEE, sizeof(bs));
	rc = loader_load(fmt, img, in.left, pick_cmdline(opt & 3), mods,
			 (opt >> 2) & 3, &gm, &bs, why, whylen);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	if (rc)
		check_why(why, whylen, rc);
	else
		check_boot(&bs);

	free(img);
	free(why);
	return 0;
}

#endif

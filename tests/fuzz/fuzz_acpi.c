/* units: drivers/acpi.c */
/*
 * Fuzz the ACPI table parser over a fake physical memory made from the
 * input:
 *
 *   +0  flags     bit 0: hand acpi_parse() a multiboot2 RSDP copy (the
 *                 first copy_len bytes of the blob), else it scans;
 *                 bit 1: the blob sits in the BIOS ROM area at 0xE0000,
 *                 else at the EBDA (ebda_seg << 4)
 *   +1  copy_len  u8
 *   +2  ebda_seg  u16, the BIOS data area word at 0x40E
 *   +4  blob      physical memory from there on: the RSDP, the root
 *                 table and the tables it lists
 *
 * Physical memory is conventional memory [0, 0xA0000) (zeros, the BDA
 * word and whatever part of the blob falls there), the blob, and, with
 * bit 1, the rest of the BIOS ROM area as zeros; a range outside those
 * maps to NULL, as an unmappable address does.  (The ROM area is a
 * choice because scanning its 128 KiB is a thousand times slower than
 * parsing tables.)  Each map() returns a copy of exactly the bytes asked
 * for, so a read past what the parser mapped trips AddressSanitizer: a
 * small one on the heap, freed after acpi_parse() returns; a large one
 * in one of a few buffers allocated once, poisoned past the mapped
 * length (a fresh mmap per large copy made the harness ten times
 * slower).  A run may map at most LARGE_SLOTS ranges above SMALL_MAP
 * bytes, none above ACPI_MAX_TABLE_LEN, and MAX_MAPPED bytes in all;
 * past that map() fails, as the API allows.
 */
#include <sanitizer/asan_interface.h>
#include "fuzz.h"
#include "host_log.h"
#include "drivers/acpi.h"

#define CONV_MEM_END   0xA0000
#define BDA_EBDA_SEG   0x40E
#define BIOS_ROM_START 0xE0000
#define BIOS_ROM_LEN   0x20000
#define MAX_MAPS       4096
#define MAX_MAPPED     MIB(16)
#define SMALL_MAP      KIB(64)
#define LARGE_SLOTS    4

static struct {
	const uint8_t *blob;
	uint64_t base, len;
	uint8_t bda[2];
	bool rom;
	void *maps[MAX_MAPS];
	size_t nmaps, mapped;
	uint8_t *large[LARGE_SLOTS];	/* ACPI_MAX_TABLE_LEN bytes each */
	size_t nlarge;
} mem;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	for (int i = 0; i < LARGE_SLOTS; i++) {
		mem.large[i] = fuzz_alloc(ACPI_MAX_TABLE_LEN);
		__asan_poison_memory_region(mem.large[i], ACPI_MAX_TABLE_LEN);
	}
	return 0;
}

/* Room for a copy of len bytes whose end is the end of what is readable. */
static uint8_t *map_buffer(size_t len)
{
	uint8_t *p;

	if (len <= SMALL_MAP) {
		if (mem.nmaps == MAX_MAPS)
			return NULL;
		p = fuzz_alloc(len);
		mem.maps[mem.nmaps++] = p;
		return p;
	}
	if (len > ACPI_MAX_TABLE_LEN || mem.nlarge == LARGE_SLOTS)
		return NULL;
	p = mem.large[mem.nlarge++];
	__asan_unpoison_memory_region(p, len);
	return p;
}

/* Is [phys, phys+len) inside [lo, lo+n)?  No overflow on any input. */
static bool within(uint64_t phys, size_t len, uint64_t lo, uint64_t n)
{
	return phys >= lo && phys - lo <= n && len <= n - (phys - lo);
}

/* Copy the part of [src_at, src_at+n) that overlaps [phys, phys+len). */
static void overlay(uint8_t *dst, uint64_t phys, size_t len,
		    const uint8_t *src, uint64_t src_at, uint64_t n)
{
	uint64_t lo = MAX(phys, src_at);
	uint64_t hi = MIN(phys + len, src_at + n);

	if (lo < hi)
		memcpy(dst + (lo - phys), src + (lo - src_at), hi - lo);
}

static const void *fake_map(uint64_t phys, size_t len)
{
	uint8_t *p;

	if (!within(phys, len, 0, CONV_MEM_END) && !within(phys, len, mem.base, mem.len) &&
	    !(mem.rom && within(phys, len, BIOS_ROM_START, BIOS_ROM_LEN)))
		return NULL;
	if (len > MAX_MAPPED - mem.mapped || !(p = map_buffer(len)))
		return NULL;
	memset(p, 0, len);
	overlay(p, phys, len, mem.bda, BDA_EBDA_SEG, sizeof(mem.bda));
	overlay(p, phys, len, mem.blob, mem.base, mem.len);
	mem.mapped += len;
	return p;
}

static void unmap_all(void)
{
	while (mem.nmaps)
		free(mem.maps[--mem.nmaps]);
	while (mem.nlarge)
		__asan_poison_memory_region(mem.large[--mem.nlarge], ACPI_MAX_TABLE_LEN);
	mem.mapped = 0;
}

static void check_info(const struct acpi_info *ai, int rc)
{
	FUZZ_ASSERT(rc == ACPI_OK || rc == ACPI_ERR_NO_RSDP || rc == ACPI_ERR_NO_ROOT);
	FUZZ_ASSERT(ai->found == (rc == ACPI_OK));
	FUZZ_ASSERT(ai->ncpus <= ACPI_MAX_CPUS);
	FUZZ_ASSERT(memchr(ai->oem, '\0', sizeof(ai->oem)));
	FUZZ_ASSERT(!ai->has_s5 || ai->pm1a_cnt != 0);
	FUZZ_ASSERT(ai->slp_typa <= 7 && ai->slp_typb <= 7);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t flags = fuzz_u8(&in);
	size_t copy_len = fuzz_u8(&in);
	uint16_t ebda_seg = fuzz_u16(&in);
	uint8_t *blob = fuzz_dup(in.p, in.left);
	void *copy = NULL;
	struct acpi_info ai;
	int rc;

	mem.blob = blob;
	mem.len = in.left;
	mem.rom = flags & 2;
	mem.base = mem.rom ? BIOS_ROM_START : (uint64_t)ebda_seg << 4;
	memcpy(mem.bda, &ebda_seg, 2);
	if (flags & 1)
		copy = fuzz_dup(blob, MIN(copy_len, in.left));

	host_log_clear();
	rc = acpi_parse(copy, copy ? MIN(copy_len, in.left) : 0, fake_map, &ai);
	check_info(&ai, rc);

	unmap_all();
	free(copy);
	free(blob);
	return 0;
}

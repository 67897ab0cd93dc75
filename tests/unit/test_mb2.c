/* units: drivers/mb2.c */
/*
 * Multiboot2 info parser tests.  A small builder lays out info blocks the
 * way GRUB does; each block is then copied into a heap buffer of exactly
 * the size handed to mb2_parse(), so any read past it trips ASan.
 */
#include <stdlib.h>
#include "check.h"
#include "host_log.h"
#include "drivers/mb2.h"

/* ---- builder ------------------------------------------------------------ */

static uint8_t bld[1 << 16] __attribute__((aligned(8)));
static size_t bld_len;

static void mb_begin(void)
{
	memset(bld, 0, sizeof(bld));
	bld_len = 8;
}

static void put32(size_t off, uint32_t v) { memcpy(bld + off, &v, 4); }

/* Append a tag with the given payload; returns the tag's offset. */
static size_t mb_tag(uint32_t type, const void *payload, uint32_t len)
{
	size_t off = bld_len;

	put32(off, type);
	put32(off + 4, 8 + len);
	if (len)
		memcpy(bld + off + 8, payload, len);
	bld_len = (off + 8 + len + 7) & ~(size_t)7;
	return off;
}

static void mb_end(void)
{
	mb_tag(MB2_TAG_END, NULL, 0);
	put32(0, (uint32_t)bld_len);
}

static size_t mb_string(uint32_t type, const char *s)
{
	return mb_tag(type, s, (uint32_t)strlen(s) + 1);
}

static size_t mb_module(uint32_t start, uint32_t end, const char *s)
{
	uint8_t p[64] = { 0 };

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, strlen(s) + 1);
	return mb_tag(MB2_TAG_MODULE, p, 8 + (uint32_t)strlen(s) + 1);
}

struct raw_entry { uint64_t base, len; uint32_t type, reserved; };

/* A memory map tag with n entries of entry_size bytes. */
static size_t mb_mmap(uint32_t entry_size, const struct raw_entry *e, unsigned n)
{
	static uint8_t p[8 + 512 * 32];
	uint32_t ver = 0;

	memset(p, 0, sizeof(p));
	memcpy(p, &entry_size, 4);
	memcpy(p + 4, &ver, 4);
	for (unsigned i = 0; i < n; i++)
		memcpy(p + 8 + i * entry_size, &e[i], MIN(entry_size, sizeof(e[i])));
	return mb_tag(MB2_TAG_MMAP, p, 8 + n * entry_size);
}

static const struct raw_entry std_map[] = {
	{ 0x0, 0x9fc00, 1, 0 },
	{ 0x100000, 0x7ee0000, 1, 0 },
	{ 0xfffc0000, 0x40000, 2, 0 },
};

static size_t mb_std_mmap(void)
{
	return mb_mmap(24, std_map, 3);
}

/* A framebuffer tag: 24 bytes of common fields plus colour info. */
static size_t mb_fb(uint8_t type, uint32_t payload_len)
{
	uint8_t p[64] = { 0 };
	uint64_t addr = 0xfd000000;
	uint32_t pitch = 4096, w = 1024, h = 768;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &pitch, 4);
	memcpy(p + 12, &w, 4);
	memcpy(p + 16, &h, 4);
	p[20] = 32;
	p[21] = type;
	p[24] = 16; p[25] = 8; p[26] = 8; p[27] = 8; p[28] = 0; p[29] = 8;
	return mb_tag(MB2_TAG_FRAMEBUFFER, p, payload_len);
}

/* An RSDP copy of len bytes with the given revision byte. */
static size_t mb_rsdp(uint32_t type, uint8_t rev, uint32_t len)
{
	uint8_t p[64] = { 0 };

	memcpy(p, "RSD PTR ", 8);
	p[15] = rev;
	return mb_tag(type, p, len);
}

/* ---- running the parser on an exact-size heap copy ---------------------- */

static struct mb2_info info;
static uint8_t *heap;

static int parse_avail(size_t avail)
{
	free(heap);
	heap = malloc(avail ? avail : 1);
	memcpy(heap, bld, MIN(avail, sizeof(bld)));
	host_log_clear();
	return mb2_parse(heap, avail, &info);
}

static int parse(void)
{
	return parse_avail(bld_len);
}

/* ---- tests --------------------------------------------------------------- */

static void test_good_every_tag(void)
{
	uint32_t mem[2] = { 639, 130048 }, dev[3] = { 0x80, 1, 0xffffffff };
	uint8_t unknown[12] = { 1, 2, 3 };

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "console=serial debug");
	mb_string(MB2_TAG_LOADER_NAME, "GRUB 2.12");
	mb_module(0x200000, 0x300000, "guest0.elf mem=64M");
	mb_module(0x400000, 0x400000, "");
	mb_tag(MB2_TAG_BASIC_MEM, mem, 8);
	mb_tag(MB2_TAG_BOOTDEV, dev, 12);
	mb_std_mmap();
	mb_fb(MB2_FB_RGB, 30);
	mb_rsdp(MB2_TAG_ACPI_OLD, 0, 20);
	mb_rsdp(MB2_TAG_ACPI_NEW, 2, 36);
	mb_tag(21, unknown, sizeof(unknown));   /* load base addr: ignored */
	mb_end();

	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nwarnings, 0);
	CHECK_EQ(host_log_text()[0], 0);
	CHECK_EQ(info.info_size, bld_len);
	CHECK(strcmp(info.cmdline, "console=serial debug") == 0);
	CHECK(strcmp(mb2_cmdline(&info), "console=serial debug") == 0);
	CHECK(strcmp(info.loader, "GRUB 2.12") == 0);
	CHECK_EQ(info.nmods, 2);
	CHECK_EQ(info.mods[0].start, 0x200000);
	CHECK_EQ(info.mods[0].end, 0x300000);
	CHECK(strcmp(info.mods[0].cmdline, "guest0.elf mem=64M") == 0);
	CHECK(strcmp(info.mods[1].cmdline, "") == 0);
	CHECK(info.has_meminfo);
	CHECK_EQ(info.mem_lower_kib, 639);
	CHECK_EQ(info.mem_upper_kib, 130048);
	CHECK(info.has_bootdev);
	CHECK_EQ(info.bootdev, 0x80);
	CHECK_EQ(info.boot_part, 1);
	CHECK_EQ(info.boot_subpart, 0xffffffff);
	CHECK_EQ(info.nmmap, 3);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(info.mmap[i].base, std_map[i].base);
		CHECK_EQ(info.mmap[i].len, std_map[i].len);
		CHECK_EQ(info.mmap[i].type, std_map[i].type);
	}
	CHECK(info.has_fb);
	CHECK_EQ(info.fb.addr, 0xfd000000);
	CHECK_EQ(info.fb.pitch, 4096);
	CHECK_EQ(info.fb.width, 1024);
	CHECK_EQ(info.fb.height, 768);
	CHECK_EQ(info.fb.bpp, 32);
	CHECK_EQ(info.fb.type, MB2_FB_RGB);
	CHECK_EQ(info.fb.red_pos, 16);
	CHECK_EQ(info.fb.red_size, 8);
	CHECK_EQ(info.fb.green_pos, 8);
	CHECK_EQ(info.fb.blue_pos, 0);
	CHECK_EQ(info.fb.blue_size, 8);
	CHECK(info.rsdp != NULL);
	CHECK_EQ(info.rsdp_len, 36);
	CHECK_EQ(info.rsdp_rev, 2);
	CHECK_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	CHECK(memcmp(info.rsdp, "RSD PTR ", 8) == 0);
	/* Pointers lead into the info block itself. */
	CHECK((const uint8_t *)info.cmdline > heap &&
	      (const uint8_t *)info.cmdline < heap + bld_len);
}

static void test_minimal_and_defaults(void)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.cmdline == NULL);
	CHECK(strcmp(mb2_cmdline(&info), "") == 0);
	CHECK(info.loader == NULL);
	CHECK(!info.has_fb);
	CHECK(info.rsdp == NULL);
	CHECK_EQ(info.rsdp_tag, 0);
	CHECK_EQ(info.nmods, 0);
}

static void test_bad_pointer(void)
{
	static uint64_t buf[4];

	host_log_clear();
	CHECK_EQ(mb2_parse(NULL, 64, &info), MB2_ERR_ARG);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: no info pointer");
	CHECK_EQ(mb2_parse((uint8_t *)buf + 4, 16, &info), MB2_ERR_ARG);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: info at");
	CHECK_STR_CONTAINS(host_log_text(), "not 8-byte aligned");
}

static void test_total_size_too_small(void)
{
	mb_begin();
	mb_end();
	put32(0, 8);
	CHECK_EQ(parse_avail(8), MB2_ERR_SIZE);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: total_size 8 too small");
	CHECK_EQ(parse_avail(4), MB2_ERR_SIZE);
	CHECK_STR_CONTAINS(host_log_text(), "only 4 bytes readable");
}

static void test_total_size_beyond_avail(void)
{
	mb_begin();
	mb_std_mmap();
	mb_end();
	CHECK_EQ(parse_avail(bld_len - 8), MB2_ERR_SIZE);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: total_size");
	CHECK_STR_CONTAINS(host_log_text(), "too large");
	CHECK_EQ(info.nmmap, 0);
}

static void test_total_size_over_limit(void)
{
	size_t big = MB2_MAX_INFO_SIZE + 64;
	uint8_t *p = aligned_alloc(8, big);
	uint32_t total = (uint32_t)MB2_MAX_INFO_SIZE + 8;

	memset(p, 0, big);
	memcpy(p, &total, 4);
	host_log_clear();
	CHECK_EQ(mb2_parse(p, big, &info), MB2_ERR_SIZE);
	CHECK_STR_CONTAINS(host_log_text(), "too large");
	free(p);
}

static void test_tag_size_below_8(void)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_string(MB2_TAG_CMDLINE, "x");
	mb_end();
	put32(off + 4, 4);
	CHECK_EQ(parse(), MB2_ERR_TAG_CHAIN);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: tag 1 (cmdline)");
	CHECK_STR_CONTAINS(host_log_text(), "size 4 below 8 bytes");
	/* What came before the broken tag is still there for the caller. */
	CHECK_EQ(info.nmmap, 3);
}

static void test_tag_runs_past_end(void)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	off = mb_fb(MB2_FB_RGB, 30);
	mb_end();
	put32(off + 4, 4000);
	CHECK_EQ(parse(), MB2_ERR_TAG_CHAIN);
	CHECK_STR_CONTAINS(host_log_text(), "tag 8 (framebuffer)");
	CHECK_STR_CONTAINS(host_log_text(), "size 4000 runs past total_size");
	CHECK(!info.has_fb);
}

static void test_missing_end_tag(void)
{
	mb_begin();
	mb_std_mmap();
	mb_string(MB2_TAG_CMDLINE, "abc");
	put32(0, (uint32_t)bld_len);          /* no end tag at all */
	CHECK_EQ(parse(), MB2_ERR_NO_END);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: no end tag within total_size");

	/* total_size stops 4 bytes into where the end tag should be. */
	mb_begin();
	mb_std_mmap();
	mb_end();
	put32(0, (uint32_t)bld_len - 4);
	CHECK_EQ(parse_avail(bld_len - 4), MB2_ERR_NO_END);
	CHECK_STR_CONTAINS(host_log_text(), "no end tag");
}

static void test_end_tag_early_stops_walk(void)
{
	mb_begin();
	mb_std_mmap();
	mb_tag(MB2_TAG_END, NULL, 0);
	mb_string(MB2_TAG_CMDLINE, "after end");
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.cmdline == NULL);
}

static void test_string_not_terminated(void)
{
	size_t off;

	mb_begin();
	off = mb_string(MB2_TAG_CMDLINE, "abcdefg");   /* 8 bytes incl. NUL */
	mb_std_mmap();
	mb_string(MB2_TAG_LOADER_NAME, "GRUB");
	mb_end();
	bld[off + 8 + 7] = 'h';                        /* overwrite the NUL */
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.cmdline == NULL);
	CHECK_EQ(info.nwarnings, 1);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: tag 1 (cmdline): string not NUL-terminated");
	/* Later tags still parsed. */
	CHECK(info.loader && strcmp(info.loader, "GRUB") == 0);

	mb_begin();
	mb_std_mmap();
	off = mb_string(MB2_TAG_LOADER_NAME, "1234567");
	mb_end();
	bld[off + 15] = 'x';
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.loader == NULL);
	CHECK_STR_CONTAINS(host_log_text(), "tag 2 (boot loader name): string not NUL-terminated");
}

static void test_duplicate_strings(void)
{
	mb_begin();
	mb_std_mmap();
	mb_string(MB2_TAG_CMDLINE, "first");
	mb_string(MB2_TAG_CMDLINE, "second");
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(strcmp(info.cmdline, "first") == 0);
	CHECK_STR_CONTAINS(host_log_text(), "tag 1 (cmdline): duplicate tag");
}

static void test_mmap_bad_entry_size(void)
{
	mb_begin();
	mb_mmap(16, std_map, 3);
	mb_end();
	CHECK_EQ(parse(), MB2_ERR_NO_MMAP);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: tag 6 (mmap): entry_size 16 invalid");
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: no usable memory map");
	CHECK_EQ(info.nmmap, 0);

	mb_begin();
	mb_mmap(28, std_map, 3);
	mb_end();
	CHECK_EQ(parse(), MB2_ERR_NO_MMAP);
	CHECK_STR_CONTAINS(host_log_text(), "entry_size 28 invalid");
}

static void test_mmap_larger_entries(void)
{
	/* A future entry_size of 32 is fine: step by it, read 24 bytes. */
	mb_begin();
	mb_mmap(32, std_map, 3);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nmmap, 3);
	CHECK_EQ(info.mmap[2].base, 0xfffc0000);
	CHECK_EQ(info.mmap[2].type, 2);
}

static void test_mmap_trailing_and_short(void)
{
	size_t off;

	mb_begin();
	off = mb_std_mmap();
	put32(off + 4, 16 + 3 * 24 - 8);      /* last entry cut to 16 bytes */
	bld_len = off + 16 + 3 * 24 - 8;
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nmmap, 2);
	CHECK_STR_CONTAINS(host_log_text(), "tag 6 (mmap): 16 trailing bytes after 2 entries ignored");

	mb_begin();
	mb_tag(MB2_TAG_MMAP, "\x18\0\0", 4);  /* header without entry_version */
	mb_end();
	CHECK_EQ(parse(), MB2_ERR_NO_MMAP);
	CHECK_STR_CONTAINS(host_log_text(), "tag 6 (mmap): size 12 too short");
}

static void test_mmap_too_many_and_duplicate(void)
{
	static struct raw_entry many[300];

	for (unsigned i = 0; i < 300; i++)
		many[i] = (struct raw_entry){ i * 0x1000ull, 0x1000, 1, 0 };
	mb_begin();
	mb_mmap(24, many, 300);
	mb_std_mmap();
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nmmap, MB2_MAX_MMAP);
	CHECK_EQ(info.mmap[255].base, 255 * 0x1000ull);
	CHECK_STR_CONTAINS(host_log_text(), "tag 6 (mmap): 300 entries, keeping the first 256");
	CHECK_STR_CONTAINS(host_log_text(), "tag 6 (mmap): duplicate tag, keeping the first");
	CHECK_EQ(info.nwarnings, 2);
}

static void test_module_errors(void)
{
	size_t off;

	mb_begin();
	mb_std_mmap();
	mb_module(0x300000, 0x200000, "backwards");
	off = mb_module(0x500000, 0x600000, "abc");
	mb_tag(MB2_TAG_MODULE, "\0\0\x10\0\0\0\x20", 8);  /* no room for a string */
	mb_module(0x700000, 0x800000, "good");
	mb_end();
	bld[off + 16 + 3] = 'd';                           /* drop the NUL */
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nmods, 1);
	CHECK_EQ(info.mods[0].start, 0x700000);
	CHECK(strcmp(info.mods[0].cmdline, "good") == 0);
	CHECK_STR_CONTAINS(host_log_text(), "tag 3 (module): start 0x300000 > end 0x200000, skipped");
	CHECK_STR_CONTAINS(host_log_text(), "tag 3 (module): string not NUL-terminated");
	CHECK_STR_CONTAINS(host_log_text(), "tag 3 (module): size 16 too short");
	CHECK_EQ(info.nwarnings, 3);
}

static void test_module_too_many(void)
{
	mb_begin();
	mb_std_mmap();
	for (unsigned i = 0; i < MB2_MAX_MODS + 2; i++)
		mb_module(i * 0x1000, i * 0x1000 + 0x800, i == MB2_MAX_MODS ? "extra" : "m");
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.nmods, MB2_MAX_MODS);
	CHECK_EQ(info.mods[MB2_MAX_MODS - 1].start, (MB2_MAX_MODS - 1) * 0x1000);
	CHECK_STR_CONTAINS(host_log_text(), "more than 32 modules, 'extra' ignored");
	CHECK_EQ(info.nwarnings, 2);
}

static void test_framebuffer_short(void)
{
	mb_begin();
	mb_std_mmap();
	mb_fb(MB2_FB_RGB, 16);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(!info.has_fb);
	CHECK_STR_CONTAINS(host_log_text(), "hv: multiboot2: tag 8 (framebuffer): size 24 too short");

	mb_begin();
	mb_std_mmap();
	mb_fb(MB2_FB_RGB, 26);                 /* common part + 2 of 6 colour bytes */
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(!info.has_fb);
	CHECK_STR_CONTAINS(host_log_text(), "size 34 too short for RGB colour info");

	/* EGA text needs no colour info; a second tag is ignored. */
	mb_begin();
	mb_std_mmap();
	mb_fb(MB2_FB_EGA_TEXT, 24);
	mb_fb(MB2_FB_RGB, 30);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.has_fb);
	CHECK_EQ(info.fb.type, MB2_FB_EGA_TEXT);
	CHECK_EQ(info.fb.red_size, 0);
	CHECK_STR_CONTAINS(host_log_text(), "tag 8 (framebuffer): duplicate tag");
}

static void test_rsdp_tags(void)
{
	mb_begin();
	mb_std_mmap();
	mb_rsdp(MB2_TAG_ACPI_OLD, 0, 19);
	mb_rsdp(MB2_TAG_ACPI_NEW, 2, 30);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(info.rsdp == NULL);
	CHECK_STR_CONTAINS(host_log_text(), "tag 14 (ACPI old RSDP): size 27 too short for a 20-byte RSDP");
	CHECK_STR_CONTAINS(host_log_text(), "tag 15 (ACPI new RSDP): size 38 too short for a 36-byte RSDP");

	/* New before old: the new copy stays. */
	mb_begin();
	mb_std_mmap();
	mb_rsdp(MB2_TAG_ACPI_NEW, 2, 36);
	mb_rsdp(MB2_TAG_ACPI_OLD, 0, 20);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.rsdp_tag, MB2_TAG_ACPI_NEW);
	CHECK_EQ(info.rsdp_rev, 2);
	CHECK_EQ(info.rsdp_len, 36);
	CHECK_EQ(info.nwarnings, 0);

	/* Only the old one. */
	mb_begin();
	mb_std_mmap();
	mb_rsdp(MB2_TAG_ACPI_OLD, 0, 20);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK_EQ(info.rsdp_tag, MB2_TAG_ACPI_OLD);
	CHECK_EQ(info.rsdp_rev, 0);
	CHECK_EQ(info.rsdp_len, 20);
}

static void test_short_meminfo_bootdev(void)
{
	uint32_t w[3] = { 1, 2, 3 };

	mb_begin();
	mb_std_mmap();
	mb_tag(MB2_TAG_BASIC_MEM, w, 4);
	mb_tag(MB2_TAG_BOOTDEV, w, 8);
	mb_end();
	CHECK_EQ(parse(), MB2_OK);
	CHECK(!info.has_meminfo);
	CHECK(!info.has_bootdev);
	CHECK_STR_CONTAINS(host_log_text(), "tag 4 (basic meminfo): size 12 too short");
	CHECK_STR_CONTAINS(host_log_text(), "tag 5 (bootdev): size 16 too short");
}

static void test_missing_mmap(void)
{
	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "nosmp");
	mb_end();
	CHECK_EQ(parse(), MB2_ERR_NO_MMAP);
	CHECK_STR_CONTAINS(host_log_text(), "no usable memory map");
	CHECK(strcmp(info.cmdline, "nosmp") == 0);
}

static void test_strerror(void)
{
	CHECK(strcmp(mb2_strerror(MB2_OK), "ok") == 0);
	CHECK(strcmp(mb2_strerror(MB2_ERR_ARG), "bad info pointer") == 0);
	CHECK(strcmp(mb2_strerror(MB2_ERR_SIZE), "bad total_size") == 0);
	CHECK(strcmp(mb2_strerror(MB2_ERR_TAG_CHAIN), "broken tag chain") == 0);
	CHECK(strcmp(mb2_strerror(MB2_ERR_NO_END), "missing end tag") == 0);
	CHECK(strcmp(mb2_strerror(MB2_ERR_NO_MMAP), "no memory map") == 0);
	CHECK(strcmp(mb2_strerror(-99), "unknown error") == 0);
}

/* Random corruption of a good block: the parser may complain, but must
 * never read outside the exact-size heap copy (ASan) or hang. */
static void test_random_corruption(void)
{
	uint8_t good[4096];
	size_t len;
	unsigned ok = 0;

	mb_begin();
	mb_string(MB2_TAG_CMDLINE, "console=serial");
	mb_module(0x200000, 0x300000, "g");
	mb_std_mmap();
	mb_fb(MB2_FB_RGB, 30);
	mb_rsdp(MB2_TAG_ACPI_NEW, 2, 36);
	mb_end();
	len = bld_len;
	memcpy(good, bld, len);
	srand(1234);
	for (int round = 0; round < 20000; round++) {
		memcpy(bld, good, len);
		for (int k = 0; k < 1 + rand() % 4; k++)
			bld[rand() % len] = (uint8_t)rand();
		if (parse_avail(len) == MB2_OK)
			ok++;
	}
	CHECK(ok > 0 && ok < 20000);
}

int main(void)
{
	RUN(test_good_every_tag);
	RUN(test_minimal_and_defaults);
	RUN(test_bad_pointer);
	RUN(test_total_size_too_small);
	RUN(test_total_size_beyond_avail);
	RUN(test_total_size_over_limit);
	RUN(test_tag_size_below_8);
	RUN(test_tag_runs_past_end);
	RUN(test_missing_end_tag);
	RUN(test_end_tag_early_stops_walk);
	RUN(test_string_not_terminated);
	RUN(test_duplicate_strings);
	RUN(test_mmap_bad_entry_size);
	RUN(test_mmap_larger_entries);
	RUN(test_mmap_trailing_and_short);
	RUN(test_mmap_too_many_and_duplicate);
	RUN(test_module_errors);
	RUN(test_module_too_many);
	RUN(test_framebuffer_short);
	RUN(test_rsdp_tags);
	RUN(test_short_meminfo_bootdev);
	RUN(test_missing_mmap);
	RUN(test_strerror);
	RUN(test_random_corruption);
	free(heap);
	return check_summary();
}

/* units: vmm/loader/dispatch.c vmm/loader/common.c vmm/loader/elf.c vmm/loader/mb1.c vmm/loader/elf64.c vmm/loader/bzimage.c lib/fmt.c */
/*
 * The Linux bzImage loader against a fake guest memory.  Images are built
 * here field by field at the offsets of Documentation/arch/x86/boot.rst
 * (written out as numbers, independently of the loader's names), loaded,
 * and guest RAM is read back: boot_params, the e820 map, the command
 * line, the initrd, the GDT and the page tables.
 *
 * HV_TEST_BZIMAGE=/path/to/vmlinuz also loads a real kernel (e.g. the one
 * tools/linux-scenario.sh fetches); without it that test is not run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "host_log.h"
#include "hv/types.h"
#include "vmm/loader/loader.h"

/* ---- fake guest memory ------------------------------------------------ */

#include "fake_guest_mem.h"

static char why[LOADER_WHY_LEN];




/* ---- synthetic bzImages ------------------------------------------------- */

#define BP      0x10000ull	/* where the loader puts boot_params */
#define SETUP   0xA00ull	/* 4 setup sectors + the boot sector */
#define KLEN    0x3000ull	/* protected-mode kernel bytes in the file */
#define RAM     MIB(64)

static uint8_t img[SETUP + KLEN];

static void set16(uint64_t off, uint16_t v) { memcpy(img + off, &v, 2); }
static void set32(uint64_t off, uint32_t v) { memcpy(img + off, &v, 4); }
static void set64(uint64_t off, uint64_t v) { memcpy(img + off, &v, 8); }

/* A relocatable 64-bit kernel, protocol 2.15, like Debian's but small. */
static uint64_t build_bz(void)
{
	memset(img, 0, sizeof(img));
	img[0x1F1] = 4;				/* setup_sects */
	set32(0x1F4, KLEN / 16);		/* syssize */
	set16(0x1FA, 0xFFFF);			/* vid_mode: normal */
	set16(0x1FE, 0xAA55);			/* boot_flag */
	img[0x200] = 0xEB;			/* jmp: header ends at 0x202+0x6a */
	img[0x201] = 0x6A;
	memcpy(img + 0x202, "HdrS", 4);
	set16(0x206, 0x020F);			/* version 2.15 */
	img[0x211] = 0x01;			/* loadflags: LOADED_HIGH */
	set32(0x214, 0x100000);			/* code32_start */
	set32(0x22C, 0x7FFFFFFF);		/* initrd_addr_max */
	set32(0x230, 0x200000);			/* kernel_alignment */
	img[0x234] = 1;				/* relocatable_kernel */
	img[0x235] = 21;			/* min_alignment */
	set16(0x236, 0x0001);			/* xloadflags: XLF_KERNEL_64 */
	set32(0x238, 0x7FF);			/* cmdline_size */
	set64(0x258, MIB(16));			/* pref_address */
	set32(0x260, MIB(4));			/* init_size */
	set32(0x268, 0x1234);			/* kernel_info_offset (copied) */
	for (uint64_t i = SETUP; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 7 + 3);
	return sizeof(img);
}

static uint8_t initrd[0x1800];
static struct loader_module mods[2];

static int load(const char *cmdline, int nmods, struct boot_state *bs)
{
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5A);
	mods[0] = (struct loader_module){ "initrd.img", initrd, sizeof(initrd) };
	mods[1] = (struct loader_module){ "extra", initrd, 16 };
	memset(bs, 0xEE, sizeof(*bs));
	return loader_load(IMAGE_BZIMAGE, img, sizeof(img), cmdline, mods, nmods,
			   &gm, bs, why, sizeof(why));
}

/* ---- a good load, checked field by field ------------------------------- */

static void test_boot_state(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("console=ttyS0", 1, &bs), 0);
	CHECK_EQ(bs.mode, BOOT_LONG64);
	CHECK_EQ(bs.rip, MIB(16) + 0x200);		/* pref_address + 0x200 */
	CHECK_EQ(bs.rsi, BP);
	CHECK_EQ(bs.cs_sel, 0x10);			/* __BOOT_CS */
	CHECK_EQ(bs.ds_sel, 0x18);			/* __BOOT_DS */
	CHECK_EQ(bs.gdt_limit, 4 * 8 - 1);
	CHECK(bs.rsp > 0 && bs.rsp <= BP);		/* below boot_params */
	CHECK_EQ(bs.rsp % 16, 0);
	CHECK(bs.cr3 % PAGE_SIZE == 0 && bs.cr3 >= BP + PAGE_SIZE && bs.cr3 < 0x9F000);
}

static void test_kernel_copied(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK(memcmp(fk.buf + MIB(16), img + SETUP, KLEN) == 0);
	CHECK_EQ(rd8(MIB(16) - 1), 0xCC);		/* nothing before it */
	CHECK_EQ((bs.rip - 0x200) % 0x200000, 0);	/* kernel_alignment */
}

static void test_boot_params(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("console=ttyS0", 1, &bs), 0);
	/* the setup header, copied up to its end (0x202 + 0x6a) */
	CHECK(memcmp(fk.buf + BP + 0x202, "HdrS", 4) == 0);
	CHECK_EQ(rd16(BP + 0x206), 0x020F);
	CHECK_EQ(rd16(BP + 0x1FE), 0xAA55);
	CHECK_EQ(rd32(BP + 0x260), MIB(4));
	CHECK_EQ(rd32(BP + 0x268), 0x1234);
	CHECK(all_bytes(BP + 0x26C, 0x290 - 0x26C, 0));	/* beyond the header */
	/* the boot loader's fields */
	CHECK_EQ(rd8(BP + 0x210), 0xFF);		/* type_of_loader */
	CHECK_EQ(rd8(BP + 0x211), 0x01);		/* loadflags unchanged */
	CHECK_EQ(rd32(BP + 0x228), 0x20000);		/* cmd_line_ptr */
	CHECK_EQ(rd32(BP + 0xC8), 0);			/* ext_cmd_line_ptr */
	CHECK_EQ(rd64(BP + 0x70), 0);			/* acpi_rsdp_addr: none */
	/* everything before the header and the ext_ fields is zero */
	CHECK(all_bytes(BP, 0xC0, 0));
	CHECK(all_bytes(BP + 0xCC, 0x1E8 - 0xCC, 0));
	CHECK_STR_CONTAINS((char *)fk.buf + 0x20000, "console=ttyS0");
	CHECK_EQ(strlen((char *)fk.buf + 0x20000), strlen("console=ttyS0"));
}

static void test_e820(void)
{
	struct boot_state bs;
	uint64_t t = BP + 0x2D0;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK_EQ(rd8(BP + 0x1E8), 3);
	CHECK_EQ(rd64(t + 0), 0);
	CHECK_EQ(rd64(t + 8), 0x9FC00);
	CHECK_EQ(rd32(t + 16), 1);
	CHECK_EQ(rd64(t + 20), 0x9FC00);
	CHECK_EQ(rd64(t + 28), 0x100000 - 0x9FC00);
	CHECK_EQ(rd32(t + 36), 2);
	CHECK_EQ(rd64(t + 40), 0x100000);
	CHECK_EQ(rd64(t + 48), RAM - 0x100000);
	CHECK_EQ(rd32(t + 56), 1);
	CHECK(all_bytes(t + 60, 20, 0));		/* no fourth entry */
}

static void test_initrd(void)
{
	struct boot_state bs;
	uint64_t at = ALIGN_DOWN(RAM - sizeof(initrd), PAGE_SIZE);

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK_EQ(rd32(BP + 0x218), at);			/* ramdisk_image */
	CHECK_EQ(rd32(BP + 0x21C), sizeof(initrd));	/* ramdisk_size */
	CHECK_EQ(rd32(BP + 0xC0), 0);			/* ext_ramdisk_image */
	CHECK_EQ(rd32(BP + 0xC4), 0);			/* ext_ramdisk_size */
	CHECK_EQ(at % PAGE_SIZE, 0);
	CHECK(memcmp(fk.buf + at, initrd, sizeof(initrd)) == 0);
}

static void test_no_initrd(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load(NULL, 0, &bs), 0);
	CHECK_EQ(rd32(BP + 0x218), 0);
	CHECK_EQ(rd32(BP + 0x21C), 0);
	CHECK_EQ(rd8(0x20000), 0);			/* empty command line */
	CHECK_EQ(rd8(RAM - 1), 0xCC);
}

static void test_extra_modules_logged(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	host_log_clear();
	CHECK_EQ(load("", 2, &bs), 0);
	CHECK_STR_CONTAINS(host_log_text(), "ignoring 1 more");
	host_log_clear();
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK(strstr(host_log_text(), "ignoring") == NULL);
}

static void test_gdt(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK_EQ(rd64(bs.gdt_base), 0);
	/* __BOOT_CS: present, code (type 0xA, S=1), L=1, D=0 */
	uint64_t cs = rd64(bs.gdt_base + 0x10), ds = rd64(bs.gdt_base + 0x18);
	CHECK_EQ((cs >> 40) & 0xFF, 0x9A);
	CHECK_EQ((cs >> 53) & 1, 1);
	CHECK_EQ((cs >> 54) & 1, 0);
	/* __BOOT_DS: present, read/write data */
	CHECK_EQ((ds >> 40) & 0xFF, 0x92);
	/* the default code selector 0x08 is a 64-bit code segment too */
	CHECK_EQ(rd64(bs.gdt_base + 0x08), cs);
}

static void test_page_tables(void)
{
	struct boot_state bs;
	uint64_t pml4, pdpt, pd;

	build_bz();
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 1, &bs), 0);
	pml4 = bs.cr3;
	pdpt = rd64(pml4) & ~0xFFFull;
	CHECK_EQ(rd64(pml4) & 3, 3);
	CHECK(all_bytes(pml4 + 8, PAGE_SIZE - 8, 0));
	pd = rd64(pdpt) & ~0xFFFull;
	CHECK_EQ(rd64(pdpt) & 3, 3);
	CHECK_EQ(rd64(pdpt + 8), 0);			/* 64 MiB: one GiB */
	CHECK_EQ(rd64(pd), 0x83);			/* 2 MiB, RW, present */
	CHECK_EQ(rd64(pd + 8 * 8), MIB(16) | 0x83);	/* the kernel */
	CHECK_EQ(rd64(pd + 31 * 8), MIB(62) | 0x83);
	CHECK_EQ(rd64(pd + 32 * 8), 0);			/* past RAM */
	/* the tables do not overlap boot_params, GDT or command line */
	CHECK(pml4 >= 0x21000 && pd + PAGE_SIZE <= 0x9FC00);
}

/* ---- placement rules ---------------------------------------------------- */

/* pref_address does not fit: the lowest kernel_alignment boundary >= 1 MiB. */
static void test_relocated_low(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(MIB(16), MIB(16));
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK_EQ(bs.rip, MIB(2) + 0x200);
	CHECK(memcmp(fk.buf + MIB(2), img + SETUP, KLEN) == 0);
	/* initrd above the kernel's init_size */
	CHECK(rd32(BP + 0x218) >= MIB(2) + MIB(4));

	build_bz();
	set32(0x230, 0x1000000);			/* kernel_alignment 16 MiB */
	set64(0x258, MIB(3));				/* unaligned pref_address */
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK_EQ(bs.rip, MIB(16) + 0x200);
}

/* A kernel that is not relocatable goes to pref_address or nowhere. */
static void test_not_relocatable(void)
{
	struct boot_state bs;

	build_bz();
	img[0x234] = 0;
	set64(0x258, MIB(3));
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK_EQ(bs.rip, MIB(3) + 0x200);

	build_bz();
	img[0x234] = 0;
	fake_init(MIB(16), MIB(16));
	CHECK(load("", 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "kernel needs 0x400000 bytes (init_size) from 0x1000000");
}

static void test_initrd_addr_max(void)
{
	struct boot_state bs;

	/* 2 GiB of RAM, initrd below initrd_addr_max (1 GiB - 1) */
	build_bz();
	set32(0x22C, 0x3FFFFFFF);
	fake_init(GIB(2), MIB(64));
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK_EQ(rd32(BP + 0x218), ALIGN_DOWN(GIB(1) - sizeof(initrd), PAGE_SIZE));
	CHECK_EQ(rd32(BP + 0xC0), 0);
	CHECK_EQ(rd64(BP + 0x2D0 + 48), GIB(2) - MIB(1));
}

/* XLF_CAN_BE_LOADED_ABOVE_4G: the initrd goes to the top of all RAM,
 * which for 8 GiB is 9 GiB (3 GiB below the hole, 5 GiB from 4 GiB). */
static void test_initrd_above_4g(void)
{
	struct boot_state bs;
	uint64_t at = ALIGN_DOWN(GIB(9) - sizeof(initrd), PAGE_SIZE);

	build_bz();
	set16(0x236, 0x0003);
	fake_init(GIB(8), MIB(64));
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK_EQ(rd32(BP + 0x218), (uint32_t)at);
	CHECK_EQ(rd32(BP + 0xC0), at >> 32);
	CHECK_EQ(rd32(BP + 0x21C), sizeof(initrd));
	/* gpa up to 9 GiB mapped, the hole too: PDPT entries 0-8 */
	uint64_t pdpt = rd64(bs.cr3) & ~0xFFFull;
	CHECK(rd64(pdpt + 3 * 8) & 1);
	CHECK(rd64(pdpt + 8 * 8) & 1);
	CHECK_EQ(rd64(pdpt + 9 * 8), 0);
	CHECK_EQ(fk.refused, 0);
}

/* Without XLF_CAN_BE_LOADED_ABOVE_4G (and initrd_addr_max above 3 GiB)
 * the initrd ends where the RAM below the hole does, not in the hole. */
static void test_initrd_below_hole(void)
{
	struct boot_state bs;
	uint64_t at = ALIGN_DOWN(GIB(3) - sizeof(initrd), PAGE_SIZE);

	build_bz();
	set32(0x22C, 0xFFFFFFFF);
	fake_init(GIB(5), MIB(64));
	CHECK_EQ(load("", 1, &bs), 0);
	CHECK_EQ(rd32(BP + 0x218), (uint32_t)at);
	CHECK_EQ(rd32(BP + 0xC0), 0);
	CHECK_EQ(fk.refused, 0);
}

/* A 5 GiB guest: e820 has RAM to 3 GiB and 2 GiB from 4 GiB, no hole. */
static void test_e820_5g(void)
{
	struct boot_state bs;
	uint64_t t = BP + 0x2D0;

	build_bz();
	fake_init(GIB(5), MIB(64));
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK_EQ(rd8(BP + 0x1E8), 4);
	CHECK_EQ(rd64(t + 0), 0);
	CHECK_EQ(rd64(t + 8), 0x9FC00);
	CHECK_EQ(rd32(t + 16), 1);
	CHECK_EQ(rd64(t + 20), 0x9FC00);
	CHECK_EQ(rd64(t + 28), 0x100000 - 0x9FC00);
	CHECK_EQ(rd32(t + 36), 2);
	CHECK_EQ(rd64(t + 40), 0x100000);
	CHECK_EQ(rd64(t + 48), 0xC0000000 - 0x100000);
	CHECK_EQ(rd32(t + 56), 1);
	CHECK_EQ(rd64(t + 60), 0x100000000ull);
	CHECK_EQ(rd64(t + 68), 0x80000000ull);
	CHECK_EQ(rd32(t + 76), 1);
	CHECK(all_bytes(t + 80, 20, 0));		/* no fifth entry */
	/* no entry covers the local APIC or I/O APIC page */
	for (unsigned i = 0; i < 4; i++) {
		uint64_t a = rd64(t + 20 * i), n = rd64(t + 20 * i + 8);
		CHECK(!(a <= 0xFEE00000ull && 0xFEE00000ull < a + n));
		CHECK(!(a <= 0xFEC00000ull && 0xFEC00000ull < a + n));
	}
	CHECK_EQ(fk.refused, 0);
}

/* Above 64 GiB only the first 64 GiB are mapped; the tables stay low. */
static void test_map_limit(void)
{
	struct boot_state bs;

	build_bz();
	fake_init(GIB(100), MIB(64));
	CHECK_EQ(load("", 1, &bs), 0);
	uint64_t pdpt = rd64(bs.cr3) & ~0xFFFull;
	uint64_t last_pd = rd64(pdpt + 63 * 8) & ~0xFFFull;
	CHECK(rd64(pdpt + 63 * 8) & 1);
	CHECK_EQ(rd64(pdpt + 64 * 8), 0);
	CHECK(last_pd + PAGE_SIZE <= 0x9FC00);
	CHECK_EQ(rd64(last_pd + 511 * 8), (GIB(64) - SIZE_2M) | 0x83);
	/* e820: all RAM, 3 GiB below the hole and 97 GiB from 4 GiB */
	CHECK_EQ(rd64(BP + 0x2D0 + 48), GIB(3) - MIB(1));
	CHECK_EQ(rd64(BP + 0x2D0 + 60), GIB(4));
	CHECK_EQ(rd64(BP + 0x2D0 + 68), GIB(97));
}

/* ---- refusals ------------------------------------------------------------ */

static void expect_refused(uint64_t size, const char *reason)
{
	struct boot_state bs;

	CHECK(loader_probe(IMAGE_BZIMAGE, img, size, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, reason);
	why[0] = 0;
	fake_init(RAM, RAM);
	CHECK(loader_load(IMAGE_BZIMAGE, img, size, "", NULL, 0, &gm, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, reason);
	CHECK(all_bytes(BP, PAGE_SIZE, 0xCC));		/* nothing written */
}

static void test_bad_images(void)
{
	uint64_t size = build_bz();

	CHECK_EQ(loader_probe(IMAGE_BZIMAGE, img, size, why, sizeof(why)), 0);
	expect_refused(0x100, "no \"HdrS\"");		/* short file */
	expect_refused(0x206, "no \"HdrS\"");
	img[0x205] = 'X';
	expect_refused(size, "no \"HdrS\" setup header at 0x202");
	build_bz();
	set16(0x1FE, 0);
	expect_refused(size, "no 0xAA55 boot flag");
	build_bz();
	set16(0x206, 0x020B);
	expect_refused(size, "boot protocol 2.11 is older than 2.12");
	build_bz();
	img[0x201] = 0x50;				/* header ends at 0x252 */
	expect_refused(size, "setup header is truncated");
	build_bz();
	expect_refused(0x260, "setup header is truncated");
	build_bz();
	set16(0x236, 0);
	expect_refused(size, "no 64-bit entry point");
	build_bz();
	img[0x211] = 0;
	expect_refused(size, "zImage");
	build_bz();
	expect_refused(SETUP, "file ends inside the setup code (4 setup sectors)");
	build_bz();
	img[0x1F1] = 0;					/* 0 means 4 */
	CHECK_EQ(loader_probe(IMAGE_BZIMAGE, img, size, why, sizeof(why)), 0);
	expect_refused(SETUP, "(4 setup sectors)");
	build_bz();
	img[0x1F1] = 30;
	expect_refused(size, "(30 setup sectors)");
	build_bz();
	expect_refused(size - 16, "file is truncated");
	build_bz();
	set32(0x230, 0x3000);
	expect_refused(size, "bad kernel_alignment 0x3000");
	set32(0x230, 0x800);
	expect_refused(size, "bad kernel_alignment 0x800");
	build_bz();
	img[0x234] = 0;
	set64(0x258, 0x90000);
	expect_refused(size, "below 1 MiB");
}

static void test_too_big_for_ram(void)
{
	struct boot_state bs;
	static uint8_t big[MIB(3)];

	build_bz();
	set32(0x260, MIB(200));				/* init_size */
	fake_init(RAM, RAM);
	CHECK(load("", 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "kernel needs 0xc800000 bytes (init_size) from 0x200000");
	CHECK_STR_CONTAINS(why, "guest RAM is 0x4000000 bytes");

	/* 8 MiB of RAM: kernel at 2-6 MiB, 2 MiB left for a 3 MiB initrd */
	build_bz();
	fake_init(MIB(8), MIB(8));
	mods[0] = (struct loader_module){ "initrd.img", big, sizeof(big) };
	CHECK(loader_load(IMAGE_BZIMAGE, img, sizeof(img), "", mods, 1, &gm, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "initrd (0x300000 bytes) does not fit");
	CHECK_STR_CONTAINS(why, "kernel's end 0x600000");
	/* bigger than all of the space below initrd_addr_max */
	set32(0x22C, MIB(2) - 1);
	CHECK(loader_load(IMAGE_BZIMAGE, img, sizeof(img), "", mods, 1, &gm, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "initrd (0x300000 bytes) does not fit");

	build_bz();
	fake_init(MIB(1), MIB(1));
	CHECK(load("", 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "below 2 MiB");
}

static void test_cmdline_too_long(void)
{
	struct boot_state bs;

	build_bz();
	set32(0x238, 8);				/* cmdline_size */
	fake_init(RAM, RAM);
	CHECK_EQ(load("12345678", 0, &bs), 0);
	CHECK(load("123456789", 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "command line is 9 bytes, the kernel takes at most 8");
}

/* The header copy stops at 0x290, where boot_params' own fields begin. */
static void test_header_copy_clamped(void)
{
	struct boot_state bs;

	build_bz();
	img[0x201] = 0xFF;				/* "ends" at 0x301 */
	memset(img + 0x26C, 0xAB, 0x301 - 0x26C);
	fake_init(RAM, RAM);
	CHECK_EQ(load("", 0, &bs), 0);
	CHECK(all_bytes(BP + 0x26C, 0x290 - 0x26C, 0xAB));
	CHECK(all_bytes(BP + 0x290, 0x2D0 - 0x290, 0));
}

/* A guest_mem that fails for writes starting in [fail_from, fail_to). */
static uint64_t fail_from, fail_to;

static int failing_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	if (gpa.v >= fail_from && gpa.v < fail_to)
		return -1;
	return fake_write(ctx, gpa, src, len);
}

static int failing_zero(void *ctx, gpa_t gpa, uint64_t len)
{
	if (gpa.v >= fail_from && gpa.v < fail_to)
		return -1;
	return fake_zero(ctx, gpa, len);
}

/* Each piece the loader writes, failing alone, fails the load. */
static void test_write_failures(void)
{
	struct boot_state bs;
	const uint64_t where[][2] = {
		{ MIB(16), MIB(17) },		/* kernel */
		{ MIB(60), RAM },		/* initrd */
		{ 0x20000, 0x21000 },		/* command line */
		{ 0x10000, 0x10001 },		/* zeroing boot_params */
		{ 0x10001, 0x11000 },		/* boot_params fields */
		{ 0x11000, 0x12000 },		/* GDT */
		{ 0x30000, 0x9F000 },		/* page tables */
	};

	build_bz();
	for (size_t i = 0; i < ARRAY_SIZE(where); i++) {
		fake_init(RAM, RAM);
		struct guest_mem bad = { RAM, failing_write, failing_zero, &fk };
		fail_from = where[i][0];
		fail_to = where[i][1];
		why[0] = 0;
		CHECK(loader_load(IMAGE_BZIMAGE, img, sizeof(img), "x", mods, 1, &bad,
				  &bs, why, sizeof(why)) < 0);
		CHECK_STR_CONTAINS(why, "guest memory write failed");
	}
}

/* ---- a real kernel, when one is given ------------------------------------ */

static uint8_t *read_file(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0) {
		buf = malloc((size_t)n);
		rewind(f);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (uint64_t)n;
	}
	fclose(f);
	return buf;
}

static void test_real_kernel(void)
{
	uint64_t size = 0;
	uint8_t *k = read_file(getenv("HV_TEST_BZIMAGE"), &size);
	struct boot_state bs;
	struct loader_module m = { "initrd.img", initrd, sizeof(initrd) };

	CHECK(k != NULL);
	if (!k)
		return;
	CHECK_EQ(loader_probe(IMAGE_BZIMAGE, k, size, why, sizeof(why)), 0);
	fake_init(MIB(256), MIB(256));
	CHECK_EQ(loader_load(IMAGE_BZIMAGE, k, size, "console=ttyS0", &m, 1, &gm,
			     &bs, why, sizeof(why)), 0);
	uint64_t load = bs.rip - 0x200;
	uint32_t align, init_size, setup = ((k[0x1F1] ? k[0x1F1] : 4) + 1) * 512;
	memcpy(&align, k + 0x230, 4);
	memcpy(&init_size, k + 0x260, 4);
	CHECK_EQ(load % align, 0);
	CHECK(load >= MIB(1) && load + init_size <= MIB(256));
	CHECK(memcmp(fk.buf + load, k + setup, size - setup) == 0);
	CHECK(rd32(BP + 0x218) >= load + init_size);
	CHECK(memcmp(fk.buf + rd32(BP + 0x218), initrd, sizeof(initrd)) == 0);
	CHECK(memcmp(fk.buf + BP + 0x1F1, k + 0x1F1, 0x210 - 0x1F1) == 0);
	CHECK_EQ(rd64(BP + 0x2D0 + 48), MIB(256) - MIB(1));
	printf("  real kernel: protocol %u.%02u, loaded at 0x%llx, init_size 0x%x\n",
	       k[0x207], k[0x206], (unsigned long long)load, init_size);
	free(k);
}

int main(void)
{
	RUN(test_boot_state);
	RUN(test_kernel_copied);
	RUN(test_boot_params);
	RUN(test_e820);
	RUN(test_initrd);
	RUN(test_no_initrd);
	RUN(test_extra_modules_logged);
	RUN(test_gdt);
	RUN(test_page_tables);
	RUN(test_relocated_low);
	RUN(test_not_relocatable);
	RUN(test_initrd_addr_max);
	RUN(test_initrd_above_4g);
	RUN(test_initrd_below_hole);
	RUN(test_e820_5g);
	RUN(test_map_limit);
	RUN(test_bad_images);
	RUN(test_too_big_for_ram);
	RUN(test_cmdline_too_long);
	RUN(test_header_copy_clamped);
	RUN(test_write_failures);
	if (getenv("HV_TEST_BZIMAGE"))
		RUN(test_real_kernel);
	else
		printf("note %s: HV_TEST_BZIMAGE not set; the real-kernel test "
		       "is not run\n", __FILE__);
	free(fk.buf);
	return check_summary();
}

/* units: vmm/loader/dispatch.c vmm/loader/common.c vmm/loader/elf.c vmm/loader/mb1.c vmm/loader/elf64.c vmm/loader/bzimage.c lib/fmt.c */
/*
 * Guest loaders against a fake guest memory: images are built byte by
 * byte here (with the host's <elf.h> layouts, an independent check of
 * the loader's own structs), loaded, and guest RAM is read back.
 */
#include <elf.h>
#include <stdlib.h>
#include "check.h"
#include "host_log.h"
#include "hv/types.h"
#include "vmm/loader/loader.h"
#include "vmm/loader/common.h"   /* loader_why */

/* ---- fake guest memory ------------------------------------------------ */

#include "fake_guest_mem.h"


#define RAM MIB(8)




/* ---- image builders -------------------------------------------------- */

static uint8_t img[64 * 1024];
static char why[LOADER_WHY_LEN];

struct seg { uint64_t paddr, filesz, memsz; uint8_t fill; };

#define SEG_DATA_OFF 0x1000	/* segment i's bytes at 0x1000 + i * 0x1000 */

static void put_mb_header(uint64_t off, uint32_t flags)
{
	uint32_t h[3] = { 0x1BADB002u, flags, 0u - 0x1BADB002u - flags };
	memcpy(img + off, h, sizeof(h));
}

/* An ET_EXEC ELF (32 or 64) with the given segments; returns its size. */
static uint64_t build_elf(bool is64, uint16_t machine, uint64_t entry,
			  const struct seg *s, int n)
{
	memset(img, 0, sizeof(img));
	if (is64) {
		Elf64_Ehdr h = { .e_type = ET_EXEC, .e_machine = machine,
				 .e_version = EV_CURRENT, .e_entry = entry,
				 .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(h),
				 .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = n };
		memcpy(h.e_ident, ELFMAG, SELFMAG);
		h.e_ident[EI_CLASS] = ELFCLASS64;
		h.e_ident[EI_DATA] = ELFDATA2LSB;
		h.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(img, &h, sizeof(h));
	} else {
		Elf32_Ehdr h = { .e_type = ET_EXEC, .e_machine = machine,
				 .e_version = EV_CURRENT, .e_entry = (uint32_t)entry,
				 .e_phoff = sizeof(Elf32_Ehdr), .e_ehsize = sizeof(h),
				 .e_phentsize = sizeof(Elf32_Phdr), .e_phnum = n };
		memcpy(h.e_ident, ELFMAG, SELFMAG);
		h.e_ident[EI_CLASS] = ELFCLASS32;
		h.e_ident[EI_DATA] = ELFDATA2LSB;
		h.e_ident[EI_VERSION] = EV_CURRENT;
		memcpy(img, &h, sizeof(h));
	}
	for (int i = 0; i < n; i++) {
		uint64_t off = SEG_DATA_OFF + (uint64_t)i * 0x1000;
		if (is64) {
			Elf64_Phdr ph = { .p_type = PT_LOAD, .p_offset = off,
					  .p_vaddr = s[i].paddr, .p_paddr = s[i].paddr,
					  .p_filesz = s[i].filesz, .p_memsz = s[i].memsz };
			memcpy(img + sizeof(Elf64_Ehdr) + i * sizeof(ph), &ph, sizeof(ph));
		} else {
			Elf32_Phdr ph = { .p_type = PT_LOAD, .p_offset = (uint32_t)off,
					  .p_vaddr = (uint32_t)s[i].paddr,
					  .p_paddr = (uint32_t)s[i].paddr,
					  .p_filesz = (uint32_t)s[i].filesz,
					  .p_memsz = (uint32_t)s[i].memsz };
			memcpy(img + sizeof(Elf32_Ehdr) + i * sizeof(ph), &ph, sizeof(ph));
		}
		if (off + s[i].filesz <= sizeof(img))
			memset(img + off, s[i].fill, s[i].filesz);
	}
	return SEG_DATA_OFF + (uint64_t)n * 0x1000;
}

/* A multiboot ELF32 kernel: text at 1 MiB, data + bss at 1 MiB + 4 KiB. */
static const struct seg mb_segs[] = {
	{ 0x100000, 0x100, 0x100, 0xAA },
	{ 0x101000, 0x80, 0x1000, 0xBB },
};

static uint64_t build_mb_elf32(uint32_t flags)
{
	uint64_t size = build_elf(false, EM_386, 0x100010, mb_segs, 2);
	put_mb_header(0x200, flags);
	return size;
}

/* An a.out-kludge image: header at file offset 0x40, loaded at 2 MiB. */
struct aout { uint32_t header_addr, load_addr, load_end, bss_end, entry; };

static uint64_t build_aout(uint64_t hoff, struct aout a)
{
	uint32_t flags = 1u << 16;
	uint32_t h[8] = { 0x1BADB002u, flags, 0u - 0x1BADB002u - flags,
			  a.header_addr, a.load_addr, a.load_end, a.bss_end, a.entry };

	for (int i = 0; i < 0x400; i++)
		img[i] = (uint8_t)(i * 7 + 1);
	memcpy(img + hoff, h, sizeof(h));
	return 0x400;
}

static const struct aout good_aout = { 0x200040, 0x200000, 0x200300, 0x201000, 0x200010 };

/* ---- multiboot: ELF ---------------------------------------------------- */

static int mb_load(uint64_t size, const char *cmdline,
		   const struct loader_module *mods, int n, struct boot_state *bs)
{
	why[0] = 0;
	return loader_load(IMAGE_MULTIBOOT, img, size, cmdline, mods, n, &gm, bs,
			   why, sizeof(why));
}

static void test_mb1_elf32_segments(void)
{
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x3);

	fake_init(RAM, RAM);
	CHECK_EQ(loader_probe(IMAGE_MULTIBOOT, img, size, why, sizeof(why)), 0);
	CHECK_EQ(mb_load(size, "a b", NULL, 0, &bs), 0);
	CHECK(all_bytes(0x100000, 0x100, 0xAA));
	CHECK(all_bytes(0x100100, 0x10, 0xCC));		/* past memsz: untouched */
	CHECK(all_bytes(0x101000, 0x80, 0xBB));
	CHECK(all_bytes(0x101080, 0x1000 - 0x80, 0x00));	/* bss zeroed */
	CHECK(all_bytes(0xFF000, 0x1000, 0xCC));
	CHECK_EQ(bs.mode, BOOT_PROT32);
	CHECK_EQ(bs.rip, 0x100010);
	CHECK_EQ(bs.rax, 0x2BADB002);
	CHECK_EQ(bs.rbx, 0x102000);	/* first page after the kernel */
	CHECK_EQ(bs.rsp, 0);
	CHECK_EQ(bs.cr3, 0);
}

static void test_mb1_info(void)
{
	static const uint8_t m0[] = "initrd contents";
	uint8_t m1[5000];
	struct loader_module mods[2] = {
		{ "initrd.img arg", m0, sizeof(m0) }, { NULL, m1, sizeof(m1) },
	};
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x3), info, mmap, mod;

	memset(m1, 0x5A, sizeof(m1));
	fake_init(RAM, RAM);
	CHECK_EQ(mb_load(size, "console=ttyS0", mods, 2, &bs), 0);
	info = bs.rbx;
	CHECK(IS_ALIGNED(info, PAGE_SIZE));
	CHECK_EQ(rd32(info + 0), (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
	CHECK_EQ(rd32(info + 4), 639);
	CHECK_EQ(rd32(info + 8), (RAM - MIB(1)) / 1024);
	CHECK_STR_CONTAINS((char *)fk.buf + rd32(info + 16), "console=ttyS0");
	CHECK_EQ(strcmp((char *)fk.buf + rd32(info + 64), "hv"), 0);

	/* mmap: low RAM, the EBDA/ROM hole, RAM from 1 MiB */
	CHECK_EQ(rd32(info + 44), 72);
	mmap = rd32(info + 48);
	CHECK_EQ(rd32(mmap + 0), 20);
	CHECK_EQ(rd64(mmap + 4), 0);
	CHECK_EQ(rd64(mmap + 12), 0x9FC00);
	CHECK_EQ(rd32(mmap + 20), 1);
	CHECK_EQ(rd64(mmap + 24 + 4), 0x9FC00);
	CHECK_EQ(rd64(mmap + 24 + 12), 0x100000 - 0x9FC00);
	CHECK_EQ(rd32(mmap + 24 + 20), 2);
	CHECK_EQ(rd64(mmap + 48 + 4), 0x100000);
	CHECK_EQ(rd64(mmap + 48 + 12), RAM - 0x100000);
	CHECK_EQ(rd32(mmap + 48 + 20), 1);

	/* modules: page aligned above the kernel, contents and strings */
	CHECK_EQ(rd32(info + 20), 2);
	mod = rd32(info + 24);
	CHECK(mod > 0x102000 && mod < RAM);
	CHECK(IS_ALIGNED(rd32(mod), PAGE_SIZE) && rd32(mod) > 0x102000);
	CHECK_EQ(rd32(mod + 4), rd32(mod) + sizeof(m0));
	CHECK_EQ(memcmp(fk.buf + rd32(mod), m0, sizeof(m0)), 0);
	CHECK_EQ(strcmp((char *)fk.buf + rd32(mod + 8), "initrd.img arg"), 0);
	CHECK(IS_ALIGNED(rd32(mod + 16), PAGE_SIZE) && rd32(mod + 16) >= rd32(mod + 4));
	CHECK_EQ(rd32(mod + 20), rd32(mod + 16) + sizeof(m1));
	CHECK_EQ(memcmp(fk.buf + rd32(mod + 16), m1, sizeof(m1)), 0);
	CHECK_EQ(strcmp((char *)fk.buf + rd32(mod + 24), ""), 0);

	/* GDT: flat 32-bit code at 0x08, data at 0x10 */
	CHECK_EQ(bs.gdt_limit, 23);
	CHECK_EQ(rd64(bs.gdt_base), 0);
	CHECK_EQ(rd64(bs.gdt_base + 8), 0x00CF9A000000FFFFull);
	CHECK_EQ(rd64(bs.gdt_base + 16), 0x00CF92000000FFFFull);
}

static void test_mb1_no_cmdline_and_elf64(void)
{
	struct seg s = { 0x300000, 0x20, 0x40, 0x77 };
	struct boot_state bs;
	uint64_t size = build_elf(true, EM_X86_64, 0x300000, &s, 1);

	put_mb_header(0x400, 0x2);
	fake_init(RAM, RAM);
	CHECK_EQ(mb_load(size, NULL, NULL, -3, &bs), 0);
	CHECK(all_bytes(0x300000, 0x20, 0x77));
	CHECK(all_bytes(0x300020, 0x20, 0x00));
	CHECK_EQ(bs.mode, BOOT_PROT32);
	CHECK_EQ(bs.rip, 0x300000);
	CHECK_EQ(bs.rbx, 0x301000);
	CHECK_EQ(fk.buf[rd32(bs.rbx + 16)], 0);	/* empty command line */
	CHECK_EQ(rd32(bs.rbx + 20), 0);		/* no modules */
}

static void test_mb1_video_flag_warns(void)
{
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x7);

	fake_init(RAM, RAM);
	host_log_clear();
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);
	CHECK_STR_CONTAINS(host_log_text(), "video");
}

/* Refusals of the header itself. */
static void test_mb1_header_refusals(void)
{
	struct boot_state bs;
	uint64_t size;

	fake_init(RAM, RAM);
	size = build_elf(false, EM_386, 0x100000, mb_segs, 2);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no multiboot header");

	size = build_mb_elf32(0x3);
	img[0x208] ^= 1;			/* break the checksum */
	CHECK(loader_probe(IMAGE_MULTIBOOT, img, size, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "bad checksum");
	CHECK_STR_CONTAINS(why, "0x200");

	size = build_elf(false, EM_386, 0x100000, mb_segs, 2);
	size = 0x3000;
	put_mb_header(8192, 0x3);		/* just past the search window */
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no multiboot header");
	put_mb_header(8188, 0x3);		/* last 4 bytes: header does not fit */
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no multiboot header");
	put_mb_header(8180, 0x3);		/* 12 bytes fit exactly */
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);

	memset(img, 0, 0x3000);
	put_mb_header(8168, (1u << 16));	/* 32-byte header crosses 8192 */
	CHECK(mb_load(0x3000, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "does not fit in the first 8192");

	size = build_mb_elf32(0x3 | (1u << 3));	/* unknown requirement */
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "unsupported");
	CHECK_STR_CONTAINS(why, "0x8");
	size = build_mb_elf32(0x3 | (1u << 20));	/* optional bit: ignored */
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);
}

/* Refusals of the ELF file behind a valid header. */
static void test_mb1_elf_refusals(void)
{
	struct seg s[2] = { mb_segs[0], mb_segs[1] };
	struct boot_state bs;
	uint64_t size;

	fake_init(RAM, RAM);
	s[1].paddr = RAM - 0x800;			/* bss runs past RAM */
	size = build_elf(false, EM_386, 0x100000, s, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "segment 1");
	CHECK_STR_CONTAINS(why, "outside guest RAM");

	size = build_mb_elf32(0x3);
	CHECK(mb_load(size - 0x1000 + 0x40, "", NULL, 0, &bs) < 0);	/* cut seg 1 */
	CHECK_STR_CONTAINS(why, "truncated");
	CHECK(mb_load(sizeof(Elf32_Ehdr) + 8, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no multiboot header");

	s[1] = mb_segs[1];
	s[1].filesz = 0x2000;				/* filesz > memsz */
	size = build_elf(false, EM_386, 0x100000, s, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size + 0x1000, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "p_filesz > p_memsz");

	size = build_elf(false, EM_ARM, 0x100000, mb_segs, 2);
	put_mb_header(0x200, 0x3);
	CHECK(loader_probe(IMAGE_MULTIBOOT, img, size, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "e_machine 40");

	size = build_elf(false, EM_386, 0x7FFFFFFF, mb_segs, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "entry point 0x7fffffff is outside guest RAM");

	size = build_elf(true, EM_X86_64, 0x100000000ull, mb_segs, 2);
	put_mb_header(0x200, 0x3);
	CHECK(loader_probe(IMAGE_MULTIBOOT, img, size, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "above 4 GiB");

	size = build_mb_elf32(0x3);
	memcpy(img, "\177ELX", 4);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "not an ELF file");

	size = build_mb_elf32(0x3);
	img[EI_CLASS] = 3;
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "unknown ELF class 3");

	size = build_mb_elf32(0x3);
	img[EI_DATA] = ELFDATA2MSB;
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "little-endian");

	size = build_mb_elf32(0x3);
	img[offsetof(Elf32_Ehdr, e_phentsize)] = 31;
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "e_phentsize 31");

	size = build_mb_elf32(0x3);
	img[offsetof(Elf32_Ehdr, e_phoff)] = 0xF0;	/* table runs off... */
	img[offsetof(Elf32_Ehdr, e_phoff) + 1] = 0xFF;	/* ...the file */
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "program header table");

	size = build_mb_elf32(0x3);
	img[offsetof(Elf32_Ehdr, e_phnum)] = 0;
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "program header table");

	s[0] = mb_segs[0];
	s[0].memsz = 0;
	size = build_elf(false, EM_386, 0x100000, s, 1);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no PT_LOAD");
}

static void test_mb1_boot_data_must_fit(void)
{
	static uint8_t big[0x100000];
	struct loader_module m = { "big", big, sizeof(big) };
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x3);

	fake_init(MIB(2), MIB(2));			/* kernel ends at 1 MiB + 8 KiB */
	CHECK(mb_load(size, "", &m, 1, &bs) < 0);
	CHECK_STR_CONTAINS(why, "do not fit");
	m.size = 0x80000;
	CHECK_EQ(mb_load(size, "", &m, 1, &bs), 0);

	fake_init(MIB(1), MIB(1));
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "below 2 MiB");
}

/* A 5 GiB guest: the memory map shows RAM to 3 GiB and from 4 GiB,
 * never the hole; mem_upper ends at the hole; boot data stays below it. */
static void test_mb1_5g(void)
{
	static const uint8_t m0[] = "module";
	struct loader_module mods[1] = { { "m0", m0, sizeof(m0) } };
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x3), info, mmap, mod;

	fake_init(GIB(5), MIB(16));
	CHECK_EQ(mb_load(size, "x", mods, 1, &bs), 0);
	info = bs.rbx;
	CHECK_EQ(rd32(info + 4), 639);
	CHECK_EQ(rd32(info + 8), (0xC0000000u - 0x100000u) / 1024);
	CHECK_EQ(rd32(info + 44), 4 * 24);
	mmap = rd32(info + 48);
	CHECK_EQ(rd64(mmap + 4), 0);
	CHECK_EQ(rd64(mmap + 12), 0x9FC00);
	CHECK_EQ(rd32(mmap + 20), 1);
	CHECK_EQ(rd64(mmap + 24 + 4), 0x9FC00);
	CHECK_EQ(rd32(mmap + 24 + 20), 2);
	CHECK_EQ(rd64(mmap + 48 + 4), 0x100000);
	CHECK_EQ(rd64(mmap + 48 + 12), 0xC0000000ull - 0x100000);
	CHECK_EQ(rd32(mmap + 48 + 20), 1);
	CHECK_EQ(rd32(mmap + 72), 20);
	CHECK_EQ(rd64(mmap + 72 + 4), 0x100000000ull);
	CHECK_EQ(rd64(mmap + 72 + 12), 0x80000000ull);
	CHECK_EQ(rd32(mmap + 72 + 20), 1);
	mod = rd32(info + 24);
	CHECK_EQ(memcmp(fk.buf + rd32(mod), m0, sizeof(m0)), 0);
	CHECK_EQ(fk.refused, 0);
}

/* Kernels and boot data in or across the hole of a 5 GiB guest. */
static void test_mb1_hole_refusals(void)
{
	static uint8_t big[0x100000];
	struct loader_module m = { "big", big, sizeof(big) };
	struct seg s[2] = { mb_segs[0], mb_segs[1] };
	struct boot_state bs;
	uint64_t size;

	fake_init(GIB(5), MIB(16));
	s[1].paddr = GIB(3) - 0x800;			/* bss runs into the hole */
	size = build_elf(false, EM_386, 0x100000, s, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "segment 1");
	CHECK_STR_CONTAINS(why, "outside guest RAM");

	s[1].paddr = 0xFEC00000;			/* on the I/O APIC */
	size = build_elf(false, EM_386, 0x100000, s, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "outside guest RAM");

	size = build_elf(false, EM_386, 0xC0001000, mb_segs, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "entry point 0xc0001000 is outside guest RAM");

	/* a kernel ending just below 3 GiB: its module would reach the hole */
	s[1].paddr = GIB(3) - 0x80000;
	size = build_elf(false, EM_386, 0x100000, s, 2);
	put_mb_header(0x200, 0x3);
	CHECK(mb_load(size, "", &m, 1, &bs) < 0);
	CHECK_STR_CONTAINS(why, "below 3 GiB");
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);	/* without it all fits */
	CHECK(bs.rbx > GIB(3) - 0x80000 && bs.rbx < GIB(3));
	CHECK_EQ(fk.refused, 0);
}

/* A failing write (a broken guest_mem) is reported, not ignored. */
static uint64_t fail_from;

static int failing_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	return gpa.v >= fail_from ? -1 : fake_write(ctx, gpa, src, len);
}

static void test_write_failures(void)
{
	struct guest_mem bad = { RAM, failing_write, fake_zero, &fk };
	struct boot_state bs;
	uint64_t size = build_mb_elf32(0x3);

	fake_init(RAM, RAM);
	fail_from = 0x100000;
	CHECK(loader_load(IMAGE_MULTIBOOT, img, size, "", NULL, 0, &bad, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "write failed");
	fail_from = 0x102000;			/* the boot info page */
	CHECK(loader_load(IMAGE_MULTIBOOT, img, size, "", NULL, 0, &bad, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "do not fit");
	fail_from = 0x103000;			/* the module list entry */
	struct loader_module m = { "m", "data", 4 };
	CHECK(loader_load(IMAGE_MULTIBOOT, img, size, "", &m, 1, &bad, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "do not fit");
	fail_from = 0x100000;
	build_aout(0x40, good_aout);
	CHECK(loader_load(IMAGE_MULTIBOOT, img, 0x400, "", NULL, 0, &bad, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "write failed");
}

/* ---- multiboot: a.out kludge ------------------------------------------- */

static void test_mb1_aout_load(void)
{
	struct boot_state bs;
	uint8_t file[0x400];
	uint64_t size = build_aout(0x40, good_aout);

	memcpy(file, img, sizeof(file));
	fake_init(RAM, RAM);
	CHECK_EQ(mb_load(size, "x", NULL, 0, &bs), 0);
	CHECK_EQ(memcmp(fk.buf + 0x200000, file, 0x300), 0);
	CHECK(all_bytes(0x200300, 0x1000 - 0x300, 0));	/* bss */
	CHECK_EQ(bs.rip, 0x200010);
	CHECK_EQ(bs.rbx, 0x201000);
	CHECK_EQ(bs.rax, 0x2BADB002);

	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no bss */
	struct aout a = good_aout;
	a.load_end = 0;
	a.bss_end = 0;
	size = build_aout(0x40, a);
	fake_init(RAM, RAM);
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);
	CHECK_EQ(memcmp(fk.buf + 0x200000, img, 0x400), 0);
	CHECK_EQ(bs.rbx, 0x201000);

	/* header deeper in the file: loading starts before it */
	a = good_aout;
	a.header_addr = 0x200100;
	size = build_aout(0x100, a);
	fake_init(RAM, RAM);
	CHECK_EQ(mb_load(size, "", NULL, 0, &bs), 0);
	CHECK_EQ(memcmp(fk.buf + 0x200000, img, 0x300), 0);
}

static void test_mb1_aout_refusals(void)
{
	static const struct { struct aout a; const char *why; } bad[] = {
		{ { 0x1FFFF0, 0x200000, 0x200300, 0, 0x200010 }, "does not fit header_addr" },
		{ { 0x200080, 0x200000, 0x200300, 0, 0x200010 }, "does not fit header_addr" },
		{ { 0x200040, 0x200000, 0x1FF000, 0, 0x200010 }, "load_end_addr < load_addr" },
		{ { 0x200040, 0x200000, 0x200500, 0, 0x200010 }, "truncated" },
		{ { 0x200040, 0x200000, 0x200300, 0x200200, 0x200010 }, "bss_end_addr" },
		{ { 0x200040, 0x200000, 0x200300, 0, 0x200300 }, "entry_addr 0x200300" },
		{ { 0x200040, 0x200000, 0x200300, 0, 0x1000 }, "outside the loaded image" },
		{ { 0x7FF040, 0x7FF000, 0x7FF300, 0x801000, 0x7FF010 }, "outside guest RAM" },
	};
	struct boot_state bs;

	fake_init(RAM, RAM);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t size = build_aout(0x40, bad[i].a);
		why[0] = 0;
		CHECK(mb_load(size, "", NULL, 0, &bs) < 0);
		CHECK_STR_CONTAINS(why, bad[i].why);
	}
}

/* ---- plain ELF64 ------------------------------------------------------ */

static int elf64_load(uint64_t size, const char *cmdline, int nmods,
		      struct boot_state *bs)
{
	static const struct loader_module m = { "m", "x", 1 };

	why[0] = 0;
	return loader_load(IMAGE_ELF64, img, size, cmdline, &m, nmods, &gm, bs,
			   why, sizeof(why));
}

/* Walk the guest's 4-level tables as the MMU would (SDM 4.5). */
static uint64_t walk(uint64_t cr3, uint64_t va)
{
	uint64_t e = rd64(cr3 + ((va >> 39) & 511) * 8);
	if (!(e & 1)) return ~0ull;
	e = rd64((e & ~0xFFFull) + ((va >> 30) & 511) * 8);
	if (!(e & 1)) return ~0ull;
	e = rd64((e & ~0xFFFull) + ((va >> 21) & 511) * 8);
	if (!(e & 1) || !(e & 0x80) || !(e & 2)) return ~0ull;
	return (e & ~0x1FFFFFull) + (va & 0x1FFFFF);
}

static void test_elf64_long_mode(void)
{
	struct seg s[2] = { { 0x200000, 0x300, 0x300, 0x11 }, { 0x280000, 0x10, 0x2000, 0x22 } };
	struct boot_state bs;
	uint64_t size = build_elf(true, EM_X86_64, 0x200100, s, 2);

	fake_init(RAM, RAM);
	CHECK_EQ(loader_probe(IMAGE_ELF64, img, size, why, sizeof(why)), 0);
	host_log_clear();
	CHECK_EQ(elf64_load(size, NULL, 0, &bs), 0);
	CHECK_EQ(host_log_text()[0], 0);
	CHECK(all_bytes(0x200000, 0x300, 0x11));
	CHECK(all_bytes(0x280000, 0x10, 0x22));
	CHECK(all_bytes(0x280010, 0x2000 - 0x10, 0));
	CHECK_EQ(bs.mode, BOOT_LONG64);
	CHECK_EQ(bs.rip, 0x200100);
	CHECK_EQ(bs.rsp, RAM - 16);
	CHECK_EQ(bs.rax, 0);
	CHECK_EQ(bs.rbx, 0);
	CHECK_EQ(bs.gdt_base, 0x282000);
	CHECK_EQ(bs.gdt_limit, 23);
	CHECK_EQ(rd64(bs.gdt_base + 8), 0x00AF9A000000FFFFull);
	CHECK_EQ(rd64(bs.gdt_base + 16), 0x00CF92000000FFFFull);
	CHECK_EQ(bs.cr3, 0x283000);
	for (uint64_t va = 0; va < RAM; va += 0x1FF000)
		CHECK_EQ(walk(bs.cr3, va), va);
	CHECK_EQ(walk(bs.cr3, RAM - 1), RAM - 1);
	CHECK_EQ(walk(bs.cr3, RAM), ~0ull);		/* nothing past RAM */
	CHECK_EQ(walk(bs.cr3, GIB(1)), ~0ull);
}

/* 3 GiB + 4 MiB: the last 4 MiB are at 4 GiB, the stack at their top;
 * the identity map covers the hole (the APICs are there) and ends with RAM. */
static void test_elf64_big_ram(void)
{
	struct seg s = { 0x200000, 0x10, 0x10, 0x33 };
	struct boot_state bs;
	uint64_t size = build_elf(true, EM_X86_64, 0x200000, &s, 1);
	uint64_t ram = GIB(3) + MIB(4);

	fake_init(ram, MIB(16));
	CHECK_EQ(elf64_load(size, NULL, 0, &bs), 0);
	CHECK_EQ(bs.cr3, 0x202000);
	CHECK_EQ(bs.rsp, GIB(4) + MIB(4) - 16);
	CHECK_EQ(walk(bs.cr3, 0x1234), 0x1234);
	CHECK_EQ(walk(bs.cr3, GIB(1) + 0x5000), GIB(1) + 0x5000);
	CHECK_EQ(walk(bs.cr3, GIB(2) + MIB(3)), GIB(2) + MIB(3));
	CHECK_EQ(walk(bs.cr3, GIB(3) - 1), GIB(3) - 1);
	CHECK_EQ(walk(bs.cr3, 0xFEE00030), 0xFEE00030);
	CHECK_EQ(walk(bs.cr3, GIB(4) + MIB(3)), GIB(4) + MIB(3));
	CHECK_EQ(walk(bs.cr3, GIB(4) + MIB(4)), ~0ull);
	CHECK_EQ(walk(bs.cr3, GIB(5)), ~0ull);
	CHECK_EQ(fk.refused, 0);
}

/* 5 GiB: a kernel may sit above 4 GiB, never in the hole. */
static void test_elf64_5g(void)
{
	struct seg s = { GIB(4) + MIB(2), 0x10, 0x10, 0x33 };
	struct boot_state bs;
	uint64_t size = build_elf(true, EM_X86_64, GIB(4) + MIB(2), &s, 1);

	fake_init(GIB(5), MIB(16));
	CHECK_EQ(elf64_load(size, NULL, 0, &bs), 0);
	CHECK_EQ(bs.rip, GIB(4) + MIB(2));
	CHECK_EQ(bs.rsp, GIB(6) - 16);
	CHECK_EQ(bs.gdt_base, GIB(4) + MIB(2) + PAGE_SIZE);	/* tables after the kernel */
	CHECK_EQ(fk.refused, 0);

	s.paddr = GIB(3);				/* in the hole */
	size = build_elf(true, EM_X86_64, GIB(3), &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "outside guest RAM");
	s.paddr = GIB(3) - 0x8;				/* runs into it */
	size = build_elf(true, EM_X86_64, GIB(3) - 0x8, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "outside guest RAM");
	s.paddr = 0x200000;				/* entry in the hole */
	size = build_elf(true, EM_X86_64, 0xFEE00000, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "entry point 0xfee00000 is outside guest RAM");
	s.paddr = GIB(3) - PAGE_SIZE;			/* no room for the tables below the hole */
	s.memsz = s.filesz = 0x10;
	size = build_elf(true, EM_X86_64, GIB(3) - PAGE_SIZE, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no room");
	CHECK_EQ(fk.refused, 0);
}

static void test_elf64_refusals(void)
{
	struct seg s = { 0x200000, 0x10, 0x10, 0x33 };
	struct boot_state bs;
	uint64_t size;

	fake_init(RAM, RAM);
	size = build_elf(false, EM_386, 0x200000, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "not an x86-64 ELF64");

	size = build_elf(true, EM_X86_64, 0x200000, &s, 1);
	img[offsetof(Elf64_Ehdr, e_type)] = ET_DYN;
	CHECK(loader_probe(IMAGE_ELF64, img, size, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "e_type 3");

	size = build_elf(true, EM_X86_64, RAM, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "entry point");

	s.paddr = RAM - 0x2000;			/* no room above for the tables */
	size = build_elf(true, EM_X86_64, s.paddr, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "no room");

	s.paddr = RAM;
	size = build_elf(true, EM_X86_64, 0x1000, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "outside guest RAM");

	CHECK(elf64_load(40, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "too short for an ELF64 header");
	build_elf(false, EM_386, 0, &s, 1);
	CHECK(elf64_load(40, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "too short for an ELF32 header");

	fake_init(MIB(1), MIB(1));
	s.paddr = 0x1000;
	size = build_elf(true, EM_X86_64, 0x1000, &s, 1);
	CHECK(elf64_load(size, NULL, 0, &bs) < 0);
	CHECK_STR_CONTAINS(why, "2 MiB to 511 GiB");

	fake_init(RAM, RAM);
	struct guest_mem bad = { RAM, failing_write, fake_zero, &fk };
	fail_from = 0x3000;			/* GDT page ok, PML4 page fails */
	s.paddr = 0x1000;
	size = build_elf(true, EM_X86_64, 0x1000, &s, 1);
	CHECK(loader_load(IMAGE_ELF64, img, size, NULL, NULL, 0, &bad, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "page tables");
}

static void test_elf64_ignores_cmdline(void)
{
	struct seg s = { 0x200000, 0x10, 0x10, 0x33 };
	struct boot_state bs;
	uint64_t size = build_elf(true, EM_X86_64, 0x200000, &s, 1);

	fake_init(RAM, RAM);
	host_log_clear();
	CHECK_EQ(elf64_load(size, "x=1", 0, &bs), 0);
	CHECK_STR_CONTAINS(host_log_text(), "no command line or modules");
	host_log_clear();
	CHECK_EQ(elf64_load(size, "", 1, &bs), 0);
	CHECK_STR_CONTAINS(host_log_text(), "no command line or modules");
}

/* ---- bzImage probe, dispatch, reason strings ---------------------------- */

static uint64_t build_bzimage(uint16_t version, uint8_t sects)
{
	memset(img, 0, 0x2000);
	img[0x1F1] = sects;
	img[0x1FE] = 0x55;
	img[0x1FF] = 0xAA;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = version & 0xff;
	img[0x207] = version >> 8;
	return 0x2000;
}

/* The bzImage back-end has its own tests (test_bzimage.c); here only the
 * dispatch: a bzImage is refused by the other formats' probes. */
static void test_bzimage_probe(void)
{
	uint64_t size = build_bzimage(0x020F, 0);

	CHECK(loader_probe(IMAGE_MULTIBOOT, img, size, why, sizeof(why)) < 0);
	CHECK(loader_probe(IMAGE_ELF64, img, size, why, sizeof(why)) < 0);
	CHECK(loader_probe(IMAGE_BZIMAGE, img, 0x100, why, sizeof(why)) < 0);
}

static void test_dispatch_and_why(void)
{
	struct boot_state bs;
	char small[8];

	CHECK_EQ(strcmp(loader_format_name(IMAGE_MULTIBOOT), "multiboot"), 0);
	CHECK_EQ(strcmp(loader_format_name(IMAGE_ELF64), "elf64"), 0);
	CHECK_EQ(strcmp(loader_format_name(IMAGE_BZIMAGE), "bzimage"), 0);
	CHECK_EQ(strcmp(loader_format_name((enum image_format)9), "?"), 0);
	CHECK(loader_probe((enum image_format)9, img, 10, why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "unknown image format 9");
	CHECK(loader_load((enum image_format)9, img, 10, "", NULL, 0, &gm, &bs,
			  why, sizeof(why)) < 0);
	CHECK_STR_CONTAINS(why, "unknown image format 9");

	const char *odd = "%q%";

	loader_why(why, sizeof(why), "%d %d %u %x %llx %lu %zu %s %c %04x %%",
		   -42, 7, 3000000000u, 0xbeefu, 0x123456789abull, 12ul,
		   (size_t)5, "str", 'z', 0x1fu);
	CHECK_EQ(strcmp(why, "-42 7 3000000000 beef 123456789ab 12 5 str z 001f %"), 0);
	const char *null_str = getenv("HV_TEST_SURELY_UNSET_VARIABLE");
	loader_why(why, sizeof(why), "%lld|%s|", -9000000000ll, null_str);
	CHECK_EQ(strcmp(why, "-9000000000|(null)|"), 0);    /* lib/fmt.c's rules */
	loader_why(why, sizeof(why), odd, 0);
	CHECK_EQ(strcmp(why, "%q"), 0);
	loader_why(small, sizeof(small), "truncated %s", "text");
	CHECK_EQ(strcmp(small, "truncat"), 0);
	loader_why(NULL, 0, "nothing");
}

int main(void)
{
	RUN(test_mb1_elf32_segments);
	RUN(test_mb1_info);
	RUN(test_mb1_no_cmdline_and_elf64);
	RUN(test_mb1_video_flag_warns);
	RUN(test_mb1_header_refusals);
	RUN(test_mb1_elf_refusals);
	RUN(test_mb1_boot_data_must_fit);
	RUN(test_mb1_5g);
	RUN(test_mb1_hole_refusals);
	RUN(test_write_failures);
	RUN(test_mb1_aout_load);
	RUN(test_mb1_aout_refusals);
	RUN(test_elf64_long_mode);
	RUN(test_elf64_big_ram);
	RUN(test_elf64_5g);
	RUN(test_elf64_refusals);
	RUN(test_elf64_ignores_cmdline);
	RUN(test_bzimage_probe);
	RUN(test_dispatch_and_why);
	free(fk.buf);
	return check_summary();
}

/*
 * Linux bzImage guest loader: the 64-bit boot protocol of
 * Documentation/arch/x86/boot.rst ("64-bit Boot Protocol"), which needs
 * protocol 2.12 or later and a kernel with XLF_KERNEL_64.
 *
 * We never run the kernel's real-mode setup code.  Like a 64-bit boot
 * loader we fill in boot_params ourselves (the "zero page",
 * Documentation/arch/x86/zero-page.rst), copy the protected-mode kernel to
 * its load address, and enter it at load address + 0x200 in long mode with
 * RSI = boot_params.  Guest-physical layout (RAM as ept/guest_ram.h has it):
 *
 *   0x00000 +----------------------------+
 *           | (free; stack grows down    |
 *           |  from 0x10000)             |
 *   0x10000 | boot_params (4 KiB)        |
 *   0x11000 | GDT: null, code64 (0x08),  |
 *           | code64 (0x10), data (0x18) |
 *   0x20000 | kernel command line        |
 *   0x30000 | PML4, PDPT, PDs: RAM below |
 *           | 64 GiB identity mapped     |
 *   0x9fc00 +----------------------------+ reserved (EBDA, VGA, BIOS)
 *  0x100000 +----------------------------+ usable
 *           | ...                        |
 *   load    | protected-mode kernel      | pref_address (16 MiB for Debian)
 *           | ... up to init_size        |
 *           | ...                        |
 *   initrd  | first module, page aligned | as high as RAM and initrd_addr_max allow
 *   3 GiB   +----------------------------+ (or the end of RAM, if lower)
 *           | the hole: I/O APIC, LAPIC  |
 *   4 GiB   +----------------------------+ RAM beyond the first 3 GiB, if any;
 *           | ... (initrd, if the kernel | the initrd goes here when the kernel
 *           |  takes it above 4 GiB)     | can take it (XLF_CAN_BE_LOADED_ABOVE_4G)
 *           +----------------------------+
 *
 * The e820 map in boot_params says exactly that (loader_memory_map()):
 * [0, 0x9fc00) and [1 MiB, 3 GiB or the end) usable, the EBDA-to-1 MiB
 * gap reserved, RAM above 4 GiB usable; the hole is not listed.  The
 * protocol wants only the kernel's init_size range, boot_params and the
 * command line identity mapped; mapping up to 64 GiB (the hole included)
 * covers them and keeps the tables below the EBDA.  No ACPI tables are
 * passed (acpi_rsdp_addr = 0).
 */
#include "hv/types.h"
#include "hv/string.h"
#include "hv/log.h"
#include "vmm/loader/common.h"

/* ---- the setup header (boot.rst "The Real-Mode Kernel Header") ---------- */

#define BZ_SETUP_SECTS     0x1F1	/* u8; 0 means 4 */
#define BZ_SYSSIZE         0x1F4	/* u32; protected-mode size / 16 */
#define BZ_BOOT_FLAG       0x1FE	/* u16 0xAA55 */
#define BZ_JUMP            0x200	/* jmp rel8: header ends at 0x202 + rel8 */
#define BZ_HEADER          0x202	/* "HdrS" */
#define BZ_VERSION         0x206	/* u16 boot protocol version */
#define BZ_TYPE_OF_LOADER  0x210	/* u8 */
#define BZ_LOADFLAGS       0x211	/* u8 */
#define BZ_RAMDISK_IMAGE   0x218	/* u32 */
#define BZ_RAMDISK_SIZE    0x21C	/* u32 */
#define BZ_CMD_LINE_PTR    0x228	/* u32 */
#define BZ_INITRD_ADDR_MAX 0x22C	/* u32; highest byte the initrd may use */
#define BZ_KERNEL_ALIGN    0x230	/* u32 */
#define BZ_RELOCATABLE     0x234	/* u8 */
#define BZ_XLOADFLAGS      0x236	/* u16 */
#define BZ_CMDLINE_SIZE    0x238	/* u32; longest command line, sans NUL */
#define BZ_PREF_ADDRESS    0x258	/* u64 */
#define BZ_INIT_SIZE       0x260	/* u32; memory the kernel needs at load */
#define BZ_HANDOVER_OFFSET 0x264	/* u32; the last field of protocol 2.12 */

#define BZ_MIN_VERSION     0x020C	/* 2.12: xloadflags, the 64-bit entry */
#define BZ_LOADED_HIGH     (1u << 0)	/* loadflags: kernel runs at 1 MiB+ */
#define BZ_XLF_KERNEL_64   (1u << 0)	/* xloadflags: entry at +0x200 */
#define BZ_XLF_ABOVE_4G    (1u << 1)	/* xloadflags: initrd etc. may be > 4G */
#define BZ_LOADER_UNKNOWN  0xFF		/* type_of_loader: no assigned id */
#define BZ_ENTRY64_OFFSET  0x200	/* boot.rst "64-bit Boot Protocol" */

/* ---- boot_params (zero-page.rst) ------------------------------------- */

#define BP_ACPI_RSDP_ADDR  0x070	/* u64; 0: the kernel searches itself */
#define BP_EXT_RAMDISK_IMG 0x0C0	/* u32: bits 63:32 of ramdisk_image */
#define BP_EXT_RAMDISK_SZ  0x0C4	/* u32 */
#define BP_EXT_CMD_LINE    0x0C8	/* u32 */
#define BP_E820_ENTRIES    0x1E8	/* u8 */
#define BP_HDR_END         0x290	/* room for the setup header ends here */
#define BP_E820_TABLE      0x2D0	/* struct bz_e820[128] */
#define BP_SIZE            PAGE_SIZE

/* One e820 entry as the BIOS call (INT 15h, AX=E820h) returns it. */
struct bz_e820 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct bz_e820) == 20, "zero-page.rst e820_table entry");

/* ---- where we put things --------------------------------------------- */

#define BZ_STACK_TOP       0x10000ull
#define BZ_BOOT_PARAMS     0x10000ull
#define BZ_GDT             0x11000ull
#define BZ_CMDLINE         0x20000ull
#define BZ_CMDLINE_ROOM    0x10000ull	/* up to the page tables */
#define BZ_TABLES          0x30000ull
#define BZ_MAP_LIMIT       GIB(64)	/* mapped gpa; tables end at 0x72000 */
#define BZ_HIGH_RAM        LOADER_EXT_MEM_START
#define BZ_MIN_RAM         SIZE_2M

/* __BOOT_CS and __BOOT_DS (arch/x86/include/asm/segment.h). */
#define BZ_BOOT_CS         0x10
#define BZ_BOOT_DS         0x18


/* What the loader needs from the setup header. */
struct bz_hdr {
	unsigned version;
	uint64_t setup_len;	/* file offset of the protected-mode kernel */
	uint64_t kernel_len;	/* bytes of it in the file */
	uint64_t hdr_end;	/* end of the setup header, for the copy */
	uint8_t loadflags, relocatable;
	uint16_t xloadflags;
	uint32_t initrd_addr_max, kernel_alignment, cmdline_size, init_size;
	uint64_t pref_address;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- checking the image ---------------------------------------------- */

/* The signatures and the version: is this a bzImage we can boot at all? */
static int bz_check_magic(const uint8_t *p, uint64_t size, char *why, size_t whylen)
{
	unsigned version;

	if (size < BZ_VERSION + 2 || memcmp(p + BZ_HEADER, "HdrS", 4) != 0) {
		loader_why(why, whylen, "no \"HdrS\" setup header at 0x202");
		return -1;
	}
	if (get16(p + BZ_BOOT_FLAG) != 0xAA55) {
		loader_why(why, whylen, "no 0xAA55 boot flag at 0x1fe");
		return -1;
	}
	version = get16(p + BZ_VERSION);
	if (version < BZ_MIN_VERSION) {
		loader_why(why, whylen, "boot protocol %u.%02u is older than 2.12 "
			   "(the first with the 64-bit entry)", version >> 8,
			   version & 0xff);
		return -1;
	}
	if (size < BZ_HANDOVER_OFFSET + 4 ||
	    BZ_JUMP + 2 + p[BZ_JUMP + 1] < BZ_HANDOVER_OFFSET + 4) {
		loader_why(why, whylen, "setup header is truncated (protocol 2.12 "
			   "needs it up to 0x%x)", BZ_HANDOVER_OFFSET + 4);
		return -1;
	}
	return 0;
}

/* The kernel's wishes: 64-bit entry, load address, alignment. */
static int bz_check_kernel(const struct bz_hdr *h, char *why, size_t whylen)
{
	if (!(h->loadflags & BZ_LOADED_HIGH)) {
		loader_why(why, whylen, "a zImage (loaded below 1 MiB), not a bzImage");
		return -1;
	}
	if (!(h->xloadflags & BZ_XLF_KERNEL_64)) {
		loader_why(why, whylen, "kernel has no 64-bit entry point "
			   "(XLF_KERNEL_64 clear): a 32-bit kernel?");
		return -1;
	}
	if (h->relocatable && (h->kernel_alignment < PAGE_SIZE ||
			       (h->kernel_alignment & (h->kernel_alignment - 1)))) {
		loader_why(why, whylen, "bad kernel_alignment 0x%x", h->kernel_alignment);
		return -1;
	}
	if (!h->relocatable && h->pref_address < BZ_HIGH_RAM) {
		loader_why(why, whylen, "kernel is not relocatable and its "
			   "pref_address 0x%llx is below 1 MiB",
			   (unsigned long long)h->pref_address);
		return -1;
	}
	return 0;
}

static void bz_read_hdr(const uint8_t *p, uint64_t size, struct bz_hdr *h)
{
	unsigned sects = p[BZ_SETUP_SECTS] ? p[BZ_SETUP_SECTS] : 4;

	h->version = get16(p + BZ_VERSION);
	h->setup_len = (sects + 1) * 512ull;
	h->kernel_len = size > h->setup_len ? size - h->setup_len : 0;
	h->hdr_end = MIN((uint64_t)BZ_JUMP + 2 + p[BZ_JUMP + 1], (uint64_t)BP_HDR_END);
	h->loadflags = p[BZ_LOADFLAGS];
	h->relocatable = p[BZ_RELOCATABLE];
	h->xloadflags = get16(p + BZ_XLOADFLAGS);
	h->initrd_addr_max = get32(p + BZ_INITRD_ADDR_MAX);
	h->kernel_alignment = get32(p + BZ_KERNEL_ALIGN);
	h->cmdline_size = get32(p + BZ_CMDLINE_SIZE);
	h->init_size = get32(p + BZ_INIT_SIZE);
	h->pref_address = get64(p + BZ_PREF_ADDRESS);
}

static int bz_parse(const void *img, uint64_t size, struct bz_hdr *h,
		    char *why, size_t whylen)
{
	const uint8_t *p = img;
	uint64_t syssize;

	if (bz_check_magic(p, size, why, whylen))
		return -1;
	bz_read_hdr(p, size, h);
	if (h->kernel_len == 0) {
		loader_why(why, whylen, "file ends inside the setup code (%u setup "
			   "sectors)", (unsigned)(h->setup_len / 512 - 1));
		return -1;
	}
	syssize = (uint64_t)get32(p + BZ_SYSSIZE) * 16;
	if (syssize > h->kernel_len) {
		loader_why(why, whylen, "file is truncated: the header promises 0x%llx "
			   "bytes of kernel after the setup code, the file has 0x%llx",
			   (unsigned long long)syssize, (unsigned long long)h->kernel_len);
		return -1;
	}
	return bz_check_kernel(h, why, whylen);
}

int loader_bzimage_probe(const void *img, uint64_t size, char *why, size_t whylen)
{
	struct bz_hdr h;

	return bz_parse(img, size, &h, why, whylen);
}

/* ---- placing the kernel and the initrd -------------------------------- */

/* Bytes the kernel occupies from its load address while it starts. */
static uint64_t bz_kernel_span(const struct bz_hdr *h)
{
	return ALIGN_UP(MAX((uint64_t)h->init_size, h->kernel_len), PAGE_SIZE);
}

/* [at, at + len) is RAM, all in one range (not across the hole). */
static bool bz_fits(uint64_t at, uint64_t len, uint64_t ram)
{
	return guest_ram_contains(ram, GPA(at), len);
}

/*
 * pref_address when the kernel fits there; a relocatable kernel that does
 * not goes to the lowest kernel_alignment boundary at or above 1 MiB.
 */
static int bz_place_kernel(const struct bz_hdr *h, uint64_t ram, uint64_t *load,
			   char *why, size_t whylen)
{
	uint64_t span = bz_kernel_span(h);
	uint64_t at = h->pref_address;

	if (h->relocatable && (at < BZ_HIGH_RAM || !IS_ALIGNED(at, h->kernel_alignment) ||
			       !bz_fits(at, span, ram)))
		at = ALIGN_UP(BZ_HIGH_RAM, h->kernel_alignment);
	if (!bz_fits(at, span, ram)) {
		loader_why(why, whylen, "kernel needs 0x%llx bytes (init_size) from "
			   "0x%llx, guest RAM is 0x%llx bytes",
			   (unsigned long long)span, (unsigned long long)at,
			   (unsigned long long)ram);
		return -1;
	}
	*load = at;
	return 0;
}

/*
 * As high as possible: at the top of the RAM above 4 GiB if the kernel
 * takes it there and it fits; else below the hole and at or below
 * initrd_addr_max (unless the kernel takes it above 4 GiB); never inside
 * the kernel's init_size.
 */
static int bz_place_initrd(const struct bz_hdr *h, uint64_t len, uint64_t ram,
			   uint64_t kernel_end, uint64_t *at,
			   char *why, size_t whylen)
{
	uint64_t top = guest_ram_low_size(ram);
	bool above_4g = h->xloadflags & BZ_XLF_ABOVE_4G;

	if (above_4g && len && len <= guest_ram_high_size(ram)) {
		*at = ALIGN_DOWN(guest_ram_end(ram) - len, PAGE_SIZE);
		return 0;
	}
	if (!above_4g)
		top = MIN(top, (uint64_t)h->initrd_addr_max + 1);
	if (len > top || ALIGN_DOWN(top - len, PAGE_SIZE) < kernel_end) {
		loader_why(why, whylen, "initrd (0x%llx bytes) does not fit between "
			   "the kernel's end 0x%llx and 0x%llx",
			   (unsigned long long)len, (unsigned long long)kernel_end,
			   (unsigned long long)top);
		return -1;
	}
	*at = ALIGN_DOWN(top - len, PAGE_SIZE);
	return 0;
}

/* ---- writing guest memory ---------------------------------------------- */

static void bz_put_e820(struct loader_writer *w, uint64_t ram)
{
	struct loader_map_entry pc[LOADER_MAP_MAX];
	struct bz_e820 map[LOADER_MAP_MAX];
	unsigned n = loader_memory_map(ram, pc);

	for (unsigned i = 0; i < n; i++)
		map[i] = (struct bz_e820){ pc[i].addr, pc[i].len, pc[i].type };
	loader_put(w, GPA(BZ_BOOT_PARAMS + BP_E820_TABLE), map, n * sizeof(map[0]));
	loader_put8(w, GPA(BZ_BOOT_PARAMS + BP_E820_ENTRIES), (uint8_t)n);
}

/* The initrd's gpa and size, split over the header and the ext_ fields. */
static void bz_put_initrd(struct loader_writer *w, uint64_t at, uint64_t len)
{
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BZ_RAMDISK_IMAGE), (uint32_t)at);
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BZ_RAMDISK_SIZE), (uint32_t)len);
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BP_EXT_RAMDISK_IMG), (uint32_t)(at >> 32));
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BP_EXT_RAMDISK_SZ), (uint32_t)(len >> 32));
}

/*
 * boot.rst "64-bit Boot Protocol": a zeroed boot_params, the setup header
 * copied in from the image, then the fields a boot loader owns.
 */
static void bz_put_boot_params(struct loader_writer *w, const uint8_t *img,
			       const struct bz_hdr *h, uint64_t ram,
			       uint64_t initrd, uint64_t initrd_len)
{
	loader_zero(w, GPA(BZ_BOOT_PARAMS), BP_SIZE);
	loader_put(w, GPA(BZ_BOOT_PARAMS + BZ_SETUP_SECTS), img + BZ_SETUP_SECTS,
	       h->hdr_end - BZ_SETUP_SECTS);
	loader_put8(w, GPA(BZ_BOOT_PARAMS + BZ_TYPE_OF_LOADER), BZ_LOADER_UNKNOWN);
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BZ_CMD_LINE_PTR), (uint32_t)BZ_CMDLINE);
	loader_put32(w, GPA(BZ_BOOT_PARAMS + BP_EXT_CMD_LINE), 0);
	bz_put_initrd(w, initrd, initrd_len);
	bz_put_e820(w, ram);
}

static void bz_put_gdt(struct loader_writer *w)
{
	/* selector 0x08 is a second code64 descriptor so the GDT also
	 * matches the loaders' default selectors (LOADER_GDT_CODE_SEL) */
	const uint64_t gdt[4] = { 0, LOADER_DESC_CODE64, LOADER_DESC_CODE64, LOADER_DESC_DATA };

	loader_put(w, GPA(BZ_GDT), gdt, sizeof(gdt));
}

static int bz_check_cmdline(const struct bz_hdr *h, const char *cmdline,
			    char *why, size_t whylen)
{
	uint64_t len = strlen(cmdline);

	if (len > h->cmdline_size || len >= BZ_CMDLINE_ROOM) {
		loader_why(why, whylen, "command line is %llu bytes, the kernel "
			   "takes at most %u", (unsigned long long)len, h->cmdline_size);
		return -1;
	}
	return 0;
}

/* Where everything goes; filled before anything is written. */
struct bz_layout {
	uint64_t load, ram, mapped;
	uint64_t initrd, initrd_len;
	const void *initrd_data;
};

static int bz_plan(const struct bz_hdr *h, const char *cmdline,
		   const struct loader_module *mods, int nmods, uint64_t ram,
		   struct bz_layout *l, char *why, size_t whylen)
{
	*l = (struct bz_layout){ .ram = ram, .mapped = MIN(guest_ram_end(ram), BZ_MAP_LIMIT) };
	if (ram < BZ_MIN_RAM) {
		loader_why(why, whylen, "guest RAM is below 2 MiB");
		return -1;
	}
	if (bz_check_cmdline(h, cmdline, why, whylen) ||
	    bz_place_kernel(h, ram, &l->load, why, whylen))
		return -1;
	if (nmods > 0 && mods[0].size > 0) {
		l->initrd_len = mods[0].size;
		l->initrd_data = mods[0].data;
		return bz_place_initrd(h, l->initrd_len, ram,
				       l->load + bz_kernel_span(h), &l->initrd,
				       why, whylen);
	}
	return 0;
}

static int bz_write(const uint8_t *img, const struct bz_hdr *h, const char *cmdline,
		    const struct bz_layout *l, const struct guest_mem *mem)
{
	struct loader_writer w = { mem, false };

	loader_put(&w, GPA(l->load), img + h->setup_len, h->kernel_len);
	if (l->initrd_len)
		loader_put(&w, GPA(l->initrd), l->initrd_data, l->initrd_len);
	loader_put(&w, GPA(BZ_CMDLINE), cmdline, strlen(cmdline) + 1);
	bz_put_boot_params(&w, img, h, l->ram, l->initrd, l->initrd_len);
	bz_put_gdt(&w);
	loader_identity_map(&w, GPA(BZ_TABLES), l->mapped);
	return w.failed ? -1 : 0;
}

int loader_bzimage_load(const void *img, uint64_t size, const char *cmdline,
			const struct loader_module *mods, int nmods,
			const struct guest_mem *mem, struct boot_state *out,
			char *why, size_t whylen)
{
	struct bz_hdr h;
	struct bz_layout l;

	cmdline = cmdline ? cmdline : "";
	if (bz_parse(img, size, &h, why, whylen) ||
	    bz_plan(&h, cmdline, mods, nmods, mem->size, &l, why, whylen))
		return -1;
	if (bz_write(img, &h, cmdline, &l, mem)) {
		loader_why(why, whylen, "guest memory write failed");
		return -1;
	}
	if (nmods > 1)
		log_printf("hv: loader: bzimage: the first module is the initrd; "
			   "ignoring %d more\n", nmods - 1);
	*out = (struct boot_state){
		.mode = BOOT_LONG64, .rip = l.load + BZ_ENTRY64_OFFSET,
		.rsp = BZ_STACK_TOP, .rsi = BZ_BOOT_PARAMS, .cr3 = BZ_TABLES,
		.gdt_base = BZ_GDT, .gdt_limit = 4 * 8 - 1,
		.cs_sel = BZ_BOOT_CS, .ds_sel = BZ_BOOT_DS,
	};
	return 0;
}

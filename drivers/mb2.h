/*
 * Multiboot2 boot information: what GRUB hands the hypervisor at entry
 * (memory map, modules, command line, framebuffer, ACPI RSDP copy).
 *
 * mb2_parse() copies what the rest of the boot needs into a struct
 * mb2_info and never trusts the loader: it stays inside the bytes the
 * caller says are readable and inside total_size, and every problem it
 * finds is one log line "hv: multiboot2: ...".
 *
 * Layout reference: The Multiboot2 Specification, version 2.0,
 * section 3.6 "Boot information format".
 */
#ifndef DRIVERS_MB2_H
#define DRIVERS_MB2_H

#include "hv/types.h"

/* Value of EAX at kernel entry when a Multiboot2 loader started us (3.2). */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Tag types (3.6.2 onwards). Types not listed are skipped silently. */
enum mb2_tag_type {
	MB2_TAG_END          = 0,
	MB2_TAG_CMDLINE      = 1,
	MB2_TAG_LOADER_NAME  = 2,
	MB2_TAG_MODULE       = 3,
	MB2_TAG_BASIC_MEM    = 4,
	MB2_TAG_BOOTDEV      = 5,
	MB2_TAG_MMAP         = 6,
	MB2_TAG_FRAMEBUFFER  = 8,
	MB2_TAG_ACPI_OLD     = 14,
	MB2_TAG_ACPI_NEW     = 15,
};

/* Memory map entry types (3.6.8). */
enum mb2_mem_type {
	MB2_MEM_AVAILABLE        = 1,
	MB2_MEM_RESERVED         = 2,
	MB2_MEM_ACPI_RECLAIMABLE = 3,
	MB2_MEM_NVS              = 4,
	MB2_MEM_BADRAM           = 5,
};

/* Framebuffer types (3.6.12). */
enum mb2_fb_type {
	MB2_FB_INDEXED  = 0,
	MB2_FB_RGB      = 1,
	MB2_FB_EGA_TEXT = 2,
};

#define MB2_MAX_MMAP 256
#define MB2_MAX_MODS 32
/* Sanity cap on total_size: GRUB's info is a few KiB; more means garbage. */
#define MB2_MAX_INFO_SIZE MIB(1)

/* Return values of mb2_parse(). Everything negative except
 * MB2_ERR_NO_MMAP means the structure itself is unusable. */
enum mb2_error {
	MB2_OK            = 0,
	MB2_ERR_ARG       = -1, /* NULL or misaligned info pointer */
	MB2_ERR_SIZE      = -2, /* total_size too small, too large, > avail */
	MB2_ERR_TAG_CHAIN = -3, /* a tag's size breaks the chain */
	MB2_ERR_NO_END    = -4, /* no end tag before total_size */
	MB2_ERR_NO_MMAP   = -5, /* structure fine, but no memory map tag */
};

/* Same layout as pmm's struct mem_range, kept separate so the two
 * modules build independently. */
struct mb2_mmap_entry {
	uint64_t base, len;
	uint32_t type;          /* enum mb2_mem_type */
};

struct mb2_module {
	uint64_t start, end;    /* physical, end exclusive (3.6.6) */
	const char *cmdline;    /* points into the info structure */
};

struct mb2_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;      /* type: enum mb2_fb_type */
	/* Only meaningful for MB2_FB_RGB. */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mb2_info {
	const char *cmdline;    /* NULL if no tag; see mb2_cmdline() */
	const char *loader;     /* boot loader name, NULL if no tag */

	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	size_t nmmap;

	struct mb2_module mods[MB2_MAX_MODS];
	size_t nmods;

	bool has_fb;
	struct mb2_framebuffer fb;

	/* Copy of the RSDP inside the info (tag 15 preferred over 14);
	 * rsdp_rev is the RSDP's own revision byte (0 = ACPI 1.0). */
	const void *rsdp;
	size_t rsdp_len;
	int rsdp_rev;
	uint32_t rsdp_tag;      /* MB2_TAG_ACPI_NEW or _OLD, 0 if none */

	bool has_meminfo;
	uint32_t mem_lower_kib, mem_upper_kib;
	bool has_bootdev;
	uint32_t bootdev, boot_part, boot_subpart;

	uint64_t info_size;     /* total_size: bytes to keep reserved */
	unsigned nwarnings;     /* log lines printed while parsing */
};

/*
 * Parse the boot information at info.  avail is how many bytes the caller
 * knows are readable there.  Pointers stored in *out point into info, so
 * the info must stay mapped and unclobbered while they are used.
 *
 * Returns MB2_OK, or a negative enum mb2_error.  *out holds whatever was
 * parsed before a fatal error.  Malformed tags are logged, skipped and
 * counted in nwarnings without making the call fail.
 */
int mb2_parse(const void *info, size_t avail, struct mb2_info *out);

/* A short description of an mb2_parse() return value, for the caller's log. */
const char *mb2_strerror(int err);

/* The hypervisor's own command line: the cmdline tag, or "" without one. */
const char *mb2_cmdline(const struct mb2_info *info);

#endif

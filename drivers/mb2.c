/*
 * Multiboot2 boot information parser (The Multiboot2 Specification 2.0,
 * section 3.6).  The info block is a u32 total_size, a reserved u32, then
 * a chain of tags, each starting on an 8-byte boundary:
 *
 *   info+0   total_size | reserved
 *   info+8   type | size | payload ... pad to 8
 *   ...      type | size | payload ... pad to 8
 *            0    | 8                          <- end tag
 *   info+total_size
 *
 * A tag whose header is broken (size < 8, running past total_size) breaks
 * the chain, so it is fatal.  A tag whose payload is wrong is logged and
 * skipped: one bad framebuffer tag must not stop the boot.
 */
#include "drivers/mb2.h"
#include "hv/log.h"
#include "hv/string.h"

#define MB2_LOG "hv: multiboot2: "
#define MB2_HEADER_SIZE 8
#define MB2_TAG_ALIGN   8

/* Layouts the loader writes (3.6.x); the info block and every tag are
 * 8-byte aligned, so these natural-alignment structs match byte for byte. */
struct mb2_tag_header {
	uint32_t type, size;
};
_Static_assert(sizeof(struct mb2_tag_header) == 8, "mb2 tag header");

struct mb2_tag_module {            /* 3.6.6, followed by a string */
	struct mb2_tag_header h;
	uint32_t mod_start, mod_end;
};
_Static_assert(sizeof(struct mb2_tag_module) == 16, "mb2 module tag");

struct mb2_tag_basic_mem {         /* 3.6.3 */
	struct mb2_tag_header h;
	uint32_t mem_lower, mem_upper;
};
_Static_assert(sizeof(struct mb2_tag_basic_mem) == 16, "mb2 meminfo tag");

struct mb2_tag_bootdev {           /* 3.6.4 */
	struct mb2_tag_header h;
	uint32_t biosdev, partition, sub_partition;
};
_Static_assert(sizeof(struct mb2_tag_bootdev) == 20, "mb2 bootdev tag");

struct mb2_tag_mmap {              /* 3.6.8, followed by the entries */
	struct mb2_tag_header h;
	uint32_t entry_size, entry_version;
};
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mb2 mmap tag");

struct mb2_raw_mmap_entry {        /* 3.6.8 */
	uint64_t base_addr, length;
	uint32_t type, reserved;
};
_Static_assert(sizeof(struct mb2_raw_mmap_entry) == 24, "mb2 mmap entry");

struct mb2_tag_fb_common {         /* 3.6.12, then the colour info */
	struct mb2_tag_header h;
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type;
	uint16_t reserved;
};
_Static_assert(sizeof(struct mb2_tag_fb_common) == 32, "mb2 fb tag");

struct mb2_fb_rgb {                /* colour info for MB2_FB_RGB */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};
_Static_assert(sizeof(struct mb2_fb_rgb) == 6, "mb2 fb rgb info");

/* An RSDP is 20 bytes in ACPI 1.0 and 36 from ACPI 2.0 (ACPI 6.5,
 * 5.2.5.3); its revision byte is at offset 15. */
#define MB2_RSDP_V1_LEN  20
#define MB2_RSDP_V2_LEN  36
#define MB2_RSDP_REV_OFF 15

static const char *mb2_tag_name(uint32_t type)
{
	static const char *const names[] = {
		[MB2_TAG_END]         = "end",
		[MB2_TAG_CMDLINE]     = "cmdline",
		[MB2_TAG_LOADER_NAME] = "boot loader name",
		[MB2_TAG_MODULE]      = "module",
		[MB2_TAG_BASIC_MEM]   = "basic meminfo",
		[MB2_TAG_BOOTDEV]     = "bootdev",
		[MB2_TAG_MMAP]        = "mmap",
		[MB2_TAG_FRAMEBUFFER] = "framebuffer",
		[MB2_TAG_ACPI_OLD]    = "ACPI old RSDP",
		[MB2_TAG_ACPI_NEW]    = "ACPI new RSDP",
	};
	if (type < ARRAY_SIZE(names) && names[type])
		return names[type];
	return "unknown";
}

/* One warning line: "hv: multiboot2: tag <n> (<name>): <what>". */
__attribute__((format(printf, 3, 4)))
static void mb2_warn(struct mb2_info *out, uint32_t type, const char *fmt, ...)
{
	va_list ap;

	log_printf(MB2_LOG "tag %u (%s): ", type, mb2_tag_name(type));
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\n");
	out->nwarnings++;
}

/* The NUL-terminated string starting at off inside the tag, or NULL
 * when the tag ends before its NUL (3.6.1: strings are NUL-terminated). */
static const char *mb2_tag_string(const uint8_t *tag, uint32_t size, uint32_t off)
{
	for (uint32_t i = off; i < size; i++)
		if (tag[i] == '\0')
			return (const char *)tag + off;
	return NULL;
}

/* Shared by the cmdline and loader name tags: keep the first string. */
static void mb2_string_tag(struct mb2_info *out, const uint8_t *tag,
			   uint32_t size, const char **slot)
{
	uint32_t type = ((const struct mb2_tag_header *)tag)->type;
	const char *s = mb2_tag_string(tag, size, sizeof(struct mb2_tag_header));

	if (!s) {
		mb2_warn(out, type, "string not NUL-terminated within its %u bytes, skipped", size);
		return;
	}
	if (*slot) {
		mb2_warn(out, type, "duplicate tag, keeping the first");
		return;
	}
	*slot = s;
}

static void mb2_tag_cmdline(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	mb2_string_tag(out, tag, size, &out->cmdline);
}

static void mb2_tag_loader(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	mb2_string_tag(out, tag, size, &out->loader);
}

static void mb2_tag_module(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_module *m = (const void *)tag;
	const char *cmdline;

	if (size < sizeof(*m) + 1) {
		mb2_warn(out, MB2_TAG_MODULE, "size %u too short (need %zu), skipped",
			 size, sizeof(*m) + 1);
		return;
	}
	cmdline = mb2_tag_string(tag, size, sizeof(*m));
	if (!cmdline) {
		mb2_warn(out, MB2_TAG_MODULE, "string not NUL-terminated within its %u bytes, skipped", size);
		return;
	}
	if (m->mod_start > m->mod_end) {
		mb2_warn(out, MB2_TAG_MODULE, "start 0x%x > end 0x%x, skipped",
			 m->mod_start, m->mod_end);
		return;
	}
	if (out->nmods == MB2_MAX_MODS) {
		mb2_warn(out, MB2_TAG_MODULE, "more than %d modules, '%s' ignored",
			 MB2_MAX_MODS, cmdline);
		return;
	}
	out->mods[out->nmods++] = (struct mb2_module){
		.start = m->mod_start, .end = m->mod_end, .cmdline = cmdline,
	};
}

static void mb2_tag_basic_mem(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_basic_mem *m = (const void *)tag;

	if (size < sizeof(*m)) {
		mb2_warn(out, MB2_TAG_BASIC_MEM, "size %u too short (need %zu), skipped",
			 size, sizeof(*m));
		return;
	}
	out->has_meminfo = true;
	out->mem_lower_kib = m->mem_lower;
	out->mem_upper_kib = m->mem_upper;
}

static void mb2_tag_bootdev(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_bootdev *b = (const void *)tag;

	if (size < sizeof(*b)) {
		mb2_warn(out, MB2_TAG_BOOTDEV, "size %u too short (need %zu), skipped",
			 size, sizeof(*b));
		return;
	}
	out->has_bootdev = true;
	out->bootdev = b->biosdev;
	out->boot_part = b->partition;
	out->boot_subpart = b->sub_partition;
}

/* entry_size may grow in later versions (3.6.8), so step by it and read
 * only the fields we know; it must keep the 64-bit fields aligned. */
static bool mb2_mmap_header_ok(struct mb2_info *out, const struct mb2_tag_mmap *m,
			       uint32_t size)
{
	if (size < sizeof(*m)) {
		mb2_warn(out, MB2_TAG_MMAP, "size %u too short (need %zu), skipped",
			 size, sizeof(*m));
		return false;
	}
	if (m->entry_size < sizeof(struct mb2_raw_mmap_entry) || m->entry_size % 8) {
		mb2_warn(out, MB2_TAG_MMAP, "entry_size %u invalid (need >= %zu and a multiple of 8), skipped",
			 m->entry_size, sizeof(struct mb2_raw_mmap_entry));
		return false;
	}
	if (out->nmmap) {
		mb2_warn(out, MB2_TAG_MMAP, "duplicate tag, keeping the first");
		return false;
	}
	return true;
}

static void mb2_tag_mmap(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_mmap *m = (const void *)tag;
	uint32_t bytes, count;

	if (!mb2_mmap_header_ok(out, m, size))
		return;
	bytes = size - sizeof(*m);
	count = bytes / m->entry_size;
	if (bytes % m->entry_size)
		mb2_warn(out, MB2_TAG_MMAP, "%u trailing bytes after %u entries ignored",
			 bytes % m->entry_size, count);
	if (count > MB2_MAX_MMAP) {
		mb2_warn(out, MB2_TAG_MMAP, "%u entries, keeping the first %d",
			 count, MB2_MAX_MMAP);
		count = MB2_MAX_MMAP;
	}
	for (uint32_t i = 0; i < count; i++) {
		const struct mb2_raw_mmap_entry *e =
			(const void *)(tag + sizeof(*m) + (size_t)i * m->entry_size);
		out->mmap[i] = (struct mb2_mmap_entry){
			.base = e->base_addr, .len = e->length, .type = e->type,
		};
	}
	out->nmmap = count;
}

static void mb2_tag_framebuffer(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	const struct mb2_tag_fb_common *f = (const void *)tag;
	const struct mb2_fb_rgb *rgb = (const void *)(f + 1);

	if (size < sizeof(*f)) {
		mb2_warn(out, MB2_TAG_FRAMEBUFFER, "size %u too short (need %zu), skipped",
			 size, sizeof(*f));
		return;
	}
	if (f->type == MB2_FB_RGB && size < sizeof(*f) + sizeof(*rgb)) {
		mb2_warn(out, MB2_TAG_FRAMEBUFFER, "size %u too short for RGB colour info (need %zu), skipped",
			 size, sizeof(*f) + sizeof(*rgb));
		return;
	}
	if (out->has_fb) {
		mb2_warn(out, MB2_TAG_FRAMEBUFFER, "duplicate tag, keeping the first");
		return;
	}
	out->has_fb = true;
	out->fb = (struct mb2_framebuffer){
		.addr = f->addr, .pitch = f->pitch, .width = f->width,
		.height = f->height, .bpp = f->bpp, .type = f->type,
	};
	if (f->type == MB2_FB_RGB) {
		out->fb.red_pos = rgb->red_pos;     out->fb.red_size = rgb->red_size;
		out->fb.green_pos = rgb->green_pos; out->fb.green_size = rgb->green_size;
		out->fb.blue_pos = rgb->blue_pos;   out->fb.blue_size = rgb->blue_size;
	}
}

/* Tags 14 and 15 carry a copy of the RSDP (3.6.15, 3.6.16).  GRUB gives
 * both on ACPI 2.0+ machines; the new one wins whatever the order. */
static void mb2_tag_acpi(struct mb2_info *out, const uint8_t *tag, uint32_t size)
{
	uint32_t type = ((const struct mb2_tag_header *)tag)->type;
	uint32_t need = type == MB2_TAG_ACPI_NEW ? MB2_RSDP_V2_LEN : MB2_RSDP_V1_LEN;
	const uint8_t *rsdp = tag + sizeof(struct mb2_tag_header);

	if (size < sizeof(struct mb2_tag_header) + need) {
		mb2_warn(out, type, "size %u too short for a %u-byte RSDP, skipped", size, need);
		return;
	}
	if (out->rsdp && (type == MB2_TAG_ACPI_OLD || out->rsdp_tag == MB2_TAG_ACPI_NEW))
		return;         /* already have one at least as good */
	out->rsdp = rsdp;
	out->rsdp_tag = type;
	out->rsdp_len = size - sizeof(struct mb2_tag_header);
	out->rsdp_rev = rsdp[MB2_RSDP_REV_OFF];
}

typedef void (*mb2_tag_fn)(struct mb2_info *out, const uint8_t *tag, uint32_t size);

static const mb2_tag_fn mb2_tag_handlers[] = {
	[MB2_TAG_CMDLINE]     = mb2_tag_cmdline,
	[MB2_TAG_LOADER_NAME] = mb2_tag_loader,
	[MB2_TAG_MODULE]      = mb2_tag_module,
	[MB2_TAG_BASIC_MEM]   = mb2_tag_basic_mem,
	[MB2_TAG_BOOTDEV]     = mb2_tag_bootdev,
	[MB2_TAG_MMAP]        = mb2_tag_mmap,
	[MB2_TAG_FRAMEBUFFER] = mb2_tag_framebuffer,
	[MB2_TAG_ACPI_OLD]    = mb2_tag_acpi,
	[MB2_TAG_ACPI_NEW]    = mb2_tag_acpi,
};

/* Check the fixed header; on success *total is a size we may walk. */
static int mb2_check_header(const void *info, size_t avail, uint32_t *total)
{
	if (!info) {
		log_printf(MB2_LOG "no info pointer\n");
		return MB2_ERR_ARG;
	}
	if ((uintptr_t)info % MB2_TAG_ALIGN) {
		log_printf(MB2_LOG "info at %p is not 8-byte aligned (3.6.1)\n", info);
		return MB2_ERR_ARG;
	}
	if (avail < MB2_HEADER_SIZE) {
		log_printf(MB2_LOG "only %zu bytes readable, the header needs %d\n",
			   avail, MB2_HEADER_SIZE);
		return MB2_ERR_SIZE;
	}
	*total = *(const uint32_t *)info;
	if (*total < MB2_HEADER_SIZE + sizeof(struct mb2_tag_header)) {
		log_printf(MB2_LOG "total_size %u too small for header and end tag\n", *total);
		return MB2_ERR_SIZE;
	}
	if (*total > avail || *total > MB2_MAX_INFO_SIZE) {
		log_printf(MB2_LOG "total_size %u too large (%zu bytes readable, limit %llu)\n",
			   *total, avail, (unsigned long long)MB2_MAX_INFO_SIZE);
		return MB2_ERR_SIZE;
	}
	return MB2_OK;
}

/* Walk the chain until the end tag; see the diagram at the top. */
static int mb2_walk(const uint8_t *base, uint32_t total, struct mb2_info *out)
{
	uint32_t off = MB2_HEADER_SIZE;

	for (;;) {
		const struct mb2_tag_header *t = (const void *)(base + off);

		if (off > total || total - off < sizeof(*t)) {
			log_printf(MB2_LOG "no end tag within total_size %u\n", total);
			return MB2_ERR_NO_END;
		}
		if (t->size < sizeof(*t)) {
			log_printf(MB2_LOG "tag %u (%s) at offset %u: size %u below 8 bytes, cannot find the next tag\n",
				   t->type, mb2_tag_name(t->type), off, t->size);
			return MB2_ERR_TAG_CHAIN;
		}
		if (t->size > total - off) {
			log_printf(MB2_LOG "tag %u (%s) at offset %u: size %u runs past total_size %u\n",
				   t->type, mb2_tag_name(t->type), off, t->size, total);
			return MB2_ERR_TAG_CHAIN;
		}
		if (t->type == MB2_TAG_END)
			return MB2_OK;
		if (t->type < ARRAY_SIZE(mb2_tag_handlers) && mb2_tag_handlers[t->type])
			mb2_tag_handlers[t->type](out, base + off, t->size);
		/* t->size <= total - off <= 1 MiB, so this cannot wrap. */
		off += ALIGN_UP(t->size, MB2_TAG_ALIGN);
	}
}

int mb2_parse(const void *info, size_t avail, struct mb2_info *out)
{
	uint32_t total;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = mb2_check_header(info, avail, &total);
	if (rc)
		return rc;
	out->info_size = total;
	rc = mb2_walk(info, total, out);
	if (rc)
		return rc;
	if (out->nmmap == 0) {
		log_printf(MB2_LOG "no usable memory map (tag 6)\n");
		return MB2_ERR_NO_MMAP;
	}
	return MB2_OK;
}

const char *mb2_strerror(int err)
{
	switch (err) {
	case MB2_OK:            return "ok";
	case MB2_ERR_ARG:       return "bad info pointer";
	case MB2_ERR_SIZE:      return "bad total_size";
	case MB2_ERR_TAG_CHAIN: return "broken tag chain";
	case MB2_ERR_NO_END:    return "missing end tag";
	case MB2_ERR_NO_MMAP:   return "no memory map";
	default:                return "unknown error";
	}
}

const char *mb2_cmdline(const struct mb2_info *info)
{
	return info->cmdline ? info->cmdline : "";
}

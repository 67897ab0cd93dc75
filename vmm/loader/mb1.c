/*
 * Multiboot version 1 guest loader (Multiboot Specification 0.6.96).
 *
 * The kernel is loaded either from its ELF program headers (ELF32 or
 * ELF64, at p_paddr) or, when the header sets flags[16], from the header's
 * address fields (the "a.out kludge", spec 3.1.3).  Boot data goes right
 * after the kernel's highest byte, page aligned, all in the RAM below the
 * hole at 3 GiB (ept/guest_ram.h) because the info struct holds 32-bit
 * addresses:
 *
 *   kernel end (page aligned)
 *   +-- multiboot info struct (spec 3.3)
 *   +-- memory map: loader_memory_map(), 3 entries, 4 with RAM above 4 GiB
 *   +-- kernel command line, "hv"
 *   +-- GDT: null, 32-bit flat code (0x08), flat data (0x10)
 *   +-- module list (mod_start, mod_end, string, reserved) and its strings
 *   +-- module contents, each page aligned (so flags[0] always holds)
 *
 * The vCPU starts as spec 3.2 says: 32-bit protected mode, paging off,
 * EAX = 0x2BADB002, EBX = info gpa, EIP = entry.  ESP is undefined by the
 * spec and we pass 0: the kernel must set up its own stack.
 */
#include "hv/types.h"
#include "hv/string.h"
#include "hv/log.h"
#include "vmm/loader/common.h"

/* Spec 3.1.1-3.1.2: header magic, flags, and where it may lie. */
#define MB1_HEADER_MAGIC  0x1BADB002u
#define MB1_SEARCH_LIMIT  8192
#define MB1_F_PAGE_ALIGN  (1u << 0)	/* modules page aligned */
#define MB1_F_MEMINFO     (1u << 1)	/* mem_* fields wanted */
#define MB1_F_VIDEO       (1u << 2)	/* video mode table wanted */
#define MB1_F_ADDRS       (1u << 16)	/* address fields valid */
#define MB1_F_REQUIRED    0xFFFFu	/* bits 0-15: honour or refuse */
#define MB1_F_KNOWN       (MB1_F_PAGE_ALIGN | MB1_F_MEMINFO | MB1_F_VIDEO)

/* Spec 3.2: EAX at kernel entry. */
#define MB1_BOOT_MAGIC    0x2BADB002u

/* Spec 3.3: multiboot info flags we fill in. */
#define MB1_INFO_MEM      (1u << 0)
#define MB1_INFO_CMDLINE  (1u << 2)
#define MB1_INFO_MODS     (1u << 3)
#define MB1_INFO_MMAP     (1u << 6)
#define MB1_INFO_LOADER   (1u << 9)

/* mem_lower: conventional RAM ends at the EBDA (LOADER_BASE_MEM_END). */
#define MB1_MEM_LOWER_KB  639

#define EM_386    3
#define EM_X86_64 62
#define ET_EXEC   2

/* Spec 3.1.1 (the header) and 3.3 (boot information). */
struct mb1_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	uint32_t mode_type, width, height, depth;
};
_Static_assert(sizeof(struct mb1_header) == 48, "multiboot header layout");

struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name, apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};
_Static_assert(sizeof(struct mb1_info) == 88, "multiboot info layout");
_Static_assert(__builtin_offsetof(struct mb1_info, mmap_addr) == 48, "mmap_addr");
_Static_assert(__builtin_offsetof(struct mb1_info, boot_loader_name) == 64, "name");

/* `size` counts the bytes after itself, so the next entry is at +size+4. */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));
_Static_assert(sizeof(struct mb1_mmap_entry) == 24, "multiboot mmap entry");

struct mb1_module {
	uint32_t mod_start, mod_end, string, reserved;
};
_Static_assert(sizeof(struct mb1_module) == 16, "multiboot module entry");

/* Where the kernel sits in guest RAM once loaded. */
struct mb1_kernel {
	uint64_t end;		/* highest byte + 1 */
	uint64_t entry;
};

/* ---- finding and checking the header ----------------------------- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t mb1_header_len(uint32_t flags)
{
	return flags & MB1_F_ADDRS ? 32 : 12;
}

/* The first 4-byte aligned, checksummed header in the first 8 KiB. */
static int mb1_find_header(const uint8_t *img, uint64_t size,
			   struct mb1_header *h, uint64_t *at,
			   char *why, size_t whylen)
{
	uint64_t limit = MIN(size, (uint64_t)MB1_SEARCH_LIMIT);
	int64_t bad_sum = -1;

	for (uint64_t off = 0; off + 12 <= limit; off += 4) {
		uint32_t flags = get32(img + off + 4);
		if (get32(img + off) != MB1_HEADER_MAGIC)
			continue;
		if (get32(img + off) + flags + get32(img + off + 8) != 0) {
			bad_sum = bad_sum < 0 ? (int64_t)off : bad_sum;
			continue;
		}
		if (off + mb1_header_len(flags) > limit) {
			loader_why(why, whylen, "multiboot header at 0x%llx does not "
				   "fit in the first 8192 bytes",
				   (unsigned long long)off);
			return -1;
		}
		memset(h, 0, sizeof(*h));
		memcpy(h, img + off, mb1_header_len(flags));
		*at = off;
		return 0;
	}
	if (bad_sum >= 0)
		loader_why(why, whylen, "multiboot header at 0x%llx has a bad "
			   "checksum", (unsigned long long)bad_sum);
	else
		loader_why(why, whylen, "no multiboot header (magic 0x1badb002) "
			   "in the first 8192 bytes");
	return -1;
}

static int mb1_check_flags(uint32_t flags, char *why, size_t whylen)
{
	uint32_t unknown = flags & MB1_F_REQUIRED & ~MB1_F_KNOWN;

	if (unknown) {
		loader_why(why, whylen, "kernel requires unsupported multiboot "
			   "features (flags 0x%x)", unknown);
		return -1;
	}
	return 0;
}

/*
 * Spec 3.1.3: the file offset to load from is the header's offset minus
 * (header_addr - load_addr); load_end_addr 0 means "to the end of the
 * file", bss_end_addr 0 means "no bss".
 */
struct mb1_aout {
	uint64_t file_off, load_addr, load_len, bss_end, entry;
};

static int mb1_aout_layout(const struct mb1_header *h, uint64_t hoff,
			   uint64_t size, struct mb1_aout *a,
			   char *why, size_t whylen)
{
	uint64_t lead = (uint64_t)h->header_addr - h->load_addr;

	if (h->load_addr > h->header_addr || lead > hoff) {
		loader_why(why, whylen, "bad address fields: load_addr 0x%x does not "
			   "fit header_addr 0x%x", h->load_addr, h->header_addr);
		return -1;
	}
	a->file_off = hoff - lead;
	a->load_addr = h->load_addr;
	if (h->load_end_addr && h->load_end_addr < h->load_addr) {
		loader_why(why, whylen, "bad address fields: load_end_addr < load_addr");
		return -1;
	}
	a->load_len = h->load_end_addr ? (uint64_t)h->load_end_addr - h->load_addr
				       : size - a->file_off;
	if (a->load_len > size - a->file_off) {
		loader_why(why, whylen, "file is truncated: load_end_addr wants 0x%llx "
			   "bytes from offset 0x%llx", (unsigned long long)a->load_len,
			   (unsigned long long)a->file_off);
		return -1;
	}
	a->bss_end = h->bss_end_addr ? h->bss_end_addr : a->load_addr + a->load_len;
	if (a->bss_end < a->load_addr + a->load_len) {
		loader_why(why, whylen, "bad address fields: bss_end_addr < load_end_addr");
		return -1;
	}
	a->entry = h->entry_addr;
	if (a->entry < a->load_addr || a->entry >= a->load_addr + a->load_len) {
		loader_why(why, whylen, "entry_addr 0x%x is outside the loaded image",
			   h->entry_addr);
		return -1;
	}
	return 0;
}

static int mb1_check_elf(const void *img, uint64_t size, struct loader_elf *e,
			 char *why, size_t whylen)
{
	if (loader_elf_parse(img, size, e, why, whylen))
		return -1;
	if (e->machine != (e->is64 ? EM_X86_64 : EM_386) || e->type != ET_EXEC) {
		loader_why(why, whylen, "not an x86 executable ELF (e_machine %u, "
			   "e_type %u) and no address fields (flags[16])",
			   e->machine, e->type);
		return -1;
	}
	if (e->entry >= SIZE_1G * 4) {
		loader_why(why, whylen, "entry point 0x%llx is above 4 GiB",
			   (unsigned long long)e->entry);
		return -1;
	}
	return 0;
}

/* Header and kernel layout checks, without guest memory. */
static int mb1_check(const void *img, uint64_t size, struct mb1_header *h,
		     uint64_t *hoff, char *why, size_t whylen)
{
	struct mb1_aout a;
	struct loader_elf e;

	if (mb1_find_header(img, size, h, hoff, why, whylen) ||
	    mb1_check_flags(h->flags, why, whylen))
		return -1;
	if (h->flags & MB1_F_ADDRS)
		return mb1_aout_layout(h, *hoff, size, &a, why, whylen);
	return mb1_check_elf(img, size, &e, why, whylen);
}

int loader_mb1_probe(const void *img, uint64_t size, char *why, size_t whylen)
{
	struct mb1_header h;
	uint64_t hoff;

	return mb1_check(img, size, &h, &hoff, why, whylen);
}

/* ---- loading the kernel -------------------------------------------- */

static int mb1_load_aout(const uint8_t *img, uint64_t size,
			 const struct mb1_header *h, uint64_t hoff,
			 const struct guest_mem *mem, struct mb1_kernel *k,
			 char *why, size_t whylen)
{
	struct mb1_aout a;

	if (mb1_aout_layout(h, hoff, size, &a, why, whylen))
		return -1;
	if (!guest_ram_contains(mem->size, GPA(a.load_addr), a.bss_end - a.load_addr)) {
		loader_why(why, whylen, "image 0x%llx-0x%llx is outside guest RAM "
			   "(0x%llx bytes)", (unsigned long long)a.load_addr,
			   (unsigned long long)a.bss_end, (unsigned long long)mem->size);
		return -1;
	}
	struct loader_writer w = { mem, false };

	loader_put(&w, GPA(a.load_addr), img + a.file_off, a.load_len);
	loader_zero(&w, GPA(a.load_addr + a.load_len), a.bss_end - a.load_addr - a.load_len);
	if (w.failed) {
		loader_why(why, whylen, "guest memory write failed");
		return -1;
	}
	*k = (struct mb1_kernel){ a.bss_end, a.entry };
	return 0;
}

static int mb1_load_elf(const void *img, uint64_t size,
			const struct guest_mem *mem, struct mb1_kernel *k,
			char *why, size_t whylen)
{
	struct loader_elf e;

	if (mb1_check_elf(img, size, &e, why, whylen) ||
	    loader_elf_load_segments(img, size, &e, mem, &k->end, why, whylen))
		return -1;
	if (guest_ram_offset(mem->size, GPA(e.entry)) == GUEST_RAM_NONE) {
		loader_why(why, whylen, "entry point 0x%llx is outside guest RAM",
			   (unsigned long long)e.entry);
		return -1;
	}
	k->entry = e.entry;
	return 0;
}

/* ---- boot information ---------------------------------------------- */

/* A bump allocator over guest RAM between the kernel and `limit`. */
struct mb1_place {
	struct loader_writer w;      /* w.failed: also set when out of room */
	uint64_t next, limit;
};

static uint64_t mb1_reserve(struct mb1_place *pl, uint64_t len, uint64_t align)
{
	uint64_t at = ALIGN_UP(pl->next, align);

	if (pl->w.failed || at < pl->next || at > pl->limit || len > pl->limit - at) {
		pl->w.failed = true;
		return 0;
	}
	pl->next = at + len;
	return at;
}

static uint64_t mb1_put(struct mb1_place *pl, const void *src, uint64_t len,
			uint64_t align)
{
	uint64_t at = mb1_reserve(pl, len, align);

	loader_put(&pl->w, GPA(at), src, len);
	return at;
}

static uint64_t mb1_put_str(struct mb1_place *pl, const char *s)
{
	return mb1_put(pl, s, strlen(s) + 1, 1);
}

/* The memory map (spec 3.3, same types as e820); *len gets its bytes. */
static uint64_t mb1_put_mmap(struct mb1_place *pl, uint32_t *len)
{
	struct loader_map_entry pc[LOADER_MAP_MAX];
	struct mb1_mmap_entry map[LOADER_MAP_MAX];
	unsigned n = loader_memory_map(pl->w.mem->size, pc);

	for (unsigned i = 0; i < n; i++)
		map[i] = (struct mb1_mmap_entry){ 20, pc[i].addr, pc[i].len, pc[i].type };
	*len = n * (uint32_t)sizeof(map[0]);
	return mb1_put(pl, map, *len, 8);
}

/* Flat 32-bit segments: code 0x08, data 0x10. */
static uint64_t mb1_put_gdt(struct mb1_place *pl)
{
	const uint64_t gdt[3] = { 0, LOADER_DESC_CODE32, LOADER_DESC_DATA };

	return mb1_put(pl, gdt, sizeof(gdt), 8);
}

static const char *mb1_mod_string(const struct loader_module *m)
{
	return m->cmdline ? m->cmdline : "";
}

/*
 * The module list, then all module strings back to back, then each
 * module's bytes page aligned (strings first so they share one page).
 */
static uint64_t mb1_put_modules(struct mb1_place *pl,
				const struct loader_module *mods, int nmods)
{
	uint64_t list = mb1_reserve(pl, (uint64_t)nmods * sizeof(struct mb1_module), 16);
	uint64_t str = pl->next;

	for (int i = 0; i < nmods; i++)
		mb1_put_str(pl, mb1_mod_string(&mods[i]));
	for (int i = 0; i < nmods; i++) {
		uint64_t at = mb1_put(pl, mods[i].data, mods[i].size, PAGE_SIZE);
		struct mb1_module m = { (uint32_t)at, (uint32_t)(at + mods[i].size),
					(uint32_t)str, 0 };
		loader_put(&pl->w, GPA(list + i * sizeof(m)), &m, sizeof(m));
		str += strlen(mb1_mod_string(&mods[i])) + 1;
	}
	return list;
}

static int mb1_build_info(const struct guest_mem *mem, uint64_t kernel_end,
			  const char *cmdline, const struct loader_module *mods,
			  int nmods, uint64_t *info_gpa, uint64_t *gdt_gpa)
{
	/* 32-bit pointers: everything goes below the hole */
	struct mb1_place pl = { { mem, false }, ALIGN_UP(kernel_end, PAGE_SIZE),
				guest_ram_low_size(mem->size) };
	/* mem_upper: from 1 MiB to the first hole (spec 3.3) */
	struct mb1_info info = {
		.flags = MB1_INFO_MEM | MB1_INFO_CMDLINE | MB1_INFO_MODS |
			 MB1_INFO_MMAP | MB1_INFO_LOADER,
		.mem_lower = MB1_MEM_LOWER_KB,
		.mem_upper = (uint32_t)((guest_ram_low_size(mem->size) - LOADER_EXT_MEM_START) >> 10),
		.mods_count = (uint32_t)nmods,
	};

	*info_gpa = mb1_reserve(&pl, sizeof(info), 8);
	info.mmap_addr = (uint32_t)mb1_put_mmap(&pl, &info.mmap_length);
	info.cmdline = (uint32_t)mb1_put_str(&pl, cmdline ? cmdline : "");
	info.boot_loader_name = (uint32_t)mb1_put_str(&pl, "hv");
	*gdt_gpa = mb1_put_gdt(&pl);
	info.mods_addr = (uint32_t)mb1_put_modules(&pl, mods, nmods);
	loader_put(&pl.w, GPA(*info_gpa), &info, sizeof(info));
	return pl.w.failed ? -1 : 0;
}

int loader_mb1_load(const void *img, uint64_t size, const char *cmdline,
		    const struct loader_module *mods, int nmods,
		    const struct guest_mem *mem, struct boot_state *out,
		    char *why, size_t whylen)
{
	struct mb1_header h;
	struct mb1_kernel k;
	uint64_t hoff, info, gdt;

	if (mb1_check(img, size, &h, &hoff, why, whylen))
		return -1;
	if (mem->size < SIZE_2M) {
		loader_why(why, whylen, "guest RAM is below 2 MiB");
		return -1;
	}
	if (h.flags & MB1_F_VIDEO)
		log_printf("hv: loader: multiboot kernel asks for video mode "
			   "information; it gets none\n");
	if ((h.flags & MB1_F_ADDRS ? mb1_load_aout(img, size, &h, hoff, mem, &k, why, whylen)
				   : mb1_load_elf(img, size, mem, &k, why, whylen)))
		return -1;
	nmods = nmods > 0 ? nmods : 0;
	if (mb1_build_info(mem, k.end, cmdline, mods, nmods, &info, &gdt)) {
		loader_why(why, whylen, "boot information and modules do not fit in "
			   "guest RAM below 3 GiB after the kernel (ends at 0x%llx)",
			   (unsigned long long)k.end);
		return -1;
	}
	*out = (struct boot_state){
		.mode = BOOT_PROT32, .rip = k.entry, .rax = MB1_BOOT_MAGIC,
		.rbx = info, .gdt_base = gdt, .gdt_limit = 3 * 8 - 1,
	};
	return 0;
}

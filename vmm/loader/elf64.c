/*
 * ELF loading for guests, and the plain x86-64 ELF boot.
 *
 * The first half is the ELF reader shared with the multiboot loader: it
 * checks the headers and copies PT_LOAD segments to their physical
 * addresses (p_paddr), for ELFCLASS32 and ELFCLASS64 files alike.
 * Layouts follow the System V ABI ("gABI"), chapters 4 and 5.
 *
 * The second half boots an x86-64 ET_EXEC kernel straight into long mode.
 * Right after the kernel's highest loaded byte (page aligned) it builds:
 *
 *   +0x0000  GDT: null, 64-bit code (0x08), flat data (0x10)
 *   +0x1000  PML4   (one entry -> PDPT)
 *   +0x2000  PDPT   (one entry per GiB of RAM -> a PD)
 *   +0x3000  PD...  (2 MiB leaves, identity: gva == gpa for all RAM)
 *
 * and starts the vCPU at e_entry with rsp = RAM size - 16 (16-byte
 * aligned, and the stack grows down from the very top of RAM; the last
 * page must not hold kernel or tables), rax = rbx = rsi = 0.
 *
 * The file ends with the format dispatch.
 */
#include <stdarg.h>
#include "hv/types.h"
#include "hv/string.h"
#include "hv/log.h"
#include "vmm/loader/loader.h"

/* ---- ELF layouts (gABI "ELF Header", "Program Header") ------------- */

#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1

struct elf32_ehdr {
	uint8_t  ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf64_ehdr {
	uint8_t  ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "gABI Elf32_Ehdr");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "gABI Elf64_Ehdr");
_Static_assert(sizeof(struct elf32_phdr) == 32, "gABI Elf32_Phdr");
_Static_assert(sizeof(struct elf64_phdr) == 56, "gABI Elf64_Phdr");

/* One PT_LOAD segment, whatever the class. */
struct elf_seg {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

/* ---- reason strings ------------------------------------------------ */

struct why_buf { char *p; size_t len, pos; };

static void why_putc(struct why_buf *b, char c)
{
	if (b->pos + 1 < b->len)
		b->p[b->pos++] = c;
}

/* v in `base`, zero padded to `width` digits. */
static void why_num(struct why_buf *b, uint64_t v, unsigned base, bool neg,
		    int width)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width && n < (int)sizeof(digits))
		digits[n++] = '0';
	if (neg)
		why_putc(b, '-');
	while (n)
		why_putc(b, digits[--n]);
}

/* Read one integer argument of the given length modifier. */
static uint64_t why_arg(va_list *ap, int lmod, bool is_signed, bool *neg)
{
	int64_t s;

	*neg = false;
	if (!is_signed)
		return lmod ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned);
	s = lmod ? va_arg(*ap, long long) : va_arg(*ap, int);
	*neg = s < 0;
	return *neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
}

void loader_why(char *why, size_t whylen, const char *fmt, ...)
{
	struct why_buf b = { why, whylen, 0 };
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int lmod = 0, width = 0;
		bool neg = false;
		uint64_t v;

		if (*fmt != '%') {
			why_putc(&b, *fmt);
			continue;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')	/* only zero padding */
			width = width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z')
			lmod = 1, fmt++;
		switch (*++fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);
			while (s && *s)
				why_putc(&b, *s++);
			break;
		}
		case 'c': why_putc(&b, (char)va_arg(ap, int)); break;
		case 'd':
			v = why_arg(&ap, lmod, true, &neg);
			why_num(&b, v, 10, neg, width);
			break;
		case 'u': why_num(&b, why_arg(&ap, lmod, false, &neg), 10, false, width); break;
		case 'x': why_num(&b, why_arg(&ap, lmod, false, &neg), 16, false, width); break;
		case '\0': fmt--; break;
		default: why_putc(&b, *fmt); break;
		}
	}
	va_end(ap);
	b.p[b.pos] = '\0';
}

/* ---- the ELF reader --------------------------------------------------- */

/* True if [off, off+len) lies inside a file of `size` bytes. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int elf_parse32(const uint8_t *img, uint64_t size, struct loader_elf *e,
		       char *why, size_t whylen)
{
	struct elf32_ehdr h;

	if (size < sizeof(h)) {
		loader_why(why, whylen, "file too short for an ELF32 header");
		return -1;
	}
	memcpy(&h, img, sizeof(h));
	if (h.phnum && h.phentsize != sizeof(struct elf32_phdr)) {
		loader_why(why, whylen, "bad e_phentsize %u", h.phentsize);
		return -1;
	}
	*e = (struct loader_elf){ false, h.type, h.machine, h.entry, h.phoff, h.phnum };
	return 0;
}

static int elf_parse64(const uint8_t *img, uint64_t size, struct loader_elf *e,
		       char *why, size_t whylen)
{
	struct elf64_ehdr h;

	if (size < sizeof(h)) {
		loader_why(why, whylen, "file too short for an ELF64 header");
		return -1;
	}
	memcpy(&h, img, sizeof(h));
	if (h.phnum && h.phentsize != sizeof(struct elf64_phdr)) {
		loader_why(why, whylen, "bad e_phentsize %u", h.phentsize);
		return -1;
	}
	*e = (struct loader_elf){ true, h.type, h.machine, h.entry, h.phoff, h.phnum };
	return 0;
}

int loader_elf_parse(const void *img, uint64_t size, struct loader_elf *e,
		     char *why, size_t whylen)
{
	const uint8_t *p = img;
	uint64_t phsize;
	int rc;

	if (size < EI_NIDENT || memcmp(p, "\177ELF", 4) != 0) {
		loader_why(why, whylen, "not an ELF file (no \\177ELF magic)");
		return -1;
	}
	if (p[5] != ELFDATA2LSB || p[6] != EV_CURRENT) {
		loader_why(why, whylen, "not a little-endian ELF version 1 file");
		return -1;
	}
	if (p[4] == ELFCLASS32)
		rc = elf_parse32(p, size, e, why, whylen);
	else if (p[4] == ELFCLASS64)
		rc = elf_parse64(p, size, e, why, whylen);
	else {
		loader_why(why, whylen, "unknown ELF class %u", p[4]);
		return -1;
	}
	if (rc)
		return rc;
	phsize = (uint64_t)e->phnum * (e->is64 ? sizeof(struct elf64_phdr)
					       : sizeof(struct elf32_phdr));
	if (e->phnum == 0 || !in_file(e->phoff, phsize, size)) {
		loader_why(why, whylen, "program header table missing or truncated");
		return -1;
	}
	return 0;
}

static struct elf_seg elf_segment(const uint8_t *img, const struct loader_elf *e, int i)
{
	if (e->is64) {
		struct elf64_phdr ph;
		memcpy(&ph, img + e->phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
		return (struct elf_seg){ ph.type, ph.offset, ph.paddr, ph.filesz, ph.memsz };
	}
	struct elf32_phdr ph;
	memcpy(&ph, img + e->phoff + (uint64_t)i * sizeof(ph), sizeof(ph));
	return (struct elf_seg){ ph.type, ph.offset, ph.paddr, ph.filesz, ph.memsz };
}

/* Refuse a segment that is not wholly in the file and in guest RAM. */
static int elf_check_segment(const struct elf_seg *s, int i, uint64_t size,
			     uint64_t ram, char *why, size_t whylen)
{
	if (s->filesz > s->memsz) {
		loader_why(why, whylen, "segment %d: p_filesz > p_memsz", i);
		return -1;
	}
	if (!in_file(s->offset, s->filesz, size)) {
		loader_why(why, whylen, "segment %d: file data beyond the end of "
			   "the file (truncated?)", i);
		return -1;
	}
	if (!in_file(s->paddr, s->memsz, ram)) {
		loader_why(why, whylen, "segment %d: 0x%llx-0x%llx is outside guest "
			   "RAM (0x%llx bytes)", i, (unsigned long long)s->paddr,
			   (unsigned long long)(s->paddr + s->memsz),
			   (unsigned long long)ram);
		return -1;
	}
	return 0;
}

int loader_elf_load_segments(const void *img, uint64_t size,
			     const struct loader_elf *e,
			     const struct guest_mem *mem, uint64_t *end,
			     char *why, size_t whylen)
{
	const uint8_t *p = img;
	int loaded = 0;

	*end = 0;
	for (int i = 0; i < e->phnum; i++) {
		struct elf_seg s = elf_segment(p, e, i);

		if (s.type != PT_LOAD || s.memsz == 0)
			continue;
		if (elf_check_segment(&s, i, size, mem->size, why, whylen))
			return -1;
		if (mem->write(mem->ctx, s.paddr, p + s.offset, s.filesz) < 0 ||
		    mem->zero(mem->ctx, s.paddr + s.filesz, s.memsz - s.filesz) < 0) {
			loader_why(why, whylen, "segment %d: guest memory write failed", i);
			return -1;
		}
		*end = MAX(*end, s.paddr + s.memsz);
		loaded++;
	}
	if (!loaded) {
		loader_why(why, whylen, "no PT_LOAD segment");
		return -1;
	}
	return 0;
}

/* ---- plain x86-64 ELF boot ----------------------------------------- */

/*
 * GDT descriptors (SDM Vol. 3A 3.4.5, 5.2.1): base 0, limit 0xFFFFF, G=1,
 * P=1, DPL=0, S=1.  Code: type 0xA (execute/read), L=1, D=0.
 * Data: type 0x2 (read/write), D/B=1.
 */
#define GDT_CODE64 0x00AF9A000000FFFFull
#define GDT_DATA   0x00CF92000000FFFFull

/* Paging-structure entry bits (SDM Vol. 3A 4.5, tables 4-15 to 4-18). */
#define PTE_P  (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7)

#define ELF64_MAX_RAM GIB(512)	/* one PDPT */

static int put64(const struct guest_mem *mem, uint64_t gpa, uint64_t v)
{
	return mem->write(mem->ctx, gpa, &v, sizeof(v));
}

static int elf64_write_gdt(const struct guest_mem *mem, uint64_t gpa)
{
	const uint64_t gdt[3] = { 0, GDT_CODE64, GDT_DATA };

	return mem->write(mem->ctx, gpa, gdt, sizeof(gdt));
}

/* Fill one page directory with 2 MiB leaves for [base, min(base+1G, ram)). */
static int elf64_write_pd(const struct guest_mem *mem, uint64_t pd,
			  uint64_t base, uint64_t ram)
{
	uint64_t chunk[64];	/* 512 bytes at a time keeps the stack small */

	for (int first = 0; first < 512; first += 64) {
		for (int i = 0; i < 64; i++) {
			uint64_t gpa = base + (uint64_t)(first + i) * SIZE_2M;
			chunk[i] = gpa < ram ? gpa | PTE_P | PTE_RW | PTE_PS : 0;
		}
		if (mem->write(mem->ctx, pd + first * 8ull, chunk, sizeof(chunk)) < 0)
			return -1;
	}
	return 0;
}

/* Shared with the bzImage loader (vmm/loader/loader.h). */
int loader_identity_map(const struct guest_mem *mem, uint64_t at, uint64_t ram)
{
	uint64_t pml4 = at, pdpt = at + PAGE_SIZE, pd0 = at + 2 * PAGE_SIZE;
	uint64_t npd = ALIGN_UP(ram, SIZE_1G) / SIZE_1G;

	if (mem->zero(mem->ctx, pml4, 2 * PAGE_SIZE) < 0 ||
	    put64(mem, pml4, pdpt | PTE_P | PTE_RW) < 0)
		return -1;
	for (uint64_t i = 0; i < npd; i++) {
		uint64_t pd = pd0 + i * PAGE_SIZE;
		if (put64(mem, pdpt + i * 8, pd | PTE_P | PTE_RW) < 0 ||
		    elf64_write_pd(mem, pd, i * SIZE_1G, ram) < 0)
			return -1;
	}
	return 0;
}

int loader_elf64_probe(const void *img, uint64_t size, char *why, size_t whylen)
{
	struct loader_elf e;

	if (loader_elf_parse(img, size, &e, why, whylen))
		return -1;
	if (!e.is64 || e.machine != EM_X86_64) {
		loader_why(why, whylen, "not an x86-64 ELF64 file (class %d, "
			   "e_machine %u)", e.is64 ? 64 : 32, e.machine);
		return -1;
	}
	if (e.type != ET_EXEC) {
		loader_why(why, whylen, "not an executable (e_type %u, want ET_EXEC)",
			   e.type);
		return -1;
	}
	return 0;
}

int loader_elf64_load(const void *img, uint64_t size, const char *cmdline,
		      const struct loader_module *mods, int nmods,
		      const struct guest_mem *mem, struct boot_state *out,
		      char *why, size_t whylen)
{
	struct loader_elf e;
	uint64_t end, tables, tables_end;

	if (loader_elf64_probe(img, size, why, whylen) ||
	    loader_elf_parse(img, size, &e, why, whylen))
		return -1;
	if (mem->size > ELF64_MAX_RAM || mem->size < SIZE_2M) {
		loader_why(why, whylen, "guest RAM must be 2 MiB to 512 GiB");
		return -1;
	}
	if (loader_elf_load_segments(img, size, &e, mem, &end, why, whylen))
		return -1;
	if (e.entry >= mem->size) {
		loader_why(why, whylen, "entry point 0x%llx is outside guest RAM",
			   (unsigned long long)e.entry);
		return -1;
	}
	tables = ALIGN_UP(end, PAGE_SIZE);
	tables_end = tables + (3 + ALIGN_UP(mem->size, SIZE_1G) / SIZE_1G) * PAGE_SIZE;
	if (tables_end > mem->size - PAGE_SIZE) {
		loader_why(why, whylen, "no room for GDT, page tables and stack "
			   "above the kernel (ends at 0x%llx)", (unsigned long long)end);
		return -1;
	}
	if (elf64_write_gdt(mem, tables) < 0 ||
	    loader_identity_map(mem, tables + PAGE_SIZE, mem->size) < 0) {
		loader_why(why, whylen, "guest memory write failed (page tables)");
		return -1;
	}
	if ((cmdline && *cmdline) || nmods > 0)
		log_printf("hv: loader: elf64 guests get no command line or "
			   "modules; ignoring them\n");
	*out = (struct boot_state){
		.mode = BOOT_LONG64, .rip = e.entry, .rsp = mem->size - 16,
		.cr3 = tables + PAGE_SIZE, .gdt_base = tables, .gdt_limit = 3 * 8 - 1,
	};
	return 0;
}

/* ---- dispatch ------------------------------------------------------- */

const char *loader_format_name(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT: return "multiboot";
	case IMAGE_ELF64:     return "elf64";
	case IMAGE_BZIMAGE:   return "bzimage";
	}
	return "?";
}

int loader_probe(enum image_format fmt, const void *img, uint64_t size,
		 char *why, size_t whylen)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT: return loader_mb1_probe(img, size, why, whylen);
	case IMAGE_ELF64:     return loader_elf64_probe(img, size, why, whylen);
	case IMAGE_BZIMAGE:   return loader_bzimage_probe(img, size, why, whylen);
	}
	loader_why(why, whylen, "unknown image format %d", (int)fmt);
	return -1;
}

int loader_load(enum image_format fmt, const void *img, uint64_t size,
		const char *cmdline, const struct loader_module *mods,
		int nmods, const struct guest_mem *mem,
		struct boot_state *out, char *why, size_t whylen)
{
	switch (fmt) {
	case IMAGE_MULTIBOOT:
		return loader_mb1_load(img, size, cmdline, mods, nmods, mem, out,
				       why, whylen);
	case IMAGE_ELF64:
		return loader_elf64_load(img, size, cmdline, mods, nmods, mem, out,
					 why, whylen);
	case IMAGE_BZIMAGE:
		return loader_bzimage_load(img, size, cmdline, mods, nmods, mem, out,
					   why, whylen);
	}
	loader_why(why, whylen, "unknown image format %d", (int)fmt);
	return -1;
}

/*
 * The ELF reader the multiboot and the x86-64 ELF loaders share: it
 * checks the headers and copies PT_LOAD segments to their physical
 * addresses (p_paddr), for ELFCLASS32 and ELFCLASS64 files alike.
 * Layouts follow the System V ABI ("gABI"), chapters 4 and 5.
 */
#include "hv/types.h"
#include "hv/string.h"
#include "vmm/loader/common.h"

/* ---- ELF layouts (gABI "ELF Header", "Program Header") ------------- */

#define EI_NIDENT   16
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
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
	if (!guest_ram_contains(ram, GPA(s->paddr), s->memsz)) {
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
		if (mem->write(mem->ctx, GPA(s.paddr), p + s.offset, s.filesz) < 0 ||
		    mem->zero(mem->ctx, GPA(s.paddr + s.filesz), s.memsz - s.filesz) < 0) {
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

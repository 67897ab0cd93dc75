/*
 * What the loaders share and no one else needs: flat GDT descriptors, a
 * writer into guest memory that remembers whether any write failed (so a
 * loader can lay out many pieces and check once), and the identity map
 * the 64-bit boots start on.
 */
#ifndef VMM_LOADER_COMMON_H
#define VMM_LOADER_COMMON_H

#include "vmm/loader/loader.h"

/*
 * GDT descriptors (SDM Vol. 3A 3.4.5, 5.2.1): base 0, limit 0xFFFFF with
 * G=1 (4 GiB), P=1, DPL=0, S=1.  Code: type 0xA (execute/read), 32-bit
 * D=1 or 64-bit L=1.  Data: type 0x2 (read/write), D/B=1.
 */
#define LOADER_DESC_CODE32 0x00CF9A000000FFFFull
#define LOADER_DESC_CODE64 0x00AF9A000000FFFFull
#define LOADER_DESC_DATA   0x00CF92000000FFFFull

/* Writes into guest memory; after the first failure the rest are skipped. */
struct loader_writer {
	const struct guest_mem *mem;
	bool failed;
};

void loader_put(struct loader_writer *w, gpa_t gpa, const void *src, uint64_t len);
void loader_put8(struct loader_writer *w, gpa_t gpa, uint8_t v);
void loader_put32(struct loader_writer *w, gpa_t gpa, uint32_t v);
void loader_put64(struct loader_writer *w, gpa_t gpa, uint64_t v);
void loader_zero(struct loader_writer *w, gpa_t gpa, uint64_t len);

/*
 * Identity-map guest-physical [0, end) with 2 MiB pages (gva == gpa).
 * The tables take LOADER_IDMAP_PAGES(end) pages from `at` (page
 * aligned): PML4, PDPT, then one PD per GiB.  end <= 512 GiB.  With
 * end = guest_ram_end() the device hole below 4 GiB is mapped too, so
 * the guest reaches its I/O APIC and local APIC without tables of its own.
 */
#define LOADER_IDMAP_PAGES(end) (2 + ALIGN_UP(end, SIZE_1G) / SIZE_1G)
void loader_identity_map(struct loader_writer *w, gpa_t at, uint64_t end);

/*
 * The PC memory map the loaders hand over, in e820 terms (the multiboot
 * mmap uses the same types): base memory up to the EBDA, the EBDA, VGA
 * and BIOS area reserved (the guest's ACPI tables are there), RAM from
 * 1 MiB up to the hole, and RAM from 4 GiB when the partition has more
 * than 3 GiB (ept/guest_ram.h).  The hole itself is not listed.
 */
#define LOADER_E820_RAM       1
#define LOADER_E820_RESERVED  2
#define LOADER_BASE_MEM_END   0x9FC00ull	/* start of the EBDA */
#define LOADER_EXT_MEM_START  MIB(1)
#define LOADER_MAP_MAX        4

struct loader_map_entry {
	uint64_t addr, len;
	uint32_t type;
};

/* Fill map for `ram` bytes of RAM (at least 2 MiB); returns the count. */
unsigned loader_memory_map(uint64_t ram, struct loader_map_entry map[LOADER_MAP_MAX]);

/* What the loaders need from an ELF header, for ELFCLASS32 and 64 (elf.c). */
struct loader_elf {
	bool is64;
	uint16_t type, machine;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phnum;
};

#define LOADER_EM_X86_64 62
#define LOADER_ET_EXEC   2

/* Check the ELF identification and program header table; fill *e. */
int loader_elf_parse(const void *img, uint64_t size, struct loader_elf *e,
		     char *why, size_t whylen);

/*
 * Copy every PT_LOAD segment to its p_paddr and zero its bss part.
 * *end receives the highest guest byte written, plus one.
 */
int loader_elf_load_segments(const void *img, uint64_t size,
			     const struct loader_elf *e,
			     const struct guest_mem *mem, uint64_t *end,
			     char *why, size_t whylen);

/* Format a reason into why (lib/fmt.c's printf subset); why may be NULL. */
void loader_why(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

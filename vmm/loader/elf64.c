/*
 * The plain x86-64 ELF boot: an ET_EXEC kernel started straight in long
 * mode.  Right after the kernel's highest loaded byte (page aligned) it
 * builds:
 *
 *   +0x0000  GDT: null, 64-bit code (0x08), flat data (0x10)
 *   +0x1000  PML4   (one entry -> PDPT)
 *   +0x2000  PDPT   (one entry per GiB of RAM -> a PD)
 *   +0x3000  PD...  (2 MiB leaves, identity: gva == gpa for all RAM, and
 *                    for the device hole below 4 GiB in between)
 *
 * and starts the vCPU at e_entry with rsp = the end of RAM - 16 (16-byte
 * aligned, and the stack grows down from the very top of RAM, above
 * 4 GiB when the partition has more than 3 GiB (ept/guest_ram.h); the
 * last page must not hold kernel or tables), rax = rbx = rsi = 0.
 */
#include "hv/types.h"
#include "hv/string.h"
#include "hv/log.h"
#include "vmm/loader/common.h"

#define ELF64_MAX_END GIB(512)	/* gpa one PDPT maps */

static int elf64_write_tables(const struct guest_mem *mem, uint64_t tables)
{
	const uint64_t gdt[3] = { 0, LOADER_DESC_CODE64, LOADER_DESC_DATA };
	struct loader_writer w = { mem, false };

	loader_put(&w, GPA(tables), gdt, sizeof(gdt));
	loader_identity_map(&w, GPA(tables + PAGE_SIZE), guest_ram_end(mem->size));
	return w.failed ? -1 : 0;
}

int loader_elf64_probe(const void *img, uint64_t size, char *why, size_t whylen)
{
	struct loader_elf e;

	if (loader_elf_parse(img, size, &e, why, whylen))
		return -1;
	if (!e.is64 || e.machine != LOADER_EM_X86_64) {
		loader_why(why, whylen, "not an x86-64 ELF64 file (class %d, "
			   "e_machine %u)", e.is64 ? 64 : 32, e.machine);
		return -1;
	}
	if (e.type != LOADER_ET_EXEC) {
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
	uint64_t end, tables, tables_end, ram_end = guest_ram_end(mem->size);

	if (loader_elf64_probe(img, size, why, whylen) ||
	    loader_elf_parse(img, size, &e, why, whylen))
		return -1;
	if (ram_end > ELF64_MAX_END || mem->size < SIZE_2M) {
		loader_why(why, whylen, "guest RAM must be 2 MiB to 511 GiB");
		return -1;
	}
	if (loader_elf_load_segments(img, size, &e, mem, &end, why, whylen))
		return -1;
	if (guest_ram_offset(mem->size, GPA(e.entry)) == GUEST_RAM_NONE) {
		loader_why(why, whylen, "entry point 0x%llx is outside guest RAM",
			   (unsigned long long)e.entry);
		return -1;
	}
	tables = ALIGN_UP(end, PAGE_SIZE);
	tables_end = tables + (1 + LOADER_IDMAP_PAGES(ram_end)) * PAGE_SIZE;
	if (!guest_ram_contains(mem->size, GPA(tables), tables_end - tables) ||
	    tables_end > ram_end - PAGE_SIZE) {
		loader_why(why, whylen, "no room for GDT, page tables and stack "
			   "above the kernel (ends at 0x%llx)", (unsigned long long)end);
		return -1;
	}
	if (elf64_write_tables(mem, tables) < 0) {
		loader_why(why, whylen, "guest memory write failed (page tables)");
		return -1;
	}
	if ((cmdline && *cmdline) || nmods > 0)
		log_printf("hv: loader: elf64 guests get no command line or "
			   "modules; ignoring them\n");
	*out = (struct boot_state){
		.mode = BOOT_LONG64, .rip = e.entry, .rsp = ram_end - 16,
		.cr3 = tables + PAGE_SIZE, .gdt_base = tables, .gdt_limit = 3 * 8 - 1,
	};
	return 0;
}

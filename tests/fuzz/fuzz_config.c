/* units: vmm/config.c vmm/loader/ lib/fmt.c */
/*
 * Fuzz the partition config: config_parse() on the input as text (not
 * NUL terminated, in an exact-size buffer), then config_validate()
 * against a fixed machine of 4 CPUs, 1 GiB free, and boot modules that
 * are good and bad images of each format, so the image checks run too.
 * Whatever the text, every parsed string must stay NUL terminated inside
 * its field and the counts inside their arrays.
 */
#include <elf.h>
#include "fuzz.h"
#include "host_log.h"
#include "vmm/config.h"

/* ---- the machine ---------------------------------------------------- */

/* Multiboot a.out-kludge kernel: the header alone (flags bit 16). */
static const uint32_t mb_kernel[8] = {
	0x1BADB002u, 1u << 16, 0u - 0x1BADB002u - (1u << 16),
	0x100000, 0x100000, 0, 0, 0x100000,
};

static uint8_t elf64_kernel[0x200];
static uint8_t bz_kernel[0xA00 + 0x200];
static const uint8_t junk[16] = "not an image....";

static void build_elf64(void)
{
	Elf64_Ehdr e = { .e_type = ET_EXEC, .e_machine = EM_X86_64,
			 .e_version = EV_CURRENT, .e_entry = 0x200000,
			 .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(e),
			 .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1 };
	Elf64_Phdr ph = { .p_type = PT_LOAD, .p_offset = 0x100, .p_paddr = 0x200000,
			  .p_filesz = 0x10, .p_memsz = 0x10 };

	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(elf64_kernel, &e, sizeof(e));
	memcpy(elf64_kernel + sizeof(e), &ph, sizeof(ph));
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* Offsets from Documentation/arch/x86/boot.rst: a relocatable 2.15 kernel. */
static void build_bzimage(void)
{
	uint8_t *p = bz_kernel;

	p[0x1F1] = 4;				/* setup_sects */
	put32(p + 0x1F4, 0x200 / 16);		/* syssize */
	p[0x1FE] = 0x55, p[0x1FF] = 0xAA;	/* boot_flag */
	p[0x200] = 0xEB, p[0x201] = 0x6A;	/* jmp: header to 0x26c */
	memcpy(p + 0x202, "HdrS", 4);
	p[0x206] = 0x0F, p[0x207] = 0x02;	/* version 2.15 */
	p[0x211] = 0x01;			/* loadflags: LOADED_HIGH */
	put32(p + 0x22C, 0x7FFFFFFF);		/* initrd_addr_max */
	put32(p + 0x230, 0x200000);		/* kernel_alignment */
	p[0x234] = 1;				/* relocatable_kernel */
	p[0x236] = 1;				/* xloadflags: XLF_KERNEL_64 */
	put32(p + 0x238, 0x7FF);		/* cmdline_size */
	put32(p + 0x260, 0x100000);		/* init_size */
}

/*
 * Names as GRUB passes them, the first word being the module's name;
 * most are those the scenarios' hv.cfg (the seeds) use.
 */
static const char *const names[] = {
	"hello.elf", "memtouch.elf", "hello64.elf some args", "vmlinuz",
	"initrd.img", "notakernel.bin", "empty",
};
static const void *datas[] = {
	mb_kernel, mb_kernel, elf64_kernel, bz_kernel, junk, junk, junk,
};
static const uint64_t sizes[] = {
	sizeof(mb_kernel), sizeof(mb_kernel), sizeof(elf64_kernel),
	sizeof(bz_kernel), sizeof(junk), sizeof(junk), 0,
};

static const struct config_machine machine = {
	.ncpus = 4, .free_bytes = GIB(1),
	.module_names = names, .module_data = datas, .module_sizes = sizes,
	.nmodules = (int)ARRAY_SIZE(names),
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	build_elf64();
	build_bzimage();
	return 0;
}

/* ---- the run -------------------------------------------------------- */

static bool terminated(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static void check_guest(const struct guest_cfg *g)
{
	FUZZ_ASSERT(terminated(g->name, sizeof(g->name)));
	FUZZ_ASSERT(terminated(g->image, sizeof(g->image)));
	FUZZ_ASSERT(terminated(g->cmdline, sizeof(g->cmdline)));
	FUZZ_ASSERT(g->nmodules >= 0 && g->nmodules <= CONFIG_MAX_MODULES);
	for (int i = 0; i < g->nmodules; i++)
		FUZZ_ASSERT(terminated(g->modules[i], sizeof(g->modules[i])));
	/* an accepted guest names a format the loaders know */
	FUZZ_ASSERT(!g->ok || strcmp(loader_format_name(g->format), "?") != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_config cfg;
	char *text = fuzz_dup(data, size);
	int errors;

	host_log_clear();
	memset(&cfg, 0xA5, sizeof(cfg));	/* nothing may rely on a zeroed out */
	errors = config_parse(text, size, &cfg);
	FUZZ_ASSERT(errors == cfg.nerrors && errors >= 0);
	FUZZ_ASSERT(cfg.nguests >= 0 && cfg.nguests <= CONFIG_MAX_GUESTS);
	for (int i = 0; i < cfg.nguests; i++)
		check_guest(&cfg.guests[i]);

	config_validate(&cfg, &machine);
	FUZZ_ASSERT(cfg.nerrors >= errors);
	free(text);
	return 0;
}

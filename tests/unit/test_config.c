/* units: vmm/config.c vmm/loader/dispatch.c vmm/loader/common.c vmm/loader/elf.c vmm/loader/mb1.c vmm/loader/elf64.c vmm/loader/bzimage.c lib/fmt.c */
/*
 * Partition config: parsing (every key, every error with its line
 * number) and the machine check against fake CPUs, memory and modules.
 */
#include <elf.h>
#include "check.h"
#include "host_log.h"
#include "vmm/config.h"

static struct hv_config cfg;

static int parse(const char *text)
{
	host_log_clear();
	return config_parse(text, strlen(text), &cfg);
}

static int log_lines(void)
{
	int n = 0;

	for (const char *s = host_log_text(); *s; s++)
		n += *s == '\n';
	return n;
}

/* The config must give exactly one error, and this message. */
#define CHECK_ONE_ERROR(text, msg) do { \
	CHECK_EQ(parse(text), 1); \
	CHECK_EQ(log_lines(), 1); \
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: " msg "\n"); \
	} while (0)

/* The same, for a message checked only up to `start`. */
#define CHECK_ONE_ERROR_START(text, start) do { \
	CHECK_EQ(parse(text), 1); \
	CHECK_EQ(log_lines(), 1); \
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: " start); \
	} while (0)

static const char good[] =
	"# a full config\n"
	"\n"
	"[guest hello]            # first\n"
	"cpu      = 1\n"
	"memory   = 64M           # comment after a value\n"
	"image    = hello.elf\n"
	"format   = multiboot\n"
	"cmdline  = \"verbose=1 # not a comment\"\n"
	"modules  = initrd.img other.bin\n"
	"on_exit  = poweroff\n"
	"small_pages = 0x200000-0x400000\n"
	"\t[ guest  Second_2-b ]\r\n"
	"cpu=0\r\n"
	"memory = 0x40000000\n"
	"image = k64\n"
	"format = elf64\n"
	"cmdline = plain words  # comment\n"
	"on_exit = restart\n"
	"small_pages = 2M - 4M\n"
	"[guest z]\n"
	"cpu = 2\n"
	"memory = 2048K\n"
	"image = \"bz\"\n"
	"format = bzimage\n"
	"cmdline =\n"
	"modules =";

static void test_good_config(void)
{
	struct guest_cfg *g = &cfg.guests[0];

	CHECK_EQ(parse(good), 0);
	CHECK_EQ(host_log_text()[0], 0);
	CHECK_EQ(cfg.nguests, 3);
	CHECK_EQ(cfg.nerrors, 0);
	CHECK_EQ(strcmp(g->name, "hello"), 0);
	CHECK_EQ(g->line, 3);
	CHECK(g->ok);
	CHECK_EQ(g->cpu, 1);
	CHECK_EQ(g->memory, MIB(64));
	CHECK_EQ(strcmp(g->image, "hello.elf"), 0);
	CHECK_EQ(g->format, IMAGE_MULTIBOOT);
	CHECK_EQ(strcmp(g->cmdline, "verbose=1 # not a comment"), 0);
	CHECK_EQ(g->nmodules, 2);
	CHECK_EQ(strcmp(g->modules[0], "initrd.img"), 0);
	CHECK_EQ(strcmp(g->modules[1], "other.bin"), 0);
	CHECK_EQ(g->on_exit, ON_EXIT_POWEROFF);
	CHECK_EQ(g->small_start, 0x200000);
	CHECK_EQ(g->small_end, 0x400000);

	g = &cfg.guests[1];
	CHECK_EQ(strcmp(g->name, "Second_2-b"), 0);
	CHECK_EQ(g->line, 12);
	CHECK(g->ok);
	CHECK_EQ(g->cpu, 0);
	CHECK_EQ(g->memory, GIB(1));
	CHECK_EQ(g->format, IMAGE_ELF64);
	CHECK_EQ(strcmp(g->cmdline, "plain words"), 0);
	CHECK_EQ(g->nmodules, 0);
	CHECK_EQ(g->on_exit, ON_EXIT_RESTART);
	CHECK_EQ(g->small_start, MIB(2));
	CHECK_EQ(g->small_end, MIB(4));

	g = &cfg.guests[2];
	CHECK(g->ok);
	CHECK_EQ(g->memory, MIB(2));
	CHECK_EQ(strcmp(g->image, "bz"), 0);
	CHECK_EQ(g->format, IMAGE_BZIMAGE);
	CHECK_EQ(g->cmdline[0], 0);
	CHECK_EQ(g->on_exit, ON_EXIT_IDLE);	/* the default */
	CHECK_EQ(g->small_end, 0);
}

static void test_text_ends_at_len_or_nul(void)
{
	static const char t[] = "[guest a]\ncpu=0\nmemory=2M\nimage=a\nformat=elf64\n"
				"bogus line";
	CHECK_EQ(config_parse(t, strlen(t) - strlen("bogus line"), &cfg), 0);
	CHECK_EQ(cfg.nguests, 1);
	char padded[128] = "[guest a]\ncpu=0\nmemory=2M\nimage=a\nformat=elf64\n";
	CHECK_EQ(config_parse(padded, sizeof(padded), &cfg), 0);
	CHECK(cfg.guests[0].ok);
}

#define HDR "[guest a]\ncpu=0\nmemory=2M\nimage=a\nformat=elf64\n"	/* lines 1-5 */

static void test_key_errors(void)
{
	CHECK_ONE_ERROR(HDR "memroy = 4M\n", "line 6: unknown key 'memroy'");
	CHECK(!cfg.guests[0].ok);
	CHECK_ONE_ERROR("# x\ncpu = 1\n" HDR, "line 2: key 'cpu' outside a [guest NAME] block");
	CHECK(cfg.guests[0].ok);
	CHECK_ONE_ERROR(HDR "\n\ncpu = 1\n", "line 8: duplicate key 'cpu' (first set on line 2)");
	CHECK_ONE_ERROR(HDR "just words\n", "line 6: expected 'key = value' or '[guest NAME]'");
	CHECK_ONE_ERROR(HDR "= 5\n", "line 6: expected 'key = value' or '[guest NAME]'");
	CHECK_ONE_ERROR(HDR "on_exit =   # nothing\n", "line 6: missing value for 'on_exit'");
	CHECK_ONE_ERROR(HDR "cmdline = \"abc\n", "line 6: unterminated quote");
	CHECK_ONE_ERROR(HDR "cmdline = \"abc\" def\n", "line 6: unexpected text after the closing quote");
}

static void test_value_errors(void)
{
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory = 12Q\nimage=a\nformat=elf64\n",
			"line 3: bad size '12Q'");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory = 99999999999999999999\nimage=a\nformat=elf64\n",
			"line 3: bad size '99999999999999999999'");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory = 17179869184G\nimage=a\nformat=elf64\n",
			"line 3: bad size '17179869184G'");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory = 1M\nimage=a\nformat=elf64\n",
			"line 3: memory '1M' is below the 2 MiB minimum");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory = 3M\nimage=a\nformat=elf64\n",
			"line 3: memory '3M' is not a multiple of 2 MiB");
	CHECK_ONE_ERROR("[guest a]\ncpu= -1\nmemory=2M\nimage=a\nformat=elf64\n",
			"line 2: bad cpu index '-1'");
	CHECK_ONE_ERROR("[guest a]\ncpu= 5000\nmemory=2M\nimage=a\nformat=elf64\n",
			"line 2: bad cpu index '5000'");
	CHECK_ONE_ERROR("[guest a]\ncpu= 0x\nmemory=2M\nimage=a\nformat=elf64\n",
			"line 2: bad cpu index '0x'");
	CHECK_ONE_ERROR(HDR "format = pe\n", "line 6: duplicate key 'format' (first set on line 5)");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory=2M\nimage=a\nformat=pe\n",
			"line 5: unknown format 'pe' (multiboot | elf64 | bzimage)");
	CHECK_ONE_ERROR(HDR "on_exit = reboot\n",
			"line 6: unknown on_exit 'reboot' (idle | restart | poweroff)");
	CHECK_ONE_ERROR("[guest a]\ncpu=0\nmemory=2M\nimage=two words\nformat=elf64\n",
			"line 4: 'two words' is not one module name");
	CHECK_ONE_ERROR_START("[guest a]\ncpu=0\nmemory=2M\nimage=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
			"format=elf64\n", "line 4: module name 'aaaa");
	CHECK_STR_CONTAINS(host_log_text(), "is too long (max 63 chars)");
	CHECK_ONE_ERROR(HDR "modules = 1 2 3 4 5 6 7 8 9\n", "line 6: too many modules (max 8)");
}

static void test_modules_limits(void)
{
	CHECK_EQ(parse(HDR "modules = 1 2 3 4 5 6 7 8\non_exit = idle\n"), 0);
	CHECK_EQ(cfg.guests[0].on_exit, ON_EXIT_IDLE);
	CHECK_EQ(cfg.guests[0].nmodules, 8);
	CHECK_EQ(strcmp(cfg.guests[0].modules[7], "8"), 0);
	CHECK_EQ(parse(HDR "modules = ok aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"), 1);
	CHECK_STR_CONTAINS(host_log_text(), "line 6: module name 'aaaa");
	CHECK(!cfg.guests[0].ok);
}

static void test_cmdline_length(void)
{
	char text[600];
	char arg[300];

	memset(arg, 'x', 255);
	arg[255] = 0;
	snprintf(text, sizeof(text), HDR "cmdline = %s\n", arg);
	CHECK_EQ(parse(text), 0);
	CHECK_EQ(strlen(cfg.guests[0].cmdline), 255);
	memset(arg, 'x', 256);
	arg[256] = 0;
	snprintf(text, sizeof(text), HDR "cmdline = \"%s\"\n", arg);
	CHECK_ONE_ERROR(text, "line 6: cmdline is 256 chars long (max 255)");
}

static void test_small_pages_errors(void)
{
	CHECK_ONE_ERROR(HDR "small_pages = 0x200000\n", "line 6: bad range '0x200000' (want START-END)");
	CHECK_ONE_ERROR(HDR "small_pages = 2M-zz\n", "line 6: bad range '2M-zz' (want START-END)");
	CHECK_ONE_ERROR(HDR "small_pages = 4M-2M\n", "line 6: empty range '4M-2M'");
	CHECK_ONE_ERROR(HDR "small_pages = 4K-2M\n", "line 6: range '4K-2M' is not 2 MiB aligned");
	CHECK_ONE_ERROR(HDR "small_pages = 0-4M\n",
			"line 6: small_pages range ends beyond the guest's 2 MiB");
	/* checked once the block is complete: memory may come after it */
	CHECK_EQ(parse("[guest a]\nsmall_pages = 0-4M\ncpu=0\nmemory=4M\nimage=a\nformat=elf64\n"), 0);
	CHECK_ONE_ERROR("[guest a]\nsmall_pages = 0-8M\ncpu=0\nmemory=4M\nimage=a\nformat=elf64\n[guest b]\n"
			"cpu=1\nmemory=2M\nimage=a\nformat=elf64\n",
			"line 2: small_pages range ends beyond the guest's 4 MiB");
	CHECK(!cfg.guests[0].ok);
	CHECK(cfg.guests[1].ok);
}

static void test_header_errors(void)
{
	CHECK_ONE_ERROR("[guest a b]\n", "line 1: bad guest name 'a b' (1-15 chars of A-Z a-z 0-9 _ -)");
	CHECK_EQ(cfg.nguests, 0);
	CHECK_ONE_ERROR("\n[guest 0123456789abcdef]\ncpu=1\n",
			"line 2: bad guest name '0123456789abcdef' (1-15 chars of A-Z a-z 0-9 _ -)");
	CHECK_ONE_ERROR("[guest  ]\n", "line 1: unknown block '[guest]' (want [guest NAME] or [switch NAME])");
	CHECK_ONE_ERROR_START("[guest a.b]\n", "line 1: bad guest name 'a.b'");
	CHECK_ONE_ERROR("[host x]\nmemory=1\n", "line 1: unknown block '[host x]' (want [guest NAME] or [switch NAME])");
	CHECK_ONE_ERROR_START("[guestx y]\n", "line 1: unknown block '[guestx y]'");
	CHECK_ONE_ERROR("[guest a\n", "line 1: missing ']' in the block header");
	CHECK_ONE_ERROR("[guest a] x\n", "line 1: unexpected text after ']'");
	CHECK_ONE_ERROR(HDR "[guest a]\ncpu=1\n", "line 6: guest name 'a' is already used on line 1");
	CHECK_EQ(cfg.nguests, 1);
	CHECK(cfg.guests[0].ok);
	CHECK_ONE_ERROR("# only comments\n\n", "line 2: no [guest NAME] block");
}

static void test_missing_keys(void)
{
	CHECK_EQ(parse("[guest a]\ncpu=0\nmemory=2M\nimage=a\nformat=elf64\n"
		       "[guest b]\n# empty\n[guest c]\ncpu=3\nimage=x\n"), 6);
	CHECK_EQ(log_lines(), 6);
	CHECK_STR_CONTAINS(host_log_text(), "line 6: guest 'b': missing key 'cpu' (or 'cpus')\n");
	CHECK_STR_CONTAINS(host_log_text(), "line 6: guest 'b': missing key 'memory'\n");
	CHECK_STR_CONTAINS(host_log_text(), "line 6: guest 'b': missing key 'image'\n");
	CHECK_STR_CONTAINS(host_log_text(), "line 6: guest 'b': missing key 'format'\n");
	CHECK_STR_CONTAINS(host_log_text(), "line 8: guest 'c': missing key 'memory'\n");
	CHECK_STR_CONTAINS(host_log_text(), "line 8: guest 'c': missing key 'format'\n");
	CHECK(cfg.guests[0].ok);
	CHECK(!cfg.guests[1].ok);
	CHECK(!cfg.guests[2].ok);
	/* a key with a bad value is not "missing" as well */
	CHECK_ONE_ERROR("[guest a]\ncpu=x\nmemory=2M\nimage=a\nformat=elf64\n",
			"line 2: bad cpu index 'x'");
}

#define BODY "memory=2M\nimage=a\nformat=elf64\n"

static void test_cpus_lists(void)
{
	const struct guest_cfg *g = &cfg.guests[0];

	CHECK_EQ(parse("[guest a]\ncpus = 1,2\n" BODY), 0);
	CHECK_EQ(g->ncpus, 2);
	CHECK_EQ(g->cpus[0], 1);
	CHECK_EQ(g->cpus[1], 2);
	CHECK_EQ(g->cpu, 1);
	CHECK_EQ(parse("[guest a]\ncpus = 3 - 5\n" BODY), 0);
	CHECK_EQ(g->ncpus, 3);
	CHECK_EQ(g->cpus[0], 3);
	CHECK_EQ(g->cpus[2], 5);
	CHECK_EQ(parse("[guest a]\ncpus = 4, 0-1,2\n" BODY), 0);
	CHECK_EQ(g->ncpus, 4);
	CHECK_EQ(g->cpu, 4);           /* the first listed is the boot vCPU's */
	CHECK_EQ(g->cpus[1], 0);
	CHECK_EQ(g->cpus[3], 2);
	CHECK_EQ(parse("[guest a]\ncpus = 7\n" BODY), 0);
	CHECK_EQ(g->ncpus, 1);
	CHECK_EQ(parse("[guest a]\ncpu = 6\n" BODY), 0);
	CHECK_EQ(g->ncpus, 1);
	CHECK_EQ(g->cpus[0], 6);
	CHECK_EQ(parse("[guest a]\ncpus = 0-7\n" BODY), 0);
	CHECK_EQ(g->ncpus, 8);
}

static void test_cpus_errors(void)
{
	CHECK_ONE_ERROR("[guest a]\ncpus = 1,,2\n" BODY, "line 2: empty item in the cpus list");
	CHECK_ONE_ERROR("[guest a]\ncpus = 1,\n" BODY, "line 2: empty item in the cpus list");
	CHECK_ONE_ERROR("[guest a]\ncpus = 1,x\n" BODY, "line 2: bad cpus item 'x' (want N or A-B)");
	CHECK_ONE_ERROR("[guest a]\ncpus = 1-\n" BODY, "line 2: bad cpus item '1-' (want N or A-B)");
	CHECK_ONE_ERROR("[guest a]\ncpus = 3-1\n" BODY, "line 2: bad cpu range '3-1'");
	CHECK_ONE_ERROR("[guest a]\ncpus = 1-5000\n" BODY, "line 2: bad cpu range '1-5000'");
	CHECK_ONE_ERROR("[guest a]\ncpus = 1,2,1\n" BODY, "line 2: cpu 1 is listed twice");
	CHECK_ONE_ERROR("[guest a]\ncpus = 0-2,1\n" BODY, "line 2: cpu 1 is listed twice");
	CHECK_ONE_ERROR("[guest a]\ncpus = 0-8\n" BODY, "line 2: too many cpus (max 8 per guest)");
	CHECK_ONE_ERROR("[guest a]\ncpu = 1\ncpus = 2,3\n" BODY,
			"line 3: guest 'a': both 'cpu' and 'cpus' are set");
	CHECK_ONE_ERROR("[guest a]\n" BODY, "line 1: guest 'a': missing key 'cpu' (or 'cpus')");
	/* a bad list is not "missing" as well */
	CHECK_ONE_ERROR("[guest a]\ncpus = \"\"\n" BODY, "line 2: missing value for 'cpus'");
	CHECK(!cfg.guests[0].ok);
}

static void test_nets(void)
{
	const struct guest_cfg *g = &cfg.guests[0];

	/* a switch may be declared before or after the guests on it */
	CHECK_EQ(parse("[switch lan]\n" HDR "net = lan  wan # two\n[switch wan]\n"
		       "[guest b]\ncpu=1\n" BODY "net = wan\n"), 0);
	CHECK_EQ(cfg.nswitches, 2);
	CHECK_EQ(strcmp(cfg.switches[1].name, "wan"), 0);
	CHECK_EQ(cfg.switches[1].line, 8);
	CHECK_EQ(g->nnets, 2);
	CHECK_EQ(g->nets[0], 0);
	CHECK_EQ(g->nets[1], 1);
	CHECK_EQ(g->net_line, 7);
	CHECK_EQ(cfg.guests[1].nnets, 1);
	CHECK_EQ(cfg.guests[1].nets[0], 1);
	CHECK_EQ(cfg.guests[1].line, 9);
	/* no net key: no device */
	CHECK_EQ(parse(HDR), 0);
	CHECK_EQ(g->nnets, 0);

	CHECK_ONE_ERROR(HDR "net = lan\n", "line 6: guest 'a': unknown switch 'lan'");
	CHECK(!g->ok);
	CHECK_ONE_ERROR("[switch lan]\n" HDR "net = lan lan\n", "line 7: switch 'lan' is listed twice");
	CHECK_ONE_ERROR("[switch a]\n[switch b]\n[switch c]\n" HDR "net = a b c\n",
			"line 9: too many net devices (max 2 per guest)");
	CHECK(!g->ok);
	CHECK_ONE_ERROR("[switch lan]\n" HDR "net = la.n\n",
			"line 7: bad switch name 'la.n' (1-15 chars of A-Z a-z 0-9 _ -)");
	CHECK_ONE_ERROR("[switch lan]\n" HDR "net =\n", "line 7: missing value for 'net'");
	CHECK_ONE_ERROR("[switch lan]\n" HDR "net = lan\nnet = lan\n",
			"line 8: duplicate key 'net' (first set on line 7)");
}

static void test_switch_blocks(void)
{
	CHECK_ONE_ERROR("[switch lan]\n" HDR "[switch lan]\n",
			"line 7: switch name 'lan' is already used on line 1");
	CHECK_EQ(cfg.nswitches, 1);
	CHECK(cfg.guests[0].ok);		/* a switch error is no guest's */
	CHECK_ONE_ERROR("[switch lan]\nports = 4\n" HDR,
			"line 2: unknown key 'ports' (a [switch NAME] block takes none)");
	CHECK_ONE_ERROR("[switch a/b]\n" HDR,
			"line 1: bad switch name 'a/b' (1-15 chars of A-Z a-z 0-9 _ -)");
	CHECK_ONE_ERROR("[switch ]\n" HDR,
			"line 1: unknown block '[switch]' (want [guest NAME] or [switch NAME])");
	/* keys after a switch block do not go to the guest before it */
	CHECK_ONE_ERROR(HDR "[switch lan]\ncmdline = x\n",
			"line 7: unknown key 'cmdline' (a [switch NAME] block takes none)");
	CHECK(cfg.guests[0].ok);
	CHECK_EQ(cfg.guests[0].cmdline[0], 0);
	CHECK_ONE_ERROR("[switch lan]\n", "line 1: no [guest NAME] block");

	char text[512] = "";
	for (int i = 0; i <= CONFIG_MAX_SWITCHES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "[switch s%d]\n", i);
	strcat(text, HDR);
	CHECK_ONE_ERROR(text, "line 9: too many switches (max 8)");
}

static void test_too_many_guests(void)
{
	char text[4096] = "";

	for (int i = 0; i < 17; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[guest g%d]\ncpu=%d\nmemory=2M\nimage=a\nformat=elf64\n", i, i);
	CHECK_ONE_ERROR(text, "line 81: too many guests (max 16)");
	CHECK_EQ(cfg.nguests, 16);
	for (int i = 0; i < 16; i++)
		CHECK(cfg.guests[i].ok);
}

/* A skipped block's keys are not reported again. */
static void test_skipped_block_is_quiet(void)
{
	CHECK_ONE_ERROR_START("[guest bad!]\ncpu = what\nfoo = bar\n" HDR,
			"line 1: bad guest name 'bad!'");
	CHECK_EQ(cfg.nguests, 1);
	CHECK(cfg.guests[0].ok);
	CHECK_EQ(cfg.guests[0].line, 4);
}

/* ---- config_validate ----------------------------------------------------- */

/* Smallest multiboot kernel: a.out-kludge header at offset 0. */
static uint32_t mb_kernel[8];
static uint8_t elf64_kernel[0x200];

static void build_kernels(void)
{
	uint32_t flags = 1u << 16;
	uint32_t h[8] = { 0x1BADB002u, flags, 0u - 0x1BADB002u - flags,
			  0x100000, 0x100000, 0, 0, 0x100000 };
	Elf64_Ehdr e = { .e_type = ET_EXEC, .e_machine = EM_X86_64,
			 .e_version = EV_CURRENT, .e_entry = 0x200000,
			 .e_phoff = sizeof(Elf64_Ehdr), .e_ehsize = sizeof(e),
			 .e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1 };
	Elf64_Phdr ph = { .p_type = PT_LOAD, .p_offset = 0x100, .p_paddr = 0x200000,
			  .p_filesz = 0x10, .p_memsz = 0x10 };

	memcpy(mb_kernel, h, sizeof(h));
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	memcpy(elf64_kernel, &e, sizeof(e));
	memcpy(elf64_kernel + sizeof(e), &ph, sizeof(ph));
}

static const char *const names[] = { "mb.elf", " k64 some args", "initrd", NULL };
static const void *const datas[] = { mb_kernel, elf64_kernel, "x", "y" };
static const uint64_t sizes[] = { sizeof(mb_kernel), sizeof(elf64_kernel), 1, 1 };

static struct config_machine machine(int ncpus, uint64_t free_bytes)
{
	build_kernels();
	return (struct config_machine){ ncpus, free_bytes, names, datas, sizes, 4 };
}

static void validate(const char *text, struct config_machine m)
{
	CHECK_EQ(parse(text), 0);
	host_log_clear();
	config_validate(&cfg, &m);
}

static void test_validate_ok(void)
{
	struct config_machine m = machine(2, MIB(100));

	validate("[guest a]\ncpu=0\nmemory=64M\nimage=mb.elf\nformat=multiboot\n"
		 "modules=initrd\n"
		 "[guest b]\ncpu=1\nmemory=36M\nimage=k64\nformat=elf64\n", m);
	CHECK_EQ(host_log_text()[0], 0);
	CHECK_EQ(cfg.nerrors, 0);
	CHECK(cfg.guests[0].ok && cfg.guests[1].ok);
	CHECK_EQ(config_find_module(&m, "k64"), 1);
	CHECK_EQ(config_find_module(&m, "k6"), -1);
	CHECK_EQ(config_find_module(&m, "mb.elf"), 0);
	CHECK_EQ(config_find_module(&m, "nope"), -1);
}

static void test_validate_cpus(void)
{
	validate("[guest a]\ncpu=1\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "\n\n\n[guest b]\ncpu=1\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest c]\ncpu=5\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest d]\ncpu=0\nmemory=2M\nimage=mb.elf\nformat=multiboot\n",
		 machine(2, GIB(1)));
	CHECK_EQ(log_lines(), 2);
	CHECK_EQ(cfg.nerrors, 2);
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 9: guest 'b': cpu 1 is already used by guest 'a'\n");
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 14: guest 'c': cpu 5 does not exist (2 cpus)\n");
	CHECK(cfg.guests[0].ok);
	CHECK(!cfg.guests[1].ok);
	CHECK(!cfg.guests[2].ok);
	CHECK(cfg.guests[3].ok);
}

static void test_validate_cpu_lists(void)
{
	validate("[guest a]\ncpus=1-2\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest b]\ncpus=0,2\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest c]\ncpus=3,4\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest d]\ncpus=0,3\nmemory=2M\nimage=mb.elf\nformat=multiboot\n",
		 machine(4, GIB(1)));
	CHECK_EQ(log_lines(), 2);
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 6: guest 'b': cpu 2 is already used by guest 'a'\n");
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 11: guest 'c': cpu 4 does not exist (4 cpus)\n");
	CHECK(cfg.guests[0].ok);
	CHECK(!cfg.guests[1].ok);
	CHECK(!cfg.guests[2].ok);
	CHECK(cfg.guests[3].ok);       /* b and c were refused: 0 and 3 are free */
}

static void test_validate_memory(void)
{
	validate("[guest a]\ncpu=0\nmemory=64M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest b]\ncpu=1\nmemory=512M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest c]\ncpu=2\nmemory=36M\nimage=mb.elf\nformat=multiboot\n"
		 "[guest d]\ncpu=3\nmemory=2M\nimage=mb.elf\nformat=multiboot\n",
		 machine(4, MIB(101)));
	CHECK_EQ(log_lines(), 2);
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 6: guest 'b': needs 512 MiB, only 37 MiB left\n");
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 16: guest 'd': needs 2 MiB, only 1 MiB left\n");
	CHECK(cfg.guests[0].ok);
	CHECK(!cfg.guests[1].ok);
	CHECK(cfg.guests[2].ok);
	CHECK(!cfg.guests[3].ok);
}

static void test_validate_images(void)
{
	validate("[guest a]\ncpu=0\nmemory=2M\nimage=k64\nformat=multiboot\n"
		 "[guest b]\ncpu=1\nmemory=2M\nimage=gone.elf\nformat=elf64\n"
		 "[guest c]\ncpu=2\nmemory=2M\nimage=mb.elf\nformat=elf64\n"
		 "[guest d]\ncpu=3\nmemory=2M\nimage=mb.elf\nformat=bzimage\n"
		 "[guest e]\ncpu=4\nmemory=2M\nimage=mb.elf\nformat=multiboot\n"
		 "modules = initrd missing.bin\n",
		 machine(8, GIB(1)));
	CHECK_EQ(log_lines(), 5);
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: line 1: guest 'a': image 'k64' "
			   "is not a multiboot kernel: no multiboot header");
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: line 6: guest 'b': image "
			   "'gone.elf' is not among the boot modules\n");
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: line 11: guest 'c': image "
			   "'mb.elf' is not a x86-64 ELF executable: not an ELF file");
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: line 16: guest 'd': image "
			   "'mb.elf' is not a bzImage: no \"HdrS\"");
	CHECK_STR_CONTAINS(host_log_text(), "hv: config: line 21: guest 'e': module "
			   "'missing.bin' is not among the boot modules\n");
	for (int i = 0; i < 5; i++)
		CHECK(!cfg.guests[i].ok);
}

/* A refused guest holds neither its CPU nor memory; parse errors stay. */
static void test_validate_switch_ports(void)
{
	char text[2048] = "[switch lan]\n";

	/* nine guests on one switch of eight ports: the ninth is refused */
	for (int i = 0; i <= CONFIG_SWITCH_PORTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "[guest g%d]\ncpu=%d\nmemory=2M\nimage=mb.elf\nformat=multiboot\nnet=lan\n", i, i);
	validate(text, machine(16, GIB(1)));
	CHECK_EQ(log_lines(), 1);
	CHECK_STR_CONTAINS(host_log_text(),
			   "hv: config: line 55: guest 'g8': switch 'lan' has no port left (max 8 devices)\n");
	CHECK(cfg.guests[7].ok);
	CHECK(!cfg.guests[8].ok);
}

static void test_validate_refused_guests_free_resources(void)
{
	CHECK_EQ(parse("[guest a]\ncpu=0\nmemory=64M\nimage=gone\nformat=elf64\n"
		       "[guest b]\ncpu=0\nmemory=64M\nimage=k64\nformat=elf64\n"
		       "[guest c]\ncpu=1\nmemory=64M\nimage=k64\nformat=elf64\nfoo=1\n"), 1);
	struct config_machine m = machine(2, MIB(64));
	host_log_clear();
	config_validate(&cfg, &m);
	CHECK_EQ(log_lines(), 1);
	CHECK_STR_CONTAINS(host_log_text(), "guest 'a': image 'gone'");
	CHECK(!cfg.guests[0].ok);
	CHECK(cfg.guests[1].ok);
	CHECK(!cfg.guests[2].ok);
	CHECK_EQ(cfg.nerrors, 2);
}

int main(void)
{
	RUN(test_good_config);
	RUN(test_text_ends_at_len_or_nul);
	RUN(test_key_errors);
	RUN(test_value_errors);
	RUN(test_modules_limits);
	RUN(test_cmdline_length);
	RUN(test_small_pages_errors);
	RUN(test_header_errors);
	RUN(test_missing_keys);
	RUN(test_cpus_lists);
	RUN(test_cpus_errors);
	RUN(test_nets);
	RUN(test_switch_blocks);
	RUN(test_too_many_guests);
	RUN(test_skipped_block_is_quiet);
	RUN(test_validate_ok);
	RUN(test_validate_cpus);
	RUN(test_validate_cpu_lists);
	RUN(test_validate_memory);
	RUN(test_validate_images);
	RUN(test_validate_switch_ports);
	RUN(test_validate_refused_guests_free_resources);
	return check_summary();
}

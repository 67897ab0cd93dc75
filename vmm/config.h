/*
 * The partition config: which guests to run, where, and from what.
 *
 * A scenario hands the config to the hypervisor as a multiboot2 module.
 * The text format (the README carries a copy):
 *
 *   # comment lines and blank lines are ignored; '#' after a value
 *   # starts a comment too (except inside "quotes")
 *   [guest hello]          # one block per guest; name: 1-15 chars of
 *                          # A-Z a-z 0-9 _ -, unique
 *   cpu      = 1           # host CPU index (0 = boot CPU); one guest per CPU
 *   cpus     = 1,2         # or: several host CPUs ("1,2", "1-3", "0,2-3"),
 *                          # one vCPU on each, the first is the boot vCPU;
 *                          # at most 8; give cpu or cpus, not both
 *   memory   = 64M         # bytes, or with a K, M or G suffix; at least
 *                          # 2M and a multiple of 2M
 *   image    = hello.elf   # the boot module whose name (first word of its
 *                          # multiboot2 module command line) is this
 *   format   = multiboot   # multiboot | elf64 | bzimage
 *   cmdline  = "verbose=1 x"          # optional; quotes optional (needed
 *                                     # for '#'); at most 255 chars
 *   modules  = initrd.img other.bin   # optional extra modules handed to
 *                                     # the guest, at most 8
 *   on_exit  = idle        # optional: idle (default) | restart | poweroff
 *                          # (poweroff: power the machine off once every
 *                          # guest has ended)
 *   small_pages = 0x200000-0x400000   # optional: a gpa range [start, end)
 *                          # the EPT maps with 4 KiB leaves (benchmarks);
 *                          # 2 MiB aligned, below the end of the guest's
 *                          # RAM (beyond 3 GiB RAM goes on at 4 GiB)
 *   net      = lan wan     # optional: one virtio-net device on each named
 *                          # switch, net0 first; at most 2, each switch
 *                          # once; the switches may be declared anywhere
 *
 *   [switch lan]           # an Ethernet switch between partitions (see
 *                          # vmm/net/net.h); takes no keys; name as for a
 *                          # guest, unique among switches; at most 8
 *                          # devices on one switch
 *
 * Numbers are decimal or 0x hex.  cpu (or cpus), memory, image and format are
 * required.  Any value may be written in "double quotes".
 *
 * Every problem prints one line, "hv: config: line <n>: <problem>", and
 * refuses the guest it concerns (ok = false); other guests stay ok.  A
 * block whose [guest ...] header is itself wrong is skipped whole.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include "hv/types.h"
#include "vmm/loader/loader.h"		/* enum image_format */

#define CONFIG_MAX_GUESTS   16
#define CONFIG_MAX_MODULES  8
#define CONFIG_MAX_VCPUS    8	/* host CPUs one guest may have */
#define CONFIG_NAME_LEN     16	/* with the NUL */
#define CONFIG_IMAGE_LEN    64
#define CONFIG_CMDLINE_LEN  256
#define CONFIG_MAX_NETS     2	/* virtio-net devices of one guest */
#define CONFIG_MAX_SWITCHES 8
#define CONFIG_SWITCH_PORTS 8	/* devices on one switch: SWITCH_MAX_PORTS */
#define CONFIG_SWITCH_BYTES MIB(1)	/* hypervisor memory a switch takes */

enum on_exit { ON_EXIT_IDLE, ON_EXIT_RESTART, ON_EXIT_POWEROFF };

struct guest_cfg {
	char name[CONFIG_NAME_LEN];
	int cpu;				/* the boot vCPU's host CPU: cpus[0] */
	int cpus[CONFIG_MAX_VCPUS];		/* vCPU n runs on host CPU cpus[n] */
	int ncpus;
	uint64_t memory;			/* bytes */
	char image[CONFIG_IMAGE_LEN];
	enum image_format format;
	char cmdline[CONFIG_CMDLINE_LEN];
	char modules[CONFIG_MAX_MODULES][CONFIG_IMAGE_LEN];
	int nmodules;
	enum on_exit on_exit;
	uint64_t small_start, small_end;	/* both 0: no small-page range */
	char net_names[CONFIG_MAX_NETS][CONFIG_NAME_LEN];	/* as written */
	int nets[CONFIG_MAX_NETS];		/* device n is on switches[nets[n]] */
	int nnets;
	int net_line;				/* line of the net key */
	int line;				/* line of the [guest] header */
	bool ok;
};

struct switch_cfg {
	char name[CONFIG_NAME_LEN];
	int line;				/* line of the [switch] header */
};

struct hv_config {
	struct guest_cfg guests[CONFIG_MAX_GUESTS];
	int nguests;
	struct switch_cfg switches[CONFIG_MAX_SWITCHES];
	int nswitches;
	int nerrors;
};

/*
 * Parse text (not NUL terminated) into *out: syntax and per-key checks.
 * Returns the number of errors (also in out->nerrors).
 */
int config_parse(const char *text, size_t len, struct hv_config *out);

/* What the machine offers, for config_validate(). */
struct config_machine {
	int ncpus;
	uint64_t free_bytes;		/* memory available for partitions */
	const char *const *module_names; /* first word is the name */
	const void *const *module_data;
	const uint64_t *module_sizes;
	int nmodules;
};

/*
 * Check the parsed guests against the machine, in file order: the CPU
 * exists and no earlier accepted guest has it (each CPU of a cpus list),
 * the image module exists
 * and is of the stated format, the extra modules exist, each switch it
 * is on has a port left after earlier accepted guests, and the memory
 * fits in what earlier accepted guests left.  Failures print one line
 * each and set ok = false.
 */
void config_validate(struct hv_config *cfg, const struct config_machine *m);

/* Index of the module called `name` in m, or -1. */
int config_find_module(const struct config_machine *m, const char *name);

#endif

/*
 * The hypervisor's own command line (the Multiboot2 cmdline tag, i.e.
 * what follows the image path on GRUB's "multiboot2" line).
 *
 * Options, separated by spaces or tabs:
 *   console=serial|fb|both   where log output goes           (both)
 *   maxcpus=<n>              bring up at most n CPUs, n >= 1  (all)
 *   nosmp                    only the boot CPU                (off)
 *   loglevel=<0-3>           0 errors .. 3 debug chatter      (2)
 *   debug                    debug checks and dumps           (off)
 *   poweroff=acpi|port|halt  how a power-off request is done  (auto)
 *
 * Unknown options and bad values are logged and ignored; the default
 * stays, so a typo never stops the boot.
 */
#ifndef DRIVERS_CMDLINE_H
#define DRIVERS_CMDLINE_H

#include "hv/types.h"

enum hv_console {
	HV_CONSOLE_BOTH = 0,
	HV_CONSOLE_SERIAL,
	HV_CONSOLE_FB,
};

enum hv_poweroff {
	HV_POWEROFF_AUTO = 0,   /* ACPI S5 if the tables allow, else port, else halt */
	HV_POWEROFF_ACPI,       /* PM1 control register, SLP_TYP for \_S5 */
	HV_POWEROFF_PORT,       /* emulator exit/shutdown ports */
	HV_POWEROFF_HALT,       /* cli; hlt forever */
};

#define HV_LOGLEVEL_MAX     3
#define HV_LOGLEVEL_DEFAULT 2
/* Upper bound accepted for maxcpus=; matches ACPI_MAX_CPUS. */
#define HV_MAXCPUS_LIMIT    64

struct hv_options {
	enum hv_console console;
	unsigned maxcpus;       /* 0: no limit */
	bool nosmp;
	int loglevel;           /* 0..HV_LOGLEVEL_MAX */
	bool debug;
	bool nozero;            /* benchmark only: do not zero guest memory (insecure) */
	enum hv_selftest {
		HV_SELFTEST_NONE, HV_SELFTEST_PAGEFAULT, HV_SELFTEST_STACK,
		HV_SELFTEST_EXITFAULT,      /* fault on the first guest's behalf, after 100 exits */
	} selftest;
	enum hv_poweroff poweroff;
};

/* Fill *opts with the defaults listed above. */
void cmdline_defaults(struct hv_options *opts);

/* Reset *opts to the defaults, then apply the options in s (NULL is the
 * empty line).  Returns the number of warnings printed. */
unsigned cmdline_parse(const char *s, struct hv_options *opts);

/* The CPU limit the options ask for: 1 with nosmp, else maxcpus
 * (0 meaning no limit). */
unsigned cmdline_cpu_limit(const struct hv_options *opts);

#endif

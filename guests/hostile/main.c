/*
 * hostile entry: pick the case named by "case=<name>" and run it.
 */
#include "hostile.h"

struct hostile_case {
	const char *name;
	void (*run)(void);
};

static const struct hostile_case cases[] = {
	{ "vmx", hostile_vmx },
	{ "msr", hostile_msr },
	{ "io", hostile_io },
	{ "oob", hostile_oob_read },
	{ "oobwrite", hostile_oob_write },
	{ "otherpart", hostile_other_partition },
	{ "triple", hostile_triple_fault },
	{ "hlt", hostile_halt },
	{ "xsetbv", hostile_xsetbv },
};

const struct mb_info *hostile_mbi;

void hostile_still_alive(const char *name)
{
	con_printf("hostile: %s: still alive (FAIL)\n", name);
	guest_exit(1);
}

static void list_cases(void)
{
	con_printf("hostile: cases:");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		con_printf(" %s", cases[i].name);
	con_printf("\n");
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	char name[16];

	guest_init();
	cmdline_init(mbi);
	hostile_mbi = mbi;
	con_printf("hostile: started, multiboot magic 0x%08x, cmdline '%s'\n", magic,
		   cmdline_get());

	if (!cmdline_value("case", name, sizeof(name)))
		name[0] = '\0';
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(name, cases[i].name) == 0) {
			con_printf("hostile: case %s\n", name);
			cases[i].run();
			/* Probe cases end in check_finish; nothing returns here. */
			hostile_still_alive(name);
		}
	}
	list_cases();
	con_printf("hostile: FAIL (unknown case '%s')\n", name);
	return 1;
}

/*
 * exerciser entry: run every group of exit checks, then print
 * "exerciser: PASS" (exit 0) or "exerciser: FAIL (<n> failed)" (exit 1).
 */
#include "exerciser.h"

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	guest_init();
	cmdline_init(mbi);
	con_printf("exerciser: started, multiboot magic 0x%08x\n", magic);

	exercise_cpuid();
	exercise_msr();
	exercise_io();
	exercise_hypercalls(mbi);
	exercise_control_regs();
	exercise_paging();

	check_finish("exerciser");
}

/*
 * Control-register exits: bits that are writable on real hardware must
 * read back as written, whatever the hypervisor intercepts (CR0/CR4
 * guest/host masks, SDM Vol. 3C, 25.6.6).  Then paging on and off with
 * an identity map plus one alias, to see the guest's own page tables
 * really translate.
 */
#include "exerciser.h"

/* Where the alias of physical 0..4 MiB (which holds our image) lives. */
#define ALIAS_VA 0xc0000000u

static volatile uint32_t marker;

static void check_cr0_bit(const char *name, uint32_t bit)
{
	char what[48];
	uint32_t saved = cpu_read_cr0();

	cpu_write_cr0(saved | bit);
	fmt_snprintf(what, sizeof(what), "cr0 set %s", name);
	check(what, (cpu_read_cr0() & bit) != 0, "cr0=0x%08x", cpu_read_cr0());
	cpu_write_cr0(saved & ~bit);
	fmt_snprintf(what, sizeof(what), "cr0 clear %s", name);
	check(what, (cpu_read_cr0() & bit) == 0, "cr0=0x%08x", cpu_read_cr0());
	cpu_write_cr0(saved);
}

static void check_cr4_bit(const char *name, uint32_t bit)
{
	char what[48];
	uint32_t saved = cpu_read_cr4();

	cpu_write_cr4(saved | bit);
	fmt_snprintf(what, sizeof(what), "cr4 set %s", name);
	check(what, (cpu_read_cr4() & bit) != 0, "cr4=0x%08x", cpu_read_cr4());
	cpu_write_cr4(saved & ~bit);
	fmt_snprintf(what, sizeof(what), "cr4 clear %s", name);
	check(what, (cpu_read_cr4() & bit) == 0, "cr4=0x%08x", cpu_read_cr4());
	cpu_write_cr4(saved);
}

void exercise_control_regs(void)
{
	con_printf("exerciser: cr0=0x%08x cr4=0x%08x\n", cpu_read_cr0(), cpu_read_cr4());
	check_cr0_bit("wp", CR0_WP);
	/* CR4 bits exist only where CPUID reports the feature (SDM 2.5). */
	if (cpu_has_edx1(CPUID1_EDX_FXSR))
		check_cr4_bit("osfxsr", CR4_OSFXSR);
	if (cpu_has_edx1(CPUID1_EDX_PGE))
		check_cr4_bit("pge", CR4_PGE);
}

void exercise_paging(void)
{
	if (!cpu_has_edx1(CPUID1_EDX_PSE)) {
		con_printf("exerciser: no PSE, paging checks skipped\n");
		return;
	}
	volatile uint32_t *alias = (volatile uint32_t *)(ALIAS_VA + (uint32_t)&marker);

	marker = 0x600df00d;
	paging_enable_pse(ALIAS_VA, 0);
	check("paging on", (cpu_read_cr0() & CR0_PG) != 0, "cr0=0x%08x", cpu_read_cr0());
	check_eq("paging alias read", *alias, 0x600df00d);
	*alias = 0xa11a5ed;
	check_eq("paging alias write", marker, 0xa11a5ed);

	paging_disable();
	check("paging off", (cpu_read_cr0() & CR0_PG) == 0, "cr0=0x%08x", cpu_read_cr0());
	check_eq("paging off memory intact", marker, 0xa11a5ed);
}

/*
 * CPUID exits: the hypervisor passes host features through but hides
 * VMX, sets the "running under a hypervisor" bit, answers its
 * signature at leaf 0x40000000, and states the TSC frequency in leaves
 * 0x15 and 0x16.
 */
#include "exerciser.h"

/* Copy three CPUID registers as a 12-character string. */
static void regs_to_string(char out[13], uint32_t a, uint32_t b, uint32_t c)
{
	memcpy(out, &a, 4);
	memcpy(out + 4, &b, 4);
	memcpy(out + 8, &c, 4);
	out[12] = '\0';
}

static bool all_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

static void check_vendor_leaf(void)
{
	struct cpuid_regs r = cpu_cpuid(0, 0);
	char vendor[13];

	/* Leaf 0's vendor string is in EBX, EDX, ECX order (SDM Vol. 2A). */
	regs_to_string(vendor, r.ebx, r.edx, r.ecx);
	con_printf("exerciser: cpuid 0: max leaf 0x%x vendor '%s'\n", r.eax, vendor);
	check("cpuid 0 vendor", strlen(vendor) == 12 && all_printable(vendor),
	      "vendor '%s'", vendor);
	check("cpuid 0 max leaf", r.eax >= 1, "max leaf 0x%x", r.eax);
}

/* Leaves 0x15 and 0x16 state the TSC frequency even where the host CPU
 * has no such leaves (the hypervisor makes them from its measurement). */
static void check_frequency_leaves(void)
{
	struct cpuid_regs r = cpu_cpuid(0, 0);

	check("cpuid max leaf reaches 0x16", r.eax >= 0x16, "max leaf 0x%x", r.eax);
	r = cpu_cpuid(0x15, 0);
	con_printf("exerciser: cpuid 0x15: crystal %u Hz * %u / %u\n", r.ecx, r.ebx, r.eax);
	check("cpuid 0x15 states the tsc", r.eax && r.ebx && r.ecx,
	      "eax=0x%x ebx=0x%x ecx=0x%x", r.eax, r.ebx, r.ecx);
	r = cpu_cpuid(0x16, 0);
	con_printf("exerciser: cpuid 0x16: base %u MHz\n", r.eax & 0xffff);
	check("cpuid 0x16 states a base frequency", (r.eax & 0xffff) != 0, "eax=0x%x", r.eax);
}

void exercise_cpuid(void)
{
	struct cpuid_regs r = cpu_cpuid(1, 0);
	char sig[13];

	check("cpuid hypervisor bit", (r.ecx & CPUID1_ECX_HYPERVISOR) != 0,
	      "CPUID.1:ECX=0x%08x", r.ecx);
	check("cpuid vmx hidden", (r.ecx & CPUID1_ECX_VMX) == 0,
	      "CPUID.1:ECX=0x%08x", r.ecx);

	r = cpu_cpuid(CPUID_HV_LEAF, 0);
	regs_to_string(sig, r.ebx, r.ecx, r.edx);
	check("cpuid hypervisor signature",
	      memcmp(sig, HV_CPUID_SIGNATURE, 12) == 0,
	      "ebx=0x%08x ecx=0x%08x edx=0x%08x", r.ebx, r.ecx, r.edx);

	check_vendor_leaf();
	check_frequency_leaves();
}

/*
 * RDMSR/WRMSR exits: MSRs the hypervisor virtualises read without a
 * fault; any other MSR must raise #GP, never reach the hardware.
 */
#include "exerciser.h"

#define MSR_UNKNOWN 0x12345u	/* not an architectural or model MSR */

static const char *fault_text(int vector)
{
	return vector == FAULT_NONE ? "no fault" : trap_name((uint32_t)vector);
}

static void check_readable(const char *what, uint32_t msr)
{
	uint64_t v = 0;
	int f = fault_try_rdmsr(msr, &v);

	if (check(what, f == FAULT_NONE, "rdmsr 0x%x raised %s", msr, fault_text(f)))
		con_printf("exerciser: msr 0x%x = 0x%llx\n", msr, v);
}

/* The fault_expect/fault_seen pattern, spelled out once. */
static void check_unknown_read_faults(void)
{
	uint32_t lo = 0, hi = 0;

	fault_expect(VEC_GP);
	__asm__ volatile(FAULT_GUARD("rdmsr")
			 : "+a"(lo), "+d"(hi)
			 : "c"(MSR_UNKNOWN)
			 : "memory");
	bool seen = fault_seen();
	check("rdmsr unknown #GP", seen, "got %s, value 0x%llx",
	      fault_text(fault_last_vector()), ((uint64_t)hi << 32) | lo);
}

/*
 * Every speculation control CPUID shows (leaf 7, EDX) has working MSRs:
 * Linux uses them without a fixup once the bit is there.  The ones it
 * reads are read, and written back; the commands are issued.
 */
static void check_spec_controls(void)
{
	uint32_t edx = cpu_cpuid(0, 0).eax >= 7 ? cpu_cpuid(7, 0).edx : 0;
	uint64_t v = 0;

	con_printf("exerciser: cpuid 7 edx 0x%08x\n", edx);
	if (edx & ((1u << 26) | (1u << 27) | (1u << 31))) {
		int f = fault_try_rdmsr(0x48, &v);
		check("spec_ctrl readable", f == FAULT_NONE, "rdmsr raised %s", fault_text(f));
		f = fault_try_wrmsr(0x48, v);
		check("spec_ctrl writable", f == FAULT_NONE, "wrmsr raised %s", fault_text(f));
	}
	if (edx & (1u << 26)) {
		int f = fault_try_wrmsr(0x49, 1);               /* IBPB */
		check("pred_cmd ibpb", f == FAULT_NONE, "wrmsr raised %s", fault_text(f));
	}
	if (edx & (1u << 28)) {
		int f = fault_try_wrmsr(0x10b, 1);              /* L1D flush */
		check("flush_cmd l1d", f == FAULT_NONE, "wrmsr raised %s", fault_text(f));
	}
	if (edx & (1u << 29))
		check_readable("rdmsr arch_capabilities", 0x10a);
	check("core_capabilities hidden", !(edx & (1u << 30)), "cpuid 7 edx 0x%08x", edx);
}

void exercise_msr(void)
{
	check_spec_controls();
	check_readable("rdmsr tsc", MSR_IA32_TSC);
	check_readable("rdmsr efer", MSR_IA32_EFER);
	check_unknown_read_faults();

	int f = fault_try_wrmsr(MSR_UNKNOWN, 0);
	check("wrmsr unknown #GP", f == VEC_GP, "got %s", fault_text(f));
}

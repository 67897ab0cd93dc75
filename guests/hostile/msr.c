/*
 * Case "msr": read every MSR in the architectural, AMD/x86-64 and
 * hypervisor ranges, then write MSRs that would hurt the host if they
 * reached the hardware.  Unknown MSRs must raise #GP in the guest and
 * nothing may reach the host; the guest passes if it survives.  Two
 * writes are architecturally bound to #GP and are checked: the VMX
 * capability MSRs are read-only (SDM Vol. 3D, Appendix A.1) and EFER's
 * reserved bits must be zero (SDM Vol. 3A, 2.2.1).
 */
#include "hostile.h"

#define EFER_RESERVED_BIT   (1ull << 1)
#define EFER_RESERVED_HIGH  (1ull << 63)
#define FEATURE_CONTROL_LOCK_VMX 0x5ull	/* lock + VMX outside SMX */

struct msr_range {
	uint32_t first, last;
};

static const struct msr_range ranges[] = {
	{ 0x00000000, 0x00001fff },
	{ 0x40000000, 0x400000ff },
	{ 0xc0000000, 0xc0001fff },
};

static uint32_t total_gp;
static bool on_hv;
static uint32_t total_accesses;

static void sweep(const struct msr_range *r)
{
	uint32_t readable = 0, gp = 0, other = 0;
	uint64_t v;

	for (uint32_t msr = r->first; ; msr++) {
		int f = fault_try_rdmsr(msr, &v);
		if (f == FAULT_NONE)
			readable++;
		else if (f == VEC_GP)
			gp++;
		else if (other++ == 0)
			con_printf("hostile: msr: rdmsr 0x%x raised %s\n", msr, trap_name((uint32_t)f));
		if (msr == r->last)
			break;
	}
	con_printf("hostile: msr: rdmsr 0x%08x-0x%08x: %u readable, %u #GP, %u other\n",
		   r->first, r->last, readable, gp, other);
	total_gp += gp;
	total_accesses += r->last - r->first + 1;
}

/* Architectural checks count only under MicroHV: QEMU's TCG accepts
 * any WRMSR, so on a bare smoke run they are just printed. */
#define report(what, ok, ...)                                             \
	do {                                                              \
		if (on_hv)                                                \
			check(what, ok, __VA_ARGS__);                     \
		else                                                      \
			con_printf("hostile: msr: %s: %s (not under MicroHV, not checked)\n", \
				   what, (ok) ? "yes" : "no");            \
	} while (0)

/* One write; returns the vector it raised (FAULT_NONE if accepted). */
static int try_write(uint32_t msr, uint64_t value)
{
	int f = fault_try_wrmsr(msr, value);

	con_printf("hostile: msr: wrmsr 0x%x <- 0x%llx: %s\n", msr, value,
		   f == FAULT_NONE ? "accepted" : trap_name((uint32_t)f));
	total_accesses++;
	if (f == VEC_GP)
		total_gp++;
	return f;
}

static void write_vmx_capabilities(void)
{
	uint32_t refused = 0;

	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_LAST; msr++)
		if (try_write(msr, 0) == VEC_GP)
			refused++;
	report("wrmsr vmx capability msrs #GP", refused == MSR_IA32_VMX_LAST - MSR_IA32_VMX_BASIC + 1,
	      "%u of %u raised #GP", refused, MSR_IA32_VMX_LAST - MSR_IA32_VMX_BASIC + 1);
}

static void write_efer_reserved(void)
{
	uint64_t efer = 0;

	if (fault_try_rdmsr(MSR_IA32_EFER, &efer) != FAULT_NONE) {
		con_printf("hostile: msr: EFER not readable, EFER writes skipped\n");
		return;
	}
	int low = try_write(MSR_IA32_EFER, efer | EFER_RESERVED_BIT);
	if (low == FAULT_NONE)
		fault_try_wrmsr(MSR_IA32_EFER, efer);
	int high = try_write(MSR_IA32_EFER, efer | EFER_RESERVED_HIGH);
	if (high == FAULT_NONE)
		fault_try_wrmsr(MSR_IA32_EFER, efer);
	report("wrmsr efer reserved bits #GP", low == VEC_GP && high == VEC_GP,
	      "bit 1: %s, bit 63: %s", low == VEC_GP ? "#GP" : "no #GP",
	      high == VEC_GP ? "#GP" : "no #GP");
}

void hostile_msr(void)
{
	on_hv = guest_on_microhv();
	for (unsigned i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		sweep(&ranges[i]);
	try_write(MSR_IA32_FEATURE_CONTROL, FEATURE_CONTROL_LOCK_VMX);
	write_vmx_capabilities();
	write_efer_reserved();
	con_printf("hostile: msr: %u of %u accesses raised #GP\n", total_gp, total_accesses);
	check_finish("hostile: msr");
}

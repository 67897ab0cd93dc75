/*
 * Exit dispatch is a table indexed by the basic exit reason (SDM
 * Appendix C).  A handler says whether it handled the exit; this file
 * owns the one fatal path for the unexpected ones: the guest is stopped
 * with "killed: unhandled exit <name>" and a dump of the VMCS and its
 * registers, and the hypervisor and the other guests go on.
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/vcpu/inject.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "hv/log.h"

#define VEC_UD 6
#define VEC_GP 13

static enum exit_result exit_triple_fault(struct vcpu *v, uint64_t qual)
{
	guest_end(v, "killed", "triple fault");
	return EXIT_GUEST_ENDED;
}

static enum exit_result exit_hlt(struct vcpu *v, uint64_t qual)
{
	if (!(vmcs_readl(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		guest_end(v, "stopped", "halted with interrupts disabled");
		return EXIT_GUEST_ENDED;
	}
	vcpu_skip_instruction(v);
	if (!vcpu_wait_for_interrupt(v)) {
		guest_end(v, "stopped", "halted with no timer or interrupt left to wake it");
		return EXIT_GUEST_ENDED;
	}
	return EXIT_HANDLED;
}

/* VMX instructions in a guest raise #UD: it runs without VMX (SDM 25.1.3). */
static enum exit_result exit_vmx_insn(struct vcpu *v, uint64_t qual)
{
	vcpu_inject_exception(v, VEC_UD, false, 0);
	return EXIT_HANDLED;
}

static enum exit_result exit_external_interrupt(struct vcpu *v, uint64_t qual)
{
	/* acknowledged on exit (VM-exit controls): only the EOI is left to do */
	lapic_eoi();
	return EXIT_HANDLED;
}

static enum exit_result exit_interrupt_window(struct vcpu *v, uint64_t qual)
{
	return EXIT_HANDLED;   /* platform_inject() delivers before the next entry */
}

static enum exit_result exit_nmi(struct vcpu *v, uint64_t qual)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);

	if (((info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT) == VMX_INTR_TYPE_NMI) {
		nmi_handler_call();   /* a host NMI: let the host see it */
		return EXIT_HANDLED;
	}
	return EXIT_UNHANDLED;        /* the exception bitmap is empty */
}

/* XCR0 state components (SDM Vol. 1 13.3) the CPU takes only in groups. */
#define XCR0_X87    (1ull << 0)
#define XCR0_SSE    (1ull << 1)
#define XCR0_AVX    (1ull << 2)
#define XCR0_MPX    (3ull << 3)    /* BNDREGS, BNDCSR */
#define XCR0_AVX512 (7ull << 5)    /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_AMX    (3ull << 17)   /* TILECFG, TILEDATA */

static bool whole_group(uint64_t val, uint64_t group)
{
	return (val & group) == 0 || (val & group) == group;
}

/* What XSETBV would take without #GP: it runs on the host, in VMX root,
 * where a #GP is the hypervisor's, so every rule is checked here. */
static bool xcr0_valid(uint64_t val, uint64_t allowed)
{
	if (!(val & XCR0_X87) || (val & ~allowed))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if ((val & XCR0_AVX512) && !(val & XCR0_AVX))
		return false;
	return whole_group(val, XCR0_MPX) && whole_group(val, XCR0_AVX512) && whole_group(val, XCR0_AMX);
}

static enum exit_result exit_xsetbv(struct vcpu *v, uint64_t qual)
{
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	uint32_t idx = (uint32_t)v->regs.rcx;
	struct cpuid_regs r = cpuid(0xd, 0);
	uint64_t allowed = ((uint64_t)r.edx << 32) | r.eax;

	if (idx != 0 || !xcr0_valid(val, allowed)) {
		vcpu_inject_exception(v, VEC_GP, true, 0);
		return EXIT_HANDLED;
	}
	xsetbv(idx, val);
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}

static enum exit_result exit_skip(struct vcpu *v, uint64_t qual)
{
	vcpu_skip_instruction(v);   /* INVD, WBINVD: harmless to drop for a partitioned guest */
	return EXIT_HANDLED;
}

static const exit_handler_fn handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI] = exit_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = exit_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = exit_triple_fault,
	[EXIT_REASON_INTERRUPT_WINDOW] = exit_interrupt_window,
	[EXIT_REASON_CPUID] = exit_cpuid,
	[EXIT_REASON_HLT] = exit_hlt,
	[EXIT_REASON_INVD] = exit_skip,
	[EXIT_REASON_WBINVD] = exit_skip,
	[EXIT_REASON_VMCALL] = exit_vmcall,
	[EXIT_REASON_VMCLEAR] = exit_vmx_insn,
	[EXIT_REASON_VMLAUNCH] = exit_vmx_insn,
	[EXIT_REASON_VMPTRLD] = exit_vmx_insn,
	[EXIT_REASON_VMPTRST] = exit_vmx_insn,
	[EXIT_REASON_VMREAD] = exit_vmx_insn,
	[EXIT_REASON_VMRESUME] = exit_vmx_insn,
	[EXIT_REASON_VMWRITE] = exit_vmx_insn,
	[EXIT_REASON_VMXOFF] = exit_vmx_insn,
	[EXIT_REASON_VMXON] = exit_vmx_insn,
	[EXIT_REASON_INVEPT] = exit_vmx_insn,
	[EXIT_REASON_INVVPID] = exit_vmx_insn,
	[EXIT_REASON_VMFUNC] = exit_vmx_insn,
	[EXIT_REASON_CR_ACCESS] = exit_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = exit_io,
	[EXIT_REASON_RDMSR] = exit_rdmsr,
	[EXIT_REASON_WRMSR] = exit_wrmsr,
	[EXIT_REASON_EPT_VIOLATION] = exit_ept_violation,
	[EXIT_REASON_XSETBV] = exit_xsetbv,
};

static void entry_failed(struct vcpu *v, uint32_t reason)
{
	unsigned basic = EXIT_REASON_BASIC(reason);
	const char *why = basic == EXIT_REASON_ENTRY_FAIL_GUEST_STATE ? "invalid guest state"
			: basic == EXIT_REASON_ENTRY_FAIL_MSR_LOADING ? "MSR loading"
			: basic == EXIT_REASON_ENTRY_FAIL_MCE ? "machine check" : exit_reason_name(basic);

	guest_end(v, "killed", "VM entry failed: %s (exit qualification %llu)", why,
		  (unsigned long long)vmcs_readl(VMCS_EXIT_QUALIFICATION));
	vmcs_dump(v);
}

bool exit_dispatch(struct vcpu *v, uint32_t reason)
{
	unsigned basic = EXIT_REASON_BASIC(reason);
	enum exit_result r = EXIT_UNHANDLED;

	v->exits++;
	if (basic < EXIT_REASON_COUNT)
		v->exit_counts[basic]++;
	if (reason & EXIT_REASON_FLAG_ENTRY_FAIL) {
		entry_failed(v, reason);
		return false;
	}
	if (basic < ARRAY_SIZE(handlers) && handlers[basic])
		r = handlers[basic](v, vmcs_readl(VMCS_EXIT_QUALIFICATION));
	if (r == EXIT_UNHANDLED) {
		guest_end(v, "killed", "unhandled exit %s", exit_reason_name(basic));
		vmcs_dump(v);
		return false;
	}
	return r == EXIT_HANDLED;
}

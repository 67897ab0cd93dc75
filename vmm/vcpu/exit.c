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
#include "vmm/emul/xcr0.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vectors.h"
#include "vmm/vcpu/inject.h"
#include "vmm/vcpu/profile.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "hv/log.h"


static enum exit_result exit_triple_fault(struct vcpu *v, uint64_t qual)
{
	guest_end(v, "killed", "triple fault");
	return EXIT_GUEST_ENDED;
}

static enum exit_result exit_hlt(struct vcpu *v, uint64_t qual)
{
	if (!(vmcs_readl(VMCS_GUEST_RFLAGS) & RFLAGS_IF)) {
		if (v->id != 0) {
			/* an application processor parks (an OS offlining a CPU
			 * does this): INIT and a SIPI bring it back (smp.h) */
			v->mode = VCPU_PARKED;
			return EXIT_GUEST_ENDED;
		}
		guest_end(v, "stopped", "halted with interrupts disabled");
		return EXIT_GUEST_ENDED;
	}
	/* with interrupts on, a device or console input can still wake it */
	vcpu_skip_instruction(v);
	vcpu_wait_for_interrupt(v);
	return EXIT_HANDLED;
}

/* VMX instructions in a guest raise #UD: it runs without VMX (SDM 25.1.3). */
static enum exit_result exit_vmx_insn(struct vcpu *v, uint64_t qual)
{
	vcpu_inject_exception(v, X86_VEC_UD, false, 0);
	return EXIT_HANDLED;
}

static enum exit_result exit_external_interrupt(struct vcpu *v, uint64_t qual)
{
	/* acknowledged on exit (VM-exit controls): only the EOI is left to do */
	lapic_eoi();
	return EXIT_HANDLED;
}

/* NMIs are no longer blocked: the run loop injects the pending one. */
static enum exit_result exit_nmi_window(struct vcpu *v, uint64_t qual)
{
	vmcs_write32(VMCS_PROC_BASED_CTLS, vmcs_read32(VMCS_PROC_BASED_CTLS) & ~VMX_PROC_NMI_WINDOW_EXITING);
	return EXIT_HANDLED;
}

/* The guest ran until its exit timer (inject.h): the run loop does the rest. */
static enum exit_result exit_preemption_timer(struct vcpu *v, uint64_t qual)
{
	v->exit_by = 0;          /* its saved value is 0 now: set it again */
	return EXIT_HANDLED;
}

static enum exit_result exit_interrupt_window(struct vcpu *v, uint64_t qual)
{
	return EXIT_HANDLED;   /* platform_inject() delivers before the next entry */
}

/*
 * Exceptions in the exception bitmap (vmcs.c) and host NMIs.  A machine
 * check that hits the guest ends it.  #AC is intercepted only so that a
 * guest whose #AC handler raises #AC again cannot hold its CPU inside
 * the processor's event delivery (XSA-156): it goes straight back in.
 */
static enum exit_result exit_nmi(struct vcpu *v, uint64_t qual)
{
	uint32_t info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	unsigned type = (info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT;
	unsigned vector = info & VMX_INTR_INFO_VECTOR_MASK;

	if (type == VMX_INTR_TYPE_NMI) {
		trap_host_nmi();          /* NMI exiting: it was the host's */
		return EXIT_HANDLED;
	}
	if (type != VMX_INTR_TYPE_HW_EXCEPTION)
		return EXIT_UNHANDLED;
	if (vector == X86_VEC_MC) {
		guest_end(v, "killed", "machine check while it ran");
		return EXIT_GUEST_ENDED;
	}
	if (vector == X86_VEC_AC) {
		vcpu_inject_exception(v, vector, true, vmcs_read32(VMCS_EXIT_INTR_ERROR_CODE));
		return EXIT_HANDLED;
	}
	return EXIT_UNHANDLED;
}

static enum exit_result exit_xsetbv(struct vcpu *v, uint64_t qual)
{
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
	uint32_t idx = (uint32_t)v->regs.rcx;
	struct cpuid_regs r = cpuid(0xd, 0);
	uint64_t allowed = ((uint64_t)r.edx << 32) | r.eax;

	/* #UD without CR4.OSXSAVE, #GP outside ring 0 (SDM Vol. 2D, XSETBV) */
	if (!(vmcs_readl(VMCS_GUEST_CR4) & CR4_OSXSAVE)) {
		vcpu_inject_exception(v, X86_VEC_UD, false, 0);
		return EXIT_HANDLED;
	}
	if (VMX_AR_DPL(vmcs_read32(VMCS_GUEST_SS_AR)) != 0 || !xcr0_valid(idx, val, allowed)) {
		vcpu_inject_exception(v, X86_VEC_GP, true, 0);
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
	[EXIT_REASON_PREEMPTION_TIMER] = exit_preemption_timer,
	[EXIT_REASON_NMI_WINDOW] = exit_nmi_window,
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
	vcpu_dump(v);
}

bool exit_dispatch(struct vcpu *v, uint32_t reason)
{
	unsigned basic = EXIT_REASON_BASIC(reason);
	enum exit_result r = EXIT_UNHANDLED;

	v->exits++;
	prof_reason(basic);
	if (basic < EXIT_REASON_COUNT)
		v->exit_counts[basic]++;
	if (reason & EXIT_REASON_FLAG_ENTRY_FAIL) {
		entry_failed(v, reason);
		return false;
	}
	prof_mark(PROF_DISPATCHED);
	if (basic < ARRAY_SIZE(handlers) && handlers[basic])
		r = handlers[basic](v, vmcs_readl(VMCS_EXIT_QUALIFICATION));
	if (r == EXIT_UNHANDLED) {
		guest_end(v, "killed", "unhandled exit %s", exit_reason_name(basic));
		vcpu_dump(v);
		return false;
	}
	return r == EXIT_HANDLED;
}

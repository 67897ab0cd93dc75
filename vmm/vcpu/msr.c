/*
 * MSR exits.  The MSR bitmap (SDM 25.6.9) makes every MSR exit except a
 * few the guest may own outright because its CPU is its own (the
 * SYSCALL MSRs, KERNEL_GS_BASE, TSC_AUX, and IA32_XSS when the CPU has
 * XSAVES).  The handlers below give the MSRs a guest needs a virtual
 * value; any other MSR raises #GP, as it would on a CPU without it.
 *
 * The MSRs that tie into other CPU state behave as on hardware: EFER
 * keeps every bit the virtual CPU has, IA32_TSC and IA32_TSC_ADJUST move
 * the guest's TSC (the VMCS TSC offset), the segment bases take every
 * canonical address, and IA32_MISC_ENABLE keeps its writable bits per
 * vCPU (struct vcpu_msr_state).
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/msr.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "lib/log_once.h"
#include "arch/x86_64/vectors.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "hv/string.h"
#include "hv/log.h"

#define FC_LOCKED             1ull

/*
 * CPUID bits the MSRs follow.  cpuid.c shows the guest these as the host
 * has them, so the host's answer is the guest's (test_cpuid_msr.c checks
 * that what CPUID shows and what the MSRs do agree).
 */
#define CPUID_EXT_EDX_NX      (1u << 20)   /* 0x80000001:EDX: EFER.NXE */
#define CPUID_EXT_EDX_LM      (1u << 29)   /* 0x80000001:EDX: EFER.LME and LMA */
#define CPUID7_EBX_TSC_ADJUST (1u << 1)    /* IA32_TSC_ADJUST */
#define CPUID7_ECX_LA57       (1u << 16)   /* 5-level paging: 57-bit linear addresses */

static const uint32_t passthrough[] = {
	MSR_IA32_STAR, MSR_IA32_LSTAR, MSR_IA32_CSTAR, MSR_IA32_FMASK,
	MSR_IA32_KERNEL_GS_BASE, MSR_IA32_TSC_AUX,
};

/* Supervisor xstate: the guest's own when the CPU has XSAVES, else #GP. */
static bool has_xsaves(void)
{
	return cpuid(0, 0).eax >= 0xd && (cpuid(0xd, 1).eax & (1u << 3));
}

static void bitmap_clear(uint8_t *bm, uint32_t msr)
{
	unsigned base = msr >= 0xc0000000u ? 1024 : 0;
	uint32_t idx = msr & 0x1fff;

	bm[base + idx / 8] &= ~(1u << (idx % 8));          /* reads */
	bm[base + 2048 + idx / 8] &= ~(1u << (idx % 8));   /* writes */
}

static struct cpuid_regs host_cpuid7(void)
{
	return cpuid(0, 0).eax >= 7 ? cpuid(7, 0) : (struct cpuid_regs){ 0 };
}

static uint32_t host_cpuid7_edx(void)
{
	return host_cpuid7().edx;
}

uint32_t msr_spec_features(uint32_t host_edx)
{
	return host_edx & (CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_STIBP | CPUID7_EDX_SSBD |
			   CPUID7_EDX_L1D_FLUSH | CPUID7_EDX_ARCH_CAP);
}

/* The mitigation bits of IA32_ARCH_CAPABILITIES a guest may rely on: the
 * "not affected" and "mitigated" bits of 0-8 (RDCL_NO ... TAA_NO). */
#define ARCH_CAP_GUEST_BITS 0x1ffull

/* Called only where CPUID says the MSR exists (msr_spec_features). */
static uint64_t guest_arch_capabilities(void)
{
	uint64_t v = 0;

	if (!rdmsr_safe(MSR_IA32_ARCH_CAPABILITIES, &v))
		return 0;
	return v & ARCH_CAP_GUEST_BITS;
}

void msr_bitmap_init(hpa_t page)
{
	uint8_t *bm = phys_to_virt(page);
	uint32_t spec = msr_spec_features(host_cpuid7_edx());

	memset(bm, 0xff, PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(passthrough); i++)
		bitmap_clear(bm, passthrough[i]);
	if (has_xsaves())
		bitmap_clear(bm, MSR_IA32_XSS);
	/* the speculation controls are the guest's own: one guest per CPU, and
	 * the hypervisor itself depends on none of them */
	if (spec & (CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_STIBP | CPUID7_EDX_SSBD))
		bitmap_clear(bm, MSR_IA32_SPEC_CTRL);
	if (spec & CPUID7_EDX_IBRS_IBPB)
		bitmap_clear(bm, MSR_IA32_PRED_CMD);
	if (spec & CPUID7_EDX_L1D_FLUSH)
		bitmap_clear(bm, MSR_IA32_FLUSH_CMD);
}

/* ---- the guest's TSC ------------------------------------------------------ */

uint64_t vcpu_guest_tsc(const struct vcpu *v)
{
	return rdtsc() + v->msr.tsc_offset;
}

static bool tsc_adjust_shown(void)
{
	return host_cpuid7().ebx & CPUID7_EBX_TSC_ADJUST;
}

/*
 * Move the guest's TSC by delta (modulo 2^64).  A WRMSR that moves
 * IA32_TSC moves IA32_TSC_ADJUST by as much, and one to IA32_TSC_ADJUST
 * moves the TSC (SDM Vol. 3B, "Time-Stamp Counter Adjustment"); both go
 * on counting.  The local APIC's timer is told, and the devices are
 * looked at again: a TSC deadline may now be due sooner or later.
 */
static void tsc_move(struct vcpu *v, uint64_t delta)
{
	v->msr.tsc_offset += delta;
	v->msr.tsc_adjust += delta;
	vmcs_write64(VMCS_TSC_OFFSET, v->msr.tsc_offset);
	vlapic_tsc_moved(&v->lapic, delta);
	vcpu_lapic_changed(v);   /* the device timers run on the host TSC */
}

/* ---- EFER and IA32_MISC_ENABLE --------------------------------------------- */

/* EFER bits of the virtual CPU: SCE always (as KVM), LME and LMA with
 * long mode, NXE with NX (SDM Vol. 3A 2.2.1). */
static uint64_t efer_supported(void)
{
	uint32_t edx = cpuid(0x80000001, 0).edx;
	uint64_t bits = EFER_SCE;

	if (edx & CPUID_EXT_EDX_LM)
		bits |= EFER_LME | EFER_LMA;
	if (edx & CPUID_EXT_EDX_NX)
		bits |= EFER_NXE;
	return bits;
}

/*
 * The value reaches the CPU at the next VM entry ("load IA32_EFER") and
 * comes back at each exit ("save IA32_EFER"), vmm/vmx/vmcs.c.  LMA is
 * read-only: it follows CR0.PG (vmm/vcpu/cr.c, or the CPU itself), and
 * the value written for it is ignored, as KVM does.
 */
static bool write_efer(struct vcpu *v, uint64_t val)
{
	uint64_t cur = vmcs_read64(VMCS_GUEST_IA32_EFER);

	if (val & ~efer_supported())
		return false;
	/* LME cannot change while paging is on (SDM 10.8.5) */
	if (((val ^ cur) & EFER_LME) && (vcpu_guest_cr0(v) & CR0_PG))
		return false;
	vmcs_write64(VMCS_GUEST_IA32_EFER, (val & ~EFER_LMA) | (cur & EFER_LMA));
	return true;
}

/*
 * IA32_MISC_ENABLE bits the guest may change: fast strings (kept; the
 * CPU's own setting stays), and Limit CPUID Maxval, which matters where
 * CPUID.0:EAX is above 2: the guest's always is, at 0x16 or more
 * (cpuid.c; it then reports 2).  MONITOR (bit 18) is not among them:
 * the virtual CPU has no MONITOR/MWAIT, so the bit stays 0.
 */
static uint64_t misc_enable_writable(void)
{
	return MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_LIMIT_CPUID;
}

/*
 * As KVM (kvm_set_msr_common): changing the read-only "BTS unavailable"
 * or "PEBS unavailable" bit is #GP, and a write to a bit that is only
 * read (KVM: perfmon available, bit 7) is ignored without a fault.  Here
 * every bit outside misc_enable_writable() is ignored that way: KVM keeps
 * the rest as written, but nothing stands behind them here.
 */
static bool write_misc_enable(struct vcpu *v, uint64_t val)
{
	uint64_t cur = v->msr.misc_enable, writable = misc_enable_writable();

	if ((val ^ cur) & (MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL))
		return false;
	v->msr.misc_enable = (cur & ~writable) | (val & writable);
	return true;
}

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	if (vlapic_owns_msr(msr))
		return vlapic_msr_read(&v->lapic, msr, val) == 0;
	switch (msr) {
	case MSR_IA32_TSC:
		*val = vcpu_guest_tsc(v);
		return true;
	case MSR_IA32_TSC_ADJUST:
		if (!tsc_adjust_shown())
			return false;
		*val = v->msr.tsc_adjust;
		return true;
	case MSR_IA32_FEATURE_CONTROL:
		*val = FC_LOCKED;                  /* locked with VMX off */
		return true;
	case MSR_IA32_ARCH_CAPABILITIES:
		if (!(msr_spec_features(host_cpuid7_edx()) & CPUID7_EDX_ARCH_CAP))
			return false;
		*val = guest_arch_capabilities();
		return true;
	case MSR_IA32_MISC_ENABLE:
		*val = v->msr.misc_enable;
		return true;
	case MSR_IA32_MCG_CAP:                 /* no machine-check banks */
	case MSR_IA32_MCG_STATUS:
	case MSR_IA32_MTRRCAP:
	case MSR_IA32_MTRR_DEF_TYPE:
		*val = 0;                          /* no MTRRs: EPT sets memory types */
		return true;
	case MSR_IA32_BIOS_SIGN_ID:
		*val = 0;                          /* no microcode revision to report */
		return true;
	case MSR_IA32_SYSENTER_CS:
		*val = vmcs_read32(VMCS_GUEST_IA32_SYSENTER_CS);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		*val = vmcs_readl(VMCS_GUEST_IA32_SYSENTER_ESP);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		*val = vmcs_readl(VMCS_GUEST_IA32_SYSENTER_EIP);
		return true;
	case MSR_IA32_PAT:
		*val = vmcs_read64(VMCS_GUEST_IA32_PAT);
		return true;
	case MSR_IA32_EFER:
		*val = vmcs_read64(VMCS_GUEST_IA32_EFER);
		return true;
	case MSR_IA32_FS_BASE:
		*val = vmcs_readl(VMCS_GUEST_FS_BASE);
		return true;
	case MSR_IA32_GS_BASE:
		*val = vmcs_readl(VMCS_GUEST_GS_BASE);
		return true;
	}
	return false;
}

static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (pat >> (8 * i)) & 0xff;
		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

/*
 * WRMSR checks the linear addresses it loads (FS_BASE, GS_BASE,
 * KERNEL_GS_BASE, SYSENTER_ESP/EIP) against the width the CPU supports:
 * 57 bits with 5-level paging, else 48, whatever CR4.LA57 says.  KVM
 * does the same (is_noncanonical_msr_address), and so does the CPU for
 * KERNEL_GS_BASE, which the guest writes without an exit: the check is
 * the same for every base.
 */
static bool canonical(uint64_t a)
{
	unsigned shift = host_cpuid7().ecx & CPUID7_ECX_LA57 ? 64 - 57 : 64 - 48;

	return (uint64_t)((int64_t)(a << shift) >> shift) == a;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	if (vlapic_owns_msr(msr)) {
		vcpu_lapic_changed(v);
		return vlapic_msr_write(&v->lapic, msr, val) == 0;
	}
	switch (msr) {
	case MSR_IA32_TSC:
		tsc_move(v, val - vcpu_guest_tsc(v));
		return true;
	case MSR_IA32_TSC_ADJUST:
		if (!tsc_adjust_shown())
			return false;
		tsc_move(v, val - v->msr.tsc_adjust);
		return true;
	case MSR_IA32_MISC_ENABLE:
		return write_misc_enable(v, val);
	case MSR_IA32_BIOS_SIGN_ID:                /* written before CPUID to read the revision */
		return true;                       /* accepted, no effect */
	case MSR_IA32_MCG_STATUS:
		return val == 0;                   /* nothing to clear: no banks */
	case MSR_IA32_MTRR_DEF_TYPE:
		/* type, FE, E; accepted and ignored: EPT sets memory types */
		return (val & ~0xcffull) == 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(VMCS_GUEST_IA32_SYSENTER_CS, val);
		return true;
	case MSR_IA32_SYSENTER_ESP:
		if (!canonical(val))
			return false;
		vmcs_writel(VMCS_GUEST_IA32_SYSENTER_ESP, val);
		return true;
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(val))
			return false;
		vmcs_writel(VMCS_GUEST_IA32_SYSENTER_EIP, val);
		return true;
	case MSR_IA32_PAT:
		if (!pat_valid(val))
			return false;
		vmcs_write64(VMCS_GUEST_IA32_PAT, val);
		return true;
	case MSR_IA32_EFER:
		return write_efer(v, val);
	case MSR_IA32_FS_BASE:
		if (!canonical(val))
			return false;
		vmcs_writel(VMCS_GUEST_FS_BASE, val);
		return true;
	case MSR_IA32_GS_BASE:
		if (!canonical(val))
			return false;
		vmcs_writel(VMCS_GUEST_GS_BASE, val);
		return true;
	}
	return false;
}

/* An MSR access that raises #GP: logged once per MSR (the first few). */
static void log_unemulated(struct vcpu *v, uint32_t msr, bool write)
{
	struct partition *p = v->part;
	enum log_once_verdict once = log_once(&p->logged_msrs, msr);

	if (once != LOG_ONCE_SKIP)
		log_printf("hv: guest %s: MSR 0x%x (%s) not emulated or value refused: #GP%s\n", p->name,
			   msr, write ? "wrmsr" : "rdmsr",
			   once == LOG_ONCE_LAST ? "; further MSRs not logged" : "");
}

enum exit_result exit_rdmsr(struct vcpu *v, uint64_t qual)
{
	uint64_t val;

	if (!msr_read(v, (uint32_t)v->regs.rcx, &val)) {
		log_unemulated(v, (uint32_t)v->regs.rcx, false);
		vcpu_inject_exception(v, X86_VEC_GP, true, 0);
		return EXIT_HANDLED;
	}
	v->regs.rax = (uint32_t)val;
	v->regs.rdx = val >> 32;
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}

enum exit_result exit_wrmsr(struct vcpu *v, uint64_t qual)
{
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;

	if (!msr_write(v, (uint32_t)v->regs.rcx, val)) {
		log_unemulated(v, (uint32_t)v->regs.rcx, true);
		vcpu_inject_exception(v, X86_VEC_GP, true, 0);
		return EXIT_HANDLED;
	}
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}

/*
 * CPUID exits.  The host's answers pass through except for what a guest
 * must not see: VMX and SMX (the guest runs without them), features the
 * hypervisor does not virtualise (MONITOR/MWAIT and WAITPKG, thermal and
 * power management, machine checks, performance monitoring, SGX), and
 * the topology that describes the host (here the partition's vCPUs as
 * cores of one package, one thread each, APIC ids 0..N-1: each vCPU's
 * initial APIC id is its virtual local APIC's).  The local APIC, x2APIC and TSC-deadline bits are set
 * whatever the host has: the virtual local APIC provides all three.
 * OSXSAVE and OSPKE follow the guest's CR4, and the maximum basic leaf
 * IA32_MISC_ENABLE's Limit CPUID Maxval bit.  Leaves 0x15 and 0x16 state
 * the TSC frequency the hypervisor uses, the host's own leaves when they
 * do (arch/x86_64/tsc_freq.h): a host that stops short of 0x16 has its
 * maximum raised to it, and the leaves it lacks below read as zeros.
 * The hypervisor bit is set and leaf 0x40000000 carries our signature.
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/msr.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/tsc_freq.h"
#include "hv/hypercall.h"
#include "hv/string.h"

/* CPUID.1:ECX */
#define ECX_MONITOR   (1u << 3)
#define ECX_DS_CPL    (1u << 4)
#define ECX_VMX       (1u << 5)
#define ECX_SMX       (1u << 6)
#define ECX_EST       (1u << 7)
#define ECX_TM2       (1u << 8)
#define ECX_PDCM      (1u << 15)
#define ECX_X2APIC    (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_OSXSAVE   (1u << 27)
#define ECX_HYPERVISOR (1u << 31)
/* CPUID.1:EDX */
#define EDX_MCE       (1u << 7)
#define EDX_APIC      (1u << 9)
#define EDX_MCA       (1u << 14)
#define EDX_ACPI      (1u << 22)
#define EDX_HTT       (1u << 28)
#define EDX_TM        (1u << 29)
#define EDX_PBE       (1u << 31)
/* CPUID.7.0:EBX / ECX */
#define EBX7_SGX      (1u << 2)
#define ECX7_SGX_LC   (1u << 30)
#define ECX7_WAITPKG  (1u << 5)
#define ECX7_OSPKE    (1u << 4)
#define CR4_PKE       (1ull << 22)

#define HV_LEAF_BASE  0x40000000u
#define LEAF_TSC      0x15u
#define LEAF_FREQ     0x16u     /* the guest's maximum basic leaf, at least */

/* What the guest's own local APIC says its ID is. */
static uint32_t apic_id(const struct vcpu *v)
{
	return v->lapic.cfg.apic_id;
}

static void leaf_1(struct cpuid_regs *r, const struct vcpu *v)
{
	r->ecx &= ~(ECX_MONITOR | ECX_DS_CPL | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 | ECX_PDCM);
	r->ecx |= ECX_X2APIC | ECX_TSC_DEADLINE;   /* the virtual local APIC has both */
	/* OSXSAVE mirrors the guest's CR4, not the host's (SDM CPUID leaf 1) */
	r->ecx &= ~ECX_OSXSAVE;
	if (vmcs_readl(VMCS_GUEST_CR4) & CR4_OSXSAVE)
		r->ecx |= ECX_OSXSAVE;
	r->ecx |= ECX_HYPERVISOR;
	/* machine checks belong to the host: the guest sees no MCE/MCA banks */
	r->edx &= ~(EDX_MCE | EDX_MCA | EDX_ACPI | EDX_TM | EDX_PBE);
	/* the local APIC is there unless the guest disabled it globally
	 * (IA32_APIC_BASE.EN = 0: SDM Vol. 3A 11.4.3) */
	r->edx = vlapic_get_base(&v->lapic) & VLAPIC_BASE_EN ? r->edx | EDX_APIC : r->edx & ~EDX_APIC;
	/* N logical processors in the package (HTT says the field is valid);
	 * its initial APIC id is its local APIC's */
	unsigned n = (unsigned)v->part->nvcpus;
	r->edx = n > 1 ? r->edx | EDX_HTT : r->edx & ~EDX_HTT;
	r->ebx = (r->ebx & 0x0000ffffu) | (MAX(n, 1u) << 16) | (apic_id(v) << 24);
}

/* Bits of the APIC id that number n cores: ceil(log2(n)). */
static uint32_t core_bits(unsigned n)
{
	uint32_t b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

/* Leaves 0xB and 0x1F: an SMT level of one thread, then (with several
 * vCPUs) a core level of N; then the invalid level. */
static void leaf_topology(struct cpuid_regs *r, const struct vcpu *v, uint32_t sub)
{
	unsigned n = (unsigned)v->part->nvcpus;

	memset(r, 0, sizeof(*r));
	if (sub == 0) {
		r->ebx = 1;
		r->ecx = (1u << 8) | sub;            /* level type 1: SMT */
	} else if (sub == 1 && n > 1) {
		r->eax = core_bits(n);
		r->ebx = n;
		r->ecx = (2u << 8) | sub;            /* level type 2: core */
	} else {
		r->ecx = sub;                        /* type 0: invalid */
	}
	r->edx = apic_id(v);                         /* the x2APIC id */
}

static void leaf_hypervisor(uint32_t leaf, struct cpuid_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (leaf == HV_LEAF_BASE) {
		r->eax = HV_LEAF_BASE;
		memcpy(&r->ebx, HV_CPUID_SIGNATURE, 4);
		memcpy(&r->ecx, HV_CPUID_SIGNATURE + 4, 4);
		memcpy(&r->edx, HV_CPUID_SIGNATURE + 8, 4);
	}
}

/*
 * A basic leaf as the host has it, but for the frequency leaves, which
 * are the guest's always.  Past the host's maximum an Intel CPU answers
 * with its highest leaf's data (SDM Vol. 2A, CPUID): below 0x15, where
 * the guest's maximum now reaches, that would be garbage, so zeros.
 */
static struct cpuid_regs basic_leaf(uint32_t leaf, uint32_t sub)
{
	if (leaf == LEAF_TSC)
		return tsc_leaf_15(tsc_hz());
	if (leaf == LEAF_FREQ)
		return tsc_leaf_16(tsc_hz());
	if (leaf > 0 && leaf < LEAF_TSC && leaf > cpuid(0, 0).eax)
		return (struct cpuid_regs){ 0 };
	return cpuid(leaf, sub);
}

enum exit_result exit_cpuid(struct vcpu *v, uint64_t qual)
{
	uint32_t leaf = (uint32_t)v->regs.rax, sub = (uint32_t)v->regs.rcx;
	struct cpuid_regs r;

	if ((leaf & 0xf0000000u) == HV_LEAF_BASE) {
		leaf_hypervisor(leaf, &r);
	} else {
		r = basic_leaf(leaf, sub);
		switch (leaf) {
		case 0:
			r.eax = MAX(r.eax, LEAF_FREQ);
			/* SDM Vol. 4, IA32_MISC_ENABLE[22]: the maximum reads 2 */
			if (v->msr.misc_enable & MISC_ENABLE_LIMIT_CPUID)
				r.eax = MIN(r.eax, 2);
			break;
		case 1:
			leaf_1(&r, v);
			break;
		case 4:                            /* N cores, each cache for one thread */
			r.eax = (r.eax & 0x3ff) | ((uint32_t)(v->part->nvcpus - 1) << 26);
			break;
		case 5:
		case 6:
		case 0xa:                          /* MONITOR, power, perfmon: hidden */
			memset(&r, 0, sizeof(r));
			break;
		case 7:
			if (sub == 0) {
				r.edx = (r.edx & ~CPUID7_EDX_SPEC_BITS) | msr_spec_features(r.edx);
				r.ebx &= ~EBX7_SGX;
				r.ecx &= ~(ECX7_SGX_LC | ECX7_WAITPKG | ECX7_OSPKE);
				if (vmcs_readl(VMCS_GUEST_CR4) & CR4_PKE)
					r.ecx |= ECX7_OSPKE;
			}
			break;
		case 0xb:
		case 0x1f:
			leaf_topology(&r, v, sub);
			break;
		}
	}
	v->regs.rax = r.eax;
	v->regs.rbx = r.ebx;
	v->regs.rcx = r.ecx;
	v->regs.rdx = r.edx;
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}

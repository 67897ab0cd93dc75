/*
 * The MSR state a vCPU keeps outside the VMCS (the exits that use it are
 * vmm/vcpu/msr.c).  A header of its own, with no dependencies, so that
 * struct vcpu can hold it without vcpu.h depending on the MSR exits.
 */
#ifndef VMM_VCPU_MSR_STATE_H
#define VMM_VCPU_MSR_STATE_H

#include "hv/types.h"

/* IA32_MISC_ENABLE bits the virtual CPU knows (SDM Vol. 4, Table 2-2). */
#define MISC_ENABLE_FAST_STRINGS (1ull << 0)    /* R/W */
#define MISC_ENABLE_EMON         (1ull << 7)    /* R: performance monitoring available */
#define MISC_ENABLE_BTS_UNAVAIL  (1ull << 11)   /* R */
#define MISC_ENABLE_PEBS_UNAVAIL (1ull << 12)   /* R */
#define MISC_ENABLE_MONITOR      (1ull << 18)   /* R/W where MONITOR/MWAIT exist */
#define MISC_ENABLE_LIMIT_CPUID  (1ull << 22)   /* R/W where CPUID.0:EAX > 2 */
/* At reset: fast strings on; no branch trace store, no PEBS, no perfmon
 * (CPUID leaf 0xA is hidden), no MONITOR (CPUID.1:ECX[3] is hidden). */
#define MISC_ENABLE_RESET (MISC_ENABLE_FAST_STRINGS | MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL)

/*
 * What the MSR exits keep per vCPU besides the VMCS.  Everything here is
 * the state of a CPU after RESET once vcpu_msr_state_reset() has run,
 * which each (re)boot of the guest does.
 *
 * The guest's TSC is the host's plus tsc_offset (modulo 2^64): the CPU
 * adds the same offset for RDTSC and RDTSCP (the "use TSC offsetting"
 * control, SDM Vol. 3C 25.6.5 and 26.3), the exits for RDMSR, and the virtual
 * local APIC's TSC-deadline timer through vmm/dev/platform.c.
 */
struct vcpu_msr_state {
	uint64_t tsc_offset;     /* VMCS_TSC_OFFSET */
	uint64_t tsc_adjust;     /* IA32_TSC_ADJUST: the sum of the guest's TSC moves */
	uint64_t misc_enable;    /* IA32_MISC_ENABLE */
};

static inline void vcpu_msr_state_reset(struct vcpu_msr_state *s)
{
	*s = (struct vcpu_msr_state){ .misc_enable = MISC_ENABLE_RESET };
}

#endif

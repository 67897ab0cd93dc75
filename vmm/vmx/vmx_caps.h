/* What the CPU's VMX implementation offers, read once at boot. */
#ifndef VMM_VMX_CAPS_H
#define VMM_VMX_CAPS_H

#include "hv/types.h"

struct vmx_caps {
	bool usable;             /* VMX present and enabled in IA32_FEATURE_CONTROL */
	const char *why_not;     /* when !usable: a sentence for the console */
	uint64_t basic, pin, proc, proc2, exit, entry, ept_vpid, misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool true_ctls;          /* IA32_VMX_BASIC bit 55: use the TRUE_* MSRs */
	bool ept, ept_2m, ept_1g, ept_wb, ept_4level, ept_ad;
	bool unrestricted, vpid, invept, invept_single, invept_all;
	bool invvpid, apicv, x2apic_virt, x2apic;
	bool virtual_nmis;       /* pin-based control 5, and NMI-window exiting with it */
	bool preempt_timer;      /* the VMX-preemption timer (pin-based control 6) */
	bool preempt_save;       /* ... and the VM-exit control that saves its value */
	unsigned preempt_rate;   /* it counts down once every 2^rate TSC ticks */
	bool itlb_multihit;      /* affected by the iTLB-multihit erratum */
	unsigned maxphyaddr;
};

extern struct vmx_caps vmx_caps;

/* Read the capability MSRs, enable and lock VMX in IA32_FEATURE_CONTROL
 * if the firmware left it unlocked, print the "hv: vmx:" line. */
void vmx_caps_probe(void);
/* This CPU's IA32_FEATURE_CONTROL allows VMXON (locking it if the
 * firmware left it open); else false and *why says what to do. */
bool vmx_feature_control_ok(const char **why);
/* The allowed-0/allowed-1 settings of a control MSR applied to `want`;
 * false (and *missing set) if a wanted bit is not allowed. */
bool vmx_ctl_adjust(uint64_t msr_value, uint32_t want, uint32_t *out, uint32_t *missing);

#endif

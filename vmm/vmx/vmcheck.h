/*
 * Software check of the guest-state area before the first VM entry.
 *
 * When VM entry fails on invalid guest state the CPU only says "exit
 * reason 33"; it never says which field.  So before a vCPU's first
 * VMLAUNCH the caller VMREADs the guest state into a vmcheck_state and
 * vmcheck_guest() applies the SDM's rules (Vol. 3C 27.3.1, "Checks on the
 * Guest State Area"; 26.3.1 in older editions) and names the first field
 * that breaks one.
 *
 * Plain C with no hardware access, so the host unit tests drive it.
 */
#ifndef VMM_VMCHECK_H
#define VMM_VMCHECK_H

#include <stdint.h>
#include <stddef.h>

/* One segment register as the VMCS holds it (ar in VMX_AR_* layout). */
struct vmcheck_seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit, ar;
};

struct vmcheck_state {
	uint64_t cr0, cr3, cr4, dr7, rsp, rip, rflags;
	uint64_t efer, pat, debugctl, vmcs_link;
	struct vmcheck_seg es, cs, ss, ds, fs, gs, ldtr, tr;
	uint64_t gdtr_base, idtr_base;
	uint32_t gdtr_limit, idtr_limit;
	uint32_t activity, interruptibility;
	uint64_t pending_dbg;
	uint32_t entry_ctls, pin_ctls, proc_ctls, proc_ctls2;
	uint32_t entry_intr_info;
	/* From IA32_VMX_CR0_FIXED0/1 and IA32_VMX_CR4_FIXED0/1. */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* CPUID.80000008H:EAX[7:0]; 0 means "not known", taken as 52. */
	uint8_t maxphyaddr;
};

/*
 * 0 if s passes every check we implement.  Otherwise -1, with why holding
 * one line naming the field and the rule, e.g.
 *   "guest CS.AR: type 3 must be accessed code (9, 11, 13, 15)".
 * why may be NULL (or whylen 0) when only the verdict matters.
 */
int vmcheck_guest(const struct vmcheck_state *s, char *why, size_t whylen);

/* Access rights decoded for dumps: "type=11 s=1 dpl=0 p=1 avl=0 l=1 db=0 g=1". */
void vmcheck_describe_ar(uint32_t ar, char *buf, size_t n);

#endif

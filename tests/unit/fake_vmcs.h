/*
 * A fake VMCS for host tests of the exit handlers.  Under HOST_TEST,
 * vmm/vmx/vmx.h declares vmcs_read_raw()/vmcs_write_raw() as plain
 * functions; fake_vmcs.c implements them over a table keyed by field
 * encoding, so the width-checked vmcs_read32() etc. work unchanged.
 *
 * A field never set reads as 0.  Every VMWRITE is counted per field, so a
 * test can tell "left alone" from "written with the same value".
 *
 * Also here: the rest of the VMX layer the handlers call (INVEPT,
 * vmcs_dump, the CR0/CR4 fixed-bit helpers of vmm/vmx/vmcs.c).
 */
#ifndef FAKE_VMCS_H
#define FAKE_VMCS_H

#include "hv/types.h"

/* Every field unset, every counter and recorded call cleared, fixed bits
 * back to their defaults (below). */
void fake_vmcs_reset(void);

void fake_vmcs_set(uint32_t field, uint64_t val);   /* not counted as a VMWRITE */
uint64_t fake_vmcs_get(uint32_t field);
/* VMWRITEs to `field` since the reset or the last fake_vmcs_forget_writes(). */
unsigned fake_vmcs_writes(uint32_t field);
unsigned fake_vmcs_total_writes(void);
void fake_vmcs_forget_writes(void);
/* VMWRITEs whose value did not fit the field's width (a raw write
 * bypassing the checked macros); should stay 0. */
extern unsigned fake_vmcs_bad_width_writes;

/* The VMX capability bits vmcs_cr0_real()/vmcs_cr4_real() apply, as in
 * IA32_VMX_CR0_FIXED0/1 and IA32_VMX_CR4_FIXED0/1 (SDM A.7, A.8).
 * Defaults: CR0 fixed0 PE|NE|PG, fixed1 all 32 bits; CR4 fixed0 VMXE,
 * fixed1 what a recent CPU allows (no LA57, no CET). */
extern uint64_t fake_cr0_fixed0, fake_cr0_fixed1;
extern uint64_t fake_cr4_fixed0, fake_cr4_fixed1;

/* Recorded calls into the rest of the VMX layer. */
extern unsigned fake_vmcs_dumps;          /* vmcs_dump() */
extern unsigned fake_invept_single_calls;
extern uint64_t fake_invept_eptp;         /* the last invept_single() operand */

#endif

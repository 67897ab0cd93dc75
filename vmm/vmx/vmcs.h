/* Building a vCPU's VMCS and checking it before the first entry. */
#ifndef VMM_VMCS_H
#define VMM_VMCS_H

#include "vmm/vcpu/vcpu.h"
#include "vmm/loader/loader.h"

/* Allocate, clear and load the VMCS and fill every field for `boot`.
 * Returns false (after logging why) if VMX refused something. */
bool vmcs_setup(struct vcpu *v, const struct boot_state *boot);
/* Check the guest-state area against the SDM's VM-entry rules. */
bool vmcs_check_guest(struct vcpu *v, char *why, size_t whylen);
/* Log the interesting fields of the current VMCS (vcpu_dump() adds the
 * general registers). */
void vmcs_dump(void);
/* CR0/CR4 the guest may own; the rest is masked and shadowed. */
uint64_t vmcs_cr0_real(uint64_t guest_value);
uint64_t vmcs_cr4_real(uint64_t guest_value);

#endif

/*
 * What exit handlers do to the vCPU they run for: end its guest, move
 * its RIP past the exiting instruction, queue an exception for the next
 * entry, and reach guest memory.
 */
#ifndef VMM_VCPU_HELPERS_H
#define VMM_VCPU_HELPERS_H

#include "hv/types.h"

struct vcpu;
struct partition;

/* Stop the guest: it ends with "hv: guest <name>: <kind>: <why>". */
void guest_end(struct vcpu *v, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Guest RAM [gpa, gpa+len) through the EPT, populating it on demand.
 * False, with nothing copied, if any of it is outside the guest's RAM
 * (past its end or in the hole below 4 GiB, ept/guest_ram.h). */
bool guest_read(struct partition *p, gpa_t gpa, void *dst, uint64_t len);
bool guest_write(struct partition *p, gpa_t gpa, const void *src, uint64_t len);

/* CR0/CR4 as the guest sees them: the bits it owns from the guest field
 * (it changes them without exits), those of the guest/host mask from the
 * read shadow (SDM Vol. 3C 25.6.6). */
uint64_t vcpu_guest_cr0(struct vcpu *v);
uint64_t vcpu_guest_cr4(struct vcpu *v);

/* Only the vCPU's local APIC changed (a register, its timer, the TPR, an
 * IPI taken in): the next entry looks for an interrupt to inject, but the
 * devices' lines stay as they were, so they are not looked at for it. */
void vcpu_lapic_changed(struct vcpu *v);

/* Advance RIP past the instruction that exited. */
void vcpu_skip_instruction(struct vcpu *v);
/* The same for an instruction of `len` bytes the hypervisor emulated (the
 * exit's instruction length is not defined for every exit). */
void vcpu_retire_instruction(struct vcpu *v, uint64_t len);
/* General register n in the architectural numbering (0 rax, 1 rcx, 2 rdx,
 * 3 rbx, 4 rsp, 5 rbp, 6 rsi, 7 rdi, 8-15 r8-r15), as instruction
 * encodings and exit qualifications number them.  RSP lives in the VMCS. */
uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n);
void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t val);
/* All 16 at once, for the instruction emulator and dumps. */
void vcpu_gprs_read(const struct vcpu *v, uint64_t gpr[16]);

/* Log the vCPU's VMCS fields and all 16 general registers. */
void vcpu_dump(const struct vcpu *v);

/* Deliver a hardware exception at the next VM entry. */
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);

#endif

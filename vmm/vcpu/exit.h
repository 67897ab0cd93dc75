/* VM-exit dispatch: one handler per basic exit reason. */
#ifndef VMM_VCPU_EXIT_H
#define VMM_VCPU_EXIT_H

#include "vmm/vcpu/vcpu.h"
#include "vmm/vcpu/exit_result.h"

typedef enum exit_result (*exit_handler_fn)(struct vcpu *v, uint64_t qual);

/* Handle one exit; returns false once the guest has ended. */
bool exit_dispatch(struct vcpu *v, uint32_t reason);

/* Handlers living in their own files. */
enum exit_result exit_io(struct vcpu *v, uint64_t qual);
enum exit_result exit_cpuid(struct vcpu *v, uint64_t qual);
enum exit_result exit_rdmsr(struct vcpu *v, uint64_t qual);
enum exit_result exit_wrmsr(struct vcpu *v, uint64_t qual);
enum exit_result exit_vmcall(struct vcpu *v, uint64_t qual);
enum exit_result exit_cr_access(struct vcpu *v, uint64_t qual);
enum exit_result exit_ept_violation(struct vcpu *v, uint64_t qual);

#endif

/*
 * A virtual CPU: the guest registers the world switch saves, and what
 * the exit handlers keep per vCPU.  The functions that act on a vCPU are
 * in vmm/vcpu/helpers.h; the partition it belongs to is vmm/partition.h.
 *
 * One vCPU per partition, pinned to one host CPU for its whole life.
 */
#ifndef VMM_VCPU_VCPU_H
#define VMM_VCPU_VCPU_H

#include "hv/types.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/vcpu/msr_state.h"

/* Guest general registers saved by vmexit.S (offsets generated from here). */
struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

struct partition;

struct vcpu {
	struct guest_regs regs;          /* vmx_enter() loads and saves these */
	struct partition *part;
	hpa_t vmcs;
	bool launched;
	uint16_t vpid;
	uint64_t exits;
	uint16_t io_port;                /* the port of the I/O exit being handled */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	struct vcpu_msr_state msr;       /* MSRs kept outside the VMCS (vmm/vcpu/msr_state.h) */
};

#endif

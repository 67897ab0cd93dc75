/*
 * A virtual CPU: the guest registers the world switch saves, and what
 * the exit handlers keep per vCPU.  The functions that act on a vCPU are
 * in vmm/vcpu/helpers.h; the partition it belongs to is vmm/partition.h.
 *
 * A partition has one or more vCPUs (vmm/partition.h), each pinned to one
 * host CPU for its whole life.  vCPU 0 boots the guest; the others wait
 * for the guest to start them with INIT and STARTUP IPIs (vmm/vcpu/smp.h).
 */
#ifndef VMM_VCPU_VCPU_H
#define VMM_VCPU_VCPU_H

#include "hv/types.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/dev/vlapic.h"
#include "vmm/vcpu/msr_state.h"

/* Guest general registers saved by vmexit.S (offsets generated from here). */
struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

struct partition;

/*
 * What other vCPUs (and devices on other host CPUs) hand this vCPU: set
 * with atomic ORs by any CPU, taken with atomic exchanges by the vCPU's
 * own CPU only, which is the only one that touches its local APIC.
 */
#define VCPU_EV_NMI  (1u << 0)
#define VCPU_EV_INIT (1u << 1)
#define VCPU_EV_SIPI (1u << 2)
#define VCPU_EV_EPT  (1u << 3)           /* invalidate EPT translations (ept_gen) */
#define VCPU_EV_STOP (1u << 4)           /* the partition stops: leave the guest */
#define VCPU_EV_NET  (1u << 5)           /* frames wait in a switch (vmm/net/net.h) */

struct vcpu_mailbox {
	uint32_t fixed[8];               /* fixed-interrupt vectors, bit v%32 of word v/32 */
	uint32_t level[8];               /* those of them that are level-triggered */
	uint32_t events;                 /* VCPU_EV_* */
	uint8_t sipi_vector;             /* of the last STARTUP IPI */
	uint32_t any;                    /* non-zero once something was posted */
};

/* Where a vCPU is in its life (vmm/vcpu/smp.h). */
enum vcpu_mode {
	VCPU_WAIT_SIPI,                  /* after power-on or INIT: waits for a STARTUP IPI */
	VCPU_RUN,                        /* in the guest, or handling its exits */
	VCPU_PARKED,                     /* halted with interrupts off: waits for INIT */
	VCPU_DEAD,                       /* its CPU could not run it */
};

struct vcpu {
	struct guest_regs regs;          /* vmx_enter() loads and saves these */
	struct partition *part;
	int id;                          /* 0 is the boot vCPU; its APIC ID is id */
	unsigned cpu;                    /* the host CPU it runs on */
	struct vlapic lapic;             /* its own local APIC, touched only on its CPU */
	struct vcpu_mailbox mbox;
	volatile enum vcpu_mode mode;
	volatile bool in_guest;          /* between its start and leaving the run loop */
	bool init_pending, sipi_pending, nmi_pending;   /* taken from the mailbox */
	uint8_t sipi_vector;             /* where a STARTUP IPI told it to start */
	unsigned epoch;                  /* the partition boot it has reset itself for */
	unsigned ept_gen;                /* the partition's ept_gen it has done */
	uint64_t starts;                 /* STARTUP IPIs that started it */
	uint64_t exit_by;                /* host TSC the exit timer is armed for; 0: re-arm */
	hpa_t vmcs;
	bool launched;
	uint16_t vpid;
	uint64_t exits;
	uint16_t io_port;                /* the port of the I/O exit being handled */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	struct vcpu_msr_state msr;       /* MSRs kept outside the VMCS (vmm/vcpu/msr_state.h) */
};

#endif

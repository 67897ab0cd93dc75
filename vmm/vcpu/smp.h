/*
 * Partitions with several vCPUs: IPIs between them, the INIT/STARTUP
 * life of the application processors, and stopping them all together.
 *
 * vCPU 0 (the boot vCPU) runs vcpu_thread() (run.h): it loads the image,
 * runs the guest and decides restarts.  Every other vCPU runs
 * vcpu_ap_thread() on its own host CPU: it waits for a STARTUP IPI in
 * software (the CPU's own wait-for-SIPI activity state is not used:
 * nested KVM does not give it to a guest hypervisor), runs the guest in
 * real mode from the SIPI's page, and goes back to waiting on INIT, on a
 * halt with interrupts off (parked), or when the partition stops.
 *
 * A vCPU is reached from another CPU only through its mailbox
 * (mailbox.h) followed by a host IPI (vcpu_kick), which makes its CPU
 * leave the guest (external-interrupt exiting) or wake from a halt.
 */
#ifndef VMM_VCPU_SMP_H
#define VMM_VCPU_SMP_H

#include "vmm/vcpu/vcpu.h"

/* The local APIC's ipi callback (vlapic.h): ctx is the sending vCPU.
 * Delivers to the vCPUs of the sender's partition only. */
void vcpu_send_ipi(void *ctx, uint32_t dest, uint32_t icr_low);

/* The I/O APIC's deliver callback (vioapic.h): ctx is the partition. */
void partition_ioapic_deliver(void *ctx, uint32_t dest, uint32_t msg);
/* The local APIC's eoi callback: a level-triggered EOI, to the I/O APIC. */
void vcpu_level_eoi(void *ctx, uint8_t vector);

/* The local APIC's clock: its vCPU's TSC (ctx is the vCPU). */
uint64_t vcpu_lapic_clock(void *ctx);

/* Make v's host CPU look at its mailbox soon (nothing if it is this CPU). */
void vcpu_kick(struct vcpu *v);

/* Move v's mail into its local APIC and its *_pending flags.  On v's CPU. */
void vcpu_take_mail(struct vcpu *v);

/* v changed EPT entries that other CPUs may cache: every other vCPU of
 * its partition invalidates them before its next VM entry. */
void vcpu_flush_ept_everywhere(struct vcpu *v);
/* Do that invalidation on this vCPU's CPU if it is due; cheap if not. */
void vcpu_sync_ept(struct vcpu *v);

/* Every vCPU of v's partition leaves the guest: the partition has ended. */
void vcpu_stop_partition(struct vcpu *v);

/* The boot vCPU's side: before a (re)boot, every other vCPU resets itself
 * and waits for a SIPI; after the guest ended, every vCPU is out of it. */
void partition_reset_aps(struct partition *p);
void partition_wait_aps_out(struct partition *p);

/* Host CPU thread of an application processor (smp_run_on()). */
void vcpu_ap_thread(void *arg);

#endif

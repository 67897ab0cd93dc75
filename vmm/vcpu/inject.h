/*
 * How the platform's interrupts reach the vCPU: by VM-entry event
 * injection (SDM Vol. 3C 27.6), and the sleep of a guest in HLT.
 */
#ifndef VMM_VCPU_INJECT_H
#define VMM_VCPU_INJECT_H

#include "hv/types.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx_caps.h"

struct vcpu;
struct partition;

/* Before each VM entry: bring the devices up to `now` (TSC), and inject
 * the next pending vector if the guest can take it; otherwise ask for an
 * interrupt-window exit. */
void vcpu_inject_interrupts(struct vcpu *v, uint64_t now);
/* Before a VM entry: make sure the guest leaves by its next timer (the
 * boot vCPU: by its partition's next device timer or the host TSC `tick`,
 * when console input is looked at), even if it never exits by itself.
 * The VMX-preemption timer where the CPU has it, else the host's local
 * APIC timer (an external-interrupt exit). */
void vcpu_arm_exit_timer(struct vcpu *v, uint64_t now, uint64_t tick);
/*
 * The common case on the boot vCPU: no device was touched, no timer is
 * due, no NMI waits, and the exit timer is still armed for the right
 * time, so vcpu_inject_interrupts() and vcpu_arm_exit_timer() would both
 * return at once.  The same tests as their first lines, inline here so
 * that the run loop saves their calls on most exits: change them together.
 */
static inline bool vcpu_entry_is_quiet(const struct vcpu *v, uint64_t now, uint64_t tick)
{
	const struct platform *pf = &v->part->platform;

	return v->id == 0 && !v->nmi_pending && !pf->dirty && now < pf->next_event &&
	       MIN(pf->next_event, tick) == v->exit_by &&
	       (vmx_caps.preempt_save || !vmx_caps.preempt_timer);
}

/* After a VM exit: an event whose delivery the exit interrupted (in the
 * IDT-vectoring information) is queued again for the next entry. */
void vcpu_requeue_interrupted_event(struct vcpu *v);
/* On the partition's own CPU: move console input queued by focus_poll()
 * (whichever CPU ran it) into the guest's UART.  True if there was any. */
bool vcpu_take_console_input(struct partition *p);
/* HLT with interrupts on: sleep until a guest timer, an interrupt or
 * console input.  With no timer armed it may sleep for good, as a real
 * CPU would: only console input can then wake it. */
void vcpu_wait_for_interrupt(struct vcpu *v);

#endif

/*
 * Interrupt delivery (see inject.h).  Most exits change nothing about
 * interrupts: the platform is looked at only when a device was touched
 * (platform.dirty) or its next timer is due (platform.next_event).
 */
#include "vmm/vcpu/inject.h"
#include "vmm/partition.h"
#include "vmm/focus.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/lapic.h"

static void set_window_exiting(bool on)
{
	uint32_t ctl = vmcs_read32(VMCS_PROC_BASED_CTLS);
	uint32_t want = on ? ctl | VMX_PROC_INTR_WINDOW_EXITING : ctl & ~VMX_PROC_INTR_WINDOW_EXITING;

	if (want != ctl)
		vmcs_write32(VMCS_PROC_BASED_CTLS, want);
}

void vcpu_inject_interrupts(struct vcpu *v, uint64_t now)
{
	struct platform *pf = &v->part->platform;
	bool from_pic;

	if (!pf->dirty && now < pf->next_event)
		return;
	pf->dirty = false;
	platform_update(pf, now);
	pf->next_event = platform_next_deadline(pf);
	int vec = platform_next_vector(pf, &from_pic);
	if (vec < 0) {
		set_window_exiting(false);
		return;
	}
	pf->dirty = true;   /* something is pending: look again on the next entry */
	bool busy = vmcs_read32(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_VALID;
	bool open = (vmcs_readl(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
		    !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) & 3);
	if (busy || !open) {
		set_window_exiting(true);
		return;
	}
	platform_ack(pf, vec, from_pic);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, (uint32_t)vec | VMX_INTR_INFO_VALID |
		     (VMX_INTR_TYPE_EXT_INTR << VMX_INTR_INFO_TYPE_SHIFT));
	set_window_exiting(false);
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	struct partition *p = v->part;
	bool from_pic;

	for (;;) {
		platform_update(&p->platform, rdtsc());
		platform_touch(&p->platform);
		if (platform_next_vector(&p->platform, &from_pic) >= 0)
			return;
		focus_poll(rdtsc());
		if (focus_take_input(p))
			return;
		uint64_t deadline = platform_next_deadline(&p->platform);
		/* wake at least every millisecond to look for console input */
		lapic_sleep_until(MIN(deadline, rdtsc() + tsc_hz() / 1000));
	}
}

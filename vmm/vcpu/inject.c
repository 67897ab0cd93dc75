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

bool vcpu_take_console_input(struct partition *p)
{
	int c;
	bool any = false;

	while ((c = ring_get(&p->console_in)) >= 0) {
		vuart_rx_push(&p->platform.uart, (uint8_t)c);
		any = true;
	}
	if (any)
		platform_touch(&p->platform);
	return any;
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
		if (vcpu_take_console_input(p))
			return;
		uint64_t deadline = platform_next_deadline(&p->platform);
		/* wake at least every millisecond to look for console input */
		lapic_sleep_until(MIN(deadline, rdtsc() + tsc_hz() / 1000));
	}
}

/*
 * An exit in the middle of delivering an event (e.g. an EPT violation on
 * the guest's IDT or stack) leaves the event in the IDT-vectoring field;
 * it must be injected again on the next entry or it is lost (SDM 28.2.4).
 */
void vcpu_requeue_interrupted_event(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_IDT_VECTORING_INFO);

	if (!(info & VMX_INTR_INFO_VALID))
		return;
	if (info & VMX_INTR_INFO_ERROR_CODE)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
}

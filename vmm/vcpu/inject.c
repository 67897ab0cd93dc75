/*
 * Interrupt delivery (see inject.h).  Most exits change nothing about
 * interrupts: the platform is looked at only when a device was touched
 * (platform.dirty) or its next timer is due (platform.next_event), and
 * the devices themselves only when one was touched or a device timer
 * is due (platform.next_device_event), not for a local APIC timer.
 */
#include "vmm/vcpu/inject.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/mailbox.h"
#include "arch/x86_64/vectors.h"
#include "vmm/partition.h"
#include "vmm/focus.h"
#include "vmm/net/net.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_caps.h"
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

static void set_nmi_window_exiting(bool on)
{
	uint32_t ctl = vmcs_read32(VMCS_PROC_BASED_CTLS);
	uint32_t want = on ? ctl | VMX_PROC_NMI_WINDOW_EXITING : ctl & ~VMX_PROC_NMI_WINDOW_EXITING;

	if (want != ctl)
		vmcs_write32(VMCS_PROC_BASED_CTLS, want);
}

/*
 * Give the guest an NMI the mailbox brought, unless NMIs are blocked (an
 * NMI handler runs until its IRET) or another event goes first; then the
 * NMI window exit says when it can go in (SDM Vol. 3C 25.3, 26.7.6).
 * Without virtual NMIs there is no such exit: it is looked at again on
 * the next exits.
 */
static bool inject_nmi(struct vcpu *v)
{
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	if ((vmcs_read32(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_VALID) ||
	    (intr & (VMX_INTERRUPTIBILITY_NMI | VMX_INTERRUPTIBILITY_MOV_SS))) {
		if (vmx_caps.virtual_nmis)
			set_nmi_window_exiting(true);
		return false;
	}
	v->nmi_pending = false;
	if (vmx_caps.virtual_nmis)
		set_nmi_window_exiting(false);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, X86_VEC_NMI | VMX_INTR_INFO_VALID |
		     (VMX_INTR_TYPE_NMI << VMX_INTR_INFO_TYPE_SHIFT));
	return true;
}

/* The devices' lines move only when one was touched or one of their own
 * timers came due: a local APIC event leaves them where they are. */
static void refresh_devices(struct platform *pf, uint64_t now)
{
	if (!pf->dirty && now < pf->next_device_event)
		return;
	pf->dirty = false;
	platform_update(pf, now);
	pf->next_device_event = platform_next_device_deadline(pf);
}

/*
 * The boot vCPU looks at the shared devices (and the 8259 behind its
 * LINT0) under the partition's device lock; every vCPU looks at its own
 * local APIC.  Application processors skip the fast path: their only
 * sources are their local APIC and their mailbox.
 */
void vcpu_inject_interrupts(struct vcpu *v, uint64_t now)
{
	struct partition *p = v->part;
	struct platform *pf = v->id == 0 ? &p->platform : NULL;
	bool from_pic;

	if (v->nmi_pending && inject_nmi(v))
		return;
	if (pf && !pf->dirty && now < pf->next_event)
		return;
	vlapic_tick(&v->lapic, now + v->msr.tsc_offset);   /* it runs on the guest's TSC */
	if (pf) {
		partition_dev_lock(p);
		refresh_devices(pf, now);
		pf->next_event = MIN(pf->next_device_event,
				     platform_host_tsc(vlapic_timer_deadline(&v->lapic), v->msr.tsc_offset));
		if (mbox_has_mail(&v->mbox))   /* the I/O APIC may have sent this vCPU something */
			vcpu_take_mail(v);
	}
	int vec = platform_next_vector(pf, &v->lapic, &from_pic);
	if (vec < 0) {
		set_window_exiting(false);
		goto out;
	}
	if (pf)
		pf->dirty = true;   /* something is pending: look again on the next entry */
	bool busy = vmcs_read32(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_VALID;
	bool open = (vmcs_readl(VMCS_GUEST_RFLAGS) & RFLAGS_IF) &&
		    !(vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY) & 3);
	if (busy || !open) {
		set_window_exiting(true);
		goto out;
	}
	platform_ack(pf, &v->lapic, vec, from_pic);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, (uint32_t)vec | VMX_INTR_INFO_VALID |
		     (VMX_INTR_TYPE_EXT_INTR << VMX_INTR_INFO_TYPE_SHIFT));
	set_window_exiting(false);
out:
	if (pf)
		partition_dev_unlock(p);
}

void vcpu_arm_exit_timer(struct vcpu *v, uint64_t now, uint64_t tick)
{
	uint64_t due = v->id == 0 ? MIN(v->part->platform.next_event, tick) :
		       platform_host_tsc(vlapic_timer_deadline(&v->lapic), v->msr.tsc_offset);

	/* the timer goes on counting across exits where its value is saved */
	if (due == v->exit_by && (vmx_caps.preempt_save || !vmx_caps.preempt_timer))
		return;
	v->exit_by = due;
	if (!vmx_caps.preempt_timer) {
		lapic_arm_deadline(due == UINT64_MAX ? 0 : due);   /* an external-interrupt exit */
		return;
	}
	/* a due time already past still lets the guest run a little: an
	 * interrupt it cannot take yet must not turn into an exit storm */
	uint64_t ticks = (due > now ? due - now : tsc_hz() / 100000) >> vmx_caps.preempt_rate;
	vmcs_write32(VMCS_PREEMPTION_TIMER_VALUE, (uint32_t)MIN(ticks, UINT32_MAX));
}

bool vcpu_take_console_input(struct partition *p)
{
	int c;
	bool any = false;

	partition_dev_lock(p);
	while ((c = ring_get(&p->console_in)) >= 0) {
		vuart_rx_push(&p->platform.uart, (uint8_t)c);
		any = true;
	}
	if (any)
		platform_touch(&p->platform);
	partition_dev_unlock(p);
	return any;
}

/* Is there something the halted vCPU v would take now? */
static bool wake_pending(struct vcpu *v, struct platform *pf, uint64_t now)
{
	bool from_pic;

	if (mbox_has_mail(&v->mbox))
		vcpu_take_mail(v);
	if (v->nmi_pending || v->init_pending || v->part->stop)
		return true;
	vlapic_tick(&v->lapic, now + v->msr.tsc_offset);
	if (pf) {
		partition_dev_lock(v->part);
		refresh_devices(pf, now);
		pf->next_event = 0;   /* the entry after the wake looks for the interrupt */
	}
	bool any = platform_next_vector(pf, &v->lapic, &from_pic) >= 0;
	if (pf)
		partition_dev_unlock(v->part);
	return any;
}

void vcpu_wait_for_interrupt(struct vcpu *v)
{
	struct partition *p = v->part;
	struct platform *pf = v->id == 0 ? &p->platform : NULL;

	for (;;) {
		if (wake_pending(v, pf, rdtsc()))
			return;
		if (pf) {
			if (net_poll(p))     /* a frame came: its line is sampled next */
				continue;
			focus_poll(rdtsc());
			if (vcpu_take_console_input(p))
				return;
		}
		partition_dev_lock(p);
		uint64_t deadline = platform_next_deadline(pf, &v->lapic, v->msr.tsc_offset);
		partition_dev_unlock(p);
		/* wake at least every millisecond to look for console input;
		 * a kick from another CPU (smp.h) wakes it at once */
		lapic_sleep_until(MIN(deadline, rdtsc() + tsc_hz() / 1000));
		v->exit_by = 0;          /* the sleep used (and disarmed) the host timer */
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

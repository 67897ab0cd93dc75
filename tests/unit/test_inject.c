/* units: vmm/vcpu/inject.c vmm/vcpu/helpers.c vmm/vcpu/smp.c vmm/dev/ipi_route.c ept/ept.c ept/pool.c lib/fmt.c vmm/dev/platform.c arch/x86_64/tsc_freq.c vmm/dev/vioapic.c vmm/dev/acpi_guest.c vmm/dev/vuart.c vmm/dev/vpic.c vmm/dev/vpit.c vmm/dev/vrtc.c vmm/dev/fwcfg.c vmm/dev/vlapic.c vmm/dev/vpm.c vmm/dev/virtio_net.c vmm/net/net.c vmm/net/switch.c tests/unit/fake_vmcs.c tests/unit/fake_cpu.c tests/unit/vcpu_fixture.c lib/regdump.c */
/*
 * Event injection (vmm/vcpu/inject.c) with the real platform devices and
 * the fake VMCS: a pending vector is injected when the guest can take it
 * (RFLAGS.IF=1, no STI/MOV-SS blocking, no event already queued) and an
 * interrupt window is asked for otherwise; the fast path touches nothing;
 * an event whose delivery an exit interrupted is queued again; and HLT
 * sleeps until a timer, an interrupt or console input.
 */
#include "exit_checks.h"
#include "vmm/vcpu/inject.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vmx/vmx_caps.h"

#define VEC 0x40

static uint64_t vmcs(uint32_t f) { return fake_vmcs_get(f); }
static struct platform *pf(void) { return &fx_part.platform; }

static bool window_exiting(void)
{
	return vmcs(VMCS_PROC_BASED_CTLS) & VMX_PROC_INTR_WINDOW_EXITING;
}

static void test_nothing_pending(void)
{
	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_PROC_BASED_CTLS, vmcs(VMCS_PROC_BASED_CTLS) | VMX_PROC_INTR_WINDOW_EXITING);
	vcpu_inject_interrupts(fx_vcpu, 100);
	CHECK_EQ(fx_injected_vector(NULL), -1);
	CHECK_EQ(fake_vmcs_writes(VMCS_ENTRY_INTR_INFO), 0);
	CHECK(!window_exiting());                    /* a stale window request is dropped */
	CHECK(!pf()->dirty);
	CHECK_EQ(pf()->next_event, UINT64_MAX);      /* no timer armed after reset */
}

static void test_fast_path_touches_nothing(void)
{
	fx_setup(MIB(2));
	vlapic_accept_irq(&fx_vcpu->lapic, VEC, false);
	pf()->dirty = false;
	pf()->next_event = 1000;
	vcpu_inject_interrupts(fx_vcpu, 999);
	CHECK_EQ(fake_vmcs_total_writes(), 0);
	CHECK_EQ(vlapic_pending_vector(&fx_vcpu->lapic), VEC);
	/* once the next event is due, the vector goes in */
	vcpu_inject_interrupts(fx_vcpu, 1000);
	CHECK_EQ(fx_injected_vector(NULL), VEC);
}

/* Only the local APIC changed: interrupts are looked at, the devices not
 * (their lines move only when touched or by their own timers). */
static void test_lapic_change_leaves_devices_alone(void)
{
	struct vpic *pic = &pf()->pic;

	fx_setup(MIB(2));
	vpic_write(pic, 0x20, 0x11);
	vpic_write(pic, 0x21, 0x20);
	vpic_write(pic, 0x21, 0x04);
	vpic_write(pic, 0x21, 0x01);
	vpic_write(pic, 0x21, 0xef);   /* only IRQ 4, the UART, unmasked */
	vcpu_inject_interrupts(fx_vcpu, 0);
	CHECK_EQ(fx_injected_vector(NULL), -1);
	CHECK_EQ(pf()->next_device_event, UINT64_MAX);   /* no PIT or RTC timer */
	/* the UART's line rises behind the platform's back */
	vuart_write(&pf()->uart, 4, 0x08);   /* MCR.OUT2: the line reaches the PIC */
	vuart_write(&pf()->uart, 1, 0x02);   /* IER: THR empty */
	CHECK(vuart_irq_line(&pf()->uart));
	pf()->dirty = false;
	vcpu_lapic_changed(fx_vcpu);
	CHECK_EQ(pf()->next_event, 0);
	vcpu_inject_interrupts(fx_vcpu, 10);
	CHECK_EQ(fx_injected_vector(NULL), -1);           /* the devices were not looked at */
	platform_touch(pf());
	vcpu_inject_interrupts(fx_vcpu, 20);
	CHECK_EQ(fx_injected_vector(NULL), 0x24);
}

static void test_inject_when_open(void)
{
	fx_setup(MIB(2));
	vlapic_accept_irq(&fx_vcpu->lapic, VEC, false);
	vcpu_inject_interrupts(fx_vcpu, 0);
	CHECK_EQ(vmcs(VMCS_ENTRY_INTR_INFO), VEC | VMX_INTR_INFO_VALID |
		 (VMX_INTR_TYPE_EXT_INTR << VMX_INTR_INFO_TYPE_SHIFT));
	CHECK(!window_exiting());
	CHECK_EQ(vlapic_pending_vector(&fx_vcpu->lapic), -1);   /* IRR -> ISR */
	CHECK(fx_vcpu->lapic.isr[VEC / 32] & (1u << (VEC % 32)));
	CHECK_EQ(pf()->injected_apic, 1);
	CHECK(pf()->dirty);                                  /* look again next entry */
}

static void check_window_requested(void)
{
	CHECK_EQ(fake_vmcs_writes(VMCS_ENTRY_INTR_INFO), 0);
	CHECK(window_exiting());
	CHECK_EQ(vlapic_pending_vector(&fx_vcpu->lapic), VEC);  /* still pending, not acked */
	CHECK_EQ(pf()->injected_apic, 0);
	CHECK(pf()->dirty);
}

static void test_window_when_if_clear(void)
{
	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2);
	vlapic_accept_irq(&fx_vcpu->lapic, VEC, false);
	vcpu_inject_interrupts(fx_vcpu, 0);
	check_window_requested();
	/* the window opens: the next entry injects and stops asking */
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	vcpu_inject_interrupts(fx_vcpu, 0);
	CHECK_EQ(fx_injected_vector(NULL), VEC);
	CHECK(!window_exiting());
}

static void test_window_when_blocked(void)
{
	uint32_t blocking[] = { VMX_INTERRUPTIBILITY_STI, VMX_INTERRUPTIBILITY_MOV_SS };

	for (unsigned i = 0; i < 2; i++) {
		fx_setup(MIB(2));
		fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, blocking[i]);
		vlapic_accept_irq(&fx_vcpu->lapic, VEC, false);
		vcpu_inject_interrupts(fx_vcpu, 0);
		check_window_requested();
	}
}

static void test_window_when_event_queued(void)
{
	uint32_t pf_info = 14 | VMX_INTR_INFO_VALID | VMX_INTR_INFO_ERROR_CODE |
			   (VMX_INTR_TYPE_HW_EXCEPTION << VMX_INTR_INFO_TYPE_SHIFT);

	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, pf_info);
	vlapic_accept_irq(&fx_vcpu->lapic, VEC, false);
	vcpu_inject_interrupts(fx_vcpu, 0);
	check_window_requested();
	CHECK_EQ(vmcs(VMCS_ENTRY_INTR_INFO), pf_info);
}

/* A PIC interrupt reaches the vCPU through LINT0 (virtual wire). */
static void test_inject_from_pic(void)
{
	struct vpic *pic = &pf()->pic;

	fx_setup(MIB(2));
	vpic_write(pic, 0x20, 0x11);
	vpic_write(pic, 0x21, 0x20);
	vpic_write(pic, 0x21, 0x04);
	vpic_write(pic, 0x21, 0x01);
	vpic_write(pic, 0x21, 0xf7);   /* only IRQ 3 unmasked */
	vpic_set_irq(pic, 3, 1);
	vcpu_inject_interrupts(fx_vcpu, 0);
	CHECK_EQ(fx_injected_vector(NULL), 0x23);
	CHECK_EQ(pf()->injected_pic, 1);
	CHECK_EQ(vpic_pending_vector(pic), -1);   /* now in service */
}

static void test_requeue_exception_with_error_code(void)
{
	uint32_t info = 14 | VMX_INTR_INFO_VALID | VMX_INTR_INFO_ERROR_CODE | (1u << 12) |
			(VMX_INTR_TYPE_HW_EXCEPTION << VMX_INTR_INFO_TYPE_SHIFT);

	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_IDT_VECTORING_INFO, info);
	fake_vmcs_set(VMCS_IDT_VECTORING_ERROR_CODE, 0x6);
	vcpu_requeue_interrupted_event(fx_vcpu);
	/* bit 12 is undefined in the IDT-vectoring field, reserved at entry */
	CHECK_EQ(vmcs(VMCS_ENTRY_INTR_INFO), info & ~(1u << 12));
	CHECK_EQ(vmcs(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0x6);
	CHECK_EQ(vmcs(VMCS_ENTRY_INSTRUCTION_LEN), FX_INSN_LEN);
}

static void test_requeue_software_interrupt(void)
{
	uint32_t info = 0x80 | VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_SW_INTR << VMX_INTR_INFO_TYPE_SHIFT);

	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_IDT_VECTORING_INFO, info);
	fake_vmcs_set(VMCS_EXIT_INSTRUCTION_LEN, 2);   /* INT 0x80 */
	vcpu_requeue_interrupted_event(fx_vcpu);
	CHECK_EQ(vmcs(VMCS_ENTRY_INTR_INFO), info);
	CHECK_EQ(vmcs(VMCS_ENTRY_INSTRUCTION_LEN), 2);
	CHECK_EQ(fake_vmcs_writes(VMCS_ENTRY_EXCEPTION_ERROR_CODE), 0);
}

static void test_requeue_nothing(void)
{
	fx_setup(MIB(2));
	fake_vmcs_set(VMCS_IDT_VECTORING_INFO, 14);   /* valid bit clear */
	vcpu_requeue_interrupted_event(fx_vcpu);
	CHECK_EQ(fake_vmcs_total_writes(), 0);
}

static void console_input_late(uint64_t now)
{
	if (fake_focus_polls == 10)
		ring_put(&fx_part.console_in, 'x');
}

/* No timer at all: the vCPU does not give up, it naps a millisecond at a
 * time until something (here console input) wakes it. */
static void test_hlt_wait_without_timer(void)
{
	fx_setup(MIB(2));
	fake_focus_hook = console_input_late;
	vcpu_wait_for_interrupt(fx_vcpu);
	CHECK_EQ(fake_focus_polls, 10);
	CHECK_EQ(fake_sleeps, 9);
	CHECK(ring_empty(&fx_part.console_in));
	CHECK(vuart_read(&pf()->uart, 5) & VUART_LSR_DR);          /* the byte is in the UART */
}

static void test_hlt_wait_for_timer(void)
{
	struct vlapic *l = &fx_vcpu->lapic;

	fx_setup(MIB(2));
	fake_tsc = 5000;
	vlapic_mmio_write(l, VLAPIC_REG_TIMER_DCR, 0xb);      /* divide by 1 */
	vlapic_mmio_write(l, VLAPIC_REG_LVT_TIMER, 0x30);     /* one-shot, vector 0x30 */
	vlapic_mmio_write(l, VLAPIC_REG_TIMER_ICR, 1000);     /* 10 us at 100 MHz */
	uint64_t deadline = vlapic_timer_deadline(l);
	CHECK(deadline > fake_tsc && deadline != VLAPIC_NO_DEADLINE);
	vcpu_wait_for_interrupt(fx_vcpu);
	CHECK_EQ(fake_sleeps, 1);
	CHECK_EQ(fake_last_sleep_until, deadline);
	CHECK_EQ(vlapic_pending_vector(l), 0x30);
	CHECK(fake_focus_polls >= 1);                         /* console looked at */
}

/* A far timer: the sleep is cut into 1 ms pieces to look for console input. */
static void test_hlt_wait_wakes_every_millisecond(void)
{
	struct vlapic *l = &fx_vcpu->lapic;

	fx_setup(MIB(2));
	vlapic_mmio_write(l, VLAPIC_REG_TIMER_DCR, 0xb);
	vlapic_mmio_write(l, VLAPIC_REG_LVT_TIMER, 0x30);
	vlapic_mmio_write(l, VLAPIC_REG_TIMER_ICR, 500000);   /* 5 ms */
	vcpu_wait_for_interrupt(fx_vcpu);
	CHECK_EQ(fake_sleeps, 5);
}

static void console_input(uint64_t now)
{
	if (fake_focus_polls == 2)
		ring_put(&fx_part.console_in, 'y');
}

static void test_hlt_wait_for_console(void)
{
	struct vlapic *l = &fx_vcpu->lapic;

	fx_setup(MIB(2));
	vlapic_mmio_write(l, VLAPIC_REG_LVT_TIMER, 0x30);
	vlapic_mmio_write(l, VLAPIC_REG_TIMER_ICR, 0xffffffffu);   /* far away */
	fake_focus_hook = console_input;
	vcpu_wait_for_interrupt(fx_vcpu);
	CHECK_EQ(fake_focus_polls, 2);
	CHECK_EQ(fake_sleeps, 1);
	CHECK(ring_empty(&fx_part.console_in));                    /* consumed */
	CHECK_EQ(vlapic_pending_vector(l), -1);
}

/* ---- the exit timer ------------------------------------------------------ */

static void preempt_caps(bool save)
{
	vmx_caps.preempt_timer = true;
	vmx_caps.preempt_save = save;
	vmx_caps.preempt_rate = 5;           /* one count per 32 TSC ticks */
}

static void test_exit_timer_by_next_event_or_tick(void)
{
	fx_setup(MIB(2));
	preempt_caps(true);
	pf()->next_event = 1000 + 6400;
	vcpu_arm_exit_timer(fx_vcpu, 1000, 1000 + 64000);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), 200u);          /* 6400 >> 5 */
	CHECK_EQ(fx_vcpu->exit_by, 1000u + 6400);
	/* the console tick comes first */
	pf()->next_event = UINT64_MAX;
	vcpu_arm_exit_timer(fx_vcpu, 2000, 2000 + 3200);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), 100u);
}

static void test_exit_timer_not_rewritten_while_it_counts(void)
{
	fx_setup(MIB(2));
	preempt_caps(true);
	pf()->next_event = 50000;
	vcpu_arm_exit_timer(fx_vcpu, 1000, UINT64_MAX);
	unsigned writes = fake_vmcs_writes(VMCS_PREEMPTION_TIMER_VALUE);
	CHECK_EQ(writes, 1u);
	vcpu_arm_exit_timer(fx_vcpu, 3000, UINT64_MAX);   /* the CPU saved what is left */
	CHECK_EQ(fake_vmcs_writes(VMCS_PREEMPTION_TIMER_VALUE), writes);
	/* after it expired, it is set again */
	fake_vmcs_set(VMCS_EXIT_REASON, EXIT_REASON_PREEMPTION_TIMER);
	fx_vcpu->exit_by = 0;                              /* what the exit handler does */
	vcpu_arm_exit_timer(fx_vcpu, 3000, UINT64_MAX);
	CHECK_EQ(fake_vmcs_writes(VMCS_PREEMPTION_TIMER_VALUE), writes + 1);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), (50000u - 3000) >> 5);
	/* a CPU that does not save the value gets it on every entry */
	preempt_caps(false);
	vcpu_arm_exit_timer(fx_vcpu, 4000, UINT64_MAX);
	vcpu_arm_exit_timer(fx_vcpu, 5000, UINT64_MAX);
	CHECK_EQ(fake_vmcs_writes(VMCS_PREEMPTION_TIMER_VALUE), writes + 3);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), (50000u - 5000) >> 5);
}

static void test_exit_timer_past_due_still_runs_the_guest(void)
{
	fx_setup(MIB(2));
	preempt_caps(true);
	pf()->next_event = 500;                           /* already past */
	vcpu_arm_exit_timer(fx_vcpu, 1000, UINT64_MAX);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), (fake_tsc_hz / 100000) >> 5);
	CHECK(vmcs(VMCS_PREEMPTION_TIMER_VALUE) > 0);
}

static void test_exit_timer_without_preemption_timer(void)
{
	fx_setup(MIB(2));
	pf()->next_event = 7777;
	vcpu_arm_exit_timer(fx_vcpu, 1000, UINT64_MAX);
	CHECK_EQ(fake_deadline_arms, 1u);
	CHECK_EQ(fake_deadline_armed, 7777u);
	CHECK_EQ(fake_vmcs_writes(VMCS_PREEMPTION_TIMER_VALUE), 0u);
	vcpu_arm_exit_timer(fx_vcpu, 2000, UINT64_MAX);   /* armed already */
	CHECK_EQ(fake_deadline_arms, 1u);
	pf()->next_event = UINT64_MAX;                    /* nothing due: disarmed */
	vcpu_arm_exit_timer(fx_vcpu, 2000, UINT64_MAX);
	CHECK_EQ(fake_deadline_arms, 2u);
	CHECK_EQ(fake_deadline_armed, 0u);
}

static void test_exit_timer_of_an_ap_is_its_lapic_timer(void)
{
	struct vcpu *ap = &fx_part.vcpus[1];

	fx_setup(MIB(2));
	preempt_caps(true);
	fx_part.nvcpus = 2;
	ap->part = &fx_part;
	ap->id = 1;
	platform_lapic_reset(&ap->lapic, 1, NULL, NULL, vcpu_lapic_clock, ap);
	ap->msr.tsc_offset = 100000;                      /* its TSC runs ahead of the host's */
	pf()->next_event = 2000;                          /* the shared devices are not its */
	fake_tsc = 1000;
	vlapic_mmio_write(&ap->lapic, VLAPIC_REG_SVR, 0x1ff);
	CHECK_EQ(vlapic_msr_write(&ap->lapic, MSR_IA32_APIC_BASE, VLAPIC_BASE_ADDR | VLAPIC_BASE_EN), 0);
	vlapic_mmio_write(&ap->lapic, VLAPIC_REG_LVT_TIMER, 0x40 | VLAPIC_LVT_TIMER_TSC_DL);
	CHECK_EQ(vlapic_msr_write(&ap->lapic, MSR_IA32_TSC_DEADLINE, 100000 + 1000 + 32000), 0);
	vcpu_arm_exit_timer(ap, 1000, UINT64_MAX);
	CHECK_EQ(vmcs(VMCS_PREEMPTION_TIMER_VALUE), 1000u);         /* 32000 >> 5 */
}

/* The run loop's shortcut holds only when both calls would do nothing. */
static void test_quiet_entry_means_nothing_to_do(void)
{
	fx_setup(MIB(2));
	preempt_caps(true);
	vcpu_inject_interrupts(fx_vcpu, 100);            /* settles the devices */
	vcpu_arm_exit_timer(fx_vcpu, 100, 100000);
	CHECK(vcpu_entry_is_quiet(fx_vcpu, 200, 100000));
	unsigned writes = fake_vmcs_total_writes();
	uint64_t next = pf()->next_event, by = fx_vcpu->exit_by;
	vcpu_inject_interrupts(fx_vcpu, 200);
	vcpu_arm_exit_timer(fx_vcpu, 200, 100000);
	CHECK_EQ(fake_vmcs_total_writes(), writes);
	CHECK_EQ(pf()->next_event, next);
	CHECK_EQ(fx_vcpu->exit_by, by);
	/* and not when something changed */
	platform_touch(pf());
	CHECK(!vcpu_entry_is_quiet(fx_vcpu, 200, 100000));
	pf()->dirty = false;
	CHECK(!vcpu_entry_is_quiet(fx_vcpu, 200, 200000));   /* the tick moved */
	fx_vcpu->nmi_pending = true;
	CHECK(!vcpu_entry_is_quiet(fx_vcpu, 200, 100000));
}

int main(void)
{
	RUN(test_nothing_pending);
	RUN(test_fast_path_touches_nothing);
	RUN(test_lapic_change_leaves_devices_alone);
	RUN(test_inject_when_open);
	RUN(test_window_when_if_clear);
	RUN(test_window_when_blocked);
	RUN(test_window_when_event_queued);
	RUN(test_inject_from_pic);
	RUN(test_requeue_exception_with_error_code);
	RUN(test_requeue_software_interrupt);
	RUN(test_requeue_nothing);
	RUN(test_hlt_wait_without_timer);
	RUN(test_hlt_wait_for_timer);
	RUN(test_hlt_wait_wakes_every_millisecond);
	RUN(test_hlt_wait_for_console);
	RUN(test_exit_timer_by_next_event_or_tick);
	RUN(test_exit_timer_not_rewritten_while_it_counts);
	RUN(test_exit_timer_past_due_still_runs_the_guest);
	RUN(test_exit_timer_without_preemption_timer);
	RUN(test_exit_timer_of_an_ap_is_its_lapic_timer);
	RUN(test_quiet_entry_means_nothing_to_do);
	return check_summary();
}

/*
 * The guest platform (see platform.h): device set-up for each boot and
 * the interrupt path.  Interrupts are delivered by VM-entry event
 * injection (SDM 27.6): before each entry the timers are advanced, device
 * lines are sampled into the PIC, and the highest pending vector -- the
 * local APIC's first, then the PIC's through LINT0 in virtual-wire mode --
 * is injected if the guest can take it now; otherwise an interrupt-window
 * exit is requested so it can be injected as soon as the guest allows.
 */
#include "vmm/dev/platform.h"
#include "vmm/vcpu/vcpu.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/lapic.h"
#include "vmm/vcpu/mmio.h"
#include "vmm/focus.h"
#include "vmm/dev/acpi_guest.h"
#include "drivers/rtc.h"
#include "hv/string.h"

#define LAPIC_BUS_HZ 100000000ull   /* the APIC timer's input clock, unless CPUID says */

/*
 * Linux takes the APIC timer to run at the core crystal clock of CPUID
 * leaf 0x15 when that leaf states one, and then does not calibrate it:
 * give the virtual APIC timer that frequency so the guest's tick is right.
 */
static uint64_t lapic_bus_hz(void)
{
	if (cpuid(0, 0).eax >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);
		if (r.eax && r.ebx && r.ecx)
			return r.ecx;
	}
	return LAPIC_BUS_HZ;
}

static uint64_t clock_ns(void *ctx)
{
	return tsc_to_ns(rdtsc());
}

static uint64_t clock_tsc(void *ctx)
{
	return rdtsc();
}

/* INIT and SIPI to other vCPUs: a partition has one vCPU, so they go nowhere. */
static void lapic_ipi(void *ctx, uint32_t dest, uint32_t icr_low)
{
}

static void lapic_level_eoi(void *ctx, uint8_t vector)
{
}

void platform_reset(struct partition *p)
{
	struct platform *pf = &p->platform;
	struct rtc_time now;

	memset(pf, 0, sizeof(*pf));
	vpic_init(&pf->pic);
	vpit_init(&pf->pit, clock_ns, p);
	rtc_read(&now);
	struct vrtc_config rc = {
		.base = { now.year, now.month, now.day, now.hour, now.min, now.sec },
		.base_ns = clock_ns(p), .now_ns = clock_ns, .clock_ctx = p,
		.ram_below_4g = MIN(p->ram_size, GIB(3)),
		.ram_above_4g = p->ram_size > GIB(3) ? p->ram_size - GIB(3) : 0,
	};
	vrtc_init(&pf->rtc, &rc);
	fwcfg_init(&pf->fwcfg, p->ram_size, 1);
	struct vlapic_config lc = {
		.apic_id = 0, .bsp = true, .x2apic = true, .tsc_deadline = true,
		.tsc_hz = tsc_hz(), .bus_hz = lapic_bus_hz(),
		.now_tsc = clock_tsc, .ipi = lapic_ipi, .eoi = lapic_level_eoi, .ctx = p,
	};
	vlapic_init(&pf->lapic, &lc);
	vpm_init(&pf->pm, clock_ns, p);
	vlapic_setup_virtual_wire(&pf->lapic);
	pf->dirty = true;
}

/* Sample device outputs into the PIC and the APIC. */
static void raise_lines(struct partition *p, uint64_t now)
{
	struct platform *pf = &p->platform;

	vlapic_tick(&pf->lapic, now);
	if (vpit_irq_due(&pf->pit, tsc_to_ns(now)))
		vpic_pulse_irq(&pf->pic, VPIT_IRQ);
	vpic_set_irq(&pf->pic, 4, vuart_irq_line(&p->uart));
	vpic_set_irq(&pf->pic, VRTC_IRQ, vrtc_irq_pending(&pf->rtc));
	vpic_set_irq(&pf->pic, 9, vpm_sci_pending(&pf->pm));       /* the FADT's SCI */
}

/* The vector the vCPU would take next: the APIC's, else the PIC's. */
static int next_vector(struct platform *pf, bool *from_pic)
{
	int vec = vlapic_pending_vector(&pf->lapic);

	*from_pic = false;
	if (vec < 0 && vlapic_accepts_pic(&pf->lapic)) {
		vec = vpic_pending_vector(&pf->pic);
		*from_pic = vec >= 0;
	}
	return vec;
}

static void set_window_exiting(bool on)
{
	uint32_t ctl = vmcs_read32(VMCS_PROC_BASED_CTLS);
	uint32_t want = on ? ctl | VMX_PROC_INTR_WINDOW_EXITING : ctl & ~VMX_PROC_INTR_WINDOW_EXITING;

	if (want != ctl)
		vmcs_write32(VMCS_PROC_BASED_CTLS, want);
}

static uint64_t next_deadline(struct partition *p);

void platform_inject(struct vcpu *v)
{
	struct platform *pf = &v->part->platform;
	uint64_t now = rdtsc();
	bool from_pic;

	focus_poll(now);
	if (!pf->dirty && now < pf->next_event)
		return;
	pf->dirty = false;
	raise_lines(v->part, now);
	pf->next_event = next_deadline(v->part);
	int vec = next_vector(pf, &from_pic);
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
	if (from_pic) {
		vpic_ack(&pf->pic, vec);
		pf->injected_pic++;
	} else {
		vlapic_ack(&pf->lapic, vec);
		pf->injected_apic++;
	}
	vmcs_write32(VMCS_ENTRY_INTR_INFO, (uint32_t)vec | VMX_INTR_INFO_VALID |
		     (VMX_INTR_TYPE_EXT_INTR << VMX_INTR_INFO_TYPE_SHIFT));
	set_window_exiting(false);
}

static uint64_t next_deadline(struct partition *p)
{
	struct platform *pf = &p->platform;
	uint64_t d = vlapic_timer_deadline(&pf->lapic);
	uint64_t pit = vpit_next_irq_ns(&pf->pit), rtc = vrtc_next_irq_ns(&pf->rtc);

	if (pit != VPIT_NO_IRQ)
		d = MIN(d, ns_to_tsc(pit));
	if (rtc != VRTC_NO_IRQ)
		d = MIN(d, ns_to_tsc(rtc));
	return d;
}

bool platform_wait(struct vcpu *v)
{
	struct partition *p = v->part;
	bool from_pic;

	for (;;) {
		raise_lines(p, rdtsc());
		p->platform.dirty = true;
		if (next_vector(&p->platform, &from_pic) >= 0)
			return true;
		focus_poll(rdtsc());
		if (p->console_input_pending) {
			p->console_input_pending = false;
			return true;
		}
		uint64_t deadline = next_deadline(p);
		if (deadline == UINT64_MAX)
			return false;
		/* wake at least every millisecond to look for console input */
		lapic_sleep_until(MIN(deadline, rdtsc() + tsc_hz() / 1000));
	}
}

/* ---- the local APIC page and the firmware tables ---------------------- */

static uint64_t lapic_mmio_read(struct vcpu *v, uint64_t off, unsigned size)
{
	return vlapic_mmio_read(&v->part->platform.lapic, (uint32_t)off);
}

static void lapic_mmio_write(struct vcpu *v, uint64_t off, unsigned size, uint64_t val)
{
	vlapic_mmio_write(&v->part->platform.lapic, (uint32_t)off, (uint32_t)val);
	platform_touch(&v->part->platform);
}

enum exit_result platform_mmio(struct vcpu *v, uint64_t gpa)
{
	struct vlapic *l = &v->part->platform.lapic;
	struct mmio_device apic = { vlapic_mmio_base(l), lapic_mmio_read, lapic_mmio_write };

	if (vlapic_mmio_enabled(l) && gpa >= apic.base && gpa < apic.base + PAGE_SIZE)
		return mmio_emulate(v, gpa, &apic);
	return EXIT_UNHANDLED;
}

#define ACPI_TABLES_GPA 0xe0000

bool platform_load_firmware_tables(struct partition *p)
{
	static uint8_t buf[4096];
	/* no MADT: there is no I/O APIC, and the 8259 must stay behind LINT0 */
	struct acpi_guest_config cfg = { .ncpus = 1, .pm_base = PLATFORM_PM_BASE, .sci_irq = 9,
					 .no_madt = true };
	uint64_t rsdp;
	size_t n = acpi_guest_build(buf, sizeof(buf), ACPI_TABLES_GPA, &cfg, &rsdp);

	return n && guest_write(p, ACPI_TABLES_GPA, buf, n);
}

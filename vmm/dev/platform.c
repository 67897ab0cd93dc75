/*
 * The guest platform (see platform.h): device set-up for each boot, and
 * the interrupt wiring.  Device lines are sampled into the PIC and the
 * local APIC, which decide the vector the vCPU takes next: the local
 * APIC's first, then the PIC's through LINT0 in virtual-wire mode.
 */
#include "vmm/dev/platform.h"
#include "vmm/dev/acpi_guest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
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

/*
 * Time here is the host's TSC (the PIT, RTC and PM timer count
 * nanoseconds of it), except in the local APIC: its timers, the
 * TSC-deadline one above all, run on the guest's TSC, which the guest
 * may set (vmm/vcpu/msr.c).
 */
static uint64_t guest_tsc(const struct platform *pf, uint64_t host)
{
	return host + *pf->tsc_offset;
}

/* The host TSC at which the guest's TSC reaches `guest`: now if it has. */
static uint64_t host_tsc(const struct platform *pf, uint64_t guest)
{
	uint64_t now = rdtsc(), g = guest_tsc(pf, now);

	if (guest == VLAPIC_NO_DEADLINE)
		return UINT64_MAX;
	if (guest <= g)
		return now;
	return now + (guest - g) < now ? UINT64_MAX : now + (guest - g);
}

static uint64_t clock_tsc(void *ctx)
{
	return guest_tsc(ctx, rdtsc());
}

/* INIT and SIPI to other vCPUs: a partition has one vCPU, so they go nowhere. */
static void lapic_ipi(void *ctx, uint32_t dest, uint32_t icr_low)
{
}

static void lapic_level_eoi(void *ctx, uint8_t vector)
{
}

void platform_reset(struct platform *pf, const struct platform_config *cfg)
{
	static const uint64_t no_offset;
	struct rtc_time now;

	memset(pf, 0, sizeof(*pf));
	pf->tsc_offset = cfg->tsc_offset ? cfg->tsc_offset : &no_offset;
	vuart_init(&pf->uart, cfg->console_line, cfg->console_ctx);
	vpic_init(&pf->pic);
	vpit_init(&pf->pit, clock_ns, pf);
	rtc_read(&now);
	struct vrtc_config rc = {
		.base = { now.year, now.month, now.day, now.hour, now.min, now.sec },
		.base_ns = clock_ns(pf), .now_ns = clock_ns, .clock_ctx = pf,
		.ram_below_4g = MIN(cfg->ram_size, GIB(3)),
		.ram_above_4g = cfg->ram_size > GIB(3) ? cfg->ram_size - GIB(3) : 0,
	};
	vrtc_init(&pf->rtc, &rc);
	fwcfg_init(&pf->fwcfg, cfg->ram_size, 1);
	struct vlapic_config lc = {
		.apic_id = 0, .bsp = true, .x2apic = true, .tsc_deadline = true,
		.tsc_hz = tsc_hz(), .bus_hz = lapic_bus_hz(),
		.now_tsc = clock_tsc, .ipi = lapic_ipi, .eoi = lapic_level_eoi, .ctx = pf,
	};
	vlapic_init(&pf->lapic, &lc);
	vpm_init(&pf->pm, clock_ns, pf);
	vlapic_setup_virtual_wire(&pf->lapic);
	pf->dirty = true;
}

void platform_update(struct platform *pf, uint64_t now)
{
	vlapic_tick(&pf->lapic, guest_tsc(pf, now));
	if (vpit_irq_due(&pf->pit, tsc_to_ns(now)))
		vpic_pulse_irq(&pf->pic, VPIT_IRQ);
	vpic_set_irq(&pf->pic, VUART_COM1_IRQ, vuart_irq_line(&pf->uart));
	vpic_set_irq(&pf->pic, VRTC_IRQ, vrtc_irq_pending(&pf->rtc));
	vpic_set_irq(&pf->pic, ACPI_GUEST_SCI_IRQ, vpm_sci_pending(&pf->pm));
}

int platform_next_vector(struct platform *pf, bool *from_pic)
{
	int vec = vlapic_pending_vector(&pf->lapic);

	*from_pic = false;
	if (vec < 0 && vlapic_accepts_pic(&pf->lapic)) {
		vec = vpic_pending_vector(&pf->pic);
		*from_pic = vec >= 0;
	}
	return vec;
}

void platform_ack(struct platform *pf, int vec, bool from_pic)
{
	if (from_pic) {
		vpic_ack(&pf->pic, vec);
		pf->injected_pic++;
	} else {
		vlapic_ack(&pf->lapic, vec);
		pf->injected_apic++;
	}
}

uint64_t platform_next_deadline(struct platform *pf)
{
	uint64_t d = host_tsc(pf, vlapic_timer_deadline(&pf->lapic));
	uint64_t pit = vpit_next_irq_ns(&pf->pit), rtc = vrtc_next_irq_ns(&pf->rtc);

	if (pit != VPIT_NO_IRQ)
		d = MIN(d, ns_to_tsc(pit));
	if (rtc != VRTC_NO_IRQ)
		d = MIN(d, ns_to_tsc(rtc));
	return d;
}

size_t platform_firmware_tables(uint8_t *buf, size_t cap)
{
	/* no MADT: there is no I/O APIC, and the 8259 must stay behind LINT0 */
	struct acpi_guest_config cfg = { .ncpus = 1, .pm_base = PLATFORM_PM_BASE, .sci_irq = ACPI_GUEST_SCI_IRQ,
					 .no_madt = true };
	gpa_t rsdp;

	return acpi_guest_build(buf, cap, GPA(PLATFORM_ACPI_GPA), &cfg, &rsdp);
}

/*
 * The guest platform (see platform.h): device set-up for each boot, and
 * the interrupt wiring.  Device lines are sampled into the PIC; a vCPU's
 * local APIC and (on the boot vCPU) the PIC decide the vector it takes
 * next: the local APIC's first, then the PIC's through LINT0 in
 * virtual-wire mode.
 */
#include "vmm/dev/platform.h"
#include "vmm/dev/acpi_guest.h"
#include "ept/guest_ram.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/tsc_freq.h"
#include "drivers/rtc.h"
#include "hv/string.h"

/*
 * Linux takes the APIC timer to run at the core crystal clock of CPUID
 * leaf 0x15 when that leaf states one, and then does not calibrate it:
 * the virtual APIC timer runs at the crystal of the guest's leaf 0x15
 * (the host's, or TSC_GUEST_CRYSTAL_HZ), so the guest's tick is right.
 */
static uint64_t lapic_bus_hz(void)
{
	uint32_t crystal = tsc_leaf_15(tsc_hz()).ecx;

	return crystal ? crystal : TSC_GUEST_CRYSTAL_HZ;   /* 0 only before tsc_init() */
}

static uint64_t clock_ns(void *ctx)
{
	return tsc_to_ns(rdtsc());
}

/*
 * Time here is the host's TSC (the PIT, RTC and PM timer count
 * nanoseconds of it), except in the local APICs: their timers, the
 * TSC-deadline one above all, run on their vCPU's TSC, which the guest
 * may set (vmm/vcpu/msr.c): host TSC + the vCPU's offset.
 */
static uint64_t host_clock_tsc(void *ctx)
{
	return rdtsc();
}

uint64_t platform_host_tsc(uint64_t guest, uint64_t tsc_offset)
{
	uint64_t now = rdtsc(), g = now + tsc_offset;

	if (guest == VLAPIC_NO_DEADLINE)
		return UINT64_MAX;
	if (guest <= g)
		return now;
	return now + (guest - g) < now ? UINT64_MAX : now + (guest - g);
}

void platform_reset(struct platform *pf, const struct platform_config *cfg)
{
	struct rtc_time now;

	memset(pf, 0, sizeof(*pf));
	vuart_init(&pf->uart, cfg->console_line, cfg->console_ctx);
	vpic_init(&pf->pic);
	vpit_init(&pf->pit, clock_ns, pf);
	rtc_read(&now);
	struct vrtc_config rc = {
		.base = { now.year, now.month, now.day, now.hour, now.min, now.sec },
		.base_ns = clock_ns(pf), .now_ns = clock_ns, .clock_ctx = pf,
		.ram_below_4g = guest_ram_low_size(cfg->ram_size),
		.ram_above_4g = guest_ram_high_size(cfg->ram_size),
	};
	vrtc_init(&pf->rtc, &rc);
	fwcfg_init(&pf->fwcfg, cfg->ram_size, cfg->ncpus ? cfg->ncpus : 1);
	vpm_init(&pf->pm, clock_ns, pf);
	vioapic_init(&pf->ioapic, &(struct vioapic_config){
		.id = (uint8_t)(cfg->ncpus ? cfg->ncpus : 1),   /* as the MADT says */
		.deliver = cfg->ioapic_deliver, .ctx = cfg->ioapic_ctx });
	memcpy(pf->vnet, cfg->vnet, sizeof(pf->vnet));
	pf->dirty = true;
}

void platform_lapic_reset(struct vlapic *l, unsigned id,
			  void (*ipi)(void *ctx, uint32_t dest, uint32_t icr_low),
			  void (*eoi)(void *ctx, uint8_t vector),
			  uint64_t (*now_tsc)(void *ctx), void *ctx)
{
	struct vlapic_config lc = {
		.apic_id = id, .bsp = id == 0, .x2apic = true, .tsc_deadline = true,
		.tsc_hz = tsc_hz(), .bus_hz = lapic_bus_hz(),
		.now_tsc = now_tsc ? now_tsc : host_clock_tsc,
		.ipi = ipi, .eoi = eoi, .ctx = ctx,
	};

	vlapic_init(l, &lc);
	if (id == 0)
		vlapic_setup_virtual_wire(l);
}

/* A device line goes to the 8259 and to the I/O APIC pin of the same
 * number (ISA IRQ n on GSI n, but the PIT: IRQ 0 on pin 2, as the MADT's
 * override says). */
static void set_line(struct platform *pf, int irq, bool level)
{
	vpic_set_irq(&pf->pic, irq, level);
	vioapic_set_irq(&pf->ioapic, (unsigned)irq, level);
}

void platform_update(struct platform *pf, uint64_t now)
{
	if (vpit_irq_due(&pf->pit, tsc_to_ns(now))) {
		vpic_pulse_irq(&pf->pic, VPIT_IRQ);
		vioapic_set_irq(&pf->ioapic, PLATFORM_PIT_GSI, true);   /* an edge */
		vioapic_set_irq(&pf->ioapic, PLATFORM_PIT_GSI, false);
	}
	set_line(pf, VUART_COM1_IRQ, vuart_irq_line(&pf->uart));
	set_line(pf, VRTC_IRQ, vrtc_irq_pending(&pf->rtc));
	set_line(pf, ACPI_GUEST_SCI_IRQ, vpm_sci_pending(&pf->pm));
	for (int n = 0; n < PLATFORM_MAX_VNET && pf->vnet[n]; n++)
		set_line(pf, PLATFORM_VNET_IRQ(n), vnet_irq_line(pf->vnet[n]));
}

int platform_next_vector(struct platform *pf, struct vlapic *l, bool *from_pic)
{
	int vec = vlapic_pending_vector(l);

	*from_pic = false;
	if (vec < 0 && pf && vlapic_accepts_pic(l)) {
		vec = vpic_pending_vector(&pf->pic);
		*from_pic = vec >= 0;
	}
	return vec;
}

void platform_ack(struct platform *pf, struct vlapic *l, int vec, bool from_pic)
{
	if (from_pic) {
		vpic_ack(&pf->pic, vec);
		pf->injected_pic++;
	} else {
		vlapic_ack(l, vec);
		if (pf)
			pf->injected_apic++;
	}
}

uint64_t platform_next_device_deadline(struct platform *pf)
{
	uint64_t d = UINT64_MAX, pit = vpit_next_irq_ns(&pf->pit), rtc = vrtc_next_irq_ns(&pf->rtc);

	if (pit != VPIT_NO_IRQ)
		d = MIN(d, ns_to_tsc(pit));
	if (rtc != VRTC_NO_IRQ)
		d = MIN(d, ns_to_tsc(rtc));
	return d;
}

uint64_t platform_next_deadline(struct platform *pf, const struct vlapic *l, uint64_t tsc_offset)
{
	uint64_t d = platform_host_tsc(vlapic_timer_deadline(l), tsc_offset);

	return pf ? MIN(d, platform_next_device_deadline(pf)) : d;
}

size_t platform_firmware_tables(uint8_t *buf, size_t cap, unsigned ncpus, unsigned nvnet)
{
	/*
	 * One vCPU: no MADT, so that the OS keeps the 8259 behind LINT0 (with
	 * a MADT, Linux goes to symmetric I/O mode).  Several: an OS finds
	 * its other CPUs only in the MADT, so it is there, with the I/O APIC
	 * that symmetric I/O mode then uses.
	 */
	struct acpi_guest_config cfg = { .ncpus = ncpus, .pm_base = PLATFORM_PM_BASE,
					 .sci_irq = ACPI_GUEST_SCI_IRQ, .no_madt = ncpus <= 1,
					 .ioapic_addr = (uint32_t)VIOAPIC_BASE };
	gpa_t rsdp;

	for (unsigned n = 0; n < nvnet && n < PLATFORM_MAX_VNET; n++)
		cfg.virtio[cfg.nvirtio++] = (struct acpi_guest_virtio){
			PLATFORM_VNET_GPA(n), VNET_MMIO_SIZE, (uint8_t)PLATFORM_VNET_IRQ(n) };
	return acpi_guest_build(buf, cap, GPA(PLATFORM_ACPI_GPA), &cfg, &rsdp);
}

/*
 * TSC frequency.  Guests see the host TSC unchanged, and the emulated
 * timers (PIT, local APIC, RTC, ACPI PM timer) convert it with the same
 * frequency the guest reads from CPUID leaf 0x15/0x16, so every clock
 * a guest can look at agrees with every other (SDM 18.7.3).
 *
 * The frequency is the one CPUID states, else measured (tsc_freq.c)
 * against the ACPI PM timer, else against the 8254: recent boards may
 * gate the 8254 off, while any board with ACPI hardware (that is, not
 * hardware-reduced) has the PM timer.  This file holds the hardware
 * reads; the choice and the arithmetic are in tsc_freq.c.
 */
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/tsc_freq.h"
#include "arch/x86_64/cpu.h"
#include "drivers/acpi.h"
#include "hv/log.h"

#define PM_TIMER_HZ 3579545u    /* ACPI 6.5, 4.8.3.3 */
#define PIT_HZ      1193182u    /* the 8254's input, 14.31818 MHz / 12 */

/* 8254 ports and the channel 2 gate (port 0x61, as on the PC/AT) */
#define PIT_CH2        0x42
#define PIT_MODE       0x43
#define PIT_GATE_PORT  0x61
#define PIT_GATE2      0x01
#define PIT_SPEAKER    0x02
#define PIT_CH2_MODE2  0xb4     /* channel 2, low then high byte, mode 2, binary */
#define PIT_CH2_LATCH  0x80

static uint64_t hz;

static uint64_t read_tsc(void *ctx)
{
	return rdtsc();
}

static uint32_t pm_timer_read(void *ctx)
{
	return inl((uint16_t)(uintptr_t)ctx);
}

/* Channel 2 as a free-running 16-bit down-counter: mode 2 with the
 * count 0 (65536), its gate on and the speaker off. */
static void pit_start(void *ctx)
{
	outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE2);
	outb(PIT_MODE, PIT_CH2_MODE2);
	outb(PIT_CH2, 0);
	outb(PIT_CH2, 0);
}

/* The latched count, negated: an up-counter. */
static uint32_t pit_read(void *ctx)
{
	uint8_t lo, hi;

	outb(PIT_MODE, PIT_CH2_LATCH);
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return (uint16_t)-(lo | hi << 8);
}

void tsc_init(const struct acpi_info *acpi)
{
	struct tsc_ref refs[2];
	unsigned n = 0;

	if (acpi->pm_tmr)
		refs[n++] = (struct tsc_ref){
			.source = TSC_FROM_PM_TIMER, .hz = PM_TIMER_HZ,
			.bits = acpi->pm_tmr_32bit ? 32 : 24, .read = pm_timer_read,
			.read_tsc = read_tsc, .ctx = (void *)(uintptr_t)acpi->pm_tmr };
	refs[n++] = (struct tsc_ref){
		.source = TSC_FROM_PIT, .hz = PIT_HZ, .bits = 16,
		.start = pit_start, .read = pit_read, .read_tsc = read_tsc };

	struct tsc_freq f = tsc_find(refs, n);

	if (!f.hz)
		panic("tsc: no frequency in CPUID, and no PM timer or 8254 to measure it by");
	hz = f.hz;
	log_printf("hv: tsc: %llu MHz (%s)\n", (unsigned long long)(hz / 1000000),
		   tsc_source_name(f.source));
}

uint64_t tsc_hz(void)
{
	return hz;
}

/* a * b / c without 128-bit division (no libgcc): exact while b * c < 2^64 */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return mul_div(ticks, 1000000000u, hz);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return mul_div(ns, hz, 1000000000u);
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + ns_to_tsc(us * 1000);

	while (rdtsc() < end)
		cpu_relax();
}

/*
 * TSC frequency.  Guests see the host TSC unchanged, and the emulated
 * timers (PIT, local APIC, RTC, ACPI PM timer) convert it with the same
 * frequency the guest reads from CPUID leaf 0x15/0x16, so every clock
 * a guest can look at agrees with every other (SDM 18.7.3).
 */
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "hv/log.h"

static uint64_t hz;

static uint64_t from_cpuid(void)
{
	uint32_t max = cpuid(0, 0).eax;

	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);
		if (r.eax && r.ebx && r.ecx)
			return (uint64_t)r.ecx * r.ebx / r.eax;
	}
	if (max >= 0x16) {
		uint32_t mhz = cpuid(0x16, 0).eax & 0xffff;
		if (mhz)
			return (uint64_t)mhz * 1000000;
	}
	return 0;
}

void tsc_init(void)
{
	hz = from_cpuid();
	if (!hz) {
		uint64_t t0 = rdtsc();
		udelay(10000);
		hz = (rdtsc() - t0) * 100;
	}
	log_printf("hv: tsc: %llu MHz\n", (unsigned long long)(hz / 1000000));
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

/*
 * PIT channel 2 waits and the TSC calibrated against them (timer.h).
 *
 * Channel 2 is the one whose gate and output the PC brings out to port
 * 0x61 (IBM PC/AT Technical Reference, "System Control Port B"): with the
 * gate high, mode 0 ("interrupt on terminal count", Intel 8254 data
 * sheet) holds OUT2 low from the count write until the count reaches
 * zero, so polling bit 5 of port 0x61 waits out the count.
 */
#include "timer.h"
#include "cpu.h"

#define PIT_HZ      1193182u
#define PIT_CH2     0x42
#define PIT_CONTROL 0x43
#define PIT_SEL_CH2 (2u << 6)
#define PIT_LOHI    (3u << 4)	/* count written LSB then MSB */
#define PIT_MODE0   (0u << 1)

#define PORT_B       0x61
#define PORT_B_GATE2 0x01
#define PORT_B_SPKR  0x02	/* speaker data: kept off */
#define PORT_B_OUT2  0x20

/* A safety net against a PIT that never counts, not a timeout: port reads
 * take a microsecond or so, far less than the longest wait needs. */
#define PIT_MAX_POLLS 20000000u

#define CALIBRATE_MS 10u

static uint32_t tsc_per_ms;

/* 1193182 Hz is 1193.182 ticks per millisecond; 32-bit arithmetic (no
 * libgcc for 64-bit division) holds us * 1193 for any us we accept. */
static uint32_t pit_ticks(uint32_t us)
{
	uint32_t t = (us * (PIT_HZ / 1000u) + (us * (PIT_HZ % 1000u)) / 1000u) / 1000u;

	return t ? t : 1;
}

bool timer_pit_wait_us(uint32_t us)
{
	if (us > TIMER_PIT_MAX_US)
		us = TIMER_PIT_MAX_US;
	uint32_t count = pit_ticks(us);

	cpu_outb(PORT_B, (uint8_t)((cpu_inb(PORT_B) & ~PORT_B_SPKR) | PORT_B_GATE2));
	cpu_outb(PIT_CONTROL, PIT_SEL_CH2 | PIT_LOHI | PIT_MODE0);
	cpu_outb(PIT_CH2, (uint8_t)count);
	cpu_outb(PIT_CH2, (uint8_t)(count >> 8));
	for (uint32_t i = 0; i < PIT_MAX_POLLS; i++)
		if (cpu_inb(PORT_B) & PORT_B_OUT2)
			return true;
	return false;
}

bool timer_init(void)
{
	uint64_t t0 = cpu_rdtsc();

	if (!timer_pit_wait_us(CALIBRATE_MS * 1000u))
		return false;
	uint64_t ticks = cpu_rdtsc() - t0;

	if (ticks >= (uint64_t)UINT32_MAX)	/* > 400 GHz: not a TSC we know */
		return false;
	tsc_per_ms = (uint32_t)ticks / CALIBRATE_MS;
	return tsc_per_ms != 0;
}

uint32_t timer_tsc_per_ms(void)
{
	return tsc_per_ms;
}

uint64_t timer_deadline_ms(uint32_t ms)
{
	return cpu_rdtsc() + (uint64_t)ms * tsc_per_ms;
}

bool timer_expired(uint64_t deadline)
{
	return cpu_rdtsc() >= deadline;
}

void timer_delay_ms(uint32_t ms)
{
	uint64_t end = timer_deadline_ms(ms);

	while (!timer_expired(end))
		cpu_pause();
}

/*
 * Busy-wait timing for guests.  The reference is channel 2 of the 8254
 * PIT, polled through port 0x61 (no interrupt needed); the TSC, calibrated
 * against it once, gives cheap deadlines for bounded waits.
 *
 *     if (!timer_init()) ...            calibrate (takes 10 ms)
 *     uint64_t end = timer_deadline_ms(100);
 *     while (!done && !timer_expired(end))
 *             cpu_pause();
 *
 * The TSC is read on the calling CPU: deadlines are meant for the CPU
 * that calibrated, or for CPUs whose TSCs run together.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* The longest single PIT wait: a 16-bit count at 1193182 Hz. */
#define TIMER_PIT_MAX_US 54000u

/* Wait us microseconds (at most TIMER_PIT_MAX_US) on PIT channel 2;
 * false if the counter never ran out (no PIT, or not counting). */
bool timer_pit_wait_us(uint32_t us);

/* Measure the TSC against the PIT; false if either does not count. */
bool timer_init(void);

/* TSC ticks per millisecond, as timer_init measured (0 before). */
uint32_t timer_tsc_per_ms(void);

/* The TSC value ms milliseconds from now, and whether it has passed. */
uint64_t timer_deadline_ms(uint32_t ms);
bool timer_expired(uint64_t deadline);

/* Wait ms milliseconds on the TSC. */
void timer_delay_ms(uint32_t ms);

#endif

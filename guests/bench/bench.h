/*
 * bench: cycle counts of the exits the hypervisor handles, for the
 * benchmark report.  Each figure is printed on one line:
 *
 *     bench: empty min=<n> mean=<n>
 *     bench: <key> min=<n> mean=<n> n=<samples>
 *     bench: done
 *
 * Figures are TSC ticks with the empty measurement's minimum taken off.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* Running minimum and sum of a set of samples. */
struct bench_stats {
	uint64_t min, sum;
	uint32_t n;
};

void stats_reset(struct bench_stats *s);
void stats_add(struct bench_stats *s, uint64_t ticks);
/* sum / n, rounded down (0 for no samples). */
uint64_t stats_mean(const struct bench_stats *s);

/* One timed instruction: returns the TSC ticks from just before to just
 * after it (timed.c). */
typedef uint64_t (*bench_sample_fn)(void);

uint64_t timed_empty(void);
uint64_t timed_cpuid(void);
uint64_t timed_vmcall(void);
uint64_t timed_uart_scratch_write(void);
uint64_t timed_unused_port_read(void);
uint64_t timed_rdmsr_efer(void);
uint64_t timed_wrmsr_efer(void);
/* First store to the byte at addr. */
uint64_t timed_touch(uint32_t addr);

/* The value timed_wrmsr_efer writes back; set before timing it. */
extern uint64_t timed_efer_value;

/* 64-by-32-bit division without libgcc (fmt.c divides the same way). */
uint64_t bench_div(uint64_t n, uint32_t d);

#endif

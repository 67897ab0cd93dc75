/*
 * The TSC's frequency as plain logic, apart from the hardware it reads,
 * so that host unit tests can drive it (tests/unit/test_tsc_freq.c):
 *
 *   tsc_find()     the frequency CPUID leaf 0x15 or 0x16 states, else
 *                  the median of a few windows measured against the
 *                  first reference counter that runs (arch/x86_64/tsc.c
 *                  passes the ACPI PM timer, then the 8254);
 *   tsc_leaf_15()  and back: the leaves a guest reads, stating that
 *   tsc_leaf_16()  frequency even on a host whose CPU has no such leaf.
 *
 * CPUID leaves: SDM Vol. 2A, CPUID, leaves 15H and 16H.
 */
#ifndef ARCH_TSC_FREQ_H
#define ARCH_TSC_FREQ_H

#include "hv/types.h"
#include "arch/x86_64/cpu.h"

/* Where a frequency came from, in the order they are tried. */
enum tsc_source {
	TSC_FROM_NONE,
	TSC_FROM_CPUID_15,      /* crystal Hz * EBX / EAX */
	TSC_FROM_CPUID_16,      /* base MHz */
	TSC_FROM_PM_TIMER,      /* measured */
	TSC_FROM_PIT,           /* measured */
};

/* "cpuid 0x15", "cpuid 0x16", "acpi pm timer", "8254 pit", "none" */
const char *tsc_source_name(enum tsc_source s);

/*
 * A free-running up-counter of known frequency that wraps at 2^bits, and
 * the TSC to measure against it.  Both are callbacks so that a test can
 * make them advance together.  start, if not NULL, sets the counter
 * going: it is called only if the counter is going to be read.
 */
struct tsc_ref {
	enum tsc_source source;
	uint32_t hz;
	unsigned bits;                  /* 1..32 */
	void (*start)(void *ctx);
	uint32_t (*read)(void *ctx);
	uint64_t (*read_tsc)(void *ctx);
	void *ctx;
};

#define TSC_WINDOWS       5         /* measurements, of which the median counts */
#define TSC_WINDOW_PER_S  100       /* each one 1/100 s of reference ticks */
/* A counter that shows the same value this many reads in a row has
 * stopped (or is not there): at 3.58 or 1.19 MHz it moves every few
 * reads, an I/O read taking the better part of a microsecond. */
#define TSC_REF_STUCK_READS 1000000

/* The TSC frequency in Hz measured against ref: the median of
 * TSC_WINDOWS windows, 0 if the counter stood still. */
uint64_t tsc_measure(const struct tsc_ref *ref);

struct tsc_freq {
	uint64_t hz;                    /* 0: nothing worked */
	enum tsc_source source;
};

/* CPUID leaf 0x15 (with the crystal in ECX), leaf 0x16, then each of
 * refs[0..n) in turn.  A measured frequency is rounded to the kHz. */
struct tsc_freq tsc_find(const struct tsc_ref *refs, unsigned n);

/* The crystal leaf 0x15 states when the host's leaf does not: the
 * virtual local APIC's timer runs at it (Linux takes the APIC timer to
 * run at the crystal clock once leaf 0x15 names one). */
#define TSC_GUEST_CRYSTAL_HZ 100000000u

/* A guest's leaves 0x15 and 0x16 for a TSC of tsc_hz: the host's when
 * they state a frequency (leaf 0x15 only with its crystal), else made
 * to state tsc_hz: 0x15 over TSC_GUEST_CRYSTAL_HZ, 0x16 in MHz. */
struct cpuid_regs tsc_leaf_15(uint64_t tsc_hz);
struct cpuid_regs tsc_leaf_16(uint64_t tsc_hz);

#endif

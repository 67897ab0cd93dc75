/* units: arch/x86_64/tsc_freq.c tests/unit/fake_cpu.c */
/*
 * The TSC frequency logic (arch/x86_64/tsc_freq.c) against fake clocks:
 * the measurement (median of windows, one spoilt; counters of 24 bits
 * that wrap, of 32 bits, with junk above 24 bits; a counter that stands
 * still), the order of the sources (CPUID 0x15, 0x16, then each
 * reference clock), and the leaves 0x15/0x16 a guest is given.
 *
 * The fake clocks share one simulated time, counted in slots: a
 * reference read takes one slot, a reference tick is SLOTS_PER_TICK
 * slots and the TSC counts TSC_PER_SLOT a slot, so an unspoilt window
 * measures the frequency exactly.
 */
#include "check.h"
#include "fake_cpu.h"
#include "arch/x86_64/tsc_freq.h"

#define SLOTS_PER_TICK 4
#define TSC_PER_SLOT   200
#define PM_HZ          3579545u
/* the TSC the fake clocks make: 2863.636 MHz */
#define FAKE_TSC_HZ    ((uint64_t)PM_HZ * SLOTS_PER_TICK * TSC_PER_SLOT)

struct fake_clock {
	uint64_t slot;                  /* simulated time */
	uint32_t base;                  /* the reference's value at slot 0 */
	unsigned bits;                  /* the reference's width, 0 = 32 */
	uint32_t junk;                  /* or-ed into every other reference read */
	bool stuck;                     /* the reference never moves */
	unsigned reads, tsc_reads, starts;
	/* tsc_reads numbered stall_at[i] (from 1) wait stall slots first */
	unsigned stall_at[3];
	uint64_t stall;
};

static uint32_t clock_read(void *ctx)
{
	struct fake_clock *c = ctx;

	c->reads++;
	c->slot++;
	if (c->stuck)
		return c->base;
	uint32_t v = c->base + (uint32_t)(c->slot / SLOTS_PER_TICK);
	if (c->bits && c->bits < 32)
		v &= (1u << c->bits) - 1;
	return c->reads & 1 ? v | c->junk : v;
}

static uint64_t clock_tsc(void *ctx)
{
	struct fake_clock *c = ctx;

	c->tsc_reads++;
	for (unsigned i = 0; i < ARRAY_SIZE(c->stall_at); i++)
		if (c->stall_at[i] == c->tsc_reads)
			c->slot += c->stall;
	return c->slot * TSC_PER_SLOT;
}

static void clock_start(void *ctx)
{
	((struct fake_clock *)ctx)->starts++;
}

static struct tsc_ref ref_of(struct fake_clock *c, enum tsc_source src, unsigned bits)
{
	return (struct tsc_ref){ .source = src, .hz = PM_HZ, .bits = bits, .start = clock_start,
				 .read = clock_read, .read_tsc = clock_tsc, .ctx = c };
}

/* ---- measuring -------------------------------------------------------------- */

static void test_measure_exact(void)
{
	struct fake_clock c = { .base = 1000 };
	struct tsc_ref r = ref_of(&c, TSC_FROM_PM_TIMER, 24);

	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	CHECK_EQ(c.starts, 1);
	CHECK_EQ(c.tsc_reads, 2 * TSC_WINDOWS);            /* each window: start, end */
	/* each window waits ~1/100 s of ticks, and not much more */
	CHECK(c.reads >= TSC_WINDOWS * (PM_HZ / TSC_WINDOW_PER_S) * SLOTS_PER_TICK);
	CHECK(c.reads <= TSC_WINDOWS * (PM_HZ / TSC_WINDOW_PER_S + 2) * SLOTS_PER_TICK);
}

/* An SMI between a reference read and the TSC read spoils that window;
 * two spoilt ones (one long, one short) out of five leave the median.
 * TSC reads 2k-1 and 2k start and end window k. */
static void test_measure_median_outliers(void)
{
	struct fake_clock c = { .stall_at = { 4 }, .stall = 40000 };   /* window 2's end */
	struct tsc_ref r = ref_of(&c, TSC_FROM_PM_TIMER, 32);

	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	c = (struct fake_clock){ .stall_at = { 2, 7 }, .stall = 40000 };   /* 1's end, 4's start */
	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	/* three of five: the median is a spoilt one (the stall is ~28% of a window) */
	c = (struct fake_clock){ .stall_at = { 2, 4, 6 }, .stall = 40000 };
	CHECK(tsc_measure(&r) > FAKE_TSC_HZ / 100 * 120);
}

static void test_measure_24bit_wrap(void)
{
	/* a 24-bit timer 50000 ticks below its wrap: every window of ~35795
	 * ticks is near it, the second crosses it */
	struct fake_clock c = { .bits = 24, .base = (1u << 24) - 50000 };
	struct tsc_ref r = ref_of(&c, TSC_FROM_PM_TIMER, 24);

	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	CHECK(c.base + c.slot / SLOTS_PER_TICK > (1u << 24));   /* it did wrap */

	/* bits 31:24 of a 24-bit timer are not the count, even if they
	 * change from one read to the next */
	c = (struct fake_clock){ .bits = 24, .base = (1u << 24) - 50000, .junk = 0x5a000000 };
	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);

	/* one wrapped window would hide behind the median: here 16 bits of
	 * ~35795-tick windows wrap in windows 1, 2 and 4 of 5 */
	c = (struct fake_clock){ .bits = 16, .base = 0xffff - 100 };
	r.bits = 16;
	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	CHECK(c.slot / SLOTS_PER_TICK > 2 * 65536);
}

static void test_measure_32bit_wrap(void)
{
	struct fake_clock c = { .base = 0xffffffffu - 50000 };
	struct tsc_ref r = ref_of(&c, TSC_FROM_PM_TIMER, 32);

	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
	CHECK(c.slot / SLOTS_PER_TICK > 50000);                 /* it did wrap */
	/* and past 2^24 without wrapping: all 32 bits count */
	c = (struct fake_clock){ .base = (1u << 24) - 50000 };
	CHECK_EQ(tsc_measure(&r), FAKE_TSC_HZ);
}

static void test_measure_16bit_down_counter(void)
{
	/* the 8254 reads as an up-counter of 16 bits: it wraps every window */
	struct fake_clock c = { .base = 0xfff0 };
	struct tsc_ref r = ref_of(&c, TSC_FROM_PIT, 16);

	r.hz = 1193182;
	CHECK_EQ(tsc_measure(&r), (uint64_t)1193182 * SLOTS_PER_TICK * TSC_PER_SLOT);
}

static void test_measure_stuck(void)
{
	struct fake_clock c = { .stuck = true, .base = 0x123 };
	struct tsc_ref r = ref_of(&c, TSC_FROM_PM_TIMER, 24);

	CHECK_EQ(tsc_measure(&r), 0);
	CHECK(c.reads <= TSC_REF_STUCK_READS + 1);          /* gave up, did not spin */
	r.hz = 0;
	CHECK_EQ(tsc_measure(&r), 0);
	r.hz = PM_HZ;
	r.bits = 0;
	CHECK_EQ(tsc_measure(&r), 0);
}

/* ---- choosing the source ------------------------------------------------------ */

static struct fake_clock pm, pit;
static struct tsc_ref refs[2];

static void sources_reset(void)
{
	fake_cpu_reset();
	pm = (struct fake_clock){ 0 };
	pit = (struct fake_clock){ 0 };
	refs[0] = ref_of(&pm, TSC_FROM_PM_TIMER, 24);
	refs[1] = ref_of(&pit, TSC_FROM_PIT, 16);
}

static void test_source_cpuid_15(void)
{
	sources_reset();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 188, 38400000, 0);        /* 38.4 MHz * 188/2 */
	fake_cpuid_set(0x16, 0, 3000, 4000, 100, 0);
	struct tsc_freq f = tsc_find(refs, 2);
	CHECK_EQ(f.hz, 3609600000ull);
	CHECK_EQ(f.source, TSC_FROM_CPUID_15);
	CHECK_EQ(pm.reads + pit.reads + pm.starts + pit.starts, 0);   /* nothing measured */
	CHECK(strcmp(tsc_source_name(f.source), "cpuid 0x15") == 0);
}

static void test_source_cpuid_16(void)
{
	sources_reset();
	/* leaf 0x15 without its crystal (ECX 0) does not state the frequency */
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 176, 0, 0);
	fake_cpuid_set(0x16, 0, 0x00010bb8, 4000, 100, 0);   /* bits 31:16 are not MHz */
	struct tsc_freq f = tsc_find(refs, 2);
	CHECK_EQ(f.hz, 3000000000ull);
	CHECK_EQ(f.source, TSC_FROM_CPUID_16);
	CHECK_EQ(pm.reads + pit.reads, 0);
	CHECK(strcmp(tsc_source_name(f.source), "cpuid 0x16") == 0);
}

static void test_source_pm_timer(void)
{
	sources_reset();
	/* leaves past the host's maximum do not count, whatever they read */
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0xd, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 188, 38400000, 0);
	fake_cpuid_set(0x16, 0, 3000, 4000, 100, 0);
	struct tsc_freq f = tsc_find(refs, 2);
	CHECK_EQ(f.hz, FAKE_TSC_HZ);
	CHECK_EQ(f.source, TSC_FROM_PM_TIMER);
	CHECK_EQ(pit.reads + pit.starts, 0);                  /* the 8254 is not touched */
	CHECK(strcmp(tsc_source_name(f.source), "acpi pm timer") == 0);

	/* a host with 0x16 but a base of 0 MHz: measured too */
	sources_reset();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	CHECK_EQ(tsc_find(refs, 2).source, TSC_FROM_PM_TIMER);
}

static void test_source_pit_fallback(void)
{
	sources_reset();
	pm.stuck = true;                                      /* a PM timer that does not run */
	refs[1].hz = 1193182;
	struct tsc_freq f = tsc_find(refs, 2);
	CHECK_EQ(f.hz, 954546000ull);          /* 1193182 * 800 = 954545.6 kHz */
	CHECK_EQ(f.source, TSC_FROM_PIT);
	CHECK_EQ(pit.starts, 1);
	CHECK(strcmp(tsc_source_name(f.source), "8254 pit") == 0);

	/* no PM timer at all (the FADT names none): the 8254 alone */
	sources_reset();
	refs[1].hz = 1193182;
	CHECK_EQ(tsc_find(&refs[1], 1).source, TSC_FROM_PIT);

	/* nothing */
	sources_reset();
	pm.stuck = pit.stuck = true;
	f = tsc_find(refs, 2);
	CHECK_EQ(f.hz, 0);
	CHECK_EQ(f.source, TSC_FROM_NONE);
	CHECK(strcmp(tsc_source_name(f.source), "none") == 0);
	CHECK_EQ(tsc_find(NULL, 0).hz, 0);
}

/* A measurement is rounded to the kHz. */
static void test_source_rounding(void)
{
	sources_reset();
	refs[0].hz = 3579547;     /* the fake TSC is then 2863637.6 kHz: rounds up */
	CHECK_EQ(tsc_find(refs, 2).hz, 2863638000ull);
}

/* ---- the guest's leaves ----------------------------------------------------------- */

/* What Linux makes of leaf 0x15 (arch/x86/kernel/tsc.c): kHz. */
static uint64_t linux_tsc_khz(struct cpuid_regs r)
{
	return (uint64_t)(r.ecx / 1000) * r.ebx / r.eax;
}

static void test_leaf_15_made(void)
{
	static const uint64_t freqs[] = { 2863636000ull, 1000000000ull, 5200001000ull,
					  1000ull, 3609600000ull, 4294967296000ull };

	fake_cpu_reset();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0xd, 0, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(freqs); i++) {
		struct cpuid_regs r = tsc_leaf_15(freqs[i]);

		CHECK_EQ(r.ecx, TSC_GUEST_CRYSTAL_HZ);
		CHECK(r.eax && r.ebx);
		CHECK_EQ((uint64_t)r.ecx * r.ebx / r.eax, freqs[i]);   /* exact */
		CHECK_EQ(linux_tsc_khz(r), freqs[i] / 1000);
		CHECK_EQ(r.edx, 0);
	}
	struct cpuid_regs r = tsc_leaf_15(2863636000ull);
	CHECK_EQ(r.eax, 25000);               /* 100 MHz * 715909 / 25000, lowest terms */
	CHECK_EQ(r.ebx, 715909);
	r = tsc_leaf_15(0);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);

	/* the host's leaf without its crystal is replaced too */
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 176, 0, 0);
	r = tsc_leaf_15(2112000000ull);
	CHECK_EQ(r.ecx, TSC_GUEST_CRYSTAL_HZ);
	CHECK_EQ((uint64_t)r.ecx * r.ebx / r.eax, 2112000000ull);
}

static void test_leaf_15_host(void)
{
	fake_cpu_reset();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 188, 38400000, 0);
	struct cpuid_regs r = tsc_leaf_15(3609600000ull);
	CHECK_EQ(r.eax, 2);
	CHECK_EQ(r.ebx, 188);
	CHECK_EQ(r.ecx, 38400000);
}

static void test_leaf_16(void)
{
	fake_cpu_reset();
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0xd, 0, 0, 0);
	struct cpuid_regs r = tsc_leaf_16(2863636000ull);
	CHECK_EQ(r.eax, 2864);                /* base MHz, rounded */
	CHECK_EQ(r.ebx, 0);                   /* the maximum is not known */
	CHECK_EQ(r.ecx, TSC_GUEST_CRYSTAL_HZ / 1000000);
	CHECK_EQ(r.edx, 0);

	/* a host leaf 0x15 with its own crystal, no 0x16: the bus is that crystal */
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x15, 0, 0, 0);
	fake_cpuid_set(0x15, 0, 2, 188, 38400000, 0);
	r = tsc_leaf_16(3609600000ull);
	CHECK_EQ(r.eax, 3610);
	CHECK_EQ(r.ecx, 38);

	/* the host's own leaf 0x16 passes */
	fake_cpuid_set(0, FAKE_CPUID_ANY_SUB, 0x16, 0, 0, 0);
	fake_cpuid_set(0x16, 0, 3000, 4000, 100, 0);
	r = tsc_leaf_16(3609600000ull);
	CHECK_EQ(r.eax, 3000);
	CHECK_EQ(r.ebx, 4000);
	CHECK_EQ(r.ecx, 100);
}

int main(void)
{
	RUN(test_measure_exact);
	RUN(test_measure_median_outliers);
	RUN(test_measure_24bit_wrap);
	RUN(test_measure_32bit_wrap);
	RUN(test_measure_16bit_down_counter);
	RUN(test_measure_stuck);
	RUN(test_source_cpuid_15);
	RUN(test_source_cpuid_16);
	RUN(test_source_pm_timer);
	RUN(test_source_pit_fallback);
	RUN(test_source_rounding);
	RUN(test_leaf_15_made);
	RUN(test_leaf_15_host);
	RUN(test_leaf_16);
	return check_summary();
}

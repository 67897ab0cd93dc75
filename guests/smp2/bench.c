/*
 * smp2's bench mode (bench=N on the command line): two latencies for
 * make bench, N samples each, printed as "bench: <key> min= mean= n=".
 * Ticks are TSC ticks; under the harness (Bochs, clock: sync=none) they
 * are emulated instructions, and both vCPUs read the same clock (the
 * hypervisor gives every vCPU the TSC offset 0 unless the guest writes
 * its TSC, which smp2 does not).
 *
 * - timer_irq, timer_irq_halted: the BSP's LAPIC timer in TSC-deadline
 *   mode (CPUID.1:ECX[24], IA32_TSC_DEADLINE), deadline = now + LEAD;
 *   the BSP then spins on a counter in memory (no exits: the hypervisor
 *   must preempt it) or halts (sti; hlt: the HLT exit waits for the
 *   deadline).  latency = the handler's first RDTSC - the deadline.
 * - timer_irq_past: a deadline already past (1), written with interrupts
 *   on, timed from the RDTSC before the WRMSR: the exit-and-inject path
 *   alone, for comparison.
 * - ipi: the BSP reads the TSC and writes the ICR low word (xAPIC MMIO,
 *   destination already in ICR high) sending a fixed IPI to the AP,
 *   which spins in its idle loop.  latency = the AP handler's first
 *   RDTSC - the BSP's RDTSC before the write.
 *
 * The handler's RDTSC comes after the interrupt stub's PUSHA and CALL
 * and the handler's prologue (a handful of instructions).
 */
#include "smp2.h"

#define LEAD       5000u	/* deadline this far ahead: past the WRMSR's own exit */
#define SAMPLE_MS  100u		/* one interrupt, armed to taken */
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define LVT_TSC_DEADLINE (2u << 17)	/* timer mode, bits 18:17 */
#define MSR_TSC_DEADLINE 0x6e0u

struct sample_stats {
	uint32_t min, sum, n;
};

static void add(struct sample_stats *s, uint64_t t)
{
	uint32_t v = t > 0xffffffu ? 0xffffffu : (uint32_t)t;

	if (s->n == 0 || v < s->min)
		s->min = v;
	s->sum += v;
	s->n++;
}

static void print(const char *key, const struct sample_stats *s)
{
	con_printf("bench: %s min=%u mean=%u n=%u\n", key, s->min,
		   s->n ? s->sum / s->n : 0, s->n);
}

static bool wait_count(uint32_t cpu, uint32_t before)
{
	uint64_t end = timer_deadline_ms(SAMPLE_MS);

	while (ipi_count[cpu] == before)
		if (timer_expired(end))
			return false;
	return true;
}

/* One timer sample; false if no interrupt came. */
static bool timer_sample(bool halt, struct sample_stats *s)
{
	uint32_t before = ipi_count[BSP_APIC_ID];

	cpu_cli();
	uint64_t deadline = cpu_rdtsc() + LEAD;
	cpu_wrmsr(MSR_TSC_DEADLINE, deadline);
	if (halt)
		__asm__ volatile("sti; hlt" ::: "memory");	/* STI's shadow covers HLT */
	else
		cpu_sti();
	/* spin reading memory only: the loop makes no exit */
	while (ipi_count[BSP_APIC_ID] == before)
		if (cpu_rdtsc() > deadline + 50u * 1000 * 1000)
			return false;
	add(s, irq_tsc[BSP_APIC_ID] - deadline);
	return true;
}

/* A deadline already past, written with interrupts on: the interrupt is
 * due at the WRMSR's own exit.  From the RDTSC before the WRMSR to the
 * handler: the exit, the timer noticed, the injection, the entry. */
static bool past_sample(struct sample_stats *s)
{
	uint32_t before = ipi_count[BSP_APIC_ID];
	uint64_t t0 = cpu_rdtsc();

	cpu_wrmsr(MSR_TSC_DEADLINE, 1);
	while (ipi_count[BSP_APIC_ID] == before)
		if (cpu_rdtsc() > t0 + 50u * 1000 * 1000)
			return false;
	add(s, irq_tsc[BSP_APIC_ID] - t0);
	return true;
}

static bool bench_timer(uint32_t n)
{
	struct sample_stats spin = { 0 }, halted = { 0 }, past = { 0 };

	if (!(cpu_cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE)) {
		con_printf("bench: timer_irq skipped (no TSC-deadline mode in CPUID.1:ECX)\n");
		con_printf("bench: timer_irq_halted skipped (no TSC-deadline mode in CPUID.1:ECX)\n");
		return true;
	}
	lapic_write(LAPIC_LVT_TIMER, LVT_TSC_DEADLINE | IPI_VECTOR);
	for (uint32_t i = 0; i < n; i++)
		if (!timer_sample(false, &spin) || !timer_sample(true, &halted))
			break;
	cpu_sti();
	for (uint32_t i = 0; i < n; i++)
		if (!past_sample(&past))
			break;
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	check_eq("bench timer samples, deadline past", past.n, n);
	print("timer_irq_past", &past);
	check_eq("bench timer samples, spinning", spin.n, n);
	check_eq("bench timer samples, halted", halted.n, n);
	print("timer_irq", &spin);
	print("timer_irq_halted", &halted);
	ipi_count[BSP_APIC_ID] = 0;
	return spin.n == n && halted.n == n;
}

static bool bench_ipi(uint32_t n)
{
	struct sample_stats s = { 0 };

	lapic_write(LAPIC_ICR_HI, AP_APIC_ID << 24);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t before = ipi_count[AP_APIC_ID];
		uint64_t t0 = cpu_rdtsc();

		lapic_write(LAPIC_ICR_LO, ICR_FIXED | ICR_ASSERT | IPI_VECTOR);
		if (!wait_count(AP_APIC_ID, before))
			break;
		add(&s, irq_tsc[AP_APIC_ID] - t0);
	}
	check_eq("bench ipi samples", s.n, n);
	print("ipi", &s);
	return s.n == n;
}

void bench_run(uint32_t n)
{
	con_printf("bench: samples=%u lead=%u\n", n, LEAD);
	bench_timer(n);
	bench_ipi(n);
	con_printf("bench: done\n");
}

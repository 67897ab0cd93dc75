/*
 * The exit profile (profile.h): TSC deltas between the run loop's marks,
 * summed per exit reason.  Built only with make PROFILE=1.
 */
#ifdef HV_EXIT_PROFILE
#include "vmm/vcpu/profile.h"
#include "vmm/vmx/exit_reason.h"
#include "arch/x86_64/cpu.h"
#include "lib/fmt.h"
#include "vmm/vmx/vmx.h"
#include "hv/log.h"

static uint64_t sums[EXIT_REASON_COUNT][PROF_POINTS];
static uint64_t counts[EXIT_REASON_COUNT];
static uint64_t last;                 /* TSC at the previous mark */
static unsigned reason;               /* the exit being handled */
static uint64_t mark_cost;            /* ticks one mark adds to its segment */

void prof_reason(unsigned basic)
{
	reason = basic < EXIT_REASON_COUNT ? basic : 0;
	counts[reason]++;
}

void prof_mark(enum prof_point at)
{
	uint64_t now = rdtsc();

	if (last)
		sums[reason][at] += now - last;
	last = rdtsc();   /* the mark's own work is not in the next segment */
}

static void measure_mark_cost(void)
{
	uint64_t t0, t1;
	unsigned saved = reason;

	reason = 0;                       /* a throwaway row */
	prof_mark(PROF_EXIT);
	t0 = sums[0][PROF_REQUEUE];
	prof_mark(PROF_REQUEUE);
	t1 = sums[0][PROF_REQUEUE];
	mark_cost = t1 - t0;
	reason = saved;
}

/* What one VMREAD, VMWRITE and CPUID cost in ticks, with the checks the
 * wrappers in vmm/vmx/vmx.h add: 100 of each against an empty loop. */
static void insn_costs(void)
{
	uint64_t x = 0, t[5];

	t[0] = rdtsc();
	for (int i = 0; i < 100; i++)
		asm volatile("" : "+r"(x));
	t[1] = rdtsc();
	for (int i = 0; i < 100; i++)
		x += vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN);
	t[2] = rdtsc();
	for (int i = 0; i < 100; i++)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, x);   /* harmless: no event is injected */
	t[3] = rdtsc();
	for (int i = 0; i < 100; i++)
		x += cpuid(0, 0).eax;
	t[4] = rdtsc();
	uint64_t loop = t[1] - t[0];
	log_printf("hv: profile: ticks per instruction with its wrapper: vmread %llu.%02llu, vmwrite %llu.%02llu, cpuid %llu.%02llu (loop overhead taken off)\n",
		   (unsigned long long)((t[2] - t[1] - loop) / 100), (unsigned long long)((t[2] - t[1] - loop) % 100),
		   (unsigned long long)((t[3] - t[2] - loop) / 100), (unsigned long long)((t[3] - t[2] - loop) % 100),
		   (unsigned long long)((t[4] - t[3] - loop) / 100), (unsigned long long)((t[4] - t[3] - loop) % 100));
}

void prof_print(const char *guest)
{
	static const char *const names[PROF_POINTS] = {
		"entry+guest+exit", "requeue", "dispatch", "handler", "checks", "mail+tick", "inject+timer" };

	measure_mark_cost();
	insn_costs();
	for (unsigned r = 1; r < EXIT_REASON_COUNT; r++) {
		if (!counts[r])
			continue;
		char line[256];
		size_t n = 0;
		uint64_t total = 0;
		for (int k = 0; k < PROF_POINTS; k++) {
			uint64_t per = sums[r][k] / counts[r];
			per = per > mark_cost ? per - mark_cost : 0;
			total += per;
			fmt_append(line, sizeof(line), &n, " %s %llu", names[k], (unsigned long long)per);
		}
		line[n] = 0;
		log_printf("hv: guest %s: profile %s n=%llu:%s (sum %llu, one mark %llu)\n", guest,
			   exit_reason_name(r), (unsigned long long)counts[r], line,
			   (unsigned long long)total, (unsigned long long)mark_cost);
	}
}
#endif

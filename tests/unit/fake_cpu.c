/* The fake host CPU (see fake_cpu.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/tsc.h"
#include "drivers/rtc.h"
#include "vmm/focus.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/smp.h"
#include "pmm/kpage.h"

#define MAX_LEAVES 32
#define MAX_MSRS   32

struct leaf {
	uint32_t leaf, sub;
	struct cpuid_regs r;
};

struct msr {
	uint32_t msr;
	uint64_t val;
};

static struct leaf leaves[MAX_LEAVES];
static unsigned nleaves;
static struct msr msrs[MAX_MSRS];
static unsigned nmsrs;

unsigned fake_cpuid_calls;
uint64_t fake_cr[5];
uint64_t fake_tsc, fake_tsc_hz;
unsigned fake_xsetbv_calls;
uint32_t fake_xsetbv_xcr;
uint64_t fake_xsetbv_val;
unsigned fake_nmi_handler_calls, fake_lapic_eois, fake_sleeps, fake_focus_polls;
uint64_t fake_last_sleep_until;
void (*fake_focus_hook)(uint64_t now_tsc);

void fake_cpu_reset(void)
{
	nleaves = nmsrs = 0;
	fake_cpuid_calls = 0;
	memset(fake_cr, 0, sizeof(fake_cr));
	fake_tsc = 0;
	fake_tsc_hz = 1000000000ull;
	fake_xsetbv_calls = 0;
	fake_xsetbv_xcr = 0;
	fake_xsetbv_val = 0;
	fake_nmi_handler_calls = fake_lapic_eois = fake_sleeps = fake_focus_polls = 0;
	fake_kicks = 0;
	fake_deadline_arms = 0;
	fake_deadline_armed = 0;
	fake_kicked = 0;
	fake_last_sleep_until = 0;
	fake_focus_hook = NULL;
}

void fake_cpuid_set(uint32_t leaf, uint32_t sub, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	for (unsigned i = 0; i < nleaves; i++) {
		if (leaves[i].leaf == leaf && leaves[i].sub == sub) {
			leaves[i].r = (struct cpuid_regs){ eax, ebx, ecx, edx };
			return;
		}
	}
	if (nleaves == MAX_LEAVES)
		abort();
	leaves[nleaves++] = (struct leaf){ leaf, sub, { eax, ebx, ecx, edx } };
}

struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
	const struct leaf *any = NULL;

	fake_cpuid_calls++;
	for (unsigned i = 0; i < nleaves; i++) {
		if (leaves[i].leaf != leaf)
			continue;
		if (leaves[i].sub == sub)
			return leaves[i].r;
		if (leaves[i].sub == FAKE_CPUID_ANY_SUB)
			any = &leaves[i];
	}
	return any ? any->r : (struct cpuid_regs){ 0, 0, 0, 0 };
}

static struct msr *find_msr(uint32_t msr)
{
	for (unsigned i = 0; i < nmsrs; i++)
		if (msrs[i].msr == msr)
			return &msrs[i];
	return NULL;
}

void fake_msr_set(uint32_t msr, uint64_t val)
{
	struct msr *m = find_msr(msr);

	if (!m) {
		if (nmsrs == MAX_MSRS)
			abort();
		m = &msrs[nmsrs++];
		m->msr = msr;
	}
	m->val = val;
}

uint64_t rdmsr(uint32_t msr)
{
	struct msr *m = find_msr(msr);

	if (!m) {
		fprintf(stderr, "fake_cpu: rdmsr of unset MSR 0x%x (a #GP on hardware)\n", msr);
		abort();
	}
	return m->val;
}

bool rdmsr_safe(uint32_t msr, uint64_t *v)
{
	struct msr *m = find_msr(msr);

	if (m)
		*v = m->val;
	return m != NULL;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	fake_msr_set(msr, v);
}

uint64_t read_cr0(void) { return fake_cr[0]; }
uint64_t read_cr2(void) { return fake_cr[2]; }
uint64_t read_cr3(void) { return fake_cr[3]; }
uint64_t read_cr4(void) { return fake_cr[4]; }
void write_cr0(uint64_t v) { fake_cr[0] = v; }
void write_cr2(uint64_t v) { fake_cr[2] = v; }
void write_cr3(uint64_t v) { fake_cr[3] = v; }
void write_cr4(uint64_t v) { fake_cr[4] = v; }
uint64_t read_rflags(void) { return 0x2; }
uint64_t rdtsc(void) { return fake_tsc; }
void cpu_relax(void) { }

void halt_forever(void)
{
	fprintf(stderr, "fake_cpu: halt_forever()\n");
	abort();
}

void xsetbv(uint32_t xcr, uint64_t v)
{
	fake_xsetbv_calls++;
	fake_xsetbv_xcr = xcr;
	fake_xsetbv_val = v;
}

void trap_host_nmi(void)
{
	fake_nmi_handler_calls++;
}

/* ---- the host local APIC, the TSC clock, the console, the CMOS clock ------ */

void lapic_eoi(void)
{
	fake_lapic_eois++;
}

int fake_cpu_index;

int cpu_index(void)
{
	return fake_cpu_index;
}

unsigned fake_deadline_arms;
uint64_t fake_deadline_armed;

bool lapic_arm_deadline(uint64_t tsc)
{
	fake_deadline_arms++;
	fake_deadline_armed = tsc;
	return true;
}

unsigned fake_kicks;
uint32_t fake_kicked;

void cpu_kick(unsigned cpu)
{
	fake_kicks++;
	fake_kicked |= 1u << (cpu & 31);
}

void lapic_sleep_until(uint64_t tsc)
{
	fake_sleeps++;
	fake_last_sleep_until = tsc;
	if (tsc > fake_tsc)
		fake_tsc = tsc;
}

uint64_t tsc_hz(void)
{
	return fake_tsc_hz;
}

uint64_t tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / fake_tsc_hz);
}

uint64_t ns_to_tsc(uint64_t ns)
{
	return (uint64_t)((unsigned __int128)ns * fake_tsc_hz / 1000000000u);
}

void focus_poll(uint64_t now_tsc)
{
	fake_focus_polls++;
	if (fake_focus_hook)
		fake_focus_hook(now_tsc);
}

void rtc_read(struct rtc_time *t)
{
	*t = (struct rtc_time){ .year = 2024, .month = 1, .day = 2, .hour = 3, .min = 4, .sec = 5 };
}

/* Kernel pages: the exit tests make no partitions (vmm/net/net.c links
 * it); a test that does gives its own. */
__attribute__((weak)) hpa_t kpage_alloc(unsigned order)
{
	fprintf(stderr, "fake_cpu: kpage_alloc(%u) is not faked\n", order);
	abort();
}

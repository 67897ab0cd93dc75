/*
 * SMP start-up.  For each processor the MADT lists, the boot CPU copies
 * the real-mode trampoline below 1 MiB, fills in the page-table root, a
 * fresh stack and the entry point, and sends INIT, then SIPI twice (the
 * universal start-up algorithm, SDM 8.4.4.1).  Each AP sets up its own
 * GDT, TSS (with IST stacks) and per-CPU data, reports in, and parks.
 */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trampoline.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vectors.h"
#include "pmm/kpage.h"
#include "hv/string.h"
#include "hv/log.h"

#define STACK_PAGES 4


unsigned cpus_online = 1;
static volatile bool ap_started;

_Static_assert(sizeof(struct percpu) <= PAGE_SIZE, "an AP's struct percpu is one kernel page");

/* Main stack plus one guarded IST stack each for #DF, NMI, #MC and #PF. */
void cpu_setup_stacks(unsigned index, uint32_t apic_id, uint64_t stack_top)
{
	struct percpu *c;

	if (!percpu_area[index]) {   /* kept if the CPU fails to start: the slot is retried */
		percpu_area[index] = phys_to_virt(kpage_alloc(0));
		memset(percpu_area[index], 0, sizeof(struct percpu));
	}
	c = percpu_area[index];
	percpu_init(index, apic_id, stack_top);
	c->tss.ist[IST_DF - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_NMI - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_MC - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_PF - 1] = paging_alloc_stack(1);
}

static void ap_entry(uint64_t index)
{
	struct percpu *c = percpu_area[index];

	gdt_load(c);
	idt_load();
	lapic_init();
	c->state = CPU_PARKED;
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	ap_started = true;
	smp_park();
}

/*
 * Until paging is up the boot CPU has one static IST page for all four
 * vectors: a fault then is fatal (a panic), so they need not be apart.
 * bsp_setup_stacks() then gives it guarded IST stacks like an AP's.
 */
static uint8_t bsp_early_ist[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void bsp_percpu_init(uint64_t stack_top)
{
	struct percpu *c = percpu_area[0];

	percpu_init(0, 0, stack_top);
	for (int i = 0; i < 4; i++)
		c->tss.ist[i] = (uint64_t)bsp_early_ist + PAGE_SIZE;
}

void bsp_setup_stacks(void)
{
	struct percpu *c = percpu_area[0];

	/* the CPU reads the IST from the TSS at each interrupt: no reload */
	c->tss.ist[IST_DF - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_NMI - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_MC - 1] = paging_alloc_stack(1);
	c->tss.ist[IST_PF - 1] = paging_alloc_stack(1);
}

static bool start_one(unsigned index, uint32_t apic_id)
{
	struct trampoline_data *d = phys_to_virt(HPA(TRAMPOLINE_BASE + (trampoline_data - trampoline_start)));
	uint64_t stack = paging_alloc_stack(STACK_PAGES);

	cpu_setup_stacks(index, apic_id, stack);
	d->cr3 = (uint32_t)paging_root();
	d->efer_nx = paging_nx_enabled() ? (1u << 11) : 0;
	d->stack = stack;
	d->entry = (uint64_t)ap_entry;
	d->arg = index;
	ap_started = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_send_init(apic_id);
	udelay(10000);
	for (int sipi = 0; sipi < 2 && !ap_started; sipi++) {
		lapic_send_sipi(apic_id, TRAMPOLINE_BASE >> 12);
		for (int i = 0; i < 200 && !ap_started; i++)
			udelay(1000);
	}
	if (!ap_started)
		log_printf("hv: smp: cpu with APIC id %u did not start\n", apic_id);
	return ap_started;
}

unsigned smp_start(const uint32_t *apic_ids, unsigned n, unsigned max)
{
	uint32_t me = lapic_id();
	unsigned next = 1;

	percpu_area[0]->apic_id = me;
	percpu_area[0]->state = CPU_RUNNING;
	memcpy(phys_to_virt(HPA(TRAMPOLINE_BASE)), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	paging_identity_low(true);
	for (unsigned i = 0; i < n && next < max && next < MAX_CPUS; i++) {
		if (apic_ids[i] == me)
			continue;
		if (start_one(next, apic_ids[i]))
			next++;
	}
	paging_identity_low(false);
	return cpus_online;
}

bool smp_run_on(unsigned cpu, void (*fn)(void *), void *arg)
{
	if (cpu >= cpus_online)
		return false;
	struct percpu *c = percpu_area[cpu];

	if (c->state != CPU_PARKED)
		return false;
	c->work_arg = arg;
	__atomic_store_n(&c->work, fn, __ATOMIC_RELEASE);
	lapic_send_ipi(c->apic_id, VEC_IPI_WAKE);
	return true;
}

void cpu_kick(unsigned cpu)
{
	if (cpu < cpus_online && (int)cpu != cpu_index())
		lapic_send_ipi(percpu_area[cpu]->apic_id, VEC_IPI_WAKE);
}

void smp_park(void)
{
	struct percpu *c = this_cpu();

	for (;;) {
		asm volatile("cli");
		void (*fn)(void *) = __atomic_load_n(&c->work, __ATOMIC_ACQUIRE);
		if (fn) {
			c->work = NULL;
			c->state = CPU_RUNNING;
			fn(c->work_arg);
			c->state = CPU_PARKED;
			continue;
		}
		asm volatile("sti; hlt" ::: "memory");   /* sti shadow: no lost wake-up */
	}
}

/*
 * One guest's life on its CPU: load the image into fresh guest memory,
 * build the VMCS, check the guest state, then enter and handle exits
 * until the guest ends.  Everything that goes wrong here stops this
 * guest only; the hypervisor and the other partitions go on.
 */
#include "vmm/vcpu/run.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vcpu/inject.h"
#include "vmm/vcpu/msr.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/mailbox.h"
#include "vmm/vcpu/profile.h"
#include "vmm/partition.h"
#include "vmm/net/net.h"
#include "vmm/focus.h"
#include "drivers/cmdline.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/vmx/vmx_caps.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/vectors.h"
#include "pmm/kpage.h"
#include "lib/fmt.h"
#include "hv/log.h"
#include "hv/string.h"

static int mem_write(void *ctx, gpa_t gpa, const void *src, uint64_t len)
{
	return guest_write(ctx, gpa, src, len) ? 0 : -1;
}

/* Fresh memory is zero already (zeroed when first mapped): map it only. */
static int mem_zero(void *ctx, gpa_t gpa, uint64_t len)
{
	static const uint8_t zeros[256];

	while (len) {
		uint64_t n = MIN(len, sizeof(zeros));
		if (!guest_write(ctx, gpa, zeros, n))
			return -1;
		gpa.v += n;
		len -= n;
	}
	return 0;
}

static void print_stats(struct partition *p)
{
	const struct ept_stats *s = &p->ept.stats;
	uint64_t counts[EXIT_REASON_COUNT] = { 0 }, exits = 0;
	char top[160], vcpus[32] = "", net[160];
	size_t n = 0;
	bool used[EXIT_REASON_COUNT] = { false };

	/* every vCPU's exits together */
	for (int i = 0; i < p->nvcpus; i++) {
		const struct vcpu *v = &p->vcpus[i];
		exits += v->exits;
		for (int r = 0; r < EXIT_REASON_COUNT; r++)
			counts[r] += v->exit_counts[r];
	}
	/* the three most frequent exit reasons */
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int r = 0; r < EXIT_REASON_COUNT; r++)
			if (!used[r] && counts[r] && (best < 0 || counts[r] > counts[best]))
				best = r;
		if (best < 0)
			break;
		used[best] = true;
		fmt_append(top, sizeof(top), &n, "%s%s %llu", k ? ", " : "",
			   exit_reason_name((unsigned)best), (unsigned long long)counts[best]);
	}
	top[n] = 0;
	if (p->nvcpus > 1) {
		size_t m = 0;
		fmt_append(vcpus, sizeof(vcpus), &m, " on %d vcpus", p->nvcpus);
		vcpus[m] = 0;
	}
	size_t k = 0;
	net_stats_append(p, net, sizeof(net), &k);
	net[k] = 0;
	log_printf("hv: guest %s: stats: exits %llu%s (%s), ept faults 4k=%llu 2m=%llu 1g=%llu, ept tables %llu%s\n",
		   p->name, (unsigned long long)exits, vcpus, top,
		   (unsigned long long)s->faults_4k, (unsigned long long)s->faults_2m,
		   (unsigned long long)s->faults_1g, (unsigned long long)s->tables, net);
}

static void console_line(void *ctx, const char *line, size_t len)
{
	struct partition *p = ctx;

	log_printf("[%s] %.*s\n", p->name, (int)len, line);
}

/* ---- the run loop -------------------------------------------------------- */

/* The guest's ACPI tables, built in a page of this CPU's own. */
static bool load_firmware_tables(struct partition *p)
{
	hpa_t page = kpage_alloc(0);
	size_t n = platform_firmware_tables(phys_to_virt(page), PAGE_SIZE, (unsigned)p->nvcpus,
					    (unsigned)p->nnets);
	bool ok = n && guest_write(p, GPA(PLATFORM_ACPI_GPA), phys_to_virt(page), n);

	kpage_free(page, 0);
	return ok;
}

static bool boot_guest(struct partition *p)
{
	struct vcpu *v = &p->vcpus[0];
	struct guest_mem mem = { p->ram_size, mem_write, mem_zero, p };
	struct boot_state boot;
	char why[160];

	partition_reset_aps(p);     /* they wait for a SIPI, out of the guest */
	ept_reset(&p->ept);
	invept_single(ept_eptp(&p->ept));
	vcpu_msr_state_reset(&v->msr);   /* TSC offset 0: the guest's TSC is the host's */
	struct platform_config pc = {
		.ram_size = p->ram_size, .ncpus = (unsigned)p->nvcpus,
		.console_line = console_line, .console_ctx = p,
		.ioapic_deliver = partition_ioapic_deliver, .ioapic_ctx = p };
	for (int i = 0; i < p->nnets; i++)
		pc.vnet[i] = &p->net[i]->vnet;
	partition_dev_lock(p);
	net_reset(p);
	partition_dev_unlock(p);
	platform_reset(&p->platform, &pc);
	platform_lapic_reset(&v->lapic, 0, vcpu_send_ipi, vcpu_level_eoi, vcpu_lapic_clock, v);
	memset(&v->mbox, 0, sizeof(v->mbox));
	v->init_pending = v->sipi_pending = v->nmi_pending = false;
	v->mode = VCPU_RUN;
	memset(v->exit_counts, 0, sizeof(v->exit_counts));
	v->exits = 0;
	p->end_reason[0] = 0;
	p->ended = false;
	p->killed = false;
	p->shutdown_progress = 0;
	if (loader_load(p->cfg->format, p->image, p->image_size, p->cfg->cmdline, p->mods, p->nmods,
			&mem, &boot, why, sizeof(why)) != 0) {
		guest_end(v, "not started", "image %s: %s", p->cfg->image, why);
		return false;
	}
	if (!load_firmware_tables(p)) {
		guest_end(v, "not started", "no room for the ACPI tables");
		return false;
	}
	if (read_cr4() & CR4_OSXSAVE)
		xsetbv(0, 1);   /* XCR0 = x87 only, as at reset */
	if (!vmcs_setup(v, &boot)) {
		guest_end(v, "not started", "the VMCS could not be set up");
		return false;
	}
	if (!vmcs_check_guest(v, why, sizeof(why))) {
		guest_end(v, "not started", "invalid guest state: %s", why);
		return false;
	}
	return true;
}

/* Printed at the first VM entry of the first guest: the start-up figure. */
static void report_startup(void)
{
	static bool done;
	uint64_t now = rdtsc(), zero = partition_zeroing_ticks();

	if (__atomic_exchange_n(&done, true, __ATOMIC_ACQ_REL))
		return;
	log_printf("hv: startup: %llu ticks from the multiboot2 entry to the first VM entry, %llu of them zeroing guest memory\n",
		   (unsigned long long)(now - hv_start_tsc), (unsigned long long)zero);
}

/* What the hypervisor keeps for a partition besides guest RAM and EPT tables. */
static void report_memory(struct partition *p)
{
	uint64_t bytes = sizeof(*p) + PAGE_SIZE /* VMCS */ + 2 * PAGE_SIZE /* I/O bitmaps */ +
			 PAGE_SIZE /* MSR bitmap */ + p->pool.meta_bytes +
			 (uint64_t)p->nnets * sizeof(struct net_dev);

	log_printf("hv: guest %s: hypervisor memory %llu KiB (VMCS, bitmaps, devices, pool index)\n",
		   p->name, (unsigned long long)(bytes >> 10));
}

/* With "debug": a line every 2^30 TSC ticks saying where the guest is. */
static void heartbeat(struct vcpu *v, uint64_t *next)
{
	if (!v->part->opts->debug)
		return;
	uint64_t now = rdtsc();
	if (now < *next)
		return;
	*next = now + (1ull << 30);
	const struct platform *pf = &v->part->platform;
	const struct vpic_chip *m = &pf->pic.chip[0];
	log_printf("hv: guest %s: debug: vcpu %d rip %llx exits %llu; pic irr %02x isr %02x imr %02x base %02x; "
		   "lint0 %x; uart ier %02x mcr %02x line %d; injected pic %llu apic %llu\n", v->part->name,
		   v->id, (unsigned long long)vmcs_readl(VMCS_GUEST_RIP), (unsigned long long)v->exits,
		   m->irr, m->isr, m->imr, m->vector_base, v->lapic.lvt[VLAPIC_LVT_LINT0],
		   pf->uart.ier, pf->uart.mcr, vuart_irq_line(&pf->uart),
		   (unsigned long long)pf->injected_pic, (unsigned long long)pf->injected_apic);
}

/* selftest=exitfault: a page fault in the hypervisor, on the guest's behalf. */
static volatile uintptr_t selftest_null;

static void selftest_fault(void)
{
	log_printf("hv: selftest: faulting while handling an exit -> %d\n",
		   *(volatile int *)(selftest_null + 8));
}

/* The run loop's slow work: console input, and the exit-fault self test. */
static void every_tick(struct vcpu *v, uint64_t now)
{
	struct partition *p = v->part;

	focus_poll(now);
	/* a device state no timer announces (the PM timer's overflow bit)
	 * is still seen within a millisecond */
	if (v->id == 0)
		platform_touch(&p->platform);
	if (v->id == 0 && !ring_empty(&p->console_in))
		vcpu_take_console_input(p);
	if (p->opts->selftest == HV_SELFTEST_EXITFAULT && p->id == 0 && v->exits >= 100)
		selftest_fault();
}

static void run_loop(struct vcpu *v)
{
	struct partition *p = v->part;
	uint64_t next_beat = 0, next_tick = 0, tick = tsc_hz() / 1000;
	const bool *vmx_failed_here = &vmx_failed[cpu_index()];   /* a vCPU stays on its CPU */

	for (;;) {
		uint64_t now = rdtsc();
		/* another vCPU's IPI, INIT, EPT change or end of the partition:
		 * all of them come as mail (vcpu_take_mail() keeps the flag up
		 * while the partition stops or an INIT waits) */
		if (mbox_has_mail(&v->mbox)) {
			vcpu_take_mail(v);
			if (p->stop || v->init_pending)
				return;
			if (v->id == 0 && net_work_pending(p))   /* frames wait in a switch */
				net_poll(p);
		}
		if (now >= next_tick) {   /* about once a millisecond, not on every exit */
			next_tick = now + tick;
			every_tick(v, now);
		}
		prof_mark(PROF_MAIL);
		if (!vcpu_entry_is_quiet(v, now, next_tick)) {
			vcpu_inject_interrupts(v, now);
			vcpu_arm_exit_timer(v, now, next_tick);
		}
		prof_mark(PROF_ENTER);
		int err = vmx_enter(&v->regs, v->launched);
		prof_mark(PROF_EXIT);
		if (err) {
			guest_end(v, "killed", "%s failed: %s", v->launched ? "VMRESUME" : "VMLAUNCH",
				  err == 1 ? "no current VMCS" :
				  vmx_insn_error_name((unsigned)vmcs_read32(VMCS_VM_INSTRUCTION_ERROR)));
			vcpu_dump(v);
			return;
		}
		v->launched = true;
		vcpu_requeue_interrupted_event(v);
		prof_mark(PROF_REQUEUE);
		if (!exit_dispatch(v, vmcs_read32(VMCS_EXIT_REASON)))
			return;
		prof_mark(PROF_HANDLED);
		heartbeat(v, &next_beat);
		if (*vmx_failed_here) {
			guest_end(v, "killed", "a VMX instruction failed while handling its exit");
			return;
		}
		prof_mark(PROF_CHECKED);
	}
}

/*
 * Enter and handle exits until the guest ends.  A fault the hypervisor
 * takes on the guest's behalf comes back here (arch/x86_64/recover.h)
 * and ends this guest; the host goes on.
 */
void vcpu_run(struct vcpu *v)
{
	struct percpu *c = this_cpu();
	struct recover_point rp;

	report_startup();
	v->in_guest = true;
	if (recover_save(&rp)) {
		const struct recover_fault *f = &c->fault;

		partition_unlock_after_fault(v->part);
		net_unlock_after_fault();
		guest_end(v, "killed", "the hypervisor took exception %llu (error 0x%llx) at %llx, cr2 %llx, "
			  "handling its exit", (unsigned long long)f->vector, (unsigned long long)f->error,
			  (unsigned long long)f->rip, (unsigned long long)f->cr2);
		vcpu_dump(v);
		c->recover = NULL;
		__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
		return;
	}
	c->recover = &rp;
	run_loop(v);
	c->recover = NULL;
	__atomic_store_n(&v->in_guest, false, __ATOMIC_RELEASE);
}

static void setup_bitmaps(struct partition *p)
{
	p->io_bitmap = kpage_alloc(1);
	memset(phys_to_virt(p->io_bitmap), 0xff, 2 * PAGE_SIZE);   /* every port exits */
	p->msr_bitmap = kpage_alloc(0);
	msr_bitmap_init(p->msr_bitmap);
}

/*
 * on_exit = restart brings back a guest that ran, not one that could not
 * start (that would fail the same way again).  A guest killed soon after
 * each start waits longer before each new try, and after
 * RESTART_QUICK_MAX such deaths in a row it stays down.
 */
#define RESTART_QUICK_MS  100     /* killed within this of its start: "at once" */
#define RESTART_QUICK_MAX 5
#define RESTART_WAIT_MS   10      /* the first wait; doubled each time */

static bool may_restart(struct partition *p, bool ran, uint64_t ran_ticks)
{
	if (!ran) {
		log_printf("hv: guest %s: not restarted: it could not start\n", p->name);
		return false;
	}
	if (!p->killed || ran_ticks >= tsc_hz() / 1000 * RESTART_QUICK_MS) {
		p->quick_deaths = 0;
		return true;
	}
	if (++p->quick_deaths >= RESTART_QUICK_MAX) {
		log_printf("hv: guest %s: not restarted: killed %u times in a row within %u ms of its start\n",
			   p->name, p->quick_deaths, RESTART_QUICK_MS);
		return false;
	}
	lapic_sleep_until(rdtsc() + (tsc_hz() / 1000 * RESTART_WAIT_MS << (p->quick_deaths - 1)));
	return true;
}

void guest_refuse(struct partition *p, const char *why)
{
	log_printf("hv: guest %s: not started: %s\n", p->name, why);
	p->state = GUEST_ENDED;
}

void vcpu_thread(void *arg)
{
	struct partition *p = arg;

	p->state = GUEST_RUNNING;
	this_cpu()->vcpu = &p->vcpus[0];
	if (!vmx_on()) {
		guest_refuse(p, "VMX cannot be turned on on its cpu (see above)");
		return;
	}
	setup_bitmaps(p);
	report_memory(p);
	for (;;) {
		uint64_t start = rdtsc();
		bool ran = boot_guest(p);

		if (ran) {
			__atomic_store_n(&p->stop, false, __ATOMIC_RELEASE);   /* the APs may start */
			vcpu_run(&p->vcpus[0]);
		}
		vcpu_stop_partition(&p->vcpus[0]);
		partition_wait_aps_out(p);
		print_stats(p);
		prof_print(p->name);
		if (p->cfg->on_exit != ON_EXIT_RESTART || !may_restart(p, ran, rdtsc() - start))
			break;
		p->restarts++;
		log_printf("hv: guest %s: restarting (%u)\n", p->name, p->restarts);
	}
	this_cpu()->vcpu = NULL;
	__atomic_store_n(&p->state, GUEST_ENDED, __ATOMIC_RELEASE);
	for (int i = 1; i < p->nvcpus; i++)   /* their threads end too */
		vcpu_kick(&p->vcpus[i]);
	if (p->cpu != 0)
		lapic_send_ipi(percpu_area[0]->apic_id, VEC_IPI_WAKE);
}

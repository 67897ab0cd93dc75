/*
 * One guest's life on its CPU: load the image into fresh guest memory,
 * build the VMCS, check the guest state, then enter and handle exits
 * until the guest ends.  Everything that goes wrong here stops this
 * guest only; the hypervisor and the other partitions go on.
 */
#include "vmm/vcpu/run.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vcpu/exit.h"
#include "vmm/vmx/exit_reason.h"
#include "vmm/vmx/vmx_caps.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "pmm/kpage.h"
#include "lib/fmt.h"
#include "hv/log.h"
#include "hv/string.h"

#define VEC_GP 13

void msr_bitmap_init(hpa_t page);

/* ---- guest memory ------------------------------------------------------ */

/* Host address of guest bytes [gpa, gpa+len) within one page, mapping it first. */
static void *guest_page(struct partition *p, uint64_t gpa, uint64_t len)
{
	if (gpa >= p->ram_size || len > p->ram_size - gpa)
		return NULL;
	enum ept_result r = ept_populate(&p->ept, GPA(gpa));
	if (r != EPT_MAPPED && r != EPT_SPURIOUS)
		return NULL;
	return phys_to_virt(HPA(p->base.v + gpa));
}

static bool guest_copy(struct partition *p, uint64_t gpa, void *buf, uint64_t len, bool to_guest)
{
	while (len) {
		uint64_t n = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		uint8_t *h = guest_page(p, gpa, n);
		if (!h)
			return false;
		if (to_guest)
			memcpy(h, buf, n);
		else
			memcpy(buf, h, n);
		gpa += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return true;
}

bool guest_read(struct partition *p, uint64_t gpa, void *dst, uint64_t len)
{
	return guest_copy(p, gpa, dst, len, false);
}

bool guest_write(struct partition *p, uint64_t gpa, const void *src, uint64_t len)
{
	return guest_copy(p, gpa, (void *)src, len, true);
}

static int mem_write(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
	return guest_write(ctx, gpa, src, len) ? 0 : -1;
}

/* Fresh memory is zero already (zeroed when first mapped): map it only. */
static int mem_zero(void *ctx, uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[256];

	while (len) {
		uint64_t n = MIN(len, sizeof(zeros));
		if (!guest_write(ctx, gpa, zeros, n))
			return -1;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* ---- vCPU helpers -------------------------------------------------------- */

void vcpu_skip_instruction(struct vcpu *v)
{
	vmcs_writel(VMCS_GUEST_RIP, vmcs_readl(VMCS_GUEST_RIP) + vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
	/* the instruction retired: STI/MOV SS blocking ends with it */
	uint32_t intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
	if (intr & 3)
		vmcs_write32(VMCS_GUEST_INTERRUPTIBILITY, intr & ~3u);
}

void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
	uint32_t info = vector | (VMX_INTR_TYPE_HW_EXCEPTION << VMX_INTR_INFO_TYPE_SHIFT) |
			VMX_INTR_INFO_VALID | (has_error ? VMX_INTR_INFO_ERROR_CODE : 0);

	if (has_error)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, error);
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info);
}

/* ---- ending a guest ---------------------------------------------------- */

void guest_end(struct vcpu *v, const char *kind, const char *fmt, ...)
{
	struct partition *p = v->part;
	va_list ap;
	int n;

	n = fmt_snprintf(p->end_reason, sizeof(p->end_reason), "%s: ", kind);
	va_start(ap, fmt);
	fmt_vsnprintf(p->end_reason + n, sizeof(p->end_reason) - (size_t)n, fmt, ap);
	va_end(ap);
	if (p->uart.line_len)
		vuart_flush(&p->uart);
	log_printf("hv: guest %s: %s\n", p->name, p->end_reason);
}

static void print_stats(struct partition *p)
{
	const struct vcpu *v = &p->vcpu;
	const struct ept_stats *s = &p->ept.stats;
	char top[160];
	size_t n = 0;
	bool used[EXIT_REASON_SLOTS] = { false };

	/* the three most frequent exit reasons */
	for (int k = 0; k < 3; k++) {
		int best = -1;
		for (int r = 0; r < EXIT_REASON_SLOTS; r++)
			if (!used[r] && v->exit_counts[r] && (best < 0 || v->exit_counts[r] > v->exit_counts[best]))
				best = r;
		if (best < 0)
			break;
		used[best] = true;
		n += (size_t)fmt_snprintf(top + n, sizeof(top) - n, "%s%s %llu", k ? ", " : "",
					  exit_reason_name((unsigned)best),
					  (unsigned long long)v->exit_counts[best]);
	}
	top[MIN(n, sizeof(top) - 1)] = 0;
	log_printf("hv: guest %s: stats: exits %llu (%s), ept faults 4k=%llu 2m=%llu 1g=%llu, ept tables %llu\n",
		   p->name, (unsigned long long)v->exits, top,
		   (unsigned long long)s->faults_4k, (unsigned long long)s->faults_2m,
		   (unsigned long long)s->faults_1g, (unsigned long long)s->tables);
}

static void console_line(void *ctx, const char *line, size_t len)
{
	struct partition *p = ctx;

	log_printf("[%s] %.*s\n", p->name, (int)len, line);
}

/* ---- EPT violations ----------------------------------------------------- */

enum exit_result exit_ept_violation(struct vcpu *v, uint64_t qual)
{
	struct partition *p = v->part;
	uint64_t gpa = vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS);
	unsigned access = qual & (EPT_ACC_R | EPT_ACC_W | EPT_ACC_X);
	bool flush = false;
	enum ept_result r = ept_fault(&p->ept, GPA(gpa), access, &flush);

	if (r == EPT_MAPPED || r == EPT_SPURIOUS) {
		if (flush)
			invept_single(ept_eptp(&p->ept));
		return EXIT_HANDLED;
	}
	if (r == EPT_OUTSIDE) {
		enum exit_result m = platform_mmio(v, gpa);
		if (m != EXIT_UNHANDLED)
			return m;
		guest_end(v, "killed", "EPT violation at gpa 0x%llx (%s)", (unsigned long long)gpa,
			  access & EPT_ACC_X ? "exec" : access & EPT_ACC_W ? "write" : "read");
	} else {
		guest_end(v, "killed", "EPT fault at gpa 0x%llx failed: %s", (unsigned long long)gpa,
			  ept_result_name(r));
	}
	return EXIT_GUEST_ENDED;
}

/* ---- the run loop -------------------------------------------------------- */

int vmx_enter(struct guest_regs *regs, int launched);

static bool boot_guest(struct partition *p)
{
	struct vcpu *v = &p->vcpu;
	struct guest_mem mem = { p->ram_size, mem_write, mem_zero, p };
	struct boot_state boot;
	char why[160];

	ept_reset(&p->ept);
	invept_single(ept_eptp(&p->ept));
	vuart_init(&p->uart, console_line, p);
	platform_reset(p);
	memset(v->exit_counts, 0, sizeof(v->exit_counts));
	v->exits = 0;
	p->end_reason[0] = 0;
	p->shutdown_progress = 0;
	if (loader_load(p->cfg->format, p->image, p->image_size, p->cfg->cmdline, p->mods, p->nmods,
			&mem, &boot, why, sizeof(why)) != 0) {
		guest_end(v, "not started", "image %s: %s", p->cfg->image, why);
		return false;
	}
	if (!platform_load_firmware_tables(p)) {
		guest_end(v, "not started", "no room for the ACPI tables");
		return false;
	}
	if (read_cr4() & CR4_OSXSAVE)
		asm volatile("xsetbv" : : "a"(1u), "d"(0u), "c"(0u));   /* XCR0 = x87 only, as at reset */
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

/*
 * An exit in the middle of delivering an event (e.g. an EPT violation on
 * the guest's IDT or stack) leaves the event in the IDT-vectoring field;
 * it must be injected again on the next entry or it is lost (SDM 28.2.4).
 */
static void requeue_interrupted_event(struct vcpu *v)
{
	uint32_t info = vmcs_read32(VMCS_IDT_VECTORING_INFO);

	if (!(info & VMX_INTR_INFO_VALID))
		return;
	if (info & VMX_INTR_INFO_ERROR_CODE)
		vmcs_write32(VMCS_ENTRY_EXCEPTION_ERROR_CODE, vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE));
	vmcs_write32(VMCS_ENTRY_INSTRUCTION_LEN, vmcs_read32(VMCS_EXIT_INSTRUCTION_LEN));
	vmcs_write32(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
}

extern uint64_t hv_start_tsc, hv_zeroing_ticks;

/* Printed at the first VM entry of the first guest: the start-up figure. */
static void report_startup(void)
{
	static bool done;
	uint64_t now = rdtsc(), zero = __atomic_load_n(&hv_zeroing_ticks, __ATOMIC_RELAXED);

	if (__atomic_exchange_n(&done, true, __ATOMIC_ACQ_REL))
		return;
	log_printf("hv: startup: %llu ticks from the multiboot2 entry to the first VM entry, %llu of them zeroing guest memory\n",
		   (unsigned long long)(now - hv_start_tsc), (unsigned long long)zero);
}

/* What the hypervisor keeps for a partition besides guest RAM and EPT tables. */
static void report_memory(struct partition *p)
{
	uint64_t bytes = sizeof(*p) + PAGE_SIZE /* VMCS */ + 2 * PAGE_SIZE /* I/O bitmaps */ +
			 PAGE_SIZE /* MSR bitmap */ + p->pool.meta_bytes;

	log_printf("hv: guest %s: hypervisor memory %llu KiB (VMCS, bitmaps, devices, pool index)\n",
		   p->name, (unsigned long long)(bytes >> 10));
}

bool hv_debug;   /* the "debug" command-line option */

/* With "debug": a line every 2^30 TSC ticks saying where the guest is. */
static void heartbeat(struct vcpu *v, uint64_t *next)
{
	if (!hv_debug)
		return;
	uint64_t now = rdtsc();
	if (now < *next)
		return;
	*next = now + (1ull << 30);
	const struct platform *pf = &v->part->platform;
	const struct vpic_chip *m = &pf->pic.chip[0];
	log_printf("hv: guest %s: debug: rip %llx exits %llu; pic irr %02x isr %02x imr %02x base %02x; "
		   "lint0 %x; uart ier %02x mcr %02x line %d; injected pic %llu apic %llu\n", v->part->name,
		   (unsigned long long)vmcs_readl(VMCS_GUEST_RIP), (unsigned long long)v->exits,
		   m->irr, m->isr, m->imr, m->vector_base, pf->lapic.lvt[VLAPIC_LVT_LINT0],
		   v->part->uart.ier, v->part->uart.mcr, vuart_irq_line(&v->part->uart),
		   (unsigned long long)pf->injected_pic, (unsigned long long)pf->injected_apic);
}

static void run(struct partition *p)
{
	struct vcpu *v = &p->vcpu;
	uint64_t next_beat = 0;

	report_startup();
	for (;;) {
		platform_inject(v);
		int err = vmx_enter(&v->regs, v->launched);
		if (err) {
			guest_end(v, "killed", "%s failed: %s", v->launched ? "VMRESUME" : "VMLAUNCH",
				  err == 1 ? "no current VMCS" :
				  vmx_insn_error_name((unsigned)vmcs_read32(VMCS_VM_INSTRUCTION_ERROR)));
			vmcs_dump(v);
			return;
		}
		v->launched = true;
		requeue_interrupted_event(v);
		if (!exit_dispatch(v, vmcs_read32(VMCS_EXIT_REASON)))
			return;
		heartbeat(v, &next_beat);
		if (vmx_failed[cpu_index()]) {
			guest_end(v, "killed", "a VMX instruction failed while handling its exit");
			return;
		}
	}
}

static void setup_bitmaps(struct partition *p)
{
	p->io_bitmap = kpage_alloc(1);
	memset(phys_to_virt(p->io_bitmap), 0xff, 2 * PAGE_SIZE);   /* every port exits */
	p->msr_bitmap = kpage_alloc(0);
	msr_bitmap_init(p->msr_bitmap);
}

void guest_refuse(struct partition *p, const char *why)
{
	log_printf("hv: guest %s: not started: %s\n", p->name, why);
	p->state = GUEST_ENDED;
}

void guest_thread(void *arg)
{
	struct partition *p = arg;

	p->state = GUEST_RUNNING;
	this_cpu()->vcpu = &p->vcpu;
	if (!vmx_on()) {
		guest_refuse(p, "VMXON failed on its cpu");
		return;
	}
	setup_bitmaps(p);
	report_memory(p);
	for (;;) {
		if (boot_guest(p))
			run(p);
		print_stats(p);
		if (p->cfg->on_exit != ON_EXIT_RESTART || p->restarts >= 1000)
			break;
		p->restarts++;
		log_printf("hv: guest %s: restarting (%u)\n", p->name, p->restarts);
	}
	this_cpu()->vcpu = NULL;
	__atomic_store_n(&p->state, GUEST_ENDED, __ATOMIC_RELEASE);
	if (p->cpu != 0)
		lapic_send_ipi(percpu_area[0].apic_id, VEC_IPI_WAKE);
}

/*
 * Partitions: the config module is validated as a whole, then every
 * valid guest gets a contiguous slice of host memory and runs on its
 * own CPU.  A partition's slice is laid out as
 *
 *   base                       base + ram_size          base + total_size
 *   |  guest RAM (gpa 0 ...)   |  EPT table pool (quota) |
 *
 * so guest frames and the frames of its EPT tables both come from the
 * partition's own memory: one guest can never exhaust another's.
 */
#include "vmm/partition.h"
#include "vmm/vcpu/vcpu.h"
#include "vmm/vcpu/run.h"
#include "vmm/config.h"
#include "vmm/focus.h"
#include "vmm/vmx/vmx_caps.h"
#include "drivers/mb2.h"
#include "drivers/power.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "pmm/kpage.h"
#include "hv/log.h"
#include "hv/string.h"

#define CONFIG_MODULE "hv.cfg"
#define HV_RESERVE MIB(8)   /* kept back for VMCSs, bitmaps and stacks */

static struct hv_config config;
static struct partition parts[CONFIG_MAX_GUESTS];
static int nparts;
static struct config_machine machine;

static const char *mod_names[MB2_MAX_MODS];
static const void *mod_data[MB2_MAX_MODS];
static uint64_t mod_sizes[MB2_MAX_MODS];

static int find_config(const struct mb2_info *mb2)
{
	for (size_t i = 0; i < mb2->nmods; i++) {
		mod_names[i] = mb2->mods[i].cmdline;
		mod_data[i] = phys_to_virt(HPA(mb2->mods[i].start));
		mod_sizes[i] = mb2->mods[i].end - mb2->mods[i].start;
	}
	for (size_t i = 0; i < mb2->nmods; i++) {
		const char *c = mb2->mods[i].cmdline;
		size_t n = strlen(CONFIG_MODULE);
		if (strncmp(c, CONFIG_MODULE, n) == 0 && (c[n] == 0 || c[n] == ' '))
			return (int)i;
	}
	return -1;
}

/* Table pages a partition may need at most: every 2 MiB mapped with 4 KiB leaves. */
static uint64_t pool_pages(uint64_t ram)
{
	return ram / SIZE_2M + ram / SIZE_1G + 8;
}

static hpa_t pool_alloc(void *ctx)
{
	struct frame_pool *fp = ctx;

	if (!fp->nfree)
		return INVALID_HPA;
	return HPA(fp->base.v + (uint64_t)fp->free[--fp->nfree] * PAGE_SIZE);
}

static void pool_free(void *ctx, hpa_t a)
{
	struct frame_pool *fp = ctx;

	fp->free[fp->nfree++] = (uint32_t)((a.v - fp->base.v) / PAGE_SIZE);
}

static void *frame_hva(void *ctx, hpa_t a)
{
	return phys_to_virt(a);
}

uint64_t hv_zeroing_ticks;   /* TSC ticks spent zeroing guest memory (benchmark) */
bool hv_nozero;              /* "nozero": measure EPT faults without the zeroing */

static void skip_zeroing(void *ctx, hpa_t a, uint64_t len)
{
}

static void zero_ram(void *ctx, hpa_t a, uint64_t len)
{
	uint64_t t0 = rdtsc();

	void *dst = phys_to_virt(a);
	uint64_t n = len / 8;

	/* leaves are whole pages: 8 bytes a store */
	asm volatile("rep stosq" : "+D"(dst), "+c"(n) : "a"(0ull) : "memory");
	__atomic_add_fetch(&hv_zeroing_ticks, rdtsc() - t0, __ATOMIC_RELAXED);
}

static void pool_init(struct frame_pool *fp, hpa_t base, uint32_t npages)
{
	uint64_t bytes = ALIGN_UP((uint64_t)npages * sizeof(uint32_t), PAGE_SIZE);
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	fp->base = base;
	fp->npages = npages;
	fp->free = phys_to_virt(kpage_alloc(order));
	fp->meta_bytes = PAGE_SIZE << order;
	fp->nfree = 0;
	for (uint32_t i = npages; i-- > 0;)
		fp->free[fp->nfree++] = i;
}

static void ept_setup(struct partition *p, const struct guest_cfg *g)
{
	struct ept_config ec = {
		.ram_base = p->base,
		.ram_size = p->ram_size,
		.small_start = GPA(g->small_start),
		.small_end = GPA(g->small_end),
		.caps = { vmx_caps.ept_2m, vmx_caps.ept_1g, vmx_caps.itlb_multihit },
		.ops = { pool_alloc, pool_free, frame_hva, hv_nozero ? skip_zeroing : zero_ram, &p->pool },
	};
	int err = ept_init(&p->ept, &ec);

	if (err)
		panic("ept_init failed for guest %s (%d)", p->name, err);
}

static bool partition_create(struct partition *p, const struct guest_cfg *g, int id)
{
	uint64_t npool = pool_pages(g->memory);
	uint64_t pages = g->memory / PAGE_SIZE + npool;
	unsigned align = g->memory >= SIZE_1G ? 18 : 9;
	int img = config_find_module(&machine, g->image);

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->cfg = g;
	p->name = g->name;
	p->cpu = (unsigned)g->cpu;
	p->ram_size = g->memory;
	p->base = kpage_alloc_contig(pages, align);
	if (!hpa_valid(p->base)) {
		log_printf("hv: config: line %d: guest '%s': no contiguous %llu MiB block left\n",
			   g->line, g->name, (unsigned long long)(pages * PAGE_SIZE >> 20));
		return false;
	}
	p->total_size = pages * PAGE_SIZE;
	p->image = mod_data[img];
	p->image_size = mod_sizes[img];
	for (int i = 0; i < g->nmodules; i++) {
		int m = config_find_module(&machine, g->modules[i]);
		p->mods[i] = (struct loader_module){ g->modules[i], mod_data[m], mod_sizes[m] };
	}
	p->nmods = g->nmodules;
	pool_init(&p->pool, HPA(p->base.v + p->ram_size), (uint32_t)npool);
	ept_setup(p, g);
	p->vcpu.part = p;
	p->vcpu.vmcs = INVALID_HPA;
	p->vcpu.vpid = (uint16_t)(id + 1);
	log_printf("hv: guest %s: cpu %u, memory 0x%llx-0x%llx (%llu MiB), %s image %s\n",
		   p->name, p->cpu, (unsigned long long)p->base.v,
		   (unsigned long long)(p->base.v + p->total_size - 1),
		   (unsigned long long)(p->ram_size >> 20), loader_format_name(g->format), g->image);
	return true;
}

static void wait_for_guests(void)
{
	for (;;) {
		bool running = false;
		for (int i = 0; i < nparts; i++)
			running |= parts[i].state != GUEST_ENDED;
		if (!running)
			return;
		asm volatile("sti; hlt; cli" ::: "memory");
	}
}

static bool all_power_off(void)
{
	for (int i = 0; i < nparts; i++)
		if (parts[i].cfg->on_exit != ON_EXIT_POWEROFF)
			return false;
	return true;
}

void partitions_run(const struct mb2_info *mb2)
{
	int cfg = find_config(mb2);
	struct partition *on_bsp = NULL;

	if (cfg < 0) {
		log_printf("hv: no partition config (a module named %s); no guests to run\n", CONFIG_MODULE);
		return;
	}
	config_parse(mod_data[cfg], mod_sizes[cfg], &config);
	machine = (struct config_machine){
		.ncpus = (int)cpus_online,
		.free_bytes = kpage_free_bytes() > HV_RESERVE ? kpage_free_bytes() - HV_RESERVE : 0,
		.module_names = mod_names, .module_data = mod_data, .module_sizes = mod_sizes,
		.nmodules = (int)mb2->nmods,
	};
	config_validate(&config, &machine);

	for (int i = 0; i < config.nguests; i++)
		if (config.guests[i].ok && partition_create(&parts[nparts], &config.guests[i], nparts))
			nparts++;
	if (!nparts) {
		log_printf("hv: no valid guest in %s\n", CONFIG_MODULE);
		return;
	}
	focus_init(parts, nparts);
	for (int i = 0; i < nparts; i++) {
		if (parts[i].cpu == 0)
			on_bsp = &parts[i];
		else if (!smp_run_on(parts[i].cpu, guest_thread, &parts[i]))
			guest_refuse(&parts[i], "cpu is not available");
	}
	if (on_bsp)
		guest_thread(on_bsp);
	wait_for_guests();
	if (!all_power_off()) {
		log_printf("hv: every guest has ended; idle (on_exit = idle)\n");
		halt_forever();
	}
	log_printf("hv: every guest has ended\n");
}

/*
 * Making partitions: the config module is validated as a whole, then
 * every valid guest gets a contiguous slice of host memory (laid out as
 * partition.h shows) and its EPT, ready to run on its own CPU.
 */
#include "vmm/partition.h"
#include "vmm/config.h"
#include "vmm/vmx/vmx_caps.h"
#include "drivers/cmdline.h"
#include "drivers/mb2.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "hv/log.h"
#include "pmm/kpage.h"
#include "lib/fmt.h"
#include "hv/string.h"

#define CONFIG_MODULE "hv.cfg"
#define HV_RESERVE MIB(8)   /* kept back for VMCSs, bitmaps and stacks */

/* Both live in kernel pages, sized for the config read (16 KiB and
 * 2.5 KiB a guest, 56 KiB of bss when they were static arrays for the
 * most guests); they are made once and kept, the partitions point into
 * the config. */
static struct hv_config *config;
static struct partition *parts;
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

static void *frame_hva(void *ctx, hpa_t a)
{
	return phys_to_virt(a);
}

static uint64_t zeroing_ticks;   /* TSC ticks spent zeroing guest memory (benchmark) */

uint64_t partition_zeroing_ticks(void)
{
	return __atomic_load_n(&zeroing_ticks, __ATOMIC_RELAXED);
}

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
	__atomic_add_fetch(&zeroing_ticks, rdtsc() - t0, __ATOMIC_RELAXED);
}

/* The smallest page order that holds `bytes`. */
static unsigned pages_order(uint64_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* Zeroed kernel pages for `bytes`, never freed. */
static void *kpage_zalloc(uint64_t bytes)
{
	unsigned order = pages_order(bytes);
	void *p = phys_to_virt(kpage_alloc(order));

	memset(p, 0, PAGE_SIZE << order);
	return p;
}

/* The pool's index lives in hypervisor memory, outside the partition. */
static void pool_setup(struct frame_pool *fp, hpa_t base, uint32_t npages)
{
	unsigned order = pages_order(frame_pool_index_bytes(npages));

	frame_pool_init(fp, base, npages, phys_to_virt(kpage_alloc(order)), PAGE_SIZE << order);
}

static void ept_setup(struct partition *p, const struct guest_cfg *g)
{
	struct ept_config ec = {
		.ram_base = p->base,
		.ram_size = p->ram_size,
		.small_start = GPA(g->small_start),
		.small_end = GPA(g->small_end),
		.caps = { vmx_caps.ept_2m, vmx_caps.ept_1g, vmx_caps.itlb_multihit },
		.ops = { frame_pool_alloc, frame_pool_free, frame_hva,
			 p->opts->nozero ? skip_zeroing : zero_ram, &p->pool },
	};
	int err = ept_init(&p->ept, &ec);

	if (err)
		panic("ept_init failed for guest %s (%d)", p->name, err);
}

/* Zeroed room for n vCPUs, from the kernel's pages (not the image's bss:
 * most partitions have one). */
static struct vcpu *alloc_vcpus(int n)
{
	uint64_t bytes = (uint64_t)n * sizeof(struct vcpu);
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	struct vcpu *v = phys_to_virt(kpage_alloc(order));
	memset(v, 0, PAGE_SIZE << order);
	return v;
}

static bool partition_create(struct partition *p, const struct guest_cfg *g, int id,
			     const struct hv_options *opts)
{
	uint64_t npool = frame_pool_pages(g->memory);
	uint64_t pages = g->memory / PAGE_SIZE + npool;
	/* 1 GiB aligned from 1 GiB up: then RAM above 4 GiB, at base + 3 GiB
	 * (ept/guest_ram.h), is 1 GiB aligned too, and takes 1 GiB leaves */
	unsigned align = g->memory >= SIZE_1G ? 18 : 9;
	int img = config_find_module(&machine, g->image);

	memset(p, 0, sizeof(*p));
	p->id = id;
	p->cfg = g;
	p->opts = opts;
	p->logged_ports.max = PARTITION_PORTS_LOGGED;
	p->logged_msrs.max = PARTITION_MSRS_LOGGED;
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
	pool_setup(&p->pool, HPA(p->base.v + p->ram_size), (uint32_t)npool);
	ept_setup(p, g);
	p->nvcpus = g->ncpus;
	p->vcpus = alloc_vcpus(p->nvcpus);
	p->dev_owner = p->ept_owner = -1;
	for (int i = 0; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		v->part = p;
		v->id = i;
		v->cpu = (unsigned)g->cpus[i];
		v->vmcs = INVALID_HPA;
		v->vpid = (uint16_t)(id * CONFIG_MAX_VCPUS + i + 1);
		v->mode = i ? VCPU_WAIT_SIPI : VCPU_RUN;
	}
	char cpus[64];
	size_t n = 0;
	for (int i = 0; i < p->nvcpus; i++)
		fmt_append(cpus, sizeof(cpus), &n, "%s%d", i ? "," : "", g->cpus[i]);
	cpus[n] = 0;
	log_printf("hv: guest %s: cpu%s %s, memory 0x%llx-0x%llx (%llu MiB), %s image %s\n",
		   p->name, p->nvcpus > 1 ? "s" : "", cpus, (unsigned long long)p->base.v,
		   (unsigned long long)(p->base.v + p->total_size - 1),
		   (unsigned long long)(p->ram_size >> 20), loader_format_name(g->format), g->image);
	return true;
}

int partitions_create(const struct mb2_info *mb2, const struct hv_options *opts,
		      struct partition **out)
{
	int cfg = find_config(mb2);

	*out = NULL;
	if (cfg < 0) {
		log_printf("hv: no partition config (a module named %s); no guests to run\n", CONFIG_MODULE);
		return 0;
	}
	config = kpage_zalloc(sizeof(*config));
	config_parse(mod_data[cfg], mod_sizes[cfg], config);
	/* kept back as well: the switches (vmm/net/net.c makes them later) */
	uint64_t reserve = HV_RESERVE + (uint64_t)config->nswitches * CONFIG_SWITCH_BYTES;
	machine = (struct config_machine){
		.ncpus = (int)cpus_online,
		.free_bytes = kpage_free_bytes() > reserve ? kpage_free_bytes() - reserve : 0,
		.module_names = mod_names, .module_data = mod_data, .module_sizes = mod_sizes,
		.nmodules = (int)mb2->nmods,
	};
	config_validate(config, &machine);

	if (config->nguests)
		parts = kpage_zalloc((uint64_t)config->nguests * sizeof(*parts));
	*out = parts;
	for (int i = 0; i < config->nguests; i++)
		if (config->guests[i].ok && partition_create(&parts[nparts], &config->guests[i], nparts, opts))
			nparts++;
	if (!nparts)
		log_printf("hv: no valid guest in %s\n", CONFIG_MODULE);
	return nparts;
}

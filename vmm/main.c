/*
 * hv_main(): the boot path after long mode, one call per step.
 * Called by boot/entry.S on the boot CPU with the multiboot2 magic and
 * the physical address of the boot information.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/tsc.h"
#include "drivers/console.h"
#include "drivers/serial.h"
#include "drivers/fbcon.h"
#include "drivers/mb2.h"
#include "drivers/cmdline.h"
#include "drivers/acpi.h"
#include "drivers/power.h"
#include "pmm/kpage.h"
#include "vmm/vmx/vmx_caps.h"
#include "boot/boot.h"
#include "vmm/partition.h"
#include "vmm/focus.h"
#include "vmm/net/net.h"
#include "vmm/vcpu/run.h"
#include "vmm/vcpu/smp.h"
#include "hv/log.h"
#include "hv/string.h"

static struct mb2_info mb2;
static struct hv_options opts;
static struct acpi_info acpi;
static struct kpage_boot mem;

uint64_t hv_start_tsc;   /* TSC at the multiboot2 entry (vmm/vcpu/run.h) */

static void parse_boot_info(uint32_t magic, uint32_t info_phys)
{
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("bad multiboot2 magic %x", magic);
	/* the boot tables map the first 4 GiB; GRUB puts the info below that */
	int err = mb2_parse(phys_to_virt(HPA(info_phys)), MB2_MAX_INFO_SIZE, &mb2);
	if (err < 0)
		panic("multiboot2 information unusable: %s", mb2_strerror(err));
}

static void setup_memory(uint32_t info_phys)
{
	struct mem_range raw[MB2_MAX_MMAP], rsv[MB2_MAX_MODS + 4];
	size_t nrsv = 0;

	for (size_t i = 0; i < mb2.nmmap; i++)
		raw[i] = (struct mem_range){ mb2.mmap[i].base, mb2.mmap[i].len, mb2.mmap[i].type };
	rsv[nrsv++] = (struct mem_range){ 0, MIB(1), 2 };
	rsv[nrsv++] = (struct mem_range){ virt_to_phys(__image_start).v,
					  (uint64_t)(__image_end - __image_start), 2 };
	rsv[nrsv++] = (struct mem_range){ info_phys, mb2.info_size, 2 };
	for (size_t i = 0; i < mb2.nmods; i++)
		rsv[nrsv++] = (struct mem_range){ mb2.mods[i].start,
						  mb2.mods[i].end - mb2.mods[i].start, 2 };
	/* the first page tables map all RAM: size their pool for it */
	size_t pool = paging_pool_pages(pmm_memmap_ram_end(raw, mb2.nmmap));

	kpage_setup(raw, mb2.nmmap, rsv, nrsv, pool, &mem);
	paging_init(mem.ram, mem.nram, mem.table_pool, mem.table_pool_pages);
	bsp_setup_stacks();
	kpage_set_debug(opts.debug);
	if (opts.nozero)
		log_printf("hv: warning: nozero: guest memory is NOT zeroed (benchmarks only; guests can see stale data)\n");
	log_printf("hv: memory: %llu MiB usable, %llu MiB free\n",
		   (unsigned long long)(mem.usable_bytes >> 20),
		   (unsigned long long)(kpage_free_bytes() >> 20));
}

static void attach_framebuffer(void)
{
	struct fb_desc fb = { 0 };
	const struct mb2_framebuffer *m = &mb2.fb;

	if (!mb2.has_fb || opts.console == HV_CONSOLE_SERIAL)
		return;
	paging_map_mmio(HPA(m->addr), (uint64_t)m->pitch * m->height);
	fb.base = phys_to_virt(HPA(m->addr));
	fb.pitch = m->pitch;
	fb.width = m->width;
	fb.height = m->height;
	fb.bpp = m->bpp;
	fb.text_mode = m->type == MB2_FB_EGA_TEXT;
	fb.red_pos = m->red_pos, fb.red_size = m->red_size;
	fb.green_pos = m->green_pos, fb.green_size = m->green_size;
	fb.blue_pos = m->blue_pos, fb.blue_size = m->blue_size;
	console_attach_fb(&fb);
	log_printf("hv: framebuffer console %ux%u, %u bpp\n", m->width, m->height, m->bpp);
}

/* selftest=...: make the hypervisor fault on purpose (tests of the panic path). */
static volatile uintptr_t selftest_null;   /* 8: a volatile, so the compiler cannot see it */

static int overflow_stack(int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth >= 0)                      /* always: keeps the compiler from objecting */
		return overflow_stack(depth + 1) + pad[0];
	return pad[0];
}

static void run_selftest(void)
{
	if (opts.selftest == HV_SELFTEST_PAGEFAULT)
		log_printf("hv: selftest: read from page 0 -> %d\n", *(volatile int *)(selftest_null + 8));
	else if (opts.selftest == HV_SELFTEST_STACK)
		log_printf("hv: selftest: stack overflow -> %d\n", overflow_stack(0));
}

static const void *acpi_map(uint64_t phys, size_t len)
{
	paging_map_mmio(HPA(phys), len);
	return phys_to_virt(HPA(phys));
}

/* The start-up delays are timed on the TSC: tsc_init() comes first. */
static void start_cpus(void)
{
	unsigned limit = cmdline_cpu_limit(&opts);

	lapic_init();
	if (!acpi.has_madt || acpi.ncpus == 0)
		log_printf("hv: acpi: no MADT; running on the boot CPU only\n");
	else
		smp_start(acpi.apic_ids, acpi.ncpus, limit ? limit : MAX_CPUS);
	log_printf("hv: cpus: %u online\n", cpus_online);
}

/* Wake-ups come from CPUs whose guest ended (VEC_IPI_WAKE). */
static void wait_for_guests(const struct partition *parts, int n)
{
	for (;;) {
		bool running = false;
		for (int i = 0; i < n; i++)
			running |= parts[i].state != GUEST_ENDED;
		if (!running)
			return;
		asm volatile("sti; hlt; cli" ::: "memory");
	}
}

static bool all_power_off(const struct partition *parts, int n)
{
	for (int i = 0; i < n; i++)
		if (parts[i].cfg->on_exit != ON_EXIT_POWEROFF)
			return false;
	return true;
}

/* Start each partition's vCPU on its CPU (this one's last) and wait for all. */
static void run_partitions(void)
{
	struct partition *parts, *on_bsp = NULL;
	struct vcpu *ap_on_bsp = NULL;   /* a vCPU other than a boot vCPU on this CPU */
	int n = partitions_create(&mb2, &opts, &parts);

	if (!n)
		return;
	net_setup(parts, n);          /* their virtio-net devices, on their switches */
	focus_init(parts, n);
	for (int i = 0; i < n; i++) {
		struct partition *p = &parts[i];

		if (p->cpu == 0)
			on_bsp = p;
		else if (!smp_run_on(p->cpu, vcpu_thread, p)) {
			guest_refuse(p, "cpu is not available");
			continue;
		}
		/* the other vCPUs wait on their CPUs for the guest to start them */
		for (int k = 1; k < p->nvcpus; k++)
			if (p->vcpus[k].cpu == 0)
				ap_on_bsp = &p->vcpus[k];
			else if (!smp_run_on(p->vcpus[k].cpu, vcpu_ap_thread, &p->vcpus[k])) {
				log_printf("hv: guest %s: vcpu %d: cpu %u is not available\n",
					   p->name, k, p->vcpus[k].cpu);
				p->vcpus[k].mode = VCPU_DEAD;
			}
	}
	if (on_bsp)
		vcpu_thread(on_bsp);
	else if (ap_on_bsp)
		vcpu_ap_thread(ap_on_bsp);
	wait_for_guests(parts, n);
	if (!all_power_off(parts, n)) {
		log_printf("hv: every guest has ended; idle (on_exit = idle)\n");
		halt_forever();
	}
	log_printf("hv: every guest has ended\n");
}

void hv_main(uint32_t magic, uint32_t info_phys)
{
	/* per-CPU data first: the log needs cpu_index() */
	hv_start_tsc = boot_tsc;   /* .boot.bss is unmapped once paging_init() runs */
	bsp_percpu_init((uint64_t)bsp_stack_top);
	gdt_load(percpu_area[0]);
	idt_init();
	idt_load();
	console_init_serial();
	log_printf("hv: %s %s booting\n", HV_NAME, HV_VERSION);

	parse_boot_info(magic, info_phys);
	cmdline_defaults(&opts);
	cmdline_parse(mb2_cmdline(&mb2), &opts);
	console_set_mask(opts.console != HV_CONSOLE_FB, opts.console != HV_CONSOLE_SERIAL);

	setup_memory(info_phys);
	attach_framebuffer();
	acpi_parse(mb2.rsdp, mb2.rsdp_len, acpi_map, &acpi);   /* CPUs, PM timer, S5 */
	tsc_init(&acpi);          /* the clock, before anything waits on it */
	start_cpus();
	power_init(&acpi, opts.poweroff);
	run_selftest();
	vmx_caps_probe();

	if (vmx_caps.usable)
		run_partitions();
	power_off();
}

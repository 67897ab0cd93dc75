/*
 * Per-CPU GDT and TSS.  The hypervisor runs in ring 0 only, so the GDT
 * holds just a 64-bit code segment, a data segment and the TSS, whose
 * IST stacks give #DF, NMI and #MC a known-good stack even when the
 * current one has overflowed into its guard page.
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "hv/string.h"

static struct percpu bsp_percpu;
struct percpu *percpu_area[MAX_CPUS] = { &bsp_percpu };
static bool percpu_ready;

int cpu_index(void)
{
	return percpu_ready ? (int)this_cpu()->index : 0;
}

static uint64_t tss_desc_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) |
	       (0x89ull << 40) |                    /* present, type 9: available 64-bit TSS */
	       ((uint64_t)(limit >> 16 & 0xf) << 48) |
	       ((base >> 24 & 0xff) << 56);
}

void percpu_init(unsigned index, uint32_t apic_id, uint64_t stack_top)
{
	struct percpu *c = percpu_area[index];

	c->self = c;
	c->index = index;
	c->apic_id = apic_id;
	c->stack_top = stack_top;
	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffull;  /* 0x08: 64-bit code, DPL 0 */
	c->gdt[2] = 0x00cf92000000ffffull;  /* 0x10: data */
	c->gdt[3] = tss_desc_low((uint64_t)&c->tss, sizeof(c->tss) - 1);
	c->gdt[4] = (uint64_t)&c->tss >> 32;
	c->tss.iomap_base = sizeof(c->tss);  /* no I/O bitmap */
}

void gdt_load(struct percpu *c)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) gdtr = {
		sizeof(c->gdt) - 1, (uint64_t)c->gdt,
	};

	asm volatile(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"mov %2, %%ds\n\t"
		"mov %2, %%es\n\t"
		"mov %2, %%ss\n\t"
		"xor %%eax, %%eax\n\t"
		"mov %%ax, %%fs\n\t"
		"mov %%ax, %%gs\n\t"
		"ltr %w3"
		: : "m"(gdtr), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS), "r"(GDT_TSS)
		: "rax", "memory");
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)c);
	percpu_ready = true;
}

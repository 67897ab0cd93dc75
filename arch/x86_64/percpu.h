/*
 * Per-CPU data.  Each CPU's GS base points at its struct percpu, whose
 * first field points at itself, so this_cpu() is one load.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include "hv/types.h"
#include "arch/x86_64/recover.h"

#define MAX_CPUS 64

/* 64-bit TSS (SDM 8.7) */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes");

#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3
#define IST_PF  4

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS       0x18
#define GDT_ENTRIES   5

struct vcpu;

enum cpu_state { CPU_OFFLINE, CPU_PARKED, CPU_RUNNING, CPU_HALTED };

struct percpu {
	struct percpu *self;            /* must be first: this_cpu() reads gs:0 */
	unsigned index;
	uint32_t apic_id;
	volatile enum cpu_state state;
	uint64_t stack_top;
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	struct vcpu *vcpu;              /* the guest vCPU this CPU runs, if any */
	void (*volatile work)(void *);  /* set to hand a parked CPU work */
	void *work_arg;
	hpa_t vmxon_region;
	bool vmx_on;
	/* While handling a guest's exit: where a host fault goes (recover.h). */
	const struct recover_point *recover;
	struct recover_fault fault;
	uint64_t nmis;                  /* host NMIs seen on this CPU */
};

/* The boot CPU's entry is static; an AP's comes from kernel pages when
 * it is started (smp.c), so the image holds one struct, not MAX_CPUS. */
extern struct percpu *percpu_area[MAX_CPUS];
extern unsigned cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* 0 before per-CPU data is set up (only the boot CPU runs then). */
int cpu_index(void);

void percpu_init(unsigned index, uint32_t apic_id, uint64_t stack_top);
void gdt_load(struct percpu *c);
void idt_init(void);
void idt_load(void);

#endif

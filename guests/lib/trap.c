/*
 * The guest IDT and exception dispatcher.  Expected faults are handed to
 * fault.c, which rewrites the return address; anything else is reported
 * as "unexpected exception <v> at <eip> err <e>" and the guest exits with
 * TRAP_EXIT_UNEXPECTED so the boot tests see the failure.
 */
#include "trap.h"
#include "console.h"
#include "cpu.h"
#include "fault.h"
#include "platform.h"

#define SEL_CODE 0x08

/* 32-bit interrupt gate, present, DPL 0 (SDM Vol. 3A, 6.11, Figure 6-2). */
#define GATE_INT32 0x8e

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_hi;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 8, "IDT gate is 8 bytes");

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern const uint32_t trap_entries[TRAP_VECTORS];

static struct idt_gate idt[IDT_GATES] __attribute__((aligned(8)));

static void set_gate(unsigned vector, uint32_t entry)
{
	idt[vector].offset_lo = (uint16_t)entry;
	idt[vector].selector = SEL_CODE;
	idt[vector].zero = 0;
	idt[vector].type_attr = GATE_INT32;
	idt[vector].offset_hi = (uint16_t)(entry >> 16);
}

void trap_init(void)
{
	for (int v = 0; v < TRAP_VECTORS; v++)
		set_gate(v, trap_entries[v]);
	trap_load();
}

void trap_load(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (uint32_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

void trap_set_gate(uint8_t vector, void (*entry)(void))
{
	set_gate(vector, (uint32_t)entry);
}

const char *trap_name(uint32_t vector)
{
	static const char *const names[TRAP_VECTORS] = {
		[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
		[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF", [10] = "#TS",
		[11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
		[16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XM",
		[20] = "#VE", [21] = "#CP",
	};

	if (vector < TRAP_VECTORS && names[vector])
		return names[vector];
	return "#??";
}

static void trap_report(const struct trap_frame *f)
{
	con_printf("unexpected exception %u at 0x%08x err 0x%x\n",
		   f->vector, f->eip, f->error);
	con_printf("  %s eflags=0x%08x cr0=0x%08x cr2=0x%08x cr4=0x%08x\n",
		   trap_name(f->vector), f->eflags, cpu_read_cr0(),
		   cpu_read_cr2(), cpu_read_cr4());
	con_printf("  eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n",
		   f->eax, f->ebx, f->ecx, f->edx);
	con_printf("  esi=0x%08x edi=0x%08x ebp=0x%08x\n", f->esi, f->edi, f->ebp);
}

void trap_dispatch(struct trap_frame *f)
{
	if (fault_catch(f->vector, f->error, &f->eip))
		return;
	trap_report(f);
	guest_exit(TRAP_EXIT_UNEXPECTED);
}

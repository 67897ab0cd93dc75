/*
 * Cases "triple" and "hlt": ways for a guest to stop its CPU for good.
 * A triple fault is a VM exit (SDM Vol. 3C, 26.2: exit reason 2) and
 * HLT with interrupts off can never wake up; either way the hypervisor
 * must report it and end this guest alone.
 */
#include "hostile.h"

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

void hostile_triple_fault(void)
{
	/* With a zero-limit IDT, int3 finds no gate: #GP, which finds no
	 * gate either: #DF, same again: shutdown (SDM Vol. 3A, 6.15, #DF). */
	static const struct idt_ptr empty = { 0, 0 };

	con_printf("hostile: triple: empty IDT, then int3\n");
	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty) : "memory");
	trap_init();
	hostile_still_alive("triple");
}

void hostile_halt(void)
{
	con_printf("hostile: hlt: cli; hlt\n");
	cpu_cli();
	cpu_hlt();
	hostile_still_alive("hlt");
}

/*
 * Application processor start-up code.  smp.c copies the bytes between
 * trampoline_start and trampoline_end to TRAMPOLINE_BASE (below 1 MiB)
 * and fills the data block at its end (trampoline.h); each AP starts here in real mode
 * after INIT-SIPI-SIPI (SDM 8.4.4), goes through 32-bit protected mode
 * into long mode on the hypervisor's page tables, and jumps to
 * ap_entry() on its own stack.
 */
#include "generated/asm-offsets.h"
#include "arch/x86_64/msr.h"

#define ABS(x) (TRAMPOLINE_BASE_ADDR + (x) - trampoline_start)

	.section .rodata
	.globl trampoline_start, trampoline_end, trampoline_data
	.code16
trampoline_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl ABS(tgdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ABS(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl ABS(trampoline_data + TD_CR3), %eax
	movl %eax, %cr3
	movl $MSR_IA32_EFER, %ecx       /* EFER.LME, and NXE when the BSP uses NX */
	rdmsr
	orl $(1 << 8), %eax
	orl ABS(trampoline_data + TD_EFER_NX), %eax
	wrmsr
	movl %cr0, %eax
	andl $~((1 << 30) | (1 << 29)), %eax /* CD, NW off: caches on */
	orl $((1 << 31) | (1 << 16)), %eax   /* PG, WP */
	movl %eax, %cr0
	ljmpl $0x18, $ABS(tramp64)

	.code64
tramp64:
	movq ABS(trampoline_data + TD_STACK), %rsp
	movq ABS(trampoline_data + TD_ARG), %rdi
	movq ABS(trampoline_data + TD_ENTRY), %rax
	jmp *%rax

	.balign 8
tgdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tgdt_end:
tgdt_ptr:
	.short tgdt_end - tgdt - 1
	.long ABS(tgdt)

	.balign 8
trampoline_data:                        /* struct trampoline_data in trampoline.h */
	.skip TD_SIZE
trampoline_end:

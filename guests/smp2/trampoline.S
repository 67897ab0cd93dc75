/*
 * The AP's way from a SIPI to C.  startup.c copies smp2_trampoline to
 * TRAMPOLINE_BASE; a Start-up IPI with vector SIPI_VECTOR starts the AP
 * there in real mode, CS = TRAMPOLINE_BASE >> 4, IP = 0 (SDM Vol. 3A,
 * 9.4.4 and 11.6.1).  The code runs at that copy, not where it is linked,
 * so every address inside it goes through TRAMP(); addresses outside it
 * (the stack, ap_main) are absolute and need nothing.
 *
 *   real mode: load our GDT, set CR0.PE (clearing the CD and NW that
 *   INIT leaves set, SDM Vol. 3A, Table 10-1), far jump to 32-bit code
 *   protected mode: flat data segments, the AP stack, call ap_main
 *
 * The GDT has the same selectors as the image's own (entry.S), so the
 * shared IDT's gates (selector 0x08) work on the AP unchanged.
 */
#include "smp2.h"

#define SEL_CODE 0x08
#define SEL_DATA 0x10

#define CR0_PE 0x00000001
#define CR0_NW 0x20000000
#define CR0_CD 0x40000000

#define AP_STACK_SIZE 8192

#define TRAMP(sym) ((sym) - smp2_trampoline + TRAMPOLINE_BASE)

	.text
	.balign 16
	.globl smp2_trampoline, smp2_trampoline_end
	.code16
smp2_trampoline:
	cli
	cld
	xorw	%ax, %ax		/* DS = 0: TRAMP() addresses are linear */
	movw	%ax, %ds
	lgdtl	TRAMP(tramp_gdt_desc)
	movl	%cr0, %eax
	andl	$~(CR0_CD | CR0_NW), %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	$SEL_CODE, $TRAMP(tramp_32)

	.code32
tramp_32:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss
	movl	$ap_stack_top, %esp
	movl	$ap_main, %eax		/* absolute: a relative call would be */
	call	*%eax			/* off by the distance of the copy */
1:	cli				/* ap_main does not return */
	hlt
	jmp	1b

	.balign 8
/* Flat 4 GiB code and data segments (SDM Vol. 3A, 3.4.5), as in entry.S. */
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: code, ring 0, 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10: data, ring 0, 32-bit */
tramp_gdt_end:
tramp_gdt_desc:
	.word tramp_gdt_end - tramp_gdt - 1
	.long TRAMP(tramp_gdt)
smp2_trampoline_end:

	.bss
	.balign 16
ap_stack:
	.skip AP_STACK_SIZE
ap_stack_top:

	.section .note.GNU-stack, "", @progbits

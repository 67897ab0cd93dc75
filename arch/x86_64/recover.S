/*
 * recover_save / recover_jump (recover.h): save the callee-saved
 * registers, the stack pointer, the return address and RFLAGS; jump back
 * to them from a trap handler.  Offsets generated from struct
 * recover_point (asm-offsets.c).
 */
#include "generated/asm-offsets.h"

	.text
	.globl recover_save, recover_jump
recover_save:
	movq %rbx, RP_RBX(%rdi)
	movq %rbp, RP_RBP(%rdi)
	movq %r12, RP_R12(%rdi)
	movq %r13, RP_R13(%rdi)
	movq %r14, RP_R14(%rdi)
	movq %r15, RP_R15(%rdi)
	movq (%rsp), %rax               /* the return address */
	movq %rax, RP_RIP(%rdi)
	leaq 8(%rsp), %rax              /* the caller's stack after the return */
	movq %rax, RP_RSP(%rdi)
	pushfq
	popq RP_RFLAGS(%rdi)
	xorl %eax, %eax
	ret

recover_jump:
	movq RP_RBX(%rdi), %rbx
	movq RP_RBP(%rdi), %rbp
	movq RP_R12(%rdi), %r12
	movq RP_R13(%rdi), %r13
	movq RP_R14(%rdi), %r14
	movq RP_R15(%rdi), %r15
	movq RP_RSP(%rdi), %rsp
	pushq RP_RFLAGS(%rdi)
	popfq
	movl $1, %eax
	jmpq *RP_RIP(%rdi)

/*
 * Exception entry stubs.  Each pushes a dummy error code where the CPU
 * does not push one, then its vector, then all general registers, and
 * calls trap_handler(frame) (struct trap_frame in trap.h; its offsets are
 * generated from the structure, arch/x86_64/asm-offsets.c).
 */
#include "generated/asm-offsets.h"
#include "arch/x86_64/vectors.h"
	.text
	.code64

.macro ISR_NOERR vec
isr_\vec:
	pushq $0
	pushq $\vec
	jmp isr_common
.endm

.macro ISR_ERR vec
isr_\vec:
	pushq $\vec
	jmp isr_common
.endm

/* Vectors with an error code: 8, 10-14, 17, 21, 29, 30 (SDM 6.15). */
ISR_NOERR 0
ISR_NOERR 1
ISR_NOERR 2
ISR_NOERR 3
ISR_NOERR 4
ISR_NOERR 5
ISR_NOERR 6
ISR_NOERR 7
ISR_ERR   8
ISR_NOERR 9
ISR_ERR   10
ISR_ERR   11
ISR_ERR   12
ISR_ERR   13
ISR_ERR   14
ISR_NOERR 15
ISR_NOERR 16
ISR_ERR   17
ISR_NOERR 18
ISR_NOERR 19
ISR_NOERR 20
ISR_ERR   21
ISR_NOERR 22
ISR_NOERR 23
ISR_NOERR 24
ISR_NOERR 25
ISR_NOERR 26
ISR_NOERR 27
ISR_NOERR 28
ISR_ERR   29
ISR_ERR   30
ISR_NOERR 31
/*
 * Every other vector from 32 on: a stray interrupt, logged and
 * acknowledged (trap.c).  One 16-byte stub each, so vector v's is at
 * isr_stray + (v - 32) * 16.
 */
	.balign 16
	.globl isr_stray
isr_stray:
	.set vec, 32
	.rept 256 - 32
	.balign 16
	pushq $0
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

/* The hypervisor's own vectors (vectors.h), with names for their stubs. */
.macro ISR_NAMED name vec
\name:
	pushq $0
	pushq $\vec
	jmp isr_common
.endm

ISR_NAMED isr_stub_ipi_wake, VEC_IPI_WAKE
ISR_NAMED isr_stub_timer, VEC_TIMER
ISR_NAMED isr_stub_spurious, VEC_SPURIOUS

isr_common:
	subq $TF_VECTOR, %rsp             /* the registers go below vector and error */
	movq %rax, TF_RAX(%rsp)
	movq %rbx, TF_RBX(%rsp)
	movq %rcx, TF_RCX(%rsp)
	movq %rdx, TF_RDX(%rsp)
	movq %rsi, TF_RSI(%rsp)
	movq %rdi, TF_RDI(%rsp)
	movq %rbp, TF_RBP(%rsp)
	movq %r8, TF_R8(%rsp)
	movq %r9, TF_R9(%rsp)
	movq %r10, TF_R10(%rsp)
	movq %r11, TF_R11(%rsp)
	movq %r12, TF_R12(%rsp)
	movq %r13, TF_R13(%rsp)
	movq %r14, TF_R14(%rsp)
	movq %r15, TF_R15(%rsp)
	movq %rsp, %rdi
	cld
	call trap_handler
	movq TF_RAX(%rsp), %rax
	movq TF_RBX(%rsp), %rbx
	movq TF_RCX(%rsp), %rcx
	movq TF_RDX(%rsp), %rdx
	movq TF_RSI(%rsp), %rsi
	movq TF_RDI(%rsp), %rdi
	movq TF_RBP(%rsp), %rbp
	movq TF_R8(%rsp), %r8
	movq TF_R9(%rsp), %r9
	movq TF_R10(%rsp), %r10
	movq TF_R11(%rsp), %r11
	movq TF_R12(%rsp), %r12
	movq TF_R13(%rsp), %r13
	movq TF_R14(%rsp), %r14
	movq TF_R15(%rsp), %r15
	addq $TF_RIP, %rsp                /* drop registers, vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl isr_table
isr_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_\v
	.endr
	.globl isr_ipi_wake, isr_timer, isr_spurious
isr_ipi_wake:
	.quad isr_stub_ipi_wake
isr_timer:
	.quad isr_stub_timer
isr_spurious:
	.quad isr_stub_spurious

/* bool rdmsr_safe(uint32_t msr, uint64_t *v): false if RDMSR raised #GP. */
	.text
	.globl rdmsr_safe, rdmsr_safe_insn, rdmsr_safe_fixup
rdmsr_safe:
	movl %edi, %ecx
rdmsr_safe_insn:
	rdmsr
	movl %eax, (%rsi)
	movl %edx, 4(%rsi)
	movl $1, %eax
	ret
rdmsr_safe_fixup:
	xorl %eax, %eax
	ret

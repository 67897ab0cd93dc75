/*
 * VM entry and VM exit.
 *
 *   int vmx_enter(struct guest_regs *regs, int launched)
 *
 * saves the host's callee-saved registers, points HOST_RSP at this frame,
 * loads the guest's general registers and executes VMRESUME (or VMLAUNCH
 * the first time).  A VM exit lands at vmx_exit_entry (HOST_RIP) with
 * RSP = HOST_RSP: the guest registers are stored back and vmx_enter
 * returns 0.  If the entry instruction itself fails it falls through
 * and returns 1 (VMfailInvalid) or 2 (VMfailValid).
 *
 * Offsets into struct guest_regs (vmm/vcpu/vcpu.h; checked in vmx.c).
 */
#include "vmm/vmx/vmcs_fields.h"

#define R_RAX 0
#define R_RCX 8
#define R_RDX 16
#define R_RBX 24
#define R_RBP 32
#define R_RSI 40
#define R_RDI 48
#define R_R8  56
#define R_R9  64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112
#define R_CR2 120

	.text
	.globl vmx_enter, vmx_exit_entry
vmx_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi                      /* regs, found again at exit */

	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax

	movq R_CR2(%rdi), %rax
	movq %rax, %cr2
	movl %esi, %eax                 /* launched? */
	testl %eax, %eax
	movq R_RCX(%rdi), %rcx
	movq R_RDX(%rdi), %rdx
	movq R_RBX(%rdi), %rbx
	movq R_RBP(%rdi), %rbp
	movq R_RSI(%rdi), %rsi
	movq R_R8(%rdi), %r8
	movq R_R9(%rdi), %r9
	movq R_R10(%rdi), %r10
	movq R_R11(%rdi), %r11
	movq R_R12(%rdi), %r12
	movq R_R13(%rdi), %r13
	movq R_R14(%rdi), %r14
	movq R_R15(%rdi), %r15
	movq R_RAX(%rdi), %rax          /* mov does not change the flags */
	movq R_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp 2f
1:	vmresume
2:	/* only reached when the entry failed: CF = invalid, ZF = valid */
	movl $1, %eax
	jc 3f
	movl $2, %eax
3:	popq %rdi
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

vmx_exit_entry:
	pushq %rdi
	movq 8(%rsp), %rdi              /* regs */
	movq %rax, R_RAX(%rdi)
	movq %rcx, R_RCX(%rdi)
	movq %rdx, R_RDX(%rdi)
	movq %rbx, R_RBX(%rdi)
	movq %rbp, R_RBP(%rdi)
	movq %rsi, R_RSI(%rdi)
	movq %r8, R_R8(%rdi)
	movq %r9, R_R9(%rdi)
	movq %r10, R_R10(%rdi)
	movq %r11, R_R11(%rdi)
	movq %r12, R_R12(%rdi)
	movq %r13, R_R13(%rdi)
	movq %r14, R_R14(%rdi)
	movq %r15, R_R15(%rdi)
	popq R_RDI(%rdi)
	movq %cr2, %rax
	movq %rax, R_CR2(%rdi)
	xorl %eax, %eax
	jmp 3b

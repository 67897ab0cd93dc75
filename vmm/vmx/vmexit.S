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
 * The offsets into struct guest_regs (vmm/vcpu/vcpu.h) are generated from
 * the structure at build time (arch/x86_64/asm-offsets.c).
 */
#include "generated/asm-offsets.h"
#include "vmm/vmx/vmcs_fields.h"


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

	movq GR_CR2(%rdi), %rax
	movq %rax, %cr2
	movl %esi, %eax                 /* launched? */
	testl %eax, %eax
	movq GR_RCX(%rdi), %rcx
	movq GR_RDX(%rdi), %rdx
	movq GR_RBX(%rdi), %rbx
	movq GR_RBP(%rdi), %rbp
	movq GR_RSI(%rdi), %rsi
	movq GR_R8(%rdi), %r8
	movq GR_R9(%rdi), %r9
	movq GR_R10(%rdi), %r10
	movq GR_R11(%rdi), %r11
	movq GR_R12(%rdi), %r12
	movq GR_R13(%rdi), %r13
	movq GR_R14(%rdi), %r14
	movq GR_R15(%rdi), %r15
	movq GR_RAX(%rdi), %rax          /* mov does not change the flags */
	movq GR_RDI(%rdi), %rdi
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
	movq %rax, GR_RAX(%rdi)
	movq %rcx, GR_RCX(%rdi)
	movq %rdx, GR_RDX(%rdi)
	movq %rbx, GR_RBX(%rdi)
	movq %rbp, GR_RBP(%rdi)
	movq %rsi, GR_RSI(%rdi)
	movq %r8, GR_R8(%rdi)
	movq %r9, GR_R9(%rdi)
	movq %r10, GR_R10(%rdi)
	movq %r11, GR_R11(%rdi)
	movq %r12, GR_R12(%rdi)
	movq %r13, GR_R13(%rdi)
	movq %r14, GR_R14(%rdi)
	movq %r15, GR_R15(%rdi)
	popq GR_RDI(%rdi)
	movq %cr2, %rax
	movq %rax, GR_CR2(%rdi)
	xorl %eax, %eax
	jmp 3b

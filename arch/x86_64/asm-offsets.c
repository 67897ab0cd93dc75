/*
 * Offsets and sizes the assembly needs, generated from the C structures
 * so the two cannot drift apart.  This file is compiled to assembly only
 * (never linked): the Makefile turns each "->NAME value" marker below
 * into "#define NAME value" in build/include/generated/asm-offsets.h.
 */
#include <stddef.h>
#include "arch/x86_64/trap.h"
#include "arch/x86_64/trampoline.h"
#include "arch/x86_64/recover.h"
#include "vmm/vcpu/vcpu.h"

#define DEFINE(name, value) asm volatile("\n->" #name " %c0" : : "i"(value))
#define OFFSET(name, type, member) DEFINE(name, offsetof(type, member))

void asm_offsets(void);

void asm_offsets(void)
{
	/* struct guest_regs: vmm/vmx/vmexit.S */
	OFFSET(GR_RAX, struct guest_regs, rax);
	OFFSET(GR_RCX, struct guest_regs, rcx);
	OFFSET(GR_RDX, struct guest_regs, rdx);
	OFFSET(GR_RBX, struct guest_regs, rbx);
	OFFSET(GR_RBP, struct guest_regs, rbp);
	OFFSET(GR_RSI, struct guest_regs, rsi);
	OFFSET(GR_RDI, struct guest_regs, rdi);
	OFFSET(GR_R8, struct guest_regs, r8);
	OFFSET(GR_R9, struct guest_regs, r9);
	OFFSET(GR_R10, struct guest_regs, r10);
	OFFSET(GR_R11, struct guest_regs, r11);
	OFFSET(GR_R12, struct guest_regs, r12);
	OFFSET(GR_R13, struct guest_regs, r13);
	OFFSET(GR_R14, struct guest_regs, r14);
	OFFSET(GR_R15, struct guest_regs, r15);
	OFFSET(GR_CR2, struct guest_regs, cr2);

	/* struct trap_frame: arch/x86_64/isr.S */
	OFFSET(TF_R15, struct trap_frame, r15);
	OFFSET(TF_R14, struct trap_frame, r14);
	OFFSET(TF_R13, struct trap_frame, r13);
	OFFSET(TF_R12, struct trap_frame, r12);
	OFFSET(TF_R11, struct trap_frame, r11);
	OFFSET(TF_R10, struct trap_frame, r10);
	OFFSET(TF_R9, struct trap_frame, r9);
	OFFSET(TF_R8, struct trap_frame, r8);
	OFFSET(TF_RBP, struct trap_frame, rbp);
	OFFSET(TF_RDI, struct trap_frame, rdi);
	OFFSET(TF_RSI, struct trap_frame, rsi);
	OFFSET(TF_RDX, struct trap_frame, rdx);
	OFFSET(TF_RCX, struct trap_frame, rcx);
	OFFSET(TF_RBX, struct trap_frame, rbx);
	OFFSET(TF_RAX, struct trap_frame, rax);
	OFFSET(TF_VECTOR, struct trap_frame, vector);
	OFFSET(TF_RIP, struct trap_frame, rip);

	/* struct recover_point: arch/x86_64/recover.S */
	OFFSET(RP_RBX, struct recover_point, rbx);
	OFFSET(RP_RBP, struct recover_point, rbp);
	OFFSET(RP_R12, struct recover_point, r12);
	OFFSET(RP_R13, struct recover_point, r13);
	OFFSET(RP_R14, struct recover_point, r14);
	OFFSET(RP_R15, struct recover_point, r15);
	OFFSET(RP_RSP, struct recover_point, rsp);
	OFFSET(RP_RIP, struct recover_point, rip);
	OFFSET(RP_RFLAGS, struct recover_point, rflags);

	/* struct trampoline_data: arch/x86_64/trampoline.S */
	OFFSET(TD_CR3, struct trampoline_data, cr3);
	OFFSET(TD_EFER_NX, struct trampoline_data, efer_nx);
	OFFSET(TD_STACK, struct trampoline_data, stack);
	OFFSET(TD_ENTRY, struct trampoline_data, entry);
	OFFSET(TD_ARG, struct trampoline_data, arg);
	DEFINE(TD_SIZE, sizeof(struct trampoline_data));
	DEFINE(TRAMPOLINE_BASE_ADDR, TRAMPOLINE_BASE);
}

/* CPU exceptions taken by the hypervisor itself. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include "hv/types.h"

/* Pushed by isr.S; the layout is read by the assembly, keep them in step. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap frame layout");

/* The entry stubs (isr.S). */
extern const uint64_t isr_table[32];               /* exceptions 0-31 */
extern const uint64_t isr_ipi_wake, isr_timer, isr_spurious;
extern const char isr_stray[];                     /* vectors 32-255, one stub each */
#define ISR_STRAY_STUB 16                          /* bytes per stray stub */
extern const char rdmsr_safe_insn[], rdmsr_safe_fixup[];

void trap_handler(struct trap_frame *f);
/* An NMI reached the host (through its IDT, or as a guest's NMI exit). */
void trap_host_nmi(void);


#endif

/* Architectural exception vectors (SDM Vol. 3A 6.3.1, table 6-1). */
#ifndef ARCH_VECTORS_H
#define ARCH_VECTORS_H

#define X86_VEC_DE  0    /* divide error */
#define X86_VEC_DB  1    /* debug */
#define X86_VEC_NMI 2
#define X86_VEC_BP  3    /* INT3 */
#define X86_VEC_UD  6    /* invalid opcode */
#define X86_VEC_DF  8    /* double fault */
#define X86_VEC_GP  13   /* general protection */
#define X86_VEC_PF  14   /* page fault */
#define X86_VEC_AC  17   /* alignment check */
#define X86_VEC_MC  18   /* machine check */

/* The hypervisor's own interrupt vectors (its IDT, arch/x86_64/idt.c). */
#define VEC_IPI_WAKE 0xf0    /* another CPU has work or news for this one */
#define VEC_TIMER    0xf1    /* the local APIC timer (lapic_sleep_until) */
#define VEC_SPURIOUS 0xff

#endif

/*
 * The few x86-64 instructions hello64 needs, one inline wrapper each.
 * (guests/lib/cpu.h is the 32-bit counterpart; its control-register
 * accessors are 32 bits wide, so it is not shared.)
 */
#ifndef HELLO64_CPU64_H
#define HELLO64_CPU64_H

#include <stdbool.h>
#include <stdint.h>

/* IA32_EFER and its LMA bit (SDM Vol. 4, Table 2-2; Vol. 3A, 2.2.1). */
#define MSR_IA32_EFER 0xc0000080u
#define MSR_IA32_APIC_BASE 0x1bu
#define MSR_X2APIC_TPR 0x808u
#define APIC_BASE_EN    (1ull << 11)
#define APIC_BASE_EXTD  (1ull << 10)     /* x2APIC mode */
#define EFER_LMA      (1ull << 10)
#define EFER_SCE      (1ull << 0)

/* The SYSCALL MSRs (SDM Vol. 4, Table 2-2; Vol. 2B, SYSCALL). */
#define MSR_IA32_STAR  0xc0000081u
#define MSR_IA32_LSTAR 0xc0000082u
#define MSR_IA32_FMASK 0xc0000084u

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_AC (1ull << 18)

/* Paging-structure entry bits and address (SDM Vol. 3A, 4.5). */
#define PTE_U     (1ull << 2)
#define PTE_ADDR  0x000ffffffffff000ull

/* Access-rights bits LAR returns (SDM Vol. 2A, LAR; Vol. 3A, 3.4.5):
 * the descriptor's second dword masked with 0x00f0ff00. */
#define DESC_L  (1u << 21)	/* 64-bit code segment */
#define DESC_DB (1u << 22)	/* must be 0 when L is 1 */

static inline void cpu_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t cpu_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t cpu_read_cr3(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Also flushes the TLB's non-global entries. */
static inline void cpu_write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint8_t cpu_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint16_t cpu_read_cs(void)
{
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs;
}

/* LAR of a selector: false if the descriptor is not readable by LAR. */
static inline bool cpu_lar(uint16_t sel, uint32_t *rights)
{
	uint32_t r = 0;
	bool ok;

	__asm__ volatile("lar %2, %1\n\tsetz %0"
			 : "=q"(ok), "+r"(r)
			 : "rm"((uint32_t)sel)
			 : "cc");
	*rights = r;
	return ok;
}

/* VMCALL with the number in RAX and one argument in RDI
 * (include/hv/hypercall.h); the other argument registers may change. */
static inline int64_t cpu_vmcall1(uint64_t nr, uint64_t a0)
{
	uint64_t ret = nr;

	__asm__ volatile("vmcall"
			 : "+a"(ret), "+D"(a0)
			 :
			 : "rsi", "rdx", "memory");
	return (int64_t)ret;
}

static inline void cpu_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli\n\thlt" ::: "memory");
}

#endif

/*
 * Inline wrappers for the CPU instructions guests use to provoke exits:
 * CPUID, RDMSR/WRMSR, port I/O, control registers, CLI/STI/HLT, RDTSC.
 * Each is one instruction; anything that may fault is wrapped again in
 * fault.h.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* CPUID.1 feature bits (SDM Vol. 2A, CPUID, Tables 3-10 and 3-11). */
#define CPUID1_ECX_VMX        (1u << 5)
#define CPUID1_ECX_HYPERVISOR (1u << 31)
#define CPUID1_EDX_PSE        (1u << 3)
#define CPUID1_EDX_MSR        (1u << 5)
#define CPUID1_EDX_PAE        (1u << 6)
#define CPUID1_EDX_PGE        (1u << 13)
#define CPUID1_EDX_FXSR       (1u << 24)

/* Hypervisor leaves (reserved for software by Intel, SDM Vol. 2A CPUID). */
#define CPUID_HV_LEAF 0x40000000u

/* Control register bits (SDM Vol. 3A, 2.5). */
#define CR0_PE     (1u << 0)
#define CR0_WP     (1u << 16)
#define CR0_PG     (1u << 31)
#define CR4_PSE    (1u << 4)
#define CR4_PAE    (1u << 5)
#define CR4_PGE    (1u << 7)
#define CR4_OSFXSR (1u << 9)

/* MSR numbers (SDM Vol. 4, Table 2-2). */
#define MSR_IA32_TSC             0x10u
#define MSR_IA32_APIC_BASE       0x1bu
#define MSR_IA32_FEATURE_CONTROL 0x3au
#define MSR_IA32_VMX_BASIC       0x480u
#define MSR_IA32_VMX_LAST        0x491u	/* IA32_VMX_VMFUNC */
#define MSR_IA32_EFER            0xc0000080u

static inline uint64_t cpu_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpu_wrmsr(uint32_t msr, uint64_t val)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
}

static inline uint8_t cpu_inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t cpu_inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t cpu_inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void cpu_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

#define CPU_CR_ACCESSORS(n)                                              \
	static inline uint32_t cpu_read_cr##n(void)                      \
	{                                                                \
		uint32_t v;                                              \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));        \
		return v;                                                \
	}                                                                \
	static inline void cpu_write_cr##n(uint32_t v)                   \
	{                                                                \
		__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
	}
CPU_CR_ACCESSORS(0)
CPU_CR_ACCESSORS(2)
CPU_CR_ACCESSORS(3)
CPU_CR_ACCESSORS(4)
#undef CPU_CR_ACCESSORS

static inline void cpu_cli(void)
{
	__asm__ volatile("cli" ::: "memory");
}

static inline void cpu_sti(void)
{
	__asm__ volatile("sti" ::: "memory");
}

static inline void cpu_hlt(void)
{
	__asm__ volatile("hlt" ::: "memory");
}

/* The spin-wait hint (SDM Vol. 2B, PAUSE); a compiler barrier too, so a
 * polled variable is read again each time round. */
static inline void cpu_pause(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline uint64_t cpu_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* True if leaf 1 advertises `bit` in EDX. */
static inline int cpu_has_edx1(uint32_t bit)
{
	return (cpu_cpuid(1, 0).edx & bit) != 0;
}

#endif

/*
 * CPU primitives: port I/O, MSRs, control registers, CPUID.
 * The MSR numbers are in arch/x86_64/msr.h.
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "hv/types.h"

#include "arch/x86_64/msr.h"

#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define CR0_PE (1ull << 0)
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_VME (1ull << 0)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_MCE (1ull << 6)
#define CR4_PGE (1ull << 7)
#define CR4_OSFXSR (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMXE (1ull << 14)

#define RFLAGS_IF (1ull << 9)

struct cpuid_regs { uint32_t eax, ebx, ecx, edx; };

/* RDMSR that survives a #GP (for MSRs that may not exist); false on #GP. */
bool rdmsr_safe(uint32_t msr, uint64_t *v);

#ifdef HOST_TEST
/* Host unit tests link fakes instead (tests/unit/fake_cpu.c). */
void outb(uint16_t port, uint8_t v);
void outw(uint16_t port, uint16_t v);
void outl(uint16_t port, uint32_t v);
uint8_t inb(uint16_t port);
uint16_t inw(uint16_t port);
uint32_t inl(uint16_t port);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub);
uint64_t read_cr0(void);
uint64_t read_cr2(void);
uint64_t read_cr3(void);
uint64_t read_cr4(void);
void write_cr0(uint64_t v);
void write_cr2(uint64_t v);
void write_cr3(uint64_t v);
void write_cr4(uint64_t v);
uint64_t read_rflags(void);
uint64_t rdtsc(void);
void cpu_relax(void);
__attribute__((noreturn)) void halt_forever(void);
void invlpg(uintptr_t va);
void xsetbv(uint32_t xcr, uint64_t v);
#else
static inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { asm volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint16_t inw(uint16_t port) { uint16_t v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline uint32_t inl(uint16_t port) { uint32_t v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;
	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(sub));
	return r;
}

#define DEFINE_CR(n) \
	static inline uint64_t read_cr##n(void) { uint64_t v; asm volatile("mov %%cr" #n ", %0" : "=r"(v)); return v; } \
	static inline void write_cr##n(uint64_t v) { asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t read_rflags(void) { uint64_t v; asm volatile("pushfq; pop %0" : "=r"(v)); return v; }
static inline uint64_t rdtsc(void) { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((uint64_t)hi << 32) | lo; }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline __attribute__((noreturn)) void halt_forever(void) { for (;;) asm volatile("cli; hlt"); }
static inline void invlpg(uintptr_t va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void xsetbv(uint32_t xcr, uint64_t v)
{
	asm volatile("xsetbv" : : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
#endif

#endif

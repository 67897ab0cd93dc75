/*
 * The timed instructions.  Each measurement is one asm block:
 *
 *     lfence; rdtsc; store t0       LFENCE keeps RDTSC from running
 *     <set-up> <instruction>        ahead of older instructions
 *     lfence; rdtsc                 (SDM Vol. 2B, RDTSC)
 *
 * so the compiler cannot put anything of its own inside the window, and
 * every block pays the same fixed cost that timed_empty() measures.  The
 * set-up is at most two register moves the instruction needs after
 * RDTSC has overwritten EAX and EDX (a port number in DX, a value in
 * AL or EDX:EAX); against an exit's thousands of ticks it is noise.
 */
#include "bench.h"
#include "cpu.h"
#include "hv/hypercall.h"
#include "uart.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

/* COM1's scratch register (PC16550D, Table 2), and a port nothing claims
 * (0x2f0-0x2f7 is free in the PC I/O map; the hypervisor reads it as
 * all ones).  Both go into asm text, hence the literal forms. */
#define PORT_UART_SCRATCH 0x3ff
_Static_assert(PORT_UART_SCRATCH == UART_COM1 + UART_SCRATCH, "COM1 scratch");
#define PORT_UNUSED       0x2f0

uint64_t timed_efer_value;

#define TSC_BEGIN "lfence\n\trdtsc\n\tmovl %%eax, %[lo0]\n\tmovl %%edx, %[hi0]\n\t"
#define TSC_END   "\n\tlfence\n\trdtsc"
/* Early-clobber: RDTSC writes EAX/EDX before the t0 stores are done. */
#define TSC_OUTPUTS [lo0] "=m"(lo0), [hi0] "=m"(hi0), "=&a"(lo1), "=&d"(hi1)
#define TSC_LOCALS  uint32_t lo0, hi0, lo1, hi1
#define TSC_RESULT  ((((uint64_t)hi1 << 32) | lo1) - (((uint64_t)hi0 << 32) | lo0))

uint64_t timed_empty(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN TSC_END : TSC_OUTPUTS : : "memory");
	return TSC_RESULT;
}

/* Leaf 0: the vendor string, which every CPU has. */
uint64_t timed_cpuid(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "xorl %%eax, %%eax\n\txorl %%ecx, %%ecx\n\tcpuid" TSC_END
			 : TSC_OUTPUTS : : "ebx", "ecx", "memory");
	return TSC_RESULT;
}

/* HC_NULL; the ABI lets the hypervisor change EDI, ESI and EDX. */
uint64_t timed_vmcall(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "movl $" STR(HC_NULL) ", %%eax\n\tvmcall" TSC_END
			 : TSC_OUTPUTS : : "ebx", "ecx", "esi", "edi", "memory");
	return TSC_RESULT;
}

uint64_t timed_uart_scratch_write(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "movl $" STR(PORT_UART_SCRATCH) ", %%edx\n\t"
			 "movb $0x5a, %%al\n\toutb %%al, %%dx" TSC_END
			 : TSC_OUTPUTS : : "memory");
	return TSC_RESULT;
}

uint64_t timed_unused_port_read(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "movl $" STR(PORT_UNUSED) ", %%edx\n\tinb %%dx, %%al" TSC_END
			 : TSC_OUTPUTS : : "memory");
	return TSC_RESULT;
}

uint64_t timed_rdmsr_efer(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "rdmsr" TSC_END
			 : TSC_OUTPUTS : "c"(MSR_IA32_EFER) : "memory");
	return TSC_RESULT;
}

uint64_t timed_wrmsr_efer(void)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "movl %%esi, %%eax\n\tmovl %%edi, %%edx\n\twrmsr" TSC_END
			 : TSC_OUTPUTS
			 : "c"(MSR_IA32_EFER), "S"((uint32_t)timed_efer_value),
			   "D"((uint32_t)(timed_efer_value >> 32))
			 : "memory");
	return TSC_RESULT;
}

uint64_t timed_touch(uint32_t addr)
{
	TSC_LOCALS;

	__asm__ volatile(TSC_BEGIN "movb $1, (%[p])" TSC_END
			 : TSC_OUTPUTS : [p] "b"(addr) : "memory");
	return TSC_RESULT;
}

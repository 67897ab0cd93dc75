/*
 * hello64: the smallest plain x86-64 ELF guest.  It checks the state the
 * elf64 loader promises (long mode active, a 64-bit code segment), asks
 * the hypervisor who it is, writes and reads back memory in the top
 * 2 MiB of its RAM (a different 2 MiB page from the image, so a second
 * EPT leaf, and just below the loader's stack), checks that CR8 is its
 * own, makes a SYSCALL/SYSRETQ round trip, and prints
 *
 *     hello64: long mode ok
 *     hello64: partition <name> ram <MiB> MiB
 *     hello64: cr8 ok
 *     hello64: syscall ok
 *     hello64: PASS                       (exit code 0)
 *
 * or "hello64: FAIL (<what>)" and exit code 1.  There is no IDT: a fault
 * here is a triple fault, which the hypervisor reports on its own.
 */
#include <stddef.h>
#include "console.h"
#include "cpu64.h"
#include "hv/hypercall.h"

#define EXIT_PORT   0xf4	/* QEMU isa-debug-exit */
#define SEL_CODE64  0x08	/* the loader's GDT (vmm/loader/elf64.c) */
#define SEL_SYSRET  0x10	/* STAR[63:48]: SYSRETQ's CS is this + 16, SS this + 8, RPL 3 */
#define SIZE_2M     (2ull << 20)
#define PATTERN     0x6c6f6e676d6f6465ull	/* "edomgnol" */

void hello64_exit(uint32_t code) __attribute__((noreturn));
int hello64_main(void);

/* syscall.S */
uint32_t syscall_roundtrip(void);
void syscall_entry(void);
extern volatile uint32_t syscall_entries;

void hello64_exit(uint32_t code)
{
	cpu_outl(EXIT_PORT, code);
	cpu_vmcall1(HC_EXIT, code);	/* no debug-exit port: ask the hypervisor */
	cpu_halt_forever();
	__builtin_unreachable();
}

static int fail(const char *what)
{
	con_puts("hello64: FAIL (");
	con_puts(what);
	con_puts(")\n");
	return 1;
}

/* EFER.LMA says IA-32e mode is active; CS.L says we run 64-bit code in
 * it rather than compatibility mode (SDM Vol. 3A, 2.2.1 and 5.2.1). */
static const char *long_mode_problem(void)
{
	uint32_t rights;

	if (!(cpu_rdmsr(MSR_IA32_EFER) & EFER_LMA))
		return "EFER.LMA clear";
	if (cpu_read_cs() != SEL_CODE64)
		return "CS is not selector 0x08";
	if (!cpu_lar(SEL_CODE64, &rights))
		return "LAR refused CS";
	if (!(rights & DESC_L) || (rights & DESC_DB))
		return "CS is not a 64-bit code segment";
	return NULL;
}

/* Two words at the bottom of the top 2 MiB page: the stack starts at the
 * very top and uses far less than 2 MiB. */
static bool top_page_holds_data(uint64_t ram_size)
{
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)(ram_size - SIZE_2M);

	w[0] = PATTERN;
	w[1] = ~PATTERN ^ (uint64_t)(uintptr_t)w;
	return w[0] == PATTERN && w[1] == (~PATTERN ^ (uint64_t)(uintptr_t)w);
}

/* CR8 is the task priority of the guest's own local APIC: every value
 * reads back, and shows in the APIC's TPR (x2APIC MSR 0x808) as bits
 * 7:4.  Were the write to reach the real CPU instead, the host's own
 * interrupts (vector 0xf0 on) would be blocked at 15. */
static bool cr8_is_the_guests(void)
{
	cpu_wrmsr(MSR_IA32_APIC_BASE, cpu_rdmsr(MSR_IA32_APIC_BASE) | APIC_BASE_EN | APIC_BASE_EXTD);
	for (uint64_t want = 0; want < 16; want++) {
		uint64_t got;

		__asm__ volatile("mov %1, %%cr8; mov %%cr8, %0" : "=r"(got) : "r"(want) : "memory");
		if (got != want || (cpu_rdmsr(MSR_X2APIC_TPR) >> 4) != want)
			return false;
	}
	bool ok = cpu_vmcall1(HC_NULL, 0) == 0;
	__asm__ volatile("mov %0, %%cr8" : : "r"(0ull) : "memory");
	return ok;
}

/* Set or clear U/S in the entries mapping va (the loader's PML4E, PDPTE
 * and 2 MiB PDE), so CPL 3 may fetch from it, then flush the TLB. */
static void set_user(uint64_t va, bool user)
{
	uint64_t *table = (uint64_t *)(uintptr_t)(cpu_read_cr3() & PTE_ADDR);

	for (int level = 0; level < 3; level++) {
		uint64_t *e = &table[(va >> (39 - 9 * level)) & 511];

		*e = user ? *e | PTE_U : *e & ~PTE_U;
		table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	}
	cpu_write_cr3(cpu_read_cr3());
}

/*
 * SYSCALL works once EFER.SCE is set: the value must stick and reach the
 * CPU (an EFER that stayed in the hypervisor would make SYSCALL #UD, and
 * end us).  SYSCALL from CPL 0 to syscall_entry, SYSRETQ to CPL 3, and
 * SYSCALL back (syscall.S).
 */
static const char *syscall_problem(void)
{
	uint64_t code = (uint64_t)(uintptr_t)syscall_roundtrip;
	uint32_t cs;

	cpu_wrmsr(MSR_IA32_EFER, cpu_rdmsr(MSR_IA32_EFER) | EFER_SCE);
	if (!(cpu_rdmsr(MSR_IA32_EFER) & EFER_SCE))
		return "EFER.SCE does not stick";
	cpu_wrmsr(MSR_IA32_STAR, (uint64_t)SEL_SYSRET << 48 | (uint64_t)SEL_CODE64 << 32);
	cpu_wrmsr(MSR_IA32_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
	cpu_wrmsr(MSR_IA32_FMASK, RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC);
	if (cpu_rdmsr(MSR_IA32_LSTAR) != (uint64_t)(uintptr_t)syscall_entry)
		return "LSTAR does not read back";
	set_user(code, true);
	cs = syscall_roundtrip();
	set_user(code, false);
	if (syscall_entries != 2)
		return "the SYSCALL handler did not run twice";
	if (cs != ((SEL_SYSRET + 16) | 3))
		return "SYSRETQ did not load STAR's CS at CPL 3";
	if (cpu_read_cs() != SEL_CODE64)
		return "SYSCALL did not load STAR's CS";
	return NULL;
}

int hello64_main(void)
{
	static struct hc_partition_info info;	/* .bss: its address is its gpa */
	const char *problem = long_mode_problem();
	int64_t r;

	if (problem)
		return fail(problem);
	con_puts("hello64: long mode ok\n");

	r = cpu_vmcall1(HC_PARTITION_INFO, (uint64_t)(uintptr_t)&info);
	if (r != 0)
		return fail("partition info hypercall");
	info.name[sizeof(info.name) - 1] = '\0';
	con_puts("hello64: partition ");
	con_puts(info.name);
	con_puts(" ram ");
	con_put_dec(info.ram_size >> 20);
	con_puts(" MiB\n");

	if (info.ram_size < 2 * SIZE_2M)
		return fail("ram below 4 MiB: no separate top 2 MiB page");
	if (!top_page_holds_data(info.ram_size))
		return fail("top 2 MiB readback");
	if (!cr8_is_the_guests())
		return fail("CR8 does not read back what was written");
	con_puts("hello64: cr8 ok\n");
	problem = syscall_problem();
	if (problem)
		return fail(problem);
	con_puts("hello64: syscall ok\n");
	con_puts("hello64: PASS\n");
	return 0;
}

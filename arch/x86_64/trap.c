/*
 * What happens when the hypervisor itself takes an exception: it is a
 * bug in the hypervisor (guests' faults never arrive here), so print
 * "hv: PANIC:" with everything needed to find it and halt this CPU.
 * The other CPUs and their guests go on.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vectors.h"
#include "lib/regdump.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/lapic.h"
#include "drivers/console.h"
#include "hv/log.h"


static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow",
	"bound range exceeded", "invalid opcode", "device not available",
	"double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack-segment fault", "general protection",
	"page fault", "reserved", "x87 floating-point", "alignment check",
	"machine check", "SIMD floating-point", "virtualization",
	"control protection", "reserved", "reserved", "reserved", "reserved",
	"reserved", "reserved", "hypervisor injection", "VMM communication",
	"security", "reserved",
};

static void dump_registers(const struct trap_frame *f)
{
	const uint64_t gpr[16] = { f->rax, f->rcx, f->rdx, f->rbx, f->rsp, f->rbp, f->rsi, f->rdi,
				   f->r8, f->r9, f->r10, f->r11, f->r12, f->r13, f->r14, f->r15 };

	log_gprs("  ", gpr);
	log_printf("  rip %016llx cs %04llx rflags %08llx ss %04llx\n",
		   (unsigned long long)f->rip, (unsigned long long)f->cs,
		   (unsigned long long)f->rflags, (unsigned long long)f->ss);
	log_printf("  cr0 %016llx cr3 %016llx cr4 %016llx\n",
		   (unsigned long long)read_cr0(), (unsigned long long)read_cr3(),
		   (unsigned long long)read_cr4());
}

/* An interrupt on a vector nothing here uses: the firmware's, a device's
 * the hypervisor never set up.  Acknowledge it, and say so once a vector. */
static void stray_interrupt(uint64_t vector)
{
	static uint64_t seen[256 / 64];

	lapic_eoi();
	if (!(__atomic_fetch_or(&seen[vector / 64], 1ull << (vector % 64), __ATOMIC_RELAXED) &
	      (1ull << (vector % 64))))
		log_printf("hv: cpu %d: stray interrupt on vector %llu, acknowledged (logged once)\n",
			   cpu_index(), (unsigned long long)vector);
}

void trap_host_nmi(void)
{
	struct percpu *c = this_cpu();

	/* nothing here raises NMIs on purpose: say so once, and go on */
	if (c->nmis++ == 0)
		log_printf("hv: cpu %d: NMI (from the platform or a watchdog); counted, not logged again\n",
			   cpu_index());
}

void trap_handler(struct trap_frame *f)
{
	if (f->vector == X86_VEC_GP && f->rip == (uint64_t)rdmsr_safe_insn) {
		f->rip = (uint64_t)rdmsr_safe_fixup;
		return;
	}
	if (f->vector == VEC_IPI_WAKE || f->vector == VEC_TIMER) {
		lapic_eoi();
		return;
	}
	if (f->vector == VEC_SPURIOUS)
		return;
	if (f->vector >= 32) {
		stray_interrupt(f->vector);
		return;
	}
	if (f->vector == X86_VEC_NMI) {
		trap_host_nmi();
		return;
	}

	uint64_t cr2 = read_cr2();
	struct percpu *c = this_cpu();

	/* a fault while handling a guest's exit ends that guest, not the CPU */
	if (c->recover && f->vector < 32 && f->vector != X86_VEC_MC && f->vector != X86_VEC_DF) {
		const struct recover_point *r = c->recover;

		c->recover = NULL;
		c->fault = (struct recover_fault){ f->vector, f->error, f->rip, cr2 };
		recover_jump(r);
	}
	const char *name = f->vector < 32 ? exception_names[f->vector] : "interrupt";

	log_printf("hv: PANIC: cpu %d: exception %llu (%s), error code 0x%llx, rip %016llx, cr2 %016llx\n",
		   cpu_index(), (unsigned long long)f->vector, name,
		   (unsigned long long)f->error, (unsigned long long)f->rip,
		   (unsigned long long)cr2);
	/* a fault right at the stack pointer: the stack ran into its guard page */
	if (f->vector == X86_VEC_PF && cr2 + 4096 > f->rsp && cr2 < f->rsp + 4096)
		log_printf("  (the fault is in the page below the stack: stack overflow into its guard page)\n");
	dump_registers(f);
	log_printf("hv: cpu %d halted\n", cpu_index());
	halt_forever();
}

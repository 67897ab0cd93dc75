/*
 * The IPI vector and the spurious vector, on both CPUs.  The handler
 * counts by the APIC ID of the CPU taking the interrupt, so one counter
 * pair tells the BSP who took what.
 */
#include "smp2.h"

volatile uint32_t ipi_count[SMP2_CPUS];
volatile uint32_t ipi_stray;
volatile uint32_t ipi_spurious;
volatile uint64_t irq_tsc[SMP2_CPUS];

/* Called from ipi_entry (vectors.S) with interrupts off. */
void ipi_handle(void)
{
	uint64_t now = cpu_rdtsc();	/* first: bench.c's handler time */
	uint32_t id = lapic_id();

	if (id < SMP2_CPUS)
		irq_tsc[id] = now;
	if (id < SMP2_CPUS)
		__atomic_add_fetch(&ipi_count[id], 1, __ATOMIC_SEQ_CST);
	else
		__atomic_add_fetch(&ipi_stray, 1, __ATOMIC_SEQ_CST);
	lapic_eoi();
}

/* A spurious interrupt sets no in-service bit, so it takes no EOI
 * (SDM Vol. 3A, 11.9). */
void ipi_spurious_handle(void)
{
	__atomic_add_fetch(&ipi_spurious, 1, __ATOMIC_SEQ_CST);
}

/* One IDT serves both CPUs: the AP loads it with trap_load(). */
void ipi_install(void)
{
	trap_set_gate(IPI_VECTOR, ipi_entry);
	trap_set_gate(SPURIOUS_VECTOR, ipi_spurious_entry);
}

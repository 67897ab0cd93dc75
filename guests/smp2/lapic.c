/*
 * xAPIC register access (lapic.h).  Every access is one 32-bit MOV,
 * written as such: the compiler may not fold a read-modify-write into a
 * single instruction on the page, which an APIC (or a hypervisor's MMIO
 * decoder) need not support (SDM Vol. 3A, 11.4.1: registers are accessed
 * with aligned 32-bit loads and stores).
 */
#include "lapic.h"
#include "cpu.h"

/* Delivery-status reads after which a send counts as stuck: together
 * far longer than any IPI takes to be accepted. */
#define ICR_IDLE_POLLS 100000u

static volatile uint32_t *reg_ptr(uint32_t reg)
{
	return (volatile uint32_t *)(LAPIC_BASE + reg);
}

uint32_t lapic_read(uint32_t reg)
{
	uint32_t v;

	__asm__ volatile("movl %1, %0" : "=r"(v) : "m"(*reg_ptr(reg)) : "memory");
	return v;
}

void lapic_write(uint32_t reg, uint32_t val)
{
	__asm__ volatile("movl %1, %0" : "=m"(*reg_ptr(reg)) : "r"(val) : "memory");
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_enable(uint8_t spurious_vector)
{
	uint64_t base = cpu_rdmsr(MSR_IA32_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		cpu_wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_EN);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | spurious_vector);
}

bool lapic_send(uint32_t apic_id, uint32_t icr_low)
{
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_low);
	for (uint32_t i = 0; i < ICR_IDLE_POLLS; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_BUSY))
			return true;
		cpu_pause();
	}
	return false;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_esr(void)
{
	lapic_write(LAPIC_ESR, 0);
	return lapic_read(LAPIC_ESR);
}

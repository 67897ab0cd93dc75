/* Starting the application processors and parking them until needed. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include "hv/types.h"

struct acpi_info;

/* Start every enabled processor the MADT lists; returns how many are online (BSP included). */
unsigned smp_start(const uint32_t *apic_ids, unsigned n, unsigned max);
/* Hand a parked CPU a function to run; false if that CPU is not parked. */
bool smp_run_on(unsigned cpu, void (*fn)(void *), void *arg);
/* Parked loop: wait for work handed over by smp_run_on(). */
void smp_park(void) __attribute__((noreturn));
/* Wake host CPU `cpu` (an index) with VEC_IPI_WAKE: it leaves a guest or
 * a halt and looks at its work.  Nothing if it is this CPU. */
void cpu_kick(unsigned cpu);
void bsp_percpu_init(uint64_t stack_top);
void bsp_setup_stacks(void);   /* once paging is up: guarded IST stacks */
void cpu_setup_stacks(unsigned index, uint32_t apic_id, uint64_t stack_top);

#endif

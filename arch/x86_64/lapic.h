/* The host's local APIC: enough to identify CPUs and start them. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include "hv/types.h"

void lapic_init(void);            /* on each CPU; xAPIC via MMIO or x2APIC via MSRs */
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t vector_page);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
bool lapic_wait_idle(void);
/* Halt this CPU until the TSC reaches `tsc` (or any interrupt arrives). */
void lapic_sleep_until(uint64_t tsc);
/* Arm this CPU's timer to interrupt (VEC_TIMER) when the TSC reaches tsc,
 * 0 to disarm; false if it has no TSC-deadline mode.  A sleep above
 * disarms it. */
bool lapic_arm_deadline(uint64_t tsc);

#endif

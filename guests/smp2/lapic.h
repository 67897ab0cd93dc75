/*
 * The local APIC in xAPIC mode: 32-bit registers in a 4 KiB page at
 * 0xfee00000, each CPU seeing its own (SDM Vol. 3A, chapter 11; register
 * offsets from Table 11-1, ICR fields from Figure 11-12).
 */
#ifndef SMP2_LAPIC_H
#define SMP2_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define LAPIC_BASE 0xfee00000u

#define LAPIC_ID        0x020	/* bits 31:24 */
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_ESR       0x280
#define LAPIC_ICR_LO    0x300	/* a write sends the IPI */
#define LAPIC_ICR_HI    0x310	/* destination in bits 31:24 */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TIMER_ICR 0x380	/* initial count: a write starts the timer */
#define LAPIC_TIMER_DCR 0x3e0	/* divide configuration */
#define LAPIC_DCR_BY_1  0xb

#define LAPIC_SVR_ENABLE  (1u << 8)
#define LAPIC_LVT_MASKED  (1u << 16)

#define ICR_FIXED       (0u << 8)	/* delivery mode, bits 10:8 */
#define ICR_INIT        (5u << 8)
#define ICR_STARTUP     (6u << 8)
#define ICR_BUSY        (1u << 12)	/* delivery status: send pending */
#define ICR_ASSERT      (1u << 14)	/* level: 1 for all but INIT de-assert */
#define ICR_LEVEL       (1u << 15)	/* trigger mode */
#define ICR_TO_OTHERS   (3u << 18)	/* shorthand: all excluding self */
#define ICR_TO_SELF     (1u << 18)	/* shorthand: self */

/* IA32_APIC_BASE (SDM Vol. 3A, 11.4.4, Figure 11-5). */
#define APIC_BASE_BSP   (1u << 8)
#define APIC_BASE_EXTD  (1u << 10)
#define APIC_BASE_EN    (1u << 11)
#define APIC_BASE_ADDR  0xfffff000ull	/* bits 35:12 below 4 GiB */

uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t val);

/* This CPU's APIC ID. */
uint32_t lapic_id(void);

/* Globally and software-enable this CPU's APIC with the given spurious
 * vector, accept every priority, and mask LINT0 (the 8259's ExtINT line
 * in the BIOS's virtual-wire set-up: nothing of ours comes that way). */
void lapic_enable(uint8_t spurious_vector);

/* Send an IPI: ICR high then low, physical destination apic_id (ignored
 * with a shorthand).  True if the delivery status reads idle again,
 * polled a bounded number of times. */
bool lapic_send(uint32_t apic_id, uint32_t icr_low);

void lapic_eoi(void);

/* The error status: a write latches the errors seen so far (11.5.3). */
uint32_t lapic_esr(void);

#endif

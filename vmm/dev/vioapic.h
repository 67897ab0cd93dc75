/*
 * An emulated I/O APIC with 24 input pins, as the Intel 82093AA at
 * 0xfec00000: an indirect register file behind IOREGSEL (MMIO offset
 * 0x00) and IOWIN (0x10), and a redirection table that turns a pin's
 * level or edge into an interrupt message for the local APICs.
 * Values follow the 82093AA datasheet (order no. 290566-001): section 3.1
 * for the two memory-mapped registers, 3.2.1-3.2.3 for the ID, version
 * and arbitration registers, 3.2.4 for the redirection table entries.
 *
 * Like the other devices it is a plain state machine.  The caller drives
 * the pins with vioapic_set_irq() and forwards the local APICs' EOIs of
 * level-triggered vectors (the vlapic eoi callback) to vioapic_eoi().
 * A message leaves through the deliver callback as (dest, msg): dest is
 * the entry's destination field (bits 63:56) and msg is shaped like a
 * local APIC ICR low word, so that the caller routes it exactly as an IPI
 * with vlapic_ipi_is_for() and vlapic_ipi_accept():
 *   bits 7:0   vector                   bit 11  logical destination mode
 *   bits 10:8  delivery mode            bit 14  1 (assert)
 *   bit 15     level-triggered          no destination shorthand
 * Every delivery mode, ExtINT and the reserved ones included, is passed
 * on as the guest wrote it; what to do with it is the caller's decision.
 *
 * Triggering (3.2.4), on the line after the polarity bit (active low
 * inverts it):
 *   edge   one message per inactive -> active transition of an unmasked
 *          pin; an edge on a masked pin is lost.  Writing the entry never
 *          sends anything, whatever the line does.
 *   level  while the line is active, the pin unmasked and remote IRR
 *          clear: one message, and remote IRR is set.  An EOI of the
 *          entry's vector clears remote IRR; if the line is still active
 *          the message goes out again.  So does unmasking (or otherwise
 *          rewriting) an entry whose line is active: the line is a level
 *          that is looked at again whenever the entry changes.
 *
 * Simplifications:
 *  - no APIC bus: the arbitration register only mirrors the ID, and
 *    nothing arbitrates or retries;
 *  - delivery status (bit 12) always reads 0 (idle): a message is
 *    handed over at once, and remote IRR is set whether or not a local
 *    APIC took it;
 *  - reserved entry bits (55:17) read as 0 and drop writes;
 *  - writing an entry as edge-triggered clears its remote IRR, which
 *    the datasheet leaves undefined; Linux relies on that to unstick a
 *    level pin on I/O APICs without an EOI register (version < 0x20).
 */
#ifndef VMM_VIOAPIC_H
#define VMM_VIOAPIC_H

#include "hv/types.h"
#include "vmm/dev/vlapic.h"     /* the message bits (VLAPIC_ICR_*) */

#define VIOAPIC_BASE      0xfec00000ull
#define VIOAPIC_MMIO_SIZE 0x1000ull
#define VIOAPIC_PINS      24

/* MMIO offsets (3.1) */
#define VIOAPIC_IOREGSEL  0x00
#define VIOAPIC_IOWIN     0x10

/* Registers behind IOREGSEL (3.2) */
#define VIOAPIC_REG_ID      0x00
#define VIOAPIC_REG_VERSION 0x01
#define VIOAPIC_REG_ARB     0x02
#define VIOAPIC_REG_RTE(pin) (0x10 + 2 * (pin))   /* low word; +1 high */

#define VIOAPIC_ID_SHIFT  24                    /* ID, ARB bits 27:24 */
#define VIOAPIC_ID_MASK   (0xfu << VIOAPIC_ID_SHIFT)
/* max redirection entry 23 in bits 23:16, version 0x11 in bits 7:0 */
#define VIOAPIC_VERSION   (((uint32_t)(VIOAPIC_PINS - 1) << 16) | 0x11u)

/* Redirection table entry bits (3.2.4) */
#define VIOAPIC_RTE_VECTOR       0xffull
#define VIOAPIC_RTE_DELIVERY(e)  (((e) >> 8) & 7)
#define VIOAPIC_RTE_LOGICAL      (1ull << 11)
#define VIOAPIC_RTE_DELIVS       (1ull << 12)    /* read-only */
#define VIOAPIC_RTE_ACTIVE_LOW   (1ull << 13)
#define VIOAPIC_RTE_REMOTE_IRR   (1ull << 14)    /* read-only */
#define VIOAPIC_RTE_LEVEL        (1ull << 15)
#define VIOAPIC_RTE_MASKED       (1ull << 16)
#define VIOAPIC_RTE_DEST_SHIFT   56

struct vioapic_config {
	uint8_t id;             /* the I/O APIC ID at reset, bits 3:0 */
	/* An interrupt message (see the top of this file); may be NULL. */
	void (*deliver)(void *ctx, uint32_t dest, uint32_t msg);
	void *ctx;
};

struct vioapic {
	struct vioapic_config cfg;
	uint32_t id;                    /* ID register, bits 27:24 */
	uint8_t ioregsel;
	uint32_t lines;                 /* bit n: pin n's line, as driven */
	uint64_t rte[VIOAPIC_PINS];
};

/* Power-on/reset state: every entry masked, all else 0, lines low. */
void vioapic_init(struct vioapic *io, const struct vioapic_config *cfg);

/* offset within the MMIO page, 32-bit accesses.  Offsets other than
 * IOREGSEL and IOWIN read 0 and drop writes. */
uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset);
void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val);

/* The level a device drives on pin; pins >= VIOAPIC_PINS are ignored. */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level);
/* A local APIC's EOI of a level-triggered vector. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

/* True if pin's entry is masked (or there is no such pin). */
bool vioapic_pin_masked(const struct vioapic *io, unsigned pin);

#endif

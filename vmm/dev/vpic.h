/*
 * An emulated pair of 8259A interrupt controllers as wired in a PC: the
 * master at 0x20/0x21 (IRQ 0-7), the slave at 0xa0/0xa1 (IRQ 8-15)
 * cascaded into the master's IR2, and the PIIX edge/level control
 * registers (ELCR) at 0x4d0/0x4d1.
 *
 * Unlike the other devices, vpic_read / vpic_write take the absolute port
 * number, since the three port pairs are not contiguous.
 *
 * Interrupt delivery is split for the injector:
 *   vpic_pending_vector()  which vector the PIC would present now (no
 *                          state change), -1 if its INT output is low;
 *   vpic_ack()             the INTA cycle once that vector is injected:
 *                          IRR -> ISR (or nothing with auto-EOI).
 *
 * Not modelled: ICW1.LTIM (the ELCR decides edge vs level, as on PIIX),
 * buffered mode, and an 8080 (non-8086) mode.
 *
 * Reset state (no BIOS ran for our guests): vector bases 0x08 and 0x70 as
 * a PC BIOS would leave them, every line masked except the cascade, so
 * nothing is delivered until the guest programs the PIC.
 */
#ifndef VMM_VPIC_H
#define VMM_VPIC_H

#include <stdint.h>
#include <stdbool.h>

#define VPIC_MASTER_CMD  0x20
#define VPIC_MASTER_DATA 0x21
#define VPIC_SLAVE_CMD   0xa0
#define VPIC_SLAVE_DATA  0xa1
#define VPIC_ELCR_MASTER 0x4d0
#define VPIC_ELCR_SLAVE  0x4d1
#define VPIC_CASCADE_IRQ 2

struct vpic_chip {
	uint8_t irr;            /* requests (edge-latched or following level) */
	uint8_t isr;            /* in service */
	uint8_t imr;            /* masked */
	uint8_t lines;          /* current input levels, for edge detection */
	uint8_t elcr;           /* 1 = level-triggered pin */
	uint8_t elcr_mask;      /* pins that may be level-triggered */
	uint8_t vector_base;    /* ICW2, low 3 bits clear */
	uint8_t icw3;
	uint8_t priority_add;   /* IR number that has the highest priority */
	uint8_t init_step;      /* next ICW expected on the data port, 0 = none */
	bool icw4_needed, single;
	bool auto_eoi, rotate_on_aeoi, sfnm, special_mask;
	bool read_isr, poll;
};

struct vpic {
	struct vpic_chip chip[2];       /* [0] master, [1] slave */
};

void vpic_init(struct vpic *p);

/* True for the six ports this device decodes. */
bool vpic_owns_port(uint16_t port);

/* One byte at an absolute port; wider accesses are split by the I/O layer. */
uint8_t vpic_read(struct vpic *p, uint16_t port);
void vpic_write(struct vpic *p, uint16_t port, uint8_t value);

/* Drive input irq (0-15) to level.  IRQ 2 is the cascade; as on the ISA
 * bus, a device on IRQ 2 arrives at IRQ 9. */
void vpic_set_irq(struct vpic *p, int irq, int level);
/* A rising then falling edge: one request from an edge-triggered source
 * such as the PIT. */
void vpic_pulse_irq(struct vpic *p, int irq);

int vpic_pending_vector(struct vpic *p);
/* Acknowledge vector, which must be what vpic_pending_vector() returned;
 * anything else (the state moved on meanwhile) is ignored. */
void vpic_ack(struct vpic *p, int vector);

#endif

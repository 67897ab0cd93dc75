/*
 * An emulated 8254 programmable interval timer (ports 0x40-0x43) plus the
 * PC's port 0x61 bits that belong to it (channel 2 gate, speaker enable,
 * OUT2 and the refresh toggle).
 *
 * The counters run at 1193182 Hz, derived from a caller-provided
 * nanosecond clock (now_ns callback): nothing ticks between calls, every
 * value is computed from the time the count was loaded.
 *
 * Ports, given to vpit_read / vpit_write as port - 0x40:
 *   0x00-0x02  counter 0-2 data        0x03  control word (write only)
 *   0x21       port 0x61 (NMI status and control register on a PC)
 *
 * Channel 0 drives IRQ 0 on the rising edge of OUT0.  The device does not
 * inject anything; the caller asks vpit_next_irq_ns() when to come back
 * and vpit_irq_due() whether an edge has happened, then pulses IRQ 0 on
 * the PIC.
 *
 * Modes 0-5 are supported (6 and 7 are aliases of 2 and 3), binary and
 * BCD counting, LSB/MSB/LSB-then-MSB access, the counter latch command and
 * the 8254 read-back command.  Simplification: a new count written in
 * modes 2 and 3 takes effect at once rather than at the end of the
 * current period.
 */
#ifndef VMM_VPIT_H
#define VMM_VPIT_H

#include <stdint.h>
#include <stdbool.h>

#define VPIT_BASE_PORT   0x40
#define VPIT_NPORTS      4
#define VPIT_PORT61_OFFSET 0x21         /* 0x61 - VPIT_BASE_PORT */
#define VPIT_HZ          1193182ull
#define VPIT_IRQ         0
#define VPIT_NO_IRQ      UINT64_MAX

/* Port 0x61 bits (IBM PC/AT technical reference, "System Control Port B") */
#define VPIT_P61_GATE2   0x01
#define VPIT_P61_SPKR    0x02
#define VPIT_P61_REFRESH 0x10
#define VPIT_P61_OUT2    0x20

typedef uint64_t (*vpit_clock_fn)(void *ctx);

struct vpit_channel {
	uint8_t ctrl;           /* bits 5-0 of the last control word */
	uint8_t mode;           /* 0-5 */
	uint8_t access;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	uint32_t reload;        /* decoded initial count, 1..65536 (10000 BCD) */
	bool loaded;            /* a full count was written since the mode */
	bool gate;
	bool triggered;         /* modes 1 and 5: a gate rising edge was seen */
	bool running;
	uint64_t start_ns;      /* when the running stretch began */
	uint64_t ticks_base;    /* ticks counted before start_ns */
	bool write_msb_next;
	uint8_t write_lsb;
	bool read_msb_next;
	uint8_t latch_left;     /* bytes of a latched count still to read */
	uint16_t latch;
	bool status_latched;
	uint8_t status;
	uint64_t irq_next_tick; /* channel 0: tick of the next OUT rising edge */
};

struct vpit {
	struct vpit_channel ch[3];
	uint8_t port61;         /* writable bits 0-3 */
	vpit_clock_fn now_ns;
	void *clock_ctx;
};

void vpit_init(struct vpit *p, vpit_clock_fn now_ns, void *clock_ctx);

uint8_t vpit_read(struct vpit *p, uint16_t port_offset);
void vpit_write(struct vpit *p, uint16_t port_offset, uint8_t value);

/* Absolute time (clock ns) of channel 0's next IRQ edge, VPIT_NO_IRQ if
 * none is coming (not programmed, or a one-shot that has fired). */
uint64_t vpit_next_irq_ns(const struct vpit *p);
/*
 * true if channel 0 produced an IRQ edge at or before now_ns that has not
 * been reported yet.  Edges missed while the caller was late are merged
 * into one (the next edge reported is the first one after now_ns).
 */
bool vpit_irq_due(struct vpit *p, uint64_t now_ns);

#endif

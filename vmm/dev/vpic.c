/*
 * 8259A emulation; see vpic.h.  Command words follow the Intel 8259A
 * datasheet (order no. 231468): ICW1 has bit 4 set on the command port,
 * then ICW2 (vector base), ICW3 (cascade, unless SNGL) and ICW4 (if IC4)
 * on the data port; afterwards the data port is OCW1 (mask) and the
 * command port OCW2 (bit 3 clear: EOI and rotation) or OCW3 (bit 3 set:
 * read IRR/ISR, poll, special mask).
 *
 * Priority: with rotation, priority_add is the IR level with the highest
 * priority; the others follow in order, wrapping at 7.
 */
#include "vmm/dev/vpic.h"
#include "hv/string.h"

enum { MASTER = 0, SLAVE = 1 };

#define NO_LEVEL 8      /* priority() result when the mask is empty */

/* PIIX ELCR: IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
#define ELCR_MASTER_MASK 0xf8
#define ELCR_SLAVE_MASK  0xde

/* OCW2 commands (bits 7-5: R, SL, EOI) */
enum {
	OCW2_CLEAR_ROTATE_AEOI = 0, OCW2_EOI = 1, OCW2_NOP = 2,
	OCW2_SPECIFIC_EOI = 3, OCW2_SET_ROTATE_AEOI = 4, OCW2_ROTATE_EOI = 5,
	OCW2_SET_PRIORITY = 6, OCW2_ROTATE_SPECIFIC_EOI = 7,
};

static void chip_reset(struct vpic_chip *c)
{
	c->irr = c->lines & c->elcr;    /* edge latches are cleared */
	c->isr = 0;
	c->imr = 0;
	c->priority_add = 0;
	c->auto_eoi = c->rotate_on_aeoi = c->sfnm = false;
	c->special_mask = c->read_isr = c->poll = false;
}

void vpic_init(struct vpic *p)
{
	memset(p, 0, sizeof(*p));
	p->chip[MASTER].elcr_mask = ELCR_MASTER_MASK;
	p->chip[SLAVE].elcr_mask = ELCR_SLAVE_MASK;
	p->chip[MASTER].vector_base = 0x08;
	p->chip[SLAVE].vector_base = 0x70;
	p->chip[MASTER].imr = (uint8_t)~(1u << VPIC_CASCADE_IRQ);
	p->chip[SLAVE].imr = 0xff;
	p->chip[MASTER].icw3 = 1u << VPIC_CASCADE_IRQ;
	p->chip[SLAVE].icw3 = VPIC_CASCADE_IRQ;
}

bool vpic_owns_port(uint16_t port)
{
	switch (port) {
	case VPIC_MASTER_CMD: case VPIC_MASTER_DATA:
	case VPIC_SLAVE_CMD:  case VPIC_SLAVE_DATA:
	case VPIC_ELCR_MASTER: case VPIC_ELCR_SLAVE:
		return true;
	default:
		return false;
	}
}

/* Priority rank (0 = highest) of the best bit in mask, NO_LEVEL if none. */
static unsigned priority(const struct vpic_chip *c, uint8_t mask)
{
	for (unsigned p = 0; p < 8; p++)
		if (mask & (1u << ((p + c->priority_add) & 7)))
			return p;
	return NO_LEVEL;
}

static int chip_irq(const struct vpic *p, int which);

/* The master's IR2 is the slave's INT output, a level. */
static uint8_t requests(const struct vpic *p, int which)
{
	uint8_t irr = p->chip[which].irr;

	if (which == SLAVE)
		return irr;
	irr &= (uint8_t)~(1u << VPIC_CASCADE_IRQ);
	if (chip_irq(p, SLAVE) >= 0)
		irr |= 1u << VPIC_CASCADE_IRQ;
	return irr;
}

/*
 * The IR level this chip would signal on INT, or -1: the best unmasked
 * request must outrank everything in service.  Special mask mode ignores
 * masked in-service levels; special fully nested mode lets the slave
 * interrupt the master's IR2 service with a higher slave level.
 */
static int chip_irq(const struct vpic *p, int which)
{
	const struct vpic_chip *c = &p->chip[which];
	uint8_t in_service = c->isr;
	unsigned req = priority(c, requests(p, which) & ~c->imr);

	if (req == NO_LEVEL)
		return -1;
	if (c->special_mask)
		in_service &= ~c->imr;
	if (which == MASTER && c->sfnm)
		in_service &= (uint8_t)~(1u << VPIC_CASCADE_IRQ);
	if (req >= priority(c, in_service))
		return -1;
	return (int)((req + c->priority_add) & 7);
}

int vpic_pending_vector(struct vpic *p)
{
	int m = chip_irq(p, MASTER), s;

	if (m < 0)
		return -1;
	if (m != VPIC_CASCADE_IRQ)
		return p->chip[MASTER].vector_base + m;
	s = chip_irq(p, SLAVE);
	return p->chip[SLAVE].vector_base + s;
}

/* The INTA cycle on one chip for level irq. */
static void chip_ack(struct vpic_chip *c, int irq)
{
	uint8_t bit = (uint8_t)(1u << irq);

	if (!(c->elcr & bit))
		c->irr &= (uint8_t)~bit;
	if (!c->auto_eoi)
		c->isr |= bit;
	else if (c->rotate_on_aeoi)
		c->priority_add = (uint8_t)((irq + 1) & 7);
}

void vpic_ack(struct vpic *p, int vector)
{
	int m, s = -1;

	if (vector < 0 || vector != vpic_pending_vector(p))
		return;
	m = chip_irq(p, MASTER);
	if (m == VPIC_CASCADE_IRQ)
		s = chip_irq(p, SLAVE);
	chip_ack(&p->chip[MASTER], m);
	if (s >= 0)
		chip_ack(&p->chip[SLAVE], s);
}

void vpic_set_irq(struct vpic *p, int irq, int level)
{
	struct vpic_chip *c;
	uint8_t bit;

	if (irq == VPIC_CASCADE_IRQ)
		irq = 9;
	if (irq < 0 || irq > 15)
		return;
	c = &p->chip[irq >> 3];
	bit = (uint8_t)(1u << (irq & 7));
	if (c->elcr & bit) {
		c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;
	}
	c->lines = level ? (c->lines | bit) : (c->lines & ~bit);
}

void vpic_pulse_irq(struct vpic *p, int irq)
{
	vpic_set_irq(p, irq, 1);
	vpic_set_irq(p, irq, 0);
}

static void write_icw1(struct vpic_chip *c, uint8_t v)
{
	chip_reset(c);
	c->icw4_needed = v & 0x01;
	c->single = v & 0x02;
	c->init_step = 2;
}

static void eoi(struct vpic_chip *c, int irq, bool rotate)
{
	if (irq < 0)
		return;
	c->isr &= (uint8_t)~(1u << irq);
	if (rotate)
		c->priority_add = (uint8_t)((irq + 1) & 7);
}

/* The highest-priority level in service, -1 if none. */
static int top_in_service(const struct vpic_chip *c)
{
	unsigned p = priority(c, c->isr);

	return p == NO_LEVEL ? -1 : (int)((p + c->priority_add) & 7);
}

static void write_ocw2(struct vpic_chip *c, uint8_t v)
{
	switch (v >> 5) {
	case OCW2_EOI:                 eoi(c, top_in_service(c), false); break;
	case OCW2_ROTATE_EOI:          eoi(c, top_in_service(c), true); break;
	case OCW2_SPECIFIC_EOI:        eoi(c, v & 7, false); break;
	case OCW2_ROTATE_SPECIFIC_EOI: eoi(c, v & 7, true); break;
	case OCW2_SET_PRIORITY:
		c->priority_add = (uint8_t)(((v & 7) + 1) & 7);
		break;
	case OCW2_SET_ROTATE_AEOI:     c->rotate_on_aeoi = true; break;
	case OCW2_CLEAR_ROTATE_AEOI:   c->rotate_on_aeoi = false; break;
	default:                       break;
	}
}

/* OCW3: bit 2 poll, bits 1-0 = 1x select IRR (0) / ISR (1) for reads,
 * bits 6-5 = 1x clear (0) / set (1) special mask mode. */
static void write_ocw3(struct vpic_chip *c, uint8_t v)
{
	if (v & 0x04)
		c->poll = true;
	if (v & 0x02)
		c->read_isr = v & 0x01;
	if (v & 0x40)
		c->special_mask = v & 0x20;
}

static void write_cmd(struct vpic_chip *c, uint8_t v)
{
	if (v & 0x10)
		write_icw1(c, v);
	else if (v & 0x08)
		write_ocw3(c, v);
	else
		write_ocw2(c, v);
}

static void write_data(struct vpic_chip *c, uint8_t v)
{
	switch (c->init_step) {
	case 2:
		c->vector_base = v & 0xf8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		c->icw3 = v;
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = v & 0x02;
		c->sfnm = v & 0x10;
		c->init_step = 0;
		break;
	default:
		c->imr = v;
		break;
	}
}

static void write_elcr(struct vpic_chip *c, uint8_t v)
{
	c->elcr = v & c->elcr_mask;
	/* Pins that became level follow their line from now on. */
	c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->lines & c->elcr));
}

/* Poll mode: the read is the acknowledge; 0x80 | level, or 0 if none. */
static uint8_t read_poll(struct vpic *p, int which)
{
	int irq = chip_irq(p, which);

	p->chip[which].poll = false;
	if (irq < 0)
		return 0;
	chip_ack(&p->chip[which], irq);
	return (uint8_t)(0x80 | irq);
}

static uint8_t read_cmd(struct vpic *p, int which)
{
	const struct vpic_chip *c = &p->chip[which];

	if (c->poll)
		return read_poll(p, which);
	return c->read_isr ? c->isr : requests(p, which);
}

uint8_t vpic_read(struct vpic *p, uint16_t port)
{
	switch (port) {
	case VPIC_MASTER_CMD:  return read_cmd(p, MASTER);
	case VPIC_SLAVE_CMD:   return read_cmd(p, SLAVE);
	case VPIC_MASTER_DATA: return p->chip[MASTER].imr;
	case VPIC_SLAVE_DATA:  return p->chip[SLAVE].imr;
	case VPIC_ELCR_MASTER: return p->chip[MASTER].elcr;
	case VPIC_ELCR_SLAVE:  return p->chip[SLAVE].elcr;
	default:               return 0xff;
	}
}

void vpic_write(struct vpic *p, uint16_t port, uint8_t v)
{
	switch (port) {
	case VPIC_MASTER_CMD:  write_cmd(&p->chip[MASTER], v); break;
	case VPIC_SLAVE_CMD:   write_cmd(&p->chip[SLAVE], v); break;
	case VPIC_MASTER_DATA: write_data(&p->chip[MASTER], v); break;
	case VPIC_SLAVE_DATA:  write_data(&p->chip[SLAVE], v); break;
	case VPIC_ELCR_MASTER: write_elcr(&p->chip[MASTER], v); break;
	case VPIC_ELCR_SLAVE:  write_elcr(&p->chip[SLAVE], v); break;
	default:               break;
	}
}

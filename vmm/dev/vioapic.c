/*
 * I/O APIC emulation; see vioapic.h.  The guest selects a register by
 * writing its index to IOREGSEL and then reads or writes it through IOWIN
 * (82093AA datasheet 3.1).  Entry n is the register pair 0x10 + 2n (bits
 * 31:0) and 0x11 + 2n (bits 63:32).
 */
#include "vmm/dev/vioapic.h"
#include "hv/string.h"

#define REG_RTE_FIRST VIOAPIC_REG_RTE(0)
#define REG_RTE_LAST  (VIOAPIC_REG_RTE(VIOAPIC_PINS - 1) + 1)

/* What the guest may change in an entry; the rest is read-only or
 * reserved (3.2.4). */
#define RTE_LOW_WRITABLE (VIOAPIC_RTE_VECTOR | 0x700ull | \
	VIOAPIC_RTE_LOGICAL | VIOAPIC_RTE_ACTIVE_LOW | \
	VIOAPIC_RTE_LEVEL | VIOAPIC_RTE_MASKED)
#define RTE_DEST_MASK    (0xffull << VIOAPIC_RTE_DEST_SHIFT)

void vioapic_init(struct vioapic *io, const struct vioapic_config *cfg)
{
	memset(io, 0, sizeof(*io));
	io->cfg = *cfg;
	io->id = ((uint32_t)cfg->id << VIOAPIC_ID_SHIFT) & VIOAPIC_ID_MASK;
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		io->rte[pin] = VIOAPIC_RTE_MASKED;
}

bool vioapic_pin_masked(const struct vioapic *io, unsigned pin)
{
	return pin >= VIOAPIC_PINS || (io->rte[pin] & VIOAPIC_RTE_MASKED);
}

static bool is_level(const struct vioapic *io, unsigned pin)
{
	return io->rte[pin] & VIOAPIC_RTE_LEVEL;
}

/* The pin's line after the polarity bit: true means "interrupt". */
static bool line_active(const struct vioapic *io, unsigned pin)
{
	bool high = (io->lines >> pin) & 1;

	return high != !!(io->rte[pin] & VIOAPIC_RTE_ACTIVE_LOW);
}

/* The entry as an ICR-shaped message, see the top of vioapic.h. */
static uint32_t message(uint64_t rte)
{
	uint32_t msg = (uint32_t)(rte & VIOAPIC_RTE_VECTOR) |
		       (uint32_t)VIOAPIC_RTE_DELIVERY(rte) << 8 |
		       VLAPIC_ICR_LEVEL_ASSERT;

	if (rte & VIOAPIC_RTE_LOGICAL)
		msg |= VLAPIC_ICR_LOGICAL;
	if (rte & VIOAPIC_RTE_LEVEL)
		msg |= VLAPIC_ICR_TRIGGER_LEVEL;
	return msg;
}

static void send(struct vioapic *io, unsigned pin)
{
	uint64_t rte = io->rte[pin];

	if (io->cfg.deliver)
		io->cfg.deliver(io->cfg.ctx,
				(uint32_t)(rte >> VIOAPIC_RTE_DEST_SHIFT),
				message(rte));
}

/* A level pin sends while its request stands and no EOI is owed.  Remote
 * IRR is set before the callback, so an EOI from inside it is not lost. */
static void service_level(struct vioapic *io, unsigned pin)
{
	uint64_t *rte = &io->rte[pin];

	if (!is_level(io, pin) || !line_active(io, pin) ||
	    (*rte & (VIOAPIC_RTE_MASKED | VIOAPIC_RTE_REMOTE_IRR)))
		return;
	*rte |= VIOAPIC_RTE_REMOTE_IRR;
	send(io, pin);
}

void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= VIOAPIC_PINS)
		return;
	was = line_active(io, pin);
	if (level)
		io->lines |= 1u << pin;
	else
		io->lines &= ~(1u << pin);
	if (is_level(io, pin))
		service_level(io, pin);
	else if (!was && line_active(io, pin) && !vioapic_pin_masked(io, pin))
		send(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		if (!is_level(io, pin) ||
		    (io->rte[pin] & VIOAPIC_RTE_VECTOR) != vector)
			continue;
		io->rte[pin] &= ~VIOAPIC_RTE_REMOTE_IRR;
		service_level(io, pin);
	}
}

/* Bits 31:0 of an entry.  Remote IRR is kept, except on an edge entry
 * (see the simplifications in vioapic.h); a level entry that may send
 * now does. */
static void write_rte_low(struct vioapic *io, unsigned pin, uint32_t val)
{
	uint64_t keep = RTE_DEST_MASK | VIOAPIC_RTE_REMOTE_IRR;
	uint64_t rte = (io->rte[pin] & keep) | (val & RTE_LOW_WRITABLE);

	if (!(rte & VIOAPIC_RTE_LEVEL))
		rte &= ~VIOAPIC_RTE_REMOTE_IRR;
	io->rte[pin] = rte;
	service_level(io, pin);
}

/* Bits 63:32: only the destination field, bits 63:56, is defined. */
static void write_rte_high(struct vioapic *io, unsigned pin, uint32_t val)
{
	io->rte[pin] = (io->rte[pin] & ~RTE_DEST_MASK) |
		       (((uint64_t)val << 32) & RTE_DEST_MASK);
}

static uint32_t read_reg(const struct vioapic *io, uint8_t reg)
{
	if (reg >= REG_RTE_FIRST && reg <= REG_RTE_LAST) {
		uint64_t rte = io->rte[(reg - REG_RTE_FIRST) / 2];

		return (uint32_t)(reg & 1 ? rte >> 32 : rte);
	}
	switch (reg) {
	case VIOAPIC_REG_ID:      return io->id;
	case VIOAPIC_REG_VERSION: return VIOAPIC_VERSION;
	case VIOAPIC_REG_ARB:     return io->id;        /* no APIC bus */
	default:                  return 0;
	}
}

static void write_reg(struct vioapic *io, uint8_t reg, uint32_t val)
{
	if (reg >= REG_RTE_FIRST && reg <= REG_RTE_LAST) {
		unsigned pin = (reg - REG_RTE_FIRST) / 2;

		if (reg & 1)
			write_rte_high(io, pin, val);
		else
			write_rte_low(io, pin, val);
	} else if (reg == VIOAPIC_REG_ID) {
		io->id = val & VIOAPIC_ID_MASK;
	}
}

uint32_t vioapic_mmio_read(struct vioapic *io, uint32_t offset)
{
	switch (offset) {
	case VIOAPIC_IOREGSEL: return io->ioregsel;
	case VIOAPIC_IOWIN:    return read_reg(io, io->ioregsel);
	default:               return 0;
	}
}

void vioapic_mmio_write(struct vioapic *io, uint32_t offset, uint32_t val)
{
	switch (offset) {
	case VIOAPIC_IOREGSEL: io->ioregsel = (uint8_t)val; break;
	case VIOAPIC_IOWIN:    write_reg(io, io->ioregsel, val); break;
	default:               break;
	}
}

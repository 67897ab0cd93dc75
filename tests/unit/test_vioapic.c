/* units: vmm/dev/vioapic.c vmm/dev/vlapic.c */
/*
 * The I/O APIC through IOREGSEL/IOWIN with a recording deliver callback:
 * reset state, the ID/version/arbitration registers, entry bits
 * (read-only, reserved), edge and level triggering, polarity, remote IRR
 * and EOI, masking, the message fields, and odd offsets and pins.  The
 * last test routes messages into two local APICs (vlapic.c) the way the
 * caller does, to check that the message really has the ICR shape.
 */
#include "check.h"
#include "vmm/dev/vioapic.h"

#define MAX_SENT 8

static struct {
	int n;
	uint32_t dest[MAX_SENT], msg[MAX_SENT];
} sent;

static void record(void *ctx, uint32_t dest, uint32_t msg)
{
	if (sent.n < MAX_SENT) {
		sent.dest[sent.n] = dest;
		sent.msg[sent.n] = msg;
	}
	sent.n++;
}

static void setup(struct vioapic *io)
{
	struct vioapic_config cfg = { .id = 2, .deliver = record };

	sent.n = 0;
	vioapic_init(io, &cfg);
}

static uint32_t reg_read(struct vioapic *io, uint8_t reg)
{
	vioapic_mmio_write(io, VIOAPIC_IOREGSEL, reg);
	return vioapic_mmio_read(io, VIOAPIC_IOWIN);
}

static void reg_write(struct vioapic *io, uint8_t reg, uint32_t val)
{
	vioapic_mmio_write(io, VIOAPIC_IOREGSEL, reg);
	vioapic_mmio_write(io, VIOAPIC_IOWIN, val);
}

static void set_rte(struct vioapic *io, unsigned pin, uint32_t low,
		    uint8_t dest)
{
	reg_write(io, VIOAPIC_REG_RTE(pin) + 1, (uint32_t)dest << 24);
	reg_write(io, VIOAPIC_REG_RTE(pin), low);
}

static uint32_t rte_low(struct vioapic *io, unsigned pin)
{
	return reg_read(io, VIOAPIC_REG_RTE(pin));
}

#define LEVEL    ((uint32_t)VIOAPIC_RTE_LEVEL)
#define LOW      ((uint32_t)VIOAPIC_RTE_ACTIVE_LOW)
#define MASKED   ((uint32_t)VIOAPIC_RTE_MASKED)
#define RIRR     ((uint32_t)VIOAPIC_RTE_REMOTE_IRR)

static void test_reset_state(void)
{
	struct vioapic io;

	setup(&io);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_VERSION), 0x00170011);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x02000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ARB), 0x02000000);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		CHECK_EQ(rte_low(&io, pin), MASKED);
		CHECK_EQ(reg_read(&io, VIOAPIC_REG_RTE(pin) + 1), 0);
		CHECK(vioapic_pin_masked(&io, pin));
	}
	/* Nothing gets out of a fresh I/O APIC. */
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		vioapic_set_irq(&io, pin, true);
	CHECK_EQ(sent.n, 0);

	/* Reset forgets what the guest programmed. */
	set_rte(&io, 3, 0x33, 1);
	reg_write(&io, VIOAPIC_REG_ID, 0x0f000000);
	setup(&io);
	CHECK_EQ(rte_low(&io, 3), MASKED);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_RTE(3) + 1), 0);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x02000000);
}

static void test_id_version_arb(void)
{
	struct vioapic io;

	setup(&io);
	/* Only bits 27:24 of the ID are writable. */
	reg_write(&io, VIOAPIC_REG_ID, 0xffffffff);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x0f000000);
	reg_write(&io, VIOAPIC_REG_ID, 0x05000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x05000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ARB), 0x05000000);
	/* Version and arbitration are read-only. */
	reg_write(&io, VIOAPIC_REG_VERSION, 0);
	reg_write(&io, VIOAPIC_REG_ARB, 0x0a000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_VERSION), 0x00170011);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ARB), 0x05000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x05000000);
}

static void test_rte_read_write(void)
{
	struct vioapic io;

	setup(&io);
	/* Every writable low bit sticks; delivery status, remote IRR and
	 * reserved bits 31:17 read 0. */
	reg_write(&io, VIOAPIC_REG_RTE(5), 0xffffffff);
	CHECK_EQ(rte_low(&io, 5), 0x1afff);
	reg_write(&io, VIOAPIC_REG_RTE(5), 0x00010000 | 0x0530);
	CHECK_EQ(rte_low(&io, 5), 0x10530);
	/* High word: the destination in bits 31:24, the rest reserved. */
	reg_write(&io, VIOAPIC_REG_RTE(5) + 1, 0xffffffff);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_RTE(5) + 1), 0xff000000);
	reg_write(&io, VIOAPIC_REG_RTE(5) + 1, 0x12000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_RTE(5) + 1), 0x12000000);
	/* The two halves are independent, and other entries untouched. */
	CHECK_EQ(rte_low(&io, 5), 0x10530);
	CHECK_EQ(rte_low(&io, 4), MASKED);
	CHECK_EQ(rte_low(&io, 6), MASKED);
	/* The last entry is there (0x3e/0x3f), and past it nothing. */
	set_rte(&io, 23, MASKED | 0x77, 0x34);
	CHECK_EQ(reg_read(&io, 0x3e), MASKED | 0x77);
	CHECK_EQ(reg_read(&io, 0x3f), 0x34000000);
	reg_write(&io, 0x40, 0xffffffff);
	CHECK_EQ(reg_read(&io, 0x40), 0);
	reg_write(&io, VIOAPIC_REG_RTE(5), 0x0530);
	CHECK(!vioapic_pin_masked(&io, 5));
}

static void test_remote_irr_read_only(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 9, LEVEL | 0x49, 0);
	vioapic_set_irq(&io, 9, true);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(rte_low(&io, 9), LEVEL | RIRR | 0x49);
	/* A write without bit 14 leaves remote IRR set... */
	reg_write(&io, VIOAPIC_REG_RTE(9), LEVEL | 0x49);
	CHECK_EQ(rte_low(&io, 9), LEVEL | RIRR | 0x49);
	CHECK_EQ(sent.n, 1);
	/* ...and writing bit 14 or 12 on a clean entry sets neither. */
	vioapic_eoi(&io, 0x49);
	vioapic_set_irq(&io, 9, false);
	vioapic_eoi(&io, 0x49);
	CHECK_EQ(sent.n, 2);
	reg_write(&io, VIOAPIC_REG_RTE(9), LEVEL | RIRR | (1u << 12) | 0x49);
	CHECK_EQ(rte_low(&io, 9), LEVEL | 0x49);
	/* Rewriting the entry as edge clears a stuck remote IRR, the way
	 * Linux unsticks a level pin on a version-0x11 I/O APIC. */
	vioapic_set_irq(&io, 9, true);
	CHECK_EQ(sent.n, 3);
	CHECK(rte_low(&io, 9) & RIRR);
	reg_write(&io, VIOAPIC_REG_RTE(9), MASKED | 0x49);
	CHECK_EQ(rte_low(&io, 9), MASKED | 0x49);
}

static void test_edge_once_per_rising_edge(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 4, 0x31, 0x01);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.dest[0], 0x01);
	CHECK_EQ(sent.msg[0], 0x31 | VLAPIC_ICR_LEVEL_ASSERT);
	/* Holding the line, or driving it high again, is no new edge. */
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(sent.n, 1);
	/* An edge entry owes no EOI and keeps no remote IRR. */
	CHECK_EQ(rte_low(&io, 4), 0x31);
	vioapic_eoi(&io, 0x31);
	CHECK_EQ(sent.n, 1);
	vioapic_set_irq(&io, 4, false);
	CHECK_EQ(sent.n, 1);
	vioapic_set_irq(&io, 4, true);
	CHECK_EQ(sent.n, 2);
	/* Rewriting the entry while the line is high sends nothing. */
	reg_write(&io, VIOAPIC_REG_RTE(4), 0x32);
	CHECK_EQ(sent.n, 2);
}

static void test_edge_masked_is_lost(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 1, MASKED | 0x21, 0);
	vioapic_set_irq(&io, 1, true);
	vioapic_set_irq(&io, 1, false);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(sent.n, 0);
	/* Unmasking does not replay the edges it missed. */
	reg_write(&io, VIOAPIC_REG_RTE(1), 0x21);
	CHECK_EQ(sent.n, 0);
	vioapic_set_irq(&io, 1, false);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(sent.n, 1);
	/* Masking again stops it. */
	reg_write(&io, VIOAPIC_REG_RTE(1), MASKED | 0x21);
	vioapic_set_irq(&io, 1, false);
	vioapic_set_irq(&io, 1, true);
	CHECK_EQ(sent.n, 1);
}

static void test_polarity(void)
{
	struct vioapic io;

	setup(&io);
	/* Active low edge: the falling edge of the line is the interrupt. */
	vioapic_set_irq(&io, 7, true);
	set_rte(&io, 7, LOW | 0x40, 0);
	CHECK_EQ(sent.n, 0);
	vioapic_set_irq(&io, 7, false);
	CHECK_EQ(sent.n, 1);
	vioapic_set_irq(&io, 7, true);
	CHECK_EQ(sent.n, 1);
	vioapic_set_irq(&io, 7, false);
	CHECK_EQ(sent.n, 2);

	/* Active low level: a line held low asserts, a high line does not. */
	set_rte(&io, 8, LOW | LEVEL | 0x41, 0);
	CHECK_EQ(sent.n, 3);            /* pin 8's line is low since reset */
	CHECK(rte_low(&io, 8) & RIRR);
	vioapic_set_irq(&io, 8, true);
	vioapic_eoi(&io, 0x41);
	CHECK_EQ(sent.n, 3);
	CHECK(!(rte_low(&io, 8) & RIRR));
	vioapic_set_irq(&io, 8, false);
	CHECK_EQ(sent.n, 4);

	/* Active high level on a low line: nothing. */
	set_rte(&io, 10, LEVEL | 0x42, 0);
	CHECK_EQ(sent.n, 4);
}

static void test_level_remote_irr_until_eoi(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 11, LEVEL | 0x51, 0x03);
	vioapic_set_irq(&io, 11, true);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.dest[0], 0x03);
	CHECK_EQ(sent.msg[0], 0x51 | VLAPIC_ICR_TRIGGER_LEVEL |
		 VLAPIC_ICR_LEVEL_ASSERT);
	CHECK(rte_low(&io, 11) & RIRR);
	/* No second message while the EOI is owed, whatever the line does. */
	vioapic_set_irq(&io, 11, true);
	vioapic_set_irq(&io, 11, false);
	vioapic_set_irq(&io, 11, true);
	CHECK_EQ(sent.n, 1);
	/* The device withdrew its request before the EOI: nothing again. */
	vioapic_set_irq(&io, 11, false);
	vioapic_eoi(&io, 0x51);
	CHECK_EQ(sent.n, 1);
	CHECK(!(rte_low(&io, 11) & RIRR));
	/* A new request is a new message. */
	vioapic_set_irq(&io, 11, true);
	CHECK_EQ(sent.n, 2);
}

static void test_eoi_redelivers_while_line_high(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 16, LEVEL | 0x61, 0);
	vioapic_set_irq(&io, 16, true);
	CHECK_EQ(sent.n, 1);
	vioapic_eoi(&io, 0x61);
	CHECK_EQ(sent.n, 2);
	CHECK(rte_low(&io, 16) & RIRR);
	vioapic_eoi(&io, 0x61);
	CHECK_EQ(sent.n, 3);
	CHECK_EQ(sent.msg[2], 0x61 | VLAPIC_ICR_TRIGGER_LEVEL |
		 VLAPIC_ICR_LEVEL_ASSERT);
	/* Masked, the EOI clears remote IRR but sends nothing. */
	reg_write(&io, VIOAPIC_REG_RTE(16), MASKED | LEVEL | 0x61);
	vioapic_eoi(&io, 0x61);
	CHECK_EQ(sent.n, 3);
	CHECK_EQ(rte_low(&io, 16), MASKED | LEVEL | 0x61);
}

static void test_eoi_other_vector_does_nothing(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 17, LEVEL | 0x71, 0);
	set_rte(&io, 18, LEVEL | 0x72, 0);
	vioapic_set_irq(&io, 17, true);
	vioapic_set_irq(&io, 18, true);
	CHECK_EQ(sent.n, 2);
	vioapic_eoi(&io, 0x73);
	vioapic_eoi(&io, 0x72);
	CHECK_EQ(sent.n, 3);
	CHECK_EQ(sent.msg[2] & 0xff, 0x72);
	CHECK(rte_low(&io, 17) & RIRR);
	/* An edge entry with the same vector is not affected either. */
	set_rte(&io, 19, 0x71, 0);
	vioapic_set_irq(&io, 19, true);
	CHECK_EQ(sent.n, 4);
	vioapic_set_irq(&io, 17, false);
	vioapic_eoi(&io, 0x71);
	CHECK_EQ(sent.n, 4);
	CHECK(!(rte_low(&io, 17) & RIRR));
}

static void test_eoi_clears_every_entry_with_vector(void)
{
	struct vioapic io;

	setup(&io);
	/* Two level pins sharing one vector, as shared PCI lines may. */
	set_rte(&io, 20, LEVEL | 0x81, 0);
	set_rte(&io, 21, LEVEL | 0x81, 0);
	vioapic_set_irq(&io, 20, true);
	vioapic_set_irq(&io, 21, true);
	CHECK_EQ(sent.n, 2);
	vioapic_set_irq(&io, 20, false);
	vioapic_eoi(&io, 0x81);
	CHECK(!(rte_low(&io, 20) & RIRR));
	CHECK(rte_low(&io, 21) & RIRR);         /* cleared, and sent again */
	CHECK_EQ(sent.n, 3);
}

static void test_unmask_delivers_pending_level(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 12, MASKED | LEVEL | 0x91, 0x05);
	vioapic_set_irq(&io, 12, true);
	CHECK_EQ(sent.n, 0);
	CHECK(!(rte_low(&io, 12) & RIRR));
	reg_write(&io, VIOAPIC_REG_RTE(12), LEVEL | 0x91);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.dest[0], 0x05);
	CHECK(rte_low(&io, 12) & RIRR);
	/* Masking and unmasking again while the EOI is owed: nothing. */
	reg_write(&io, VIOAPIC_REG_RTE(12), MASKED | LEVEL | 0x91);
	reg_write(&io, VIOAPIC_REG_RTE(12), LEVEL | 0x91);
	CHECK_EQ(sent.n, 1);
	/* A request withdrawn while masked is not sent on unmask. */
	vioapic_eoi(&io, 0x91);
	CHECK_EQ(sent.n, 2);
	reg_write(&io, VIOAPIC_REG_RTE(12), MASKED | LEVEL | 0x91);
	vioapic_eoi(&io, 0x91);
	vioapic_set_irq(&io, 12, false);
	reg_write(&io, VIOAPIC_REG_RTE(12), LEVEL | 0x91);
	CHECK_EQ(sent.n, 2);
}

static void test_message_fields(void)
{
	struct vioapic io;

	setup(&io);
	/* Logical, lowest priority, destination 0xf0. */
	set_rte(&io, 2, VIOAPIC_RTE_LOGICAL | (VLAPIC_DM_LOWEST << 8) | 0xa1,
		0xf0);
	vioapic_set_irq(&io, 2, true);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.dest[0], 0xf0);
	CHECK_EQ(sent.msg[0], 0xa1 | (VLAPIC_DM_LOWEST << 8) |
		 VLAPIC_ICR_LOGICAL | VLAPIC_ICR_LEVEL_ASSERT);
	/* ExtINT and a reserved mode go out as written. */
	set_rte(&io, 0, (VLAPIC_DM_EXTINT << 8), 0x00);
	vioapic_set_irq(&io, 0, true);
	set_rte(&io, 3, (3u << 8) | 0x23, 0xff);
	vioapic_set_irq(&io, 3, true);
	CHECK_EQ(sent.n, 3);
	CHECK_EQ(VLAPIC_ICR_DELIVERY(sent.msg[1]), VLAPIC_DM_EXTINT);
	CHECK_EQ(sent.msg[1], (VLAPIC_DM_EXTINT << 8) | VLAPIC_ICR_LEVEL_ASSERT);
	CHECK_EQ(sent.dest[2], 0xff);
	CHECK_EQ(sent.msg[2], (3u << 8) | 0x23 | VLAPIC_ICR_LEVEL_ASSERT);
	/* Polarity, remote IRR and mask never appear in the message. */
	set_rte(&io, 6, LOW | LEVEL | (VLAPIC_DM_NMI << 8) | 0x02, 0x01);
	CHECK_EQ(sent.n, 4);
	CHECK_EQ(sent.msg[3], (VLAPIC_DM_NMI << 8) | 0x02 |
		 VLAPIC_ICR_TRIGGER_LEVEL | VLAPIC_ICR_LEVEL_ASSERT);
}

static void test_no_callback(void)
{
	struct vioapic io;
	struct vioapic_config cfg = { .id = 0 };

	vioapic_init(&io, &cfg);
	set_rte(&io, 5, LEVEL | 0x30, 0);
	vioapic_set_irq(&io, 5, true);
	CHECK(rte_low(&io, 5) & RIRR);
	vioapic_eoi(&io, 0x30);
	CHECK(rte_low(&io, 5) & RIRR);
}

static void test_pins_out_of_range(void)
{
	struct vioapic io;

	setup(&io);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		reg_write(&io, VIOAPIC_REG_RTE(pin), 0x30 + pin);
	vioapic_set_irq(&io, VIOAPIC_PINS, true);
	vioapic_set_irq(&io, 32, true);
	vioapic_set_irq(&io, ~0u, true);
	CHECK_EQ(sent.n, 0);
	CHECK_EQ(io.lines, 0);
	CHECK(vioapic_pin_masked(&io, VIOAPIC_PINS));
	CHECK(vioapic_pin_masked(&io, ~0u));
	CHECK(!vioapic_pin_masked(&io, VIOAPIC_PINS - 1));
	vioapic_set_irq(&io, VIOAPIC_PINS - 1, true);
	CHECK_EQ(sent.n, 1);
	CHECK_EQ(sent.msg[0] & 0xff, 0x30 + VIOAPIC_PINS - 1);
}

static void test_offsets_and_unknown_registers(void)
{
	struct vioapic io;

	setup(&io);
	/* IOREGSEL reads back its 8 bits. */
	vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, 0xffffff12);
	CHECK_EQ(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL), 0x12);
	/* Offsets between and past the two registers read 0, drop writes. */
	static const uint32_t odd[] = { 0x01, 0x04, 0x08, 0x0c, 0x11, 0x14,
					0x20, 0x40, 0xffc, 0x1000 };
	for (unsigned i = 0; i < ARRAY_SIZE(odd); i++) {
		vioapic_mmio_write(&io, VIOAPIC_IOREGSEL, VIOAPIC_REG_RTE(0));
		vioapic_mmio_write(&io, odd[i], 0x00000042);
		CHECK_EQ(vioapic_mmio_read(&io, odd[i]), 0);
		CHECK_EQ(vioapic_mmio_read(&io, VIOAPIC_IOREGSEL),
			 VIOAPIC_REG_RTE(0));
		CHECK_EQ(rte_low(&io, 0), MASKED);
	}
	/* Unknown registers read 0 and change nothing. */
	for (unsigned reg = 0x03; reg < 0x10; reg++) {
		reg_write(&io, (uint8_t)reg, 0xffffffff);
		CHECK_EQ(reg_read(&io, (uint8_t)reg), 0);
	}
	for (unsigned reg = 0x40; reg <= 0xff; reg++) {
		reg_write(&io, (uint8_t)reg, 0xffffffff);
		CHECK_EQ(reg_read(&io, (uint8_t)reg), 0);
	}
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_ID), 0x02000000);
	CHECK_EQ(reg_read(&io, VIOAPIC_REG_VERSION), 0x00170011);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		CHECK_EQ(rte_low(&io, pin), MASKED);
	CHECK_EQ(sent.n, 0);
}

/* ---- routed into local APICs, as the caller wires them ---- */

static struct vlapic cpus[2];
static struct vioapic routed;
static uint64_t fake_tsc;

static uint64_t fake_clock(void *ctx)
{
	return fake_tsc;
}

static void route(void *ctx, uint32_t dest, uint32_t msg)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cpus); i++)
		if (vlapic_ipi_is_for(&cpus[i], dest, msg, false))
			vlapic_ipi_accept(&cpus[i], msg);
}

static void lapic_eoi(void *ctx, uint8_t vector)
{
	vioapic_eoi(&routed, vector);
}

static void setup_routed(void)
{
	struct vioapic_config io_cfg = { .id = 2, .deliver = route };

	for (unsigned i = 0; i < ARRAY_SIZE(cpus); i++) {
		struct vlapic_config cfg = {
			.apic_id = i, .bsp = i == 0, .phys_bits = 39,
			.tsc_hz = 1000000000, .bus_hz = 100000000,
			.now_tsc = fake_clock, .eoi = lapic_eoi,
		};

		vlapic_init(&cpus[i], &cfg);
		vlapic_mmio_write(&cpus[i], VLAPIC_REG_SVR, 0x1ff);
		vlapic_mmio_write(&cpus[i], VLAPIC_REG_DFR, 0xffffffff);
		vlapic_mmio_write(&cpus[i], VLAPIC_REG_LDR, (1u << i) << 24);
	}
	vioapic_init(&routed, &io_cfg);
}

/* Inject and EOI the pending vector of cpu, as the guest would. */
static int take_and_eoi(struct vlapic *v)
{
	int vec = vlapic_pending_vector(v);

	if (vec >= 0) {
		vlapic_ack(v, vec);
		vlapic_mmio_write(v, VLAPIC_REG_EOI, 0);
	}
	return vec;
}

static void test_routed_through_vlapic(void)
{
	setup_routed();
	/* Physical destination 1, level: only cpu 1 sees it. */
	reg_write(&routed, VIOAPIC_REG_RTE(9) + 1, 1u << 24);
	reg_write(&routed, VIOAPIC_REG_RTE(9), LEVEL | 0x59);
	vioapic_set_irq(&routed, 9, true);
	CHECK_EQ(vlapic_pending_vector(&cpus[0]), -1);
	CHECK_EQ(vlapic_pending_vector(&cpus[1]), 0x59);
	/* Its EOI reaches the I/O APIC, which sends again: line still high. */
	CHECK_EQ(take_and_eoi(&cpus[1]), 0x59);
	CHECK_EQ(vlapic_pending_vector(&cpus[1]), 0x59);
	CHECK(rte_low(&routed, 9) & RIRR);
	vioapic_set_irq(&routed, 9, false);
	CHECK_EQ(take_and_eoi(&cpus[1]), 0x59);
	CHECK_EQ(vlapic_pending_vector(&cpus[1]), -1);
	CHECK(!(rte_low(&routed, 9) & RIRR));

	/* Logical destination 0x01 (flat model): cpu 0 only, edge. */
	reg_write(&routed, VIOAPIC_REG_RTE(4) + 1, 0x01u << 24);
	reg_write(&routed, VIOAPIC_REG_RTE(4), VIOAPIC_RTE_LOGICAL | 0x34);
	vioapic_set_irq(&routed, 4, true);
	CHECK_EQ(vlapic_pending_vector(&cpus[0]), 0x34);
	CHECK_EQ(vlapic_pending_vector(&cpus[1]), -1);
	/* An edge vector's EOI is not passed on to the I/O APIC. */
	CHECK_EQ(take_and_eoi(&cpus[0]), 0x34);
	CHECK_EQ(vlapic_pending_vector(&cpus[0]), -1);
	/* Logical 0x03 reaches both. */
	reg_write(&routed, VIOAPIC_REG_RTE(4) + 1, 0x03u << 24);
	vioapic_set_irq(&routed, 4, false);
	vioapic_set_irq(&routed, 4, true);
	CHECK_EQ(vlapic_pending_vector(&cpus[0]), 0x34);
	CHECK_EQ(vlapic_pending_vector(&cpus[1]), 0x34);
	/* NMI is handed back to the caller by vlapic_ipi_accept(). */
	CHECK_EQ(vlapic_ipi_accept(&cpus[0], (VLAPIC_DM_NMI << 8) |
				   VLAPIC_ICR_LEVEL_ASSERT), VLAPIC_DM_NMI);
}

int main(void)
{
	RUN(test_reset_state);
	RUN(test_id_version_arb);
	RUN(test_rte_read_write);
	RUN(test_remote_irr_read_only);
	RUN(test_edge_once_per_rising_edge);
	RUN(test_edge_masked_is_lost);
	RUN(test_polarity);
	RUN(test_level_remote_irr_until_eoi);
	RUN(test_eoi_redelivers_while_line_high);
	RUN(test_eoi_other_vector_does_nothing);
	RUN(test_eoi_clears_every_entry_with_vector);
	RUN(test_unmask_delivers_pending_level);
	RUN(test_message_fields);
	RUN(test_no_callback);
	RUN(test_pins_out_of_range);
	RUN(test_offsets_and_unknown_registers);
	RUN(test_routed_through_vlapic);
	return check_summary();
}

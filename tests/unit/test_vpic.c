/* units: vmm/dev/vpic.c */
/*
 * The 8259A pair through its ports, initialised the way Linux and most
 * kernels do (vector bases 0x20/0x28), then masking, priority and
 * nesting, EOI flavours, rotation, the cascade through IR2, ELCR level
 * pins, auto-EOI, poll and special mask modes.
 */
#include "check.h"
#include "vmm/dev/vpic.h"

static void init_pair(struct vpic *p, uint8_t icw4)
{
	vpic_init(p);
	vpic_write(p, 0x20, 0x11);   /* ICW1: edge, cascade, ICW4 */
	vpic_write(p, 0x21, 0x20);   /* ICW2: vector base */
	vpic_write(p, 0x21, 0x04);   /* ICW3: slave on IR2 */
	vpic_write(p, 0x21, icw4);
	vpic_write(p, 0xa0, 0x11);
	vpic_write(p, 0xa1, 0x28);
	vpic_write(p, 0xa1, 0x02);   /* ICW3: slave id 2 */
	vpic_write(p, 0xa1, icw4);
}

/* Inject whatever is pending, as the exit handler would. */
static int take(struct vpic *p)
{
	int v = vpic_pending_vector(p);

	if (v >= 0)
		vpic_ack(p, v);
	return v;
}

static uint8_t read_isr(struct vpic *p, uint16_t cmd)
{
	vpic_write(p, cmd, 0x0b);
	return (uint8_t)vpic_read(p, cmd);
}

static uint8_t read_irr(struct vpic *p, uint16_t cmd)
{
	vpic_write(p, cmd, 0x0a);
	return (uint8_t)vpic_read(p, cmd);
}

static void test_reset_state_masks_everything(void)
{
	struct vpic p;

	vpic_init(&p);
	vpic_pulse_irq(&p, 0);
	vpic_pulse_irq(&p, 12);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	CHECK_EQ(vpic_read(&p, 0x21), 0xfb);
	CHECK_EQ(vpic_read(&p, 0xa1), 0xff);
	/* ICW1 clears the mask, as the datasheet says. */
	init_pair(&p, 0x01);
	CHECK_EQ(vpic_read(&p, 0x21), 0x00);
	CHECK_EQ(vpic_read(&p, 0xa1), 0x00);
	/* Edges seen before ICW1 were forgotten. */
	CHECK_EQ(vpic_pending_vector(&p), -1);
}

static void test_init_and_deliver(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_pulse_irq(&p, 1);
	CHECK_EQ(read_irr(&p, 0x20), 0x02);
	CHECK_EQ(vpic_pending_vector(&p), 0x21);
	CHECK_EQ(vpic_pending_vector(&p), 0x21);        /* a pure query */
	vpic_ack(&p, 0x21);
	CHECK_EQ(read_irr(&p, 0x20), 0x00);
	CHECK_EQ(read_isr(&p, 0x20), 0x02);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_write(&p, 0x20, 0x20);                  /* non-specific EOI */
	CHECK_EQ(read_isr(&p, 0x20), 0x00);
}

static void test_mask(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_write(&p, 0x21, 0x08);
	CHECK_EQ(vpic_read(&p, 0x21), 0x08);
	vpic_pulse_irq(&p, 3);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	CHECK_EQ(read_irr(&p, 0x20), 0x08);     /* still requested */
	vpic_write(&p, 0x21, 0x00);
	CHECK_EQ(take(&p), 0x23);
}

static void test_priority_nesting_eoi(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_pulse_irq(&p, 5);
	vpic_pulse_irq(&p, 3);
	CHECK_EQ(take(&p), 0x23);
	/* 5 is lower priority than 3 in service: held back. */
	CHECK_EQ(vpic_pending_vector(&p), -1);
	/* 0 outranks 3: nests. */
	vpic_pulse_irq(&p, 0);
	CHECK_EQ(take(&p), 0x20);
	CHECK_EQ(read_isr(&p, 0x20), 0x09);
	vpic_write(&p, 0x20, 0x20);          /* EOI clears the highest: 0 */
	CHECK_EQ(read_isr(&p, 0x20), 0x08);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_write(&p, 0x20, 0x63);          /* specific EOI for 3 */
	CHECK_EQ(take(&p), 0x25);
	/* Edge: holding the line high raises only one request. */
	vpic_set_irq(&p, 6, 1);
	vpic_set_irq(&p, 6, 1);
	vpic_write(&p, 0x20, 0x20);
	CHECK_EQ(take(&p), 0x26);
	vpic_write(&p, 0x20, 0x20);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_write(&p, 0x20, 0x20);          /* EOI with nothing in service */
	vpic_write(&p, 0x20, 0x40);          /* OCW2 no-op */
	CHECK_EQ(read_isr(&p, 0x20), 0);
}

static void test_cascade(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_pulse_irq(&p, 10);
	CHECK_EQ(read_irr(&p, 0x20), 0x04);     /* slave INT seen on IR2 */
	CHECK_EQ(take(&p), 0x2a);
	CHECK_EQ(read_isr(&p, 0x20), 0x04);
	CHECK_EQ(read_isr(&p, 0xa0), 0x04);
	/* Master IR1 outranks the cascade; slave 11 waits. */
	vpic_pulse_irq(&p, 11);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_pulse_irq(&p, 1);
	CHECK_EQ(take(&p), 0x21);
	vpic_write(&p, 0x20, 0x61);
	vpic_write(&p, 0xa0, 0x20);
	vpic_write(&p, 0x20, 0x20);
	CHECK_EQ(take(&p), 0x2b);
	/* Slave mask holds the request on the slave side only. */
	vpic_write(&p, 0xa0, 0x20);
	vpic_write(&p, 0x20, 0x20);
	vpic_write(&p, 0xa1, 0x10);
	vpic_pulse_irq(&p, 12);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	CHECK_EQ(read_irr(&p, 0x20), 0x00);
	/* IRQ 2 on the bus is IRQ 9. */
	vpic_pulse_irq(&p, 2);
	CHECK_EQ(take(&p), 0x29);
	/* Out-of-range lines are ignored. */
	vpic_set_irq(&p, 16, 1);
	vpic_set_irq(&p, -1, 1);
}

static void test_special_fully_nested(void)
{
	struct vpic p;

	init_pair(&p, 0x11);                    /* ICW4: SFNM, 8086 */
	vpic_pulse_irq(&p, 12);
	CHECK_EQ(take(&p), 0x2c);
	/* A higher slave level gets through although IR2 is in service. */
	vpic_pulse_irq(&p, 9);
	CHECK_EQ(take(&p), 0x29);
	/* Without SFNM it would wait. */
	init_pair(&p, 0x01);
	vpic_pulse_irq(&p, 12);
	CHECK_EQ(take(&p), 0x2c);
	vpic_pulse_irq(&p, 9);
	CHECK_EQ(vpic_pending_vector(&p), -1);
}

static void test_elcr_level(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_write(&p, 0x4d1, 0xff);
	CHECK_EQ(vpic_read(&p, 0x4d1), 0xde);        /* IRQ 8, 13 edge */
	vpic_write(&p, 0x4d0, 0xff);
	CHECK_EQ(vpic_read(&p, 0x4d0), 0xf8);
	CHECK_EQ(vpic_read(&p, 0x4d1), 0xde);
	vpic_set_irq(&p, 10, 1);
	CHECK_EQ(take(&p), 0x2a);
	vpic_write(&p, 0xa0, 0x20);
	vpic_write(&p, 0x20, 0x20);
	/* Line still high: requested again. */
	CHECK_EQ(take(&p), 0x2a);
	vpic_write(&p, 0xa0, 0x20);
	vpic_write(&p, 0x20, 0x20);
	vpic_set_irq(&p, 10, 0);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	/* A line that is high when its pin turns level is picked up. */
	vpic_write(&p, 0x4d0, 0x00);
	vpic_set_irq(&p, 5, 1);
	CHECK_EQ(take(&p), 0x25);
	vpic_write(&p, 0x20, 0x20);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_write(&p, 0x4d0, 0x20);
	CHECK_EQ(take(&p), 0x25);
}

static void test_auto_eoi_and_rotation(void)
{
	struct vpic p;

	init_pair(&p, 0x03);                    /* ICW4: AEOI */
	vpic_pulse_irq(&p, 4);
	CHECK_EQ(take(&p), 0x24);
	CHECK_EQ(read_isr(&p, 0x20), 0x00);
	vpic_pulse_irq(&p, 4);
	CHECK_EQ(take(&p), 0x24);               /* no EOI needed */

	/* Rotate in AEOI: the serviced level becomes lowest. */
	vpic_write(&p, 0x20, 0x80);
	vpic_pulse_irq(&p, 4);
	CHECK_EQ(take(&p), 0x24);
	vpic_pulse_irq(&p, 4);
	vpic_pulse_irq(&p, 6);
	CHECK_EQ(take(&p), 0x26);
	vpic_write(&p, 0x20, 0x00);          /* clear rotate in AEOI */
	vpic_write(&p, 0x20, 0xc7);          /* IR0 highest again */
	CHECK_EQ(take(&p), 0x24);
}

static void test_rotation_commands(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_write(&p, 0x20, 0xc3);          /* set priority: IR4 highest */
	vpic_pulse_irq(&p, 1);
	vpic_pulse_irq(&p, 5);
	CHECK_EQ(take(&p), 0x25);
	vpic_write(&p, 0x20, 0xa0);          /* rotate on EOI: 5 lowest */
	CHECK_EQ(take(&p), 0x21);
	vpic_pulse_irq(&p, 5);
	/* 5 is lowest priority now, 1 in service outranks it. */
	CHECK_EQ(vpic_pending_vector(&p), -1);
	vpic_write(&p, 0x20, 0xe1);          /* rotate on specific EOI 1 */
	CHECK_EQ(take(&p), 0x25);
}

static void test_poll_and_special_mask(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_write(&p, 0x20, 0x0c);          /* poll */
	CHECK_EQ(vpic_read(&p, 0x20), 0x00);
	vpic_pulse_irq(&p, 3);
	vpic_write(&p, 0x20, 0x0c);
	CHECK_EQ(vpic_read(&p, 0x20), 0x83);
	CHECK_EQ(read_isr(&p, 0x20), 0x08);
	vpic_pulse_irq(&p, 5);
	CHECK_EQ(vpic_pending_vector(&p), -1);
	/* Special mask: masking 3 (in service) lets 5 through. */
	vpic_write(&p, 0x20, 0x68);
	vpic_write(&p, 0x21, 0x08);
	CHECK_EQ(take(&p), 0x25);
	vpic_write(&p, 0x20, 0x48);          /* leave special mask */
	vpic_write(&p, 0x20, 0x65);
	vpic_write(&p, 0x20, 0x63);
	CHECK_EQ(read_isr(&p, 0x20), 0x00);
}

static void test_ack_mismatch_and_single_mode(void)
{
	struct vpic p;

	init_pair(&p, 0x01);
	vpic_pulse_irq(&p, 7);
	vpic_ack(&p, 0x30);                     /* not what is pending */
	vpic_ack(&p, -1);
	CHECK_EQ(read_isr(&p, 0x20), 0x00);
	CHECK_EQ(vpic_pending_vector(&p), 0x27);

	/* Single PIC without ICW4: ICW1 0x12, then only ICW2. */
	vpic_write(&p, 0x20, 0x12);
	vpic_write(&p, 0x21, 0x47);          /* low 3 bits ignored */
	vpic_write(&p, 0x21, 0xfe);          /* OCW1 already */
	CHECK_EQ(vpic_read(&p, 0x21), 0xfe);
	vpic_pulse_irq(&p, 0);
	CHECK_EQ(take(&p), 0x40);
	/* Cascade without ICW4. */
	vpic_write(&p, 0x20, 0x10);
	vpic_write(&p, 0x21, 0x50);
	vpic_write(&p, 0x21, 0x04);
	vpic_write(&p, 0x21, 0x00);          /* OCW1 */
	vpic_pulse_irq(&p, 1);
	CHECK_EQ(take(&p), 0x51);
}

static void test_ports(void)
{
	struct vpic p;

	vpic_init(&p);
	CHECK(vpic_owns_port(0x20) && vpic_owns_port(0xa1));
	CHECK(vpic_owns_port(0x4d0) && vpic_owns_port(0x4d1));
	CHECK(!vpic_owns_port(0x22) && !vpic_owns_port(0x4d2));
	CHECK_EQ(vpic_read(&p, 0x22), 0xff);
	vpic_write(&p, 0x22, 0x00);
	CHECK_EQ(vpic_read(&p, 0x20), 0x00);            /* IRR */
	CHECK_EQ(vpic_read(&p, 0x21), 0xfb);            /* IMR */
}

int main(void)
{
	RUN(test_reset_state_masks_everything);
	RUN(test_init_and_deliver);
	RUN(test_mask);
	RUN(test_priority_nesting_eoi);
	RUN(test_cascade);
	RUN(test_special_fully_nested);
	RUN(test_elcr_level);
	RUN(test_auto_eoi_and_rotation);
	RUN(test_rotation_commands);
	RUN(test_poll_and_special_mask);
	RUN(test_ack_mismatch_and_single_mode);
	RUN(test_ports);
	return check_summary();
}

/* units: vmm/dev/vuart.c vmm/dev/vpit.c */
/*
 * Wide port accesses split into byte accesses: what a 16- or 32-bit IN
 * or OUT does to the byte-wide UART and PIT, and the all-ones bus past a
 * device's last port.
 */
#include "check.h"
#include "vmm/dev/ioport.h"
#include "vmm/dev/vuart.h"
#include "vmm/dev/vpit.h"

/* A recording device with 4 ports. */
struct rec {
	uint8_t regs[4];
	int reads, writes;
};

static uint8_t rec_read(void *ctx, uint16_t off)
{
	struct rec *r = ctx;

	r->reads++;
	return r->regs[off];
}

static void rec_write(void *ctx, uint16_t off, uint8_t v)
{
	struct rec *r = ctx;

	r->writes++;
	r->regs[off] = v;
}

static void test_bytes_low_first(void)
{
	struct rec r = { { 0x11, 0x22, 0x33, 0x44 }, 0, 0 };
	struct ioport_bytes b = { rec_read, rec_write, &r, 0, 4 };

	CHECK_EQ(ioport_read_split(&b, 0, 4), 0x44332211);
	CHECK_EQ(ioport_read_split(&b, 1, 2), 0x3322);
	CHECK_EQ(ioport_read_split(&b, 3, 1), 0x44);
	CHECK_EQ(r.reads, 7);
	ioport_write_split(&b, 0, 4, 0xddccbbaa);
	CHECK_EQ(r.regs[0], 0xaa);
	CHECK_EQ(r.regs[3], 0xdd);
	CHECK_EQ(r.writes, 4);
}

/* The device sees its own numbering: base is added to each offset. */
static void test_base(void)
{
	struct rec r = { { 0x11, 0x22, 0x33, 0x44 }, 0, 0 };
	struct ioport_bytes b = { rec_read, rec_write, &r, 2, 2 };

	CHECK_EQ(ioport_read_split(&b, 0, 2), 0x4433);
	CHECK_EQ(ioport_read_split(&b, 1, 2), 0xff44);
	ioport_write_split(&b, 0, 1, 0x99);
	CHECK_EQ(r.regs[2], 0x99);
}

static void test_past_the_last_port(void)
{
	struct rec r = { { 0x11, 0x22, 0x33, 0x44 }, 0, 0 };
	struct ioport_bytes b = { rec_read, rec_write, &r, 0, 4 };

	CHECK_EQ(ioport_read_split(&b, 3, 4), 0xffffff44);   /* 3 bytes past the end */
	CHECK_EQ(r.reads, 1);                                /* never asked for them */
	ioport_write_split(&b, 2, 4, 0x01020304);
	CHECK_EQ(r.regs[2], 0x04);
	CHECK_EQ(r.regs[3], 0x03);
	CHECK_EQ(r.writes, 2);                               /* the rest dropped */
}

static uint8_t uart_rd(void *ctx, uint16_t off) { return vuart_read(ctx, off); }
static void uart_wr(void *ctx, uint16_t off, uint8_t v) { vuart_write(ctx, off, v); }

static void no_line(void *ctx, const char *line, size_t len)
{
}

/* A 16-bit write to offset 6 reaches MSR (ignored) and SCR. */
static void test_uart_wide(void)
{
	struct vuart u;
	struct ioport_bytes b = { uart_rd, uart_wr, &u, 0, VUART_NPORTS };

	vuart_init(&u, no_line, NULL);
	ioport_write_split(&b, 6, 2, 0x7700);
	CHECK_EQ(vuart_read(&u, 7), 0x77);
	CHECK_EQ(ioport_read_split(&b, 6, 2), 0x77b0);
	CHECK_EQ(ioport_read_split(&b, 7, 4), 0xffffff77);
}

static uint64_t now_ns;
static uint64_t clock_ns(void *ctx) { return now_ns; }
static uint8_t pit_rd(void *ctx, uint16_t off) { return vpit_read(ctx, off); }
static void pit_wr(void *ctx, uint16_t off, uint8_t v) { vpit_write(ctx, off, v); }

/* A 16-bit access covers ports 0x40 and 0x41 (counters 0 and 1). */
static void test_pit_wide(void)
{
	struct vpit p;
	struct ioport_bytes b = { pit_rd, pit_wr, &p, 0, 4 };

	vpit_init(&p, clock_ns, NULL);
	vpit_write(&p, 3, 0x10);             /* counter 0, LSB, mode 0 */
	vpit_write(&p, 3, 0x50);             /* counter 1, LSB, mode 0 */
	ioport_write_split(&b, 0, 2, 0x3322);
	CHECK_EQ(ioport_read_split(&b, 0, 2), 0x3322);
}

int main(void)
{
	RUN(test_bytes_low_first);
	RUN(test_base);
	RUN(test_past_the_last_port);
	RUN(test_uart_wide);
	RUN(test_pit_wide);
	return check_summary();
}

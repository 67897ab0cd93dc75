/* units: vmm/dev/vpit.c */
/*
 * The 8254 through its ports with a fake clock: counts read back with and
 * without latches, OUT levels per mode (channel 2 seen on port 0x61 bit 5),
 * gate behaviour, BCD, read-back status, and channel 0's IRQ schedule.
 */
#include "check.h"
#include "vmm/dev/vpit.h"

static uint64_t fake_ns;

static uint64_t fake_clock(void *ctx)
{
	return *(uint64_t *)ctx;
}

/* The first nanosecond at which k PIT ticks have passed. */
static uint64_t tick_ns(uint64_t k)
{
	return (k * 1000000000ull + VPIT_HZ - 1) / VPIT_HZ;
}

static void at_tick(uint64_t k)
{
	fake_ns = tick_ns(k);
}

/* k ticks after an absolute time t0 (when a count or gate edge started). */
static void after(uint64_t t0, uint64_t k)
{
	fake_ns = t0 + tick_ns(k);
}

static void setup(struct vpit *p)
{
	fake_ns = 0;
	vpit_init(p, fake_clock, &fake_ns);
}

static void program(struct vpit *p, int ch, uint8_t ctrl, uint16_t count)
{
	vpit_write(p, 3, (uint8_t)(ch << 6) | ctrl);
	vpit_write(p, (uint16_t)ch, count & 0xff);
	vpit_write(p, (uint16_t)ch, count >> 8);
}

static uint16_t read16(struct vpit *p, int ch)
{
	uint16_t lo = vpit_read(p, (uint16_t)ch);

	return (uint16_t)(lo | vpit_read(p, (uint16_t)ch) << 8);
}

static bool out2(struct vpit *p)
{
	return vpit_read(p, VPIT_PORT61_OFFSET) & VPIT_P61_OUT2;
}

static void test_mode2_latched_count(void)
{
	struct vpit p;

	setup(&p);
	program(&p, 0, 0x34, 1000);             /* lohi, mode 2, binary */
	at_tick(300);
	CHECK_EQ(read16(&p, 0), 700);           /* live read */
	vpit_write(&p, 3, 0x00);             /* latch counter 0 */
	vpit_write(&p, 3, 0x00);             /* ignored: latch not read */
	at_tick(450);
	CHECK_EQ(read16(&p, 0), 700);           /* the latched value */
	CHECK_EQ(read16(&p, 0), 550);           /* live again */
	at_tick(1000 + 999);
	CHECK_EQ(read16(&p, 0), 1);             /* wraps with period N */
	at_tick(2000);
	CHECK_EQ(read16(&p, 0), 1000);
}

static void test_readback(void)
{
	struct vpit p;

	setup(&p);
	program(&p, 0, 0x34, 1000);
	at_tick(10);
	/* 11 0 0 001 0: count and status of counter 0. */
	vpit_write(&p, 3, 0xc2);
	at_tick(20);
	CHECK_EQ(vpit_read(&p, 0), 0x80 | 0x34);     /* status first */
	CHECK_EQ(read16(&p, 0), 990);
	/* Status only for counter 2 (never programmed: null count, mode 0). */
	vpit_write(&p, 3, 0xe8);
	CHECK_EQ(vpit_read(&p, 2), 0x40);
	/* Count only: the status latch stays empty. */
	vpit_write(&p, 3, 0xd2);
	CHECK_EQ(read16(&p, 0), 980);
	/* A control word without a count: null count set in the status. */
	vpit_write(&p, 3, 0x74);             /* counter 1, lohi, mode 2 */
	vpit_write(&p, 3, 0xe4);
	CHECK_EQ(vpit_read(&p, 1), 0xc0 | 0x34);
	CHECK_EQ(vpit_read(&p, 3), 0xff);    /* control port write-only */
}

static void test_mode0_out2_on_port61(void)
{
	struct vpit p;

	setup(&p);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	CHECK_EQ(vpit_read(&p, VPIT_PORT61_OFFSET) & 0x0f, VPIT_P61_GATE2);
	program(&p, 2, 0xb0, 100);              /* counter 2, lohi, mode 0 */
	CHECK(!out2(&p));
	at_tick(99);
	CHECK(!out2(&p));
	CHECK_EQ(read16(&p, 2), 1);
	at_tick(100);
	CHECK(out2(&p));
	at_tick(5000);
	CHECK(out2(&p));                        /* stays high */
	CHECK_EQ(read16(&p, 2), (uint16_t)(100 - 5000));  /* keeps counting */
	/* First byte of a new count stops mode 0 and drops OUT. */
	vpit_write(&p, 2, 50);
	CHECK(!out2(&p));
	vpit_write(&p, 2, 0);
	at_tick(5049);
	CHECK(!out2(&p));
	at_tick(5050);
	CHECK(out2(&p));
}

static void test_gate_pauses_mode0(void)
{
	struct vpit p;
	uint64_t t0;

	setup(&p);
	program(&p, 2, 0xb0, 100);              /* gate low: does not count */
	at_tick(500);
	CHECK(!out2(&p));
	CHECK_EQ(read16(&p, 2), 100);
	t0 = fake_ns;
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	after(t0, 60);
	CHECK_EQ(read16(&p, 2), 40);
	vpit_write(&p, VPIT_PORT61_OFFSET, 0);       /* pause at 60 */
	at_tick(900);
	CHECK_EQ(read16(&p, 2), 40);
	t0 = fake_ns;
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2); /* no edge */
	after(t0, 39);
	CHECK(!out2(&p));
	after(t0, 40);
	CHECK(out2(&p));
}

static void test_mode3_square_wave_and_gate_restart(void)
{
	struct vpit p;
	uint64_t t0;

	setup(&p);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2 | VPIT_P61_SPKR);
	program(&p, 2, 0xb6, 10);               /* counter 2, lohi, mode 3 */
	at_tick(0);
	CHECK(out2(&p));
	CHECK_EQ(read16(&p, 2), 10);
	at_tick(2);
	CHECK_EQ(read16(&p, 2), 6);             /* counts down by two */
	at_tick(4);
	CHECK(out2(&p));
	at_tick(5);
	CHECK(!out2(&p));
	CHECK_EQ(read16(&p, 2), 10);
	at_tick(9);
	CHECK(!out2(&p));
	at_tick(10);
	CHECK(out2(&p));
	at_tick(17);
	CHECK(!out2(&p));
	/* Gate low forces OUT high; the rising edge restarts the period. */
	vpit_write(&p, VPIT_PORT61_OFFSET, 0);
	CHECK(out2(&p));
	at_tick(100);
	t0 = fake_ns;
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	after(t0, 4);
	CHECK(out2(&p));
	after(t0, 5);
	CHECK(!out2(&p));
	/* Odd count: high for (N+1)/2 ticks. */
	t0 = fake_ns;
	program(&p, 2, 0xb6, 7);
	after(t0, 3);
	CHECK(out2(&p));
	after(t0, 4);
	CHECK(!out2(&p));
}

static void test_mode4_and_mode1(void)
{
	struct vpit p;
	uint64_t t0;

	setup(&p);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	program(&p, 2, 0xb8, 20);               /* mode 4: strobe at t = N */
	at_tick(19);
	CHECK(out2(&p));
	at_tick(20);
	CHECK(!out2(&p));
	at_tick(21);
	CHECK(out2(&p));

	/* Mode 1 waits for a gate rising edge, then OUT low for N ticks. */
	program(&p, 2, 0xb2, 30);
	at_tick(40);
	CHECK(out2(&p));
	CHECK_EQ(read16(&p, 2), 30);
	t0 = fake_ns;
	vpit_write(&p, VPIT_PORT61_OFFSET, 0);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	CHECK(!out2(&p));
	after(t0, 29);
	CHECK(!out2(&p));
	CHECK_EQ(read16(&p, 2), 1);
	after(t0, 30);
	CHECK(out2(&p));

	/* Mode 5: gate-triggered strobe. */
	program(&p, 2, 0xba, 5);
	t0 = fake_ns;
	vpit_write(&p, VPIT_PORT61_OFFSET, 0);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	after(t0, 4);
	CHECK(out2(&p));
	after(t0, 5);
	CHECK(!out2(&p));
	after(t0, 6);
	CHECK(out2(&p));
}

static void test_access_modes_and_bcd(void)
{
	struct vpit p;

	setup(&p);
	vpit_write(&p, 3, 0x14);             /* counter 0, LSB only, mode 2 */
	vpit_write(&p, 0, 200);
	at_tick(50);
	CHECK_EQ(vpit_read(&p, 0), 150);
	CHECK_EQ(vpit_read(&p, 0), 150);     /* no flip-flop in LSB mode */
	vpit_write(&p, 3, 0x00);
	CHECK_EQ(vpit_read(&p, 0), 150);     /* latch: one byte */

	vpit_write(&p, 3, 0x24);             /* MSB only, mode 2 */
	vpit_write(&p, 0, 0x02);             /* N = 0x200 at tick 50 */
	at_tick(50 + 0x100);
	CHECK_EQ(vpit_read(&p, 0), 0x01);
	vpit_write(&p, 3, 0x00);
	at_tick(50 + 0x180);
	CHECK_EQ(vpit_read(&p, 0), 0x01);

	fake_ns = 0;
	program(&p, 0, 0x35, 0x1000);           /* BCD 1000, mode 2 */
	at_tick(1);
	CHECK_EQ(read16(&p, 0), 0x0999);
	at_tick(1000);
	CHECK_EQ(read16(&p, 0), 0x1000);
	fake_ns = 0;
	program(&p, 0, 0x31, 0x0000);           /* BCD 0 = 10000, mode 0 */
	CHECK_EQ(read16(&p, 0), 0x0000);
	at_tick(2);
	CHECK_EQ(read16(&p, 0), 0x9998);
	at_tick(10001);
	CHECK_EQ(read16(&p, 0), 0x9999);        /* wraps modulo 10000 */
}

static void test_irq0_periodic(void)
{
	struct vpit p;
	uint64_t first;

	setup(&p);
	CHECK_EQ(vpit_next_irq_ns(&p), VPIT_NO_IRQ);
	CHECK(!vpit_irq_due(&p, 1000000000));
	fake_ns = 1000;
	program(&p, 0, 0x34, 11932);            /* ~100 Hz */
	first = vpit_next_irq_ns(&p);
	CHECK_EQ(first, 1000 + tick_ns(11932));
	CHECK(first > 10000000 && first < 10002000);
	CHECK(!vpit_irq_due(&p, first - 1));
	CHECK(vpit_irq_due(&p, first));
	CHECK(!vpit_irq_due(&p, first));        /* reported once */
	CHECK_EQ(vpit_next_irq_ns(&p), 1000 + tick_ns(2 * 11932));
	CHECK(vpit_irq_due(&p, 1000 + tick_ns(2 * 11932)));
	/* Late by several periods: one report, then the next future edge. */
	CHECK(vpit_irq_due(&p, 1000 + tick_ns(5 * 11932 + 10)));
	CHECK(!vpit_irq_due(&p, 1000 + tick_ns(5 * 11932 + 10)));
	CHECK_EQ(vpit_next_irq_ns(&p), 1000 + tick_ns(6 * 11932));
	/* Mode 3 has the same period. */
	fake_ns = 0;
	program(&p, 0, 0x36, 100);
	CHECK(vpit_irq_due(&p, tick_ns(100)));
	CHECK(vpit_irq_due(&p, tick_ns(200)));
}

static void test_irq0_one_shot(void)
{
	struct vpit p;

	setup(&p);
	program(&p, 0, 0x30, 500);              /* mode 0 */
	CHECK_EQ(vpit_next_irq_ns(&p), tick_ns(500));
	CHECK(vpit_irq_due(&p, tick_ns(100000)));
	CHECK(!vpit_irq_due(&p, tick_ns(200000)));
	CHECK_EQ(vpit_next_irq_ns(&p), VPIT_NO_IRQ);
	program(&p, 0, 0x38, 500);              /* mode 4: edge after strobe */
	CHECK(!vpit_irq_due(&p, tick_ns(500)));
	CHECK(vpit_irq_due(&p, tick_ns(501)));
	program(&p, 0, 0x32, 500);              /* mode 1: gate fixed high */
	CHECK_EQ(vpit_next_irq_ns(&p), VPIT_NO_IRQ);
	vpit_write(&p, 3, 0x34);             /* mode without count */
	CHECK(!vpit_irq_due(&p, tick_ns(900000)));
}

static void test_mode_aliases_and_unloaded_gate(void)
{
	struct vpit p;

	setup(&p);
	/* Gate edges before any count is written change nothing. */
	vpit_write(&p, 3, 0xb6);
	vpit_write(&p, VPIT_PORT61_OFFSET, VPIT_P61_GATE2);
	CHECK(out2(&p));                        /* mode 3 idles high */
	/* Mode 6 is mode 2, mode 7 is mode 3; status keeps the raw bits. */
	program(&p, 0, 0x3c, 100);              /* lohi, mode 6 */
	at_tick(99);
	CHECK_EQ(read16(&p, 0), 1);
	vpit_write(&p, 3, 0xe2);
	CHECK_EQ(vpit_read(&p, 0), 0x3c);    /* OUT low at count 1 */
	fake_ns = 0;
	program(&p, 0, 0x3e, 100);              /* mode 7 */
	CHECK(vpit_irq_due(&p, tick_ns(100)));
	CHECK(vpit_irq_due(&p, tick_ns(200)));
}

static void test_refresh_toggle(void)
{
	struct vpit p;
	uint8_t a, b;

	setup(&p);
	fake_ns = 1000;
	a = vpit_read(&p, VPIT_PORT61_OFFSET) & VPIT_P61_REFRESH;
	fake_ns += 15085;
	b = vpit_read(&p, VPIT_PORT61_OFFSET) & VPIT_P61_REFRESH;
	CHECK(a != b);
	/* Bits 6-7 and unknown ports read as expected. */
	CHECK_EQ(vpit_read(&p, VPIT_PORT61_OFFSET) & 0xc0, 0);
	CHECK_EQ(vpit_read(&p, 0x10), 0xff);
	vpit_write(&p, 0x10, 0);             /* ignored */
}

int main(void)
{
	RUN(test_mode2_latched_count);
	RUN(test_readback);
	RUN(test_mode0_out2_on_port61);
	RUN(test_gate_pauses_mode0);
	RUN(test_mode3_square_wave_and_gate_restart);
	RUN(test_mode4_and_mode1);
	RUN(test_access_modes_and_bcd);
	RUN(test_irq0_periodic);
	RUN(test_irq0_one_shot);
	RUN(test_mode_aliases_and_unloaded_gate);
	RUN(test_refresh_toggle);
	return check_summary();
}

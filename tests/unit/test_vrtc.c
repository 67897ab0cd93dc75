/* units: vmm/dev/vrtc.c */
/*
 * The RTC through ports 0x70/0x71 with a fake clock: time registers in
 * BCD and binary, 12- and 24-hour formats, date roll-over from the base
 * time, UIP timing, register C flags and their clearing, the guest setting
 * the time (with and without SET), and the BIOS memory-size bytes.
 */
#include "check.h"
#include "vmm/dev/vrtc.h"

#define SEC 1000000000ull
#define T0  5000ull                     /* clock value at the base time */

static uint64_t fake_ns;

static uint64_t fake_clock(void *ctx)
{
	return *(uint64_t *)ctx;
}

static void setup_mem(struct vrtc *r, uint64_t below, uint64_t above)
{
	/* Thursday 2024-02-29 23:59:58 */
	struct vrtc_config cfg = {
		.base = { .year = 2024, .month = 2, .day = 29,
			  .hour = 23, .min = 59, .sec = 58 },
		.base_ns = T0, .now_ns = fake_clock, .clock_ctx = &fake_ns,
		.ram_below_4g = below, .ram_above_4g = above,
	};

	fake_ns = T0;
	vrtc_init(r, &cfg);
}

static void setup(struct vrtc *r)
{
	setup_mem(r, 256ull << 20, 0);
}

static uint8_t rd(struct vrtc *r, uint8_t idx)
{
	vrtc_write(r, 0, idx);
	return (uint8_t)vrtc_read(r, 1);
}

static void wr(struct vrtc *r, uint8_t idx, uint8_t v)
{
	vrtc_write(r, 0, idx);
	vrtc_write(r, 1, v);
}

static void test_bcd_24h_and_rollover(void)
{
	struct vrtc r;

	setup(&r);
	fake_ns = T0 + SEC / 2;
	CHECK_EQ(rd(&r, VRTC_SEC), 0x58);
	CHECK_EQ(rd(&r, VRTC_MIN), 0x59);
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x23);
	CHECK_EQ(rd(&r, VRTC_WEEKDAY), 5);      /* Thursday, Sunday = 1 */
	CHECK_EQ(rd(&r, VRTC_DAY), 0x29);
	CHECK_EQ(rd(&r, VRTC_MONTH), 0x02);
	CHECK_EQ(rd(&r, VRTC_YEAR), 0x24);
	CHECK_EQ(rd(&r, VRTC_CENTURY), 0x20);
	CHECK_EQ(rd(&r, VRTC_REG_B), 0x02);
	CHECK_EQ(rd(&r, VRTC_REG_D), 0x80);
	fake_ns = T0 + 2 * SEC + SEC / 2;       /* leap day rolls to March */
	CHECK_EQ(rd(&r, VRTC_SEC), 0x00);
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x00);
	CHECK_EQ(rd(&r, VRTC_DAY), 0x01);
	CHECK_EQ(rd(&r, VRTC_MONTH), 0x03);
	CHECK_EQ(rd(&r, VRTC_WEEKDAY), 6);
	fake_ns = T0 + (2 + 306 * 86400ull) * SEC;      /* to the new year */
	CHECK_EQ(rd(&r, VRTC_YEAR), 0x25);
	CHECK_EQ(rd(&r, VRTC_MONTH), 0x01);
	CHECK_EQ(rd(&r, VRTC_DAY), 0x01);
}

static void test_binary_and_12h(void)
{
	struct vrtc r;

	setup(&r);
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_BINARY);
	CHECK_EQ(rd(&r, VRTC_SEC), 58);
	CHECK_EQ(rd(&r, VRTC_HOUR), 23);
	CHECK_EQ(rd(&r, VRTC_YEAR), 24);
	CHECK_EQ(rd(&r, VRTC_CENTURY), 20);
	wr(&r, VRTC_REG_B, 0);                  /* BCD, 12-hour */
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x80 | 0x11);       /* 11 PM */
	fake_ns = T0 + 2 * SEC;
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x12);      /* 12 AM */
	fake_ns = T0 + (2 + 12 * 3600) * SEC;
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x92);      /* 12 PM */
	fake_ns = T0 + (2 + 13 * 3600) * SEC;
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x81);      /* 1 PM */
	wr(&r, VRTC_REG_B, VRTC_B_BINARY);      /* binary, 12-hour */
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x81);
	fake_ns = T0 + (2 + 23 * 3600) * SEC;
	CHECK_EQ(rd(&r, VRTC_HOUR), 0x80 | 11);
	/* Writing 3 AM in 12-hour binary. */
	wr(&r, VRTC_HOUR, 3);
	CHECK_EQ(vrtc_now(&r).hour, 3);
	wr(&r, VRTC_HOUR, 0x80 | 12);           /* 12 PM */
	CHECK_EQ(vrtc_now(&r).hour, 12);
	wr(&r, VRTC_HOUR, 12);                  /* 12 AM */
	CHECK_EQ(vrtc_now(&r).hour, 0);
}

static void test_uip(void)
{
	struct vrtc r;

	setup(&r);
	fake_ns = T0 + SEC / 2;
	CHECK_EQ(rd(&r, VRTC_REG_A), 0x26);
	fake_ns = T0 + SEC - 100000;            /* 100 us before the update */
	CHECK_EQ(rd(&r, VRTC_REG_A), 0xa6);
	fake_ns = T0 + SEC + 1000000;           /* during the update */
	CHECK_EQ(rd(&r, VRTC_REG_A), 0xa6);
	fake_ns = T0 + SEC + 3000000;
	CHECK_EQ(rd(&r, VRTC_REG_A), 0x26);
	/* UIP is read-only; rate bits are writable. */
	wr(&r, VRTC_REG_A, 0xa3);
	CHECK_EQ(rd(&r, VRTC_REG_A), 0x23);
	/* SET clears UIP. */
	fake_ns = T0 + 2 * SEC - 100000;
	wr(&r, VRTC_REG_B, VRTC_B_SET | VRTC_B_24H);
	CHECK_EQ(rd(&r, VRTC_REG_A) & VRTC_A_UIP, 0);
}

static void test_register_c_update_flag(void)
{
	struct vrtc r;

	setup(&r);
	wr(&r, VRTC_REG_A, 0x20);               /* no periodic rate */
	wr(&r, VRTC_HOUR_ALARM, 0x12);          /* keep the alarm out of it */
	fake_ns = T0 + SEC / 2;
	CHECK_EQ(rd(&r, VRTC_REG_C), 0x00);
	CHECK_EQ(vrtc_next_irq_ns(&r), VRTC_NO_IRQ);
	fake_ns = T0 + SEC + 10;
	/* Flag without enable: no IRQF, no interrupt. */
	CHECK(!vrtc_irq_pending(&r));
	CHECK_EQ(rd(&r, VRTC_REG_C), VRTC_C_UF);
	CHECK_EQ(rd(&r, VRTC_REG_C), 0x00);     /* read cleared it */
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_UIE);
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + 2 * SEC);
	fake_ns = T0 + 2 * SEC - 1;
	CHECK(!vrtc_irq_pending(&r));
	fake_ns = T0 + 2 * SEC;
	CHECK(vrtc_irq_pending(&r));
	CHECK(vrtc_irq_pending(&r));            /* held until C is read */
	CHECK_EQ(rd(&r, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_UF);
	CHECK(!vrtc_irq_pending(&r));
	/* C and D ignore writes. */
	wr(&r, VRTC_REG_C, 0xff);
	wr(&r, VRTC_REG_D, 0x00);
	CHECK_EQ(rd(&r, VRTC_REG_C), 0x00);
	CHECK_EQ(rd(&r, VRTC_REG_D), 0x80);
}

static void test_periodic_flag(void)
{
	struct vrtc r;
	uint64_t next;

	setup(&r);                              /* register A rate 6: 1024 Hz */
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE);
	next = vrtc_next_irq_ns(&r);
	CHECK_EQ(next, T0 + 976563);            /* ceil(1e9 / 1024) */
	fake_ns = next - 1;
	CHECK(!vrtc_irq_pending(&r));
	fake_ns = next;
	CHECK(vrtc_irq_pending(&r));
	CHECK_EQ(rd(&r, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_PF);
	/* Rates 1 and 2 are 256 and 128 Hz; 15 is 2 Hz. */
	wr(&r, VRTC_REG_A, 0x21);
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + SEC / 256);
	wr(&r, VRTC_REG_A, 0x22);
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + SEC / 128);
	wr(&r, VRTC_REG_A, 0x2f);
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + SEC / 2);
	/* UIE and PIE together: the earlier event wins. */
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_PIE | VRTC_B_UIE);
	fake_ns = T0 + SEC / 2 + 10;
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + SEC);
}

static void test_alarm(void)
{
	struct vrtc r;

	setup(&r);
	wr(&r, VRTC_REG_A, 0x20);
	wr(&r, VRTC_SEC_ALARM, 0x00);
	wr(&r, VRTC_MIN_ALARM, 0xc0);           /* any minute */
	wr(&r, VRTC_HOUR_ALARM, 0xff);          /* any hour */
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_AIE);
	CHECK_EQ(rd(&r, VRTC_SEC_ALARM), 0x00);
	fake_ns = T0 + SEC + 5;                 /* :59, no match */
	CHECK(!vrtc_irq_pending(&r));
	CHECK_EQ(rd(&r, VRTC_REG_C), VRTC_C_UF);
	CHECK_EQ(vrtc_next_irq_ns(&r), T0 + 2 * SEC);
	fake_ns = T0 + 2 * SEC + 5;             /* :00 matches */
	CHECK(vrtc_irq_pending(&r));
	CHECK_EQ(rd(&r, VRTC_REG_C), VRTC_C_IRQF | VRTC_C_AF | VRTC_C_UF);
}

static void test_set_time_with_set_bit(void)
{
	struct vrtc r;
	struct vrtc_time t;

	setup(&r);
	fake_ns = T0 + 10 * SEC;
	wr(&r, VRTC_REG_B, VRTC_B_SET | VRTC_B_24H | VRTC_B_UIE);
	CHECK_EQ(rd(&r, VRTC_REG_B), VRTC_B_SET | VRTC_B_24H);  /* UIE off */
	CHECK(rd(&r, VRTC_REG_C) & VRTC_C_UF);         /* from before SET */
	wr(&r, VRTC_SEC, 0x00);
	wr(&r, VRTC_MIN, 0x30);
	wr(&r, VRTC_HOUR, 0x10);
	wr(&r, VRTC_WEEKDAY, 0x03);             /* ignored: derived */
	wr(&r, VRTC_DAY, 0x15);
	wr(&r, VRTC_MONTH, 0x06);
	wr(&r, VRTC_YEAR, 0x25);
	/* Frozen while SET: time does not move, no update flag. */
	fake_ns = T0 + 20 * SEC;
	CHECK_EQ(rd(&r, VRTC_MIN), 0x30);
	CHECK_EQ(rd(&r, VRTC_SEC), 0x00);
	CHECK_EQ(rd(&r, VRTC_REG_C) & VRTC_C_UF, 0);
	CHECK_EQ(vrtc_next_irq_ns(&r), VRTC_NO_IRQ);
	wr(&r, VRTC_REG_B, VRTC_B_24H);
	fake_ns = T0 + 25 * SEC;
	t = vrtc_now(&r);
	CHECK_EQ(t.year, 2025);
	CHECK_EQ(t.month, 6);
	CHECK_EQ(t.day, 15);
	CHECK_EQ(t.hour, 10);
	CHECK_EQ(t.min, 30);
	CHECK_EQ(t.sec, 5);
	CHECK_EQ(rd(&r, VRTC_WEEKDAY), 1);      /* 2025-06-15 is a Sunday */
	CHECK_EQ(rd(&r, VRTC_SEC), 0x05);
}

static void test_set_time_directly(void)
{
	struct vrtc r;

	setup(&r);
	wr(&r, VRTC_REG_B, VRTC_B_24H | VRTC_B_BINARY);
	wr(&r, VRTC_MIN, 15);                   /* 23:15:58 */
	fake_ns = T0 + 3 * SEC;
	CHECK_EQ(rd(&r, VRTC_MIN), 16);
	CHECK_EQ(rd(&r, VRTC_SEC), 1);
	CHECK_EQ(rd(&r, VRTC_DAY), 29);
	wr(&r, VRTC_CENTURY, 19);               /* 1924-02-29 */
	CHECK_EQ(vrtc_now(&r).year, 1924);
	CHECK_EQ(rd(&r, VRTC_WEEKDAY), 6);      /* a Friday */
	wr(&r, VRTC_CENTURY, 18);               /* before 1900: clamped */
	CHECK_EQ(vrtc_now(&r).year, 1900);
	wr(&r, VRTC_CENTURY, 21);
	wr(&r, VRTC_YEAR, 0);
	wr(&r, VRTC_MONTH, 13);                 /* clamped to December */
	wr(&r, VRTC_DAY, 0);                    /* taken as the 1st */
	wr(&r, VRTC_HOUR, 7);
	wr(&r, VRTC_SEC, 0);
	CHECK_EQ(vrtc_now(&r).year, 2100);
	CHECK_EQ(vrtc_now(&r).month, 12);
	CHECK_EQ(vrtc_now(&r).day, 1);
	CHECK_EQ(vrtc_now(&r).hour, 7);
}

static void test_cmos_memory(void)
{
	struct vrtc r;
	unsigned sum = 0;

	setup_mem(&r, 2ull << 30, 2ull << 30);
	CHECK_EQ(rd(&r, 0x15) | rd(&r, 0x16) << 8, 640);
	CHECK_EQ(rd(&r, 0x17) | rd(&r, 0x18) << 8, 0xffff);
	CHECK_EQ(rd(&r, 0x30) | rd(&r, 0x31) << 8, 0xffff);
	CHECK_EQ(rd(&r, 0x34) | rd(&r, 0x35) << 8, 0x7f00);
	CHECK_EQ(rd(&r, 0x5b) | rd(&r, 0x5c) << 8 | rd(&r, 0x5d) << 16, 0x8000);
	for (int i = 0x10; i <= 0x2d; i++)
		sum += rd(&r, (uint8_t)i);
	CHECK_EQ(rd(&r, 0x2e) << 8 | rd(&r, 0x2f), sum);

	setup_mem(&r, 8ull << 20, 0);
	CHECK_EQ(rd(&r, 0x17) | rd(&r, 0x18) << 8, 7 * 1024);
	CHECK_EQ(rd(&r, 0x34) | rd(&r, 0x35) << 8, 0);
	CHECK_EQ(rd(&r, 0x5b), 0);
	setup_mem(&r, 512 << 10, 0);            /* less than 1 MiB */
	CHECK_EQ(rd(&r, 0x17), 0);

	/* Plain bytes; bit 7 of the index (NMI) is ignored. */
	wr(&r, 0x80 | 0x40, 0xab);
	CHECK_EQ(rd(&r, 0x40), 0xab);
	CHECK_EQ(vrtc_read(&r, 0), 0xff);    /* index port reads 0xff */
	CHECK_EQ(vrtc_read(&r, 2), 0xff);
}

static void test_clock_before_base(void)
{
	struct vrtc r;

	setup(&r);
	fake_ns = 0;                            /* earlier than base_ns */
	CHECK_EQ(rd(&r, VRTC_SEC), 0x58);
}

int main(void)
{
	RUN(test_bcd_24h_and_rollover);
	RUN(test_binary_and_12h);
	RUN(test_uip);
	RUN(test_register_c_update_flag);
	RUN(test_periodic_flag);
	RUN(test_alarm);
	RUN(test_set_time_with_set_bit);
	RUN(test_set_time_directly);
	RUN(test_cmos_memory);
	RUN(test_clock_before_base);
	return check_summary();
}

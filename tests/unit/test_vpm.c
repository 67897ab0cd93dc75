/* units: vmm/dev/vpm.c */
/*
 * The PM1a block and PM timer through their ports with a fake clock:
 * sleep and power-off requests, write-1-to-clear status, the enable
 * register, SCI_EN stuck at 1, the timer's rate, wrap and TMR_STS, and
 * accesses of every width.
 */
#include "check.h"
#include "drivers/acpi.h"
#include "vmm/dev/vpm.h"

#define T0 123456789ull         /* clock time at vpm_init */
#define NS_PER_S 1000000000ull

static uint64_t fake_ns;

static uint64_t fake_clock(void *ctx)
{
	return *(uint64_t *)ctx;
}

static void setup(struct vpm *p)
{
	fake_ns = T0;
	vpm_init(p, fake_clock, &fake_ns);
}

/* The first nanosecond after T0 by which k timer ticks have passed. */
static uint64_t tick_ns(uint64_t k)
{
	uint64_t rem = k % VPM_TMR_HZ;

	return T0 + (k / VPM_TMR_HZ) * NS_PER_S + (rem * NS_PER_S + VPM_TMR_HZ - 1) / VPM_TMR_HZ;
}

static uint16_t cnt_value(unsigned typ, bool en)
{
	return (uint16_t)(typ << VPM_SLP_TYP_SHIFT | (en ? VPM_SLP_EN : 0));
}

/* ---- PM1_CNT ------------------------------------------------------------- */

static void test_s5_powers_off(void)
{
	struct vpm p;

	setup(&p);
	/* ACPICA writes SLP_TYP first, then SLP_TYP | SLP_EN. */
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 2, cnt_value(5, false)), VPM_NONE);
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 2, cnt_value(5, true)), VPM_POWER_OFF);
	/* The hypervisor's own power-off value, from drivers/acpi.h */
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 2, acpi_pm1_s5_value(VPM_S5_SLP_TYP)),
		 VPM_POWER_OFF);
}

static void test_other_sleep_types(void)
{
	struct vpm p;

	setup(&p);
	for (unsigned typ = 0; typ < 8; typ++) {
		if (typ == VPM_S5_SLP_TYP)
			continue;
		CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 2, cnt_value(typ, true)), VPM_SLEEP);
		CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 2, cnt_value(typ, false)), VPM_NONE);
	}
}

/* Byte writes to the high half, and a dword write covering PM1_CNT. */
static void test_cnt_any_width(void)
{
	struct vpm p;

	setup(&p);
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF + 1, 1, cnt_value(5, true) >> 8), VPM_POWER_OFF);
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF + 1, 1, cnt_value(3, true) >> 8), VPM_SLEEP);
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 1, 0xff), VPM_NONE);    /* low byte only */
	CHECK_EQ(vpm_write(&p, VPM_PM1_CNT_OFF, 4, 0xffff0000u | cnt_value(5, true)),
		 VPM_POWER_OFF);
	/* PM1_EVT as one dword whose top bytes spill into PM1_CNT */
	CHECK_EQ(vpm_write(&p, VPM_PM1_EN_OFF, 4, (uint32_t)cnt_value(5, true) << 16),
		 VPM_POWER_OFF);
}

static void test_cnt_reads(void)
{
	struct vpm p;

	setup(&p);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), VPM_SCI_EN);
	/* SCI_EN cannot be cleared: there is no legacy mode to go back to. */
	vpm_write(&p, VPM_PM1_CNT_OFF, 2, 0);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), VPM_SCI_EN);
	/* SLP_TYP and BM_RLD are kept; SLP_EN and GBL_RLS read 0. */
	vpm_write(&p, VPM_PM1_CNT_OFF, 2, cnt_value(5, true) | VPM_BM_RLD | VPM_GBL_RLS);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), cnt_value(5, false) | VPM_BM_RLD | VPM_SCI_EN);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF + 1, 1), cnt_value(5, false) >> 8);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 1), VPM_BM_RLD | VPM_SCI_EN);
	/* The low byte does not disturb the high one, nor the reverse. */
	vpm_write(&p, VPM_PM1_CNT_OFF, 1, 0);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), cnt_value(5, false) | VPM_SCI_EN);
	vpm_write(&p, VPM_PM1_CNT_OFF + 1, 1, 0);
	vpm_write(&p, VPM_PM1_CNT_OFF, 1, VPM_BM_RLD);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), VPM_BM_RLD | VPM_SCI_EN);
}

/* ---- PM1_STS / PM1_EN ----------------------------------------------------- */

static void test_en_register(void)
{
	struct vpm p;

	setup(&p);
	CHECK_EQ(vpm_read(&p, VPM_PM1_EN_OFF, 2), 0);
	vpm_write(&p, VPM_PM1_EN_OFF, 2, 0xffff);
	CHECK_EQ(vpm_read(&p, VPM_PM1_EN_OFF, 2),
		 VPM_TMR_EN | VPM_GBL_EN | VPM_PWRBTN_EN | VPM_SLPBTN_EN | VPM_RTC_EN |
		 VPM_PCIEXP_WAKE_DIS);
	vpm_write(&p, VPM_PM1_EN_OFF + 1, 1, 0);                /* high byte only */
	CHECK_EQ(vpm_read(&p, VPM_PM1_EN_OFF, 2), VPM_TMR_EN | VPM_GBL_EN);
	vpm_write(&p, VPM_PM1_EN_OFF, 1, 0);
	CHECK_EQ(vpm_read(&p, VPM_PM1_EN_OFF, 2), 0);
}

/* TMR_STS is the one status bit the device sets: use it for w1c. */
static void test_sts_write_one_to_clear(void)
{
	struct vpm p;

	setup(&p);
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), 0);
	fake_ns = tick_ns(1ull << 31);          /* timer bit 31 goes 0 -> 1 */
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), VPM_TMR_STS);
	vpm_write(&p, VPM_PM1_STS_OFF, 2, 0);                   /* writing 0: no effect */
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), VPM_TMR_STS);
	vpm_write(&p, VPM_PM1_STS_OFF + 1, 1, 0xff);            /* other byte: no effect */
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), VPM_TMR_STS);
	vpm_write(&p, VPM_PM1_STS_OFF, 2, VPM_TMR_STS);
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), 0);
	/* It stays clear until the top bit changes again (1 -> 0 at wrap). */
	fake_ns = tick_ns((1ull << 32) - 1);
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), 0);
	fake_ns = tick_ns(1ull << 32);
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), VPM_TMR_STS);
	/* A rollover that happened before the clearing write is cleared too. */
	fake_ns = tick_ns(3ull << 31);
	vpm_write(&p, VPM_PM1_STS_OFF, 2, 0xffff);
	CHECK_EQ(vpm_read(&p, VPM_PM1_STS_OFF, 2), 0);
}

static void test_sci_follows_enable(void)
{
	struct vpm p;

	setup(&p);
	CHECK(!vpm_sci_pending(&p));
	fake_ns = tick_ns(1ull << 31);
	CHECK(!vpm_sci_pending(&p));            /* TMR_STS set, TMR_EN clear */
	vpm_write(&p, VPM_PM1_EN_OFF, 2, VPM_TMR_EN);
	CHECK(vpm_sci_pending(&p));
	vpm_write(&p, VPM_PM1_STS_OFF, 2, VPM_TMR_STS);
	CHECK(!vpm_sci_pending(&p));
	/* PCIEXP_WAKE_DIS is an enable bit with no SCI behind it */
	vpm_write(&p, VPM_PM1_EN_OFF, 2, VPM_PCIEXP_WAKE_DIS);
	CHECK(!vpm_sci_pending(&p));
}

/* ---- PM_TMR ---------------------------------------------------------------- */

static void test_timer_rate(void)
{
	struct vpm p;

	setup(&p);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0);
	fake_ns = T0 + 1000000;                 /* 1 ms: 3579.545 ticks */
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 3579);
	fake_ns = T0 + NS_PER_S;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 3579545);
	fake_ns = T0 + 10 * NS_PER_S + 500000000;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 37585222);    /* 10.5 s, floor */
	fake_ns = tick_ns(1000) - 1;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 999);
	fake_ns = tick_ns(1000);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 1000);
}

/* 32 bits (TMR_VAL_EXT): wraps after 2^32 ticks, about 20 minutes. */
static void test_timer_wraps_at_32_bits(void)
{
	struct vpm p;

	setup(&p);
	fake_ns = tick_ns(0xffffffffull);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0xffffffffu);
	fake_ns = tick_ns(1ull << 32) ;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0);
	fake_ns = tick_ns((1ull << 32) + 0x1000000);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0x1000000);  /* past 24 bits */
	/* Days of uptime do not overflow the conversion. */
	fake_ns = T0 + 100000ull * NS_PER_S;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), (uint32_t)(100000ull * VPM_TMR_HZ));
}

static void test_timer_read_only_and_bytes(void)
{
	struct vpm p;

	setup(&p);
	fake_ns = tick_ns(0x12345678);
	CHECK_EQ(vpm_write(&p, VPM_PM_TMR_OFF, 4, 0), VPM_NONE);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0x12345678);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF + 1, 1), 0x56);
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF + 2, 2), 0x1234);
	/* A clock that reads before init (not expected) gives 0, not garbage. */
	fake_ns = T0 - 1;
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF, 4), 0);
}

/* ---- layout ---------------------------------------------------------------- */

static void test_block_layout(void)
{
	struct vpm p;

	setup(&p);
	vpm_write(&p, VPM_PM1_EN_OFF, 2, VPM_PWRBTN_EN);
	/* A dword read of the event block: STS low, EN high. */
	CHECK_EQ(vpm_read(&p, VPM_PM1_EVT_OFF, 4), (uint32_t)VPM_PWRBTN_EN << 16);
	CHECK_EQ(vpm_read(&p, 0x06, 2), 0xffff);                /* gap */
	CHECK_EQ(vpm_read(&p, VPM_NPORTS, 4), 0xffffffffu);      /* past the block */
	CHECK_EQ(vpm_read(&p, VPM_PM_TMR_OFF + 2, 4) >> 16, 0xffff);
	CHECK_EQ(vpm_write(&p, 0x06, 2, 0xffff), VPM_NONE);
	CHECK_EQ(vpm_write(&p, VPM_NPORTS, 4, 0xffffffffu), VPM_NONE);
	CHECK_EQ(vpm_read(&p, VPM_PM1_CNT_OFF, 2), VPM_SCI_EN);
}

int main(void)
{
	RUN(test_s5_powers_off);
	RUN(test_other_sleep_types);
	RUN(test_cnt_any_width);
	RUN(test_cnt_reads);
	RUN(test_en_register);
	RUN(test_sts_write_one_to_clear);
	RUN(test_sci_follows_enable);
	RUN(test_timer_rate);
	RUN(test_timer_wraps_at_32_bits);
	RUN(test_timer_read_only_and_bytes);
	RUN(test_block_layout);
	return check_summary();
}

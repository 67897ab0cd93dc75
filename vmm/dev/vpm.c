/*
 * ACPI PM1a event/control block and PM timer; see vpm.h.
 *
 * Register semantics are from ACPI 6.5, 4.8.3: status bits are cleared
 * by writing 1 to them, SLP_EN and GBL_RLS are write-only and read 0,
 * and TMR_STS is set whenever the timer's top bit (bit 31 with
 * TMR_VAL_EXT) changes.  Accesses are split into bytes so that every
 * width and alignment a guest might use behaves like one wide access.
 */
#include "vmm/dev/vpm.h"
#include "hv/string.h"

#define NS_PER_S 1000000000ull

/* Bits that hold state; the rest read 0 and ignore writes. */
#define STS_BITS (VPM_TMR_STS | VPM_BM_STS | VPM_GBL_STS | VPM_PWRBTN_STS | \
		  VPM_SLPBTN_STS | VPM_RTC_STS | VPM_PCIEXP_WAKE_STS | VPM_WAK_STS)
#define EN_BITS  (VPM_TMR_EN | VPM_GBL_EN | VPM_PWRBTN_EN | VPM_SLPBTN_EN | \
		  VPM_RTC_EN | VPM_PCIEXP_WAKE_DIS)
#define CNT_BITS (VPM_BM_RLD | VPM_SLP_TYP_MASK)
/* Status bits that raise an SCI when their enable bit is set (the
 * enable register's PCIEXP_WAKE_DIS bit has the opposite sense). */
#define SCI_BITS (VPM_TMR_STS | VPM_GBL_STS | VPM_PWRBTN_STS | \
		  VPM_SLPBTN_STS | VPM_RTC_STS)

#define TMR_TOP_SHIFT 31        /* the 32-bit counter's top bit */

/* Whole timer ticks in ns nanoseconds, split so that nothing overflows. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return (ns / NS_PER_S) * VPM_TMR_HZ + (ns % NS_PER_S) * VPM_TMR_HZ / NS_PER_S;
}

static uint64_t timer_ticks(const struct vpm *p)
{
	uint64_t now = p->now_ns(p->clock_ctx);

	return now < p->tmr_base_ns ? 0 : ns_to_ticks(now - p->tmr_base_ns);
}

/* Latch TMR_STS if the counter's top bit changed since we last looked. */
static void timer_update_sts(struct vpm *p, uint64_t ticks)
{
	uint64_t half = ticks >> TMR_TOP_SHIFT;

	if (half != p->tmr_half)
		p->sts |= VPM_TMR_STS;
	p->tmr_half = half;
}

void vpm_init(struct vpm *p, vpm_clock_fn now_ns, void *clock_ctx)
{
	memset(p, 0, sizeof(*p));
	p->now_ns = now_ns;
	p->clock_ctx = clock_ctx;
	p->tmr_base_ns = now_ns(clock_ctx);
}

/* The whole block as the guest would see it now, little-endian. */
static void snapshot(struct vpm *p, uint8_t img[VPM_NPORTS])
{
	uint64_t ticks = timer_ticks(p);
	uint16_t cnt = (uint16_t)(p->cnt | VPM_SCI_EN);
	uint32_t tmr = (uint32_t)ticks;

	timer_update_sts(p, ticks);
	img[VPM_PM1_STS_OFF] = (uint8_t)p->sts;
	img[VPM_PM1_STS_OFF + 1] = (uint8_t)(p->sts >> 8);
	img[VPM_PM1_EN_OFF] = (uint8_t)p->en;
	img[VPM_PM1_EN_OFF + 1] = (uint8_t)(p->en >> 8);
	img[VPM_PM1_CNT_OFF] = (uint8_t)cnt;
	img[VPM_PM1_CNT_OFF + 1] = (uint8_t)(cnt >> 8);
	img[VPM_PM1_CNT_OFF + 2] = 0xff;        /* nothing decodes 0x06-0x07 */
	img[VPM_PM1_CNT_OFF + 3] = 0xff;
	for (int i = 0; i < VPM_PM_TMR_LEN; i++)
		img[VPM_PM_TMR_OFF + i] = (uint8_t)(tmr >> (8 * i));
}

uint32_t vpm_read(struct vpm *p, uint16_t off, unsigned size)
{
	uint8_t img[VPM_NPORTS];
	uint32_t val = 0;

	snapshot(p, img);
	for (unsigned i = 0; i < size && i < 4; i++) {
		unsigned o = off + i;

		val |= (uint32_t)(o < VPM_NPORTS ? img[o] : 0xff) << (8 * i);
	}
	return val;
}

/* SLP_TYP and SLP_EN both live in PM1_CNT's high byte. */
static enum vpm_action write_cnt_high(struct vpm *p, uint8_t b)
{
	uint16_t v = (uint16_t)(b << 8);

	p->cnt = (uint16_t)((p->cnt & 0x00ff) | (v & CNT_BITS & 0xff00));
	if (!(v & VPM_SLP_EN))
		return VPM_NONE;
	if ((v & VPM_SLP_TYP_MASK) >> VPM_SLP_TYP_SHIFT == VPM_S5_SLP_TYP)
		return VPM_POWER_OFF;
	return VPM_SLEEP;
}

/* One byte of a write; shift says which half of a 16-bit register. */
static enum vpm_action write_byte(struct vpm *p, unsigned off, uint8_t b)
{
	unsigned shift = 8 * (off & 1);
	uint16_t v = (uint16_t)(b << shift), keep = (uint16_t)(0xff00 >> shift);

	switch (off & ~1u) {
	case VPM_PM1_STS_OFF:
		p->sts &= (uint16_t)~(v & STS_BITS);
		break;
	case VPM_PM1_EN_OFF:
		p->en = (uint16_t)((p->en & keep) | (v & EN_BITS));
		break;
	case VPM_PM1_CNT_OFF:
		if (shift)
			return write_cnt_high(p, b);
		p->cnt = (uint16_t)((p->cnt & keep) | (v & CNT_BITS));
		break;
	default:                /* gap and PM_TMR: read only */
		break;
	}
	return VPM_NONE;
}

enum vpm_action vpm_write(struct vpm *p, uint16_t off, unsigned size, uint32_t val)
{
	enum vpm_action act = VPM_NONE;

	/* Bring TMR_STS up to date first, so a write-1-to-clear of a
	 * rollover that already happened does clear it. */
	timer_update_sts(p, timer_ticks(p));
	for (unsigned i = 0; i < size && i < 4; i++) {
		enum vpm_action a = write_byte(p, off + i, (uint8_t)(val >> (8 * i)));

		if (a != VPM_NONE)
			act = a;
	}
	return act;
}

bool vpm_sci_pending(struct vpm *p)
{
	timer_update_sts(p, timer_ticks(p));
	return (p->sts & p->en & SCI_BITS) != 0;
}

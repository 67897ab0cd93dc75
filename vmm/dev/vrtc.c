/*
 * MC146818 RTC / CMOS emulation; see vrtc.h for the map and the model.
 *
 * Register bits after the Motorola MC146818A datasheet, "Registers":
 *   A: UIP(7) DV2-0(6-4) RS3-0(3-0)
 *   B: SET(7) PIE(6) AIE(5) UIE(4) SQWE(3) DM(2, 1 = binary)
 *      24/12(1, 1 = 24h) DSE(0)
 *   C: IRQF(7) PF(6) AF(5) UF(4), read-only, cleared by reading
 *   D: VRT(7) (RAM and time valid), read-only
 * In 12-hour mode the hour is 1-12 with bit 7 set for PM.
 */
#include "vmm/dev/vrtc.h"
#include "hv/string.h"

#define NS_PER_S     1000000000ull
#define SECS_PER_DAY 86400ull
#define EPOCH_YEAR   1900       /* 1900-01-01 was a Monday */
#define RTC_HZ       32768ull   /* time base for the periodic interrupt */

/* UIP goes up 244 us before an update and stays up for the update cycle,
 * 1984 us with a 32.768 kHz time base (datasheet, Table 6). */
#define UIP_BEFORE_NS 244000ull
#define UIP_DURING_NS 1984000ull

#define REG_A_DEFAULT 0x26      /* 32.768 kHz divider, 1024 Hz rate */
#define REG_B_DEFAULT VRTC_B_24H

/* ---- calendar ----------------------------------------------------------- */

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30,
					  31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && leap(y));
}

/* Seconds since 1900-01-01 00:00; out-of-range fields are clamped or
 * simply carried (day 31 of a 30-day month is the 1st of the next). */
static uint64_t to_secs(const struct vrtc_time *t)
{
	unsigned year = t->year < EPOCH_YEAR ? EPOCH_YEAR : t->year;
	unsigned month = t->month < 1 ? 1 : t->month > 12 ? 12 : t->month;
	uint64_t days = 0;

	for (unsigned y = EPOCH_YEAR; y < year; y++)
		days += 365 + leap(y);
	for (unsigned m = 1; m < month; m++)
		days += month_days(year, m);
	days += t->day ? t->day - 1u : 0;
	return days * SECS_PER_DAY + t->hour * 3600ull + t->min * 60ull + t->sec;
}

static struct vrtc_time from_secs(uint64_t s)
{
	struct vrtc_time t;
	uint64_t days = s / SECS_PER_DAY;
	uint32_t rem = (uint32_t)(s % SECS_PER_DAY);
	unsigned y = EPOCH_YEAR, m = 1;

	while (days >= 365u + leap(y))
		days -= 365u + leap(y++);
	while (days >= month_days(y, m))
		days -= month_days(y, m++);
	t.year = (uint16_t)y;
	t.month = (uint8_t)m;
	t.day = (uint8_t)(days + 1);
	t.hour = (uint8_t)(rem / 3600);
	t.min = (uint8_t)(rem / 60 % 60);
	t.sec = (uint8_t)(rem % 60);
	return t;
}

/* 1 = Sunday, as the PC BIOS uses register 6. */
static uint8_t weekday(const struct vrtc_time *t)
{
	uint64_t days = to_secs(t) / SECS_PER_DAY;

	return (uint8_t)((days + 1) % 7 + 1);
}

/* ---- the running clock --------------------------------------------------- */

static uint64_t now(const struct vrtc *r)
{
	return r->now_ns(r->clock_ctx);
}

/* Nanoseconds since base_ns; 0 if the clock reads earlier. */
static uint64_t elapsed(const struct vrtc *r, uint64_t t_ns)
{
	return t_ns > r->base_ns ? t_ns - r->base_ns : 0;
}

static uint64_t current_secs(const struct vrtc *r, uint64_t t_ns)
{
	int64_t s = (int64_t)(r->base_secs + elapsed(r, t_ns) / NS_PER_S)
		    + r->offset_s;

	return s < 0 ? 0 : (uint64_t)s;
}

static struct vrtc_time current(const struct vrtc *r, uint64_t t_ns)
{
	return r->held ? r->hold : from_secs(current_secs(r, t_ns));
}

static void set_time(struct vrtc *r, const struct vrtc_time *t, uint64_t t_ns)
{
	r->offset_s += (int64_t)to_secs(t) - (int64_t)current_secs(r, t_ns);
}

struct vrtc_time vrtc_now(struct vrtc *r)
{
	return current(r, now(r));
}

/* ---- register formats ---------------------------------------------------- */

static bool binary(const struct vrtc *r)
{
	return r->cmos[VRTC_REG_B] & VRTC_B_BINARY;
}

static uint8_t encode(const struct vrtc *r, unsigned v)
{
	return binary(r) ? (uint8_t)v : (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

static unsigned decode(const struct vrtc *r, uint8_t v)
{
	return binary(r) ? v : (v >> 4) * 10u + (v & 15u);
}

static uint8_t encode_hour(const struct vrtc *r, unsigned h)
{
	unsigned h12 = h % 12 ? h % 12 : 12;

	if (r->cmos[VRTC_REG_B] & VRTC_B_24H)
		return encode(r, h);
	return encode(r, h12) | (h >= 12 ? VRTC_HOUR_PM : 0);
}

static unsigned decode_hour(const struct vrtc *r, uint8_t v)
{
	if (r->cmos[VRTC_REG_B] & VRTC_B_24H)
		return decode(r, v);
	return decode(r, v & 0x7f) % 12 + ((v & VRTC_HOUR_PM) ? 12 : 0);
}

static uint8_t read_time_reg(const struct vrtc *r, uint8_t idx, uint64_t t_ns)
{
	struct vrtc_time t = current(r, t_ns);

	switch (idx) {
	case VRTC_SEC:     return encode(r, t.sec);
	case VRTC_MIN:     return encode(r, t.min);
	case VRTC_HOUR:    return encode_hour(r, t.hour);
	case VRTC_WEEKDAY: return encode(r, weekday(&t));
	case VRTC_DAY:     return encode(r, t.day);
	case VRTC_MONTH:   return encode(r, t.month);
	case VRTC_YEAR:    return encode(r, t.year % 100);
	default:           return encode(r, t.year / 100);  /* century */
	}
}

/* The weekday is derived from the date, so writes to it are dropped. */
static void write_time_reg(struct vrtc *r, uint8_t idx, uint8_t v,
			   uint64_t t_ns)
{
	struct vrtc_time t = current(r, t_ns);
	unsigned d = decode(r, v);

	switch (idx) {
	case VRTC_SEC:   t.sec = (uint8_t)d; break;
	case VRTC_MIN:   t.min = (uint8_t)d; break;
	case VRTC_HOUR:  t.hour = (uint8_t)decode_hour(r, v); break;
	case VRTC_DAY:   t.day = (uint8_t)d; break;
	case VRTC_MONTH: t.month = (uint8_t)d; break;
	case VRTC_YEAR:  t.year = (uint16_t)(t.year / 100 * 100 + d); break;
	case VRTC_CENTURY: t.year = (uint16_t)(d * 100 + t.year % 100); break;
	default:         return;
	}
	if (r->held)
		r->hold = t;
	else
		set_time(r, &t, t_ns);
}

static bool is_time_reg(uint8_t idx)
{
	return idx == VRTC_SEC || idx == VRTC_MIN || idx == VRTC_HOUR ||
	       (idx >= VRTC_WEEKDAY && idx <= VRTC_YEAR) || idx == VRTC_CENTURY;
}

/* ---- interrupt flags ----------------------------------------------------- */

static uint64_t ns_to_rtc_ticks(uint64_t ns)
{
	return (ns / NS_PER_S) * RTC_HZ + (ns % NS_PER_S) * RTC_HZ / NS_PER_S;
}

static uint64_t rtc_ticks_to_ns(uint64_t t)
{
	return (t / RTC_HZ) * NS_PER_S +
	       ((t % RTC_HZ) * NS_PER_S + RTC_HZ - 1) / RTC_HZ;
}

/* Periodic interrupt period in 32.768 kHz ticks from RS3-0; 0 = off.
 * Rates 1 and 2 are 256 and 128 Hz with this time base (datasheet
 * Table 5), the others 65536 >> RS Hz. */
static uint64_t periodic_ticks(const struct vrtc *r)
{
	unsigned rs = r->cmos[VRTC_REG_A] & 0x0f;

	if (rs == 0)
		return 0;
	if (rs <= 2)
		return 64ull << rs;
	return 1ull << (rs - 1);
}

/* An alarm byte with both top bits set matches anything. */
static bool alarm_field_matches(uint8_t alarm, uint8_t value)
{
	return (alarm & 0xc0) == 0xc0 || alarm == value;
}

static bool alarm_matches(const struct vrtc *r, uint64_t t_ns)
{
	return alarm_field_matches(r->cmos[VRTC_SEC_ALARM],
				   read_time_reg(r, VRTC_SEC, t_ns)) &&
	       alarm_field_matches(r->cmos[VRTC_MIN_ALARM],
				   read_time_reg(r, VRTC_MIN, t_ns)) &&
	       alarm_field_matches(r->cmos[VRTC_HOUR_ALARM],
				   read_time_reg(r, VRTC_HOUR, t_ns));
}

/* Raise the flags for every event between flags_ns and t_ns.  Flags are
 * set whether or not they are enabled (datasheet, register C). */
static void update_flags(struct vrtc *r, uint64_t t_ns)
{
	uint64_t e0 = elapsed(r, r->flags_ns), e1 = elapsed(r, t_ns);
	uint64_t period = periodic_ticks(r);

	if (t_ns <= r->flags_ns)
		return;
	if (!r->held && e1 / NS_PER_S > e0 / NS_PER_S) {
		r->flags |= VRTC_C_UF;
		if (alarm_matches(r, t_ns))
			r->flags |= VRTC_C_AF;
	}
	if (period &&
	    ns_to_rtc_ticks(e1) / period > ns_to_rtc_ticks(e0) / period)
		r->flags |= VRTC_C_PF;
	r->flags_ns = t_ns;
}

static uint8_t irq_bits(const struct vrtc *r)
{
	return r->flags & r->cmos[VRTC_REG_B] & (VRTC_C_PF | VRTC_C_AF | VRTC_C_UF);
}

bool vrtc_irq_pending(struct vrtc *r)
{
	update_flags(r, now(r));
	return irq_bits(r) != 0;
}

uint64_t vrtc_next_irq_ns(struct vrtc *r)
{
	uint64_t t_ns = now(r), e = elapsed(r, t_ns), next = VRTC_NO_IRQ;
	uint64_t period = periodic_ticks(r), cand;
	uint8_t en = r->cmos[VRTC_REG_B];

	if ((en & VRTC_B_PIE) && period) {
		cand = (ns_to_rtc_ticks(e) / period + 1) * period;
		next = r->base_ns + rtc_ticks_to_ns(cand);
	}
	if ((en & (VRTC_B_UIE | VRTC_B_AIE)) && !r->held) {
		cand = r->base_ns + (e / NS_PER_S + 1) * NS_PER_S;
		next = cand < next ? cand : next;
	}
	return next;
}

/* ---- status registers ---------------------------------------------------- */

static uint8_t read_reg_a(const struct vrtc *r, uint64_t t_ns)
{
	uint64_t frac = elapsed(r, t_ns) % NS_PER_S;
	bool uip = frac >= NS_PER_S - UIP_BEFORE_NS || frac < UIP_DURING_NS;

	if (r->held)
		uip = false;    /* SET inhibits updates and clears UIP */
	return (r->cmos[VRTC_REG_A] & 0x7f) | (uip ? VRTC_A_UIP : 0);
}

static uint8_t read_reg_c(struct vrtc *r, uint64_t t_ns)
{
	uint8_t v;

	update_flags(r, t_ns);
	v = r->flags | (irq_bits(r) ? VRTC_C_IRQF : 0);
	r->flags = 0;
	return v;
}

/* SET freezes the time registers for the guest to rewrite; clearing it
 * makes the written time current.  Setting SET also clears UIE. */
static void write_reg_b(struct vrtc *r, uint8_t v, uint64_t t_ns)
{
	uint8_t old = r->cmos[VRTC_REG_B];

	update_flags(r, t_ns);
	if ((v & VRTC_B_SET) && !(old & VRTC_B_SET)) {
		r->hold = current(r, t_ns);
		r->held = true;
		v &= (uint8_t)~VRTC_B_UIE;
	} else if (!(v & VRTC_B_SET) && (old & VRTC_B_SET)) {
		r->held = false;
		set_time(r, &r->hold, t_ns);
	}
	r->cmos[VRTC_REG_B] = v;
}

/* ---- ports --------------------------------------------------------------- */

static uint8_t read_data(struct vrtc *r)
{
	uint8_t idx = r->index;
	uint64_t t_ns = now(r);

	if (is_time_reg(idx))
		return read_time_reg(r, idx, t_ns);
	switch (idx) {
	case VRTC_REG_A: return read_reg_a(r, t_ns);
	case VRTC_REG_C: return read_reg_c(r, t_ns);
	case VRTC_REG_D: return VRTC_D_VRT;
	default:         return r->cmos[idx];
	}
}

static void write_data(struct vrtc *r, uint8_t v)
{
	uint8_t idx = r->index;
	uint64_t t_ns = now(r);

	if (is_time_reg(idx)) {
		write_time_reg(r, idx, v, t_ns);
		return;
	}
	switch (idx) {
	case VRTC_REG_A:
		update_flags(r, t_ns);
		r->cmos[idx] = v & 0x7f;
		break;
	case VRTC_REG_B:
		write_reg_b(r, v, t_ns);
		break;
	case VRTC_REG_C:
	case VRTC_REG_D:
		break;          /* read-only */
	default:
		r->cmos[idx] = v;
		break;
	}
}

static uint8_t read8(struct vrtc *r, uint16_t off)
{
	return off == 1 ? read_data(r) : 0xff;
}

static void write8(struct vrtc *r, uint16_t off, uint8_t v)
{
	if (off == 0)
		r->index = v & 0x7f;
	else if (off == 1)
		write_data(r, v);
}

uint8_t vrtc_read(struct vrtc *r, uint16_t port_offset)
{
	return read8(r, port_offset);
}

void vrtc_write(struct vrtc *r, uint16_t port_offset, uint8_t value)
{
	write8(r, port_offset, value);
}

/* ---- power-on contents --------------------------------------------------- */

static void put16(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint64_t cap(uint64_t v, uint64_t max)
{
	return v > max ? max : v;
}

/* The memory-size bytes a PC BIOS POST would have left (see vrtc.h). */
static void fill_memory_bytes(uint8_t *cmos, uint64_t below, uint64_t above)
{
	uint64_t ext_kib = below > (1ull << 20) ? (below - (1ull << 20)) >> 10 : 0;
	uint64_t hi_64k = below > (16ull << 20) ? (below - (16ull << 20)) >> 16 : 0;
	uint64_t top_64k = cap(above >> 16, 0xffffff);
	unsigned sum = 0;

	cmos[0x10] = 0x00;
	cmos[0x14] = 0x02;
	put16(&cmos[0x15], 640);
	put16(&cmos[0x17], cap(ext_kib, 0xffff));
	put16(&cmos[0x30], cap(ext_kib, 0xffff));
	put16(&cmos[0x34], cap(hi_64k, 0xffff));
	cmos[0x5b] = (uint8_t)top_64k;
	cmos[0x5c] = (uint8_t)(top_64k >> 8);
	cmos[0x5d] = (uint8_t)(top_64k >> 16);
	for (int i = 0x10; i <= 0x2d; i++)
		sum += cmos[i];
	cmos[0x2e] = (uint8_t)(sum >> 8);
	cmos[0x2f] = (uint8_t)sum;
}

void vrtc_init(struct vrtc *r, const struct vrtc_config *cfg)
{
	memset(r, 0, sizeof(*r));
	r->now_ns = cfg->now_ns;
	r->clock_ctx = cfg->clock_ctx;
	r->base_secs = to_secs(&cfg->base);
	r->base_ns = cfg->base_ns;
	r->flags_ns = now(r);
	r->cmos[VRTC_REG_A] = REG_A_DEFAULT;
	r->cmos[VRTC_REG_B] = REG_B_DEFAULT;
	fill_memory_bytes(r->cmos, cfg->ram_below_4g, cfg->ram_above_4g);
}

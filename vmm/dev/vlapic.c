/*
 * Local APIC emulation; see vlapic.h.
 *
 * Registers live as fields, not as a 4 KiB page: the xAPIC MMIO path and
 * the x2APIC MSR path both go through reg_read / reg_write, keyed by the
 * MMIO offset (x2APIC MSR n is offset (n - 0x800) << 4, 11.12.1.2).  The
 * two paths differ only in what the SDM says about them:
 *   xAPIC   reserved bits are ignored, writes to read-only registers
 *           dropped, unknown offsets flag "illegal register address";
 *   x2APIC  the same mistakes raise #GP (11.12.1.3), DFR, APR and ICR
 *           high do not exist, SELF IPI does.
 *
 * Timer (11.5.4): the count falls by one every `divide` bus clocks.  With
 * C counts loaded at TSC t0 the expiry is t0 + ceil(C * divide * tsc_hz /
 * bus_hz), and the current count is C minus the whole counts since t0.
 */
#include "vmm/dev/vlapic.h"
#include "hv/string.h"
#include "hv/types.h"

#define REG_SLOT_MASK   0xff0u
#define NR_VECTOR_WORDS 8

/* Writable bits, from each register's layout in 11.4-11.8. */
#define TPR_BITS        0xffu
#define SVR_BITS        0x3ffu          /* vector, APIC enable, focus check */
#define SVR_ENABLE      (1u << 8)
#define LDR_BITS        0xff000000u
#define DFR_BITS        0xf0000000u
#define DCR_BITS        0x0bu
#define ICR_LO_BITS     0x000ccfffu
#define ICR_HI_BITS     0xff000000u
#define LVT_STATUS_BITS ((1u << 12) | (1u << 14))  /* read-only, read as 0 */
#define LVT_DM_EXTINT   (7u << 8)
#define LVT_DM_NMI      (4u << 8)
#define LVT_TIMER_MODE  (3u << 17)

enum timer_mode { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };

static const uint32_t lvt_bits[VLAPIC_NR_LVT] = {
	[VLAPIC_LVT_TIMER]   = 0x300ff,  /* bit 18 added with TSC deadline */
	[VLAPIC_LVT_THERMAL] = 0x107ff,
	[VLAPIC_LVT_PERF]    = 0x107ff,
	[VLAPIC_LVT_LINT0]   = 0x1a7ff,
	[VLAPIC_LVT_LINT1]   = 0x1a7ff,
	[VLAPIC_LVT_ERROR]   = 0x100ff,
};

/* ---- 64x64/64 arithmetic without libgcc's 128-bit division ---- */

/* floor(a * b / c), saturating at UINT64_MAX. */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	unsigned __int128 p = (unsigned __int128)a * b;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p, q = 0;

	if (hi == 0)
		return lo / c;
	if (hi >= c)
		return UINT64_MAX;
	/* Long division, one bit of lo at a time; hi is the remainder. */
	for (int i = 63; i >= 0; i--) {
		bool carry = hi >> 63;

		hi = hi << 1 | ((lo >> i) & 1);
		q <<= 1;
		if (carry || hi >= c) {
			hi -= c;
			q |= 1;
		}
	}
	return q;
}

static uint64_t mul_div_ceil(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t q = mul_div(a, b, c);

	if (q != UINT64_MAX &&
	    (unsigned __int128)q * c != (unsigned __int128)a * b)
		q++;
	return q;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/* ---- state helpers ---- */

static bool hw_enabled(const struct vlapic *v)
{
	return v->base & VLAPIC_BASE_EN;
}

static bool x2apic_mode(const struct vlapic *v)
{
	return (v->base & VLAPIC_BASE_EXTD) && hw_enabled(v);
}

static bool sw_enabled(const struct vlapic *v)
{
	return v->svr & SVR_ENABLE;
}

static uint64_t now(const struct vlapic *v)
{
	return v->cfg.now_tsc(v->cfg.ctx);
}

static bool vec_test(const uint32_t *r, unsigned vec)
{
	return r[vec / 32] >> (vec % 32) & 1;
}

static void vec_set(uint32_t *r, unsigned vec, bool on)
{
	if (on)
		r[vec / 32] |= 1u << (vec % 32);
	else
		r[vec / 32] &= ~(1u << (vec % 32));
}

/* The highest vector set in r, or -1. */
static int vec_highest(const uint32_t *r)
{
	for (int w = NR_VECTOR_WORDS - 1; w >= 0; w--)
		if (r[w])
			return w * 32 + 31 - __builtin_clz(r[w]);
	return -1;
}

/* x2APIC logical ID (11.12.10.2): cluster in 31:16, one bit per member. */
static uint32_t x2apic_ldr(uint32_t id)
{
	return (id >> 4) << 16 | 1u << (id & 0xf);
}

/* Registers as after RESET or INIT (11.4.7.1); base MSR and ID untouched. */
static void reset_registers(struct vlapic *v)
{
	v->tpr = 0;
	v->ldr = x2apic_mode(v) ? x2apic_ldr(v->cfg.apic_id) : 0;
	v->dfr = 0xffffffffu;
	v->svr = 0xff;
	v->esr = v->esr_pending = 0;
	v->icr_low = v->icr_high = 0;
	for (int i = 0; i < VLAPIC_NR_LVT; i++)
		v->lvt[i] = VLAPIC_LVT_MASKED;
	memset(v->irr, 0, sizeof(v->irr));
	memset(v->isr, 0, sizeof(v->isr));
	memset(v->tmr, 0, sizeof(v->tmr));
	v->timer_initial = v->timer_dcr = 0;
	v->timer_start = v->timer_count = 0;
	v->timer_deadline = VLAPIC_NO_DEADLINE;
	v->tsc_deadline = 0;
}

void vlapic_init(struct vlapic *v, const struct vlapic_config *cfg)
{
	memset(v, 0, sizeof(*v));
	v->cfg = *cfg;
	if (!v->cfg.phys_bits)
		v->cfg.phys_bits = 36;
	v->base = VLAPIC_BASE_ADDR | VLAPIC_BASE_EN |
		  (cfg->bsp ? VLAPIC_BASE_BSP : 0);
	reset_registers(v);
}

void vlapic_init_reset(struct vlapic *v)
{
	reset_registers(v);
}

void vlapic_setup_virtual_wire(struct vlapic *v)
{
	v->svr = SVR_ENABLE | 0xff;
	v->lvt[VLAPIC_LVT_LINT0] = LVT_DM_EXTINT;
	v->lvt[VLAPIC_LVT_LINT1] = LVT_DM_NMI;
}

/* ---- priorities and delivery (11.8) ---- */

static uint32_t ppr(const struct vlapic *v)
{
	int isrv = vec_highest(v->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (v->tpr & 0xf0) >= isr_class ? v->tpr : isr_class;
}

/* Arbitration priority (11.6.2.4); only meaningful on old buses. */
static uint32_t apr(const struct vlapic *v)
{
	int irrv = vec_highest(v->irr), isrv = vec_highest(v->isr);
	uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0;
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
	uint32_t tpr_class = v->tpr & 0xf0;

	if (tpr_class >= irr_class && tpr_class > isr_class)
		return v->tpr;
	return MAX(tpr_class & isr_class, irr_class);
}

static void raise_error(struct vlapic *v, uint32_t esr_bit);

void vlapic_accept_irq(struct vlapic *v, uint8_t vector, bool level)
{
	if (!hw_enabled(v) || !sw_enabled(v))
		return;
	if (vector < 16) {      /* 0-15 are reserved for exceptions (11.5.3) */
		raise_error(v, VLAPIC_ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(v->irr, vector, true);
	vec_set(v->tmr, vector, level);
}

/* Errors set ESR bits and, if the LVT error entry lets them, interrupt. */
static void raise_error(struct vlapic *v, uint32_t esr_bit)
{
	uint32_t lvt = v->lvt[VLAPIC_LVT_ERROR];

	v->esr_pending |= esr_bit;
	if (!(lvt & VLAPIC_LVT_MASKED) && (lvt & 0xff) >= 16)
		vlapic_accept_irq(v, (uint8_t)lvt, false);
}

int vlapic_pending_vector(const struct vlapic *v)
{
	int irrv = vec_highest(v->irr);

	if (!hw_enabled(v) || !sw_enabled(v) || irrv < 0)
		return -1;
	if (((uint32_t)irrv & 0xf0) <= (ppr(v) & 0xf0))
		return -1;
	return irrv;
}

void vlapic_ack(struct vlapic *v, int vector)
{
	if (vector < 16 || vector > 255 || !vec_test(v->irr, (unsigned)vector))
		return;
	vec_set(v->irr, (unsigned)vector, false);
	vec_set(v->isr, (unsigned)vector, true);
}

static void eoi(struct vlapic *v)
{
	int isrv = vec_highest(v->isr);

	if (isrv < 0)
		return;
	vec_set(v->isr, (unsigned)isrv, false);
	if (vec_test(v->tmr, (unsigned)isrv) && v->cfg.eoi)
		v->cfg.eoi(v->cfg.ctx, (uint8_t)isrv);
}

bool vlapic_accepts_pic(const struct vlapic *v)
{
	uint32_t lint0 = v->lvt[VLAPIC_LVT_LINT0];

	if (!hw_enabled(v))
		return true;
	return !(lint0 & VLAPIC_LVT_MASKED) && (lint0 & 0x700) == LVT_DM_EXTINT;
}

uint64_t vlapic_get_cr8(const struct vlapic *v)
{
	return v->tpr >> 4;
}

void vlapic_set_cr8(struct vlapic *v, uint64_t cr8)
{
	v->tpr = (uint32_t)(cr8 & 0xf) << 4;
}

/* ---- timer (11.5.4) ---- */

static enum timer_mode timer_mode(const struct vlapic *v)
{
	uint32_t mode = (v->lvt[VLAPIC_LVT_TIMER] & LVT_TIMER_MODE) >> 17;

	if (mode == 1)
		return TIMER_PERIODIC;
	if (mode == 2)
		return TIMER_TSC_DEADLINE;
	return TIMER_ONESHOT;   /* mode 3 is reserved: behave as one-shot */
}

/* Figure 11-10: DCR bits 3,1:0 = 0..6 divide by 2^(n+1), 7 by 1. */
static uint64_t timer_divide(const struct vlapic *v)
{
	uint32_t n = (v->timer_dcr & 3) | (v->timer_dcr >> 1 & 4);

	return 1ull << ((n + 1) & 7);
}

static uint64_t counts_to_ticks(const struct vlapic *v, uint64_t counts)
{
	return mul_div_ceil(counts * timer_divide(v), v->cfg.tsc_hz,
			    v->cfg.bus_hz);
}

static uint64_t ticks_to_counts(const struct vlapic *v, uint64_t ticks)
{
	return mul_div(ticks, v->cfg.bus_hz, v->cfg.tsc_hz * timer_divide(v));
}

/* Start counting down from count at TSC t0; 0 stops the timer. */
static void timer_load(struct vlapic *v, uint64_t t0, uint64_t count)
{
	v->timer_start = t0;
	v->timer_count = count;
	v->timer_deadline = count ? sat_add(t0, counts_to_ticks(v, count))
				  : VLAPIC_NO_DEADLINE;
}

static void timer_disarm(struct vlapic *v)
{
	v->timer_initial = 0;
	v->tsc_deadline = 0;
	timer_load(v, 0, 0);
}

static uint32_t timer_current(const struct vlapic *v)
{
	uint64_t t, done;

	if (timer_mode(v) == TIMER_TSC_DEADLINE ||
	    v->timer_deadline == VLAPIC_NO_DEADLINE)
		return 0;
	/* modulo 2^64: a guest that set its TSC back may have started the
	 * count "before 0" (vlapic_tsc_moved) */
	t = now(v) - v->timer_start;
	done = (int64_t)t < 0 ? 0 : ticks_to_counts(v, t);
	if (done < v->timer_count)
		return (uint32_t)(v->timer_count - done);
	/* Expired, vlapic_tick() not called yet. */
	if (timer_mode(v) == TIMER_PERIODIC)
		return v->timer_initial -
		       (uint32_t)((done - v->timer_count) % v->timer_initial);
	return 0;
}

uint64_t vlapic_timer_deadline(const struct vlapic *v)
{
	return v->timer_deadline;
}

/* Periodic: the next period starts at the last grid point <= t_now. */
static void timer_reload(struct vlapic *v, uint64_t t_now)
{
	uint64_t period = counts_to_ticks(v, v->timer_initial);
	uint64_t missed = (t_now - v->timer_deadline) / period;

	timer_load(v, v->timer_deadline + missed * period, v->timer_initial);
}

void vlapic_tick(struct vlapic *v, uint64_t now_tsc)
{
	uint32_t lvt = v->lvt[VLAPIC_LVT_TIMER];

	if (v->timer_deadline == VLAPIC_NO_DEADLINE ||
	    now_tsc < v->timer_deadline)
		return;
	switch (timer_mode(v)) {
	case TIMER_PERIODIC:
		timer_reload(v, now_tsc);
		break;
	case TIMER_TSC_DEADLINE:
		v->tsc_deadline = 0;
		/* fall through */
	default:
		v->timer_deadline = VLAPIC_NO_DEADLINE;
	}
	if (!(lvt & VLAPIC_LVT_MASKED))
		vlapic_accept_irq(v, (uint8_t)lvt, false);
}

/* A count runs on the bus clock, which did not jump: its start and
 * expiry, kept in TSC ticks, move with the TSC. */
void vlapic_tsc_moved(struct vlapic *v, uint64_t delta)
{
	if (timer_mode(v) == TIMER_TSC_DEADLINE || v->timer_deadline == VLAPIC_NO_DEADLINE)
		return;
	v->timer_start += delta;
	v->timer_deadline += delta;
}

static void write_initial_count(struct vlapic *v, uint32_t val)
{
	/* 11.5.4.1: ignored in TSC-deadline mode */
	if (timer_mode(v) == TIMER_TSC_DEADLINE)
		return;
	v->timer_initial = val;
	timer_load(v, now(v), val);
}

/* A new divider applies to what is left of the running count. */
static void write_divide(struct vlapic *v, uint32_t val)
{
	uint64_t t = now(v);
	uint32_t left;

	vlapic_tick(v, t);
	left = timer_current(v);
	v->timer_dcr = val & DCR_BITS;
	if (left)
		timer_load(v, t, left);
}

static int write_tsc_deadline(struct vlapic *v, uint64_t val)
{
	if (!v->cfg.tsc_deadline)
		return -1;
	/* 11.5.4.1: writes are ignored outside TSC-deadline mode */
	if (!hw_enabled(v) || timer_mode(v) != TIMER_TSC_DEADLINE)
		return 0;
	v->tsc_deadline = val;
	v->timer_deadline = val ? val : VLAPIC_NO_DEADLINE;
	return 0;
}

static int read_tsc_deadline(const struct vlapic *v, uint64_t *val)
{
	if (!v->cfg.tsc_deadline)
		return -1;
	*val = hw_enabled(v) && timer_mode(v) == TIMER_TSC_DEADLINE
	       ? v->tsc_deadline : 0;
	return 0;
}

/* ---- IPIs (11.6) ---- */

static bool fixed_like(uint32_t icr_low)
{
	uint32_t dm = VLAPIC_ICR_DELIVERY(icr_low);

	return dm == VLAPIC_DM_FIXED || dm == VLAPIC_DM_LOWEST;
}

static bool is_broadcast(const struct vlapic *v, uint32_t dest)
{
	return x2apic_mode(v) ? dest == 0xffffffffu : (dest & 0xff) == 0xff;
}

/* Logical destinations (11.6.2.2, 11.12.10.2). */
static bool logical_match(const struct vlapic *v, uint32_t dest)
{
	uint32_t d = dest & 0xff, l = v->ldr >> 24;

	if (x2apic_mode(v))
		return (dest >> 16) == (v->ldr >> 16) && (dest & v->ldr & 0xffff);
	if ((v->dfr >> 28) == 0xf)              /* flat model */
		return d & l;
	return (d >> 4) == (l >> 4) && (d & l & 0xf);  /* cluster model */
}

static bool dest_matches(const struct vlapic *v, uint32_t dest, bool logical)
{
	if (is_broadcast(v, dest))
		return true;
	if (logical)
		return logical_match(v, dest);
	if (x2apic_mode(v))
		return dest == v->cfg.apic_id;
	return (dest & 0xff) == (v->cfg.apic_id & 0xff);
}

/* Is v among the targets, ignoring who already took its share? */
static bool targeted(const struct vlapic *v, uint32_t dest, uint32_t lo,
		     bool is_sender)
{
	switch (lo & VLAPIC_ICR_SH_OTHERS) {
	case VLAPIC_ICR_SH_SELF:   return is_sender;
	case VLAPIC_ICR_SH_ALL:    return true;
	case VLAPIC_ICR_SH_OTHERS: return !is_sender;
	default: return dest_matches(v, dest, lo & VLAPIC_ICR_LOGICAL);
	}
}

bool vlapic_ipi_is_for(const struct vlapic *v, uint32_t dest,
		       uint32_t icr_low, bool is_sender)
{
	/* The sender accepted a fixed IPI itself before the callback. */
	if (is_sender && fixed_like(icr_low))
		return false;
	return hw_enabled(v) && targeted(v, dest, icr_low, is_sender);
}

int vlapic_ipi_accept(struct vlapic *v, uint32_t icr_low)
{
	if (fixed_like(icr_low))
		vlapic_accept_irq(v, (uint8_t)icr_low,
				  icr_low & VLAPIC_ICR_TRIGGER_LEVEL);
	return (int)VLAPIC_ICR_DELIVERY(icr_low);
}

/* Does a fixed/lowest-priority IPI that includes the sender stop there? */
static bool only_self(const struct vlapic *v, uint32_t dest, uint32_t lo)
{
	uint32_t sh = lo & VLAPIC_ICR_SH_OTHERS;

	if (sh == VLAPIC_ICR_SH_SELF)
		return true;
	if (sh != 0)
		return false;
	if (VLAPIC_ICR_DELIVERY(lo) == VLAPIC_DM_LOWEST)
		return true;    /* the sender wins the arbitration */
	return !(lo & VLAPIC_ICR_LOGICAL) && !is_broadcast(v, dest);
}

static void send_ipi(struct vlapic *v, uint32_t dest, uint32_t lo)
{
	if (fixed_like(lo)) {
		if ((lo & 0xff) < 16) {
			raise_error(v, VLAPIC_ESR_SEND_ILLEGAL);
			return;
		}
		if (targeted(v, dest, lo, true)) {
			vlapic_ipi_accept(v, lo);
			if (only_self(v, dest, lo))
				return;
		}
	}
	if (v->cfg.ipi)
		v->cfg.ipi(v->cfg.ctx, dest, lo);
}

/* ---- registers (Table 11-1, Table 11-6) ---- */

static bool in_range(uint32_t off, uint32_t first)
{
	return off >= first && off < first + 0x80;
}

static bool lvt_index(uint32_t off, unsigned *idx)
{
	if (off < VLAPIC_REG_LVT_TIMER || off > VLAPIC_REG_LVT_ERROR)
		return false;
	*idx = (off - VLAPIC_REG_LVT_TIMER) >> 4;
	return true;
}

/* Reads that differ between the modes or do not exist in one of them. */
static int read_mode_specific(const struct vlapic *v, uint32_t off,
			      uint32_t *val)
{
	bool x2 = x2apic_mode(v);

	switch (off) {
	case VLAPIC_REG_ID:
		*val = x2 ? v->cfg.apic_id : v->cfg.apic_id << 24;
		return 0;
	case VLAPIC_REG_APR:    *val = apr(v); return x2 ? -1 : 0;
	case VLAPIC_REG_EOI:    *val = 0;      return x2 ? -1 : 0;
	case VLAPIC_REG_DFR:    *val = v->dfr; return x2 ? -1 : 0;
	case VLAPIC_REG_ICR_HI: *val = v->icr_high; return x2 ? -1 : 0;
	default:
		return -1;
	}
}

/* 0 and *val, or -1: no such readable register in this mode. */
static int reg_read(const struct vlapic *v, uint32_t off, uint32_t *val)
{
	unsigned i;

	if (in_range(off, VLAPIC_REG_ISR) || in_range(off, VLAPIC_REG_TMR) ||
	    in_range(off, VLAPIC_REG_IRR)) {
		const uint32_t *r = off < VLAPIC_REG_TMR ? v->isr :
				    off < VLAPIC_REG_IRR ? v->tmr : v->irr;
		*val = r[(off & 0x70) >> 4];
		return 0;
	}
	if (lvt_index(off, &i)) {
		*val = v->lvt[i];
		return 0;
	}
	switch (off) {
	case VLAPIC_REG_VERSION:   *val = VLAPIC_VERSION; return 0;
	case VLAPIC_REG_TPR:       *val = v->tpr; return 0;
	case VLAPIC_REG_PPR:       *val = ppr(v); return 0;
	case VLAPIC_REG_LDR:       *val = v->ldr; return 0;
	case VLAPIC_REG_SVR:       *val = v->svr; return 0;
	case VLAPIC_REG_ESR:       *val = v->esr; return 0;
	case VLAPIC_REG_ICR_LO:    *val = v->icr_low; return 0;
	case VLAPIC_REG_TIMER_ICR: *val = v->timer_initial; return 0;
	case VLAPIC_REG_TIMER_CCR: *val = timer_current(v); return 0;
	case VLAPIC_REG_TIMER_DCR: *val = v->timer_dcr; return 0;
	default:
		return read_mode_specific(v, off, val);
	}
}

/* x2APIC: reserved bits set is #GP (11.12.1.3); xAPIC drops them. */
static bool bad_bits(const struct vlapic *v, uint64_t val, uint64_t allowed)
{
	return x2apic_mode(v) && (val & ~allowed);
}

static int write_lvt(struct vlapic *v, unsigned idx, uint32_t val)
{
	uint32_t allowed = lvt_bits[idx];

	if (idx == VLAPIC_LVT_TIMER && v->cfg.tsc_deadline)
		allowed |= 1u << 18;
	if (bad_bits(v, val, allowed | LVT_STATUS_BITS))
		return -1;
	val &= allowed;
	/* 11.4.7.2: software-disabled keeps every LVT entry masked */
	if (!sw_enabled(v))
		val |= VLAPIC_LVT_MASKED;
	/* 11.5.4.1: a write that changes the timer mode disarms the timer */
	if (idx == VLAPIC_LVT_TIMER &&
	    ((val ^ v->lvt[idx]) & LVT_TIMER_MODE))
		timer_disarm(v);
	v->lvt[idx] = val;
	return 0;
}

static void write_svr(struct vlapic *v, uint32_t val)
{
	v->svr = val & SVR_BITS;
	if (!sw_enabled(v))
		for (int i = 0; i < VLAPIC_NR_LVT; i++)
			v->lvt[i] |= VLAPIC_LVT_MASKED;
}

/* xAPIC ICR low or SELF IPI: the write sends. */
static void write_icr_low(struct vlapic *v, uint32_t val)
{
	v->icr_low = val & ICR_LO_BITS;
	send_ipi(v, v->icr_high >> 24, v->icr_low);
}

/* Registers that exist in xAPIC mode only. */
static int write_xapic_only(struct vlapic *v, uint32_t off, uint32_t val)
{
	if (x2apic_mode(v))
		return -1;
	switch (off) {
	case VLAPIC_REG_LDR:    v->ldr = val & LDR_BITS; return 0;
	case VLAPIC_REG_DFR:    v->dfr = val | ~DFR_BITS; return 0;
	case VLAPIC_REG_ICR_HI: v->icr_high = val & ICR_HI_BITS; return 0;
	case VLAPIC_REG_ICR_LO: write_icr_low(v, val); return 0;
	default:                return 0;   /* read-only: ignored */
	}
}

/* Registers written the same way in both modes, bar reserved bits. */
static int write_common(struct vlapic *v, uint32_t off, uint32_t val)
{
	switch (off) {
	case VLAPIC_REG_TPR:
		if (bad_bits(v, val, TPR_BITS))
			return -1;
		v->tpr = val & TPR_BITS;
		return 0;
	case VLAPIC_REG_SVR:
		if (bad_bits(v, val, SVR_BITS))
			return -1;
		write_svr(v, val);
		return 0;
	case VLAPIC_REG_EOI:
		if (bad_bits(v, val, 0))
			return -1;
		eoi(v);
		return 0;
	case VLAPIC_REG_ESR:    /* the write latches the errors seen since */
		if (bad_bits(v, val, 0))
			return -1;
		v->esr = v->esr_pending;
		v->esr_pending = 0;
		return 0;
	case VLAPIC_REG_TIMER_ICR:
		write_initial_count(v, val);
		return 0;
	case VLAPIC_REG_TIMER_DCR:
		if (bad_bits(v, val, DCR_BITS))
			return -1;
		write_divide(v, val);
		return 0;
	default:
		return 1;
	}
}

static bool read_only(uint32_t off)
{
	return off == VLAPIC_REG_ID || off == VLAPIC_REG_VERSION ||
	       off == VLAPIC_REG_APR || off == VLAPIC_REG_PPR ||
	       off == VLAPIC_REG_LDR || off == VLAPIC_REG_DFR ||
	       off == VLAPIC_REG_ICR_LO || off == VLAPIC_REG_ICR_HI ||
	       off == VLAPIC_REG_TIMER_CCR ||
	       in_range(off, VLAPIC_REG_ISR) || in_range(off, VLAPIC_REG_TMR) ||
	       in_range(off, VLAPIC_REG_IRR);
}

/* 0, or -1: #GP in x2APIC mode, "illegal register address" in xAPIC. */
static int reg_write(struct vlapic *v, uint32_t off, uint32_t val)
{
	unsigned i;
	int r;

	if (lvt_index(off, &i))
		return write_lvt(v, i, val);
	r = write_common(v, off, val);
	if (r <= 0)
		return r;
	if (off == VLAPIC_REG_SELF_IPI) {
		if (!x2apic_mode(v) || bad_bits(v, val, 0xff))
			return -1;
		send_ipi(v, 0, VLAPIC_ICR_SH_SELF | (val & 0xff));
		return 0;
	}
	if (read_only(off))
		return write_xapic_only(v, off, val);
	return -1;
}

/* ---- the two access paths ---- */

bool vlapic_mmio_enabled(const struct vlapic *v)
{
	return hw_enabled(v) && !x2apic_mode(v);
}

gpa_t vlapic_mmio_base(const struct vlapic *v)
{
	return GPA(v->base & ~0xfffull & ((1ull << v->cfg.phys_bits) - 1));
}

uint32_t vlapic_mmio_read(struct vlapic *v, uint32_t offset)
{
	uint32_t val = 0;

	/* Bytes 4-15 of each 16-byte slot are reserved: read as 0. */
	if (!vlapic_mmio_enabled(v) || offset >= 0x400 || (offset & 0xf))
		return 0;
	if (reg_read(v, offset, &val) < 0) {
		raise_error(v, VLAPIC_ESR_ILLEGAL_REG);
		return 0;
	}
	return val;
}

void vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t val)
{
	if (!vlapic_mmio_enabled(v) || offset >= 0x400 || (offset & 0xf))
		return;
	if (reg_write(v, offset, val) < 0)
		raise_error(v, VLAPIC_ESR_ILLEGAL_REG);
}

bool vlapic_owns_msr(uint32_t msr)
{
	return msr == MSR_IA32_APIC_BASE || msr == MSR_IA32_TSC_DEADLINE ||
	       (msr >= MSR_IA32_X2APIC_FIRST && msr <= MSR_IA32_X2APIC_LAST);
}

static uint32_t msr_offset(uint32_t msr)
{
	return (msr - MSR_IA32_X2APIC_FIRST) << 4;
}

int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val)
{
	uint32_t r;

	*val = 0;
	if (msr == MSR_IA32_APIC_BASE) {
		*val = v->base;
		return 0;
	}
	if (msr == MSR_IA32_TSC_DEADLINE)
		return read_tsc_deadline(v, val);
	if (!vlapic_owns_msr(msr) || !x2apic_mode(v))
		return -1;
	if (msr == MSR_IA32_X2APIC_ICR) {
		*val = (uint64_t)v->icr_high << 32 | v->icr_low;
		return 0;
	}
	if (reg_read(v, msr_offset(msr), &r) < 0)
		return -1;
	*val = r;
	return 0;
}

/* x2APIC ICR: one 64-bit write, destination in bits 63:32. */
static int write_x2apic_icr(struct vlapic *v, uint64_t val)
{
	if (bad_bits(v, (uint32_t)val, ICR_LO_BITS | (1u << 12)))
		return -1;
	v->icr_high = (uint32_t)(val >> 32);
	v->icr_low = (uint32_t)val & ICR_LO_BITS;
	send_ipi(v, v->icr_high, v->icr_low);
	return 0;
}

int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val)
{
	if (msr == MSR_IA32_APIC_BASE)
		return vlapic_set_base(v, val);
	if (msr == MSR_IA32_TSC_DEADLINE)
		return write_tsc_deadline(v, val);
	if (!vlapic_owns_msr(msr) || !x2apic_mode(v))
		return -1;
	if (msr == MSR_IA32_X2APIC_ICR)
		return write_x2apic_icr(v, val);
	if (val >> 32)          /* upper halves are reserved (11.12.1.2) */
		return -1;
	return reg_write(v, msr_offset(msr), (uint32_t)val);
}

/* ---- IA32_APIC_BASE (11.4.4, 11.12.5) ---- */

uint64_t vlapic_get_base(const struct vlapic *v)
{
	return v->base;
}

static bool base_reserved(const struct vlapic *v, uint64_t val)
{
	uint64_t ok = ((1ull << v->cfg.phys_bits) - 1) & ~0xfffull;

	ok |= VLAPIC_BASE_BSP | VLAPIC_BASE_EN;
	if (v->cfg.x2apic)
		ok |= VLAPIC_BASE_EXTD;
	return val & ~ok;
}

/*
 *   disabled --EN--> xAPIC --EXTD--> x2APIC --clear both--> disabled
 * Anything else (x2APIC -> xAPIC, disabled -> x2APIC, EXTD without EN)
 * is an illegal transition and faults.
 */
static bool transition_ok(const struct vlapic *v, uint64_t val)
{
	bool en = val & VLAPIC_BASE_EN, extd = val & VLAPIC_BASE_EXTD;

	if (extd && !en)
		return false;
	if (x2apic_mode(v))
		return extd || !en;
	if (!hw_enabled(v))
		return !extd;
	return true;
}

int vlapic_set_base(struct vlapic *v, uint64_t val)
{
	bool was_enabled = hw_enabled(v), was_x2 = x2apic_mode(v);

	if (base_reserved(v, val) || !transition_ok(v, val))
		return -1;
	/* BSP is decided by the partition, not by the guest. */
	v->base = (val & ~VLAPIC_BASE_BSP) |
		  (v->cfg.bsp ? VLAPIC_BASE_BSP : 0);
	if (was_enabled && !hw_enabled(v))
		reset_registers(v);
	else if (!was_x2 && x2apic_mode(v))
		v->ldr = x2apic_ldr(v->cfg.apic_id);
	return 0;
}

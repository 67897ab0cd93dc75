/*
 * 8254 PIT emulation; see vpit.h.
 *
 * Mode behaviour follows the Intel 8254 datasheet (order no. 231164),
 * "Mode Definitions".  With N the initial count and t the clock ticks
 * counted since it was loaded:
 *   mode 0  OUT low, goes high at t = N and stays high (one IRQ)
 *   mode 1  like mode 0 but started by a gate rising edge, OUT low meanwhile
 *   mode 2  OUT low for one tick when the count is 1, period N
 *   mode 3  square wave: high for ceil(N/2) ticks, low for floor(N/2)
 *   mode 4  OUT high, low for one tick at t = N
 *   mode 5  like mode 4 but started by a gate rising edge
 */
#include "vmm/dev/vpit.h"
#include "hv/string.h"

#define NS_PER_S      1000000000ull
#define REFRESH_NS    15085ull  /* channel 1 count 18: one DRAM refresh */
#define NO_TICK       UINT64_MAX

enum { PORT_CH0 = 0, PORT_CH2 = 2, PORT_CTRL = 3 };

/* Whole ticks in ns nanoseconds, split so that nothing overflows. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return (ns / NS_PER_S) * VPIT_HZ + (ns % NS_PER_S) * VPIT_HZ / NS_PER_S;
}

/* The first nanosecond by which t ticks have elapsed (ceiling). */
static uint64_t ticks_to_ns(uint64_t t)
{
	uint64_t rem = t % VPIT_HZ;

	return (t / VPIT_HZ) * NS_PER_S + (rem * NS_PER_S + VPIT_HZ - 1) / VPIT_HZ;
}

static uint64_t now(const struct vpit *p)
{
	return p->now_ns(p->clock_ctx);
}

void vpit_init(struct vpit *p, vpit_clock_fn now_ns, void *clock_ctx)
{
	memset(p, 0, sizeof(*p));
	p->now_ns = now_ns;
	p->clock_ctx = clock_ctx;
	for (int i = 0; i < 3; i++) {
		p->ch[i].access = 3;
		p->ch[i].reload = 65536;
		p->ch[i].gate = i != 2;  /* channel 2's gate is port 0x61 bit 0 */
		p->ch[i].irq_next_tick = NO_TICK;
	}
}

static uint64_t ticks(const struct vpit_channel *c, uint64_t t_ns)
{
	if (!c->running || t_ns < c->start_ns)
		return c->ticks_base;
	return c->ticks_base + ns_to_ticks(t_ns - c->start_ns);
}

static bool gate_triggered(uint8_t mode)
{
	return mode == 1 || mode == 5;
}

static void set_running(struct vpit_channel *c, uint64_t t_ns, bool run)
{
	if (run && !c->running)
		c->start_ns = t_ns;
	else if (!run && c->running)
		c->ticks_base = ticks(c, t_ns);
	c->running = run;
}

static uint32_t modulus(const struct vpit_channel *c)
{
	return c->bcd ? 10000 : 65536;
}

static uint32_t bcd_to_bin(uint16_t v)
{
	return (v >> 12) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10
	       + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
	return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
			  (v / 10 % 10) << 4 | (v % 10));
}

static bool out_running(const struct vpit_channel *c, uint64_t t)
{
	uint32_t n = c->reload;

	switch (c->mode) {
	case 0:
	case 1:  return t >= n;
	case 2:  return !(n > 1 && t % n == n - 1);
	case 3:  return t % n < (n + 1) / 2;
	default: return t != n;     /* modes 4 and 5 */
	}
}

/* The level of OUT at time t_ns. */
static bool out_level(const struct vpit_channel *c, uint64_t t_ns)
{
	if (!c->loaded)
		return c->mode != 0;
	if (gate_triggered(c->mode) && !c->triggered)
		return true;
	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true;
	return out_running(c, ticks(c, t_ns));
}

/* The counting element as the guest would read it (binary value). */
static uint32_t count_value(const struct vpit_channel *c, uint64_t t_ns)
{
	uint32_t n = c->reload, m = modulus(c), q;
	uint64_t t = ticks(c, t_ns);

	if (!c->loaded || (gate_triggered(c->mode) && !c->triggered))
		return n % m;
	switch (c->mode) {
	case 2:
		return (n - (uint32_t)(t % n)) % m;
	case 3:
		q = (uint32_t)(t % n);
		if (q >= (n + 1) / 2)
			q -= (n + 1) / 2;
		return ((n & ~1u) - 2 * q) % m;
	default:
		return (n % m + m - (uint32_t)(t % m)) % m;
	}
}

static uint16_t encoded_count(const struct vpit_channel *c, uint64_t t_ns)
{
	uint32_t v = count_value(c, t_ns);

	return c->bcd ? bin_to_bcd(v) : (uint16_t)v;
}

/* Status byte for read-back: OUT, null count, then the control bits. */
static uint8_t status_byte(const struct vpit_channel *c, uint64_t t_ns)
{
	return (uint8_t)((out_level(c, t_ns) ? 0x80 : 0) |
			 (c->loaded ? 0 : 0x40) | c->ctrl);
}

/* Tick of the first OUT rising edge after a fresh load (channel 0). */
static uint64_t first_edge(const struct vpit_channel *c)
{
	switch (c->mode) {
	case 0:
	case 2:
	case 3:  return c->reload;
	case 4:  return (uint64_t)c->reload + 1;
	default: return NO_TICK;    /* gate-triggered: channel 0's gate is fixed */
	}
}

static void load_count(struct vpit_channel *c, uint16_t raw, uint64_t t_ns)
{
	uint32_t n = c->bcd ? bcd_to_bin(raw) : raw;

	c->reload = n ? n : modulus(c);
	c->loaded = true;
	c->triggered = false;
	c->running = false;
	c->ticks_base = 0;
	set_running(c, t_ns, c->gate && !gate_triggered(c->mode));
	c->irq_next_tick = first_edge(c);
}

static void unload(struct vpit_channel *c)
{
	c->loaded = false;
	c->running = false;
	c->ticks_base = 0;
	c->irq_next_tick = NO_TICK;
}

static void write_count(struct vpit_channel *c, uint8_t v, uint64_t t_ns)
{
	switch (c->access) {
	case 1:
		load_count(c, v, t_ns);
		break;
	case 2:
		load_count(c, (uint16_t)(v << 8), t_ns);
		break;
	default:
		if (!c->write_msb_next) {
			c->write_lsb = v;
			/* Mode 0 stops counting on the first byte (datasheet). */
			if (c->mode == 0)
				unload(c);
		} else {
			load_count(c, (uint16_t)(c->write_lsb | v << 8), t_ns);
		}
		c->write_msb_next = !c->write_msb_next;
		break;
	}
}

static uint8_t pick_byte(uint16_t v, bool msb)
{
	return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static uint8_t read_count(struct vpit_channel *c, uint64_t t_ns)
{
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latch_left) {
		msb = c->access == 2 || (c->access == 3 && c->latch_left == 1);
		c->latch_left--;
		return pick_byte(c->latch, msb);
	}
	msb = c->access == 2 || (c->access == 3 && c->read_msb_next);
	if (c->access == 3)
		c->read_msb_next = !c->read_msb_next;
	return pick_byte(encoded_count(c, t_ns), msb);
}

/* A second latch before the first is read is ignored (datasheet). */
static void latch_count(struct vpit_channel *c, uint64_t t_ns)
{
	if (c->latch_left)
		return;
	c->latch = encoded_count(c, t_ns);
	c->latch_left = c->access == 3 ? 2 : 1;
}

static void latch_status(struct vpit_channel *c, uint64_t t_ns)
{
	if (c->status_latched)
		return;
	c->status = status_byte(c, t_ns);
	c->status_latched = true;
}

/* Read-back (8254 only): bit 5 clear = latch count, bit 4 clear = latch
 * status, bits 1-3 select counters 0-2. */
static void read_back(struct vpit *p, uint8_t v, uint64_t t_ns)
{
	for (int i = 0; i < 3; i++) {
		if (!(v & (2 << i)))
			continue;
		if (!(v & 0x20))
			latch_count(&p->ch[i], t_ns);
		if (!(v & 0x10))
			latch_status(&p->ch[i], t_ns);
	}
}

static void set_mode(struct vpit_channel *c, uint8_t v)
{
	c->ctrl = v & 0x3f;
	c->access = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->bcd = v & 1;
	c->write_msb_next = false;
	c->read_msb_next = false;
	c->latch_left = 0;
	c->status_latched = false;
	c->triggered = false;
	unload(c);
}

static void write_control(struct vpit *p, uint8_t v, uint64_t t_ns)
{
	unsigned sel = v >> 6;

	if (sel == 3)
		read_back(p, v, t_ns);
	else if (((v >> 4) & 3) == 0)
		latch_count(&p->ch[sel], t_ns);
	else
		set_mode(&p->ch[sel], v);
}

/*
 * Gate edges: a rising edge starts modes 1 and 5 and restarts 2 and 3
 * from the initial count; modes 0 and 4 just resume.  Low gate stops
 * counting in every mode.
 */
static void set_gate(struct vpit_channel *c, bool gate, uint64_t t_ns)
{
	bool rising = gate && !c->gate;

	c->gate = gate;
	if (!c->loaded)
		return;
	if (!gate) {
		set_running(c, t_ns, false);
		return;
	}
	if (!rising)
		return;
	if (c->mode != 0 && c->mode != 4) {
		c->running = false;
		c->ticks_base = 0;
		c->triggered = true;
	}
	set_running(c, t_ns, true);
}

static uint8_t read_port61(const struct vpit *p, uint64_t t_ns)
{
	uint8_t v = p->port61 & 0x0f;

	if ((t_ns / REFRESH_NS) & 1)
		v |= VPIT_P61_REFRESH;
	if (out_level(&p->ch[2], t_ns))
		v |= VPIT_P61_OUT2;
	return v;
}

static uint8_t read8(struct vpit *p, uint16_t off)
{
	uint64_t t_ns = now(p);

	if (off <= PORT_CH2)
		return read_count(&p->ch[off], t_ns);
	if (off == VPIT_PORT61_OFFSET)
		return read_port61(p, t_ns);
	return 0xff;    /* the control port is write-only */
}

static void write8(struct vpit *p, uint16_t off, uint8_t v)
{
	uint64_t t_ns = now(p);

	if (off <= PORT_CH2) {
		write_count(&p->ch[off], v, t_ns);
	} else if (off == PORT_CTRL) {
		write_control(p, v, t_ns);
	} else if (off == VPIT_PORT61_OFFSET) {
		p->port61 = v & 0x0f;
		set_gate(&p->ch[2], v & VPIT_P61_GATE2, t_ns);
	}
}

uint8_t vpit_read(struct vpit *p, uint16_t port_offset)
{
	return read8(p, port_offset);
}

void vpit_write(struct vpit *p, uint16_t port_offset, uint8_t value)
{
	write8(p, port_offset, value);
}

uint64_t vpit_next_irq_ns(const struct vpit *p)
{
	const struct vpit_channel *c = &p->ch[PORT_CH0];

	if (!c->running || c->irq_next_tick == NO_TICK)
		return VPIT_NO_IRQ;
	return c->start_ns + ticks_to_ns(c->irq_next_tick - c->ticks_base);
}

bool vpit_irq_due(struct vpit *p, uint64_t now_ns)
{
	struct vpit_channel *c = &p->ch[PORT_CH0];
	uint64_t t;

	if (!c->running || c->irq_next_tick == NO_TICK)
		return false;
	t = ticks(c, now_ns);
	if (t < c->irq_next_tick)
		return false;
	if (c->mode == 2 || c->mode == 3)
		c->irq_next_tick = (t / c->reload + 1) * c->reload;
	else
		c->irq_next_tick = NO_TICK;
	return true;
}

/* units: vmm/dev/vlapic.c */
/*
 * The local APIC through its MMIO registers, x2APIC MSRs and
 * IA32_APIC_BASE, with a fake TSC: reset values, read-only and reserved
 * bits, software enable, IRR/ISR/PPR/EOI, errors, mode transitions, the
 * three timer modes and IPIs (self, callback, destination matching).
 */
#include "check.h"
#include "vmm/dev/vlapic.h"

#define TSC_HZ 3000000000ull    /* 3 GHz TSC, 100 MHz bus: 30 ticks a clock */
#define BUS_HZ 100000000ull

static uint64_t fake_tsc;

static struct {
	int n;
	uint32_t dest, icr;
} ipis;

static struct {
	int n;
	uint8_t vector;
} eois;

static uint64_t fake_clock(void *ctx)
{
	return *(uint64_t *)ctx;
}

static void record_ipi(void *ctx, uint32_t dest, uint32_t icr_low)
{
	ipis.n++;
	ipis.dest = dest;
	ipis.icr = icr_low;
}

static void record_eoi(void *ctx, uint8_t vector)
{
	eois.n++;
	eois.vector = vector;
}

static struct vlapic_config config(uint32_t id)
{
	return (struct vlapic_config){
		.apic_id = id, .bsp = id == 0, .x2apic = true,
		.tsc_deadline = true, .phys_bits = 39,
		.tsc_hz = TSC_HZ, .bus_hz = BUS_HZ,
		.now_tsc = fake_clock, .ipi = record_ipi, .eoi = record_eoi,
		.ctx = &fake_tsc,
	};
}

static void setup_cfg(struct vlapic *v, const struct vlapic_config *c)
{
	fake_tsc = 0;
	ipis.n = eois.n = 0;
	vlapic_init(v, c);
}

static void setup(struct vlapic *v, uint32_t id)
{
	struct vlapic_config c = config(id);

	setup_cfg(v, &c);
}

/* As an OS would: software-enable with spurious vector 0xff. */
static void enable(struct vlapic *v)
{
	vlapic_mmio_write(v, VLAPIC_REG_SVR, 0x1ff);
}

static void to_x2apic(struct vlapic *v)
{
	CHECK_EQ(vlapic_set_base(v, vlapic_get_base(v) | VLAPIC_BASE_EXTD), 0);
}

static uint32_t rd(struct vlapic *v, uint32_t off)
{
	return vlapic_mmio_read(v, off);
}

static bool irr_has(struct vlapic *v, unsigned vec)
{
	return rd(v, VLAPIC_REG_IRR + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}

static bool isr_has(struct vlapic *v, unsigned vec)
{
	return rd(v, VLAPIC_REG_ISR + 0x10 * (vec / 32)) >> (vec % 32) & 1;
}

/* Latch and read the ESR, as the SDM asks (write, then read). */
static uint32_t esr(struct vlapic *v)
{
	vlapic_mmio_write(v, VLAPIC_REG_ESR, 0);
	return rd(v, VLAPIC_REG_ESR);
}

static int take(struct vlapic *v)
{
	int vec = vlapic_pending_vector(v);

	if (vec >= 0)
		vlapic_ack(v, vec);
	return vec;
}

static void test_reset_state(void)
{
	struct vlapic v;

	setup(&v, 3);
	CHECK_EQ(vlapic_get_base(&v), 0xfee00800ull);
	CHECK_EQ(rd(&v, VLAPIC_REG_ID), 0x03000000);
	CHECK_EQ(rd(&v, VLAPIC_REG_VERSION), 0x50014);
	CHECK_EQ(rd(&v, VLAPIC_REG_SVR), 0xff);
	CHECK_EQ(rd(&v, VLAPIC_REG_DFR), 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LDR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_TPR), 0);
	for (uint32_t off = VLAPIC_REG_LVT_TIMER; off <= VLAPIC_REG_LVT_ERROR;
	     off += 0x10)
		CHECK_EQ(rd(&v, off), VLAPIC_LVT_MASKED);
	CHECK(vlapic_mmio_enabled(&v));
	CHECK_EQ(vlapic_mmio_base(&v).v, 0xfee00000ull);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	/* Software-disabled: fixed interrupts are dropped. */
	vlapic_accept_irq(&v, 0x40, false);
	CHECK(!irr_has(&v, 0x40));
	CHECK_EQ(vlapic_pending_vector(&v), -1);

	setup(&v, 0);
	CHECK_EQ(vlapic_get_base(&v), 0xfee00900ull);
}

static void test_xapic_read_only_and_reserved_bits(void)
{
	struct vlapic v;

	setup(&v, 3);
	enable(&v);
	vlapic_mmio_write(&v, VLAPIC_REG_ID, 0x07000000);
	vlapic_mmio_write(&v, VLAPIC_REG_VERSION, 0);
	vlapic_mmio_write(&v, VLAPIC_REG_PPR, 0xff);
	vlapic_mmio_write(&v, VLAPIC_REG_IRR + 0x20, 0xffffffff);
	vlapic_mmio_write(&v, VLAPIC_REG_APR, 0xff);
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_CCR, 1234);
	CHECK_EQ(rd(&v, VLAPIC_REG_ID), 0x03000000);
	CHECK_EQ(rd(&v, VLAPIC_REG_VERSION), 0x50014);
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_IRR + 0x20), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0);
	CHECK_EQ(esr(&v), 0);   /* read-only registers are not errors */

	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x1ff);
	CHECK_EQ(rd(&v, VLAPIC_REG_TPR), 0xff);
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0);
	vlapic_mmio_write(&v, VLAPIC_REG_LDR, 0x12345678);
	CHECK_EQ(rd(&v, VLAPIC_REG_LDR), 0x12000000);
	vlapic_mmio_write(&v, VLAPIC_REG_DFR, 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_DFR), 0x0fffffff);
	vlapic_mmio_write(&v, VLAPIC_REG_SVR, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_SVR), 0x3ff);
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_DCR, 0xff);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_DCR), 0x0b);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_LINT0, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x1a7ff);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_THERM, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_THERM), 0x107ff);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_ERROR, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_ERROR), 0x100ff);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_TIMER), 0x700ff);
	vlapic_mmio_write(&v, VLAPIC_REG_ICR_HI, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_ICR_HI), 0xff000000);
	CHECK_EQ(rd(&v, VLAPIC_REG_EOI), 0);

	/* Without TSC-deadline support, timer bit 18 is reserved. */
	struct vlapic_config c = config(3);
	c.tsc_deadline = false;
	setup_cfg(&v, &c);
	enable(&v);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, 0xffffffff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_TIMER), 0x300ff);
}

static void test_xapic_illegal_register_address(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	CHECK_EQ(rd(&v, 0x000), 0);
	CHECK_EQ(esr(&v), VLAPIC_ESR_ILLEGAL_REG);
	CHECK_EQ(esr(&v), 0);   /* the next write latches a clean slate */
	vlapic_mmio_write(&v, VLAPIC_REG_SELF_IPI, 0x40);  /* x2APIC only */
	CHECK(!irr_has(&v, 0x40));
	CHECK_EQ(esr(&v), VLAPIC_ESR_ILLEGAL_REG);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_CMCI, 0);
	CHECK_EQ(esr(&v), VLAPIC_ESR_ILLEGAL_REG);
	/* The upper 12 bytes of a slot and anything past 0x3f0 read 0, no error. */
	vlapic_mmio_write(&v, VLAPIC_REG_TPR + 4, 0x55);
	CHECK_EQ(rd(&v, VLAPIC_REG_TPR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_VERSION + 4), 0);
	CHECK_EQ(rd(&v, 0x400), 0);
	CHECK_EQ(esr(&v), 0);
}

static void test_svr_software_enable(void)
{
	struct vlapic v;

	setup(&v, 1);
	/* Disabled: LVT writes cannot clear the mask. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_LINT0, 0x700);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x10700);
	enable(&v);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_LINT0, 0x700);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_ERROR, 0xfe);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x700);
	vlapic_accept_irq(&v, 0x41, false);
	CHECK_EQ(vlapic_pending_vector(&v), 0x41);

	/* Clearing the enable masks every LVT entry and hides the IRR. */
	vlapic_mmio_write(&v, VLAPIC_REG_SVR, 0xff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x10700);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_ERROR), 0x100fe);
	CHECK_EQ(vlapic_pending_vector(&v), -1);
	vlapic_accept_irq(&v, 0x42, false);
	CHECK(!irr_has(&v, 0x42));

	enable(&v);
	CHECK_EQ(vlapic_pending_vector(&v), 0x41);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x10700);   /* stays masked */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_LINT0, 0x700);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x700);
}

static void test_priority_tpr_ppr_eoi(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	vlapic_accept_irq(&v, 0x31, false);
	vlapic_accept_irq(&v, 0x52, false);
	vlapic_accept_irq(&v, 0x55, false);
	CHECK(irr_has(&v, 0x31) && irr_has(&v, 0x52) && irr_has(&v, 0x55));
	CHECK_EQ(take(&v), 0x55);
	CHECK(isr_has(&v, 0x55) && !irr_has(&v, 0x55));
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0x50);
	/* Same class as the one in service: held back. */
	CHECK_EQ(vlapic_pending_vector(&v), -1);
	/* A higher class nests. */
	vlapic_accept_irq(&v, 0x61, false);
	CHECK_EQ(take(&v), 0x61);
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0x60);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);       /* retires 0x61 first */
	CHECK(!isr_has(&v, 0x61) && isr_has(&v, 0x55));
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	CHECK(!isr_has(&v, 0x55));
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0);
	CHECK_EQ(vlapic_pending_vector(&v), 0x52);

	/* TPR masks classes up to and including its own. */
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x52);
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0x52);
	CHECK_EQ(vlapic_pending_vector(&v), -1);
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x4f);
	CHECK_EQ(vlapic_pending_vector(&v), 0x52);
	/* With something in service above TPR, PPR is that class. */
	CHECK_EQ(take(&v), 0x52);
	CHECK_EQ(rd(&v, VLAPIC_REG_PPR), 0x50);
	CHECK_EQ(vlapic_get_cr8(&v), 4);
	vlapic_set_cr8(&v, 0x1f);
	CHECK_EQ(rd(&v, VLAPIC_REG_TPR), 0xf0);
	CHECK_EQ(vlapic_pending_vector(&v), -1);  /* 0x31 below TPR */

	/* Acking something not in the IRR is ignored; EOI with nothing
	 * in service is harmless. */
	vlapic_ack(&v, 0x99);
	vlapic_ack(&v, 3);
	vlapic_ack(&v, 300);
	CHECK(!isr_has(&v, 0x99));
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_ISR + 0x20), 0);
}

static void test_apr(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x23);
	CHECK_EQ(rd(&v, VLAPIC_REG_APR), 0x23);
	vlapic_accept_irq(&v, 0x45, false);
	CHECK_EQ(rd(&v, VLAPIC_REG_APR), 0x40);
}

static void test_level_triggered_eoi(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	vlapic_accept_irq(&v, 0x40, true);
	vlapic_accept_irq(&v, 0x80, false);
	CHECK_EQ(rd(&v, VLAPIC_REG_TMR + 0x20), 1);
	CHECK_EQ(rd(&v, VLAPIC_REG_TMR + 0x40), 0);
	CHECK_EQ(take(&v), 0x80);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	CHECK_EQ(eois.n, 0);            /* edge: no EOI message */
	CHECK_EQ(take(&v), 0x40);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	CHECK_EQ(eois.n, 1);
	CHECK_EQ(eois.vector, 0x40);
}

static void test_illegal_vectors(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	vlapic_accept_irq(&v, 7, false);
	CHECK_EQ(rd(&v, VLAPIC_REG_IRR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_ESR), 0);    /* not latched yet */
	CHECK_EQ(esr(&v), VLAPIC_ESR_RECV_ILLEGAL);

	/* Sending an illegal vector: error, and the LVT error interrupt. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_ERROR, 0xfe);
	vlapic_mmio_write(&v, VLAPIC_REG_ICR_LO, VLAPIC_ICR_SH_SELF | 3);
	CHECK(irr_has(&v, 0xfe));
	CHECK_EQ(ipis.n, 0);
	CHECK_EQ(esr(&v), VLAPIC_ESR_SEND_ILLEGAL);
}

static void test_x2apic_registers(void)
{
	struct vlapic v;
	uint64_t val;

	setup(&v, 0x123);
	/* x2APIC MSRs fault in xAPIC mode. */
	CHECK_EQ(vlapic_msr_read(&v, 0x802, &val), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x808, 0), -1);
	to_x2apic(&v);
	CHECK(!vlapic_mmio_enabled(&v));
	CHECK_EQ(vlapic_msr_read(&v, 0x802, &val), 0);
	CHECK_EQ(val, 0x123);
	CHECK_EQ(vlapic_msr_read(&v, 0x803, &val), 0);
	CHECK_EQ(val, 0x50014);
	CHECK_EQ(vlapic_msr_read(&v, 0x80d, &val), 0);
	CHECK_EQ(val, 0x00120008);      /* cluster 0x12, bit 3 */
	/* Read-only registers fault on writes. */
	CHECK_EQ(vlapic_msr_write(&v, 0x802, 0), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x803, 0), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x80d, 0), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x80a, 0), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x820, 0), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x839, 0), -1);
	/* Registers that do not exist in x2APIC mode. */
	CHECK_EQ(vlapic_msr_read(&v, 0x80e, &val), -1);        /* DFR */
	CHECK_EQ(vlapic_msr_write(&v, 0x80e, 0), -1);
	CHECK_EQ(vlapic_msr_read(&v, 0x809, &val), -1);        /* APR */
	CHECK_EQ(vlapic_msr_read(&v, 0x831, &val), -1);        /* ICR high */
	CHECK_EQ(vlapic_msr_write(&v, 0x831, 0), -1);
	CHECK_EQ(vlapic_msr_read(&v, 0x82f, &val), -1);        /* CMCI */
	CHECK_EQ(vlapic_msr_read(&v, 0x8ff, &val), -1);
	CHECK_EQ(vlapic_msr_read(&v, 0x900, &val), -1);
	/* Write-only registers. */
	CHECK_EQ(vlapic_msr_read(&v, 0x80b, &val), -1);        /* EOI */
	CHECK_EQ(vlapic_msr_read(&v, 0x83f, &val), -1);        /* SELF IPI */
	/* Reserved bits fault. */
	CHECK_EQ(vlapic_msr_write(&v, 0x808, 0x100), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x808, 1ull << 32), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x80b, 1), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x828, 1), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x80f, 0x1000), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x83e, 0x4), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x835, 0x800), -1);      /* LINT0 bit 11 */
	CHECK_EQ(vlapic_msr_write(&v, 0x83f, 0x140), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x830, 1u << 16), -1);
	/* ... but the legal ones work. */
	CHECK_EQ(vlapic_msr_write(&v, 0x80f, 0x1ff), 0);
	CHECK_EQ(vlapic_msr_write(&v, 0x808, 0x20), 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x808, &val), 0);
	CHECK_EQ(val, 0x20);
	CHECK_EQ(vlapic_msr_write(&v, 0x835, 0x700 | (1u << 12)), 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x835, &val), 0);
	CHECK_EQ(val, 0x700);
	CHECK_EQ(vlapic_msr_write(&v, 0x83e, 0xb), 0);
	CHECK_EQ(vlapic_msr_write(&v, 0x828, 0), 0);

	/* SELF IPI */
	CHECK_EQ(vlapic_msr_write(&v, 0x83f, 0x40), 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x822, &val), 0);         /* IRR 64-95 */
	CHECK_EQ(val, 1ull << 0);
	CHECK_EQ(ipis.n, 0);
	CHECK_EQ(vlapic_pending_vector(&v), 0x40);
	vlapic_ack(&v, 0x40);
	CHECK_EQ(vlapic_msr_read(&v, 0x812, &val), 0);         /* ISR 64-95 */
	CHECK_EQ(val, 1);
	CHECK_EQ(vlapic_msr_read(&v, 0x80a, &val), 0);
	CHECK_EQ(val, 0x40);
	CHECK_EQ(vlapic_msr_write(&v, 0x80b, 0), 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x812, &val), 0);
	CHECK_EQ(val, 0);

	/* The MMIO page is gone in x2APIC mode. */
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x80);
	CHECK_EQ(rd(&v, VLAPIC_REG_VERSION), 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x808, &val), 0);
	CHECK_EQ(val, 0x20);

	CHECK(vlapic_owns_msr(0x1b) && vlapic_owns_msr(0x6e0) &&
	      vlapic_owns_msr(0x800) && vlapic_owns_msr(0x8ff));
	CHECK(!vlapic_owns_msr(0x7ff) && !vlapic_owns_msr(0x900));
	CHECK_EQ(vlapic_msr_read(&v, 0x10, &val), -1);
	CHECK_EQ(vlapic_msr_write(&v, 0x10, 0), -1);
}

static void test_apic_base_transitions(void)
{
	struct vlapic v;
	uint64_t base;

	setup(&v, 1);
	base = vlapic_get_base(&v);
	/* Reserved bits: 0-7, 9, above MAXPHYADDR. */
	CHECK_EQ(vlapic_set_base(&v, base | 1), -1);
	CHECK_EQ(vlapic_set_base(&v, base | (1 << 9)), -1);
	CHECK_EQ(vlapic_set_base(&v, base | (1ull << 39)), -1);
	/* EXTD without EN is the invalid state. */
	CHECK_EQ(vlapic_set_base(&v, VLAPIC_BASE_ADDR | VLAPIC_BASE_EXTD), -1);
	CHECK_EQ(vlapic_get_base(&v), base);

	/* Disable resets the registers; the page and interrupts go away. */
	enable(&v);
	vlapic_mmio_write(&v, VLAPIC_REG_TPR, 0x30);
	vlapic_accept_irq(&v, 0x50, false);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_APIC_BASE, VLAPIC_BASE_ADDR), 0);
	CHECK(!vlapic_mmio_enabled(&v));
	CHECK(vlapic_accepts_pic(&v));
	CHECK_EQ(rd(&v, VLAPIC_REG_VERSION), 0);
	vlapic_accept_irq(&v, 0x60, false);
	CHECK_EQ(vlapic_pending_vector(&v), -1);
	/* disabled -> x2APIC directly is illegal. */
	CHECK_EQ(vlapic_set_base(&v, base | VLAPIC_BASE_EXTD), -1);
	/* disabled -> xAPIC, relocated: power-up registers, and it works. */
	CHECK_EQ(vlapic_set_base(&v, 0xfed00000ull | VLAPIC_BASE_EN), 0);
	CHECK_EQ(vlapic_mmio_base(&v).v, 0xfed00000ull);
	CHECK_EQ(rd(&v, VLAPIC_REG_TPR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_SVR), 0xff);
	CHECK(!irr_has(&v, 0x50));
	CHECK_EQ(rd(&v, VLAPIC_REG_ID), 0x01000000);
	enable(&v);
	vlapic_accept_irq(&v, 0x60, false);
	CHECK_EQ(vlapic_pending_vector(&v), 0x60);

	/* xAPIC -> x2APIC keeps the pending interrupt; x2APIC -> xAPIC
	 * faults; x2APIC -> disabled -> xAPIC is the way back. */
	to_x2apic(&v);
	CHECK_EQ(vlapic_pending_vector(&v), 0x60);
	CHECK_EQ(vlapic_set_base(&v, 0xfed00000ull | VLAPIC_BASE_EN), -1);
	CHECK_EQ(vlapic_set_base(&v, 0xfed00000ull | VLAPIC_BASE_EXTD), -1);
	CHECK_EQ(vlapic_set_base(&v, 0xfed00000ull), 0);
	CHECK_EQ(vlapic_set_base(&v, 0xfee00000ull | VLAPIC_BASE_EN), 0);
	CHECK_EQ(vlapic_get_base(&v), 0xfee00800ull);
	CHECK_EQ(rd(&v, VLAPIC_REG_LDR), 0);
	enable(&v);
	vlapic_accept_irq(&v, 0x70, false);
	CHECK_EQ(take(&v), 0x70);

	/* BSP is the partition's choice; EXTD needs CPUID x2APIC. */
	setup(&v, 0);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_APIC_BASE,
				  VLAPIC_BASE_ADDR | VLAPIC_BASE_EN), 0);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_APIC_BASE, &base), 0);
	CHECK_EQ(base, 0xfee00900ull);
	struct vlapic_config c = config(1);
	c.x2apic = false;
	c.phys_bits = 0;        /* default 36 */
	setup_cfg(&v, &c);
	CHECK_EQ(vlapic_set_base(&v, vlapic_get_base(&v) | VLAPIC_BASE_EXTD), -1);
	CHECK_EQ(vlapic_set_base(&v, vlapic_get_base(&v) | (1ull << 36)), -1);
	CHECK_EQ(vlapic_set_base(&v, 0xfe000000ull | VLAPIC_BASE_EN), 0);
}

static void test_init_reset(void)
{
	struct vlapic v;
	uint64_t val;

	setup(&v, 0x21);
	to_x2apic(&v);
	CHECK_EQ(vlapic_msr_write(&v, 0x80f, 0x1ff), 0);
	CHECK_EQ(vlapic_msr_write(&v, 0x808, 0x40), 0);
	CHECK_EQ(vlapic_msr_write(&v, 0x83f, 0x50), 0);
	vlapic_init_reset(&v);
	CHECK_EQ(vlapic_msr_read(&v, 0x808, &val), 0);  /* still x2APIC */
	CHECK_EQ(val, 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x80f, &val), 0);
	CHECK_EQ(val, 0xff);
	CHECK_EQ(vlapic_msr_read(&v, 0x822, &val), 0);
	CHECK_EQ(val, 0);
	CHECK_EQ(vlapic_msr_read(&v, 0x802, &val), 0);
	CHECK_EQ(val, 0x21);
	CHECK_EQ(vlapic_msr_read(&v, 0x80d, &val), 0);
	CHECK_EQ(val, 0x00020002);
}

static void arm_timer(struct vlapic *v, uint32_t lvt, uint32_t dcr,
		      uint32_t count)
{
	vlapic_mmio_write(v, VLAPIC_REG_LVT_TIMER, lvt);
	vlapic_mmio_write(v, VLAPIC_REG_TIMER_DCR, dcr);
	vlapic_mmio_write(v, VLAPIC_REG_TIMER_ICR, count);
}

static void test_oneshot_timer_divides(void)
{
	static const struct { uint32_t dcr, div; } d[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
	};
	struct vlapic v;

	for (unsigned i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		uint64_t t0 = 1000 + i, per_count = 30 * d[i].div, end;

		setup(&v, 1);
		enable(&v);
		fake_tsc = t0;
		arm_timer(&v, 0x30, d[i].dcr, 1000);
		end = t0 + 1000 * per_count;
		CHECK_EQ(vlapic_timer_deadline(&v), end);
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 1000);
		fake_tsc = t0 + 400 * per_count;
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 600);
		fake_tsc = t0 + 400 * per_count + per_count - 1;
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 600);
		fake_tsc = end - 1;
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 1);
		vlapic_tick(&v, end - 1);
		CHECK(!irr_has(&v, 0x30));
		fake_tsc = end;
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0);
		vlapic_tick(&v, end);
		CHECK(irr_has(&v, 0x30));
		CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0);
		CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_ICR), 1000);
	}
}

/* A ratio that is not a whole number: the expiry rounds up. */
static void test_timer_fractional_ratio(void)
{
	struct vlapic_config c = config(1);
	struct vlapic v;

	c.tsc_hz = 2500000000ull;
	c.bus_hz = 1000000000ull;
	setup_cfg(&v, &c);
	enable(&v);
	arm_timer(&v, 0x30, 0xb, 3);    /* 3 clocks = 7.5 TSC ticks */
	CHECK_EQ(vlapic_timer_deadline(&v), 8);
	fake_tsc = 4;                   /* 1.6 clocks */
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 2);
	fake_tsc = 7;
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 1);
}

/* The largest count and divider: the product needs 128 bits. */
static void test_timer_long_count(void)
{
	struct vlapic v;
	unsigned __int128 ticks = (unsigned __int128)0xffffffffull * 128 *
				  TSC_HZ / BUS_HZ;

	setup(&v, 1);
	enable(&v);
	arm_timer(&v, 0x30, 0xa, 0xffffffff);
	CHECK_EQ(vlapic_timer_deadline(&v), (uint64_t)ticks);
	fake_tsc = (uint64_t)ticks / 2;
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0x80000000u);

	/* A wild configuration saturates instead of wrapping. */
	struct vlapic_config c = config(1);
	c.tsc_hz = 1ull << 62;
	c.bus_hz = 1;
	setup_cfg(&v, &c);
	enable(&v);
	arm_timer(&v, 0x30, 0xa, 0xffffffff);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	fake_tsc = UINT64_MAX - 10;
	c.tsc_hz = TSC_HZ;
	c.bus_hz = BUS_HZ;
	setup_cfg(&v, &c);
	fake_tsc = UINT64_MAX - 10;
	enable(&v);
	arm_timer(&v, 0x30, 0xb, 1);
	CHECK_EQ(vlapic_timer_deadline(&v), UINT64_MAX);
}

static void test_periodic_timer(void)
{
	struct vlapic v;
	uint64_t period = 100 * 2 * 30;

	setup(&v, 1);
	enable(&v);
	fake_tsc = 500;
	arm_timer(&v, VLAPIC_LVT_TIMER_PERIODIC | 0x31, 0x0, 100);
	CHECK_EQ(vlapic_timer_deadline(&v), 500 + period);
	vlapic_tick(&v, 500 + period);
	CHECK(irr_has(&v, 0x31));
	CHECK_EQ(vlapic_timer_deadline(&v), 500 + 2 * period);
	CHECK_EQ(take(&v), 0x31);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);
	fake_tsc = 500 + period + 60 * 25;
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 75);
	/* Read past the expiry before the tick: the count has reloaded. */
	fake_tsc = 500 + 2 * period + 60 * 10;
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 90);
	/* A late tick fires once and keeps the grid. */
	vlapic_tick(&v, 500 + 4 * period + 7);
	CHECK_EQ(take(&v), 0x31);
	CHECK_EQ(vlapic_pending_vector(&v), -1);
	CHECK_EQ(vlapic_timer_deadline(&v), 500 + 5 * period);
	vlapic_mmio_write(&v, VLAPIC_REG_EOI, 0);

	/* Masked: no interrupt, but it keeps running. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER,
			  VLAPIC_LVT_MASKED | VLAPIC_LVT_TIMER_PERIODIC | 0x31);
	vlapic_tick(&v, 500 + 5 * period);
	CHECK(!irr_has(&v, 0x31));
	CHECK_EQ(vlapic_timer_deadline(&v), 500 + 6 * period);

	/* Initial count 0 stops it. */
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_ICR, 0);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0);
}

static void test_timer_mode_change_disarms(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	arm_timer(&v, 0x30, 0xb, 1000);
	CHECK(vlapic_timer_deadline(&v) != VLAPIC_NO_DEADLINE);
	/* Same mode, new vector: keeps running. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, 0x31);
	CHECK_EQ(vlapic_timer_deadline(&v), 30000);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER,
			  VLAPIC_LVT_TIMER_PERIODIC | 0x31);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_ICR), 0);
	/* Reserved mode 3 behaves as one-shot. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, (3u << 17) | 0x31);
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_ICR, 10);
	vlapic_tick(&v, 300);
	CHECK(irr_has(&v, 0x31));
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
}

static void test_timer_divide_change_midway(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	arm_timer(&v, 0x30, 0xb, 1000);         /* 30 ticks a count */
	fake_tsc = 15000;                       /* 500 counts left */
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_DCR, 0x0);       /* by 2 */
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 500);
	CHECK_EQ(vlapic_timer_deadline(&v), 15000 + 500 * 60);
	/* Changing the divider after expiry neither loses nor restarts it. */
	fake_tsc = 50000;
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_DCR, 0xb);
	CHECK(irr_has(&v, 0x30));
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
}

static void test_tsc_deadline(void)
{
	struct vlapic v;
	uint64_t val;

	setup(&v, 1);
	enable(&v);
	/* Outside TSC-deadline mode the MSR reads 0 and ignores writes. */
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 5000), 0);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_TSC_DEADLINE, &val), 0);
	CHECK_EQ(val, 0);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);

	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_TIMER_TSC_DL | 0x32);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 5000), 0);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_TSC_DEADLINE, &val), 0);
	CHECK_EQ(val, 5000);
	CHECK_EQ(vlapic_timer_deadline(&v), 5000);
	/* The count registers are inert in this mode. */
	vlapic_mmio_write(&v, VLAPIC_REG_TIMER_ICR, 10);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_ICR), 0);
	CHECK_EQ(rd(&v, VLAPIC_REG_TIMER_CCR), 0);
	CHECK_EQ(vlapic_timer_deadline(&v), 5000);
	vlapic_tick(&v, 4999);
	CHECK(!irr_has(&v, 0x32));
	vlapic_tick(&v, 5000);
	CHECK(irr_has(&v, 0x32));
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_TSC_DEADLINE, &val), 0);
	CHECK_EQ(val, 0);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);

	/* Writing 0 disarms; so does leaving the mode. */
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 9000), 0);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 0), 0);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 9000), 0);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, 0x32);
	CHECK_EQ(vlapic_timer_deadline(&v), VLAPIC_NO_DEADLINE);
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_TIMER, VLAPIC_LVT_TIMER_TSC_DL | 0x32);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_TSC_DEADLINE, &val), 0);
	CHECK_EQ(val, 0);

	/* Without CPUID support the MSR faults. */
	struct vlapic_config c = config(1);
	c.tsc_deadline = false;
	setup_cfg(&v, &c);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_TSC_DEADLINE, &val), -1);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_TSC_DEADLINE, 1), -1);
}

static void icr(struct vlapic *v, uint8_t dest, uint32_t low)
{
	vlapic_mmio_write(v, VLAPIC_REG_ICR_HI, (uint32_t)dest << 24);
	vlapic_mmio_write(v, VLAPIC_REG_ICR_LO, low);
}

static void test_icr_self_and_callback(void)
{
	struct vlapic v;

	setup(&v, 2);
	enable(&v);
	/* Fixed IPIs to itself stay inside. */
	icr(&v, 0, VLAPIC_ICR_SH_SELF | 0x44);
	CHECK(irr_has(&v, 0x44));
	icr(&v, 2, 0x45);
	CHECK(irr_has(&v, 0x45));
	CHECK_EQ(ipis.n, 0);
	/* Delivery status always reads idle; the rest reads back. */
	CHECK_EQ(rd(&v, VLAPIC_REG_ICR_LO), 0x45);
	icr(&v, 0, VLAPIC_ICR_SH_SELF | (1u << 12) | 0x46);
	CHECK_EQ(rd(&v, VLAPIC_REG_ICR_LO), VLAPIC_ICR_SH_SELF | 0x46);

	/* Someone else: the callback, and nothing here. */
	icr(&v, 5, 0x47);
	CHECK_EQ(ipis.n, 1);
	CHECK_EQ(ipis.dest, 5);
	CHECK_EQ(ipis.icr, 0x47);
	CHECK(!irr_has(&v, 0x47));
	/* All including self: both. */
	icr(&v, 0, VLAPIC_ICR_SH_ALL | 0x48);
	CHECK_EQ(ipis.n, 2);
	CHECK(irr_has(&v, 0x48));
	/* All excluding self. */
	icr(&v, 0, VLAPIC_ICR_SH_OTHERS | 0x49);
	CHECK_EQ(ipis.n, 3);
	CHECK(!irr_has(&v, 0x49));
	/* Physical broadcast 0xff. */
	icr(&v, 0xff, 0x4a);
	CHECK_EQ(ipis.n, 4);
	CHECK(irr_has(&v, 0x4a));
	/* Lowest priority that names the sender: the sender takes it. */
	icr(&v, 2, (VLAPIC_DM_LOWEST << 8) | 0x4b);
	CHECK_EQ(ipis.n, 4);
	CHECK(irr_has(&v, 0x4b));

	/* INIT and SIPI go to the caller, even when sent to itself. */
	icr(&v, 1, (VLAPIC_DM_INIT << 8) | VLAPIC_ICR_LEVEL_ASSERT);
	CHECK_EQ(ipis.n, 5);
	CHECK_EQ(ipis.dest, 1);
	CHECK_EQ(ipis.icr, 0x4500);
	icr(&v, 1, (VLAPIC_DM_SIPI << 8) | 0x08);
	CHECK_EQ(ipis.n, 6);
	CHECK_EQ(ipis.icr, 0x0608);
	icr(&v, 2, VLAPIC_DM_NMI << 8);
	CHECK_EQ(ipis.n, 7);
	CHECK_EQ(ipis.dest, 2);

	/* No callback: dropped quietly. */
	struct vlapic_config c = config(2);
	c.ipi = NULL;
	setup_cfg(&v, &c);
	enable(&v);
	icr(&v, 5, 0x47);
	CHECK_EQ(esr(&v), 0);
}

static void test_x2apic_icr(void)
{
	struct vlapic v;
	uint64_t val;

	setup(&v, 0x100);
	to_x2apic(&v);
	CHECK_EQ(vlapic_msr_write(&v, 0x80f, 0x1ff), 0);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_X2APIC_ICR, 0x200ull << 32 | 0x4c), 0);
	CHECK_EQ(ipis.n, 1);
	CHECK_EQ(ipis.dest, 0x200);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_X2APIC_ICR, &val), 0);
	CHECK_EQ(val, 0x200ull << 32 | 0x4c);
	/* Own 32-bit ID: self; its low byte alone is someone else. */
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_X2APIC_ICR, 0x100ull << 32 | 0x4d), 0);
	CHECK_EQ(ipis.n, 1);
	CHECK_EQ(vlapic_pending_vector(&v), 0x4d);
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_X2APIC_ICR, 0x00ull << 32 | 0x4e), 0);
	CHECK_EQ(ipis.n, 2);
	/* Delivery status bit is tolerated, reads back clear. */
	CHECK_EQ(vlapic_msr_write(&v, MSR_IA32_X2APIC_ICR,
				  0x200ull << 32 | 1u << 12 | 0x4f), 0);
	CHECK_EQ(vlapic_msr_read(&v, MSR_IA32_X2APIC_ICR, &val), 0);
	CHECK_EQ(val, 0x200ull << 32 | 0x4f);
}

static void test_destination_matching(void)
{
	struct vlapic a, b;
	uint32_t fixed_logical = VLAPIC_ICR_LOGICAL | 0x50;

	setup(&a, 1);
	setup(&b, 2);
	/* xAPIC flat: one bit per CPU in LDR[31:24]. */
	vlapic_mmio_write(&a, VLAPIC_REG_LDR, 0x01000000);
	vlapic_mmio_write(&b, VLAPIC_REG_LDR, 0x02000000);
	CHECK(vlapic_ipi_is_for(&a, 0x03, fixed_logical, false));
	CHECK(vlapic_ipi_is_for(&b, 0x03, fixed_logical, false));
	CHECK(!vlapic_ipi_is_for(&b, 0x01, fixed_logical, false));
	CHECK(vlapic_ipi_is_for(&b, 0xff, fixed_logical, false));
	/* The sender already took its share of a fixed IPI ... */
	CHECK(!vlapic_ipi_is_for(&a, 0x03, fixed_logical, true));
	/* ... but not of an NMI. */
	CHECK(vlapic_ipi_is_for(&a, 0x03, VLAPIC_ICR_LOGICAL | 0x400, true));
	/* xAPIC cluster: high nibble cluster, low nibble members. */
	vlapic_mmio_write(&b, VLAPIC_REG_DFR, 0x0fffffff);
	vlapic_mmio_write(&b, VLAPIC_REG_LDR, 0x32000000);
	CHECK(vlapic_ipi_is_for(&b, 0x36, fixed_logical, false));
	CHECK(!vlapic_ipi_is_for(&b, 0x26, fixed_logical, false));
	CHECK(!vlapic_ipi_is_for(&b, 0x31, fixed_logical, false));
	/* Physical. */
	CHECK(vlapic_ipi_is_for(&b, 2, 0x50, false));
	CHECK(!vlapic_ipi_is_for(&b, 1, 0x50, false));
	CHECK(vlapic_ipi_is_for(&b, 0xff, 0x50, false));
	/* Shorthands. */
	CHECK(vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_OTHERS | 0x50, false));
	CHECK(!vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_OTHERS | 0x50, true));
	CHECK(vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_ALL | 0x50, false));
	CHECK(!vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_ALL | 0x50, true));
	CHECK(vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_ALL | 0x400, true));
	CHECK(!vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_SELF | 0x400, false));
	CHECK(vlapic_ipi_is_for(&b, 0, VLAPIC_ICR_SH_SELF | 0x400, true));

	/* x2APIC: 32-bit physical IDs, cluster logical IDs. */
	setup(&a, 0x35);
	to_x2apic(&a);
	CHECK(vlapic_ipi_is_for(&a, 0x35, 0x50, false));
	CHECK(!vlapic_ipi_is_for(&a, 0x135, 0x50, false));
	CHECK(vlapic_ipi_is_for(&a, 0xffffffff, 0x50, false));
	CHECK(!vlapic_ipi_is_for(&a, 0xff, 0x50, false));
	CHECK(vlapic_ipi_is_for(&a, 0x00030020, fixed_logical, false));
	CHECK(!vlapic_ipi_is_for(&a, 0x00040020, fixed_logical, false));
	CHECK(!vlapic_ipi_is_for(&a, 0x00030010, fixed_logical, false));

	/* A disabled APIC hears nothing. */
	CHECK_EQ(vlapic_set_base(&a, 0), 0);
	CHECK(!vlapic_ipi_is_for(&a, 0x35, VLAPIC_DM_INIT << 8, false));
}

static void test_ipi_accept(void)
{
	struct vlapic v;

	setup(&v, 1);
	enable(&v);
	CHECK_EQ(vlapic_ipi_accept(&v, VLAPIC_ICR_TRIGGER_LEVEL | 0x60),
		 VLAPIC_DM_FIXED);
	CHECK(irr_has(&v, 0x60));
	CHECK_EQ(rd(&v, VLAPIC_REG_TMR + 0x30), 1);
	CHECK_EQ(vlapic_ipi_accept(&v, (VLAPIC_DM_LOWEST << 8) | 0x61),
		 VLAPIC_DM_LOWEST);
	CHECK(irr_has(&v, 0x61));
	CHECK_EQ(vlapic_ipi_accept(&v, (VLAPIC_DM_SIPI << 8) | 0x62),
		 VLAPIC_DM_SIPI);
	CHECK(!irr_has(&v, 0x62));
	CHECK_EQ(vlapic_ipi_accept(&v, VLAPIC_DM_INIT << 8), VLAPIC_DM_INIT);
}

static void test_virtual_wire_and_pic(void)
{
	struct vlapic v;

	setup(&v, 0);
	CHECK(!vlapic_accepts_pic(&v));         /* LINT0 masked at reset */
	vlapic_setup_virtual_wire(&v);
	CHECK(vlapic_accepts_pic(&v));
	CHECK_EQ(rd(&v, VLAPIC_REG_SVR), 0x1ff);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT0), 0x700);
	CHECK_EQ(rd(&v, VLAPIC_REG_LVT_LINT1), 0x400);
	/* Fixed mode on LINT0 is not the 8259 path. */
	vlapic_mmio_write(&v, VLAPIC_REG_LVT_LINT0, 0x30);
	CHECK(!vlapic_accepts_pic(&v));
}

int main(void)
{
	RUN(test_reset_state);
	RUN(test_xapic_read_only_and_reserved_bits);
	RUN(test_xapic_illegal_register_address);
	RUN(test_svr_software_enable);
	RUN(test_priority_tpr_ppr_eoi);
	RUN(test_apr);
	RUN(test_level_triggered_eoi);
	RUN(test_illegal_vectors);
	RUN(test_x2apic_registers);
	RUN(test_apic_base_transitions);
	RUN(test_init_reset);
	RUN(test_oneshot_timer_divides);
	RUN(test_timer_fractional_ratio);
	RUN(test_timer_long_count);
	RUN(test_periodic_timer);
	RUN(test_timer_mode_change_disarms);
	RUN(test_timer_divide_change_midway);
	RUN(test_tsc_deadline);
	RUN(test_icr_self_and_callback);
	RUN(test_x2apic_icr);
	RUN(test_destination_matching);
	RUN(test_ipi_accept);
	RUN(test_virtual_wire_and_pic);
	return check_summary();
}

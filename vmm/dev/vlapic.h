/*
 * An emulated local APIC for one guest vCPU: xAPIC registers through the
 * MMIO page, x2APIC registers through MSRs 0x800-0x8ff, the
 * IA32_APIC_BASE MSR with its mode transitions, the APIC timer (one-shot,
 * periodic and TSC-deadline) and inter-processor interrupts.
 * Values and behaviour follow Intel SDM Vol. 3A chapter 11 ("Advanced
 * Programmable Interrupt Controller"); section numbers below refer to it.
 *
 * Like the other devices it is a plain state machine: nothing ticks
 * between calls.  Time is the guest's TSC, read through the now_tsc
 * callback; the caller asks vlapic_timer_deadline() when to come back and
 * calls vlapic_tick() then.
 *
 * Interrupt delivery is split for the injector, as in vpic.h:
 *   vlapic_pending_vector()  the vector the APIC would present now, or -1;
 *   vlapic_ack()             once that vector is injected: IRR -> ISR.
 * The guest's EOI write retires the highest in-service vector.
 *
 * IPIs: a fixed IPI whose only target is the sender itself (shorthand
 * "self", the SELF IPI MSR, or its own physical ID) is accepted here.
 * Every other ICR write reaches the ipi callback with the destination
 * (xAPIC: ICR bits 63:56, x2APIC: bits 63:32) and the ICR low word; the
 * caller walks its vCPUs and delivers to those for which
 * vlapic_ipi_is_for() says yes.  That function already leaves the sender
 * out of a fixed or lowest-priority IPI, since the sender accepted its own
 * share before the callback ran.  NMI, INIT, SIPI and SMI are the
 * caller's business (vlapic_ipi_accept() returns their delivery mode);
 * for INIT, vlapic_init_reset() is the APIC side of the job.
 *
 * Simplifications:
 *  - one LVT set of six entries (version 0x50014, max LVT entry 5): no
 *    CMCI register, as on a CPU without CMCI;
 *  - the xAPIC ID register is read-only (the routing of IPIs relies on
 *    the IDs the caller assigned);
 *  - lowest-priority IPIs that name the sender go to the sender alone;
 *  - a level-triggered EOI is reported through the eoi callback (to the
 *    IOAPIC), no directed EOI or EOI-broadcast suppression;
 *  - fixed interrupts arriving while the APIC is software-disabled are
 *    dropped, and nothing is presented until it is enabled again.
 */
#ifndef VMM_VLAPIC_H
#define VMM_VLAPIC_H

#include "hv/types.h"
#include "arch/x86_64/msr.h"     /* the numbers of the MSRs it decodes */

/* xAPIC MMIO register offsets (Table 11-1) */
#define VLAPIC_REG_ID        0x020
#define VLAPIC_REG_VERSION   0x030
#define VLAPIC_REG_TPR       0x080
#define VLAPIC_REG_APR       0x090
#define VLAPIC_REG_PPR       0x0a0
#define VLAPIC_REG_EOI       0x0b0
#define VLAPIC_REG_LDR       0x0d0
#define VLAPIC_REG_DFR       0x0e0
#define VLAPIC_REG_SVR       0x0f0
#define VLAPIC_REG_ISR       0x100     /* 8 registers, 0x10 apart */
#define VLAPIC_REG_TMR       0x180
#define VLAPIC_REG_IRR       0x200
#define VLAPIC_REG_ESR       0x280
#define VLAPIC_REG_LVT_CMCI  0x2f0     /* not implemented, see above */
#define VLAPIC_REG_ICR_LO    0x300
#define VLAPIC_REG_ICR_HI    0x310
#define VLAPIC_REG_LVT_TIMER 0x320
#define VLAPIC_REG_LVT_THERM 0x330
#define VLAPIC_REG_LVT_PERF  0x340
#define VLAPIC_REG_LVT_LINT0 0x350
#define VLAPIC_REG_LVT_LINT1 0x360
#define VLAPIC_REG_LVT_ERROR 0x370
#define VLAPIC_REG_TIMER_ICR 0x380     /* initial count */
#define VLAPIC_REG_TIMER_CCR 0x390     /* current count */
#define VLAPIC_REG_TIMER_DCR 0x3e0     /* divide configuration */
#define VLAPIC_REG_SELF_IPI  0x3f0     /* x2APIC only (MSR 0x83f) */


/* IA32_APIC_BASE bits (11.4.4, 11.12.1) */
#define VLAPIC_BASE_BSP      (1ull << 8)
#define VLAPIC_BASE_EXTD     (1ull << 10)
#define VLAPIC_BASE_EN       (1ull << 11)
#define VLAPIC_BASE_ADDR     0xfee00000ull       /* the reset base */

#define VLAPIC_VERSION       0x00050014u         /* max LVT 5, version 0x14 */

/* Bits shared by the LVT entries and the ICR (Figures 11-8, 11-12) */
#define VLAPIC_LVT_MASKED        (1u << 16)
#define VLAPIC_LVT_TIMER_PERIODIC (1u << 17)
#define VLAPIC_LVT_TIMER_TSC_DL  (2u << 17)
#define VLAPIC_DM_FIXED          0
#define VLAPIC_DM_LOWEST         1
#define VLAPIC_DM_SMI            2
#define VLAPIC_DM_NMI            4
#define VLAPIC_DM_INIT           5
#define VLAPIC_DM_SIPI           6
#define VLAPIC_DM_EXTINT         7
#define VLAPIC_ICR_DELIVERY(lo)  (((lo) >> 8) & 7)
#define VLAPIC_ICR_LOGICAL       (1u << 11)
#define VLAPIC_ICR_LEVEL_ASSERT  (1u << 14)
#define VLAPIC_ICR_TRIGGER_LEVEL (1u << 15)
#define VLAPIC_ICR_SH_SELF       (1u << 18)
#define VLAPIC_ICR_SH_ALL        (2u << 18)
#define VLAPIC_ICR_SH_OTHERS     (3u << 18)

/* Error status bits (Figure 11-9) */
#define VLAPIC_ESR_SEND_ILLEGAL  (1u << 5)
#define VLAPIC_ESR_RECV_ILLEGAL  (1u << 6)
#define VLAPIC_ESR_ILLEGAL_REG   (1u << 7)

#define VLAPIC_NO_DEADLINE   UINT64_MAX

enum vlapic_lvt {      /* in register order, 0x320 + 0x10 * n */
	VLAPIC_LVT_TIMER, VLAPIC_LVT_THERMAL, VLAPIC_LVT_PERF,
	VLAPIC_LVT_LINT0, VLAPIC_LVT_LINT1, VLAPIC_LVT_ERROR,
	VLAPIC_NR_LVT
};

struct vlapic_config {
	uint32_t apic_id;       /* the 32-bit x2APIC ID; xAPIC sees bits 7:0 */
	bool bsp;               /* IA32_APIC_BASE.BSP */
	bool x2apic;            /* CPUID.01H:ECX[21]: EXTD may be set */
	bool tsc_deadline;      /* CPUID.01H:ECX[24]: timer mode 2, MSR 0x6e0 */
	unsigned phys_bits;     /* MAXPHYADDR; base bits above are reserved */
	uint64_t tsc_hz;        /* guest TSC frequency */
	uint64_t bus_hz;        /* APIC timer input before the divider */
	uint64_t (*now_tsc)(void *ctx);
	/* An IPI to deliver elsewhere (see the top of this file); may be NULL. */
	void (*ipi)(void *ctx, uint32_t dest, uint32_t icr_low);
	/* EOI of a level-triggered vector, for the IOAPIC; may be NULL. */
	void (*eoi)(void *ctx, uint8_t vector);
	void *ctx;
};

struct vlapic {
	struct vlapic_config cfg;
	uint64_t base;                  /* IA32_APIC_BASE */
	uint32_t tpr, ldr, dfr, svr;
	uint32_t esr, esr_pending;      /* latched / collected since the last ESR write */
	uint32_t icr_low, icr_high;
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t irr[8], isr[8], tmr[8];        /* bit v%32 of word v/32 */
	uint32_t timer_initial;         /* initial-count register */
	uint32_t timer_dcr;             /* divide configuration register */
	uint64_t timer_start;           /* TSC when timer_count was loaded */
	uint64_t timer_count;           /* count at timer_start */
	uint64_t timer_deadline;        /* TSC of the next expiry */
	uint64_t tsc_deadline;          /* IA32_TSC_DEADLINE */
};

/* Power-up state: xAPIC mode at 0xfee00000, software-disabled. */
void vlapic_init(struct vlapic *v, const struct vlapic_config *cfg);
/* An INIT signal (11.4.7.3, 11.12.5.1): registers reset, ID and mode kept. */
void vlapic_init_reset(struct vlapic *v);
/* What a PC BIOS leaves on the BSP (MP spec virtual wire mode): APIC
 * software-enabled, LINT0 ExtINT and LINT1 NMI unmasked. */
void vlapic_setup_virtual_wire(struct vlapic *v);

/* xAPIC MMIO: offset within the 4 KiB page, 32-bit accesses.  Outside
 * xAPIC mode (disabled or x2APIC) reads give 0 and writes are dropped. */
uint32_t vlapic_mmio_read(struct vlapic *v, uint32_t offset);
void vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t val);

/* True for the MSRs this device decodes (0x1b, 0x6e0, 0x800-0x8ff). */
bool vlapic_owns_msr(uint32_t msr);
/* RDMSR / WRMSR: 0, or -1 when the guest must get #GP(0). */
int vlapic_msr_read(struct vlapic *v, uint32_t msr, uint64_t *val);
int vlapic_msr_write(struct vlapic *v, uint32_t msr, uint64_t val);

uint64_t vlapic_get_base(const struct vlapic *v);
/* WRMSR IA32_APIC_BASE: 0, or -1 (#GP) for reserved bits and illegal
 * transitions (11.12.5).  Disabling resets the registers. */
int vlapic_set_base(struct vlapic *v, uint64_t val);
/* The guest-physical address of the MMIO page, when in xAPIC mode. */
bool vlapic_mmio_enabled(const struct vlapic *v);
gpa_t vlapic_mmio_base(const struct vlapic *v);

/* A fixed interrupt from the IOAPIC, an MSI or the sender itself. */
void vlapic_accept_irq(struct vlapic *v, uint8_t vector, bool level);
int vlapic_pending_vector(const struct vlapic *v);
/* Acknowledge vector, which must be what vlapic_pending_vector()
 * returned; anything else is ignored. */
void vlapic_ack(struct vlapic *v, int vector);
/* MOV from/to CR8 in a 64-bit guest: TPR bits 7:4 (11.8.6). */
uint64_t vlapic_get_cr8(const struct vlapic *v);
void vlapic_set_cr8(struct vlapic *v, uint64_t cr8);
/* True if the 8259's INTR output reaches this CPU: the APIC is globally
 * disabled, or LINT0 is unmasked in ExtINT mode. */
bool vlapic_accepts_pic(const struct vlapic *v);

/* Should an interrupt message reach v?  dest and icr_low as handed to the
 * ipi callback (also fits an IOAPIC/MSI destination with bit 11 set for
 * logical mode); is_sender when v is the vCPU that wrote the ICR. */
bool vlapic_ipi_is_for(const struct vlapic *v, uint32_t dest,
		       uint32_t icr_low, bool is_sender);
/* Take an IPI at a target: fixed and lowest-priority are accepted (0 is
 * returned); other delivery modes are returned for the caller to act on. */
int vlapic_ipi_accept(struct vlapic *v, uint32_t icr_low);

/* Guest TSC of the next timer expiry, VLAPIC_NO_DEADLINE if none. */
uint64_t vlapic_timer_deadline(const struct vlapic *v);
/* Fire the timer if it expired by now_tsc (at most one interrupt, however
 * late the call is); periodic timers re-arm on their own grid. */
void vlapic_tick(struct vlapic *v, uint64_t now_tsc);
/* The guest's TSC jumped by delta (modulo 2^64): a WRMSR to IA32_TSC or
 * IA32_TSC_ADJUST.  A TSC deadline stays where it is; a one-shot or
 * periodic count keeps the time it has left. */
void vlapic_tsc_moved(struct vlapic *v, uint64_t delta);

#endif

/*
 * The guest's ACPI fixed-hardware power-management registers: the PM1a
 * event and control blocks and the PM timer, as the FADT built by
 * vmm/dev/acpi_guest.c describes them (ACPI 6.5, 4.8.3).
 *
 * Ports, given to vpm_read / vpm_write as port - pm_base (pm_base is
 * VPM_DEFAULT_BASE unless the partition chose another):
 *   0x00  PM1a_STS  16 bits, write 1 to clear
 *   0x02  PM1a_EN   16 bits
 *   0x04  PM1a_CNT  16 bits: SCI_EN (always 1), SLP_TYP, SLP_EN
 *   0x06  (gap, reads all ones)
 *   0x08  PM_TMR    32 bits, read only, 3.579545 MHz (TMR_VAL_EXT)
 * Any access width (1, 2, 4) at any offset works byte by byte, so a
 * 32-bit read at 0 returns STS in the low half and EN in the high half,
 * as a 4-byte PM1 event block does on real chipsets.
 *
 * There is no SMI and no legacy mode: the FADT's SMI_CMD is 0, so ACPI
 * mode is permanent and SCI_EN reads 1.  Writing SLP_EN asks the caller
 * to act: VPM_POWER_OFF for the \_S5 SLP_TYP (VPM_S5_SLP_TYP), VPM_SLEEP
 * for any other value.  The timer is computed from the caller's
 * nanosecond clock at each read; nothing ticks between calls.
 *
 * The SCI (IRQ 9 by default) is not injected by this device: the caller
 * asks vpm_sci_pending() and holds the line while it says true (the SCI
 * is level-triggered, ACPI 6.5, 5.2.9).
 */
#ifndef VMM_VPM_H
#define VMM_VPM_H

#include <stdint.h>
#include <stdbool.h>

#define VPM_DEFAULT_BASE  0x600
#define VPM_NPORTS        12
#define VPM_PM1_EVT_OFF   0x00          /* PM1a_STS, then PM1a_EN */
#define VPM_PM1_EVT_LEN   4
#define VPM_PM1_STS_OFF   0x00
#define VPM_PM1_EN_OFF    0x02
#define VPM_PM1_CNT_OFF   0x04
#define VPM_PM1_CNT_LEN   2
#define VPM_PM_TMR_OFF    0x08
#define VPM_PM_TMR_LEN    4
#define VPM_TMR_HZ        3579545ull    /* ACPI 6.5, 4.8.3.3 */

/* The SLP_TYP value the guest DSDT's \_S5 package names. */
#define VPM_S5_SLP_TYP    5

/* PM1 status and enable bits (ACPI 6.5, 4.8.3.1.1 and 4.8.3.1.2) */
#define VPM_TMR_STS       (1u << 0)
#define VPM_BM_STS        (1u << 4)
#define VPM_GBL_STS       (1u << 5)
#define VPM_PWRBTN_STS    (1u << 8)
#define VPM_SLPBTN_STS    (1u << 9)
#define VPM_RTC_STS       (1u << 10)
#define VPM_PCIEXP_WAKE_STS (1u << 14)
#define VPM_WAK_STS       (1u << 15)
#define VPM_TMR_EN        (1u << 0)
#define VPM_GBL_EN        (1u << 5)
#define VPM_PWRBTN_EN     (1u << 8)
#define VPM_SLPBTN_EN     (1u << 9)
#define VPM_RTC_EN        (1u << 10)
#define VPM_PCIEXP_WAKE_DIS (1u << 14)

/* PM1 control bits (ACPI 6.5, 4.8.3.2.1) */
#define VPM_SCI_EN        (1u << 0)
#define VPM_BM_RLD        (1u << 1)
#define VPM_GBL_RLS       (1u << 2)
#define VPM_SLP_TYP_SHIFT 10
#define VPM_SLP_TYP_MASK  (7u << VPM_SLP_TYP_SHIFT)
#define VPM_SLP_EN        (1u << 13)

typedef uint64_t (*vpm_clock_fn)(void *ctx);

enum vpm_action {
	VPM_NONE = 0,
	VPM_POWER_OFF,          /* SLP_EN with SLP_TYP == VPM_S5_SLP_TYP */
	VPM_SLEEP,              /* SLP_EN with another SLP_TYP (S1-S4) */
};

struct vpm {
	uint16_t sts;           /* latched status bits */
	uint16_t en;
	uint16_t cnt;           /* stored control bits (BM_RLD, SLP_TYP) */
	uint64_t tmr_base_ns;   /* clock time at which PM_TMR read 0 */
	uint64_t tmr_half;      /* timer ticks >> 31 when last looked at */
	vpm_clock_fn now_ns;
	void *clock_ctx;
};

void vpm_init(struct vpm *p, vpm_clock_fn now_ns, void *clock_ctx);

/* Read size (1, 2 or 4) bytes at offset off from pm_base. */
uint32_t vpm_read(struct vpm *p, uint16_t off, unsigned size);

/* Write size bytes; says whether the guest asked to sleep or power off. */
enum vpm_action vpm_write(struct vpm *p, uint16_t off, unsigned size, uint32_t val);

/* true while an enabled status bit is set: the SCI line is asserted. */
bool vpm_sci_pending(struct vpm *p);

#endif

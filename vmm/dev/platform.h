/*
 * The PC platform each guest sees: the devices an unmodified OS expects,
 * one set per partition, and how their interrupts reach the vCPU.
 *
 *   port 0x20/0xa0/0x4d0  8259 PIC pair     port 0x40-0x43, 0x61  8254 PIT
 *   port 0x70/0x71        CMOS/RTC           port 0x3f8-0x3ff      16550 UART (IRQ 4)
 *   port 0x510/0x511      QEMU fw_cfg        port 0x600-0x60b      ACPI PM1 + PM timer
 *   port 0x60/0x64        keyboard controller (its reset line)
 *   port 0xcf8-0xcff      PCI configuration: no devices
 *   MMIO 0xfee00000       local APIC (xAPIC), or x2APIC MSRs
 */
#ifndef VMM_PLATFORM_H
#define VMM_PLATFORM_H

#include "hv/types.h"
#include "vmm/dev/vpic.h"
#include "vmm/dev/vpit.h"
#include "vmm/dev/vrtc.h"
#include "vmm/dev/fwcfg.h"
#include "vmm/dev/vlapic.h"
#include "vmm/dev/vpm.h"
#include "vmm/vcpu/exit_result.h"

struct platform {
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct fwcfg fwcfg;
	struct vlapic lapic;
	struct vpm pm;
	uint32_t pci_addr;           /* last value written to 0xcf8 */
	/*
	 * The fast path: nothing about interrupts can change until a device
	 * is touched (dirty) or the next timer expires (next_event, in TSC
	 * ticks), so most exits skip the device work entirely.
	 */
	bool dirty;
	uint64_t next_event;
	uint64_t injected_pic, injected_apic;   /* for the debug line */
	uint8_t kbd_cmd;             /* keyboard controller: pending command */
};

struct vcpu;
struct partition;

void platform_reset(struct partition *p);
/* A device's interrupt or timer state may have changed. */
static inline void platform_touch(struct platform *pf) { pf->dirty = true; }
/* Before each VM entry: advance timers, raise and inject interrupts. */
void platform_inject(struct vcpu *v);
/* HLT with interrupts on: sleep until the next guest timer or interrupt.
 * Returns false if nothing can ever wake the guest. */
bool platform_wait(struct vcpu *v);
/* An EPT violation outside RAM: emulate it if a device lives there
 * (EXIT_HANDLED or EXIT_GUEST_ENDED), else EXIT_UNHANDLED. */
enum exit_result platform_mmio(struct vcpu *v, uint64_t gpa);
/* Minimal ACPI (RSDP, XSDT, RSDT, FADT, FACS, DSDT with \_S5; no MADT) at gpa 0xe0000. */
bool platform_load_firmware_tables(struct partition *p);

#define PLATFORM_PM_BASE 0x600

#endif

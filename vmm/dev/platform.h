/*
 * The PC platform each guest sees: the devices an unmodified OS expects,
 * one set per partition, wired together.  The local APICs are the
 * vCPUs' own (struct vcpu); the 8259's output reaches the boot vCPU's
 * LINT0 only, as on a PC where the BIOS leaves only the BSP in
 * virtual-wire mode.  Plain C over the device models:
 * no VMCS here.  How a pending vector reaches the vCPU is
 * vmm/vcpu/inject.c; which exits reach which device is vmm/vcpu/io.c,
 * msr.c and mmio.c.
 *
 *   port 0x20/0xa0/0x4d0  8259 PIC pair     port 0x40-0x43, 0x61  8254 PIT
 *   port 0x70/0x71        CMOS/RTC           port 0x3f8-0x3ff      16550 UART (IRQ 4)
 *   port 0x510/0x511      QEMU fw_cfg        port 0x600-0x60b      ACPI PM1 + PM timer
 *   port 0x60/0x64        keyboard controller (its reset line)
 *   port 0xcf8-0xcff      PCI configuration: no devices
 *   MMIO 0xfeb00000       virtio-net 0 (vmm/net/net.h), IRQ 10, if configured
 *   MMIO 0xfeb01000       virtio-net 1, IRQ 11
 *   MMIO 0xfec00000       I/O APIC: ISA IRQ n on pin n (the PIT on pin 2)
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
#include "vmm/dev/vuart.h"
#include "vmm/dev/vioapic.h"
#include "vmm/dev/virtio_net.h"

/* The virtio-net devices' fixed windows and lines (IRQ 10 and 11 are
 * free on this platform: see the map above). */
#define PLATFORM_MAX_VNET     2
#define PLATFORM_VNET_BASE    0xfeb00000u
#define PLATFORM_VNET_STRIDE  0x1000u
#define PLATFORM_VNET_GPA(n)  (PLATFORM_VNET_BASE + (uint32_t)(n) * PLATFORM_VNET_STRIDE)
#define PLATFORM_VNET_IRQ(n)  (10 + (int)(n))

struct platform {
	struct vuart uart;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;
	struct fwcfg fwcfg;
	struct vpm pm;
	struct vioapic ioapic;
	const struct vnet *vnet[PLATFORM_MAX_VNET];   /* the partition's, or NULL */
	uint32_t pci_addr;           /* last value written to 0xcf8 */
	/*
	 * The fast path: nothing about interrupts can change until a device
	 * is touched (dirty) or the next timer expires (next_event, in TSC
	 * ticks), so most exits skip the device work entirely.
	 */
	bool dirty;
	uint64_t next_event;
	/* The devices' own next timer (PIT, RTC), host TSC: until then, and
	 * with nothing touched, their interrupt lines stay where they are,
	 * and a local APIC timer alone needs no look at them. */
	uint64_t next_device_event;
	uint64_t injected_pic, injected_apic;   /* for the debug line */
	uint8_t kbd_cmd;             /* keyboard controller: pending command */
};

/* What a platform needs to know of its partition. */
struct platform_config {
	uint64_t ram_size;
	unsigned ncpus;              /* vCPUs, for fw_cfg (0 counts as 1) */
	vuart_line_fn console_line;  /* a line the guest printed on its UART */
	void *console_ctx;
	/* the I/O APIC's messages (vioapic.h), NULL to drop them */
	void (*ioapic_deliver)(void *ctx, uint32_t dest, uint32_t msg);
	void *ioapic_ctx;
	/* the virtio-net devices whose lines are PLATFORM_VNET_IRQ(n) */
	const struct vnet *vnet[PLATFORM_MAX_VNET];
};

/* Every device back to its power-on state, for a (re)boot of the guest. */
void platform_reset(struct platform *pf, const struct platform_config *cfg);
/* The local APIC of vCPU `id` (APIC ID id, the BSP if 0) at power-on; on
 * the BSP as a PC BIOS leaves it.  ipi(ctx, ...) gets the IPIs it sends
 * to others and eoi(ctx, ...) its EOIs of level-triggered vectors (see
 * vlapic.h), NULL drops them; now_tsc(ctx) is its vCPU's TSC (NULL: the
 * host's). */
void platform_lapic_reset(struct vlapic *l, unsigned id,
			  void (*ipi)(void *ctx, uint32_t dest, uint32_t icr_low),
			  void (*eoi)(void *ctx, uint8_t vector),
			  uint64_t (*now_tsc)(void *ctx), void *ctx);
/* The host TSC at which a vCPU's TSC (host + tsc_offset) reaches guest:
 * now if it has, UINT64_MAX for VLAPIC_NO_DEADLINE. */
uint64_t platform_host_tsc(uint64_t guest, uint64_t tsc_offset);
/* A device's interrupt or timer state may have changed. */
static inline void platform_touch(struct platform *pf) { pf->dirty = true; }
/* Advance the shared devices' timers to TSC `now` and sample every
 * device's interrupt line into the PIC. */
void platform_update(struct platform *pf, uint64_t now);
/* The vector the vCPU whose local APIC is l would take next: the local
 * APIC's, else the PIC's through LINT0 if pf is given (the boot vCPU);
 * *from_pic says which; -1 if none. */
int platform_next_vector(struct platform *pf, struct vlapic *l, bool *from_pic);
/* The vCPU takes `vec` now: move it from pending to in service. */
void platform_ack(struct platform *pf, struct vlapic *l, int vec, bool from_pic);
/* Host TSC of the next timer interrupt l (whose vCPU's TSC is host +
 * tsc_offset) or, if given, a shared device will raise; UINT64_MAX if none. */
uint64_t platform_next_deadline(struct platform *pf, const struct vlapic *l, uint64_t tsc_offset);
/* The PIT's and the RTC's next interrupt in host TSC, UINT64_MAX if none. */
uint64_t platform_next_device_deadline(struct platform *pf);

#define PLATFORM_PM_BASE  0x600
#define PLATFORM_PIT_GSI  2          /* the I/O APIC pin of ISA IRQ 0 */
#define PLATFORM_ACPI_GPA 0xe0000    /* where the guest's ACPI tables go */

/* Lay out the guest's ACPI tables (see vmm/dev/acpi_guest.h) for ncpus
 * vCPUs and nvnet virtio-net devices in buf, for copying to
 * PLATFORM_ACPI_GPA.  Returns their size, 0 if cap is short. */
size_t platform_firmware_tables(uint8_t *buf, size_t cap, unsigned ncpus, unsigned nvnet);

#endif

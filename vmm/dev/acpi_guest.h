/*
 * The ACPI tables a guest boots with: just enough for an unmodified
 * Linux to power off through S5 (FADT + DSDT \_S5 + the PM1 ports that
 * vmm/dev/vpm.c emulates) and, optionally, to find its CPUs' local APICs
 * in a MADT.  The platform (vmm/dev/platform.c) leaves the MADT out; see
 * no_madt below.
 *
 * acpi_guest_build() lays the tables out in a buffer that the caller
 * copies into guest memory at guest-physical address gpa:
 *
 *   gpa + 0x00  RSDP (rev 2)  --> XSDT --+--> FADT --> FACS, DSDT
 *   gpa + 0x40  FACS              RSDT --+--> MADT (unless no_madt)
 *   gpa + 0x80  XSDT, RSDT, FADT, [MADT,] DSDT (each 8-byte aligned)
 *
 * Putting the RSDP first means that a gpa in 0xE0000-0xFFFFF (the BIOS
 * area a legacy OS scans, ACPI 6.5, 5.2.5.1) needs no other hint; else
 * hand *rsdp_gpa_out to the guest (Linux: boot_params.acpi_rsdp_addr).
 * The range should be reserved (or ACPI-reclaimable) in the guest's
 * memory map, since the FACS is firmware memory the OS may write.
 *
 * What the guest sees: with a MADT, CPUs with APIC ids 0..ncpus-1 at the
 * xAPIC default address and dual 8259s (PCAT_COMPAT); an I/O APIC (id
 * ncpus, GSIs 0-23) only if ioapic_addr is given, with the PC's
 * overrides (ISA IRQ 0 on GSI 2, the SCI level-triggered active high); no SMI (ACPI mode is permanent);
 * a 32-bit PM timer; no fixed power or sleep button; no GPE blocks;
 * legacy ISA devices but no 8042, no VGA and no MSI.
 *
 * Virtio-mmio devices, if any, are in the DSDT the way Linux looks for
 * them on ACPI systems (drivers match the _HID "LNRO0005"):
 *
 *   Scope (\_SB) {
 *     Device (VRTn) {
 *       Name (_HID, "LNRO0005")
 *       Name (_UID, n)
 *       Name (_CRS, ResourceTemplate () {
 *         Memory32Fixed (ReadWrite, base, size)
 *         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { irq }
 *       })
 *     } ...
 *   }
 *
 * after the \_S5_ object; with none, the tables are what they were
 * before devices could be listed, byte for byte.
 */
#ifndef VMM_ACPI_GUEST_H
#define VMM_ACPI_GUEST_H

#include "hv/types.h"

#define ACPI_GUEST_MAX_CPUS     255     /* xAPIC ids 0..254; 0xff is broadcast */
#define ACPI_GUEST_SCI_IRQ      9       /* the PIIX4 convention, ISA IRQ 9 */
#define ACPI_GUEST_OEM_ID       "HVHVHV"
#define ACPI_GUEST_LAPIC_ADDR   0xFEE00000u
#define ACPI_GUEST_ALIGN        64      /* gpa alignment (the FACS needs 64) */
#define ACPI_GUEST_MAX_VIRTIO   8
#define ACPI_GUEST_VIRTIO_HID   "LNRO0005"

/* One virtio-mmio device: its register window and its interrupt (GSI). */
struct acpi_guest_virtio {
	uint32_t base, size;
	uint8_t irq;
};

/* Zero fields (or a NULL cfg) take the defaults in the comments. */
struct acpi_guest_config {
	unsigned ncpus;         /* 1..ACPI_GUEST_MAX_CPUS; 0 = 1 */
	uint16_t pm_base;       /* PM1a_EVT at +0, PM1a_CNT +4, PM_TMR +8;
				   0 = VPM_DEFAULT_BASE (0x600) */
	uint8_t sci_irq;        /* 0 = ACPI_GUEST_SCI_IRQ */
	const char *oem_id;     /* up to 6 characters; NULL = "HVHVHV" */
	/* Leave the MADT out.  A guest with no I/O APIC is better off so:
	 * Linux, given a MADT, goes to symmetric I/O mode and masks LINT0,
	 * cutting the 8259 off; without one it runs the local APIC in
	 * virtual-wire mode with the 8259 behind LINT0. */
	bool no_madt;
	/* With a MADT: the guest-physical address of an I/O APIC to list
	 * (0: none, and the OS keeps the 8259). */
	uint32_t ioapic_addr;
	/* virtio-mmio devices for the DSDT, VRT0 first */
	struct acpi_guest_virtio virtio[ACPI_GUEST_MAX_VIRTIO];
	unsigned nvirtio;
};

/* Bytes acpi_guest_build() needs for ncpus CPUs (0 counts as 1) and no
 * virtio device; each device adds at most ACPI_GUEST_VIRTIO_BYTES. */
#define ACPI_GUEST_VIRTIO_BYTES 72
size_t acpi_guest_size(unsigned ncpus);

/*
 * Build every table into buf[0..cap) for guest-physical address gpa
 * (ACPI_GUEST_ALIGN-aligned, the whole range below 4 GiB so the RSDT's
 * 32-bit pointers reach it).  Returns the bytes used and sets
 * *rsdp_gpa_out, or returns 0 (and logs why) if cap is too small or an
 * argument is out of range.
 */
size_t acpi_guest_build(uint8_t *buf, size_t cap, gpa_t gpa,
			const struct acpi_guest_config *cfg, gpa_t *rsdp_gpa_out);

#endif

/*
 * ACPI tables: just enough to start the other CPUs and to power off.
 *
 * acpi_parse() finds the RSDP (the Multiboot2 copy, else the BIOS areas),
 * walks the XSDT or RSDT and reads:
 *   MADT ("APIC")  the enabled/online-capable CPUs' APIC ids and the
 *                  local APIC address;
 *   FADT ("FACP")  the PM1a/PM1b control ports and, from the DSDT's
 *                  \_S5 object, the SLP_TYP values for soft-off; the
 *                  PM timer's port and width (to measure the TSC by).
 * Every table is checked (signature, length, checksum) before it is used;
 * a bad one is logged as "hv: acpi: <table>: <problem>" and skipped.
 *
 * Physical memory is reached only through a caller-supplied map function,
 * so the parser runs unchanged in host unit tests over a fake memory.
 *
 * Reference: ACPI Specification 6.5, chapter 5.2 (tables) and 20 (AML).
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include "hv/types.h"

#define ACPI_MAX_CPUS      64
#define ACPI_MAX_TABLE_LEN MIB(1)   /* anything larger is taken as garbage */

/*
 * Return a pointer through which len bytes at physical address phys can
 * be read, or NULL if that range cannot be mapped.  The parser keeps
 * several results in use at once and reads nothing through them after
 * acpi_parse() returns.  With the kernel's identity map of low memory
 * this is simply (const void *)phys.
 */
typedef const void *(*acpi_map_fn)(uint64_t phys, size_t len);

enum acpi_error {
	ACPI_OK           = 0,
	ACPI_ERR_NO_RSDP  = -1, /* no valid RSDP anywhere */
	ACPI_ERR_NO_ROOT  = -2, /* neither XSDT nor RSDT usable */
};

#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_ISOS    16

struct acpi_info {
	bool found;             /* a valid RSDP and root table were found */
	int revision;           /* RSDP revision: 0 = ACPI 1.0, 2+ = ACPI 2.0+ */
	char oem[7];            /* RSDP OEMID, NUL-terminated */

	bool has_madt;
	uint64_t lapic_addr;    /* 0 without a MADT */
	unsigned ncpus;         /* usable CPUs, in MADT order (BSP first) */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	unsigned nioapics;      /* I/O APICs (the first ACPI_MAX_IOAPICS) */
	struct { uint8_t id; uint32_t addr, gsi_base; } ioapics[ACPI_MAX_IOAPICS];
	unsigned nisos;         /* interrupt source overrides (the first ACPI_MAX_ISOS) */
	struct { uint8_t irq; uint32_t gsi; uint16_t flags; } isos[ACPI_MAX_ISOS];

	bool has_fadt;
	uint16_t pm1a_cnt, pm1b_cnt;    /* I/O ports, 0 = absent */
	/* has_s5: \_S5 found and PM1a_CNT known, so the S5 write can work. */
	bool has_s5;
	uint8_t slp_typa, slp_typb;
	uint16_t pm_tmr;        /* PM timer I/O port (3.579545 MHz), 0 = absent */
	bool pm_tmr_32bit;      /* TMR_VAL_EXT: it counts 32 bits, else 24 */
};

/*
 * Fill *out from the firmware's tables.  rsdp_copy/rsdp_len are the
 * Multiboot2 RSDP tag's copy (struct mb2_info rsdp/rsdp_len), or
 * NULL/0 to scan the EBDA and 0xE0000-0xFFFFF.  Returns ACPI_OK when the
 * root table was usable (missing MADT/FADT only leave their fields
 * zero), else a negative enum acpi_error.
 */
int acpi_parse(const void *rsdp_copy, size_t rsdp_len, acpi_map_fn map,
	       struct acpi_info *out);

/* PM1 control register (ACPI 6.5, 4.8.3.2.1, table 4.13): SLP_TYP in
 * bits 12:10, SLP_EN bit 13.  Soft-off writes acpi_pm1_s5_value(slp_typa)
 * to pm1a_cnt and, if pm1b_cnt is nonzero, (slp_typb) to pm1b_cnt. */
#define ACPI_PM1_SLP_TYP_SHIFT 10
#define ACPI_PM1_SLP_EN        (1u << 13)

static inline uint16_t acpi_pm1_s5_value(uint8_t slp_typ)
{
	return (uint16_t)(((slp_typ & 7u) << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
}

#endif

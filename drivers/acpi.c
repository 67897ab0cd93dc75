/*
 * ACPI table discovery and the few tables the hypervisor reads
 * (ACPI Specification 6.5, section 5.2):
 *
 *   RSDP --(rev >= 2)--> XSDT --+--> "APIC" MADT: CPUs, local APIC address
 *        \--------------> RSDT -+--> "FACP" FADT: PM1 ports, PM timer --> DSDT: \_S5
 *
 * Firmware tables are input like any other: every length is checked
 * against what was mapped before a byte is read, and every table's
 * checksum is verified before it is used.  Fields are read byte-wise
 * because nothing guarantees their alignment.
 */
#include "drivers/acpi.h"
#include "hv/log.h"
#include "hv/string.h"

/* RSDP (5.2.5.3) */
#define RSDP_SIG          "RSD PTR "
#define RSDP_V1_LEN       20
#define RSDP_V2_LEN       36
#define RSDP_CHECKSUM_OFF 8
#define RSDP_OEM_OFF      9
#define RSDP_REV_OFF      15
#define RSDP_RSDT_OFF     16
#define RSDP_LENGTH_OFF   20
#define RSDP_XSDT_OFF     24

/* Where a BIOS keeps the RSDP (5.2.5.1). */
#define BDA_EBDA_SEG      0x40E
#define EBDA_SCAN_LEN     KIB(1)
#define EBDA_LOW_LIMIT    0x500          /* above the BIOS data area */
#define EBDA_HIGH_LIMIT   0xA0000        /* below video memory */
#define BIOS_ROM_START    0xE0000
#define BIOS_ROM_LEN      0x20000
#define RSDP_SCAN_STEP    16

/* System description table header (5.2.6) */
#define SDT_HEADER_LEN    36
#define SDT_LENGTH_OFF    4

/* MADT (5.2.12) and its interrupt controller structures */
#define MADT_LAPIC_ADDR_OFF 36
#define MADT_ENTRIES_OFF    44
#define MADT_LAPIC          0   /* 5.2.12.2: uid u8 @2, id u8 @3, flags @4 */
#define MADT_IOAPIC         1   /* 5.2.12.3: id u8 @2, address u32 @4, GSI base u32 @8 */
#define MADT_ISO            2   /* 5.2.12.5: bus @2, source @3, GSI u32 @4, flags u16 @8 */
#define MADT_LAPIC_OVERRIDE 5   /* 5.2.12.8: address u64 @4 */
#define MADT_X2APIC         9   /* 5.2.12.12: id u32 @4, flags @8 */
#define MADT_LAPIC_LEN      8
#define MADT_IOAPIC_LEN     12
#define MADT_ISO_LEN        10
#define MADT_OVERRIDE_LEN   12
#define MADT_X2APIC_LEN     16
/* Local APIC flags (table 5.23): enabled, or can be brought online. */
#define MADT_CPU_ENABLED        (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)

/* FADT (5.2.9, table 5.9) */
#define FADT_DSDT_OFF       40
#define FADT_PM1A_CNT_OFF   64
#define FADT_PM1B_CNT_OFF   68
#define FADT_PM_TMR_OFF     76
#define FADT_PM_TMR_LEN_OFF 91           /* 4 if there is a PM timer */
#define FADT_FLAGS_OFF      112
#define FADT_V1_LEN         116          /* ACPI 1.0 FADT ends here */
#define FADT_X_DSDT_OFF     140
#define FADT_X_PM1A_CNT_OFF 172
#define FADT_X_PM1B_CNT_OFF 184
#define FADT_X_PM_TMR_OFF   208
#define FADT_PM_TMR_LEN     4
#define FADT_TMR_VAL_EXT    (1u << 8)    /* flags: the PM timer has 32 bits */
#define GAS_LEN             12           /* generic address, 5.2.3.2 */
#define GAS_ADDR_OFF        4
#define GAS_SPACE_IO        1

/* AML encoding (20.2) used by the \_S5 package */
#define AML_NAME_OP    0x08
#define AML_ROOT_CHAR  '\\'
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP    0x00
#define AML_ONE_OP     0x01
#define AML_BYTE_PFX   0x0A
#define AML_WORD_PFX   0x0B
#define AML_DWORD_PFX  0x0C
#define ACPI_SLP_TYP_MAX 7      /* SLP_TYP is a 3-bit field */

struct acpi_ctx {
	acpi_map_fn map;
	struct acpi_info *out;
	unsigned cpus_dropped;
};

/* A checked table: where it is mapped and how long it says it is. */
struct acpi_table {
	const uint8_t *p;
	uint32_t len;
};

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* "hv: acpi: <what>: <message>" */
__attribute__((format(printf, 2, 3)))
static void acpi_log(const char *what, const char *fmt, ...)
{
	va_list ap;

	log_printf("hv: acpi: %s: ", what);
	va_start(ap, fmt);
	log_vprintf(fmt, ap);
	va_end(ap);
	log_printf("\n");
}

static uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* A signature as a printable C string, for log lines. */
static const char *acpi_sig_str(const uint8_t *sig, char buf[5])
{
	for (int i = 0; i < 4; i++)
		buf[i] = sig[i] >= 0x20 && sig[i] < 0x7f ? (char)sig[i] : '?';
	buf[4] = '\0';
	return buf;
}

static const void *acpi_map(const struct acpi_ctx *c, uint64_t phys, size_t len)
{
	if (phys > ~0ull - len)
		return NULL;
	return c->map(phys, len);
}

/* ---- RSDP ----------------------------------------------------------------- */

static const char acpi_no_rsdp_sig[] = "no signature";

/* Why the bytes at p (avail readable) are not a valid RSDP, or NULL if
 * they are one.  acpi_no_rsdp_sig is the quiet case: the scan probes
 * every 16 bytes and most hold no RSDP at all. */
static const char *acpi_rsdp_problem(const uint8_t *p, size_t avail)
{
	uint32_t len;

	if (avail < RSDP_V1_LEN || memcmp(p, RSDP_SIG, 8) != 0)
		return acpi_no_rsdp_sig;
	if (acpi_sum(p, RSDP_V1_LEN) != 0)
		return "bad checksum";
	if (p[RSDP_REV_OFF] < 2)
		return NULL;
	len = avail >= RSDP_V2_LEN ? rd32(p + RSDP_LENGTH_OFF) : 0;
	if (len < RSDP_V2_LEN || len > avail)
		return "revision 2+ with a bad length";
	if (acpi_sum(p, len) != 0)
		return "bad extended checksum";
	return NULL;
}

/* Scan [phys, phys+len) on 16-byte boundaries (5.2.5.1). */
static const uint8_t *acpi_scan(const struct acpi_ctx *c, uint64_t phys, size_t len)
{
	const uint8_t *area = acpi_map(c, phys, len);

	if (!area) {
		acpi_log("RSDP", "cannot map 0x%llx-0x%llx to scan",
			 (unsigned long long)phys, (unsigned long long)(phys + len - 1));
		return NULL;
	}
	for (size_t off = 0; off + RSDP_V1_LEN <= len; off += RSDP_SCAN_STEP) {
		const char *why = acpi_rsdp_problem(area + off, len - off);

		if (!why)
			return area + off;
		if (why != acpi_no_rsdp_sig)
			acpi_log("RSDP", "candidate at 0x%llx: %s",
				 (unsigned long long)(phys + off), why);
	}
	return NULL;
}

/* The EBDA's segment is stored at 40:0Eh; ignore implausible values. */
static const uint8_t *acpi_scan_ebda(const struct acpi_ctx *c)
{
	const uint8_t *bda = acpi_map(c, BDA_EBDA_SEG, 2);
	uint64_t ebda;

	if (!bda)
		return NULL;
	ebda = (uint64_t)rd16(bda) << 4;
	if (ebda < EBDA_LOW_LIMIT || ebda + EBDA_SCAN_LEN > EBDA_HIGH_LIMIT)
		return NULL;
	return acpi_scan(c, ebda, EBDA_SCAN_LEN);
}

static const uint8_t *acpi_find_rsdp(const struct acpi_ctx *c, const void *copy, size_t len)
{
	const uint8_t *r;

	if (copy) {
		const char *why = acpi_rsdp_problem(copy, len);

		if (!why)
			return copy;
		acpi_log("RSDP", "multiboot2 copy: %s, scanning BIOS areas", why);
	}
	r = acpi_scan_ebda(c);
	if (!r)
		r = acpi_scan(c, BIOS_ROM_START, BIOS_ROM_LEN);
	if (!r)
		acpi_log("RSDP", "not found");
	return r;
}

/* ---- tables ---------------------------------------------------------------- */

/* Map the table at phys and check it; sig NULL accepts any signature. */
static bool acpi_load(const struct acpi_ctx *c, uint64_t phys, const char *sig,
		      struct acpi_table *t)
{
	const uint8_t *h = phys ? acpi_map(c, phys, SDT_HEADER_LEN) : NULL;
	char name[5];

	if (!phys) {
		acpi_log(sig ? sig : "table", "null address");
		return false;
	}
	if (!h) {
		acpi_log(sig ? sig : "table", "cannot map header at 0x%llx", (unsigned long long)phys);
		return false;
	}
	acpi_sig_str(h, name);
	if (sig && memcmp(h, sig, 4) != 0) {
		acpi_log(sig, "found signature '%s' at 0x%llx instead", name, (unsigned long long)phys);
		return false;
	}
	t->len = rd32(h + SDT_LENGTH_OFF);
	if (t->len < SDT_HEADER_LEN || t->len > ACPI_MAX_TABLE_LEN) {
		acpi_log(name, "length %u out of range (%d to %llu)", t->len, SDT_HEADER_LEN,
			 (unsigned long long)ACPI_MAX_TABLE_LEN);
		return false;
	}
	t->p = acpi_map(c, phys, t->len);
	if (!t->p) {
		acpi_log(name, "cannot map %u bytes at 0x%llx", t->len, (unsigned long long)phys);
		return false;
	}
	if (acpi_sum(t->p, t->len) != 0) {
		acpi_log(name, "bad checksum");
		return false;
	}
	return true;
}

/* ---- MADT ---------------------------------------------------------------- */

static void madt_add_cpu(struct acpi_ctx *c, uint32_t apic_id, uint32_t flags)
{
	struct acpi_info *out = c->out;

	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;         /* disabled: firmware says do not start it */
	/* Firmware may list one CPU as both LAPIC and x2APIC. */
	for (unsigned i = 0; i < out->ncpus; i++)
		if (out->apic_ids[i] == apic_id)
			return;
	if (out->ncpus == ACPI_MAX_CPUS) {
		c->cpus_dropped++;
		return;
	}
	out->apic_ids[out->ncpus++] = apic_id;
}

/* One interrupt controller structure of e[1] bytes. */
static void madt_entry(struct acpi_ctx *c, const uint8_t *e)
{
	static const uint8_t need[] = {
		[MADT_LAPIC] = MADT_LAPIC_LEN,
		[MADT_IOAPIC] = MADT_IOAPIC_LEN,
		[MADT_ISO] = MADT_ISO_LEN,
		[MADT_LAPIC_OVERRIDE] = MADT_OVERRIDE_LEN,
		[MADT_X2APIC] = MADT_X2APIC_LEN,
	};

	if (e[0] >= ARRAY_SIZE(need) || need[e[0]] == 0)
		return;         /* NMI sources, ...: not ours to read */
	if (e[1] < need[e[0]]) {
		acpi_log("APIC", "type %u entry length %u < %u, skipped", e[0], e[1], need[e[0]]);
		return;
	}
	struct acpi_info *out = c->out;

	if (e[0] == MADT_LAPIC)
		madt_add_cpu(c, e[3], rd32(e + 4));
	else if (e[0] == MADT_IOAPIC && out->nioapics < ACPI_MAX_IOAPICS)
		out->ioapics[out->nioapics++] = (typeof(out->ioapics[0])){ e[2], rd32(e + 4), rd32(e + 8) };
	else if (e[0] == MADT_ISO && e[2] == 0 && out->nisos < ACPI_MAX_ISOS)
		out->isos[out->nisos++] = (typeof(out->isos[0])){ e[3], rd32(e + 4),
								  (uint16_t)(e[8] | e[9] << 8) };
	else if (e[0] == MADT_IOAPIC || e[0] == MADT_ISO)
		return;         /* beyond what we keep, or not ISA */
	else if (e[0] == MADT_X2APIC)
		madt_add_cpu(c, rd32(e + 4), rd32(e + 8));
	else
		c->out->lapic_addr = rd64(e + 4);
}

static void acpi_madt(struct acpi_ctx *c, struct acpi_table t)
{
	uint32_t off = MADT_ENTRIES_OFF;

	if (t.len < MADT_ENTRIES_OFF) {
		acpi_log("APIC", "length %u too short (need %d)", t.len, MADT_ENTRIES_OFF);
		return;
	}
	c->out->has_madt = true;
	c->out->lapic_addr = rd32(t.p + MADT_LAPIC_ADDR_OFF);
	while (off + 2 <= t.len) {
		const uint8_t *e = t.p + off;

		if (e[1] < 2 || e[1] > t.len - off) {
			acpi_log("APIC", "entry type %u at offset %u has length %u, stopping",
				 e[0], off, e[1]);
			break;
		}
		madt_entry(c, e);
		off += e[1];
	}
	if (c->cpus_dropped)
		acpi_log("APIC", "%u CPUs beyond the first %d ignored", c->cpus_dropped, ACPI_MAX_CPUS);
}

/* ---- DSDT \_S5 --------------------------------------------------------- */

/* PkgLength (20.2.4): lead byte bits 7:6 = count of extra bytes; with
 * none, bits 5:0 are the length, else bits 3:0 are its low nibble. */
static bool aml_pkglength(const uint8_t *p, size_t n, uint32_t *len, uint32_t *used)
{
	uint32_t extra;

	if (n < 1)
		return false;	/* the PackageOp was the table's last byte */
	extra = p[0] >> 6;
	if (n < 1 + extra)
		return false;
	*used = 1 + extra;
	if (!extra) {
		*len = p[0] & 0x3f;
		return true;
	}
	*len = p[0] & 0x0f;
	for (uint32_t i = 0; i < extra; i++)
		*len |= (uint32_t)p[1 + i] << (4 + 8 * i);
	return true;
}

/* One integer element of the package at p (n bytes left in it). */
static bool aml_integer(const uint8_t *p, size_t n, uint32_t *val, uint32_t *used)
{
	static const uint8_t size_of[] = {
		[AML_BYTE_PFX] = 1, [AML_WORD_PFX] = 2, [AML_DWORD_PFX] = 4,
	};

	if (n < 1)
		return false;
	if (p[0] == AML_ZERO_OP || p[0] == AML_ONE_OP) {
		*val = p[0];
		*used = 1;
		return true;
	}
	if (p[0] < AML_BYTE_PFX || p[0] > AML_DWORD_PFX || n < 1u + size_of[p[0]])
		return false;
	*used = 1 + size_of[p[0]];
	*val = size_of[p[0]] == 1 ? p[1] : size_of[p[0]] == 2 ? rd16(p + 1) : rd32(p + 1);
	return true;
}

/* Parse "PackageOp PkgLength NumElements SLP_TYPa SLP_TYPb ..." at p,
 * n bytes before the end of the DSDT. */
static bool aml_s5_package(const uint8_t *p, size_t n, uint8_t typ[2])
{
	uint32_t pkglen, used, pos, val;

	if (n < 1 || p[0] != AML_PACKAGE_OP) {
		acpi_log("DSDT", "_S5_ is not a package");
		return false;
	}
	if (!aml_pkglength(p + 1, n - 1, &pkglen, &used) || pkglen > n - 1 ||
	    pkglen < used + 1) {
		acpi_log("DSDT", "_S5_ package length runs past the table");
		return false;
	}
	/* From here on, stay inside the package: [p+1, p+1+pkglen). */
	if (p[1 + used] < 2) {
		acpi_log("DSDT", "_S5_ package has %u elements, need 2", p[1 + used]);
		return false;
	}
	pos = 1 + used + 1;
	for (int i = 0; i < 2; i++) {
		if (!aml_integer(p + pos, 1 + pkglen - pos, &val, &used)) {
			acpi_log("DSDT", "_S5_ element %d is not an integer constant", i);
			return false;
		}
		if (val > ACPI_SLP_TYP_MAX) {
			acpi_log("DSDT", "_S5_ SLP_TYP value %u does not fit in 3 bits", val);
			return false;
		}
		typ[i] = (uint8_t)val;
		pos += used;
	}
	return true;
}

/* Is "_S5_" at body[i] the name in a NameOp ("Name(_S5_" or "Name(\_S5_")? */
static bool aml_is_s5_name(const uint8_t *p, uint32_t i)
{
	if (memcmp(p + i, "_S5_", 4) != 0)
		return false;
	if (p[i - 1] == AML_NAME_OP)
		return true;
	return p[i - 1] == AML_ROOT_CHAR && i >= SDT_HEADER_LEN + 2 && p[i - 2] == AML_NAME_OP;
}

/* Search the AML for \_S5 without an interpreter: its definition is a
 * NameOp with a constant package, the form firmware uses in practice. */
static void acpi_dsdt_s5(struct acpi_ctx *c, struct acpi_table t)
{
	uint8_t typ[2];

	for (uint32_t i = SDT_HEADER_LEN + 1; i + 4 <= t.len; i++) {
		if (!aml_is_s5_name(t.p, i))
			continue;
		if (aml_s5_package(t.p + i + 4, t.len - i - 4, typ)) {
			c->out->slp_typa = typ[0];
			c->out->slp_typb = typ[1];
			c->out->has_s5 = c->out->pm1a_cnt != 0;
			return;
		}
	}
	acpi_log("DSDT", "no usable _S5_ object, no ACPI power-off");
}

/* ---- FADT ---------------------------------------------------------------- */

/* A PM1 control port: the 64-bit GAS field if the table has it and it
 * is set (ACPI 2.0+ say it wins), else the 32-bit legacy field. */
static uint16_t fadt_port(struct acpi_table t, uint32_t legacy_off, uint32_t gas_off,
			  const char *what)
{
	uint64_t port = rd32(t.p + legacy_off);

	if (t.len >= gas_off + GAS_LEN && rd64(t.p + gas_off + GAS_ADDR_OFF) != 0) {
		if (t.p[gas_off] == GAS_SPACE_IO)
			port = rd64(t.p + gas_off + GAS_ADDR_OFF);
		else
			acpi_log("FACP", "X_%s is not in I/O space, using the legacy field", what);
	}
	if (port > 0xffff) {
		acpi_log("FACP", "%s 0x%llx is not an I/O port", what, (unsigned long long)port);
		return 0;
	}
	return (uint16_t)port;
}

/* The PM timer (4.8.3.3): a 3.579545 MHz counter of 24 bits, or of 32
 * with TMR_VAL_EXT.  PM_TMR_LEN is 4 when there is one; a zero port or
 * another length means none. */
static void fadt_pm_timer(struct acpi_ctx *c, struct acpi_table t)
{
	uint16_t port = fadt_port(t, FADT_PM_TMR_OFF, FADT_X_PM_TMR_OFF, "PM_TMR_BLK");

	if (port && t.p[FADT_PM_TMR_LEN_OFF] != FADT_PM_TMR_LEN) {
		acpi_log("FACP", "PM_TMR_LEN %u is not %d, no PM timer",
			 t.p[FADT_PM_TMR_LEN_OFF], FADT_PM_TMR_LEN);
		return;
	}
	c->out->pm_tmr = port;
	c->out->pm_tmr_32bit = port && (rd32(t.p + FADT_FLAGS_OFF) & FADT_TMR_VAL_EXT);
}

static void acpi_fadt(struct acpi_ctx *c, struct acpi_table t)
{
	struct acpi_table dsdt;
	uint64_t dsdt_phys;

	if (t.len < FADT_V1_LEN) {
		acpi_log("FACP", "length %u too short (need %d)", t.len, FADT_V1_LEN);
		return;
	}
	c->out->has_fadt = true;
	c->out->pm1a_cnt = fadt_port(t, FADT_PM1A_CNT_OFF, FADT_X_PM1A_CNT_OFF, "PM1a_CNT_BLK");
	c->out->pm1b_cnt = fadt_port(t, FADT_PM1B_CNT_OFF, FADT_X_PM1B_CNT_OFF, "PM1b_CNT_BLK");
	fadt_pm_timer(c, t);
	dsdt_phys = rd32(t.p + FADT_DSDT_OFF);
	if (t.len >= FADT_X_DSDT_OFF + 8 && rd64(t.p + FADT_X_DSDT_OFF) != 0)
		dsdt_phys = rd64(t.p + FADT_X_DSDT_OFF);
	if (acpi_load(c, dsdt_phys, "DSDT", &dsdt))
		acpi_dsdt_s5(c, dsdt);
}

/* ---- root table ---------------------------------------------------------- */

static void acpi_table_found(struct acpi_ctx *c, struct acpi_table t)
{
	if (memcmp(t.p, "APIC", 4) == 0) {
		if (c->out->has_madt)
			acpi_log("APIC", "second MADT ignored");
		else
			acpi_madt(c, t);
	} else if (memcmp(t.p, "FACP", 4) == 0) {
		if (c->out->has_fadt)
			acpi_log("FACP", "second FADT ignored");
		else
			acpi_fadt(c, t);
	}
}

/* Visit every table the XSDT (8-byte entries) or RSDT (4-byte) lists. */
static void acpi_walk_root(struct acpi_ctx *c, struct acpi_table root, uint32_t esize,
			   const char *name)
{
	uint32_t body = root.len - SDT_HEADER_LEN;

	if (body % esize)
		acpi_log(name, "%u trailing bytes ignored", body % esize);
	for (uint32_t i = 0; i < body / esize; i++) {
		const uint8_t *e = root.p + SDT_HEADER_LEN + i * esize;
		uint64_t phys = esize == 8 ? rd64(e) : rd32(e);
		struct acpi_table t;

		if (acpi_load(c, phys, NULL, &t))
			acpi_table_found(c, t);
	}
}

/* Prefer the XSDT on ACPI 2.0+ (5.2.5.3); fall back to the RSDT. */
static int acpi_root(struct acpi_ctx *c, const uint8_t *rsdp)
{
	struct acpi_table root;
	uint64_t xsdt = rsdp[RSDP_REV_OFF] >= 2 ? rd64(rsdp + RSDP_XSDT_OFF) : 0;

	if (xsdt) {
		if (acpi_load(c, xsdt, "XSDT", &root)) {
			acpi_walk_root(c, root, 8, "XSDT");
			return ACPI_OK;
		}
		acpi_log("XSDT", "unusable, falling back to the RSDT");
	}
	if (acpi_load(c, rd32(rsdp + RSDP_RSDT_OFF), "RSDT", &root)) {
		acpi_walk_root(c, root, 4, "RSDT");
		return ACPI_OK;
	}
	return ACPI_ERR_NO_ROOT;
}

int acpi_parse(const void *rsdp_copy, size_t rsdp_len, acpi_map_fn map,
	       struct acpi_info *out)
{
	struct acpi_ctx c = { .map = map, .out = out };
	const uint8_t *rsdp;
	int rc;

	memset(out, 0, sizeof(*out));
	rsdp = acpi_find_rsdp(&c, rsdp_copy, rsdp_len);
	if (!rsdp)
		return ACPI_ERR_NO_RSDP;
	out->revision = rsdp[RSDP_REV_OFF];
	memcpy(out->oem, rsdp + RSDP_OEM_OFF, 6);
	rc = acpi_root(&c, rsdp);
	if (rc)
		return rc;
	out->found = true;
	if (!out->has_madt)
		acpi_log("APIC", "no MADT, only the boot CPU is known");
	if (!out->has_fadt)
		acpi_log("FACP", "no FADT, no ACPI power-off");
	return ACPI_OK;
}

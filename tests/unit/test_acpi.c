/* units: drivers/acpi.c */
/*
 * ACPI parser tests over a fake physical memory.  The map callback hands
 * out a fresh heap copy of exactly the bytes asked for, so a read past a
 * mapped length trips ASan, and a range outside the fake memory maps to
 * NULL like an unmappable address would.
 */
#include <stdlib.h>
#include "check.h"
#include "host_log.h"
#include "drivers/acpi.h"

#define MEM_SIZE 0x200000ull
static uint8_t mem[MEM_SIZE];

/* Standard layout of the fake firmware. */
#define A_RSDT  0x100000
#define A_XSDT  0x101000
#define A_MADT  0x102000
#define A_FADT  0x103000
#define A_DSDT  0x104000
#define A_MADT2 0x105000
#define A_SPARE 0x106000

/* ---- map callback ------------------------------------------------------- */

static void *maps[8192];
static size_t nmaps;

static const void *fake_map(uint64_t phys, size_t len)
{
	void *p;

	if (phys >= MEM_SIZE || len > MEM_SIZE - phys || nmaps == ARRAY_SIZE(maps))
		return NULL;
	p = malloc(len ? len : 1);
	memcpy(p, mem + phys, len);
	maps[nmaps++] = p;
	return p;
}

static void maps_free(void)
{
	while (nmaps)
		free(maps[--nmaps]);
}

/* ---- builders ------------------------------------------------------------ */

static void w16(uint64_t a, uint16_t v) { memcpy(mem + a, &v, 2); }
static void w32(uint64_t a, uint32_t v) { memcpy(mem + a, &v, 4); }
static void w64(uint64_t a, uint64_t v) { memcpy(mem + a, &v, 8); }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

/* Recompute a table's checksum from its length field. */
static void seal(uint64_t a)
{
	uint32_t len;

	memcpy(&len, mem + a + 4, 4);
	len = (uint32_t)MIN(len, MEM_SIZE - a);
	mem[a + 9] = 0;
	mem[a + 9] = (uint8_t)-sum(mem + a, len);
}

static void sdt_header(uint64_t a, const char *sig, uint32_t len)
{
	memset(mem + a, 0, 36);
	memcpy(mem + a, sig, 4);
	w32(a + 4, len);
	mem[a + 8] = 1;
	memcpy(mem + a + 10, "HVTEST", 6);
	memcpy(mem + a + 16, "TESTTABL", 8);
}

static void rsdp_write(uint8_t *p, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint32_t len = 36;

	memset(p, 0, 36);
	memcpy(p, "RSD PTR ", 8);
	memcpy(p + 9, "HVOEM1", 6);
	p[15] = rev;
	memcpy(p + 16, &rsdt, 4);
	if (rev >= 2) {
		memcpy(p + 20, &len, 4);
		memcpy(p + 24, &xsdt, 8);
	}
	p[8] = (uint8_t)-sum(p, 20);
	if (rev >= 2)
		p[32] = (uint8_t)-sum(p, 36);
}

static void rsdt_write(uint64_t a, const uint32_t *e, unsigned n)
{
	sdt_header(a, "RSDT", 36 + 4 * n);
	for (unsigned i = 0; i < n; i++)
		w32(a + 36 + 4 * i, e[i]);
	seal(a);
}

static void xsdt_write(uint64_t a, const uint64_t *e, unsigned n)
{
	sdt_header(a, "XSDT", 36 + 8 * n);
	for (unsigned i = 0; i < n; i++)
		w64(a + 36 + 8 * i, e[i]);
	seal(a);
}

static uint64_t madt_a;
static uint32_t madt_len;

static void madt_begin(uint64_t a, uint32_t lapic)
{
	madt_a = a;
	madt_len = 44;
	sdt_header(a, "APIC", 44);
	w32(a + 36, lapic);
	w32(a + 40, 1);
}

static void madt_bytes(const uint8_t *b, uint32_t n)
{
	memcpy(mem + madt_a + madt_len, b, n);
	madt_len += n;
}

static void madt_lapic(uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { 0, 8, id, id };
	memcpy(e + 4, &flags, 4);
	madt_bytes(e, 8);
}

static void madt_x2apic(uint32_t id, uint32_t flags)
{
	uint8_t e[16] = { 9, 16 };
	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	madt_bytes(e, 16);
}

static void madt_override(uint64_t addr)
{
	uint8_t e[12] = { 5, 12 };
	memcpy(e + 4, &addr, 8);
	madt_bytes(e, 12);
}

static void madt_ioapic(void)
{
	uint8_t e[12] = { 1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe };
	madt_bytes(e, 12);
}

static void madt_end(void)
{
	w32(madt_a + 4, madt_len);
	seal(madt_a);
}

static void fadt_write(uint64_t a, uint32_t len, uint32_t dsdt, uint32_t pm1a, uint32_t pm1b)
{
	memset(mem + a, 0, len);
	sdt_header(a, "FACP", len);
	w32(a + 40, dsdt);
	w32(a + 64, pm1a);
	w32(a + 68, pm1b);
	seal(a);
}

static void dsdt_write(uint64_t a, const uint8_t *aml, size_t n)
{
	sdt_header(a, "DSDT", (uint32_t)(36 + n));
	memcpy(mem + a + 36, aml, n);
	seal(a);
}

/* Name([\]_S5_, Package(nelem){ elems }) with a one-byte PkgLength. */
static size_t aml_s5(uint8_t *out, bool root, uint8_t nelem, const uint8_t *elems, size_t elen)
{
	size_t n = 0;

	out[n++] = 0x08;
	if (root)
		out[n++] = '\\';
	memcpy(out + n, "_S5_", 4);
	n += 4;
	out[n++] = 0x12;
	out[n++] = (uint8_t)(2 + elen);
	out[n++] = nelem;
	memcpy(out + n, elems, elen);
	return n + elen;
}

/* Some AML before the _S5_ object, as in a real DSDT. */
static const uint8_t aml_prefix[] = {
	0x10, 0x0b, '\\', '_', 'S', 'B', '_',        /* Scope(\_SB_) ... */
	0x08, 'P', 'I', 'C', 'M', 0x00,              /* Name(PICM, Zero) */
	0x14, 0x06, '_', 'P', 'T', 'S', 0x01, 0x70,  /* Method(_PTS, 1) */
};

static void dsdt_s5(bool root, uint8_t nelem, const uint8_t *elems, size_t elen)
{
	uint8_t aml[128];
	size_t n = sizeof(aml_prefix);

	memcpy(aml, aml_prefix, n);
	n += aml_s5(aml + n, root, nelem, elems, elen);
	dsdt_write(A_DSDT, aml, n);
}

static uint8_t copy[36];

/* XSDT -> MADT (CPUs 0, 1, disabled 2) + FADT -> DSDT (_S5 = 5, 6);
 * RSDT -> MADT2 (CPU 7) + FADT, so tests see which root was walked. */
static void setup_std(void)
{
	static const uint8_t s5[] = { 0x0a, 5, 0x0a, 6, 0x00, 0x00 };
	uint64_t x[] = { A_MADT, A_FADT };
	uint32_t r[] = { A_MADT2, A_FADT };

	memset(mem, 0, sizeof(mem));
	madt_begin(A_MADT, 0xfee00000);
	madt_lapic(0, 1);
	madt_ioapic();
	madt_lapic(1, 1);
	madt_lapic(2, 0);
	madt_end();
	madt_begin(A_MADT2, 0xfee00000);
	madt_lapic(7, 1);
	madt_end();
	fadt_write(A_FADT, 244, A_DSDT, 0x604, 0);
	dsdt_s5(false, 4, s5, sizeof(s5));
	xsdt_write(A_XSDT, x, 2);
	rsdt_write(A_RSDT, r, 2);
	rsdp_write(copy, 2, A_RSDT, A_XSDT);
}

/* ---- running ------------------------------------------------------------- */

static struct acpi_info ai;
static uint8_t *heap_copy;

static int parse(const void *rsdp, size_t len)
{
	free(heap_copy);
	heap_copy = NULL;
	if (rsdp) {
		heap_copy = malloc(len);
		memcpy(heap_copy, rsdp, len);
	}
	maps_free();
	host_log_clear();
	return acpi_parse(heap_copy, len, fake_map, &ai);
}

static const char *log_text(void) { return host_log_text(); }

/* ---- tests: discovery ---------------------------------------------------- */

static void test_good_via_copy_prefers_xsdt(void)
{
	setup_std();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.found);
	CHECK_EQ(ai.revision, 2);
	CHECK(strcmp(ai.oem, "HVOEM1") == 0);
	CHECK(ai.has_madt);
	CHECK_EQ(ai.lapic_addr, 0xfee00000);
	CHECK_EQ(ai.ncpus, 2);
	CHECK_EQ(ai.apic_ids[0], 0);
	CHECK_EQ(ai.apic_ids[1], 1);
	CHECK(ai.has_fadt);
	CHECK_EQ(ai.pm1a_cnt, 0x604);
	CHECK_EQ(ai.pm1b_cnt, 0);
	CHECK(ai.has_s5);
	CHECK_EQ(ai.slp_typa, 5);
	CHECK_EQ(ai.slp_typb, 6);
	CHECK_EQ(log_text()[0], 0);
}

static void test_rev0_copy_uses_rsdt(void)
{
	setup_std();
	rsdp_write(copy, 0, A_RSDT, 0);
	CHECK_EQ(parse(copy, 20), ACPI_OK);
	CHECK_EQ(ai.revision, 0);
	CHECK_EQ(ai.ncpus, 1);
	CHECK_EQ(ai.apic_ids[0], 7);
	CHECK(ai.has_s5);
}

static void test_rev2_with_null_xsdt_uses_rsdt(void)
{
	setup_std();
	rsdp_write(copy, 2, A_RSDT, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.apic_ids[0], 7);
	CHECK_EQ(log_text()[0], 0);
}

static void test_scan_ebda(void)
{
	uint8_t r[36];

	setup_std();
	w16(0x40e, 0x9fc0);                          /* EBDA at 0x9fc00 */
	rsdp_write(r, 2, A_RSDT, A_XSDT);
	memcpy(mem + 0x9fc00 + 0x20, r, 36);
	memcpy(mem + 0x9fc00, r, 20);                /* a decoy with a bad sum */
	mem[0x9fc00 + 9] ^= 0xff;
	CHECK_EQ(parse(NULL, 0), ACPI_OK);
	CHECK_EQ(ai.ncpus, 2);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: RSDP: candidate at 0x9fc00: bad checksum");
}

static void test_scan_bios_rom(void)
{
	uint8_t r[36];

	setup_std();
	w16(0x40e, 0);                               /* no EBDA */
	rsdp_write(r, 0, A_RSDT, 0);
	memcpy(mem + 0xf5a30, r, 20);
	CHECK_EQ(parse(NULL, 0), ACPI_OK);
	CHECK_EQ(ai.apic_ids[0], 7);

	/* An EBDA pointer out of range is ignored, the ROM scan still runs. */
	w16(0x40e, 0xa000);
	CHECK_EQ(parse(NULL, 0), ACPI_OK);
	CHECK(ai.found);

	/* The last 16-byte slot that can hold 20 bytes is scanned. */
	memset(mem + 0xf5a30, 0, 20);
	memcpy(mem + 0xfffe0, r, 20);
	CHECK_EQ(parse(NULL, 0), ACPI_OK);
	CHECK(ai.found);
}

static void test_scan_only_16_byte_boundaries(void)
{
	uint8_t r[36];

	setup_std();
	rsdp_write(r, 0, A_RSDT, 0);
	memcpy(mem + 0xf5a38, r, 20);
	CHECK_EQ(parse(NULL, 0), ACPI_ERR_NO_RSDP);
	CHECK(!ai.found);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: RSDP: not found");
}

static void test_bad_copy_falls_back_to_scan(void)
{
	uint8_t r[36];

	setup_std();
	rsdp_write(r, 2, A_RSDT, A_XSDT);
	memcpy(mem + 0xe0000, r, 36);
	copy[8] ^= 1;
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.found);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: RSDP: multiboot2 copy: bad checksum, scanning BIOS areas");

	/* Rev 2 with a broken extended checksum. */
	rsdp_write(copy, 2, A_RSDT, A_XSDT);
	copy[33] ^= 1;
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "multiboot2 copy: bad extended checksum");

	/* Rev 2 but only 20 bytes were copied. */
	rsdp_write(copy, 2, A_RSDT, A_XSDT);
	CHECK_EQ(parse(copy, 20), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "multiboot2 copy: revision 2+ with a bad length");

	/* Wrong signature. */
	copy[0] = 'X';
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "multiboot2 copy: no signature");
}

static void test_rsdp_length_field_too_big(void)
{
	uint8_t r[36];
	uint32_t len = 64;

	setup_std();
	rsdp_write(r, 2, A_RSDT, A_XSDT);
	memcpy(r + 20, &len, 4);
	r[8] = 0;
	r[8] = (uint8_t)-sum(r, 20);
	CHECK_EQ(parse(r, 36), ACPI_ERR_NO_RSDP);   /* and nothing to scan */
	CHECK_STR_CONTAINS(log_text(), "multiboot2 copy: revision 2+ with a bad length");
}

static void test_nothing_anywhere(void)
{
	memset(mem, 0, sizeof(mem));
	CHECK_EQ(parse(NULL, 0), ACPI_ERR_NO_RSDP);
	CHECK_STR_CONTAINS(log_text(), "RSDP: not found");
}

/* ---- tests: root tables ------------------------------------------------------ */

static void test_bad_xsdt_falls_back_to_rsdt(void)
{
	setup_std();
	mem[A_XSDT + 40] ^= 0x10;                    /* break the checksum */
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: XSDT: bad checksum");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: XSDT: unusable, falling back to the RSDT");
	CHECK_EQ(ai.apic_ids[0], 7);
}

static void test_no_usable_root(void)
{
	setup_std();
	memcpy(mem + A_XSDT, "XSDX", 4);
	w32(A_RSDT + 4, 2 * 1024 * 1024);
	CHECK_EQ(parse(copy, 36), ACPI_ERR_NO_ROOT);
	CHECK(!ai.found);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: XSDT: found signature 'XSDX' at 0x101000 instead");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: RSDT: length 2097152 out of range");
}

static void test_root_entry_problems(void)
{
	uint64_t x[] = { 0, 0x7fff0000, A_SPARE, A_SPARE + 0x100, A_SPARE + 0x200, A_MADT, A_FADT };

	setup_std();
	sdt_header(A_SPARE, "SSDT", 20);             /* shorter than a header */
	seal(A_SPARE);
	sdt_header(A_SPARE + 0x100, "HPET", 56);     /* fine, not ours */
	seal(A_SPARE + 0x100);
	sdt_header(A_SPARE + 0x200, "MCF\x01", 0x1ffff0);    /* over 1 MiB */
	xsdt_write(A_XSDT, x, 7);
	w32(A_XSDT + 4, 36 + 7 * 8 + 3);             /* and 3 stray bytes */
	seal(A_XSDT);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: XSDT: 3 trailing bytes ignored");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: table: null address");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: table: cannot map header at 0x7fff0000");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: SSDT: length 20 out of range");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: MCF?: length 2097136 out of range");
	CHECK(strstr(log_text(), "HPET") == NULL);
	CHECK_EQ(ai.ncpus, 2);
	CHECK(ai.has_s5);
}

static void test_table_beyond_memory(void)
{
	uint64_t x[] = { MEM_SIZE - 64, A_FADT };

	setup_std();
	sdt_header(MEM_SIZE - 64, "APIC", 0x1000);
	xsdt_write(A_XSDT, x, 2);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: cannot map 4096 bytes at 0x1fffc0");
	CHECK(!ai.has_madt);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: no MADT, only the boot CPU is known");
}

static void test_bad_madt_checksum_skipped(void)
{
	setup_std();
	mem[A_MADT + 50] ^= 1;
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: bad checksum");
	CHECK(!ai.has_madt);
	CHECK_EQ(ai.ncpus, 0);
	CHECK(ai.has_fadt);
	CHECK(ai.has_s5);
}

static void test_duplicate_tables(void)
{
	uint64_t x[] = { A_MADT, A_FADT, A_MADT2, A_FADT };

	setup_std();
	xsdt_write(A_XSDT, x, 4);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.ncpus, 2);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: second MADT ignored");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: second FADT ignored");
}

/* ---- tests: MADT ------------------------------------------------------------- */

static void use_madt_only(void)
{
	uint64_t x[] = { A_MADT };
	xsdt_write(A_XSDT, x, 1);
}

static void test_madt_cpu_kinds(void)
{
	setup_std();
	madt_begin(A_MADT, 0xfee00000);
	madt_lapic(0, 1);                 /* enabled */
	madt_lapic(3, 0);                 /* disabled: skipped */
	madt_lapic(4, 2);                 /* online capable */
	madt_x2apic(0, 1);                /* same CPU as LAPIC 0 */
	madt_x2apic(300, 1);              /* x2APIC-only id */
	madt_x2apic(301, 0);              /* disabled */
	madt_x2apic(302, 2);              /* online capable */
	madt_override(0xfed00000ull);
	madt_end();
	use_madt_only();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.ncpus, 4);
	CHECK_EQ(ai.apic_ids[0], 0);
	CHECK_EQ(ai.apic_ids[1], 4);
	CHECK_EQ(ai.apic_ids[2], 300);
	CHECK_EQ(ai.apic_ids[3], 302);
	CHECK_EQ(ai.lapic_addr, 0xfed00000);
	CHECK(!ai.has_fadt);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: no FADT, no ACPI power-off");
}

static void test_madt_bad_entries(void)
{
	static const uint8_t short_lapic[6] = { 0, 6, 9, 9, 1, 0 };
	static const uint8_t short_x2[12] = { 9, 12 };
	static const uint8_t short_ovr[8] = { 5, 8 };
	static const uint8_t zero_len[2] = { 0, 0 };

	setup_std();
	madt_begin(A_MADT, 0xfee00000);
	madt_lapic(0, 1);
	madt_bytes(short_lapic, 6);
	madt_bytes(short_x2, 12);
	madt_bytes(short_ovr, 8);
	madt_lapic(1, 1);
	madt_bytes(zero_len, 2);          /* cannot step past this */
	madt_lapic(2, 1);
	madt_end();
	use_madt_only();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.ncpus, 2);
	CHECK_EQ(ai.lapic_addr, 0xfee00000);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: type 0 entry length 6 < 8, skipped");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: type 9 entry length 12 < 16, skipped");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: type 5 entry length 8 < 12, skipped");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: entry type 0 at offset");
	CHECK_STR_CONTAINS(log_text(), "has length 0, stopping");
}

static void test_madt_entry_past_end(void)
{
	setup_std();
	madt_begin(A_MADT, 0xfee00000);
	madt_lapic(0, 1);
	madt_lapic(1, 1);
	madt_end();
	w32(A_MADT + 4, madt_len - 3);    /* table ends inside the last entry */
	seal(A_MADT);
	use_madt_only();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.ncpus, 1);
	CHECK_STR_CONTAINS(log_text(), "has length 8, stopping");

	/* Too short for even the MADT's own fields. */
	sdt_header(A_MADT, "APIC", 40);
	seal(A_MADT);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_madt);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: length 40 too short (need 44)");
}

static void test_madt_too_many_cpus(void)
{
	setup_std();
	madt_begin(A_MADT, 0xfee00000);
	for (unsigned i = 0; i < ACPI_MAX_CPUS + 6; i++)
		madt_x2apic(i * 2, 1);
	madt_end();
	use_madt_only();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.ncpus, ACPI_MAX_CPUS);
	CHECK_EQ(ai.apic_ids[ACPI_MAX_CPUS - 1], (ACPI_MAX_CPUS - 1) * 2);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: APIC: 6 CPUs beyond the first 64 ignored");
}

/* ---- tests: FADT ------------------------------------------------------------- */

static void test_fadt_short(void)
{
	setup_std();
	fadt_write(A_FADT, 100, A_DSDT, 0x604, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_fadt);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: length 100 too short (need 116)");
}

static void test_fadt_v1_length(void)
{
	setup_std();
	fadt_write(A_FADT, 116, A_DSDT, 0xb004, 0xb008);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.has_fadt);
	CHECK_EQ(ai.pm1a_cnt, 0xb004);
	CHECK_EQ(ai.pm1b_cnt, 0xb008);
	CHECK(ai.has_s5);
	CHECK_EQ(log_text()[0], 0);
}

static void test_fadt_extended_fields(void)
{
	setup_std();
	/* X_PM1a in I/O space overrides; X_PM1b in memory space is refused. */
	fadt_write(A_FADT, 244, 0, 0x604, 0x608);
	mem[A_FADT + 172] = 1;
	w64(A_FADT + 176, 0x1804);
	mem[A_FADT + 184] = 0;
	w64(A_FADT + 188, 0xfed80000);
	w64(A_FADT + 140, A_DSDT);        /* only X_DSDT is set */
	seal(A_FADT);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm1a_cnt, 0x1804);
	CHECK_EQ(ai.pm1b_cnt, 0x608);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: X_PM1b_CNT_BLK is not in I/O space, using the legacy field");
	CHECK(ai.has_s5);
}

static void test_fadt_bad_port_and_dsdt(void)
{
	setup_std();
	fadt_write(A_FADT, 244, A_MADT, 0x12345, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm1a_cnt, 0);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: PM1a_CNT_BLK 0x12345 is not an I/O port");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: found signature 'APIC' at 0x102000 instead");
	CHECK(!ai.has_s5);

	fadt_write(A_FADT, 244, 0, 0x604, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: null address");
}

/* The PM timer: the legacy port, X_PM_TMR_BLK when long enough and in
 * I/O space, TMR_VAL_EXT for 32 bits, PM_TMR_LEN 4 or no timer. */
static void fadt_pm_timer(uint32_t port, uint8_t len, uint32_t flags)
{
	w32(A_FADT + 76, port);
	mem[A_FADT + 91] = len;
	w32(A_FADT + 112, flags);
	seal(A_FADT);
}

static void test_fadt_pm_timer(void)
{
	setup_std();
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0);                      /* none in the standard FADT */
	CHECK(!ai.pm_tmr_32bit);

	fadt_pm_timer(0x608, 4, 1u << 8);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0x608);
	CHECK(ai.pm_tmr_32bit);
	CHECK_EQ(log_text()[0], 0);

	fadt_pm_timer(0x608, 4, ~(1u << 8));         /* every other flag: 24 bits */
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0x608);
	CHECK(!ai.pm_tmr_32bit);

	/* no port: no timer, whatever the flag says */
	fadt_pm_timer(0, 4, 1u << 8);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0);
	CHECK(!ai.pm_tmr_32bit);

	fadt_pm_timer(0x608, 3, 1u << 8);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0);
	CHECK(!ai.pm_tmr_32bit);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: PM_TMR_LEN 3 is not 4, no PM timer");
	CHECK(ai.has_s5);                            /* the rest of the FADT still counts */
}

static void test_fadt_x_pm_timer(void)
{
	setup_std();
	/* X_PM_TMR_BLK (GAS at 208) in I/O space wins over the legacy port */
	fadt_pm_timer(0x608, 4, 0);
	mem[A_FADT + 208] = 1;
	w64(A_FADT + 212, 0xb008);
	seal(A_FADT);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0xb008);

	/* in memory space: refused, the legacy port is used */
	mem[A_FADT + 208] = 0;
	w64(A_FADT + 212, 0xfed00000);
	seal(A_FADT);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0x608);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: FACP: X_PM_TMR_BLK is not in I/O space, using the legacy field");

	/* a FADT that ends before the GAS does (208 + 12): X is not read */
	fadt_write(A_FADT, 216, A_DSDT, 0x604, 0);
	mem[A_FADT + 208] = 1;
	w64(A_FADT + 212, 0xb008);
	fadt_pm_timer(0x608, 4, 1u << 8);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0x608);
	CHECK(ai.pm_tmr_32bit);

	/* an ACPI 1.0 FADT (116 bytes) has the legacy port and the flags */
	fadt_write(A_FADT, 116, A_DSDT, 0x604, 0);
	fadt_pm_timer(0x408, 4, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.pm_tmr, 0x408);
	CHECK(!ai.pm_tmr_32bit);
	CHECK_EQ(log_text()[0], 0);
}

/* ---- tests: \_S5 --------------------------------------------------------- */

static void test_s5_variants(void)
{
	static const uint8_t zero_one[] = { 0x00, 0x01 };
	static const uint8_t words[] = { 0x0b, 0x07, 0x00, 0x0c, 0x03, 0, 0, 0 };
	static const uint8_t bytes[] = { 0x0a, 0x07, 0x0a, 0x07 };

	setup_std();
	dsdt_s5(false, 2, zero_one, sizeof(zero_one));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.has_s5);
	CHECK_EQ(ai.slp_typa, 0);
	CHECK_EQ(ai.slp_typb, 1);

	dsdt_s5(true, 2, words, sizeof(words));          /* Name(\_S5_, ...) */
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.has_s5);
	CHECK_EQ(ai.slp_typa, 7);
	CHECK_EQ(ai.slp_typb, 3);

	dsdt_s5(false, 2, bytes, sizeof(bytes));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.slp_typa, 7);
	CHECK_EQ(ai.slp_typb, 7);
	CHECK_EQ(log_text()[0], 0);
}

static void test_s5_two_byte_pkglength(void)
{
	uint8_t aml[128] = { 0x08, '_', 'S', '5', '_', 0x12,
			     0x40 | 0x07, 0x00,      /* PkgLength 7 in two bytes */
			     0x02, 0x0a, 0x05, 0x0a, 0x04 };
	setup_std();
	dsdt_write(A_DSDT, aml, 13);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(ai.has_s5);
	CHECK_EQ(ai.slp_typa, 5);
	CHECK_EQ(ai.slp_typb, 4);
}

static void test_s5_needs_nameop(void)
{
	/* A reference to _S5_ (no NameOp), then the real definition. */
	uint8_t aml[128] = { 0xa4, '_', 'S', '5', '_' };
	static const uint8_t e[] = { 0x0a, 3, 0x0a, 2 };
	size_t n = 5;

	setup_std();
	n += aml_s5(aml + n, false, 2, e, sizeof(e));
	dsdt_write(A_DSDT, aml, n);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_EQ(ai.slp_typa, 3);
	CHECK_EQ(ai.slp_typb, 2);
	CHECK_EQ(log_text()[0], 0);
}

static void test_s5_bad_packages(void)
{
	static const uint8_t one[] = { 0x0a, 5 };
	static const uint8_t str[] = { 0x0d, 'a', 0, 0x0a, 5 };
	static const uint8_t big[] = { 0x0a, 9, 0x0a, 5 };
	static const uint8_t cut[] = { 0x0a, 5, 0x0b, 5 };
	uint8_t aml[64];
	size_t n;

	setup_std();
	dsdt_s5(false, 1, one, sizeof(one));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: _S5_ package has 1 elements, need 2");
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: no usable _S5_ object, no ACPI power-off");

	dsdt_s5(false, 2, str, sizeof(str));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "_S5_ element 0 is not an integer constant");

	dsdt_s5(false, 2, big, sizeof(big));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "_S5_ SLP_TYP value 9 does not fit in 3 bits");

	/* Second element's word prefix runs past the package end. */
	dsdt_s5(false, 2, cut, sizeof(cut));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "_S5_ element 1 is not an integer constant");

	/* Not a package at all: Name(_S5_, 5). */
	memcpy(aml, "\x08_S5_\x0a\x05", 7);
	dsdt_write(A_DSDT, aml, 7);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: _S5_ is not a package");

	/* Package length beyond the end of the DSDT. */
	n = aml_s5(aml, false, 2, big, sizeof(big));
	aml[6] = 0x30;
	dsdt_write(A_DSDT, aml, n);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "_S5_ package length runs past the table");

	/* The name is the last thing in the table. */
	dsdt_write(A_DSDT, (const uint8_t *)"\x08_S5_", 5);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "_S5_ is not a package");

	/* Four-byte PkgLength lead byte with no bytes after it. */
	dsdt_write(A_DSDT, (const uint8_t *)"\x08_S5_\x12\xc0", 7);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK_STR_CONTAINS(log_text(), "_S5_ package length runs past the table");
}

/*
 * The PackageOp is the DSDT's last byte: its PkgLength lead byte would be
 * the first byte past the table, and must not be read (found by
 * tests/fuzz/fuzz_acpi.c: a one-byte heap overflow under ASan).
 */
static void test_s5_package_op_at_table_end(void)
{
	setup_std();
	dsdt_write(A_DSDT, (const uint8_t *)"\x08_S5_\x12", 6);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: _S5_ package length runs past the table");
}

static void test_s5_absent_or_no_port(void)
{
	static const uint8_t e[] = { 0x0a, 5, 0x0a, 5 };

	setup_std();
	dsdt_write(A_DSDT, aml_prefix, sizeof(aml_prefix));
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_STR_CONTAINS(log_text(), "hv: acpi: DSDT: no usable _S5_ object");

	/* _S5 present but no PM1a port: the values are known, S5 is not usable. */
	dsdt_s5(false, 2, e, sizeof(e));
	fadt_write(A_FADT, 244, A_DSDT, 0, 0);
	CHECK_EQ(parse(copy, 36), ACPI_OK);
	CHECK(!ai.has_s5);
	CHECK_EQ(ai.slp_typa, 5);
}

static void test_pm1_value(void)
{
	CHECK_EQ(acpi_pm1_s5_value(5), 0x3400);
	CHECK_EQ(acpi_pm1_s5_value(0), 0x2000);
	CHECK_EQ(acpi_pm1_s5_value(7), 0x3c00);
}

/* Random damage to the tables, re-sealed so that the parser gets past
 * the checksums into the MADT/FADT/DSDT bodies: no crash, no OOB read. */
static void test_random_corruption(void)
{
	static uint8_t pristine[0x8000];
	static const uint64_t tables[] = { A_RSDT, A_XSDT, A_MADT, A_FADT, A_DSDT, A_MADT2 };

	setup_std();
	memcpy(pristine, mem + A_RSDT, sizeof(pristine));
	srand(42);
	for (int round = 0; round < 5000; round++) {
		uint64_t t = tables[rand() % ARRAY_SIZE(tables)];

		memcpy(mem + A_RSDT, pristine, sizeof(pristine));
		for (int k = 0; k < 1 + rand() % 3; k++)
			mem[t + rand() % 64] = (uint8_t)rand();
		if (rand() % 4 == 0)
			w32(t + 4, (uint32_t)rand() % 0x300);
		seal(t);
		parse(copy, 36);
		CHECK(ai.ncpus <= ACPI_MAX_CPUS);
	}
}

int main(void)
{
	RUN(test_good_via_copy_prefers_xsdt);
	RUN(test_rev0_copy_uses_rsdt);
	RUN(test_rev2_with_null_xsdt_uses_rsdt);
	RUN(test_scan_ebda);
	RUN(test_scan_bios_rom);
	RUN(test_scan_only_16_byte_boundaries);
	RUN(test_bad_copy_falls_back_to_scan);
	RUN(test_rsdp_length_field_too_big);
	RUN(test_nothing_anywhere);
	RUN(test_bad_xsdt_falls_back_to_rsdt);
	RUN(test_no_usable_root);
	RUN(test_root_entry_problems);
	RUN(test_table_beyond_memory);
	RUN(test_bad_madt_checksum_skipped);
	RUN(test_duplicate_tables);
	RUN(test_madt_cpu_kinds);
	RUN(test_madt_bad_entries);
	RUN(test_madt_entry_past_end);
	RUN(test_madt_too_many_cpus);
	RUN(test_fadt_short);
	RUN(test_fadt_v1_length);
	RUN(test_fadt_extended_fields);
	RUN(test_fadt_bad_port_and_dsdt);
	RUN(test_fadt_pm_timer);
	RUN(test_fadt_x_pm_timer);
	RUN(test_s5_variants);
	RUN(test_s5_two_byte_pkglength);
	RUN(test_s5_needs_nameop);
	RUN(test_s5_bad_packages);
	RUN(test_s5_package_op_at_table_end);
	RUN(test_s5_absent_or_no_port);
	RUN(test_pm1_value);
	RUN(test_random_corruption);
	maps_free();
	free(heap_copy);
	return check_summary();
}

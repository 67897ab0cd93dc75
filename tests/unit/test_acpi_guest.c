/* units: vmm/dev/acpi_guest.c drivers/acpi.c */
/*
 * Guest ACPI tables, built and then read back two ways: by the
 * hypervisor's own parser (drivers/acpi.c) through a map callback over
 * the built bytes, and field by field at the offsets the spec gives, with
 * every checksum and length recomputed here.
 */
#define _GNU_SOURCE
#include <string.h>
#include <stdlib.h>
#include "check.h"
#include "host_log.h"
#include "drivers/acpi.h"
#include "vmm/dev/acpi_guest.h"
#include "vmm/dev/vpm.h"

/* Fake guest memory: the low 1 MiB, where the BIOS-area scan looks. */
#define MEM_SIZE 0x100000ull
#define BIOS_GPA 0xE0000ull
static uint8_t mem[MEM_SIZE];

/* Where the table buffer is mapped for map_tables(). */
static const uint8_t *tables;
static uint64_t tables_gpa;
static size_t tables_len;

static void *maps[256];
static size_t nmaps;

/* A heap copy of exactly what was asked for, so ASan catches overreads. */
static const void *copy_out(const uint8_t *src, size_t len)
{
	void *p;

	if (nmaps == ARRAY_SIZE(maps))
		return NULL;
	p = malloc(len ? len : 1);
	memcpy(p, src, len);
	maps[nmaps++] = p;
	return p;
}

static const void *map_tables(uint64_t phys, size_t len)
{
	if (phys < tables_gpa || phys - tables_gpa > tables_len ||
	    len > tables_len - (phys - tables_gpa))
		return NULL;
	return copy_out(tables + (phys - tables_gpa), len);
}

static const void *map_mem(uint64_t phys, size_t len)
{
	if (phys >= MEM_SIZE || len > MEM_SIZE - phys)
		return NULL;
	return copy_out(mem + phys, len);
}

static void maps_free(void)
{
	while (nmaps)
		free(maps[--nmaps]);
}

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static uint8_t buf[8192];

/* Build at gpa and parse back through the RSDP the build returned. */
static size_t build_and_parse(uint64_t gpa, const struct acpi_guest_config *cfg,
			      struct acpi_info *info, uint64_t *rsdp)
{
	gpa_t at;
	size_t n = acpi_guest_build(buf, sizeof(buf), GPA(gpa), cfg, &at);

	*rsdp = at.v;

	tables = buf;
	tables_gpa = gpa;
	tables_len = n;
	host_log_clear();
	if (n)
		CHECK_EQ(acpi_parse(buf + (*rsdp - gpa), 36, map_tables, info), ACPI_OK);
	maps_free();
	return n;
}

/* The table at gpa p inside buf: its signature, length and checksum. */
static const uint8_t *table_at(uint64_t p, const char *sig, uint32_t len)
{
	const uint8_t *t;

	CHECK(p >= tables_gpa && p + 36 <= tables_gpa + tables_len);
	if (p < tables_gpa || p + 36 > tables_gpa + tables_len)
		return NULL;
	t = tables + (p - tables_gpa);
	CHECK(memcmp(t, sig, 4) == 0);
	CHECK_EQ(rd32(t + 4), len);
	CHECK(p + len <= tables_gpa + tables_len);
	CHECK_EQ(sum(t, len), 0);
	CHECK(memcmp(t + 10, "HVHVHV", 6) == 0);
	return t;
}

/* ---- read back by the hypervisor's parser ----------------------------- */

static void test_one_cpu_parses(void)
{
	struct acpi_info info;
	uint64_t rsdp;
	size_t n = build_and_parse(BIOS_GPA, NULL, &info, &rsdp);

	CHECK(n > 0);
	CHECK_EQ(n, acpi_guest_size(1));
	CHECK_EQ(rsdp, BIOS_GPA);
	CHECK(info.found);
	CHECK_EQ(info.revision, 2);
	CHECK(strcmp(info.oem, "HVHVHV") == 0);
	CHECK(info.has_madt);
	CHECK_EQ(info.lapic_addr, 0xFEE00000u);
	CHECK_EQ(info.ncpus, 1);
	CHECK_EQ(info.apic_ids[0], 0);
	CHECK(info.has_fadt);
	CHECK_EQ(info.pm1a_cnt, VPM_DEFAULT_BASE + 4);
	CHECK_EQ(info.pm1b_cnt, 0);
	CHECK_EQ(info.pm_tmr, VPM_DEFAULT_BASE + VPM_PM_TMR_OFF);
	CHECK(info.pm_tmr_32bit);                 /* the virtual PM timer has 32 bits */
	CHECK(info.has_s5);
	CHECK_EQ(info.slp_typa, VPM_S5_SLP_TYP);
	CHECK_EQ(info.slp_typb, VPM_S5_SLP_TYP);
	/* The parser had nothing to complain about. */
	CHECK(strstr(host_log_text(), "hv: acpi") == NULL);
}

/* Without a MADT the rest still parses, and the root tables list only the FADT. */
static void test_without_madt(void)
{
	struct acpi_guest_config cfg = { .no_madt = true };
	struct acpi_info info;
	uint64_t rsdp;
	size_t n = build_and_parse(BIOS_GPA, &cfg, &info, &rsdp);

	CHECK(n > 0);
	CHECK(n < acpi_guest_size(1));
	CHECK(info.found);
	CHECK(!info.has_madt);
	CHECK(info.has_fadt);
	CHECK(info.has_s5);
	CHECK_EQ(info.pm1a_cnt, VPM_DEFAULT_BASE + 4);
}

static void test_four_cpus_parse(void)
{
	struct acpi_guest_config cfg = { .ncpus = 4 };
	struct acpi_info info;
	uint64_t rsdp;
	size_t n = build_and_parse(0x7fff0000, &cfg, &info, &rsdp);

	CHECK_EQ(n, acpi_guest_size(4));
	CHECK_EQ(n, acpi_guest_size(1) + 3 * 8);
	CHECK_EQ(rsdp, 0x7fff0000);
	CHECK_EQ(info.ncpus, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(info.apic_ids[i], i);
	CHECK(info.has_s5);
	CHECK_EQ(info.slp_typa, 5);
	CHECK(strstr(host_log_text(), "hv: acpi") == NULL);
}

static void test_config_fields_reach_tables(void)
{
	struct acpi_guest_config cfg = { .ncpus = 2, .pm_base = 0xb000, .sci_irq = 10,
					 .oem_id = "ABC" };
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *fadt;

	CHECK(build_and_parse(0x1000, &cfg, &info, &rsdp) > 0);
	CHECK(strcmp(info.oem, "ABC   ") == 0);    /* space-padded */
	CHECK_EQ(info.pm1a_cnt, 0xb004);
	CHECK_EQ(info.ncpus, 2);
	fadt = tables + (rd64(tables + 24) - tables_gpa);       /* via the XSDT */
	fadt = tables + (rd64(fadt + 36) - tables_gpa);
	CHECK(memcmp(fadt, "FACP", 4) == 0);
	CHECK_EQ(rd16(fadt + 46), 10);
	CHECK_EQ(rd32(fadt + 56), 0xb000);
	CHECK_EQ(rd32(fadt + 76), 0xb008);
	CHECK(memcmp(fadt + 10, "ABC   ", 6) == 0);
}

/* An ACPI 1.0 reader sees only the RSDT: it must lead to the same tables. */
static void test_rsdt_alone_is_enough(void)
{
	struct acpi_guest_config cfg = { .ncpus = 3 };
	struct acpi_info info;
	uint64_t rsdp;
	uint8_t v1[20];

	CHECK(build_and_parse(BIOS_GPA, &cfg, &info, &rsdp) > 0);
	memcpy(v1, buf, sizeof(v1));
	v1[15] = 0;             /* revision 0 */
	v1[8] = 0;
	v1[8] = (uint8_t)(0 - sum(v1, sizeof(v1)));
	CHECK_EQ(acpi_parse(v1, sizeof(v1), map_tables, &info), ACPI_OK);
	maps_free();
	CHECK_EQ(info.revision, 0);
	CHECK_EQ(info.ncpus, 3);
	CHECK_EQ(info.apic_ids[2], 2);
	CHECK(info.has_s5);
	CHECK_EQ(info.pm1a_cnt, VPM_DEFAULT_BASE + 4);
}

/* A legacy OS with no RSDP hint scans 0xE0000-0xFFFFF for it. */
static void test_found_by_bios_area_scan(void)
{
	struct acpi_info info;
	gpa_t rsdp;
	size_t n = acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), NULL, &rsdp);

	memset(mem, 0, sizeof(mem));
	memcpy(mem + BIOS_GPA, buf, n);
	CHECK_EQ(acpi_parse(NULL, 0, map_mem, &info), ACPI_OK);
	maps_free();
	CHECK_EQ(info.ncpus, 1);
	CHECK(info.has_s5);
}

/* ---- read back by hand ------------------------------------------------- */

static void test_rsdp_checksums_and_pointers(void)
{
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *r = buf;

	CHECK(build_and_parse(BIOS_GPA, NULL, &info, &rsdp) > 0);
	CHECK(memcmp(r, "RSD PTR ", 8) == 0);
	CHECK_EQ(sum(r, 20), 0);
	CHECK_EQ(r[15], 2);
	CHECK_EQ(rd32(r + 20), 36);
	CHECK_EQ(sum(r, 36), 0);
	CHECK(memcmp(r + 9, "HVHVHV", 6) == 0);
	table_at(rd32(r + 16), "RSDT", 36 + 2 * 4);
	table_at(rd64(r + 24), "XSDT", 36 + 2 * 8);
}

/* Both root tables list the FADT then the MADT, at the same addresses. */
static void test_root_tables_agree(void)
{
	struct acpi_guest_config cfg = { .ncpus = 4 };
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *x, *r;

	CHECK(build_and_parse(BIOS_GPA, &cfg, &info, &rsdp) > 0);
	x = table_at(rd64(buf + 24), "XSDT", 52);
	r = table_at(rd32(buf + 16), "RSDT", 44);
	if (!x || !r)
		return;
	for (int i = 0; i < 2; i++)
		CHECK_EQ(rd64(x + 36 + 8 * i), rd32(r + 36 + 4 * i));
	table_at(rd64(x + 36), "FACP", 276);
	table_at(rd64(x + 44), "APIC", 44 + 4 * 8);
}

static void test_fadt_fields(void)
{
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *x, *f, *facs, *dsdt;
	uint64_t facs_gpa;

	CHECK(build_and_parse(BIOS_GPA, NULL, &info, &rsdp) > 0);
	x = tables + (rd64(buf + 24) - tables_gpa);
	f = table_at(rd64(x + 36), "FACP", 276);
	if (!f)
		return;
	CHECK_EQ(f[8], 6);                      /* revision */
	CHECK_EQ(f[131], 5);                    /* minor version */
	CHECK_EQ(rd16(f + 46), 9);              /* SCI_INT */
	CHECK_EQ(rd32(f + 48), 0);              /* SMI_CMD: no SMI */
	CHECK_EQ(f[52], 0);                     /* ACPI_ENABLE */
	CHECK_EQ(f[53], 0);                     /* ACPI_DISABLE */
	CHECK_EQ(rd32(f + 56), 0x600);          /* PM1a_EVT_BLK */
	CHECK_EQ(rd32(f + 60), 0);              /* PM1b_EVT_BLK */
	CHECK_EQ(rd32(f + 64), 0x604);          /* PM1a_CNT_BLK */
	CHECK_EQ(rd32(f + 76), 0x608);          /* PM_TMR_BLK */
	CHECK_EQ(rd32(f + 80), 0);              /* no GPE0 */
	CHECK_EQ(f[88], 4);
	CHECK_EQ(f[89], 2);
	CHECK_EQ(f[91], 4);
	CHECK(rd16(f + 96) > 100);              /* no C2 */
	CHECK(rd16(f + 98) > 1000);             /* no C3 */
	CHECK_EQ(f[108], 0x32);                 /* CENTURY */
	CHECK_EQ(rd16(f + 109), 0x0d);          /* legacy, no VGA, no MSI; no 8042 */
	CHECK_EQ(rd32(f + 112), 0x175);         /* WBINVD C1 PWR SLP FIX_RTC TMR_VAL_EXT */
	CHECK_EQ(rd32(f + 112) & (1u << 20), 0);        /* not hardware-reduced */
	/* X_ blocks: System I/O GASes matching the 32-bit fields */
	CHECK_EQ(f[148], 1);
	CHECK_EQ(f[149], 32);
	CHECK_EQ(rd64(f + 152), 0x600);
	CHECK_EQ(f[172], 1);
	CHECK_EQ(f[173], 16);
	CHECK_EQ(rd64(f + 176), 0x604);
	CHECK_EQ(f[208], 1);
	CHECK_EQ(f[209], 32);
	CHECK_EQ(f[211], 3);                    /* dword access */
	CHECK_EQ(rd64(f + 212), 0x608);
	CHECK_EQ(rd64(f + 160), 0);             /* no PM1b */
	/* FACS and DSDT, 32- and 64-bit pointers equal */
	facs_gpa = rd32(f + 36);
	CHECK_EQ(rd64(f + 132), facs_gpa);
	CHECK_EQ(facs_gpa % 64, 0);
	facs = tables + (facs_gpa - tables_gpa);
	CHECK(memcmp(facs, "FACS", 4) == 0);
	CHECK_EQ(rd32(facs + 4), 64);
	CHECK_EQ(facs[32], 2);
	CHECK_EQ(rd64(f + 140), rd32(f + 40));
	dsdt = table_at(rd32(f + 40), "DSDT", 36 + 14);
	if (dsdt) {
		static const uint8_t aml[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
					       0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };

		CHECK(memcmp(dsdt + 36, aml, sizeof(aml)) == 0);
		CHECK_EQ(dsdt[8], 2);
	}
}

/* ---- virtio-mmio devices in the DSDT ----------------------------------- */

/* An AML PkgLength at p (ACPI 6.5, 20.2.4): its value, *n its bytes. */
static size_t pkg_length(const uint8_t *p, size_t *n)
{
	unsigned follow = p[0] >> 6;
	size_t len = follow ? p[0] & 0x0f : p[0] & 0x3f;

	for (unsigned i = 0; i < follow; i++)
		len |= (size_t)p[1 + i] << (4 + 8 * i);
	*n = 1 + follow;
	return len;
}

/* The DSDT of a build with cfg: checked, and its length in *len. */
static const uint8_t *dsdt_of(const struct acpi_guest_config *cfg, uint32_t *len)
{
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *x, *f;

	if (!build_and_parse(BIOS_GPA, cfg, &info, &rsdp))
		return NULL;
	x = tables + (rd64(buf + 24) - tables_gpa);
	f = tables + (rd64(x + 36) - tables_gpa);
	*len = rd32(tables + (rd32(f + 40) - tables_gpa) + 4);
	return table_at(rd32(f + 40), "DSDT", *len);
}

/* Device (VRTn) at d (its DeviceOp), inside [d, end): the fields. */
static const uint8_t *check_device(const uint8_t *d, const uint8_t *end, unsigned n,
				   const struct acpi_guest_virtio *v)
{
	static const uint8_t hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0d,
				       'L', 'N', 'R', 'O', '0', '0', '0', '5', 0 };
	const uint8_t uid[] = { 0x08, '_', 'U', 'I', 'D', 0x0a, (uint8_t)n };
	const char name[4] = { 'V', 'R', 'T', (char)('0' + n) };
	size_t nb, bnb;

	CHECK_EQ(d[0], 0x5b);
	CHECK_EQ(d[1], 0x82);
	size_t len = pkg_length(d + 2, &nb);
	const uint8_t *body = d + 2 + nb, *next = d + 2 + len;
	CHECK(next <= end);
	if (next > end)
		return end;
	CHECK(memcmp(body, name, 4) == 0);
	CHECK(memcmp(body + 4, hid, sizeof(hid)) == 0);
	CHECK(memcmp(body + 4 + sizeof(hid), uid, sizeof(uid)) == 0);
	const uint8_t *crs = body + 4 + sizeof(hid) + sizeof(uid);
	CHECK(memcmp(crs, "\x08_CRS\x11", 6) == 0);
	size_t blen = pkg_length(crs + 6, &bnb);
	CHECK(crs + 6 + blen == next);          /* _CRS ends the device */
	const uint8_t *size = crs + 6 + bnb, *rt = size + 2;
	CHECK_EQ(size[0], 0x0a);                /* BufferSize, a byte */
	CHECK_EQ(size[1], blen - bnb - 2);
	CHECK_EQ(size[1], 23);
	/* Memory32Fixed (ReadWrite, base, size) */
	CHECK_EQ(rt[0], 0x86);
	CHECK_EQ(rd16(rt + 1), 9);
	CHECK_EQ(rt[3], 1);
	CHECK_EQ(rd32(rt + 4), v->base);
	CHECK_EQ(rd32(rt + 8), v->size);
	/* Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { irq } */
	CHECK_EQ(rt[12], 0x89);
	CHECK_EQ(rd16(rt + 13), 6);
	CHECK_EQ(rt[15], 0x01);
	CHECK_EQ(rt[16], 1);
	CHECK_EQ(rd32(rt + 17), v->irq);
	/* End Tag, its checksum making the template sum to 0 */
	CHECK_EQ(rt[21], 0x79);
	CHECK_EQ(sum(rt, 23), 0);
	return next;
}

static void test_virtio_devices_in_dsdt(void)
{
	struct acpi_guest_config cfg = { .ncpus = 2, .no_madt = false, .ioapic_addr = 0xfec00000,
		.virtio = { { 0xfeb00000, 0x200, 10 }, { 0xfeb01000, 0x200, 11 } }, .nvirtio = 2 };
	struct acpi_guest_config none = cfg;
	uint32_t len, len0;
	size_t nb;

	none.nvirtio = 0;
	const uint8_t *d0 = dsdt_of(&none, &len0);
	CHECK_EQ(len0, 36 + 14);                /* just \_S5_, as ever */
	const uint8_t *d = dsdt_of(&cfg, &len);
	if (!d0 || !d)
		return;
	CHECK(len > len0 && len <= len0 + 8 + 2 * ACPI_GUEST_VIRTIO_BYTES);
	CHECK(memcmp(d + 36, "\x08_S5_", 5) == 0);   /* \_S5_ first, unchanged */
	/* Scope (\_SB) takes the rest of the table, exactly */
	const uint8_t *sc = d + 36 + 14, *end = d + len;
	CHECK_EQ(sc[0], 0x10);
	size_t slen = pkg_length(sc + 1, &nb);
	CHECK_EQ(1 + slen, (size_t)(end - sc));
	CHECK(memcmp(sc + 1 + nb, "\\_SB_", 5) == 0);
	const uint8_t *p = sc + 1 + nb + 5;
	for (unsigned n = 0; n < 2 && p < end; n++)
		p = check_device(p, end, n, &cfg.virtio[n]);
	CHECK(p == end);
	CHECK(memmem(d, len, "LNRO0005", 8) != NULL);

	/* too many devices: refused */
	cfg.nvirtio = ACPI_GUEST_MAX_VIRTIO + 1;
	gpa_t at;
	host_log_clear();
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), &cfg, &at), 0);
}

static void test_madt_entries(void)
{
	struct acpi_guest_config cfg = { .ncpus = 4 };
	struct acpi_info info;
	uint64_t rsdp;
	const uint8_t *x, *m;

	CHECK(build_and_parse(BIOS_GPA, &cfg, &info, &rsdp) > 0);
	x = tables + (rd64(buf + 24) - tables_gpa);
	m = table_at(rd64(x + 44), "APIC", 44 + 4 * 8);
	if (!m)
		return;
	CHECK_EQ(rd32(m + 36), 0xFEE00000u);
	CHECK_EQ(rd32(m + 40), 1);              /* PCAT_COMPAT */
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *e = m + 44 + 8 * i;

		CHECK_EQ(e[0], 0);
		CHECK_EQ(e[1], 8);
		CHECK_EQ(e[2], i);
		CHECK_EQ(e[3], i);
		CHECK_EQ(rd32(e + 4), 1);
	}
}

/* Each table sits inside the returned size, none overlaps the next. */
static void test_tables_disjoint(void)
{
	struct acpi_guest_config cfg = { .ncpus = 8 };
	gpa_t rsdp;
	uint64_t at[6], len[6];
	size_t n = acpi_guest_build(buf, sizeof(buf), GPA(0x200000), &cfg, &rsdp);
	const uint8_t *x = buf + (rd64(buf + 24) - 0x200000);
	const uint8_t *f = buf + (rd64(x + 36) - 0x200000);

	at[0] = rsdp.v;                   len[0] = 36;
	at[1] = rd32(buf + 16);           len[1] = 44;
	at[2] = rd64(buf + 24);           len[2] = 52;
	at[3] = rd64(x + 36);             len[3] = 276;
	at[4] = rd64(x + 44);             len[4] = 44 + 8 * 8;
	at[5] = rd32(f + 40);             len[5] = 50;
	for (int i = 0; i < 6; i++) {
		CHECK(at[i] >= 0x200000 && at[i] + len[i] <= 0x200000 + n);
		for (int j = 0; j < 6; j++)
			if (i != j)
				CHECK(at[i] + len[i] <= at[j] || at[j] + len[j] <= at[i]);
	}
}

/* ---- refusals -------------------------------------------------------- */

static void test_buffer_too_small(void)
{
	gpa_t rsdp = GPA(0x1234);
	size_t need = acpi_guest_size(2);
	struct acpi_guest_config cfg = { .ncpus = 2 };

	host_log_clear();
	memset(buf, 0xaa, sizeof(buf));
	CHECK_EQ(acpi_guest_build(buf, need - 1, GPA(BIOS_GPA), &cfg, &rsdp), 0);
	CHECK_STR_CONTAINS(host_log_text(), "need");
	CHECK_EQ(rsdp.v, 0x1234);
	CHECK_EQ(buf[0], 0xaa);                 /* nothing written */
	CHECK_EQ(acpi_guest_build(buf, need, GPA(BIOS_GPA), &cfg, &rsdp), need);
}

static void test_bad_arguments_refused(void)
{
	struct acpi_guest_config many = { .ncpus = 256 };
	struct acpi_guest_config max = { .ncpus = 255 };
	struct acpi_guest_config oem = { .oem_id = "TOOLONG" };
	struct acpi_guest_config sci = { .sci_irq = 16 };
	struct acpi_guest_config port = { .pm_base = 0xfff8 };
	static uint8_t big[4096 + 255 * 8];
	gpa_t rsdp;

	host_log_clear();
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA + 16), NULL, &rsdp), 0);
	CHECK_STR_CONTAINS(host_log_text(), "aligned");
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(GIB(4) - 0x40), NULL, &rsdp), 0);
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(GIB(8)), NULL, &rsdp), 0);
	CHECK(acpi_guest_build(buf, sizeof(buf), GPA(GIB(4) - 0x1000), NULL, &rsdp) > 0);
	host_log_clear();
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), &many, &rsdp), 0);
	CHECK_STR_CONTAINS(host_log_text(), "bad config");
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), &oem, &rsdp), 0);
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), &sci, &rsdp), 0);
	CHECK_EQ(acpi_guest_build(buf, sizeof(buf), GPA(BIOS_GPA), &port, &rsdp), 0);
	CHECK_EQ(acpi_guest_build(big, sizeof(big), GPA(0x100000), &max, &rsdp), acpi_guest_size(255));
}

int main(void)
{
	RUN(test_one_cpu_parses);
	RUN(test_four_cpus_parse);
	RUN(test_without_madt);
	RUN(test_config_fields_reach_tables);
	RUN(test_rsdt_alone_is_enough);
	RUN(test_found_by_bios_area_scan);
	RUN(test_rsdp_checksums_and_pointers);
	RUN(test_root_tables_agree);
	RUN(test_fadt_fields);
	RUN(test_virtio_devices_in_dsdt);
	RUN(test_madt_entries);
	RUN(test_tables_disjoint);
	RUN(test_buffer_too_small);
	RUN(test_bad_arguments_refused);
	return check_summary();
}

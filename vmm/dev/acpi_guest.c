/*
 * Guest ACPI tables; see acpi_guest.h.
 *
 * Layouts are from the ACPI Specification 6.5, chapter 5.2: RSDP
 * (5.2.5.3), table header (5.2.6), RSDT/XSDT (5.2.7/5.2.8), FADT (5.2.9,
 * table 5.9), FACS (5.2.10), DSDT (5.2.11.1), MADT (5.2.12) and the
 * Generic Address Structure (5.2.3.2); AML encodings from chapter 20.
 * Each table is filled in as a packed struct and copied into the buffer;
 * the checksums are fixed up last, over the final bytes.
 */
#include "vmm/dev/acpi_guest.h"
#include "vmm/dev/vpm.h"
#include "vmm/dev/vrtc.h"
#include "hv/log.h"
#include "hv/string.h"
#include "hv/types.h"

#define PACKED __attribute__((packed))

/* ---- layouts ----------------------------------------------------------- */

struct rsdp {
	char sig[8];            /* "RSD PTR " */
	uint8_t checksum;       /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;       /* 2: ACPI 2.0+, with the fields below */
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;   /* over all 36 bytes */
	uint8_t reserved[3];
} PACKED;
_Static_assert(sizeof(struct rsdp) == 36, "RSDP is 36 bytes (5.2.5.3)");
#define RSDP_V1_LEN 20

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} PACKED;
_Static_assert(sizeof(struct sdt_header) == 36, "table header is 36 bytes (5.2.6)");

struct gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;    /* 1 byte, 2 word, 3 dword, 4 qword */
	uint64_t address;
} PACKED;
_Static_assert(sizeof(struct gas) == 12, "GAS is 12 bytes (5.2.3.2)");
#define GAS_SYSTEM_IO   1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

struct fadt {
	struct sdt_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor;
} PACKED;
/* Offsets from table 5.9; drivers/acpi.c reads the same ones. */
_Static_assert(sizeof(struct fadt) == 276, "FADT 6.x is 276 bytes");
_Static_assert(__builtin_offsetof(struct fadt, dsdt) == 40, "FADT DSDT");
_Static_assert(__builtin_offsetof(struct fadt, sci_int) == 46, "FADT SCI_INT");
_Static_assert(__builtin_offsetof(struct fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(__builtin_offsetof(struct fadt, pm_tmr_blk) == 76, "FADT PM_TMR_BLK");
_Static_assert(__builtin_offsetof(struct fadt, pm1_evt_len) == 88, "FADT PM1_EVT_LEN");
_Static_assert(__builtin_offsetof(struct fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(__builtin_offsetof(struct fadt, flags) == 112, "FADT Flags");
_Static_assert(__builtin_offsetof(struct fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(__builtin_offsetof(struct fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(__builtin_offsetof(struct fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK");

/* FADT Flags (table 5.10) */
#define FADT_WBINVD        (1u << 0)
#define FADT_PROC_C1       (1u << 2)
#define FADT_PWR_BUTTON    (1u << 4)    /* 1: no fixed-feature power button */
#define FADT_SLP_BUTTON    (1u << 5)    /* 1: no fixed-feature sleep button */
#define FADT_FIX_RTC       (1u << 6)    /* 1: no RTC wake status in PM1 */
#define FADT_TMR_VAL_EXT   (1u << 8)    /* 1: the PM timer is 32 bits */
/* IA-PC boot architecture flags (table 5.11) */
#define IAPC_LEGACY_DEVICES    (1u << 0)  /* ISA devices: PIT, RTC, UART */
#define IAPC_VGA_NOT_PRESENT   (1u << 2)
#define IAPC_MSI_NOT_SUPPORTED (1u << 3)
/* P_LVL2_LAT > 100 and P_LVL3_LAT > 1000 say C2/C3 are unsupported. */
#define FADT_NO_C2_LAT 101
#define FADT_NO_C3_LAT 1001
#define FADT_REVISION       6
#define FADT_MINOR_VERSION  5

struct facs {
	char sig[4];            /* "FACS"; no checksum */
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} PACKED;
_Static_assert(sizeof(struct facs) == 64, "FACS is 64 bytes (5.2.10)");
#define FACS_VERSION 2

struct madt {
	struct sdt_header h;
	uint32_t lapic_addr;
	uint32_t flags;
} PACKED;
_Static_assert(sizeof(struct madt) == 44, "MADT fixed part is 44 bytes (5.2.12)");
#define MADT_PCAT_COMPAT 1u     /* dual 8259s present */
#define MADT_REVISION    5

struct madt_lapic {
	uint8_t type;           /* 0: processor local APIC (5.2.12.2) */
	uint8_t length;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} PACKED;
_Static_assert(sizeof(struct madt_lapic) == 8, "local APIC entry is 8 bytes");
#define MADT_TYPE_LAPIC     0
#define MADT_LAPIC_ENABLED  1u

struct madt_ioapic {
	uint8_t type;           /* 1: I/O APIC (5.2.12.3) */
	uint8_t length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} PACKED;
_Static_assert(sizeof(struct madt_ioapic) == 12, "I/O APIC entry is 12 bytes");
#define MADT_TYPE_IOAPIC    1

struct madt_iso {
	uint8_t type;           /* 2: interrupt source override (5.2.12.5) */
	uint8_t length;
	uint8_t bus;            /* 0: ISA */
	uint8_t source;         /* the ISA IRQ */
	uint32_t gsi;
	uint16_t flags;         /* MPS INTI flags: polarity bits 1:0, trigger 3:2 */
} PACKED;
_Static_assert(sizeof(struct madt_iso) == 10, "interrupt source override is 10 bytes");
#define MADT_TYPE_ISO       2
#define MPS_ACTIVE_HIGH     0x1
#define MPS_LEVEL           0xc

/* With an I/O APIC: the PC's ISA overrides.  IRQ 0 (the PIT) is on pin
 * 2; the SCI is level-triggered, active high (ACPI 5.2.12.5's example). */
#define MADT_N_ISO 2
#define MADT_IOAPIC_BYTES (sizeof(struct madt_ioapic) + MADT_N_ISO * sizeof(struct madt_iso))

/*
 * The whole DSDT body: Name (_S5_, Package () { 5, 5, 0, 0 }) at the
 * root scope.  The package is SLP_TYPa, SLP_TYPb (unused: there is no
 * PM1b block) and two reserved elements (7.4.2.4).  PkgLength (20.2.4)
 * counts itself and the 7 bytes after it; below 64 it is one byte.
 */
#define AML_NAME_OP    0x08
#define AML_PACKAGE_OP 0x12
#define AML_ZERO_OP    0x00
#define AML_BYTE_PFX   0x0A
#define S5_PKG_LEN     8
static const uint8_t dsdt_aml[] = {
	AML_NAME_OP, '_', 'S', '5', '_',
	AML_PACKAGE_OP, S5_PKG_LEN, 4 /* NumElements */,
	AML_BYTE_PFX, VPM_S5_SLP_TYP, AML_BYTE_PFX, VPM_S5_SLP_TYP,
	AML_ZERO_OP, AML_ZERO_OP,
};
_Static_assert(sizeof(dsdt_aml) == 6 + S5_PKG_LEN, "_S5_ PkgLength");
#define DSDT_REVISION 2         /* 2+: 64-bit AML integers */

/*
 * The virtio-mmio devices (acpi_guest.h): Scope (\_SB) { Device (VRTn)
 * ... }.  AML (ACPI 6.5, 20.2): ScopeOp and ExtOpPrefix DeviceOp are
 * followed by a PkgLength that counts itself and the rest of the object
 * (20.2.4): one byte below 64, else a lead byte 0x40 | the low nibble
 * and one byte more for bits 4-11.  _CRS is a Buffer of resource
 * descriptors (6.4): Memory32Fixed (large item 0x86, 6.4.3.4), Extended
 * Interrupt (large item 0x89, 6.4.3.6; flags bit 0 consumer, bit 1 edge,
 * bit 2 active low, bit 3 shared: 0x01 is a level, active high,
 * exclusive consumer) and the End Tag (small item 0x79, 6.4.2.9) whose
 * checksum byte makes the template sum to zero.
 */
#define AML_SCOPE_OP   0x10
#define AML_EXT_OP     0x5B
#define AML_DEVICE_OP  0x82
#define AML_BUFFER_OP  0x11
#define AML_STRING_PFX 0x0D
#define AML_ROOT_CHAR  '\\'
#define RES_MEM32_FIXED  0x86
#define RES_EXT_IRQ      0x89
#define RES_END_TAG      0x79
#define RES_MEM_RW       0x01
#define RES_IRQ_CONSUMER 0x01   /* level, active high, exclusive */
#define VIRTIO_CRS_LEN   23     /* 12 + 9 + 2 bytes of descriptors */
#define SB_AML_MAX (8 + ACPI_GUEST_MAX_VIRTIO * ACPI_GUEST_VIRTIO_BYTES)

struct aml {
	uint8_t *p;
	size_t n;
};

static void aml_put(struct aml *a, const void *bytes, size_t len)
{
	memcpy(a->p + a->n, bytes, len);
	a->n += len;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_put(a, &b, 1);
}

static void aml_le32(struct aml *a, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

/* PkgLength for a body of n bytes, then the body (at most 4095 in all). */
static void aml_pkg(struct aml *a, const uint8_t *body, size_t n)
{
	if (n + 1 < 64) {
		aml_byte(a, (uint8_t)(n + 1));
	} else {
		size_t total = n + 2;
		aml_byte(a, (uint8_t)(0x40 | (total & 0xf)));
		aml_byte(a, (uint8_t)(total >> 4));
	}
	aml_put(a, body, n);
}

/* Name (seg, ...): NameOp and a 4-character NameSeg. */
static void aml_name(struct aml *a, const char seg[4])
{
	aml_byte(a, AML_NAME_OP);
	aml_put(a, seg, 4);
}

static void virtio_crs(struct aml *a, const struct acpi_guest_virtio *v)
{
	uint8_t rt[VIRTIO_CRS_LEN], buf[2 + VIRTIO_CRS_LEN];
	struct aml t = { rt, 0 }, b = { buf, 0 };
	uint8_t sum = 0;

	aml_byte(&t, RES_MEM32_FIXED);
	aml_byte(&t, 9), aml_byte(&t, 0);           /* length of what follows */
	aml_byte(&t, RES_MEM_RW);
	aml_le32(&t, v->base);
	aml_le32(&t, v->size);
	aml_byte(&t, RES_EXT_IRQ);
	aml_byte(&t, 6), aml_byte(&t, 0);
	aml_byte(&t, RES_IRQ_CONSUMER);
	aml_byte(&t, 1);                            /* one interrupt */
	aml_le32(&t, v->irq);
	aml_byte(&t, RES_END_TAG);
	for (size_t i = 0; i < t.n; i++)
		sum = (uint8_t)(sum + rt[i]);
	aml_byte(&t, (uint8_t)(0 - sum));
	aml_byte(&b, AML_BYTE_PFX);                 /* BufferSize */
	aml_byte(&b, (uint8_t)t.n);
	aml_put(&b, rt, t.n);
	aml_name(a, "_CRS");
	aml_byte(a, AML_BUFFER_OP);
	aml_pkg(a, buf, b.n);
}

static void virtio_device(struct aml *a, unsigned n, const struct acpi_guest_virtio *v)
{
	uint8_t body[ACPI_GUEST_VIRTIO_BYTES];
	struct aml d = { body, 0 };
	const char seg[4] = { 'V', 'R', 'T', (char)('0' + n) };

	aml_put(&d, seg, 4);
	aml_name(&d, "_HID");
	aml_byte(&d, AML_STRING_PFX);
	aml_put(&d, ACPI_GUEST_VIRTIO_HID, sizeof(ACPI_GUEST_VIRTIO_HID));  /* with its NUL */
	aml_name(&d, "_UID");
	aml_byte(&d, AML_BYTE_PFX);
	aml_byte(&d, (uint8_t)n);
	virtio_crs(&d, v);
	aml_byte(a, AML_EXT_OP);
	aml_byte(a, AML_DEVICE_OP);
	aml_pkg(a, body, d.n);
}

/* Scope (\_SB) with every device into out; its length (0 if none). */
static size_t virtio_scope(uint8_t *out, const struct acpi_guest_virtio *v, unsigned nv)
{
	uint8_t body[SB_AML_MAX];
	struct aml s = { body, 0 }, a = { out, 0 };

	if (!nv)
		return 0;
	aml_byte(&s, AML_ROOT_CHAR);
	aml_put(&s, "_SB_", 4);
	for (unsigned i = 0; i < nv; i++)
		virtio_device(&s, i, &v[i]);
	aml_byte(&a, AML_SCOPE_OP);
	aml_pkg(&a, body, s.n);
	return a.n;
}

/* ---- layout in the buffer ------------------------------------------------ */

struct layout {
	size_t rsdp, facs, xsdt, rsdt, fadt, madt, dsdt, end;
};

#define N_ROOT_ENTRIES 2        /* FADT, MADT (the MADT may be left out) */
#define TABLE_ALIGN    8

static size_t place(size_t *at, size_t len, size_t align)
{
	size_t off = ALIGN_UP(*at, align);

	*at = off + len;
	return off;
}

static unsigned root_entries(bool madt)
{
	return madt ? N_ROOT_ENTRIES : N_ROOT_ENTRIES - 1;
}

static size_t madt_size(unsigned ncpus, bool ioapic)
{
	return sizeof(struct madt) + ncpus * sizeof(struct madt_lapic) + (ioapic ? MADT_IOAPIC_BYTES : 0);
}

/* Room for the largest MADT (with the I/O APIC); it may use less. */
static void layout_of(unsigned ncpus, bool madt, size_t dsdt_body, struct layout *l)
{
	size_t at = 0;

	l->rsdp = place(&at, sizeof(struct rsdp), 16);
	l->facs = place(&at, sizeof(struct facs), ACPI_GUEST_ALIGN);
	l->xsdt = place(&at, sizeof(struct sdt_header) + 8 * root_entries(madt), TABLE_ALIGN);
	l->rsdt = place(&at, sizeof(struct sdt_header) + 4 * root_entries(madt), TABLE_ALIGN);
	l->fadt = place(&at, sizeof(struct fadt), TABLE_ALIGN);
	l->madt = madt ? place(&at, madt_size(ncpus, true), TABLE_ALIGN) : 0;
	l->dsdt = place(&at, sizeof(struct sdt_header) + dsdt_body, TABLE_ALIGN);
	l->end = at;
}

size_t acpi_guest_size(unsigned ncpus)
{
	struct layout l;

	layout_of(ncpus ? ncpus : 1, true, sizeof(dsdt_aml), &l);
	return l.end;
}

/* ---- writers --------------------------------------------------------------- */

/* The defaults of a zeroed config, filled in. */
struct params {
	unsigned ncpus;
	uint16_t pm_base;
	uint8_t sci_irq;
	char oem_id[6];
	bool madt;
	uint32_t ioapic_addr;
	uint64_t gpa;
	struct layout l;
	uint8_t sb_aml[SB_AML_MAX];     /* Scope (\_SB) with the virtio devices */
	size_t sb_len;
};

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Header with the checksum left 0; seal() sets it once the body is in. */
static void sdt_header(struct sdt_header *h, const char *sig, size_t len,
		       uint8_t revision, const struct params *pr)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->sig, sig, 4);
	h->length = (uint32_t)len;
	h->revision = revision;
	memcpy(h->oem_id, pr->oem_id, 6);
	memcpy(h->oem_table_id, "HVGUEST ", 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, "HVHV", 4);
	h->creator_revision = 1;
}

/* Make the table at buf[off] sum to zero (5.2.6: all bytes of Length). */
static void seal(uint8_t *buf, size_t off)
{
	struct sdt_header *h = (struct sdt_header *)(buf + off);

	h->checksum = (uint8_t)(0 - sum(buf + off, h->length));
}

static void write_rsdp(uint8_t *buf, const struct params *pr)
{
	struct rsdp r = {
		.revision = 2,
		.rsdt = (uint32_t)(pr->gpa + pr->l.rsdt),
		.length = sizeof(struct rsdp),
		.xsdt = pr->gpa + pr->l.xsdt,
	};

	memcpy(r.sig, "RSD PTR ", 8);
	memcpy(r.oem_id, pr->oem_id, 6);
	r.checksum = (uint8_t)(0 - sum((const uint8_t *)&r, RSDP_V1_LEN));
	r.ext_checksum = (uint8_t)(0 - sum((const uint8_t *)&r, sizeof(r)));
	memcpy(buf + pr->l.rsdp, &r, sizeof(r));
}

static void write_facs(uint8_t *buf, const struct params *pr)
{
	struct facs f = { .length = sizeof(struct facs), .version = FACS_VERSION };

	memcpy(f.sig, "FACS", 4);
	memcpy(buf + pr->l.facs, &f, sizeof(f));
}

/* XSDT and RSDT list the same tables, with 64- and 32-bit pointers. */
static void write_root(uint8_t *buf, const struct params *pr, size_t off,
		       const char *sig, unsigned esize)
{
	const size_t tables[N_ROOT_ENTRIES] = { pr->l.fadt, pr->l.madt };
	struct sdt_header h;
	size_t len = sizeof(h) + esize * root_entries(pr->madt);

	sdt_header(&h, sig, len, 1, pr);
	memcpy(buf + off, &h, sizeof(h));
	for (unsigned i = 0; i < root_entries(pr->madt); i++)
		put_le(buf + off + sizeof(h) + i * esize, pr->gpa + tables[i], esize);
	seal(buf, off);
}

static struct gas io_gas(uint16_t port, unsigned len, uint8_t access_size)
{
	return (struct gas){
		.space_id = GAS_SYSTEM_IO,
		.bit_width = (uint8_t)(8 * len),
		.access_size = access_size,
		.address = port,
	};
}

/* The PM registers: the 32-bit fields and their X_ copies agree, so an
 * OS may use either without a mismatch warning. */
static void fadt_pm_blocks(struct fadt *f, uint16_t base)
{
	f->pm1a_evt_blk = base + VPM_PM1_EVT_OFF;
	f->pm1a_cnt_blk = base + VPM_PM1_CNT_OFF;
	f->pm_tmr_blk = base + VPM_PM_TMR_OFF;
	f->pm1_evt_len = VPM_PM1_EVT_LEN;
	f->pm1_cnt_len = VPM_PM1_CNT_LEN;
	f->pm_tmr_len = VPM_PM_TMR_LEN;
	f->x_pm1a_evt_blk = io_gas(f->pm1a_evt_blk, VPM_PM1_EVT_LEN, GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk = io_gas(f->pm1a_cnt_blk, VPM_PM1_CNT_LEN, GAS_ACCESS_WORD);
	f->x_pm_tmr_blk = io_gas(f->pm_tmr_blk, VPM_PM_TMR_LEN, GAS_ACCESS_DWORD);
}

static void write_fadt(uint8_t *buf, const struct params *pr)
{
	struct fadt f;

	memset(&f, 0, sizeof(f));
	sdt_header(&f.h, "FACP", sizeof(f), FADT_REVISION, pr);
	f.minor_version = FADT_MINOR_VERSION;
	f.firmware_ctrl = (uint32_t)(pr->gpa + pr->l.facs);
	f.x_firmware_ctrl = f.firmware_ctrl;
	f.dsdt = (uint32_t)(pr->gpa + pr->l.dsdt);
	f.x_dsdt = f.dsdt;
	f.sci_int = pr->sci_irq;
	/* smi_cmd, acpi_enable, acpi_disable stay 0: no SMI, always ACPI. */
	fadt_pm_blocks(&f, pr->pm_base);
	f.p_lvl2_lat = FADT_NO_C2_LAT;
	f.p_lvl3_lat = FADT_NO_C3_LAT;
	f.century = VRTC_CENTURY;
	f.iapc_boot_arch = IAPC_LEGACY_DEVICES | IAPC_VGA_NOT_PRESENT | IAPC_MSI_NOT_SUPPORTED;
	f.flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON |
		  FADT_FIX_RTC | FADT_TMR_VAL_EXT;
	memcpy(buf + pr->l.fadt, &f, sizeof(f));
	seal(buf, pr->l.fadt);
}

/* One enabled local APIC per CPU; processor UID = APIC id = index; then
 * the I/O APIC and its overrides, if there is one. */
static void write_madt(uint8_t *buf, const struct params *pr)
{
	struct madt m;
	uint8_t *e = buf + pr->l.madt + sizeof(m);

	sdt_header(&m.h, "APIC", (uint32_t)madt_size(pr->ncpus, pr->ioapic_addr != 0),
		   MADT_REVISION, pr);
	m.lapic_addr = ACPI_GUEST_LAPIC_ADDR;
	m.flags = MADT_PCAT_COMPAT;
	memcpy(buf + pr->l.madt, &m, sizeof(m));
	for (unsigned i = 0; i < pr->ncpus; i++, e += sizeof(struct madt_lapic)) {
		struct madt_lapic c = {
			.type = MADT_TYPE_LAPIC,
			.length = sizeof(struct madt_lapic),
			.processor_uid = (uint8_t)i,
			.apic_id = (uint8_t)i,
			.flags = MADT_LAPIC_ENABLED,
		};

		memcpy(e, &c, sizeof(c));
	}
	if (pr->ioapic_addr) {
		struct madt_ioapic io = {
			.type = MADT_TYPE_IOAPIC, .length = sizeof(io),
			.ioapic_id = (uint8_t)pr->ncpus,     /* the first id after the CPUs' */
			.address = pr->ioapic_addr, .gsi_base = 0,
		};
		const struct madt_iso iso[MADT_N_ISO] = {
			{ MADT_TYPE_ISO, sizeof(struct madt_iso), 0, 0, 2, 0 },
			{ MADT_TYPE_ISO, sizeof(struct madt_iso), 0, pr->sci_irq, pr->sci_irq,
			  MPS_ACTIVE_HIGH | MPS_LEVEL },
		};
		memcpy(e, &io, sizeof(io));
		memcpy(e + sizeof(io), iso, sizeof(iso));
	}
	seal(buf, pr->l.madt);
}

static void write_dsdt(uint8_t *buf, const struct params *pr)
{
	struct sdt_header h;

	sdt_header(&h, "DSDT", sizeof(h) + sizeof(dsdt_aml) + pr->sb_len, DSDT_REVISION, pr);
	memcpy(buf + pr->l.dsdt, &h, sizeof(h));
	memcpy(buf + pr->l.dsdt + sizeof(h), dsdt_aml, sizeof(dsdt_aml));
	memcpy(buf + pr->l.dsdt + sizeof(h) + sizeof(dsdt_aml), pr->sb_aml, pr->sb_len);
	seal(buf, pr->l.dsdt);
}

/* ---- entry point --------------------------------------------------------- */

/* Fill pr from cfg with defaults; false (logged) if cfg is unusable. */
static bool params_from(const struct acpi_guest_config *cfg, struct params *pr)
{
	static const struct acpi_guest_config defaults;
	const char *oem;

	if (!cfg)
		cfg = &defaults;
	oem = cfg->oem_id ? cfg->oem_id : ACPI_GUEST_OEM_ID;
	pr->ncpus = cfg->ncpus ? cfg->ncpus : 1;
	pr->pm_base = cfg->pm_base ? cfg->pm_base : VPM_DEFAULT_BASE;
	pr->sci_irq = cfg->sci_irq ? cfg->sci_irq : ACPI_GUEST_SCI_IRQ;
	if (pr->ncpus > ACPI_GUEST_MAX_CPUS || strlen(oem) > 6 ||
	    pr->pm_base > 0x10000 - VPM_NPORTS || pr->sci_irq > 15) {
		log_printf("hv: acpi-guest: bad config (ncpus %u, oem '%s', pm_base 0x%x, sci %u)\n",
			   pr->ncpus, oem, pr->pm_base, pr->sci_irq);
		return false;
	}
	if (cfg->nvirtio > ACPI_GUEST_MAX_VIRTIO) {
		log_printf("hv: acpi-guest: %u virtio devices (max %d)\n", cfg->nvirtio,
			   ACPI_GUEST_MAX_VIRTIO);
		return false;
	}
	pr->sb_len = virtio_scope(pr->sb_aml, cfg->virtio, cfg->nvirtio);
	/* OEMIDs are space-padded, not NUL-terminated (5.2.6). */
	memset(pr->oem_id, ' ', 6);
	memcpy(pr->oem_id, oem, strlen(oem));
	return true;
}

/* The range must be reachable by the RSDT's and FADT's 32-bit pointers. */
static bool gpa_ok(uint64_t gpa, size_t len)
{
	if (!IS_ALIGNED(gpa, ACPI_GUEST_ALIGN) || gpa > GIB(4) || len > GIB(4) - gpa) {
		log_printf("hv: acpi-guest: gpa 0x%llx (+0x%zx) not %d-byte aligned below 4 GiB\n",
			   (unsigned long long)gpa, len, ACPI_GUEST_ALIGN);
		return false;
	}
	return true;
}

size_t acpi_guest_build(uint8_t *buf, size_t cap, gpa_t at,
			const struct acpi_guest_config *cfg, gpa_t *rsdp_gpa_out)
{
	uint64_t gpa = at.v;
	struct params pr;

	if (!params_from(cfg, &pr))
		return 0;
	pr.gpa = gpa;
	pr.madt = !(cfg && cfg->no_madt);
	pr.ioapic_addr = cfg ? cfg->ioapic_addr : 0;
	layout_of(pr.ncpus, pr.madt, sizeof(dsdt_aml) + pr.sb_len, &pr.l);
	if (!gpa_ok(gpa, pr.l.end))
		return 0;
	if (cap < pr.l.end) {
		log_printf("hv: acpi-guest: need %zu bytes, buffer has %zu\n", pr.l.end, cap);
		return 0;
	}
	memset(buf, 0, pr.l.end);
	write_facs(buf, &pr);
	write_dsdt(buf, &pr);
	write_fadt(buf, &pr);
	if (pr.madt)
		write_madt(buf, &pr);
	write_root(buf, &pr, pr.l.xsdt, "XSDT", 8);
	write_root(buf, &pr, pr.l.rsdt, "RSDT", 4);
	write_rsdp(buf, &pr);
	*rsdp_gpa_out = GPA(gpa + pr.l.rsdp);
	return pr.l.end;
}

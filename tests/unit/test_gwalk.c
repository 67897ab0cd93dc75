/* units: vmm/emul/gwalk.c */
/*
 * The guest page-table walker over fake guest memory: page tables are
 * built by hand in a 256 KiB array at guest-physical 0 for each paging
 * mode (no paging, 32-bit with and without PSE, PAE, 4-level), with
 * large pages, reserved bits and holes, and reads that cross pages.
 */
#include "check.h"
#include "vmm/emul/gwalk.h"

#define MEM_SIZE (64 * 4096)

static uint8_t mem[MEM_SIZE];
static unsigned reads;

/* Guest RAM is [0, MEM_SIZE); anything else fails like an unmapped gpa. */
static int fake_read(void *ctx, gpa_t gpa, void *dst, size_t len)
{
	reads++;
	if (gpa.v >= MEM_SIZE || len > MEM_SIZE - gpa.v)
		return -1;
	memcpy(dst, mem + gpa.v, len);
	return 0;
}

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	reads = 0;
}

static void put32(uint64_t gpa, uint32_t v) { memcpy(mem + gpa, &v, 4); }
static void put64(uint64_t gpa, uint64_t v) { memcpy(mem + gpa, &v, 8); }

#define P    (1ull << 0)
#define RW   (1ull << 1)
#define PS   (1ull << 7)
#define PAT_LARGE (1ull << 12)
#define XD   (1ull << 63)

#define CR0_PE   (1ull << 0)
#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Translate and return the gpa, or ~0 with *err set. */
static uint64_t xlate(const struct gwalk_state *s, uint64_t linear, int *err)
{
	gpa_t gpa = INVALID_GPA;

	*err = gwalk_translate(s, linear, &gpa, fake_read, NULL);
	return *err ? ~0ull : gpa.v;
}

static void test_paging_off(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE };
	int err;

	reset();
	CHECK_EQ(xlate(&s, 0xfee000b0, &err), 0xfee000b0);
	CHECK_EQ(err, 0);
	CHECK_EQ(xlate(&s, 0x100001000ull, &err), 0x1000);   /* 32-bit linear space */
	CHECK_EQ(reads, 0);                                  /* no tables read */
}

/*
 * 32-bit paging (SDM 4.3):  PD at 0x1000
 *   PDE[1] -> PT 0x2000, PTE[3] -> 0x7000, PTE[4] not present
 *   PDE[2] 4 MiB at 0x12_01c00000 (PSE-36 high bits in PDE 20:13)
 *   PDE[3] PS set, address 0x2000: a PT without CR4.PSE, a 4 MiB page with it
 *   PDE[4] 4 MiB with reserved bit 21
 *   PDE[5] not present
 */
static void build_32bit(void)
{
	reset();
	put32(0x1000 + 1 * 4, 0x2000 | RW | P);
	put32(0x2000 + 3 * 4, 0x7000 | RW | P);
	put32(0x2000 + 4 * 4, 0x8000 | RW);
	put32(0x1000 + 2 * 4, 0x01c00000 | (0x12 << 13) | PS | RW | P);
	put32(0x1000 + 3 * 4, 0x2000 | PS | RW | P);
	put32(0x1000 + 4 * 4, 0x01c00000 | (1 << 21) | PS | P);
	/* PTE[7] in the PT at 0x2000, reached through PDE[3] */
	put32(0x2000 + 7 * 4, 0x9000 | P);
}

static void test_32bit_4k(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000 | 0x18 /* PWT|PCD */ };
	int err;

	build_32bit();
	CHECK_EQ(xlate(&s, 0x00403abc, &err), 0x7abc);
	CHECK_EQ(err, 0);
	CHECK_EQ(xlate(&s, 0x00404abc, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);               /* PTE P = 0 */
	CHECK_EQ(xlate(&s, 0x01400000, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);               /* PDE P = 0 */
	/* Linear bits above 31 do not exist in this mode. */
	CHECK_EQ(xlate(&s, 0xabcd00000403abcull, &err), 0x7abc);
}

static void test_32bit_pse(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x1000 };
	int err;

	build_32bit();
	/* Without CR4.PSE, PS is ignored: PDE[3] is a page table. */
	CHECK_EQ(xlate(&s, 0x00c07123, &err), 0x9123);
	/* ... and PDE[2]'s "page table" lies outside guest memory. */
	CHECK_EQ(xlate(&s, 0x00812345, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_READ);
	/* Nor is bit 21 reserved then. */
	CHECK_EQ(xlate(&s, 0x01012345, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_READ);

	s.cr4 = CR4_PSE;
	CHECK_EQ(xlate(&s, 0x00812345, &err), 0x1201c12345ull);
	CHECK_EQ(err, 0);
	/* 0x2000 as a 4 MiB PDE: bits 31:22 = 0, bit 13 = physical bit 32 */
	CHECK_EQ(xlate(&s, 0x00c07123, &err), 0x100007123ull);
	CHECK_EQ(xlate(&s, 0x01012345, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_RESERVED);
	/* 4 KiB mappings still work next to large ones. */
	CHECK_EQ(xlate(&s, 0x00403abc, &err), 0x7abc);
}

static void test_32bit_table_outside_memory(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x80000000 };
	int err;

	build_32bit();
	CHECK_EQ(xlate(&s, 0x1000, &err), ~0ull);
	CHECK_EQ(err, GWALK_ERR_READ);
}

/*
 * PAE (SDM 4.4):  PDPT at 0x3020 (32-byte aligned, not page aligned)
 *   PDPTE[0] -> PD 0x4000;  PDPTE[1] not present;  PDPTE[2] reserved bit 1
 *   PDPTE[3] -> PD 0x4000 too, with PWT/PCD (allowed)
 *   PD[0] -> PT 0x5000: PTE[5] -> 0x9000, PTE[6] XD, PTE[7] bit 52, PTE[8] not present
 *   PD[1] 2 MiB at 0x1_23400000;  PD[2] 2 MiB with bit 13;  PD[3] 2 MiB with PAT
 */
static void build_pae(void)
{
	reset();
	put64(0x3020 + 0 * 8, 0x4000 | P);
	put64(0x3020 + 2 * 8, 0x4000 | RW | P);   /* bit 1 is reserved in a PDPTE */
	put64(0x3020 + 3 * 8, 0x4000 | 0x18 | P);
	put64(0x4000 + 0 * 8, 0x5000 | RW | P);
	put64(0x4000 + 1 * 8, 0x123400000ull | PS | RW | P);
	put64(0x4000 + 2 * 8, 0x123400000ull | (1 << 13) | PS | P);
	put64(0x4000 + 3 * 8, 0x40000000 | PAT_LARGE | PS | P);
	put64(0x5000 + 5 * 8, 0x9000 | P);
	put64(0x5000 + 6 * 8, 0x9000 | XD | P);
	put64(0x5000 + 7 * 8, 0x9000 | (1ull << 52) | P);
	put64(0x5000 + 8 * 8, 0x9000);
}

static void test_pae(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x3020, .cr4 = CR4_PAE };
	int err;

	build_pae();
	CHECK_EQ(xlate(&s, 0x5abc, &err), 0x9abc);
	CHECK_EQ(err, 0);
	CHECK_EQ(xlate(&s, 0x00212345, &err), 0x123412345ull);   /* 2 MiB */
	CHECK_EQ(xlate(&s, 0x00612345, &err), 0x40012345);       /* PAT bit is not address */
	CHECK_EQ(xlate(&s, 0xc0005abc, &err), 0x9abc);           /* via PDPTE[3] */
	CHECK_EQ(xlate(&s, 0x1234abc00005abcull, &err), 0x9abc); /* 32-bit linear */
}

static void test_pae_errors(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x3020, .cr4 = CR4_PAE };
	int err;

	build_pae();
	xlate(&s, 0x40000000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PDPTE[1] */
	xlate(&s, 0x80000000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* PDPTE[2] bit 1 */
	xlate(&s, 0x00412345, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* 2 MiB with bit 13 */
	xlate(&s, 0x8000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PTE[8] */
	xlate(&s, 0x6000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* XD without EFER.NXE */
	xlate(&s, 0x7000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* bits 62:52 reserved in PAE */
	xlate(&s, 0x00800000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PD[4] empty */

	s.efer = EFER_NXE;
	CHECK_EQ(xlate(&s, 0x6abc, &err), 0x9abc); /* XD is allowed with NXE */
	xlate(&s, 0x7000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);
}

/*
 * 4-level (SDM 4.5):  PML4 at 0x6000
 *   PML4[0] and PML4[511] -> PDPT 0x7000;  PML4[1] PS (reserved);  PML4[2] -> PDPT outside RAM
 *   PDPT[0] -> PD 0x8000;  PDPT[1] 1 GiB at 0x80_00000000;  PDPT[2] 1 GiB with bit 13
 *   PD[0] -> PT 0xa000;  PD[1] 2 MiB at 0x2_00000000;  PD[2] 2 MiB with bit 20
 *   PT[1] -> 0xb000;  PT[2] -> 0xd000;  PT[3] -> outside RAM;  PT[4] bits 62:52 set
 */
static void build_4level(void)
{
	reset();
	put64(0x6000 + 0 * 8, 0x7000 | RW | P);
	put64(0x6000 + 511 * 8, 0x7000 | RW | P);
	put64(0x6000 + 1 * 8, 0x7000 | PS | P);
	put64(0x6000 + 2 * 8, 0x40000000 | P);
	put64(0x7000 + 0 * 8, 0x8000 | RW | P);
	put64(0x7000 + 1 * 8, 0x8000000000ull | PS | P);
	put64(0x7000 + 2 * 8, 0x8000000000ull | (1 << 13) | PS | P);
	put64(0x8000 + 0 * 8, 0xa000 | RW | P);
	put64(0x8000 + 1 * 8, 0x200000000ull | PS | P);
	put64(0x8000 + 2 * 8, 0x200000000ull | (1 << 20) | PS | P);
	put64(0xa000 + 1 * 8, 0xb000 | RW | P);
	put64(0xa000 + 2 * 8, 0xd000 | RW | P);
	put64(0xa000 + 3 * 8, 0x100000000ull | P);
	put64(0xa000 + 4 * 8, 0xb000 | (0x7ffull << 52) | P);
}

#define LONG_MODE(cr3_) { .cr0 = CR0_PE | CR0_PG, .cr3 = (cr3_), .cr4 = CR4_PAE, \
			  .efer = EFER_LME | EFER_LMA }

static void test_4level(void)
{
	struct gwalk_state s = LONG_MODE(0x6000 | 0x5 /* PCID */);
	int err;

	build_4level();
	CHECK_EQ(xlate(&s, 0x1234, &err), 0xb234);
	CHECK_EQ(err, 0);
	CHECK_EQ(reads, 4);                                      /* one entry a level */
	CHECK_EQ(xlate(&s, 0xffffff8000001234ull, &err), 0xb234); /* PML4[511] */
	CHECK_EQ(xlate(&s, 0x41234567, &err), 0x8001234567ull);  /* 1 GiB */
	CHECK_EQ(xlate(&s, 0x00201234, &err), 0x200001234ull);   /* 2 MiB */
	CHECK_EQ(xlate(&s, 0x4abc, &err), 0xbabc);               /* 62:52 ignored here */
}

static void test_4level_errors(void)
{
	struct gwalk_state s = LONG_MODE(0x6000);
	int err;

	build_4level();
	xlate(&s, 0x0000800000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_NONCANONICAL);
	xlate(&s, 0xffff7fffffffffffull, &err);
	CHECK_EQ(err, GWALK_ERR_NONCANONICAL);
	xlate(&s, 0x008000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* PS in a PML4E */
	xlate(&s, 0x010000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_READ);            /* PDPT outside RAM */
	xlate(&s, 0x018000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PML4[3] */
	xlate(&s, 0x80000000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* 1 GiB with bit 13 */
	xlate(&s, 0xc0000000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PDPT[3] */
	xlate(&s, 0x00400000, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);        /* 2 MiB with bit 20 */
	xlate(&s, 0x00600000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PD[3] */
	xlate(&s, 0x5000, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);     /* PT[5] */

}

/* 5-level: a PML5 at 0x5000 over the 4-level set; entry 0 and entry 511
 * (the top of the 57-bit space) lead to the same PML4. */
static void test_5level(void)
{
	struct gwalk_state s = LONG_MODE(0x5000);
	int err;

	build_4level();
	s.cr4 |= CR4_LA57;
	put64(0x5000 + 0 * 8, 0x6000 | RW | P);
	put64(0x5000 + 511 * 8, 0x6000 | RW | P);
	reads = 0;
	CHECK_EQ(xlate(&s, 0x1234, &err), 0xb234);
	CHECK_EQ(err, 0);
	CHECK_EQ(reads, 5);                                         /* one entry a level */
	CHECK_EQ(xlate(&s, 0x41234567, &err), 0x8001234567ull);     /* 1 GiB */
	CHECK_EQ(xlate(&s, 0x00201234, &err), 0x200001234ull);      /* 2 MiB */
	/* PML5[511], PML4[511]: the very top of the 57-bit space */
	CHECK_EQ(xlate(&s, 0xffffff8000001234ull, &err), 0xb234);
	CHECK_EQ(err, 0);
	/* canonical for 4 levels, but not present in the PML5 (index 1) */
	xlate(&s, 0x0001000000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);
	/* bit 56 set, bits 63:57 clear: not canonical with 57 bits */
	xlate(&s, 0x0100000000000000ull, &err);
	CHECK_EQ(err, GWALK_ERR_NONCANONICAL);
	/* 4-level's kernel half walks PML5[511], then PML4[256]: absent here */
	xlate(&s, 0xffff800000001234ull, &err);
	CHECK_EQ(err, GWALK_ERR_NOT_PRESENT);
	/* the PS bit of a PML5 entry is reserved */
	put64(0x5000 + 0 * 8, 0x6000 | PS | RW | P);
	xlate(&s, 0x1234, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);
}

static void test_4level_xd(void)
{
	struct gwalk_state s = LONG_MODE(0x6000);
	int err;

	build_4level();
	put64(0x8000 + 0 * 8, 0xa000 | XD | RW | P);
	xlate(&s, 0x1234, &err);
	CHECK_EQ(err, GWALK_ERR_RESERVED);
	s.efer |= EFER_NXE;
	CHECK_EQ(xlate(&s, 0x1234, &err), 0xb234);
}

/* An instruction fetched at the end of one page, ending on the next. */
static void test_read_cross_page(void)
{
	struct gwalk_state s = LONG_MODE(0x6000);
	static const uint8_t insn[] = { 0x48, 0xc7, 0x83, 0x80, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff };
	uint8_t buf[sizeof(insn)];

	build_4level();
	/* linear 0x1ffa..0x2004: the first 6 bytes in page 0xb000, the rest in 0xd000 */
	memcpy(mem + 0xbffa, insn, 6);
	memcpy(mem + 0xd000, insn + 6, sizeof(insn) - 6);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(gwalk_read(&s, 0x1ffa, buf, sizeof(buf), fake_read, NULL), 0);
	CHECK(memcmp(buf, insn, sizeof(insn)) == 0);
}

static void test_read_within_page_and_empty(void)
{
	struct gwalk_state s = LONG_MODE(0x6000);
	uint8_t buf[4] = { 0 };

	build_4level();
	put32(0xb100, 0xdeadbeef);
	CHECK_EQ(gwalk_read(&s, 0x1100, buf, 4, fake_read, NULL), 0);
	CHECK_EQ(buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24, 0xdeadbeef);
	reads = 0;
	CHECK_EQ(gwalk_read(&s, 0x1100, buf, 0, fake_read, NULL), 0);
	CHECK_EQ(reads, 0);
}

static void test_read_errors(void)
{
	struct gwalk_state s = LONG_MODE(0x6000);
	uint8_t buf[16];

	build_4level();
	/* page 2 is fine, page 3 maps outside RAM */
	CHECK_EQ(gwalk_read(&s, 0x2ff8, buf, 16, fake_read, NULL), GWALK_ERR_READ);
	/* page 4 is fine, page 5 is not present */
	CHECK_EQ(gwalk_read(&s, 0x4ff8, buf, 16, fake_read, NULL), GWALK_ERR_NOT_PRESENT);
	/* not present from the first byte */
	CHECK_EQ(gwalk_read(&s, 0x5000, buf, 1, fake_read, NULL), GWALK_ERR_NOT_PRESENT);
}

static void test_read_paging_off_spans_pages(void)
{
	struct gwalk_state s = { .cr0 = CR0_PE };
	uint8_t buf[8];

	reset();
	memcpy(mem + 0x3ffc, "ABCDEFGH", 8);
	CHECK_EQ(gwalk_read(&s, 0x3ffc, buf, 8, fake_read, NULL), 0);
	CHECK(memcmp(buf, "ABCDEFGH", 8) == 0);
	CHECK_EQ(reads, 2);                       /* split at the page boundary */
}

static void test_strerror(void)
{
	CHECK_STR_CONTAINS(gwalk_strerror(GWALK_ERR_NOT_PRESENT), "not present");
	CHECK_STR_CONTAINS(gwalk_strerror(GWALK_ERR_RESERVED), "reserved");
	CHECK_STR_CONTAINS(gwalk_strerror(GWALK_ERR_READ), "read");
	CHECK_STR_CONTAINS(gwalk_strerror(GWALK_ERR_NONCANONICAL), "canonical");
	CHECK_STR_CONTAINS(gwalk_strerror(0), "ok");
	CHECK_STR_CONTAINS(gwalk_strerror(-42), "unknown");
}

int main(void)
{
	RUN(test_paging_off);
	RUN(test_32bit_4k);
	RUN(test_32bit_pse);
	RUN(test_32bit_table_outside_memory);
	RUN(test_pae);
	RUN(test_pae_errors);
	RUN(test_4level);
	RUN(test_4level_errors);
	RUN(test_5level);
	RUN(test_4level_xd);
	RUN(test_read_cross_page);
	RUN(test_read_within_page_and_empty);
	RUN(test_read_errors);
	RUN(test_read_paging_off_spans_pages);
	RUN(test_strerror);
	return check_summary();
}

/*
 * Software walk of the guest's page tables (see gwalk.h for the modes
 * and what is left out).  Formats: Intel SDM Vol. 3A section 4.3
 * (32-bit paging, Tables 4-4..4-6), 4.4 (PAE, Tables 4-8..4-11) and 4.5
 * (4-level, Tables 4-14..4-19).
 *
 * PAE and 4-level paging share one walker driven by a table of levels:
 *
 *   4-level: CR3 -> PML4 [47:39] -> PDPT [38:30] -> PD [29:21] -> PT [20:12]
 *                                   1 GiB leaf      2 MiB leaf    4 KiB leaf
 *   PAE:     CR3 -> PDPT [31:30] -> PD [29:21] -> PT [20:12]
 *                   (4 entries)     2 MiB leaf    4 KiB leaf
 */
#include "vmm/emul/gwalk.h"

/* Control-register and EFER bits that pick the mode (SDM Vol. 3A 2.5, 2.2.1) */
#define CR0_PG   (1ull << 31)
#define CR4_PSE  (1ull << 4)
#define CR4_PAE  (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Paging-structure entry bits common to all modes */
#define PTE_P    (1ull << 0)
#define PTE_PS   (1ull << 7)
#define PTE_XD   (1ull << 63)

/* Bits m..n inclusive, m >= n */
#define BITS(m, n) ((~0ull >> (63 - (m))) & ~((1ull << (n)) - 1))

/* Physical-address field of a 64-bit entry with MAXPHYADDR = 52 */
#define PTE64_ADDR BITS(51, 12)

/* 32-bit paging: Table 4-4 (4 MiB PDE) and Table 4-5 */
#define PDE32_ADDR      BITS(31, 12)
#define PDE32_4M_ADDR   BITS(31, 22)
#define PDE32_4M_HIGH   BITS(20, 13)  /* physical-address bits 39:32 */
#define PDE32_4M_RSVD   (1ull << 21)

/* PAE: the PDPT is 32-byte aligned (Table 4-7); PDPTE reserved bits (Table 4-8) */
#define CR3_PAE_PDPT    BITS(31, 5)
#define PDPTE_PAE_RSVD  (BITS(2, 1) | BITS(8, 5) | BITS(63, 52))
#define PTE_PAE_RSVD    BITS(62, 52)   /* 62:MAXPHYADDR in PDEs and PTEs */

/* What bit 7 means at a level */
enum ps_meaning {
	PS_LEAF,      /* PS = 1 maps a large page */
	PS_RESERVED,  /* must be 0 (PML4E) */
	PS_IS_PAT,    /* the PTE's PAT bit: always a leaf */
};

struct level {
	unsigned shift;        /* lowest linear-address bit of the index */
	unsigned entries;      /* entries in the table */
	uint64_t rsvd;         /* reserved whenever P = 1 */
	enum ps_meaning ps;
	uint64_t large_rsvd;   /* reserved in a large-page leaf (PAT is bit 12) */
};

/* 5-level paging (CR4.LA57): a PML5 above the 4-level tables. */
static const struct level levels_5level[] = {
	{ 48, 512, 0, PS_RESERVED, 0 },
	{ 39, 512, 0, PS_RESERVED, 0 },
	{ 30, 512, 0, PS_LEAF, BITS(29, 13) },
	{ 21, 512, 0, PS_LEAF, BITS(20, 13) },
	{ 12, 512, 0, PS_IS_PAT, 0 },
};

static const struct level levels_4level[] = {
	{ 39, 512, 0, PS_RESERVED, 0 },
	{ 30, 512, 0, PS_LEAF, BITS(29, 13) },
	{ 21, 512, 0, PS_LEAF, BITS(20, 13) },
	{ 12, 512, 0, PS_IS_PAT, 0 },
};

/* Bit 7 of a PAE PDPTE is inside PDPTE_PAE_RSVD, so its ps is never used. */
static const struct level levels_pae[] = {
	{ 30, 4, PDPTE_PAE_RSVD, PS_RESERVED, 0 },
	{ 21, 512, PTE_PAE_RSVD, PS_LEAF, BITS(20, 13) },
	{ 12, 512, PTE_PAE_RSVD, PS_IS_PAT, 0 },
};

const char *gwalk_strerror(int err)
{
	switch (err) {
	case 0:                      return "ok";
	case GWALK_ERR_NOT_PRESENT:  return "not present";
	case GWALK_ERR_RESERVED:     return "reserved bit set";
	case GWALK_ERR_READ:         return "guest-physical read failed";
	case GWALK_ERR_NONCANONICAL: return "non-canonical address";
	default:                     return "unknown error";
	}
}

static int read_entry32(gwalk_read_gpa_fn read_gpa, void *ctx, uint64_t gpa, uint64_t *e)
{
	uint32_t v;

	if (read_gpa(ctx, GPA(gpa), &v, sizeof(v)) < 0)
		return GWALK_ERR_READ;
	*e = v;
	return 0;
}

static int read_entry64(gwalk_read_gpa_fn read_gpa, void *ctx, uint64_t gpa, uint64_t *e)
{
	if (read_gpa(ctx, GPA(gpa), e, sizeof(*e)) < 0)
		return GWALK_ERR_READ;
	return 0;
}

/* SDM 4.3: two levels of 1024 4-byte entries; a 4 MiB page if CR4.PSE and PS. */
static int walk_32bit(const struct gwalk_state *s, uint32_t linear, gpa_t *gpa,
		      gwalk_read_gpa_fn read_gpa, void *ctx)
{
	uint64_t pde, pte;
	int err;

	err = read_entry32(read_gpa, ctx, (s->cr3 & PDE32_ADDR) + ((linear >> 22) << 2), &pde);
	if (err)
		return err;
	if (!(pde & PTE_P))
		return GWALK_ERR_NOT_PRESENT;
	if ((s->cr4 & CR4_PSE) && (pde & PTE_PS)) {
		if (pde & PDE32_4M_RSVD)
			return GWALK_ERR_RESERVED;
		*gpa = GPA((pde & PDE32_4M_ADDR) | ((pde & PDE32_4M_HIGH) << (32 - 13)) |
			   (linear & BITS(21, 0)));
		return 0;
	}
	/* Without CR4.PSE the PS bit is ignored and the PDE names a page table. */
	err = read_entry32(read_gpa, ctx,
			   (pde & PDE32_ADDR) + (((linear >> 12) & 0x3ff) << 2), &pte);
	if (err)
		return err;
	if (!(pte & PTE_P))
		return GWALK_ERR_NOT_PRESENT;
	*gpa = GPA((pte & PDE32_ADDR) | (linear & BITS(11, 0)));
	return 0;
}

/* One present 64-bit entry: its reserved bits, without the large-page ones. */
static bool entry_reserved(const struct gwalk_state *s, const struct level *lv, uint64_t e)
{
	uint64_t rsvd = lv->rsvd;

	if (!(s->efer & EFER_NXE))
		rsvd |= PTE_XD;
	if (lv->ps == PS_RESERVED)
		rsvd |= PTE_PS;
	return (e & rsvd) != 0;
}

/* PAE and 4-level walks: table is the gpa of the top-level table. */
static int walk_64bit(const struct gwalk_state *s, const struct level *levels, size_t n,
		      uint64_t table, uint64_t linear, gpa_t *gpa,
		      gwalk_read_gpa_fn read_gpa, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		const struct level *lv = &levels[i];
		uint64_t index = (linear >> lv->shift) & (lv->entries - 1);
		uint64_t e, page_mask;
		int err;

		err = read_entry64(read_gpa, ctx, table + index * 8, &e);
		if (err)
			return err;
		if (!(e & PTE_P))
			return GWALK_ERR_NOT_PRESENT;
		if (entry_reserved(s, lv, e))
			return GWALK_ERR_RESERVED;
		if (lv->ps == PS_IS_PAT || (lv->ps == PS_LEAF && (e & PTE_PS))) {
			if (e & lv->large_rsvd)
				return GWALK_ERR_RESERVED;
			page_mask = (1ull << lv->shift) - 1;
			*gpa = GPA((e & PTE64_ADDR & ~page_mask) | (linear & page_mask));
			return 0;
		}
		table = e & PTE64_ADDR;
	}
	return GWALK_ERR_NOT_PRESENT;   /* not reached: the last level is a leaf */
}

/* Bits 63:bits-1 all equal: canonical for a `bits`-bit linear address. */
static bool is_canonical(uint64_t linear, unsigned bits)
{
	unsigned drop = 64 - bits;

	return (uint64_t)((int64_t)(linear << drop) >> drop) == linear;
}

int gwalk_translate(const struct gwalk_state *s, uint64_t linear, gpa_t *gpa,
		    gwalk_read_gpa_fn read_gpa, void *ctx)
{
	if (!(s->cr0 & CR0_PG)) {
		/* Protected mode without paging: 32-bit linear is physical. */
		*gpa = GPA(linear & 0xffffffffull);
		return 0;
	}
	if (!(s->cr4 & CR4_PAE))
		return walk_32bit(s, (uint32_t)linear, gpa, read_gpa, ctx);
	if (!(s->efer & EFER_LMA))
		return walk_64bit(s, levels_pae, ARRAY_SIZE(levels_pae), s->cr3 & CR3_PAE_PDPT,
				  linear & 0xffffffffull, gpa, read_gpa, ctx);
	if (s->cr4 & CR4_LA57) {
		if (!is_canonical(linear, 57))
			return GWALK_ERR_NONCANONICAL;
		return walk_64bit(s, levels_5level, ARRAY_SIZE(levels_5level), s->cr3 & PTE64_ADDR,
				  linear, gpa, read_gpa, ctx);
	}
	if (!is_canonical(linear, 48))
		return GWALK_ERR_NONCANONICAL;
	return walk_64bit(s, levels_4level, ARRAY_SIZE(levels_4level), s->cr3 & PTE64_ADDR,
			  linear, gpa, read_gpa, ctx);
}

int gwalk_read(const struct gwalk_state *s, uint64_t linear, void *dst, size_t len,
	       gwalk_read_gpa_fn read_gpa, void *ctx)
{
	uint8_t *out = dst;

	while (len > 0) {
		size_t chunk = MIN(len, PAGE_SIZE - (linear & (PAGE_SIZE - 1)));
		gpa_t gpa;
		int err;

		err = gwalk_translate(s, linear, &gpa, read_gpa, ctx);
		if (err)
			return err;
		if (read_gpa(ctx, gpa, out, chunk) < 0)
			return GWALK_ERR_READ;
		out += chunk;
		linear += chunk;
		len -= chunk;
	}
	return 0;
}

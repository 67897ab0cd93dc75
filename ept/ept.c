/*
 * EPT tables built one violation at a time.
 *
 * The guest starts with an empty PML4.  Its first touch of a page exits
 * with an EPT violation; ept_fault() picks the largest leaf that may cover
 * the page, zeroes that memory, links whatever tables are missing on the
 * way down and writes the leaf.  The guest resumes and never exits for
 * that range again.
 *
 * The walk (SDM Vol. 3C §29.3.2), for a 48-bit guest-physical address:
 *
 *   47      39 38      30 29      21 20      12 11         0
 *  +----------+----------+----------+----------+------------+
 *  | PML4 idx | PDPT idx |  PD idx  |  PT idx  |   offset   |
 *  +----------+----------+----------+----------+------------+
 *       |          |          |          |
 *       v          |          |          |
 *   EPTP -> [PML4] |          |          |        level 4
 *              `---+-> [PDPT] |          |        level 3: leaf = 1 GiB page
 *                         `---+-> [PD]   |        level 2: leaf = 2 MiB page
 *                                   `----+-> [PT] level 1: leaf = 4 KiB page
 *
 * A walk stops at the first leaf (bit 7 set at level 3 or 2).
 *
 * Failing cleanly.  A fault may need up to three new tables (PDPT, PD, PT)
 * and the pool may refuse any of them.  So, as KVM tops up its caches
 * before it touches the tables, we first look without changing anything,
 * count the tables the change needs, take them all from the pool into a
 * small cache, and only then write entries; that part cannot fail.  If the
 * pool runs dry half-way, the frames taken go back and nothing changed.
 *
 * iTLB multihit (Xen XSA-304, Linux "nx_huge_pages").  On affected CPUs a
 * guest executing from a large page whose size we later change can take a
 * machine check.  There, large leaves are installed without execute
 * permission; the first instruction fetch from one exits, and we split the
 * leaf into next-smaller leaves, down to 4 KiB leaves for the faulting
 * 2 MiB range, which are executable.  Large leaves are never executable
 * there; 4 KiB leaves always are.
 */
#include "ept/ept.h"
#include "ept/guest_ram.h"
#include "hv/string.h"

/* Guest-physical addresses a 4-level walk covers (48 bits). */
#define EPT_GPA_LIMIT  (1ull << 48)
/* Host-physical addresses an entry can hold (MAXPHYADDR <= 52). */
#define EPT_HPA_LIMIT  (1ull << 52)

/* EPTP fields (SDM Vol. 3C §25.6.11). */
#define EPTP_MT_WB           6ull
#define EPTP_WALK_LEN_SHIFT  3

/* IA32_VMX_EPT_VPID_CAP (MSR 0x48C) bits, SDM Vol. 3D Appendix A.10. */
#define EPT_CAP_WALK4     (1ull << 6)
#define EPT_CAP_WB        (1ull << 14)
#define EPT_CAP_2M        (1ull << 16)
#define EPT_CAP_1G        (1ull << 17)
/* IA32_ARCH_CAPABILITIES (MSR 0x10A) bit 6: no machine check on a page-size
 * change (Intel's "Machine Check Error Avoidance on Page Size Change"). */
#define ARCH_CAP_PSCHANGE_MC_NO (1ull << 6)

/* Frames for the tables one change needs, taken before the change starts.
 * The most one change needs is three (PDPT, PD, PT under an empty PML4
 * entry); a split of a 1 GiB leaf needs two. */
struct ept_cache {
	hpa_t frame[EPT_LEVELS - 1];
	unsigned n;
	unsigned taken;     /* how many the walk linked in, for stats.tables */
};

bool ept_caps_decode(uint64_t vmx_ept_vpid_cap, bool have_arch_caps,
		     uint64_t arch_caps, struct ept_caps *out)
{
	out->page_2m = (vmx_ept_vpid_cap & EPT_CAP_2M) != 0;
	out->page_1g = (vmx_ept_vpid_cap & EPT_CAP_1G) != 0;
	out->itlb_multihit = !have_arch_caps || !(arch_caps & ARCH_CAP_PSCHANGE_MC_NO);
	return (vmx_ept_vpid_cap & EPT_CAP_WALK4) && (vmx_ept_vpid_cap & EPT_CAP_WB);
}

const char *ept_result_name(enum ept_result r)
{
	static const char *const names[] = {
		[EPT_MAPPED] = "mapped", [EPT_SPURIOUS] = "spurious",
		[EPT_OUTSIDE] = "outside guest RAM", [EPT_NOMEM] = "out of table frames",
		[EPT_ERROR] = "error",
	};

	if ((unsigned)r >= ARRAY_SIZE(names))
		return "?";
	return names[r];
}

/* ---- frames ------------------------------------------------------------ */

static ept_entry_t *table_at(const struct ept *e, hpa_t frame)
{
	return e->ops.hva(e->ops.ctx, frame);
}

static bool in_guest_ram(const struct ept *e, hpa_t hpa, uint64_t len)
{
	return hpa.v >= e->ram_base.v && len <= e->ram_size &&
	       hpa.v - e->ram_base.v <= e->ram_size - len;
}

/* A table frame must be a real, aligned frame the entry can hold, and must
 * not be guest RAM: a guest that could write its own EPT would own the host. */
static bool table_frame_ok(const struct ept *e, hpa_t f)
{
	if (!hpa_valid(f) || !IS_ALIGNED(f.v, PAGE_SIZE) || f.v >= EPT_HPA_LIMIT)
		return false;
	return f.v + PAGE_SIZE <= e->ram_base.v ||
	       f.v >= e->ram_base.v + e->ram_size;
}

static void cache_drain(const struct ept *e, struct ept_cache *c)
{
	while (c->n > 0)
		e->ops.free(e->ops.ctx, c->frame[--c->n]);
}

/* Take `need` zeroed frames from the pool, all or none. */
static enum ept_result cache_topup(const struct ept *e, struct ept_cache *c,
				   unsigned need)
{
	c->n = 0;
	c->taken = 0;
	while (c->n < need) {
		hpa_t f = e->ops.alloc(e->ops.ctx);

		if (!hpa_valid(f)) {
			cache_drain(e, c);
			return EPT_NOMEM;
		}
		c->frame[c->n++] = f;
		if (!table_frame_ok(e, f)) {
			cache_drain(e, c);
			return EPT_ERROR;
		}
		memset(table_at(e, f), 0, PAGE_SIZE);
	}
	return EPT_MAPPED;
}

static hpa_t cache_take(struct ept_cache *c)
{
	c->taken++;
	return c->frame[--c->n];
}

/* ---- the walk ------------------------------------------------------------ */

/*
 * Publish an entry.  The store is one 64-bit write the CPU's walker sees
 * whole, and the compiler barrier keeps it after the writes that filled
 * what it points to (x86 keeps stores in order, SDM Vol. 3A §9.2.2).
 */
static void entry_set(ept_entry_t *pte, ept_entry_t val)
{
	__asm__ volatile("" ::: "memory");
	*(volatile ept_entry_t *)pte = val;
}

/*
 * Walk from the root towards the entry that translates gpa, xv6 style.
 * Existing tables are always followed.  At an empty entry above `stop`,
 * with `alloc` given, a table from the cache is linked in and the walk goes
 * on; otherwise the walk ends there.  Returns the first entry on the path
 * that is not a table (empty or a leaf) and its level in *level (if given).
 */
static ept_entry_t *ept_walk(const struct ept *e, gpa_t gpa, unsigned stop,
			     struct ept_cache *alloc, unsigned *level)
{
	ept_entry_t *table = table_at(e, e->root);
	unsigned l;

	for (l = EPT_LEVEL_ROOT; ; l--) {
		ept_entry_t *pte = &table[ept_index(gpa, l)];

		if (!ept_entry_is_table(*pte, l)) {
			if (ept_entry_present(*pte) || l <= stop || !alloc) {
				if (level)
					*level = l;
				return pte;
			}
			entry_set(pte, ept_entry_table(cache_take(alloc)));
		}
		table = table_at(e, ept_entry_hpa(*pte));
	}
}

/* ---- leaf choice ----------------------------------------------------------- */

static bool overlaps_small(const struct ept *e, uint64_t start, uint64_t size)
{
	return e->small_start.v < e->small_end.v &&
	       start < e->small_end.v && e->small_start.v < start + size;
}

static bool large_allowed(const struct ept *e, unsigned level)
{
	return level == EPT_LEVEL_1G ? e->caps.page_1g : e->caps.page_2m;
}

/*
 * The largest leaf for gpa: the CPU supports it, the block it covers lies
 * inside one range of guest RAM (never across the hole below 4 GiB), its
 * host address is aligned to its size (the guest address is by
 * construction), and it stays clear of the forced-4K region.
 */
static unsigned leaf_level_for(const struct ept *e, gpa_t gpa)
{
	unsigned l;

	for (l = EPT_LEVEL_1G; l > EPT_LEVEL_4K; l--) {
		uint64_t size = ept_level_size(l);
		gpa_t start = GPA(ALIGN_DOWN(gpa.v, size));

		if (large_allowed(e, l) && guest_ram_contains(e->ram_size, start, size) &&
		    IS_ALIGNED(guest_ram_hpa(e->ram_base, e->ram_size, start).v, size) &&
		    !overlaps_small(e, start.v, size))
			return l;
	}
	return EPT_LEVEL_4K;
}

/* Large leaves lose execute on CPUs with the iTLB-multihit erratum. */
static unsigned leaf_perms(const struct ept *e, unsigned level)
{
	if (level > EPT_LEVEL_4K && e->caps.itlb_multihit)
		return EPT_E_R | EPT_E_W;
	return EPT_E_RWX;
}

static void count_leaf(struct ept *e, unsigned level)
{
	if (level == EPT_LEVEL_1G)
		e->stats.faults_1g++;
	else if (level == EPT_LEVEL_2M)
		e->stats.faults_2m++;
	else
		e->stats.faults_4k++;
}

/* ---- changes ------------------------------------------------------------- */

/* Fill a new table with the 512 next-smaller leaves that together map what
 * the large leaf `big` at `level` mapped. */
static void fill_split_table(const struct ept *e, ept_entry_t *table,
			     ept_entry_t big, unsigned level)
{
	unsigned child = level - 1;
	uint64_t step = ept_level_size(child);
	hpa_t base = ept_entry_hpa(big);
	unsigned i;

	for (i = 0; i < EPT_ENTRIES; i++)
		table[i] = ept_entry_leaf(HPA(base.v + i * step), child,
					  leaf_perms(e, child));
}

/*
 * Replace the large leaf *pte (at `level`) by a table of smaller leaves,
 * again for the one covering gpa, until gpa sits in a 4 KiB leaf.  The
 * memory was zeroed when the large leaf went in and may hold guest data,
 * so nothing is zeroed here.  *pte may be a live entry (the CPU sees the
 * finished table replace the leaf in one store) or one not yet published.
 */
static void split_down(struct ept *e, ept_entry_t *pte, unsigned level,
		       gpa_t gpa, struct ept_cache *c)
{
	while (level > EPT_LEVEL_4K) {
		hpa_t t = cache_take(c);
		ept_entry_t *table = table_at(e, t);

		fill_split_table(e, table, *pte, level);
		entry_set(pte, ept_entry_table(t));
		e->stats.splits++;
		level--;
		pte = &table[ept_index(gpa, level)];
	}
}

/*
 * Install a fresh leaf at `level` for gpa.  Its slot is empty, and `need`
 * tables are missing on the way down to it.  An instruction fetch that
 * would land on a non-executable large leaf gets the leaf already split
 * (built aside, published in one store), which spares the guest a second
 * exit and needs no flush since the slot was empty.
 */
static enum ept_result install_leaf(struct ept *e, gpa_t gpa, unsigned level,
				    unsigned need, unsigned access)
{
	uint64_t size = ept_level_size(level);
	hpa_t hpa = guest_ram_hpa(e->ram_base, e->ram_size, GPA(ALIGN_DOWN(gpa.v, size)));
	unsigned perms = leaf_perms(e, level);
	bool split = (access & EPT_ACC_X) && !(perms & EPT_E_X);
	struct ept_cache c;
	enum ept_result r;
	ept_entry_t *pte, leaf;

	if (!in_guest_ram(e, hpa, size))
		return EPT_ERROR;
	r = cache_topup(e, &c, need + (split ? level - EPT_LEVEL_4K : 0));
	if (r != EPT_MAPPED) {
		if (r == EPT_NOMEM)
			e->stats.nomem++;
		return r;
	}
	e->ops.zero(e->ops.ctx, hpa, size);
	e->stats.zeroed_bytes += size;
	pte = ept_walk(e, gpa, level, &c, NULL);
	leaf = ept_entry_leaf(hpa, level, perms);
	if (split)
		split_down(e, &leaf, level, gpa, &c);
	entry_set(pte, leaf);
	e->stats.tables += c.taken;
	count_leaf(e, level);
	return EPT_MAPPED;
}

/* An instruction fetch hit a large leaf kept non-executable for the erratum. */
static enum ept_result split_for_exec(struct ept *e, gpa_t gpa,
				      ept_entry_t *pte, unsigned level, bool *flush)
{
	struct ept_cache c;
	enum ept_result r;

	if (!in_guest_ram(e, ept_entry_hpa(*pte), ept_level_size(level)))
		return EPT_ERROR;
	r = cache_topup(e, &c, level - EPT_LEVEL_4K);
	if (r != EPT_MAPPED) {
		if (r == EPT_NOMEM)
			e->stats.nomem++;
		return r;
	}
	split_down(e, pte, level, gpa, &c);
	e->stats.tables += c.taken;
	if (flush)
		*flush = true;
	return EPT_MAPPED;
}

enum ept_result ept_fault(struct ept *e, gpa_t gpa, unsigned access, bool *flush)
{
	unsigned want, level, perms;
	ept_entry_t *pte;

	if (!hpa_valid(e->root))
		return EPT_ERROR;
	if (!guest_ram_contains(e->ram_size, gpa, 1))
		return EPT_OUTSIDE;   /* above the RAM, or in the hole below 4 GiB */
	access &= EPT_ACC_MASK;

	want = leaf_level_for(e, gpa);
	pte = ept_walk(e, gpa, want, NULL, &level);
	if (!ept_entry_present(*pte)) {
		/* Tables built by a split may already reach below `want`. */
		unsigned at = MIN(want, level);

		return install_leaf(e, gpa, at, level - at, access);
	}

	perms = ept_entry_perms(*pte);
	if ((perms & access) == access) {
		e->stats.spurious++;
		return EPT_SPURIOUS;
	}
	if ((access & EPT_ACC_X) && !(perms & EPT_E_X) && level > EPT_LEVEL_4K &&
	    e->caps.itlb_multihit)
		return split_for_exec(e, gpa, pte, level, flush);
	/* We only ever leave out execute, and only on large leaves. */
	return EPT_ERROR;
}

enum ept_result ept_populate(struct ept *e, gpa_t gpa)
{
	return ept_fault(e, gpa, EPT_ACC_R | EPT_ACC_W, NULL);
}

hpa_t ept_translate(const struct ept *e, gpa_t gpa, unsigned *leaf_level_out)
{
	unsigned level;
	ept_entry_t *pte;

	if (!hpa_valid(e->root) || gpa.v >= EPT_GPA_LIMIT)
		return INVALID_HPA;
	pte = ept_walk(e, gpa, EPT_LEVEL_4K, NULL, &level);
	if (!ept_entry_present(*pte))
		return INVALID_HPA;
	if (leaf_level_out)
		*leaf_level_out = level;
	return HPA(ept_entry_hpa(*pte).v + (gpa.v & (ept_level_size(level) - 1)));
}

/* ---- set-up and tear-down ------------------------------------------------ */

static bool config_ok(const struct ept_config *cfg)
{
	const struct ept_ops *o = &cfg->ops;

	if (!o->alloc || !o->free || !o->hva || !o->zero)
		return false;
	if (cfg->ram_size == 0 || guest_ram_end(cfg->ram_size) > EPT_GPA_LIMIT ||
	    !IS_ALIGNED(cfg->ram_size, PAGE_SIZE) ||
	    !IS_ALIGNED(cfg->ram_base.v, PAGE_SIZE))
		return false;
	if (cfg->ram_base.v >= EPT_HPA_LIMIT ||
	    cfg->ram_size > EPT_HPA_LIMIT - cfg->ram_base.v)
		return false;
	return cfg->small_start.v <= cfg->small_end.v &&
	       cfg->small_end.v <= EPT_GPA_LIMIT;
}

int ept_init(struct ept *e, const struct ept_config *cfg)
{
	struct ept_cache c;

	memset(e, 0, sizeof(*e));
	e->root = INVALID_HPA;
	if (!config_ok(cfg))
		return EPT_INIT_EINVAL;
	e->ram_base = cfg->ram_base;
	e->ram_size = cfg->ram_size;
	e->small_start = GPA(ALIGN_DOWN(cfg->small_start.v, PAGE_SIZE));
	e->small_end = GPA(ALIGN_UP(cfg->small_end.v, PAGE_SIZE));
	e->caps = cfg->caps;
	e->ops = cfg->ops;
	if (cache_topup(e, &c, 1) != EPT_MAPPED)
		return EPT_INIT_ENOMEM;
	e->root = cache_take(&c);
	e->stats.tables = 1;
	return EPT_INIT_OK;
}

uint64_t ept_eptp(const struct ept *e)
{
	return e->root.v | EPTP_MT_WB |
	       ((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LEN_SHIFT);
}

/* Give back the table `frame` at `level` and every table below it. */
static void free_tables(struct ept *e, hpa_t frame, unsigned level)
{
	ept_entry_t *table = table_at(e, frame);
	unsigned i;

	for (i = 0; i < EPT_ENTRIES; i++)
		if (ept_entry_is_table(table[i], level))
			free_tables(e, ept_entry_hpa(table[i]), level - 1);
	e->ops.free(e->ops.ctx, frame);
}

void ept_reset(struct ept *e)
{
	ept_entry_t *root;
	unsigned i;

	if (!hpa_valid(e->root))
		return;
	root = table_at(e, e->root);
	for (i = 0; i < EPT_ENTRIES; i++) {
		ept_entry_t old = root[i];

		entry_set(&root[i], 0);
		if (ept_entry_is_table(old, EPT_LEVEL_ROOT))
			free_tables(e, ept_entry_hpa(old), EPT_LEVEL_ROOT - 1);
	}
	memset(&e->stats, 0, sizeof(e->stats));
	e->stats.tables = 1;
}

void ept_destroy(struct ept *e)
{
	if (!hpa_valid(e->root))
		return;
	ept_reset(e);
	e->ops.free(e->ops.ctx, e->root);
	e->root = INVALID_HPA;
	e->stats.tables = 0;
}

/*
 * A partition's second-level page tables (EPT), built on demand.
 *
 * The guest's RAM is ram_size bytes at hpa [ram_base, ram_base + ram_size),
 * seen at gpa [0, 3 GiB) and, past the device hole, from 4 GiB on
 * (ept/guest_ram.h has the layout; a gpa in the hole is not RAM, so a
 * fault there is EPT_OUTSIDE, as above the RAM).  No leaf spans the hole.
 * Nothing is mapped up front: ept_init()
 * allocates the root table only and every EPT violation the guest takes on
 * its RAM becomes one ept_fault(), which installs the largest leaf that fits
 * (1 GiB, 2 MiB or 4 KiB) after zeroing the memory it maps.
 *
 * Table frames come from the partition's own frame pool through struct
 * ept_ops, which may refuse (a quota).  A refused fault changes nothing.
 *
 * Locking: none here; the caller serialises all calls on one struct ept.
 * No lock does that today: a partition has one vCPU, and after ept_init()
 * only that vCPU's thread touches its EPT.  The CPU may walk the tables at
 * the same time; every change it can see is a single aligned 64-bit store
 * of an entry whose target is already complete (a zeroed table, a filled
 * split table, zeroed memory).
 */
#ifndef EPT_EPT_H
#define EPT_EPT_H

#include "hv/types.h"
#include "ept/entry.h"

/* Access bits of an EPT violation: exit qualification bits 0 (data read),
 * 1 (data write), 2 (instruction fetch), SDM Vol. 3C §28.2.1, table "Exit
 * Qualification for EPT Violations".  They line up with the entry's R/W/X. */
#define EPT_ACC_R     1u
#define EPT_ACC_W     2u
#define EPT_ACC_X     4u
#define EPT_ACC_MASK  7u

/* What the CPU lets us build. */
struct ept_caps {
	bool page_2m;        /* IA32_VMX_EPT_VPID_CAP bit 16 */
	bool page_1g;        /* IA32_VMX_EPT_VPID_CAP bit 17 */
	bool itlb_multihit;  /* the iTLB-multihit erratum applies: IA32_ARCH_CAPABILITIES
	                      * bit 6 (PSCHANGE_MC_NO) clear or the MSR absent */
};

/* Decode the capability MSRs.  Returns false when EPT as we use it (4-level
 * walk, write-back paging structures) is unavailable.  Without the
 * IA32_ARCH_CAPABILITIES MSR (CPUID.(EAX=7,ECX=0):EDX[29] = 0) the CPU is
 * assumed affected by the erratum, as Linux does. */
bool ept_caps_decode(uint64_t vmx_ept_vpid_cap, bool have_arch_caps,
		     uint64_t arch_caps, struct ept_caps *out);

/* How the EPT code reaches the partition's frames and memory. */
struct ept_ops {
	hpa_t (*alloc)(void *ctx);              /* one 4 KiB frame for a table, or INVALID_HPA */
	void  (*free)(void *ctx, hpa_t frame);  /* give a table frame back */
	void *(*hva)(void *ctx, hpa_t frame);   /* where we can read/write a table frame */
	void  (*zero)(void *ctx, hpa_t hpa, uint64_t len); /* clear guest RAM before the guest sees it */
	void *ctx;
};

/* Counters.  faults_* count leaves installed (by ept_fault or
 * ept_populate) by their size; tables is the table frames in use, root
 * included; splits counts large leaves broken up for the iTLB erratum. */
struct ept_stats {
	uint64_t faults_4k, faults_2m, faults_1g;
	uint64_t spurious;
	uint64_t tables;
	uint64_t splits;
	uint64_t nomem;
	uint64_t zeroed_bytes;
};

struct ept_config {
	hpa_t ram_base;            /* 4 KiB aligned; 2 MiB/1 GiB alignment enables large leaves
	                            * (RAM above 4 GiB is at ram_base + 3 GiB: also aligned) */
	uint64_t ram_size;         /* bytes of RAM, 4 KiB multiple, > 0 */
	gpa_t small_start, small_end; /* [start, end) gets 4 KiB leaves only; start == end: none.
	                            * Rounded outwards to 4 KiB. */
	struct ept_caps caps;
	struct ept_ops ops;
};

struct ept {
	hpa_t root;                /* the PML4 frame; INVALID_HPA after ept_destroy() */
	hpa_t ram_base;
	uint64_t ram_size;
	gpa_t small_start, small_end;
	struct ept_caps caps;
	struct ept_ops ops;
	struct ept_stats stats;
};

enum ept_result {
	EPT_MAPPED,    /* a leaf was installed, or split to grant execute */
	EPT_SPURIOUS,  /* already mapped with the rights asked for: just resume */
	EPT_OUTSIDE,   /* gpa is not guest RAM: the caller decides (MMIO, or stop the guest) */
	EPT_NOMEM,     /* the frame quota is exhausted; nothing changed */
	EPT_ERROR,     /* would break isolation or the tables are not as built
	                * (a pool frame inside guest RAM, a leaf outside it,
	                * a destroyed ept); nothing changed */
};

/* ept_init() return values. */
#define EPT_INIT_OK      0
#define EPT_INIT_EINVAL  (-1)   /* bad config */
#define EPT_INIT_ENOMEM  (-2)   /* no frame for the root, or an unusable one */

int ept_init(struct ept *e, const struct ept_config *cfg);

/* The VMCS EPTP: root | WB (6) for the paging structures | (4 - 1) << 3
 * for a 4-level walk; accessed/dirty flags off (SDM Vol. 3C §25.6.11). */
uint64_t ept_eptp(const struct ept *e);

/* Handle an EPT violation at gpa for `access` (EPT_ACC_* bits).  *flush is
 * set when a present entry changed (a split), which needs an INVEPT
 * (single-context, this EPTP) on every CPU running the partition before
 * the guest resumes there; left alone otherwise.  flush may be NULL. */
enum ept_result ept_fault(struct ept *e, gpa_t gpa, unsigned access, bool *flush);

/* Map gpa as a read/write fault would (never splits, never needs a flush).
 * For loaders that fill guest RAM before the guest runs. */
enum ept_result ept_populate(struct ept *e, gpa_t gpa);

/* The hpa gpa translates to, and the level of the leaf (EPT_LEVEL_4K/2M/1G)
 * in *leaf_level_out (may be NULL); INVALID_HPA if unmapped.  No allocation. */
hpa_t ept_translate(const struct ept *e, gpa_t gpa, unsigned *leaf_level_out);

/* Unmap everything: free every table but the root and clear the root, so
 * the EPTP stays valid (for a guest restart).  The caller must INVEPT
 * before the guest runs again.  Counters restart (tables = 1). */
void ept_reset(struct ept *e);

/* Free every table frame, root included (the partition goes away). */
void ept_destroy(struct ept *e);

const char *ept_result_name(enum ept_result r);

#endif

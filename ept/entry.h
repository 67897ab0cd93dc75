/*
 * The EPT paging-structure entry: its bits and small helpers to build and
 * read one.  Nothing here walks a table; ept/ept.c does that.  Keeping the
 * format apart from the walk means the walk reads as "find the entry, decide,
 * write one entry" without bit twiddling in the middle.
 *
 * Source: Intel SDM Vol. 3C §29.3.2 "EPT Translation Mechanism" and its
 * tables "Format of an EPT PML4 Entry", "... PDPT Entry that Maps a 1-GByte
 * Page", "... Page-Directory Entry that Maps a 2-MByte Page", "... Page-Table
 * Entry that Maps a 4-KByte Page" and the three that reference a table.
 *
 * Levels are numbered as the hardware walks them, counting down:
 *   level 4  PML4   each entry covers 512 GiB  (always a table)
 *   level 3  PDPT   each entry covers   1 GiB  (table, or 1 GiB leaf)
 *   level 2  PD     each entry covers   2 MiB  (table, or 2 MiB leaf)
 *   level 1  PT     each entry covers   4 KiB  (always a leaf)
 */
#ifndef EPT_ENTRY_H
#define EPT_ENTRY_H

#include "hv/types.h"

typedef uint64_t ept_entry_t;

#define EPT_LEVELS        4
#define EPT_LEVEL_4K      1
#define EPT_LEVEL_2M      2
#define EPT_LEVEL_1G      3
#define EPT_LEVEL_ROOT    4
#define EPT_ENTRIES       512           /* 9 index bits per level */
#define EPT_INDEX_BITS    9

/* Permission bits, in every entry.  An entry is "present" (the walk goes on
 * or the page is mapped) when any of bits 2:0 is set (§29.3.2). */
#define EPT_E_R           (1ull << 0)
#define EPT_E_W           (1ull << 1)
#define EPT_E_X           (1ull << 2)   /* supervisor-mode execute when MBEC is on; we never turn MBEC on */
#define EPT_E_RWX         (EPT_E_R | EPT_E_W | EPT_E_X)

/* Leaf-only bits.  In a table entry bits 7:3 are reserved and must be 0,
 * otherwise the walk ends in an EPT misconfiguration (§29.3.3.1). */
#define EPT_E_MT_SHIFT    3             /* bits 5:3 EPT memory type */
#define EPT_E_MT_MASK     (7ull << EPT_E_MT_SHIFT)
#define EPT_E_IPAT        (1ull << 6)   /* ignore the guest's PAT */
#define EPT_E_LARGE       (1ull << 7)   /* in a PDPTE/PDE: this entry is a leaf */
#define EPT_E_ACCESSED    (1ull << 8)   /* only when EPTP bit 6 enables A/D */
#define EPT_E_DIRTY       (1ull << 9)

/* Bits 51:12 hold the physical address of the next table or of the page
 * (MAXPHYADDR is at most 52, SDM Vol. 3A §4.1.4). */
#define EPT_E_ADDR_MASK   0x000ffffffffff000ull

/* EPT memory types (SDM Vol. 3C §29.3.7, same encodings as the MTRRs). */
#define EPT_MT_UC         0ull
#define EPT_MT_WB         6ull

_Static_assert(sizeof(ept_entry_t) == 8, "an EPT entry is 64 bits");
_Static_assert(EPT_ENTRIES * sizeof(ept_entry_t) == PAGE_SIZE,
	       "an EPT table fills exactly one 4 KiB frame");
_Static_assert((1u << EPT_INDEX_BITS) == EPT_ENTRIES, "9 index bits per level");

/* log2 of the bytes one entry at `level` covers: 12, 21, 30, 39. */
static inline unsigned ept_level_shift(unsigned level)
{
	return PAGE_SHIFT + EPT_INDEX_BITS * (level - 1);
}

static inline uint64_t ept_level_size(unsigned level)
{
	return 1ull << ept_level_shift(level);
}

/* Which of the 512 entries of the level-`level` table translates gpa. */
static inline unsigned ept_index(gpa_t gpa, unsigned level)
{
	return (unsigned)(gpa.v >> ept_level_shift(level)) & (EPT_ENTRIES - 1);
}

static inline bool ept_entry_present(ept_entry_t e)
{
	return (e & EPT_E_RWX) != 0;
}

/* A present entry is a leaf at level 1 always, above only with bit 7. */
static inline bool ept_entry_is_leaf(ept_entry_t e, unsigned level)
{
	return ept_entry_present(e) && (level == EPT_LEVEL_4K || (e & EPT_E_LARGE));
}

static inline bool ept_entry_is_table(ept_entry_t e, unsigned level)
{
	return ept_entry_present(e) && !ept_entry_is_leaf(e, level);
}

static inline hpa_t ept_entry_hpa(ept_entry_t e)
{
	return HPA(e & EPT_E_ADDR_MASK);
}

static inline unsigned ept_entry_perms(ept_entry_t e)
{
	return (unsigned)(e & EPT_E_RWX);
}

/* An entry pointing at the next-level table.  It grants RWX: EPT rights are
 * the AND along the walk, so the leaf alone decides what the guest may do. */
static inline ept_entry_t ept_entry_table(hpa_t table)
{
	return (table.v & EPT_E_ADDR_MASK) | EPT_E_RWX;
}

/* A leaf mapping `hpa` (aligned to the level's size) as write-back with the
 * guest's PAT honoured (IPAT clear), so the guest can still make its own
 * pages UC for devices it does not have, as on bare metal. */
static inline ept_entry_t ept_entry_leaf(hpa_t hpa, unsigned level, unsigned perms)
{
	ept_entry_t e = (hpa.v & EPT_E_ADDR_MASK) | (perms & EPT_E_RWX) |
			(EPT_MT_WB << EPT_E_MT_SHIFT);

	if (level > EPT_LEVEL_4K)
		e |= EPT_E_LARGE;
	return e;
}

#endif

/*
 * The guest's own page tables, walked in software: guest-linear to
 * guest-physical.  The MMIO emulator needs it to fetch the instruction
 * that caused an EPT violation (the exit reports the guest-physical
 * address of the data access, not where the instruction bytes are).
 *
 * The paging mode follows from the guest's control registers as in
 * Intel SDM Vol. 3A section 4.1.1 (Table 4-1):
 *
 *   CR0.PG  CR4.PAE  EFER.LMA  CR4.LA57   mode
 *     0       -        -         -        none: linear = physical (32 bits)
 *     1       0        -         -        32-bit  (4 KiB; 4 MiB if CR4.PSE)
 *     1       1        0         -        PAE     (4 KiB, 2 MiB)
 *     1       1        1         0        4-level (4 KiB, 2 MiB, 1 GiB)
 *     1       1        1         1        5-level (4 KiB, 2 MiB, 1 GiB)
 *
 * Simplifications, each harmless for fetching the guest's own code:
 *  - presence and reserved bits are checked, access rights are not (no
 *    R/W, U/S, XD, SMEP/SMAP or protection-key checks): the guest just
 *    executed from this address, so the hardware already allowed it;
 *  - MAXPHYADDR is taken as 52, so reserved-bit checks cover only the
 *    bits that are reserved whatever the CPU; an address above the
 *    guest's memory fails in read_gpa instead;
 *  - PAE PDPTEs are read from memory at CR3, not taken from the
 *    processor's PDPTE registers (the VMCS guest PDPTE fields); they
 *    differ only if the guest edited its PDPT without reloading CR3;
 *  - accessed and dirty bits are never set.
 */
#ifndef VMM_GWALK_H
#define VMM_GWALK_H

#include "hv/types.h"

/* Guest control state that selects and roots the walk. */
struct gwalk_state {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * Reads len bytes of guest-physical memory at gpa into dst.  Returns 0,
 * or a negative value if the range is not guest RAM.  Entries are read
 * one at a time (4 or 8 bytes, naturally aligned).
 */
typedef int (*gwalk_read_gpa_fn)(void *ctx, gpa_t gpa, void *dst, size_t len);

/* Errors, all negative. */
#define GWALK_ERR_NOT_PRESENT  (-1)  /* an entry on the way had P = 0 */
#define GWALK_ERR_RESERVED     (-2)  /* an entry set a reserved bit */
#define GWALK_ERR_READ         (-3)  /* read_gpa failed on a table or data */
#define GWALK_ERR_NONCANONICAL (-5)  /* bits 63:47 (63:56 with LA57) not a sign extension */

/* Short name of an error code for logs ("not present", ...). */
const char *gwalk_strerror(int err);

/* Translate one linear address.  Returns 0 and *gpa, or a GWALK_ERR_*. */
int gwalk_translate(const struct gwalk_state *s, uint64_t linear, gpa_t *gpa,
		    gwalk_read_gpa_fn read_gpa, void *ctx);

/*
 * Read len bytes at a guest-linear address, translating every 4 KiB
 * page separately (the bytes may span two or more pages, as an
 * instruction fetched just below a page boundary does).  Returns 0 or a
 * GWALK_ERR_*; on error dst may hold a partial copy.
 */
int gwalk_read(const struct gwalk_state *s, uint64_t linear, void *dst, size_t len,
	       gwalk_read_gpa_fn read_gpa, void *ctx);

#endif

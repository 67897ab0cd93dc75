/*
 * Where a partition's RAM lies in its guest-physical space, and where
 * each of its bytes lives in the partition's host block.  The one place
 * that turns a gpa into an offset in that block: the EPT, guest_read()/
 * guest_write() and the loaders' memory maps all ask here.
 *
 * A partition of `size` bytes of RAM gets the PC layout (QEMU's pc and
 * q35 machines give large guests the same one): RAM up to 3 GiB, the
 * hole up to 4 GiB for the devices (I/O APIC at 0xfec00000, local APIC
 * at 0xfee00000, and any device window), the rest of the RAM from 4 GiB.
 * The host block is one contiguous run of `size` bytes:
 *
 *   gpa                                offset in the host block
 *   0               +----------------+ 0
 *                   |  low RAM       |
 *   3 GiB           +----------------+ 3 GiB (GUEST_RAM_LOW_END)
 *                   |  hole: devices |   the hole takes no host memory
 *   4 GiB           +----------------+ 3 GiB
 *                   |  high RAM      |
 *   size + 1 GiB    +----------------+ size
 *
 * A partition of at most 3 GiB has the low range only.  Both ranges
 * start 1 GiB aligned, in gpa and in offset, so with a 1 GiB aligned
 * host block a 1 GiB leaf fits wherever a whole GiB of RAM is.
 */
#ifndef EPT_GUEST_RAM_H
#define EPT_GUEST_RAM_H

#include "hv/types.h"

#define GUEST_RAM_LOW_END    GIB(3)   /* the hole starts here */
#define GUEST_RAM_HIGH_START GIB(4)   /* and ends here */
#define GUEST_RAM_NONE       (~0ull)  /* guest_ram_offset(): not RAM */

_Static_assert(GUEST_RAM_LOW_END % SIZE_1G == 0 && GUEST_RAM_HIGH_START % SIZE_1G == 0,
	       "the hole's edges are 1 GiB aligned: no leaf straddles them");

/* One range of guest RAM: [start, start + len). */
struct guest_ram_range {
	gpa_t start;
	uint64_t len;
};

static inline uint64_t guest_ram_low_size(uint64_t size)
{
	return MIN(size, GUEST_RAM_LOW_END);
}

static inline uint64_t guest_ram_high_size(uint64_t size)
{
	return size > GUEST_RAM_LOW_END ? size - GUEST_RAM_LOW_END : 0;
}

/* One past the highest gpa of RAM. */
static inline uint64_t guest_ram_end(uint64_t size)
{
	return guest_ram_high_size(size) ? GUEST_RAM_HIGH_START + guest_ram_high_size(size) : size;
}

/* The RAM ranges in gpa order into r[2]; returns how many (1 or 2). */
static inline unsigned guest_ram_ranges(uint64_t size, struct guest_ram_range r[2])
{
	r[0] = (struct guest_ram_range){ GPA(0), guest_ram_low_size(size) };
	r[1] = (struct guest_ram_range){ GPA(GUEST_RAM_HIGH_START), guest_ram_high_size(size) };
	return r[1].len ? 2 : 1;
}

/* Offset in the host block of the RAM byte at gpa; GUEST_RAM_NONE if gpa
 * is in the hole or above the RAM. */
static inline uint64_t guest_ram_offset(uint64_t size, gpa_t gpa)
{
	if (gpa.v < guest_ram_low_size(size))
		return gpa.v;
	if (gpa.v >= GUEST_RAM_HIGH_START && gpa.v - GUEST_RAM_HIGH_START < guest_ram_high_size(size))
		return GUEST_RAM_LOW_END + (gpa.v - GUEST_RAM_HIGH_START);
	return GUEST_RAM_NONE;
}

/* [gpa, gpa + len), len > 0, lies inside one RAM range (so it is
 * contiguous in the host block too). */
static inline bool guest_ram_contains(uint64_t size, gpa_t gpa, uint64_t len)
{
	uint64_t first = guest_ram_offset(size, gpa);

	if (first == GUEST_RAM_NONE || len == 0 || len - 1 > UINT64_MAX - gpa.v)
		return false;
	return guest_ram_offset(size, GPA(gpa.v + len - 1)) == first + len - 1;
}

/* The host address of the RAM byte at gpa in a block at `base`;
 * INVALID_HPA if gpa is not RAM. */
static inline hpa_t guest_ram_hpa(hpa_t base, uint64_t size, gpa_t gpa)
{
	uint64_t off = guest_ram_offset(size, gpa);

	return off == GUEST_RAM_NONE ? INVALID_HPA : HPA(base.v + off);
}

#endif

/*
 * Port accesses wider than the device: an 8-bit ISA device sees a 2- or
 * 4-byte IN or OUT as that many byte accesses to consecutive ports.  The
 * I/O exit splits them here, so the byte-wide device models (PIT, RTC,
 * UART) only ever decode one byte.  Bytes past the device's last port
 * read as 0xff and their writes are dropped, as on a bus with nothing
 * there.
 */
#ifndef VMM_DEV_IOPORT_H
#define VMM_DEV_IOPORT_H

#include "hv/types.h"

struct ioport_bytes {
	uint8_t (*read)(void *ctx, uint16_t off);
	void (*write)(void *ctx, uint16_t off, uint8_t val);
	void *ctx;
	uint16_t base;               /* what the device calls the range's first port */
	uint16_t count;              /* the range's ports: offsets 0 .. count-1 */
};

/*
 * An access of `size` bytes (1, 2 or 4) at offset `off`, low byte first.
 * Inline: on the exit path the compiler then calls the device directly.
 */
static inline uint32_t ioport_read_split(const struct ioport_bytes *b, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size && i < 4; i++) {
		uint32_t byte = off + i < b->count ? b->read(b->ctx, (uint16_t)(b->base + off + i)) : 0xff;
		val |= byte << (8 * i);
	}
	return val;
}

static inline void ioport_write_split(const struct ioport_bytes *b, uint16_t off, unsigned size,
				      uint32_t val)
{
	for (unsigned i = 0; i < size && i < 4; i++)
		if (off + i < b->count)
			b->write(b->ctx, (uint16_t)(b->base + off + i), (uint8_t)(val >> (8 * i)));
}

#endif

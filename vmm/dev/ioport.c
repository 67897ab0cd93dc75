/* Splitting wide port accesses into bytes (see ioport.h). */
#include "vmm/dev/ioport.h"

uint32_t ioport_read_split(const struct ioport_bytes *b, uint16_t off, unsigned size)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < size && i < 4; i++) {
		uint32_t byte = off + i < b->count ? b->read(b->ctx, (uint16_t)(off + i)) : 0xff;
		val |= byte << (8 * i);
	}
	return val;
}

void ioport_write_split(const struct ioport_bytes *b, uint16_t off, unsigned size, uint32_t val)
{
	for (unsigned i = 0; i < size && i < 4; i++)
		if (off + i < b->count)
			b->write(b->ctx, (uint16_t)(off + i), (uint8_t)(val >> (8 * i)));
}

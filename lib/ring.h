/*
 * A byte ring with one producer and one consumer on different CPUs, and
 * no lock: the producer only ever writes `head`, the consumer only
 * `tail`, and each publishes its index with release after touching the
 * data, and reads the other's with acquire.  Console input uses it: the
 * CPU that reads COM1 puts, the guest's own CPU gets (vmm/focus.c).
 */
#ifndef LIB_RING_H
#define LIB_RING_H

#include "hv/types.h"

#define RING_SIZE 64                /* a power of two */

struct byte_ring {
	uint8_t buf[RING_SIZE];
	uint32_t head;              /* next slot to fill: the producer's */
	uint32_t tail;              /* next slot to read: the consumer's */
};

/* Producer: false (the byte dropped) when the ring is full. */
static inline bool ring_put(struct byte_ring *r, uint8_t c)
{
	uint32_t head = r->head;   /* only we write it */

	if (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == RING_SIZE)
		return false;
	r->buf[head % RING_SIZE] = c;
	__atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE);
	return true;
}

/* Consumer: the next byte, or -1 when the ring is empty. */
static inline int ring_get(struct byte_ring *r)
{
	uint32_t tail = r->tail;   /* only we write it */

	if (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == tail)
		return -1;
	int c = r->buf[tail % RING_SIZE];
	__atomic_store_n(&r->tail, tail + 1, __ATOMIC_RELEASE);
	return c;
}

/* Either side: is anything waiting? */
static inline bool ring_empty(const struct byte_ring *r)
{
	return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}

#endif

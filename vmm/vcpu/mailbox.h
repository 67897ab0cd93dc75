/*
 * A vCPU's mailbox (struct vcpu_mailbox in vcpu.h): any CPU posts, only
 * the vCPU's own CPU takes.  Posting is a few atomic ORs; the poster then
 * wakes the vCPU's CPU (vmm/vcpu/smp.h) so the mail is taken before its
 * next VM entry.  Nothing is lost: a post that races a take is seen by
 * the next take, since `any` is set after the bits and cleared before
 * they are read.
 */
#ifndef VMM_VCPU_MAILBOX_H
#define VMM_VCPU_MAILBOX_H

#include "vmm/vcpu/vcpu.h"

static inline void mbox_post_fixed(struct vcpu_mailbox *m, uint8_t vector, bool level)
{
	if (level)
		__atomic_or_fetch(&m->level[vector / 32], 1u << (vector % 32), __ATOMIC_RELAXED);
	__atomic_or_fetch(&m->fixed[vector / 32], 1u << (vector % 32), __ATOMIC_RELEASE);
	__atomic_store_n(&m->any, 1, __ATOMIC_RELEASE);
}

static inline void mbox_post_event(struct vcpu_mailbox *m, uint32_t ev, uint8_t sipi_vector)
{
	if (ev & VCPU_EV_SIPI)
		__atomic_store_n(&m->sipi_vector, sipi_vector, __ATOMIC_RELAXED);
	__atomic_or_fetch(&m->events, ev, __ATOMIC_RELEASE);
	__atomic_store_n(&m->any, 1, __ATOMIC_RELEASE);
}

static inline bool mbox_has_mail(const struct vcpu_mailbox *m)
{
	return __atomic_load_n(&m->any, __ATOMIC_ACQUIRE) != 0;
}

/* Take everything posted so far: the fixed vectors into fixed[] (the
 * level-triggered ones also in level[]), the events as the return
 * value, the STARTUP vector into *sipi_vector. */
static inline uint32_t mbox_take(struct vcpu_mailbox *m, uint32_t fixed[8], uint32_t level[8],
				 uint8_t *sipi_vector)
{
	__atomic_store_n(&m->any, 0, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 8; i++) {
		fixed[i] = __atomic_exchange_n(&m->fixed[i], 0, __ATOMIC_ACQUIRE);
		level[i] = fixed[i] ? __atomic_exchange_n(&m->level[i], 0, __ATOMIC_ACQUIRE) : 0;
	}
	uint32_t ev = __atomic_exchange_n(&m->events, 0, __ATOMIC_ACQUIRE);
	*sipi_vector = __atomic_load_n(&m->sipi_vector, __ATOMIC_RELAXED);
	return ev;
}

#endif

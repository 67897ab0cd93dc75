/*
 * Recovering from a fault the hypervisor takes on a guest's behalf.
 *
 * While a CPU handles a guest's exit it keeps a recovery point: if the
 * hypervisor then takes an exception (a #GP from an instruction it ran
 * for the guest, a #PF from a bug in a handler), trap_handler() does not
 * panic but returns to the recovery point, and the run loop ends that
 * guest.  The CPU, the hypervisor and the other partitions go on.
 *
 * recover_save() is setjmp() for this one use: it returns 0, and returns
 * again, with 1, when a fault jumps back to it.  The function that called
 * it must still be running then.
 */
#ifndef ARCH_RECOVER_H
#define ARCH_RECOVER_H

#include "hv/types.h"

struct recover_point {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};

/* What the fault was, for the message (set before the jump). */
struct recover_fault {
	uint64_t vector, error, rip, cr2;
};

int recover_save(struct recover_point *r) __attribute__((returns_twice));
__attribute__((noreturn)) void recover_jump(const struct recover_point *r);

#endif

/*
 * Expected faults: a test arms the handler, runs one instruction that
 * may fault, and asks whether it did.
 *
 *     fault_expect(VEC_GP);
 *     asm volatile(FAULT_GUARD("rdmsr") : ... : "memory");
 *     if (fault_seen()) ...
 *
 * FAULT_GUARD stores the address just past the instruction in
 * fault_resume_eip before running it, so the handler knows where to
 * continue without decoding instruction lengths.  Only exceptions raised
 * while a guard is live are caught; any other exception is still fatal.
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#define FAULT_NONE (-1)

/* Address to resume at after a caught fault; set by FAULT_GUARD. */
extern volatile uint32_t fault_resume_eip;

#define FAULT_GUARD(insn) \
	"movl $1f, fault_resume_eip\n\t" insn "\n1:\n\t"

/* Arm to catch any exception of the next guarded instruction. */
void fault_arm(void);
/* Disarm; return the vector caught since fault_arm() or FAULT_NONE. */
int fault_disarm(void);

/* Arm expecting `vector`; fault_seen() says whether exactly it came. */
void fault_expect(int vector);
bool fault_seen(void);

/* Vector and error code of the last caught fault (FAULT_NONE if none). */
int fault_last_vector(void);
uint32_t fault_last_error(void);

/* Called by the trap dispatcher: true if the fault was expected (and
 * *eip now points past the faulting instruction). */
bool fault_catch(uint32_t vector, uint32_t error, uint32_t *eip);

/* Guarded instructions: each returns FAULT_NONE or the vector caught. */
int fault_try_rdmsr(uint32_t msr, uint64_t *val);
int fault_try_wrmsr(uint32_t msr, uint64_t val);

#endif

/*
 * Exception handling for guests: an IDT covering vectors 0-31 and one
 * dispatcher.  An exception is either one the running test armed for
 * (see fault.h) or a bug, which ends the guest with exit code 0x7f.
 * Vectors 32-255 are not present until a guest installs an interrupt
 * handler there (trap_set_gate); one that arrives anyway raises #NP,
 * which is reported like any other unexpected exception.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdint.h>

/* Exception vectors (SDM Vol. 3A, Table 6-1). */
#define VEC_DE  0
#define VEC_DB  1
#define VEC_BP  3
#define VEC_UD  6
#define VEC_DF  8
#define VEC_GP  13
#define VEC_PF  14

#define TRAP_VECTORS 32	/* exception vectors, with a stub each */
#define IDT_GATES    256

/* Exit code of a guest killed by an exception it did not expect. */
#define TRAP_EXIT_UNEXPECTED 0x7f

/* What traps.S leaves on the stack: PUSHA, vector, error code, then the
 * CPU's frame (no stack switch: we run in ring 0 only). */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
	uint32_t vector;
	uint32_t error;
	uint32_t eip;
	uint32_t cs;
	uint32_t eflags;
};
_Static_assert(sizeof(struct trap_frame) == 13 * 4, "trap_frame must match traps.S");

/* Fill and load the IDT. */
void trap_init(void);

/* Load the IDT trap_init filled, on another CPU (an AP). */
void trap_load(void);

/* Point vector at entry through a 32-bit interrupt gate.  entry is an
 * assembly stub that saves what it uses and ends in IRET. */
void trap_set_gate(uint8_t vector, void (*entry)(void));

/* Called from traps.S. */
void trap_dispatch(struct trap_frame *f);

/* Short mnemonic of a vector ("#GP"), or "#??". */
const char *trap_name(uint32_t vector);

#endif

/*
 * Decoder for the one guest instruction behind an MMIO exit.
 *
 * An EPT violation on an emulated device page (the xAPIC page at
 * 0xfee00000, say) tells us the guest-physical address and whether it
 * was a read or a write, but not the width, the register, or how long
 * the instruction is.  decode_insn() recovers those from the bytes at
 * the guest's RIP (fetched with gwalk_read()), for the small set of
 * instructions compilers and kernels use on device registers:
 *
 *   88 /r  MOV r/m8, r8          8A /r  MOV r8, r/m8
 *   89 /r  MOV r/m, r            8B /r  MOV r, r/m
 *   C6 /0  MOV r/m8, imm8        C7 /0  MOV r/m, imm16/32
 *   A0-A3  MOV AL/eAX <-> moffs  0F B6  MOVZX r, r/m8   0F B7  MOVZX r, r/m16
 *   86/87  XCHG r/m, r           08/09  OR r/m, r       20/21  AND r/m, r
 *
 * with the prefixes 66, 67, F0 (LOCK), the six segment overrides
 * (accepted and ignored: the exit already gives the address) and, in
 * 64-bit mode, REX.  F2/F3 are refused.  Encodings: Intel SDM Vol. 2A
 * chapter 2 ("Instruction Format") and the opcode pages in chapters 3-4.
 *
 * The effective address is not computed, but the length is exact: the
 * ModRM, SIB, displacement and immediate bytes are all accounted for so
 * the caller can advance RIP by d.length.
 *
 * Register numbers: 0 rax, 1 rcx, 2 rdx, 3 rbx, 4 rsp, 5 rbp, 6 rsi,
 * 7 rdi, 8-15 r8-r15.  An AH/CH/DH/BH operand (8-bit register 4-7
 * without any REX prefix) is reported as reg 0-3 with high_byte set, so
 * reg always names a slot of the register file.
 */
#ifndef VMM_DECODE_H
#define VMM_DECODE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Architectural limit on instruction length (SDM Vol. 2A 2.1.1) */
#define DECODE_MAX_LEN 15

enum decode_kind {
	DEC_READ,    /* memory -> register (MOV, MOVZX) */
	DEC_WRITE,   /* register or immediate -> memory */
	DEC_XCHG,    /* swap memory and register (always atomic) */
	DEC_OR,      /* memory |= register; sets flags (decode_logic_flags) */
	DEC_AND,     /* memory &= register; sets flags */
};

struct decoded {
	unsigned length;        /* bytes, prefixes included */
	enum decode_kind kind;
	unsigned size;          /* memory access width: 1, 2, 4 or 8 */
	int reg;                /* register operand 0-15, -1 if none (imm forms) */
	bool has_imm;
	uint64_t imm;           /* zero-extended from size bytes (C7 with REX.W: sign-extended imm32) */
	bool zero_extend;       /* MOVZX: size is the source, dst_size the register */
	unsigned dst_size;      /* register width written by a read (== size unless MOVZX) */
	bool high_byte;         /* reg is AH/CH/DH/BH: bits 15:8 of reg 0-3 */
	unsigned opcode;        /* opcode seen, 0x0fxx for two-byte opcodes; also set on
				   DECODE_ERR_UNSUPPORTED / _NOT_MEMORY for the log */
};

/* Errors, all negative. */
#define DECODE_ERR_TRUNCATED   (-1)  /* the bytes ran out before the instruction did */
#define DECODE_ERR_UNSUPPORTED (-2)  /* opcode not in the table; see d->opcode */
#define DECODE_ERR_PREFIX      (-3)  /* REP/REPNE (F3/F2) */
#define DECODE_ERR_NOT_MEMORY  (-4)  /* ModRM names a register, no memory operand */
#define DECODE_ERR_TOO_LONG    (-5)  /* longer than 15 bytes (#GP on hardware) */

/*
 * Decode the instruction in bytes[0..avail).  long_mode: the guest is in
 * 64-bit mode (CS.L = 1); otherwise cs_d is the code segment's D bit
 * (1: 32-bit default operand and address size, 0: 16-bit).
 * Returns 0 and fills *d, or a DECODE_ERR_*.
 */
int decode_insn(const uint8_t *bytes, size_t avail, bool long_mode, bool cs_d,
		struct decoded *d);

/* Short name of an error code for logs. */
const char *decode_strerror(int err);

/*
 * The value the instruction stores to memory: the immediate if there is
 * one, otherwise the register operand truncated to d->size (bits 15:8
 * for AH/CH/DH/BH).  0 if there is neither.
 */
uint64_t decode_reg_read(const uint64_t regs[16], const struct decoded *d);

/*
 * Put value, read from memory (d->size bytes), into the register operand
 * with x86 semantics: 8- and 16-bit writes keep the other bits, 32-bit
 * writes clear bits 63:32 (SDM Vol. 1 3.4.1.1; outside 64-bit mode those
 * bits are undefined, so clearing them is also correct), MOVZX
 * zero-extends to d->dst_size first.  Does nothing when d->reg < 0.
 */
void decode_reg_write(uint64_t regs[16], const struct decoded *d, uint64_t value);

/*
 * RFLAGS after an OR/AND whose result (d->size bytes) is result: CF and
 * OF cleared, SF, ZF and PF from the result, AF left alone (undefined),
 * as the OR/AND pages of SDM Vol. 2 specify.
 */
uint64_t decode_logic_flags(uint64_t rflags, const struct decoded *d, uint64_t result);

#endif

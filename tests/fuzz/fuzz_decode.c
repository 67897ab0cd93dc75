/* units: vmm/emul/decode.c */
/*
 * Fuzz the MMIO instruction decoder.  Input: one mode byte (bit 0 long
 * mode, bit 1 CS.D), then the instruction bytes, in an exact-size buffer.
 * A decoded instruction is then run through decode_reg_read(),
 * decode_reg_write() and decode_logic_flags() on a register file, and
 * must keep decode.h's promises: an exact length within the bytes and
 * the 15-byte limit, a memory width of 1, 2, 4 or 8, a register 0-15
 * (or -1 for the immediate forms), high_byte only on registers 0-3.
 */
#include "fuzz.h"
#include "vmm/emul/decode.h"

static bool is_width(unsigned n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static void check_decoded(const struct decoded *d, size_t avail)
{
	FUZZ_ASSERT(d->length >= 1 && d->length <= DECODE_MAX_LEN);
	FUZZ_ASSERT(d->length <= avail);
	FUZZ_ASSERT(is_width(d->size));
	FUZZ_ASSERT(d->reg >= -1 && d->reg <= 15);
	FUZZ_ASSERT(!d->high_byte || (d->reg >= 0 && d->reg <= 3));
	FUZZ_ASSERT(d->reg >= 0 || d->has_imm);
	if (d->kind == DEC_READ)
		FUZZ_ASSERT(is_width(d->dst_size) && d->dst_size >= d->size);
}

/* Run the register helpers; the file outside the operand must not change. */
static void exercise(const struct decoded *d, uint64_t seed)
{
	uint64_t regs[16], before[16];

	for (int i = 0; i < 16; i++)
		regs[i] = seed * (uint64_t)(i + 1) ^ 0x0123456789abcdefull;
	memcpy(before, regs, sizeof(regs));
	uint64_t v = decode_reg_read(regs, d);
	if (d->size < 8)	/* truncated to the access width */
		FUZZ_ASSERT(v >> (8 * d->size) == 0);
	decode_reg_write(regs, d, ~seed);
	for (int i = 0; i < 16; i++)
		FUZZ_ASSERT(i == d->reg || regs[i] == before[i]);
	(void)decode_logic_flags(seed, d, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t mode = fuzz_u8(&in);
	uint8_t *bytes = fuzz_dup(in.p, in.left);
	struct decoded d;
	int rc;

	memset(&d, 0xA5, sizeof(d));
	rc = decode_insn(bytes, in.left, mode & 1, mode & 2, &d);
	FUZZ_ASSERT(decode_strerror(rc) != NULL);
	if (rc == 0) {
		check_decoded(&d, in.left);
		exercise(&d, size);
	} else {
		FUZZ_ASSERT(rc >= DECODE_ERR_TOO_LONG && rc <= DECODE_ERR_TRUNCATED);
	}
	free(bytes);
	return 0;
}

/*
 * Length-exact decoder for the MMIO instructions listed in decode.h.
 *
 * Layout of an instruction (SDM Vol. 2A 2.1, Figure 2-1):
 *
 *   [legacy prefixes] [REX] opcode (1-2) [ModRM] [SIB] [disp 0/1/2/4] [imm 0/1/2/4]
 *
 * or, for MOV A0-A3, opcode followed by a moffs as wide as the address
 * size (2, 4 or 8 bytes).
 */
#include "vmm/emul/decode.h"

/* What an opcode needs beyond its first byte(s) */
enum op_flag {
	OP_BYTE   = 1 << 0,   /* 8-bit operands (register and memory) */
	OP_MODRM  = 1 << 1,   /* ModRM follows */
	OP_GROUP0 = 1 << 2,   /* ModRM.reg is an opcode extension, must be /0 */
	OP_IMM    = 1 << 3,   /* immediate of the operand size (at most 4 bytes) */
	OP_MOFFS  = 1 << 4,   /* address-sized offset, register is AL/eAX */
	OP_SRC8   = 1 << 5,   /* MOVZX from 8 bits */
	OP_SRC16  = 1 << 6,   /* MOVZX from 16 bits */
};

struct opdesc {
	uint16_t opcode;       /* 0x0fxx for two-byte opcodes */
	uint8_t kind;          /* enum decode_kind */
	uint8_t flags;         /* enum op_flag */
};

static const struct opdesc opcodes[] = {
	{ 0x08,   DEC_OR,    OP_BYTE | OP_MODRM },
	{ 0x09,   DEC_OR,    OP_MODRM },
	{ 0x20,   DEC_AND,   OP_BYTE | OP_MODRM },
	{ 0x21,   DEC_AND,   OP_MODRM },
	{ 0x86,   DEC_XCHG,  OP_BYTE | OP_MODRM },
	{ 0x87,   DEC_XCHG,  OP_MODRM },
	{ 0x88,   DEC_WRITE, OP_BYTE | OP_MODRM },
	{ 0x89,   DEC_WRITE, OP_MODRM },
	{ 0x8a,   DEC_READ,  OP_BYTE | OP_MODRM },
	{ 0x8b,   DEC_READ,  OP_MODRM },
	{ 0xa0,   DEC_READ,  OP_BYTE | OP_MOFFS },
	{ 0xa1,   DEC_READ,  OP_MOFFS },
	{ 0xa2,   DEC_WRITE, OP_BYTE | OP_MOFFS },
	{ 0xa3,   DEC_WRITE, OP_MOFFS },
	{ 0xc6,   DEC_WRITE, OP_BYTE | OP_MODRM | OP_GROUP0 | OP_IMM },
	{ 0xc7,   DEC_WRITE, OP_MODRM | OP_GROUP0 | OP_IMM },
	{ 0x0fb6, DEC_READ,  OP_MODRM | OP_SRC8 },
	{ 0x0fb7, DEC_READ,  OP_MODRM | OP_SRC16 },
};

/* Legacy prefixes (SDM Vol. 2A 2.1.1) */
#define PFX_OPSIZE   0x66
#define PFX_ADDRSIZE 0x67
#define PFX_LOCK     0xf0
#define PFX_REPNE    0xf2
#define PFX_REP      0xf3
#define OPC_ESCAPE   0x0f

/* REX (SDM Vol. 2A 2.2.1, Table 2-4): 0100WRXB */
#define REX_W 0x08
#define REX_R 0x04

/* RFLAGS bits (SDM Vol. 1 3.4.3) */
#define RFLAGS_CF (1ull << 0)
#define RFLAGS_PF (1ull << 2)
#define RFLAGS_ZF (1ull << 6)
#define RFLAGS_SF (1ull << 7)
#define RFLAGS_OF (1ull << 11)

/* The bytes being decoded and how far we got. */
struct cursor {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
};

struct prefixes {
	bool opsize;     /* 66 */
	bool addrsize;   /* 67 */
	uint8_t rex;     /* 0 if none */
};

const char *decode_strerror(int err)
{
	switch (err) {
	case 0:                      return "ok";
	case DECODE_ERR_TRUNCATED:   return "instruction bytes ran out";
	case DECODE_ERR_UNSUPPORTED: return "unsupported opcode";
	case DECODE_ERR_PREFIX:      return "REP/REPNE prefix";
	case DECODE_ERR_NOT_MEMORY:  return "no memory operand";
	case DECODE_ERR_TOO_LONG:    return "longer than 15 bytes";
	default:                     return "unknown error";
	}
}

static int take(struct cursor *c, size_t n, uint64_t *value)
{
	uint64_t v = 0;

	if (c->pos + n > DECODE_MAX_LEN)
		return DECODE_ERR_TOO_LONG;
	if (c->pos + n > c->avail)
		return DECODE_ERR_TRUNCATED;
	for (size_t i = 0; i < n; i++)           /* little-endian */
		v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	if (value)
		*value = v;
	return 0;
}

static int take_byte(struct cursor *c, uint8_t *b)
{
	uint64_t v;
	int err = take(c, 1, &v);

	*b = (uint8_t)v;
	return err;
}

static bool is_ignored_prefix(uint8_t b)
{
	switch (b) {
	case PFX_LOCK:
	case 0x2e: case 0x36: case 0x3e: case 0x26:   /* CS SS DS ES overrides */
	case 0x64: case 0x65:                         /* FS GS overrides */
		return true;
	default:
		return false;
	}
}

/*
 * Consume prefixes and return the first opcode byte.  A REX only counts
 * when it comes right before the opcode: a legacy prefix after it makes
 * the processor ignore it (SDM Vol. 2A 2.2.1), hence rex = 0 below.
 */
static int parse_prefixes(struct cursor *c, bool long_mode, struct prefixes *px, uint8_t *first)
{
	for (;;) {
		uint8_t b;
		int err = take_byte(c, &b);

		if (err)
			return err;
		if (b == PFX_REP || b == PFX_REPNE)
			return DECODE_ERR_PREFIX;
		if (b == PFX_OPSIZE || b == PFX_ADDRSIZE || is_ignored_prefix(b)) {
			px->opsize |= b == PFX_OPSIZE;
			px->addrsize |= b == PFX_ADDRSIZE;
			px->rex = 0;
		} else if (long_mode && (b & 0xf0) == 0x40) {
			px->rex = b;
		} else {
			*first = b;
			return 0;
		}
	}
}

static const struct opdesc *find_opcode(unsigned opcode)
{
	for (size_t i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++)
		if (opcodes[i].opcode == opcode)
			return &opcodes[i];
	return NULL;
}

/* Operand size for non-byte operands (SDM Vol. 2A 2.2.1.2, Table 2-4 and Vol. 1 3.6) */
static unsigned operand_size(const struct prefixes *px, bool long_mode, bool cs_d)
{
	if (long_mode) {
		if (px->rex & REX_W)
			return 8;
		return px->opsize ? 2 : 4;
	}
	return (cs_d != px->opsize) ? 4 : 2;
}

static unsigned address_size(const struct prefixes *px, bool long_mode, bool cs_d)
{
	if (long_mode)
		return px->addrsize ? 4 : 8;
	return (cs_d != px->addrsize) ? 4 : 2;
}

/*
 * Displacement bytes after ModRM (and SIB) for 16-bit addressing
 * (SDM Vol. 2A Table 2-1): mod 00 rm 110 is a bare disp16.
 */
static size_t disp_size16(unsigned mod, unsigned rm)
{
	if (mod == 1)
		return 1;
	if (mod == 2 || rm == 6)
		return 2;
	return 0;
}

/*
 * Skip SIB and displacement for 32/64-bit addressing (SDM Vol. 2A
 * Tables 2-2, 2-3 and 2-7).  REX.B does not change these special cases:
 * rm 101 with mod 00 is disp32 (RIP-relative in 64-bit mode) even for
 * r13, and SIB base 101 with mod 00 is disp32 with no base.
 */
static int skip_sib_disp32(struct cursor *c, unsigned mod, unsigned rm)
{
	size_t disp = (mod == 1) ? 1 : (mod == 2) ? 4 : 0;
	int err;

	if (rm == 4) {
		uint8_t sib;

		err = take_byte(c, &sib);
		if (err)
			return err;
		if (mod == 0 && (sib & 7) == 5)
			disp = 4;
	} else if (mod == 0 && rm == 5) {
		disp = 4;
	}
	return take(c, disp, NULL);
}

/* The memory operand after ModRM; a register operand (mod 11) cannot fault on MMIO. */
static int skip_memory_operand(struct cursor *c, uint8_t modrm, unsigned addr_size)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;

	if (mod == 3)
		return DECODE_ERR_NOT_MEMORY;
	if (addr_size == 2)
		return take(c, disp_size16(mod, rm), NULL);
	return skip_sib_disp32(c, mod, rm);
}

/*
 * The ModRM.reg register.  For byte registers without any REX, 4-7 are
 * AH, CH, DH, BH; with a REX (even 40) they are SPL, BPL, SIL, DIL
 * (SDM Vol. 2A 2.2.1.2, Table 3-1).
 */
static void set_modrm_reg(struct decoded *d, const struct opdesc *op, uint8_t modrm,
			  const struct prefixes *px)
{
	d->reg = ((modrm >> 3) & 7) | ((px->rex & REX_R) ? 8 : 0);
	if ((op->flags & OP_BYTE) && !px->rex && d->reg >= 4) {
		d->high_byte = true;
		d->reg -= 4;
	}
}

static int decode_modrm(struct cursor *c, struct decoded *d, const struct opdesc *op,
			const struct prefixes *px, unsigned addr_size)
{
	uint8_t modrm;
	int err = take_byte(c, &modrm);

	if (err)
		return err;
	if ((op->flags & OP_GROUP0) && ((modrm >> 3) & 7) != 0)
		return DECODE_ERR_UNSUPPORTED;
	err = skip_memory_operand(c, modrm, addr_size);
	if (err)
		return err;
	if (!(op->flags & OP_GROUP0))
		set_modrm_reg(d, op, modrm, px);
	return 0;
}

/* imm8/imm16/imm32; a 64-bit MOV C7 sign-extends its imm32 (SDM Vol. 2B MOV). */
static int decode_imm(struct cursor *c, struct decoded *d)
{
	size_t n = d->size > 4 ? 4 : d->size;
	uint64_t v;
	int err = take(c, n, &v);

	if (err)
		return err;
	if (d->size == 8)
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
	d->has_imm = true;
	d->imm = v;
	return 0;
}

/* Sizes, register and trailing bytes of a known opcode. */
static int decode_operands(struct cursor *c, struct decoded *d, const struct opdesc *op,
			   const struct prefixes *px, bool long_mode, bool cs_d)
{
	unsigned opsize = operand_size(px, long_mode, cs_d);
	unsigned addr_size = address_size(px, long_mode, cs_d);
	int err;

	d->kind = (enum decode_kind)op->kind;
	d->size = (op->flags & OP_BYTE) ? 1 : opsize;
	d->dst_size = d->size;
	if (op->flags & (OP_SRC8 | OP_SRC16)) {
		d->zero_extend = true;
		d->size = (op->flags & OP_SRC8) ? 1 : 2;
	}
	if (op->flags & OP_MOFFS) {
		d->reg = 0;
		return take(c, addr_size, NULL);
	}
	err = decode_modrm(c, d, op, px, addr_size);
	if (err)
		return err;
	return (op->flags & OP_IMM) ? decode_imm(c, d) : 0;
}

int decode_insn(const uint8_t *bytes, size_t avail, bool long_mode, bool cs_d,
		struct decoded *d)
{
	struct cursor c = { bytes, avail, 0 };
	struct prefixes px = { false, false, 0 };
	const struct opdesc *op;
	unsigned opcode;
	uint8_t b;
	int err;

	*d = (struct decoded){ .reg = -1 };
	err = parse_prefixes(&c, long_mode, &px, &b);
	if (err)
		return err;
	opcode = b;
	if (b == OPC_ESCAPE) {
		err = take_byte(&c, &b);
		if (err)
			return err;
		opcode = (OPC_ESCAPE << 8) | b;
	}
	d->opcode = opcode;
	op = find_opcode(opcode);
	if (!op)
		return DECODE_ERR_UNSUPPORTED;
	err = decode_operands(&c, d, op, &px, long_mode, cs_d);
	if (err)
		return err;
	d->length = (unsigned)c.pos;
	return 0;
}

static uint64_t size_mask(unsigned size)
{
	return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

uint64_t decode_reg_read(const uint64_t regs[16], const struct decoded *d)
{
	if (d->has_imm)
		return d->imm;
	if (d->reg < 0)
		return 0;
	if (d->high_byte)
		return (regs[d->reg] >> 8) & 0xff;
	return regs[d->reg] & size_mask(d->size);
}

void decode_reg_write(uint64_t regs[16], const struct decoded *d, uint64_t value)
{
	uint64_t *r;

	if (d->reg < 0)
		return;
	r = &regs[d->reg];
	if (d->high_byte) {
		*r = (*r & ~0xff00ull) | ((value & 0xff) << 8);
		return;
	}
	value &= size_mask(d->size);          /* MOVZX: the zero extension */
	if (d->dst_size >= 4)
		*r = value;                   /* 32-bit writes clear 63:32 */
	else
		*r = (*r & ~size_mask(d->dst_size)) | value;
}

static bool even_parity8(uint64_t v)
{
	uint8_t b = (uint8_t)v;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

uint64_t decode_logic_flags(uint64_t rflags, const struct decoded *d, uint64_t result)
{
	result &= size_mask(d->size);
	rflags &= ~(RFLAGS_CF | RFLAGS_OF | RFLAGS_SF | RFLAGS_ZF | RFLAGS_PF);
	if (result == 0)
		rflags |= RFLAGS_ZF;
	if (result >> (8 * d->size - 1))
		rflags |= RFLAGS_SF;
	if (even_parity8(result))
		rflags |= RFLAGS_PF;
	return rflags;
}

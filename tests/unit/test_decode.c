/* units: vmm/emul/decode.c */
/*
 * The MMIO instruction decoder against real encodings: every row of the
 * table below was assembled with GNU as (the text is the source line),
 * and is decoded with exactly its own bytes (so an over-read trips
 * ASan), with one byte short, and followed by filler.  Then prefixes
 * and errors, the register-file helpers and the OR/AND flags.
 */
#include <stdlib.h>
#include "check.h"
#include "vmm/emul/decode.h"

enum mode { M64, M32, M16 };

struct enc_case {
	enum mode mode;
	const char *text;
	uint8_t bytes[DECODE_MAX_LEN];
	unsigned len;
	enum decode_kind kind;
	unsigned size;
	int reg;
	bool high_byte;
	bool has_imm;
	uint64_t imm;
	bool zero_extend;
	unsigned dst_size;
};

static const struct enc_case cases[] = {
	{ M64, "movl %eax, 0xb0(%rbx)", { 0x89, 0x83, 0xb0, 0x00, 0x00, 0x00 }, 6, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl 0x300(%rdi), %ecx", { 0x8b, 0x8f, 0x00, 0x03, 0x00, 0x00 }, 6, DEC_READ, 4, 1, false, false, 0x0ull, false, 4 },
	{ M64, "movl %edx, (%rax)", { 0x89, 0x10 }, 2, DEC_WRITE, 4, 2, false, false, 0x0ull, false, 4 },
	{ M64, "movl %edx, 0x10(%rax)", { 0x89, 0x50, 0x10 }, 3, DEC_WRITE, 4, 2, false, false, 0x0ull, false, 4 },
	{ M64, "movl %esi, (%rsp)", { 0x89, 0x34, 0x24 }, 3, DEC_WRITE, 4, 6, false, false, 0x0ull, false, 4 },
	{ M64, "movl %esi, 0x8(%rsp)", { 0x89, 0x74, 0x24, 0x08 }, 4, DEC_WRITE, 4, 6, false, false, 0x0ull, false, 4 },
	{ M64, "movl %esi, 0x1000(%rsp)", { 0x89, 0xb4, 0x24, 0x00, 0x10, 0x00, 0x00 }, 7, DEC_WRITE, 4, 6, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, 0x300(,%rcx,4)", { 0x89, 0x04, 0x8d, 0x00, 0x03, 0x00, 0x00 }, 7, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %edi, 0x300(%rbp,%rcx,2)", { 0x89, 0xbc, 0x4d, 0x00, 0x03, 0x00, 0x00 }, 7, DEC_WRITE, 4, 7, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, (%rbp)", { 0x89, 0x45, 0x00 }, 3, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, (%r13)", { 0x41, 0x89, 0x45, 0x00 }, 4, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, (%r12)", { 0x41, 0x89, 0x04, 0x24 }, 4, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, (%r13,%r12)", { 0x43, 0x89, 0x44, 0x25, 0x00 }, 5, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %r9d, 0x20(%r10,%r11,8)", { 0x47, 0x89, 0x4c, 0xda, 0x20 }, 5, DEC_WRITE, 4, 9, false, false, 0x0ull, false, 4 },
	{ M64, "movq %rax, 0x10(%rbx)", { 0x48, 0x89, 0x43, 0x10 }, 4, DEC_WRITE, 8, 0, false, false, 0x0ull, false, 8 },
	{ M64, "movq 0x10(%rbx), %r15", { 0x4c, 0x8b, 0x7b, 0x10 }, 4, DEC_READ, 8, 15, false, false, 0x0ull, false, 8 },
	{ M64, "movw %ax, 0x20(%rbx)", { 0x66, 0x89, 0x43, 0x20 }, 4, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
	{ M64, "movw 0x20(%r8), %r11w", { 0x66, 0x45, 0x8b, 0x58, 0x20 }, 5, DEC_READ, 2, 11, false, false, 0x0ull, false, 2 },
	{ M64, "movb %al, (%rbx)", { 0x88, 0x03 }, 2, DEC_WRITE, 1, 0, false, false, 0x0ull, false, 1 },
	{ M64, "movb %ah, (%rbx)", { 0x88, 0x23 }, 2, DEC_WRITE, 1, 0, true, false, 0x0ull, false, 1 },
	{ M64, "movb %bh, 0x4(%rdi)", { 0x88, 0x7f, 0x04 }, 3, DEC_WRITE, 1, 3, true, false, 0x0ull, false, 1 },
	{ M64, "movb %sil, (%rbx)", { 0x40, 0x88, 0x33 }, 3, DEC_WRITE, 1, 6, false, false, 0x0ull, false, 1 },
	{ M64, "movb %r8b, (%rbx)", { 0x44, 0x88, 0x03 }, 3, DEC_WRITE, 1, 8, false, false, 0x0ull, false, 1 },
	{ M64, "movb (%rbx), %ch", { 0x8a, 0x2b }, 2, DEC_READ, 1, 1, true, false, 0x0ull, false, 1 },
	{ M64, "movb (%rbx), %dil", { 0x40, 0x8a, 0x3b }, 3, DEC_READ, 1, 7, false, false, 0x0ull, false, 1 },
	{ M64, "movb (%rbx,%rsi), %dh", { 0x8a, 0x34, 0x33 }, 3, DEC_READ, 1, 2, true, false, 0x0ull, false, 1 },
	{ M64, "movl %eax, 0x100(%rip)", { 0x89, 0x05, 0x00, 0x01, 0x00, 0x00 }, 6, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl 0x100(%rip), %r8d", { 0x44, 0x8b, 0x05, 0x00, 0x01, 0x00, 0x00 }, 7, DEC_READ, 4, 8, false, false, 0x0ull, false, 4 },
	{ M64, "movl $0x12345678, 0x80(%rbx)", { 0xc7, 0x83, 0x80, 0x00, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 }, 10, DEC_WRITE, 4, -1, false, true, 0x12345678ull, false, 4 },
	{ M64, "movq $-2, 0x80(%rbx)", { 0x48, 0xc7, 0x83, 0x80, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff }, 11, DEC_WRITE, 8, -1, false, true, 0xfffffffffffffffeull, false, 8 },
	{ M64, "movq $0x7fffffff, (%rax)", { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f }, 7, DEC_WRITE, 8, -1, false, true, 0x7fffffffull, false, 8 },
	{ M64, "movl $0x80000000, (%rax)", { 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80 }, 6, DEC_WRITE, 4, -1, false, true, 0x80000000ull, false, 4 },
	{ M64, "movw $0x1234, (%rax)", { 0x66, 0xc7, 0x00, 0x34, 0x12 }, 5, DEC_WRITE, 2, -1, false, true, 0x1234ull, false, 2 },
	{ M64, "movb $0x5a, 0x300(%rip)", { 0xc6, 0x05, 0x00, 0x03, 0x00, 0x00, 0x5a }, 7, DEC_WRITE, 1, -1, false, true, 0x5aull, false, 1 },
	{ M64, "movl $0x1, 0x300(,%rax,4)", { 0xc7, 0x04, 0x85, 0x00, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 }, 11, DEC_WRITE, 4, -1, false, true, 0x1ull, false, 4 },
	{ M64, "movl $0xdeadbeef, 0x7f(%r12)", { 0x41, 0xc7, 0x44, 0x24, 0x7f, 0xef, 0xbe, 0xad, 0xde }, 9, DEC_WRITE, 4, -1, false, true, 0xdeadbeefull, false, 4 },
	{ M64, "movzbl 0x20(%rbx), %eax", { 0x0f, 0xb6, 0x43, 0x20 }, 4, DEC_READ, 1, 0, false, false, 0x0ull, true, 4 },
	{ M64, "movzwl (%rsi), %r10d", { 0x44, 0x0f, 0xb7, 0x16 }, 4, DEC_READ, 2, 10, false, false, 0x0ull, true, 4 },
	{ M64, "movzbq (%rdi), %rax", { 0x48, 0x0f, 0xb6, 0x07 }, 4, DEC_READ, 1, 0, false, false, 0x0ull, true, 8 },
	{ M64, "movzbw (%rdi), %ax", { 0x66, 0x0f, 0xb6, 0x07 }, 4, DEC_READ, 1, 0, false, false, 0x0ull, true, 2 },
	{ M64, "movzwq 0x12345678(%rip), %rsp", { 0x48, 0x0f, 0xb7, 0x25, 0x78, 0x56, 0x34, 0x12 }, 8, DEC_READ, 2, 4, false, false, 0x0ull, true, 8 },
	{ M64, "xchgl %eax, 0x300(%rbx)", { 0x87, 0x83, 0x00, 0x03, 0x00, 0x00 }, 6, DEC_XCHG, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "xchgq %rax, (%rdx)", { 0x48, 0x87, 0x02 }, 3, DEC_XCHG, 8, 0, false, false, 0x0ull, false, 8 },
	{ M64, "xchgb %al, (%rdx)", { 0x86, 0x02 }, 2, DEC_XCHG, 1, 0, false, false, 0x0ull, false, 1 },
	{ M64, "lock orl %eax, (%rbx)", { 0xf0, 0x09, 0x03 }, 3, DEC_OR, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "andl %ecx, 0x10(%rbx)", { 0x21, 0x4b, 0x10 }, 3, DEC_AND, 4, 1, false, false, 0x0ull, false, 4 },
	{ M64, "orb %dl, (%rbx)", { 0x08, 0x13 }, 2, DEC_OR, 1, 2, false, false, 0x0ull, false, 1 },
	{ M64, "andb %ah, (%rbx)", { 0x20, 0x23 }, 2, DEC_AND, 1, 0, true, false, 0x0ull, false, 1 },
	{ M64, "movabs 0xfee00030, %eax", { 0xa1, 0x30, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 9, DEC_READ, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movabs %al, 0xfee00030", { 0xa2, 0x30, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 9, DEC_WRITE, 1, 0, false, false, 0x0ull, false, 1 },
	{ M64, "movabs %rax, 0xfee00030", { 0x48, 0xa3, 0x30, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00 }, 10, DEC_WRITE, 8, 0, false, false, 0x0ull, false, 8 },
	{ M64, "addr32 movabs 0xfee00030, %eax", { 0x67, 0xa1, 0x30, 0x00, 0xe0, 0xfe }, 6, DEC_READ, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "fs movl %eax, 0x10(%rbx)", { 0x64, 0x89, 0x43, 0x10 }, 4, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "ds movl %eax, 0x10(%rbx)", { 0x3e, 0x89, 0x43, 0x10 }, 4, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, %gs:0x1234", { 0x65, 0x89, 0x04, 0x25, 0x34, 0x12, 0x00, 0x00 }, 8, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "addr32 movl %eax, (%ebx)", { 0x67, 0x89, 0x03 }, 3, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M64, "movl %eax, 0x10(%eip)", { 0x67, 0x89, 0x05, 0x10, 0x00, 0x00, 0x00 }, 7, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "movl %eax, 0xfee000b0", { 0xa3, 0xb0, 0x00, 0xe0, 0xfe }, 5, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "movl %eax, 0xb0(%ebx)", { 0x89, 0x83, 0xb0, 0x00, 0x00, 0x00 }, 6, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "movl 0xfee00300, %ecx", { 0x8b, 0x0d, 0x00, 0x03, 0xe0, 0xfe }, 6, DEC_READ, 4, 1, false, false, 0x0ull, false, 4 },
	{ M32, "movl %ecx, 0xfee00300(,%eax,4)", { 0x89, 0x0c, 0x85, 0x00, 0x03, 0xe0, 0xfe }, 7, DEC_WRITE, 4, 1, false, false, 0x0ull, false, 4 },
	{ M32, "movl %edx, 0x10(%esp)", { 0x89, 0x54, 0x24, 0x10 }, 4, DEC_WRITE, 4, 2, false, false, 0x0ull, false, 4 },
	{ M32, "movw %ax, 0x10(%ebx)", { 0x66, 0x89, 0x43, 0x10 }, 4, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
	{ M32, "movb %ah, (%ebx)", { 0x88, 0x23 }, 2, DEC_WRITE, 1, 0, true, false, 0x0ull, false, 1 },
	{ M32, "movb (%ebx), %bh", { 0x8a, 0x3b }, 2, DEC_READ, 1, 3, true, false, 0x0ull, false, 1 },
	{ M32, "movl $0x1, 0xfee000b0", { 0xc7, 0x05, 0xb0, 0x00, 0xe0, 0xfe, 0x01, 0x00, 0x00, 0x00 }, 10, DEC_WRITE, 4, -1, false, true, 0x1ull, false, 4 },
	{ M32, "movw $0xbeef, (%eax)", { 0x66, 0xc7, 0x00, 0xef, 0xbe }, 5, DEC_WRITE, 2, -1, false, true, 0xbeefull, false, 2 },
	{ M32, "movzbl (%eax), %edx", { 0x0f, 0xb6, 0x10 }, 3, DEC_READ, 1, 2, false, false, 0x0ull, true, 4 },
	{ M32, "movzwl 0x20(%esi), %edi", { 0x0f, 0xb7, 0x7e, 0x20 }, 4, DEC_READ, 2, 7, false, false, 0x0ull, true, 4 },
	{ M32, "xchgl %eax, (%edx)", { 0x87, 0x02 }, 2, DEC_XCHG, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "addr16 movl %eax, (%bx,%si)", { 0x67, 0x89, 0x00 }, 3, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "addr16 movl %eax, 0x1234", { 0x67, 0xa3, 0x34, 0x12 }, 4, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M32, "addr16 movl %ecx, 0x12(%bp)", { 0x67, 0x89, 0x4e, 0x12 }, 4, DEC_WRITE, 4, 1, false, false, 0x0ull, false, 4 },
	{ M32, "addr16 movl %ecx, 0x1234(%bx,%di)", { 0x67, 0x89, 0x89, 0x34, 0x12 }, 5, DEC_WRITE, 4, 1, false, false, 0x0ull, false, 4 },
	{ M16, "movl %eax, (%bx,%si)", { 0x66, 0x89, 0x00 }, 3, DEC_WRITE, 4, 0, false, false, 0x0ull, false, 4 },
	{ M16, "movw %ax, (%bx)", { 0x89, 0x07 }, 2, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
	{ M16, "movw %ax, 0x12(%ebx)", { 0x67, 0x89, 0x43, 0x12 }, 4, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
	{ M16, "movw $5, 0x1234", { 0xc7, 0x06, 0x34, 0x12, 0x05, 0x00 }, 6, DEC_WRITE, 2, -1, false, true, 0x5ull, false, 2 },
	{ M16, "movw 0xfe(%di), %dx", { 0x8b, 0x95, 0xfe, 0x00 }, 4, DEC_READ, 2, 2, false, false, 0x0ull, false, 2 },
	{ M16, "movw 0x7e(%di), %dx", { 0x8b, 0x55, 0x7e }, 3, DEC_READ, 2, 2, false, false, 0x0ull, false, 2 },
	{ M16, "movw %ax, (%bp)", { 0x89, 0x46, 0x00 }, 3, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
	{ M16, "movw %ax, 0x1234", { 0xa3, 0x34, 0x12 }, 3, DEC_WRITE, 2, 0, false, false, 0x0ull, false, 2 },
};

static int decode_mode(enum mode m, const uint8_t *b, size_t n, struct decoded *d)
{
	return decode_insn(b, n, m == M64, m != M16, d);
}

static bool same(const struct enc_case *c, const struct decoded *d)
{
	return d->length == c->len && d->kind == c->kind && d->size == c->size &&
	       d->reg == c->reg && d->high_byte == c->high_byte &&
	       d->has_imm == c->has_imm && d->imm == c->imm &&
	       d->zero_extend == c->zero_extend && d->dst_size == c->dst_size;
}

static void check_case(const struct enc_case *c)
{
	uint8_t *exact = malloc(c->len), padded[DECODE_MAX_LEN];
	struct decoded d;
	int err;

	/* Exactly the instruction's bytes, in a heap block of that size. */
	memcpy(exact, c->bytes, c->len);
	err = decode_mode(c->mode, exact, c->len, &d);
	if (err || !same(c, &d))
		printf("  case \"%s\": err %d len %u kind %d size %u reg %d high %d imm %d/0x%llx zx %d dst %u\n",
		       c->text, err, d.length, d.kind, d.size, d.reg, d.high_byte,
		       d.has_imm, (unsigned long long)d.imm, d.zero_extend, d.dst_size);
	CHECK_EQ(err, 0);
	CHECK(same(c, &d));

	/* One byte short. */
	CHECK_EQ(decode_mode(c->mode, exact, c->len - 1, &d), DECODE_ERR_TRUNCATED);
	free(exact);

	/* Followed by other bytes: the length must not change. */
	memset(padded, 0x90, sizeof(padded));
	memcpy(padded, c->bytes, c->len);
	CHECK_EQ(decode_mode(c->mode, padded, sizeof(padded), &d), 0);
	CHECK_EQ(d.length, c->len);
}

static void test_assembled_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(&cases[i]);
}

static void test_opcode_reported(void)
{
	struct decoded d;

	CHECK_EQ(decode_insn((const uint8_t[]){ 0x89, 0x03 }, 2, true, true, &d), 0);
	CHECK_EQ(d.opcode, 0x89);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x0f, 0xb7, 0x03 }, 3, true, true, &d), 0);
	CHECK_EQ(d.opcode, 0x0fb7);
}

static void test_unsupported_opcodes(void)
{
	struct decoded d;

	/* addl %eax,(%rbx) */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x01, 0x03 }, 2, true, true, &d), DECODE_ERR_UNSUPPORTED);
	CHECK_EQ(d.opcode, 0x01);
	/* lock cmpxchg %ecx,(%rbx) */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xf0, 0x0f, 0xb1, 0x0b }, 4, true, true, &d),
		 DECODE_ERR_UNSUPPORTED);
	CHECK_EQ(d.opcode, 0x0fb1);
	/* REX.W movsxd is not in the table */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x48, 0x63, 0x03 }, 3, true, true, &d), DECODE_ERR_UNSUPPORTED);
	CHECK_EQ(d.opcode, 0x63);
	/* C7 /1 is not MOV */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xc7, 0x08, 1, 0, 0, 0 }, 6, true, true, &d),
		 DECODE_ERR_UNSUPPORTED);
	CHECK_EQ(d.opcode, 0xc7);
	/* C6 /7 either */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xc6, 0x38, 1 }, 3, true, true, &d), DECODE_ERR_UNSUPPORTED);
	/* 40 is INC EAX outside 64-bit mode, not a REX */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x40, 0x89, 0x03 }, 3, false, true, &d), DECODE_ERR_UNSUPPORTED);
	CHECK_EQ(d.opcode, 0x40);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x40, 0x89, 0x03 }, 3, true, true, &d), 0);
	CHECK_EQ(d.length, 3);
}

static void test_register_operand_is_not_memory(void)
{
	struct decoded d;

	/* movl %eax,%ebx */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x89, 0xc3 }, 2, true, true, &d), DECODE_ERR_NOT_MEMORY);
	CHECK_EQ(d.opcode, 0x89);
	/* movzbl %al,%eax */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x0f, 0xb6, 0xc0 }, 3, true, true, &d), DECODE_ERR_NOT_MEMORY);
	/* movl $1,%eax via C7 /0 */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xc7, 0xc0, 1, 0, 0, 0 }, 6, false, true, &d),
		 DECODE_ERR_NOT_MEMORY);
}

static void test_rep_prefixes_refused(void)
{
	struct decoded d;

	/* rep movsb */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xf3, 0xa4 }, 2, true, true, &d), DECODE_ERR_PREFIX);
	/* repne before an otherwise fine MOV */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xf2, 0x89, 0x03 }, 3, true, true, &d), DECODE_ERR_PREFIX);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x3e, 0xf3, 0x89, 0x03 }, 4, false, true, &d), DECODE_ERR_PREFIX);
}

static void test_truncated(void)
{
	struct decoded d;

	CHECK_EQ(decode_insn(NULL, 0, true, true, &d), DECODE_ERR_TRUNCATED);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x66 }, 1, true, true, &d), DECODE_ERR_TRUNCATED);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x0f }, 1, true, true, &d), DECODE_ERR_TRUNCATED);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x48 }, 1, true, true, &d), DECODE_ERR_TRUNCATED);
	/* SIB missing */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x89, 0x04 }, 2, true, true, &d), DECODE_ERR_TRUNCATED);
}

/* SDM Vol. 2A 2.1.1: 15 bytes at most, however the bytes are made up. */
static void test_length_limit(void)
{
	uint8_t b[DECODE_MAX_LEN + 1];
	struct decoded d;

	memset(b, 0x3e, sizeof(b));
	b[13] = 0x89;                       /* 13 DS prefixes + 89 03 = 15 bytes */
	b[14] = 0x03;
	CHECK_EQ(decode_insn(b, sizeof(b), true, true, &d), 0);
	CHECK_EQ(d.length, 15);

	memset(b, 0x3e, sizeof(b));
	b[14] = 0x89;                       /* 16 bytes */
	b[15] = 0x03;
	CHECK_EQ(decode_insn(b, sizeof(b), true, true, &d), DECODE_ERR_TOO_LONG);

	memset(b, 0x3e, sizeof(b));         /* 10 prefixes + 89 83 disp32 = 16 */
	memcpy(b + 10, (const uint8_t[]){ 0x89, 0x83, 0, 0, 0, 0 }, 6);
	CHECK_EQ(decode_insn(b, sizeof(b), true, true, &d), DECODE_ERR_TOO_LONG);
}

/* A REX counts only right before the opcode (SDM Vol. 2A 2.2.1). */
static void test_rex_placement(void)
{
	struct decoded d;

	/* 48 66 89 03: the REX.W is ignored, 16-bit store (objdump agrees) */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x48, 0x66, 0x89, 0x03 }, 4, true, true, &d), 0);
	CHECK_EQ(d.size, 2);
	CHECK_EQ(d.length, 4);
	/* 66 48 89 03: REX.W wins over 66 */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x66, 0x48, 0x89, 0x03 }, 4, true, true, &d), 0);
	CHECK_EQ(d.size, 8);
	/* 44 3e 89 03: the REX.R is ignored, so eax not r8d */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x44, 0x3e, 0x89, 0x03 }, 4, true, true, &d), 0);
	CHECK_EQ(d.reg, 0);
	/* 88 23 is AH without REX and SPL with an empty REX */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x40, 0x88, 0x23 }, 3, true, true, &d), 0);
	CHECK_EQ(d.reg, 4);
	CHECK(!d.high_byte);
	/* A REX.R on MOVZX still names r8-r15, and no high byte applies */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x44, 0x0f, 0xb6, 0x23 }, 4, true, true, &d), 0);
	CHECK_EQ(d.reg, 12);
	CHECK(!d.high_byte);
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x0f, 0xb6, 0x23 }, 3, true, true, &d), 0);
	CHECK_EQ(d.reg, 4);                 /* movzbl (%rbx),%esp: not AH */
	CHECK(!d.high_byte);
}

static void test_strerror(void)
{
	CHECK_STR_CONTAINS(decode_strerror(DECODE_ERR_UNSUPPORTED), "unsupported");
	CHECK_STR_CONTAINS(decode_strerror(DECODE_ERR_TRUNCATED), "ran out");
	CHECK_STR_CONTAINS(decode_strerror(DECODE_ERR_PREFIX), "REP");
	CHECK_STR_CONTAINS(decode_strerror(DECODE_ERR_NOT_MEMORY), "memory");
	CHECK_STR_CONTAINS(decode_strerror(DECODE_ERR_TOO_LONG), "15");
	CHECK_STR_CONTAINS(decode_strerror(0), "ok");
	CHECK_STR_CONTAINS(decode_strerror(-99), "unknown");
}

#define ALL_ONES 0xffffffffffffffffull
#define PATTERN  0x1122334455667788ull

static void test_reg_write_widths(void)
{
	uint64_t regs[16];
	struct decoded d = { .kind = DEC_READ, .reg = 3 };

	memset(regs, 0xff, sizeof(regs));
	d.size = d.dst_size = 4;
	decode_reg_write(regs, &d, 0xabcdef0112345678ull);
	CHECK_EQ(regs[3], 0x12345678);           /* 32-bit: upper half cleared */
	CHECK_EQ(regs[2], ALL_ONES);             /* neighbours untouched */
	CHECK_EQ(regs[4], ALL_ONES);

	regs[3] = ALL_ONES;
	d.size = d.dst_size = 2;
	decode_reg_write(regs, &d, 0x55aa1234);
	CHECK_EQ(regs[3], 0xffffffffffff1234ull); /* 16-bit merges */

	d.size = d.dst_size = 1;
	decode_reg_write(regs, &d, 0x3c5a);
	CHECK_EQ(regs[3], 0xffffffffffff125aull); /* 8-bit merges */

	d.size = d.dst_size = 8;
	decode_reg_write(regs, &d, PATTERN);
	CHECK_EQ(regs[3], PATTERN);

	d.reg = 15;
	d.size = d.dst_size = 4;
	decode_reg_write(regs, &d, 0x80000000u);
	CHECK_EQ(regs[15], 0x80000000u);          /* zero-, not sign-extended */
}

static void test_reg_write_high_byte(void)
{
	uint64_t regs[16] = { 0 };
	struct decoded d = { .kind = DEC_READ, .size = 1, .dst_size = 1, .reg = 1, .high_byte = true };

	regs[1] = PATTERN;
	decode_reg_write(regs, &d, 0x1ab);
	CHECK_EQ(regs[1], 0x112233445566ab88ull); /* CH = bits 15:8 of rcx */
	CHECK_EQ(regs[5], 0);                     /* not rbp (CH's number is 5) */
}

static void test_reg_write_movzx(void)
{
	uint64_t regs[16];
	struct decoded d = { .kind = DEC_READ, .reg = 0, .zero_extend = true };

	memset(regs, 0xff, sizeof(regs));
	d.size = 1; d.dst_size = 4;               /* movzbl */
	decode_reg_write(regs, &d, 0x1c3);
	CHECK_EQ(regs[0], 0xc3);

	regs[0] = ALL_ONES;
	d.size = 1; d.dst_size = 2;               /* movzbw merges above bit 15 */
	decode_reg_write(regs, &d, 0x1c3);
	CHECK_EQ(regs[0], 0xffffffffffff00c3ull);

	regs[0] = ALL_ONES;
	d.size = 2; d.dst_size = 8;               /* movzwq */
	decode_reg_write(regs, &d, 0xdeadbeef);
	CHECK_EQ(regs[0], 0xbeef);
}

static void test_reg_write_no_register(void)
{
	uint64_t regs[16], before[16];
	struct decoded d = { .kind = DEC_WRITE, .size = 4, .dst_size = 4, .reg = -1 };

	memset(regs, 0x5a, sizeof(regs));
	memcpy(before, regs, sizeof(regs));
	decode_reg_write(regs, &d, 0);
	CHECK(memcmp(regs, before, sizeof(regs)) == 0);
}

static void test_reg_read(void)
{
	uint64_t regs[16] = { 0 };
	struct decoded d = { .kind = DEC_WRITE, .reg = 6 };

	regs[6] = PATTERN;
	d.size = 1;
	CHECK_EQ(decode_reg_read(regs, &d), 0x88);      /* SIL */
	d.size = 2;
	CHECK_EQ(decode_reg_read(regs, &d), 0x7788);
	d.size = 4;
	CHECK_EQ(decode_reg_read(regs, &d), 0x55667788);
	d.size = 8;
	CHECK_EQ(decode_reg_read(regs, &d), PATTERN);

	d.reg = 2; d.size = 1; d.high_byte = true;      /* DH */
	regs[2] = 0xa5c3;
	CHECK_EQ(decode_reg_read(regs, &d), 0xa5);

	d = (struct decoded){ .kind = DEC_WRITE, .size = 4, .reg = -1, .has_imm = true, .imm = 0x1234 };
	CHECK_EQ(decode_reg_read(regs, &d), 0x1234);
	d.has_imm = false;
	CHECK_EQ(decode_reg_read(regs, &d), 0);
}

/* What the MMIO handler does, end to end on the register file. */
static void test_emulate_read_into_ch(void)
{
	uint64_t regs[16] = { 0 };
	struct decoded d;

	regs[1] = PATTERN;
	/* movb (%rbx),%ch */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x8a, 0x2b }, 2, true, true, &d), 0);
	decode_reg_write(regs, &d, 0x5a);
	CHECK_EQ(regs[1], 0x1122334455665a88ull);
}

static void test_emulate_xchg(void)
{
	uint64_t regs[16] = { 0 };
	uint64_t mmio = 0x000000ff;
	struct decoded d;

	regs[0] = 0xffffffff00000010ull;
	/* xchgl %eax,0x300(%rbx), as in an xAPIC ICR write */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0x87, 0x83, 0x00, 0x03, 0x00, 0x00 }, 6, true, true, &d), 0);
	CHECK_EQ(d.kind, DEC_XCHG);
	uint64_t stored = decode_reg_read(regs, &d);
	decode_reg_write(regs, &d, mmio);
	mmio = stored;
	CHECK_EQ(mmio, 0x10);
	CHECK_EQ(regs[0], 0xff);
}

static void test_emulate_store_imm(void)
{
	uint64_t regs[16] = { 0 };
	struct decoded d;

	/* movl $0x0,0xb0(%rdx): an EOI write */
	CHECK_EQ(decode_insn((const uint8_t[]){ 0xc7, 0x82, 0xb0, 0, 0, 0, 0, 0, 0, 0 }, 10, true, true, &d), 0);
	regs[0] = ALL_ONES;
	CHECK_EQ(decode_reg_read(regs, &d), 0);
	CHECK_EQ(d.length, 10);
}

#define CF (1ull << 0)
#define PF (1ull << 2)
#define AF (1ull << 4)
#define ZF (1ull << 6)
#define SF (1ull << 7)
#define OF (1ull << 11)

static void test_logic_flags(void)
{
	struct decoded d = { .kind = DEC_OR, .size = 4 };
	uint64_t base = (1ull << 1) | (1ull << 9);   /* reserved bit 1, IF */

	CHECK_EQ(decode_logic_flags(base | CF | OF | SF, &d, 0), base | ZF | PF);
	CHECK_EQ(decode_logic_flags(base | ZF, &d, 0x80000001), base | SF);       /* 0x01: odd parity */
	CHECK_EQ(decode_logic_flags(base | AF, &d, 0x103), base | AF | PF);       /* AF untouched */
	CHECK_EQ(decode_logic_flags(base, &d, 0x100000000ull), base | ZF | PF);    /* truncated to 4 bytes */
	d.size = 1;
	CHECK_EQ(decode_logic_flags(base, &d, 0x80), base | SF);
	CHECK_EQ(decode_logic_flags(base, &d, 0x7f00), base | ZF | PF);
	d.size = 2;
	CHECK_EQ(decode_logic_flags(base, &d, 0x8000), base | SF | PF);
	d.size = 8;
	CHECK_EQ(decode_logic_flags(base, &d, 0x8000000000000007ull), base | SF);
}

int main(void)
{
	RUN(test_assembled_table);
	RUN(test_opcode_reported);
	RUN(test_unsupported_opcodes);
	RUN(test_register_operand_is_not_memory);
	RUN(test_rep_prefixes_refused);
	RUN(test_truncated);
	RUN(test_length_limit);
	RUN(test_rex_placement);
	RUN(test_strerror);
	RUN(test_reg_write_widths);
	RUN(test_reg_write_high_byte);
	RUN(test_reg_write_movzx);
	RUN(test_reg_write_no_register);
	RUN(test_reg_read);
	RUN(test_emulate_read_into_ch);
	RUN(test_emulate_xchg);
	RUN(test_emulate_store_imm);
	RUN(test_logic_flags);
	return check_summary();
}

/*
 * The guest printf engine (see fmt.h).  Kept separate from the UART so
 * the same code formats hypercall console buffers.
 */
#include "fmt.h"
#include <stdbool.h>
#include <stdint.h>

struct fmt_spec {
	unsigned width;
	bool zero_pad;
	int longness;	/* 0: int, 1: long, 2: long long */
};

struct fmt_out {
	fmt_sink sink;
	void *ctx;
	int count;
};

static void out_char(struct fmt_out *o, char c)
{
	o->sink(c, o->ctx);
	o->count++;
}

/* n /= 10, returning the remainder, using only 32-bit divisions (the
 * 64-bit ones would need libgcc's __udivdi3, which we do not link). */
static unsigned div10(uint64_t *n)
{
	uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
	uint32_t q_hi = hi / 10, r = hi % 10;
	uint32_t mid = (r << 16) | (lo >> 16);
	uint32_t q_mid = mid / 10;
	uint32_t low = ((mid % 10) << 16) | (lo & 0xffff);

	*n = ((uint64_t)q_hi << 32) | (q_mid << 16) | (low / 10);
	return low % 10;
}

static void out_number(struct fmt_out *o, uint64_t v, unsigned base,
		       bool upper, bool negative, const struct fmt_spec *s)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	unsigned n = 0;

	do {
		if (base == 16) {
			tmp[n++] = digits[v & 0xf];
			v >>= 4;
		} else {
			tmp[n++] = digits[div10(&v)];
		}
	} while (v);

	unsigned len = n + (negative ? 1 : 0);
	if (negative && s->zero_pad)
		out_char(o, '-');
	for (; len < s->width; len++)
		out_char(o, s->zero_pad ? '0' : ' ');
	if (negative && !s->zero_pad)
		out_char(o, '-');
	while (n)
		out_char(o, tmp[--n]);
}

static void out_string(struct fmt_out *o, const char *str, const struct fmt_spec *s)
{
	unsigned len = 0;

	if (!str)
		str = "(null)";
	while (str[len])
		len++;
	for (; len < s->width; len++)
		out_char(o, ' ');
	while (*str)
		out_char(o, *str++);
}

static uint64_t arg_unsigned(va_list *ap, int longness)
{
	if (longness == 2)
		return va_arg(*ap, unsigned long long);
	if (longness == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int longness)
{
	if (longness == 2)
		return va_arg(*ap, long long);
	if (longness == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* Parse flags, width and length of one conversion; returns the
 * conversion character's position. */
static const char *parse_spec(const char *p, struct fmt_spec *s)
{
	*s = (struct fmt_spec){ 0 };
	if (*p == '0') {
		s->zero_pad = true;
		p++;
	}
	while (*p >= '0' && *p <= '9')
		s->width = s->width * 10 + (unsigned)(*p++ - '0');
	while (*p == 'l') {
		s->longness++;
		p++;
	}
	return p;
}

static void out_conversion(struct fmt_out *o, char conv, const struct fmt_spec *s,
			   va_list *ap)
{
	int64_t sv;

	switch (conv) {
	case 'd':
	case 'i':
		sv = arg_signed(ap, s->longness);
		out_number(o, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10, false, sv < 0, s);
		break;
	case 'u':
		out_number(o, arg_unsigned(ap, s->longness), 10, false, false, s);
		break;
	case 'x':
	case 'X':
		out_number(o, arg_unsigned(ap, s->longness), 16, conv == 'X', false, s);
		break;
	case 'p':
		out_char(o, '0');
		out_char(o, 'x');
		out_number(o, (uintptr_t)va_arg(*ap, void *), 16, false, false,
			   &(struct fmt_spec){ .width = 8, .zero_pad = true });
		break;
	case 's':
		out_string(o, va_arg(*ap, const char *), s);
		break;
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		break;
	default:	/* "%%" and anything unknown print literally */
		out_char(o, conv);
		break;
	}
}

int fmt_vformat(fmt_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_out o = { sink, ctx, 0 };
	struct fmt_spec spec;
	va_list args;

	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			out_char(&o, *p);
			continue;
		}
		p = parse_spec(p + 1, &spec);
		if (!*p)
			break;
		out_conversion(&o, *p, &spec, &args);
	}
	va_end(args);
	return o.count;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t pos;
};

static void buf_sink(char c, void *ctx)
{
	struct buf_ctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

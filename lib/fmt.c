/* A small vsnprintf: enough printf for a hypervisor's log lines. */
#include "lib/fmt.h"
#include <stdint.h>
#include <stdbool.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	bool left, zero, upper;
	int width, base, precision;   /* precision: -1 none; used by %s */
	bool neg;
};

static void put_padded(struct out *o, const char *s, size_t n, const struct spec *sp)
{
	int pad = sp->width > (int)n ? sp->width - (int)n : 0;
	char fill = sp->zero && !sp->left ? '0' : ' ';

	if (fill == '0' && sp->neg && n) {
		put(o, *s++);   /* the sign goes before zero padding */
		n--;
	}
	while (!sp->left && pad-- > 0)
		put(o, fill);
	while (n--)
		put(o, *s++);
	while (sp->left && pad-- > 0)
		put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, struct spec *sp)
{
	const char *digits = sp->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = digits[v % (unsigned)sp->base];
		v /= (unsigned)sp->base;
	} while (v);
	if (sp->neg)
		tmp[--i] = '-';
	put_padded(o, tmp + i, sizeof(tmp) - i, sp);
}

/* Read an integer argument of the given length modifier (0 none, 1 l, 2 ll/z). */
static uint64_t arg_unsigned(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, unsigned long long);
	if (len == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int len)
{
	if (len == 2)
		return va_arg(*ap, long long);
	if (len == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static const char *convert(struct out *o, const char *f, va_list *ap)
{
	struct spec sp = { .base = 10, .precision = -1 };
	int len = 0;

	for (;; f++) {
		if (*f == '-')
			sp.left = true;
		else if (*f == '0')
			sp.zero = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp.width = sp.width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp.precision = 0;
		if (*++f == '*') {
			sp.precision = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp.precision = sp.precision * 10 + (*f++ - '0');
	}
	while (*f == 'l' || *f == 'z') {
		len = (*f == 'z') ? 2 : len + 1;
		f++;
	}
	if (len > 2)
		len = 2;

	switch (*f) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, len);
		sp.neg = v < 0;
		put_number(o, sp.neg ? -(uint64_t)v : (uint64_t)v, &sp);
		break;
	}
	case 'u':
		put_number(o, arg_unsigned(ap, len), &sp);
		break;
	case 'X':
		sp.upper = true;
		/* fall through */
	case 'x':
		sp.base = 16;
		put_number(o, arg_unsigned(ap, len), &sp);
		break;
	case 'o':
		sp.base = 8;
		put_number(o, arg_unsigned(ap, len), &sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		sp.base = 16;
		put_number(o, (uintptr_t)va_arg(*ap, void *), &sp);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, &sp);
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n = 0;
		if (!s)
			s = "(null)";
		while (s[n] && (sp.precision < 0 || n < (size_t)sp.precision))
			n++;
		put_padded(o, s, n, &sp);
		break;
	}
	case '%':
		put(o, '%');
		break;
	case '\0':
		return f;
	default:
		put(o, '%');
		put(o, *f);
		break;
	}
	return f + 1;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = convert(&o, fmt + 1, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void fmt_vappend(char *buf, size_t size, size_t *pos, const char *fmt, va_list ap)
{
	if (!size || *pos >= size - 1)
		return;
	size_t n = (size_t)fmt_vsnprintf(buf + *pos, size - *pos, fmt, ap);
	*pos = n < size - *pos ? *pos + n : size - 1;
}

void fmt_append(char *buf, size_t size, size_t *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vappend(buf, size, pos, fmt, ap);
	va_end(ap);
}

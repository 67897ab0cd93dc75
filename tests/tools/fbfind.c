/*
 * fbfind: look for console text in a screen dump, so system tests can
 * check what a machine without a serial port showed on its screen.
 *
 *   fbfind <screendump.ppm> <text>...
 *
 * The dump is a binary PPM (P6, as QEMU's monitor command `screendump`
 * writes it).  Each pixel is reduced to lit/dark by its brightness, and
 * each text is rendered with the console's own font (drivers/font.c) and
 * searched for at every pixel position, matching every pixel of every
 * 8x16 cell exactly.  Prints "found: <text>" or "not found: <text>" per
 * text; exits 0 when all were found, 1 when one was not, 2 on errors.
 *
 * Only pixel consoles can be checked: a dump of the VGA text mode is
 * drawn by QEMU with the VGA card's font, not ours.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/font.h"

#define LIT_THRESHOLD 96      /* 0-255 brightness above which a pixel is lit */
#define MAX_SIDE      16384   /* refuse absurd dimensions from a bad file */
#define MAX(a, b)     ((a) > (b) ? (a) : (b))

/*
 * The screen as one byte per pixel position: bits 7..0 are the lit state
 * of the 8 pixels starting there, leftmost in bit 7 -- the same layout as
 * a glyph row, so a glyph row matches with a single byte compare.
 */
struct screen {
	uint32_t w, h;
	uint8_t *row8;
};

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fbfind: %s: %s\n", path, what);
	exit(2);
}

/* Skip whitespace and '#' comments between PPM header fields. */
static void ppm_skip_space(FILE *f)
{
	int c;

	while ((c = fgetc(f)) != EOF) {
		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			ungetc(c, f);
			return;
		}
	}
}

static unsigned long ppm_number(FILE *f, const char *path)
{
	unsigned long v;

	ppm_skip_space(f);
	if (fscanf(f, "%lu", &v) != 1)
		die("bad PPM header", path);
	return v;
}

/* Brightness 0-255 of one pixel's samples (1 or 2 bytes each, big-endian). */
static unsigned ppm_brightness(const uint8_t *p, unsigned long maxval)
{
	unsigned long sum = 0;

	for (int i = 0; i < 3; i++)
		sum += maxval > 255 ? (unsigned long)p[2 * i] << 8 | p[2 * i + 1] : p[i];
	return (unsigned)(sum * 255 / (3 * maxval));
}

/* Fill one screen row of row8 from lit[0..w). */
static void screen_pack_row(struct screen *s, uint32_t y, const uint8_t *lit)
{
	uint8_t *out = s->row8 + (size_t)y * s->w;
	unsigned bits = 0;

	for (uint32_t x = 0; x < s->w; x++) {
		bits = (bits << 1 | lit[x]) & 0xff;
		if (x >= FONT_WIDTH - 1)
			out[x - (FONT_WIDTH - 1)] = (uint8_t)bits;
	}
}

static void screen_load(struct screen *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned long w, h, maxval;
	size_t sample, line_bytes;
	uint8_t *line, *lit;
	char magic[3] = { 0 };

	if (!f)
		die("cannot open", path);
	if (fread(magic, 1, 2, f) != 2 || strcmp(magic, "P6"))
		die("not a binary PPM (P6)", path);
	w = ppm_number(f, path);
	h = ppm_number(f, path);
	maxval = ppm_number(f, path);
	if (w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || maxval == 0 || maxval > 65535)
		die("unsupported PPM size or depth", path);
	fgetc(f);	/* the single whitespace byte before the samples */

	sample = maxval > 255 ? 2 : 1;
	line_bytes = w * 3 * sample;
	s->w = (uint32_t)w;
	s->h = (uint32_t)h;
	s->row8 = calloc(w * h, 1);
	line = malloc(line_bytes);
	lit = malloc(w);
	if (!s->row8 || !line || !lit)
		die("out of memory", path);
	for (uint32_t y = 0; y < s->h; y++) {
		if (fread(line, 1, line_bytes, f) != line_bytes)
			die("truncated PPM", path);
		for (uint32_t x = 0; x < s->w; x++)
			lit[x] = ppm_brightness(line + x * 3 * sample, maxval) > LIT_THRESHOLD;
		screen_pack_row(s, y, lit);
	}
	free(line);
	free(lit);
	fclose(f);
}

static int glyph_at(const struct screen *s, uint32_t x, uint32_t y, const uint8_t *g)
{
	const uint8_t *p = s->row8 + (size_t)y * s->w + x;

	for (int r = 0; r < FONT_HEIGHT; r++, p += s->w)
		if (*p != g[r])
			return 0;
	return 1;
}

/* First row of g with a lit pixel, or -1 for a blank glyph (space). */
static int glyph_first_row(const uint8_t *g)
{
	for (int r = 0; r < FONT_HEIGHT; r++)
		if (g[r])
			return r;
	return -1;
}

/*
 * Anchor the search on the text's first non-blank glyph: most positions
 * fail on the compare of that glyph's first lit row, so the rest of the
 * text is only checked (at 8-pixel steps) where the anchor matched.
 */
static int screen_find(const struct screen *s, const char *text)
{
	size_t n = strlen(text), k = 0;
	const uint8_t *anchor;
	int r0;

	if ((uint64_t)n * FONT_WIDTH > s->w || s->h < FONT_HEIGHT)
		return 0;
	while (k + 1 < n && glyph_first_row(font_glyph(text[k])) < 0)
		k++;
	anchor = font_glyph(text[k]);
	r0 = MAX(glyph_first_row(anchor), 0);
	for (uint32_t y = 0; y + FONT_HEIGHT <= s->h; y++) {
		const uint8_t *probe = s->row8 + (size_t)(y + r0) * s->w;
		uint32_t x_end = s->w - (uint32_t)(n - k) * FONT_WIDTH;
		for (uint32_t x = (uint32_t)k * FONT_WIDTH; x <= x_end; x++) {
			uint32_t x0 = x - (uint32_t)k * FONT_WIDTH;
			size_t i;
			if (probe[x] != anchor[r0] || !glyph_at(s, x, y, anchor))
				continue;
			for (i = 0; i < n; i++)
				if (i != k && !glyph_at(s, x0 + (uint32_t)i * FONT_WIDTH, y, font_glyph(text[i])))
					break;
			if (i == n)
				return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct screen s;
	int missing = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: fbfind <screendump.ppm> <text>...\n");
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!argv[i][0])
			die("empty text to look for", argv[1]);
	screen_load(&s, argv[1]);
	for (int i = 2; i < argc; i++) {
		int found = screen_find(&s, argv[i]);
		printf("%s: %s\n", found ? "found" : "not found", argv[i]);
		missing |= !found;
	}
	free(s.row8);
	return missing;
}

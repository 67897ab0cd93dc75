/*
 * The framebuffer text console (see fbcon.h for the API and the two kinds
 * of screen).  The console keeps no copy of the text: drawing goes
 * straight to the screen and scrolling moves the screen's own bytes, so
 * it works from the first boot step with no allocator.
 *
 * Cursor rule: a line is only wrapped or scrolled when the next visible
 * character needs room.  So a line of exactly `cols` characters followed
 * by '\n' takes one line, not two, and the last screen line stays filled
 * until there is something new to show below it.
 */
#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "hv/string.h"

#define FBCON_GREY_LEVEL   0xc0  /* light grey: each of R, G, B at this 8-bit level */
#define FBCON_TAB_COLS     8

/* VGA text buffer cell: character byte, then attribute byte (background
 * colour in bits 7-4, foreground in bits 3-0; 0x07 = light grey on black). */
#define VGA_ATTR_GREY_ON_BLACK  0x07
#define VGA_CELL_BYTES          2
#define VGA_CHAR_BOX            0xfe  /* code page 437 "black square" */

static uint32_t fbcon_bytes_pp(const struct fbcon *con)
{
	return con->fb.text_mode ? VGA_CELL_BYTES : con->fb.bpp / 8;
}

/* One 8-bit colour level placed in a channel of size bits at pos. */
static uint32_t fbcon_channel(uint8_t level, uint8_t pos, uint8_t size)
{
	uint32_t v = size >= 8 ? (uint32_t)level << (size - 8) : (uint32_t)level >> (8 - size);

	return v << pos;
}

static bool fbcon_channel_ok(const struct fb_desc *fb, uint8_t pos, uint8_t size)
{
	return size >= 1 && size <= 16 && pos + size <= fb->bpp;
}

static bool fbcon_desc_ok(const struct fb_desc *fb)
{
	if (!fb->base || fb->width == 0 || fb->height == 0)
		return false;
	if (fb->text_mode)
		return fb->pitch >= (uint64_t)fb->width * VGA_CELL_BYTES;
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32)
		return false;
	if (fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
		return false;
	return fb->pitch >= (uint64_t)fb->width * (fb->bpp / 8) &&
	       fbcon_channel_ok(fb, fb->red_pos, fb->red_size) &&
	       fbcon_channel_ok(fb, fb->green_pos, fb->green_size) &&
	       fbcon_channel_ok(fb, fb->blue_pos, fb->blue_size);
}

bool fbcon_init(struct fbcon *con, const struct fb_desc *fb)
{
	memset(con, 0, sizeof(*con));
	if (!fbcon_desc_ok(fb))
		return false;
	con->fb = *fb;
	if (fb->text_mode) {
		con->cols = fb->width;
		con->rows = fb->height;
		/* 4000 bytes of cells: cheap enough to scroll one line at a time. */
		con->scroll_lines = 1;
	} else {
		con->cols = fb->width / FONT_WIDTH;
		con->rows = fb->height / FONT_HEIGHT;
		con->fg = fbcon_channel(FBCON_GREY_LEVEL, fb->red_pos, fb->red_size) |
			  fbcon_channel(FBCON_GREY_LEVEL, fb->green_pos, fb->green_size) |
			  fbcon_channel(FBCON_GREY_LEVEL, fb->blue_pos, fb->blue_size);
		/* Moving megabytes of pixels per log line would make the log
		 * slow; dropping a quarter of the screen at once keeps scrolls
		 * rare while leaving most recent lines in view. */
		con->scroll_lines = MAX(con->rows / 4, 1u);
	}
	con->ready = true;
	fbcon_clear(con);
	return true;
}

/* Address of the top-left byte of a character cell. */
static uint8_t *fbcon_cell(const struct fbcon *con, uint32_t col, uint32_t row)
{
	uint32_t cell_h = con->fb.text_mode ? 1 : FONT_HEIGHT;
	uint32_t cell_w = con->fb.text_mode ? 1 : FONT_WIDTH;

	return (uint8_t *)con->fb.base + (size_t)row * cell_h * con->fb.pitch +
	       (size_t)col * cell_w * fbcon_bytes_pp(con);
}

static uint16_t fbcon_vga_cell(char c)
{
	unsigned char u = (unsigned char)c;

	if (u < FONT_FIRST || u > FONT_LAST)
		u = VGA_CHAR_BOX;
	return (uint16_t)(VGA_ATTR_GREY_ON_BLACK << 8 | u);
}

/* Blank text rows [first, first + n): black pixels or blank cells. */
static void fbcon_blank_rows(struct fbcon *con, uint32_t first, uint32_t n)
{
	uint8_t *start = fbcon_cell(con, 0, first);

	if (!con->fb.text_mode) {
		memset(start, 0, (size_t)n * FONT_HEIGHT * con->fb.pitch);
		return;
	}
	for (uint32_t r = 0; r < n; r++) {
		uint16_t *cell = (uint16_t *)(start + (size_t)r * con->fb.pitch);
		for (uint32_t c = 0; c < con->cols; c++)
			cell[c] = fbcon_vga_cell(' ');
	}
}

void fbcon_clear(struct fbcon *con)
{
	if (!con->ready)
		return;
	/* Also blanks the strip below the last whole text row, which GRUB
	 * may have drawn on and which the console never touches again. */
	if (!con->fb.text_mode)
		memset(con->fb.base, 0, (size_t)con->fb.height * con->fb.pitch);
	else
		fbcon_blank_rows(con, 0, con->rows);
	con->col = 0;
	con->row = 0;
}

/* Drop the top scroll_lines text rows and blank as many at the bottom. */
static void fbcon_scroll(struct fbcon *con)
{
	uint32_t n = con->scroll_lines;
	uint8_t *top = fbcon_cell(con, 0, 0);
	uint8_t *from = fbcon_cell(con, 0, n);
	uint8_t *end = fbcon_cell(con, 0, con->rows);

	memmove(top, from, (size_t)(end - from));
	fbcon_blank_rows(con, con->rows - n, n);
	con->row -= n;
}

/* row == rows means "below the screen": scroll before using it. */
static void fbcon_newline(struct fbcon *con)
{
	if (con->row >= con->rows)
		fbcon_scroll(con);
	con->col = 0;
	con->row++;
}

static void fbcon_put_pixel(uint8_t *p, uint32_t bytes, uint32_t v)
{
	switch (bytes) {
	case 4:
		*(uint32_t *)p = v;
		break;
	case 3:
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		break;
	default:
		*(uint16_t *)p = (uint16_t)v;
		break;
	}
}

/* Paint the whole cell, background included, so that text written over
 * old text (after '\r') leaves no stray pixels. */
static void fbcon_draw_glyph(struct fbcon *con, uint8_t *cell, char c)
{
	const uint8_t *glyph = font_glyph(c);
	uint32_t bytes = fbcon_bytes_pp(con);

	for (uint32_t y = 0; y < FONT_HEIGHT; y++, cell += con->fb.pitch) {
		uint8_t *p = cell;
		for (uint32_t x = 0; x < FONT_WIDTH; x++, p += bytes)
			fbcon_put_pixel(p, bytes, glyph[y] & (0x80 >> x) ? con->fg : 0);
	}
}

static void fbcon_draw(struct fbcon *con, char c)
{
	uint8_t *cell;

	if (con->col >= con->cols)
		fbcon_newline(con);
	if (con->row >= con->rows)
		fbcon_scroll(con);
	cell = fbcon_cell(con, con->col, con->row);
	if (con->fb.text_mode)
		*(uint16_t *)cell = fbcon_vga_cell(c);
	else
		fbcon_draw_glyph(con, cell, c);
	con->col++;
}

void fbcon_putc(struct fbcon *con, char c)
{
	if (!con->ready)
		return;
	switch (c) {
	case '\n':
		fbcon_newline(con);
		break;
	case '\r':
		con->col = 0;
		break;
	case '\t':
		con->col = MIN((uint32_t)ALIGN_UP(con->col + 1, FBCON_TAB_COLS), con->cols);
		break;
	default:
		fbcon_draw(con, c);
		break;
	}
}

void fbcon_write(struct fbcon *con, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fbcon_putc(con, s[i]);
}

/*
 * The framebuffer text console: shows the hypervisor's log on screen for
 * machines without a serial port.  Light grey text on black, 8x16 cells
 * (drivers/font.h), wraps long lines and scrolls when the screen is full.
 *
 * Two kinds of screen, chosen at init by fb_desc.text_mode, behind one API:
 *   - a linear framebuffer with direct RGB colour (Multiboot2 framebuffer
 *     type 1), 32, 24 or 16 bits per pixel;
 *   - the legacy VGA text buffer (Multiboot2 type 2, "EGA text"): cells of
 *     two bytes, character then attribute.
 * Layout reference: The Multiboot2 Specification 2.0, section 3.6.12.
 *
 * Not locked: the caller (the log fan-out) serialises output.
 */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include "hv/types.h"

struct fb_desc {
	void *base;             /* hypervisor-virtual address of pixel (0,0) */
	uint32_t pitch;         /* bytes from one pixel row (or text row) to the next */
	uint32_t width, height; /* pixels; in text mode, character cells */
	uint8_t bpp;            /* bits per pixel; ignored in text mode */
	/* Bit position and width of each colour channel in a pixel. */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
	bool text_mode;         /* true: VGA text buffer, not pixels */
};

struct fbcon {
	struct fb_desc fb;
	bool ready;             /* false: fbcon_putc() does nothing */
	uint32_t cols, rows;    /* size in character cells */
	uint32_t col, row;      /* where the next character goes */
	uint32_t fg;            /* text colour as a packed pixel value */
	uint32_t scroll_lines;  /* text lines dropped per scroll */
};

/*
 * Take over the screen described by fb and clear it.  Returns false (and
 * leaves con inert) when the description is unusable: no base, a screen
 * smaller than one cell, an unsupported depth, or a pitch too small.
 */
bool fbcon_init(struct fbcon *con, const struct fb_desc *fb);

/* Print one character: '\n' starts a new line, '\r' returns to column 0,
 * '\t' moves to the next multiple of 8 columns, other bytes are drawn. */
void fbcon_putc(struct fbcon *con, char c);

/* Print len bytes of s (may contain newlines; need not be terminated). */
void fbcon_write(struct fbcon *con, const char *s, size_t len);

/* Blank the screen and move to the top-left cell. */
void fbcon_clear(struct fbcon *con);

#endif

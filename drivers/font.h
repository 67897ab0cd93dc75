/*
 * The console font: one 8x16 bitmap per printable ASCII character
 * (0x20-0x7E), drawn for this project.  Used by the framebuffer console
 * and by the host tool that looks for console text in a screen dump.
 *
 * A glyph is FONT_HEIGHT bytes, one per pixel row from the top; bit 7 of
 * each byte is the leftmost pixel.  Metrics: capitals and digits fill
 * rows 2-11 (baseline at row 11), lower case starts at row 5, descenders
 * reach row 14, and column 7 is left blank as the gap between cells.
 */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include <stdint.h>

#define FONT_WIDTH   8
#define FONT_HEIGHT  16
#define FONT_FIRST   0x20   /* ' ' */
#define FONT_LAST    0x7e   /* '~' */

/* The glyph for c; characters outside FONT_FIRST..FONT_LAST get a box. */
const uint8_t *font_glyph(char c);

#endif

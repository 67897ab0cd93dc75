/* units: drivers/fbcon.c drivers/font.c */
/*
 * Host tests for the framebuffer console and its font: render into a
 * malloc'ed framebuffer and check the pixels (or VGA text cells).
 */
#include <stdlib.h>
#include "check.h"
#include "drivers/fbcon.h"
#include "drivers/font.h"

#define GREY32 0x00c0c0c0u       /* 0xc0 in each 8-bit channel */
#define PAD    24                /* extra bytes per row: pitch != width * bpp */

struct screen {
	uint8_t *mem;
	struct fb_desc d;
	struct fbcon con;
};

/* An RGB screen of cols x rows cells (xRGB order for 32 and 24 bpp,
 * 5:6:5 for 16 bpp), filled with junk that init must clear. */
static void screen_open(struct screen *s, uint32_t cols, uint32_t rows, uint8_t bpp)
{
	s->d = (struct fb_desc){
		.width = cols * FONT_WIDTH, .height = rows * FONT_HEIGHT, .bpp = bpp,
		.red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
		.blue_pos = 0, .blue_size = 8,
	};
	if (bpp == 16)
		s->d = (struct fb_desc){ .width = s->d.width, .height = s->d.height, .bpp = 16,
			.red_pos = 11, .red_size = 5, .green_pos = 5, .green_size = 6,
			.blue_pos = 0, .blue_size = 5 };
	s->d.pitch = s->d.width * (bpp / 8) + PAD;
	s->mem = malloc((size_t)s->d.pitch * s->d.height);
	memset(s->mem, 0x5a, (size_t)s->d.pitch * s->d.height);
	s->d.base = s->mem;
	CHECK(fbcon_init(&s->con, &s->d));
}

static void screen_close(struct screen *s)
{
	free(s->mem);
}

static void put(struct screen *s, const char *text)
{
	fbcon_write(&s->con, text, strlen(text));
}

static uint32_t pixel(const struct screen *s, uint32_t x, uint32_t y)
{
	const uint8_t *p = s->mem + (size_t)y * s->d.pitch + (size_t)x * (s->d.bpp / 8);
	uint32_t v = 0;

	for (int i = s->d.bpp / 8 - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* Does cell (col,row) show exactly c's glyph in colour fg on black? */
static int cell_is(const struct screen *s, uint32_t col, uint32_t row, char c, uint32_t fg)
{
	const uint8_t *g = font_glyph(c);

	for (uint32_t y = 0; y < FONT_HEIGHT; y++)
		for (uint32_t x = 0; x < FONT_WIDTH; x++) {
			uint32_t want = g[y] & (0x80 >> x) ? fg : 0;
			if (pixel(s, col * FONT_WIDTH + x, row * FONT_HEIGHT + y) != want)
				return 0;
		}
	return 1;
}

static int line_is(const struct screen *s, uint32_t row, const char *text)
{
	for (uint32_t col = 0; col < s->con.cols; col++) {
		char c = *text ? *text++ : ' ';
		if (!cell_is(s, col, row, c, GREY32))
			return 0;
	}
	return 1;
}

static void test_font_glyphs_distinct_and_drawn(void)
{
	const uint8_t *box = font_glyph('\x7f');

	for (int c = FONT_FIRST; c <= FONT_LAST; c++) {
		const uint8_t *g = font_glyph((char)c);
		int lit = 0;
		for (int y = 0; y < FONT_HEIGHT; y++)
			lit += __builtin_popcount(g[y]);
		if (c == ' ')
			CHECK_EQ(lit, 0);
		else if (lit == 0)
			printf("  glyph 0x%02x is empty\n", c), check_failed_now = 1;
		/* Column 7 is the gap between letters (font.h), except where a
		 * glyph is meant to join its neighbours. */
		for (int y = 0; y < FONT_HEIGHT && c != '_'; y++)
			CHECK((g[y] & 1) == 0);
		for (int d = c + 1; d <= FONT_LAST; d++)
			if (!memcmp(g, font_glyph((char)d), FONT_HEIGHT))
				printf("  glyphs 0x%02x and 0x%02x are the same\n", c, d),
					check_failed_now = 1;
		CHECK(memcmp(g, box, FONT_HEIGHT) != 0);
	}
}

static void test_font_unknown_is_box(void)
{
	const uint8_t *box = font_glyph('\x7f');
	int lit = 0;

	for (int y = 0; y < FONT_HEIGHT; y++)
		lit += __builtin_popcount(box[y]);
	CHECK(lit > 20);
	CHECK(font_glyph('\0') == box);
	CHECK(font_glyph('\x1f') == box);
	CHECK(font_glyph((char)0x80) == box);
	CHECK(font_glyph((char)0xff) == box);
	CHECK(font_glyph('A') != box);
}

static void test_init_clears_and_sizes(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	CHECK_EQ(s.con.cols, 10);
	CHECK_EQ(s.con.rows, 8);
	for (size_t i = 0; i < (size_t)s.d.pitch * s.d.height; i++)
		if (s.mem[i]) { CHECK_EQ(s.mem[i], 0); break; }
	screen_close(&s);
}

static void test_glyph_32bpp(void)
{
	struct screen s;
	const uint8_t *g = font_glyph('A');

	screen_open(&s, 10, 8, 32);
	put(&s, "AB");
	CHECK(cell_is(&s, 0, 0, 'A', GREY32));
	CHECK(cell_is(&s, 1, 0, 'B', GREY32));
	CHECK(cell_is(&s, 2, 0, ' ', GREY32));
	CHECK(cell_is(&s, 0, 1, ' ', GREY32));
	/* One lit pixel checked by hand: the apex of 'A' is row 2, column 3. */
	CHECK_EQ(g[2], 0x10);
	CHECK_EQ(pixel(&s, 3, 2), GREY32);
	CHECK_EQ(pixel(&s, 2, 2), 0);
	screen_close(&s);
}

static void test_glyph_24bpp(void)
{
	struct screen s;
	uint8_t *apex;

	screen_open(&s, 10, 8, 24);
	put(&s, "xA");
	CHECK(cell_is(&s, 0, 0, 'x', 0xc0c0c0));
	CHECK(cell_is(&s, 1, 0, 'A', 0xc0c0c0));
	/* Byte layout: 3 bytes per pixel, apex of 'A' at x = 8 + 3, y = 2. */
	apex = s.mem + 2 * s.d.pitch + (8 + 3) * 3;
	CHECK(apex[0] == 0xc0 && apex[1] == 0xc0 && apex[2] == 0xc0);
	CHECK(apex[-1] == 0 && apex[3] == 0);
	screen_close(&s);
}

static void test_glyph_16bpp(void)
{
	struct screen s;
	uint32_t grey565 = (0xc0 >> 3) << 11 | (0xc0 >> 2) << 5 | (0xc0 >> 3);

	screen_open(&s, 10, 8, 16);
	put(&s, "Q");
	CHECK(cell_is(&s, 0, 0, 'Q', grey565));
	screen_close(&s);
}

static void test_channel_layout(void)
{
	struct screen s;

	/* Only red, at the bottom of the pixel, in a 4-bit channel, with green
	 * and blue in tiny channels: checks the level is scaled per channel. */
	screen_open(&s, 10, 8, 32);
	s.d.red_pos = 0;  s.d.red_size = 4;
	s.d.green_pos = 8; s.d.green_size = 1;
	s.d.blue_pos = 20; s.d.blue_size = 10;
	CHECK(fbcon_init(&s.con, &s.d));
	put(&s, "A");
	CHECK(cell_is(&s, 0, 0, 'A', 0xc | 1 << 8 | 0x300u << 20));
	screen_close(&s);
}

static void test_newline_return_tab(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	put(&s, "ab\ncd\rX\n\tT\n12\t3");
	CHECK(line_is(&s, 0, "ab"));
	CHECK(line_is(&s, 1, "Xd"));
	CHECK(line_is(&s, 2, "        T"));
	CHECK(line_is(&s, 3, "12      3"));
	CHECK(line_is(&s, 4, ""));
	/* A tab near the end of the line stops at the edge; the next
	 * character wraps. */
	put(&s, "\n123456789\tZ");
	CHECK(line_is(&s, 4, "123456789"));
	CHECK(line_is(&s, 5, "Z"));
	screen_close(&s);
}

static void test_overwrite_leaves_no_stray_pixels(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	put(&s, "W@\rI");
	CHECK(cell_is(&s, 0, 0, 'I', GREY32));
	CHECK(cell_is(&s, 1, 0, '@', GREY32));
	screen_close(&s);
}

static void test_wrap(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	put(&s, "0123456789abc");
	CHECK(line_is(&s, 0, "0123456789"));
	CHECK(line_is(&s, 1, "abc"));
	/* Exactly a full line then '\n': no empty line in between. */
	put(&s, "\nABCDEFGHIJ\nk");
	CHECK(line_is(&s, 2, "ABCDEFGHIJ"));
	CHECK(line_is(&s, 3, "k"));
	CHECK_EQ(s.con.row, 3);
	screen_close(&s);
}

static void test_scroll(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	CHECK_EQ(s.con.scroll_lines, 2);
	put(&s, "L0\nL1\nL2\nL3\nL4\nL5\nL6\nL7\n");
	/* The screen is full but nothing needs the room yet. */
	CHECK(line_is(&s, 0, "L0"));
	CHECK(line_is(&s, 7, "L7"));
	put(&s, "L8");
	for (int r = 0; r < 6; r++) {
		char want[4] = { 'L', (char)('2' + r), 0 };
		CHECK(line_is(&s, r, want));
	}
	CHECK(line_is(&s, 6, "L8"));
	CHECK(line_is(&s, 7, ""));
	screen_close(&s);
}

static void test_scroll_by_wrapping(void)
{
	struct screen s;
	char text[10 * 8 + 3];

	screen_open(&s, 10, 8, 32);
	memset(text, '#', sizeof(text) - 1);
	text[sizeof(text) - 1] = 0;
	text[sizeof(text) - 3] = 'y';
	text[sizeof(text) - 2] = 'z';
	put(&s, text);
	CHECK(line_is(&s, 5, "##########"));
	CHECK(line_is(&s, 6, "yz"));
	CHECK(line_is(&s, 7, ""));
	screen_close(&s);
}

static void test_many_blank_lines(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	put(&s, "gone");
	for (int i = 0; i < 100; i++)
		put(&s, "\n");
	put(&s, "z");
	/* 8 rows, 2 dropped per scroll: 100 newlines end below the screen,
	 * and 'z' lands on row 6 after one last scroll. */
	for (uint32_t r = 0; r < 8; r++)
		CHECK(line_is(&s, r, r == 6 ? "z" : ""));
	screen_close(&s);
}

static void test_clear(void)
{
	struct screen s;

	screen_open(&s, 10, 8, 32);
	put(&s, "abc\ndef");
	fbcon_clear(&s.con);
	CHECK(line_is(&s, 0, ""));
	CHECK(line_is(&s, 1, ""));
	put(&s, "q");
	CHECK(line_is(&s, 0, "q"));
	screen_close(&s);
}

static void test_odd_size_screen(void)
{
	struct screen s;

	/* 85 x 40 pixels: 10 x 2 cells, with strips the text never uses. */
	screen_open(&s, 11, 3, 32);
	s.d.width = 85;
	s.d.height = 40;
	CHECK(fbcon_init(&s.con, &s.d));
	CHECK_EQ(s.con.cols, 10);
	CHECK_EQ(s.con.rows, 2);
	CHECK_EQ(s.con.scroll_lines, 1);
	put(&s, "a\nb\nc");
	CHECK(line_is(&s, 0, "b"));
	CHECK(line_is(&s, 1, "c"));
	screen_close(&s);
}

static void test_rejects_bad_descriptions(void)
{
	static uint8_t mem[64 * 32 * 4];
	struct fb_desc good = {
		.base = mem, .pitch = 64 * 4, .width = 64, .height = 32, .bpp = 32,
		.red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
		.blue_pos = 0, .blue_size = 8,
	};
	struct fb_desc d;
	struct fbcon con;

	CHECK(fbcon_init(&con, &good));
	d = good; d.base = NULL;      CHECK(!fbcon_init(&con, &d));
	d = good; d.bpp = 8;          CHECK(!fbcon_init(&con, &d));
	d = good; d.pitch = 64 * 4 - 1; CHECK(!fbcon_init(&con, &d));
	d = good; d.width = 7;        CHECK(!fbcon_init(&con, &d));
	d = good; d.height = 15;      CHECK(!fbcon_init(&con, &d));
	d = good; d.width = 0;        CHECK(!fbcon_init(&con, &d));
	d = good; d.red_size = 0;     CHECK(!fbcon_init(&con, &d));
	d = good; d.green_size = 17;  CHECK(!fbcon_init(&con, &d));
	d = good; d.blue_pos = 28;    CHECK(!fbcon_init(&con, &d));
	d = good; d.bpp = 16; d.pitch = 128; CHECK(!fbcon_init(&con, &d)); /* red past bit 15 */
	d = good; d.text_mode = true; d.pitch = 2 * 64 - 1; CHECK(!fbcon_init(&con, &d));
	/* A rejected console ignores output instead of writing through NULL. */
	d = good; d.base = NULL;
	CHECK(!fbcon_init(&con, &d));
	CHECK(!con.ready);
	fbcon_write(&con, "x\n", 2);
	fbcon_clear(&con);
	CHECK_EQ(con.col, 0);
}

/* ---- VGA text mode -------------------------------------------------- */

#define VGA_COLS 80
#define VGA_ROWS 25

static uint16_t vga[VGA_ROWS][VGA_COLS];

static void vga_open(struct fbcon *con)
{
	struct fb_desc d = {
		.base = vga, .pitch = VGA_COLS * 2, .width = VGA_COLS,
		.height = VGA_ROWS, .bpp = 16, .text_mode = true,
	};

	memset(vga, 0x5a, sizeof(vga));
	CHECK(fbcon_init(con, &d));
}

static int vga_line_is(uint32_t row, const char *text)
{
	for (uint32_t col = 0; col < VGA_COLS; col++) {
		unsigned char c = *text ? (unsigned char)*text++ : ' ';
		if (vga[row][col] != (0x0700 | c))
			return 0;
	}
	return 1;
}

static void test_text_mode_cells(void)
{
	struct fbcon con;

	vga_open(&con);
	CHECK_EQ(con.cols, 80);
	CHECK_EQ(con.rows, 25);
	CHECK(vga_line_is(24, ""));
	fbcon_write(&con, "Hi\n\tx\x01", 6);
	CHECK_EQ(vga[0][0], 0x0748);
	CHECK_EQ(vga[0][1], 0x0769);
	CHECK(vga_line_is(0, "Hi"));
	CHECK_EQ(vga[1][8], 0x0778);
	CHECK_EQ(vga[1][9], 0x07fe);  /* unknown character: a box */
	CHECK_EQ(vga[1][0], 0x0720);
}

static void test_text_mode_wrap_and_scroll(void)
{
	struct fbcon con;
	char line[VGA_COLS + 1];

	vga_open(&con);
	CHECK_EQ(con.scroll_lines, 1);
	for (int r = 0; r < VGA_ROWS; r++) {
		char n[8];
		snprintf(n, sizeof(n), "%s%d", r ? "\n" : "", r);
		fbcon_write(&con, n, strlen(n));
	}
	CHECK(vga_line_is(0, "0"));
	CHECK(vga_line_is(24, "24"));
	memset(line, 'w', VGA_COLS);
	line[VGA_COLS] = 0;
	fbcon_write(&con, "\n", 1);
	fbcon_write(&con, line, VGA_COLS);
	fbcon_write(&con, "v", 1);
	/* Two lines needed: the screen moved up by two. */
	CHECK(vga_line_is(0, "2"));
	CHECK(vga_line_is(22, "24"));
	CHECK(vga_line_is(23, line));
	CHECK(vga_line_is(24, "v"));
	fbcon_clear(&con);
	CHECK(vga_line_is(23, ""));
}

int main(void)
{
	RUN(test_font_glyphs_distinct_and_drawn);
	RUN(test_font_unknown_is_box);
	RUN(test_init_clears_and_sizes);
	RUN(test_glyph_32bpp);
	RUN(test_glyph_24bpp);
	RUN(test_glyph_16bpp);
	RUN(test_channel_layout);
	RUN(test_newline_return_tab);
	RUN(test_overwrite_leaves_no_stray_pixels);
	RUN(test_wrap);
	RUN(test_scroll);
	RUN(test_scroll_by_wrapping);
	RUN(test_many_blank_lines);
	RUN(test_clear);
	RUN(test_odd_size_screen);
	RUN(test_rejects_bad_descriptions);
	RUN(test_text_mode_cells);
	RUN(test_text_mode_wrap_and_scroll);
	return check_summary();
}

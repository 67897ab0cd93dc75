/*
 * The multiboot2 header (Multiboot2 spec, section 3.1).  GRUB finds it in
 * the first 32 KiB of the image.  We ask for a framebuffer but mark the
 * request optional, so machines and emulators without one still boot,
 * and ask for page-aligned modules so guest images can be used in place.
 */
#define MB2_MAGIC        0xe85250d6
#define MB2_ARCH_I386    0
#define TAG_END          0
#define TAG_FRAMEBUFFER  5
#define TAG_MODULE_ALIGN 6
#define TAG_OPTIONAL     1

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* framebuffer: no preferred size, 32 bpp, optional */
	.balign 8
	.short TAG_FRAMEBUFFER
	.short TAG_OPTIONAL
	.long 20
	.long 0
	.long 0
	.long 32

	.balign 8
	.short TAG_MODULE_ALIGN
	.short 0
	.long 8

	.balign 8
	.short TAG_END
	.short 0
	.long 8
mb2_header_end:

/*
 * Guest entry: the Multiboot v1 header, then the 32-bit start code.
 *
 * The loader (GRUB, QEMU -kernel, or the hypervisor's guest loader)
 * enters _start in 32-bit protected mode, paging off, with
 * EAX = 0x2BADB002 and EBX = the Multiboot info (Multiboot spec 0.6.96,
 * section 3.2).  The segment state it leaves is only loosely specified,
 * so we load a GDT of our own before touching the stack, clear .bss in
 * case the loader did not, and call guest_main(magic, mbi).  Whatever
 * guest_main returns becomes the exit code on port 0xf4.
 */
#define MB1_MAGIC        0x1BADB002
#define MB1_PAGE_ALIGN   (1 << 0)   /* modules page aligned */
#define MB1_MEMORY_INFO  (1 << 1)   /* we want mem_lower/upper and mmap */
#define MB1_FLAGS        (MB1_PAGE_ALIGN | MB1_MEMORY_INFO)

#define SEL_CODE 0x08
#define SEL_DATA 0x10

#define STACK_SIZE 16384

	.section .multiboot, "a"
	.balign 4
multiboot_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)

	.text
	.code32
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	mov	%eax, %esi		/* keep magic and mbi across the setup */
	mov	%ebx, %ebp

	lgdt	gdt_desc
	ljmp	$SEL_CODE, $1f
1:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss

	/* .bss holds the stack, so clear it before the first push. */
	mov	$guest_bss_start, %edi
	mov	$guest_bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	mov	$stack_top, %esp
	push	%ebp			/* mbi */
	push	%esi			/* magic */
	call	guest_main
	push	%eax
	call	guest_exit
2:	cli				/* guest_exit returned: nowhere to go */
	hlt
	jmp	2b
	.size _start, . - _start

	.section .rodata
	.balign 8
/* Flat 4 GiB code and data segments (SDM Vol. 3A, 3.4.5). */
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: code, ring 0, 32-bit */
	.quad 0x00cf92000000ffff	/* 0x10: data, ring 0, 32-bit */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.balign 16
stack:
	.skip STACK_SIZE
stack_top:

	.section .note.GNU-stack, "", @progbits

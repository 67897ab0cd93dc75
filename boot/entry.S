/*
 * 32-bit entry from GRUB (multiboot2: EAX = magic, EBX = info, protected
 * mode, paging off) to the C entry point hv_main() in long mode.
 *
 * Steps: check the magic and that the CPU has long mode (else print a
 * message on COM1 and the VGA text screen and halt), build the first page
 * tables, enable PAE + long mode (+ NX when present), jump to 64-bit code
 * at its high address, call hv_main(magic, info_phys).
 *
 * The first tables map, with 2 MiB pages:
 *   0x0000000000000000 + [0, 4 GiB)  identity, only to survive the switch
 *   0xffff800000000000 + [0, 4 GiB)  start of the direct map
 *   0xffffffff80000000 + [0, 1 GiB)  the kernel image window
 * arch/x86_64/paging.c replaces them with W^X tables once C runs.
 */
#include "arch/x86_64/msr.h"

#define KERNEL_VMA   0xffffffff80000000
#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define COM1 0x3f8

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR0_NW (1 << 29)
#define CR0_CD (1 << 30)
#define CR4_PAE (1 << 5)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P  1
#define PTE_W  2
#define PTE_PS 0x80

	.section .boot.text, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack32_top, %esp
	movl %eax, boot_magic
	movl %ebx, boot_info
	movl %eax, %esi
	rdtsc                           /* start-up time, for the benchmark */
	movl %eax, boot_tsc
	movl %edx, boot_tsc + 4
	movl %esi, %eax

	cmpl $MB2_BOOTLOADER_MAGIC, %eax
	jne .Lno_magic

	/* CPUID extended leaf 0x80000001 must exist and report LM (EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz .Lno_long_mode
	andl $(1 << 20), %edx           /* NX present? */
	movl %edx, boot_has_nx

	call build_boot_tables

	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3

	movl $MSR_IA32_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	cmpl $0, boot_has_nx
	je 1f
	orl $EFER_NXE, %eax
1:	wrmsr

	/* caches on: firmware may leave CD/NW set from reset (CR0 = 0x60000010) */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax
	orl $(CR0_PG | CR0_WP | CR0_PE), %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $long_entry_low

.Lno_magic:
	movl $msg_no_magic, %esi
	jmp early_fail
.Lno_long_mode:
	movl $msg_no_lm, %esi
	jmp early_fail

/* Fill the boot tables described in the header comment. */
build_boot_tables:
	/* four page directories of 2 MiB pages covering 0..4 GiB */
	movl $boot_pd, %edi
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%edi,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high bits of (index << 21) */
	movl %eax, 4(%edi,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jb 1b

	/* low PDPT: entries 0..3 -> the four directories */
	movl $boot_pdpt_low, %edi
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, (%edi,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jb 2b

	/* high PDPT: entry 510 (0xffffffff80000000) -> the first directory */
	movl $boot_pdpt_high, %edi
	movl $(boot_pd + (PTE_P | PTE_W)), 510*8(%edi)

	movl $boot_pml4, %edi
	movl $(boot_pdpt_low + (PTE_P | PTE_W)), (%edi)
	movl $(boot_pdpt_low + (PTE_P | PTE_W)), 256*8(%edi)
	movl $(boot_pdpt_high + (PTE_P | PTE_W)), 511*8(%edi)
	ret

/*
 * Print the NUL-terminated string at ESI on COM1 (if a UART answers) and
 * on the VGA text screen, then halt for good.
 */
early_fail:
	movl %esi, %ebx
	/* VGA text: white on red, top line */
	movl $0xb8000, %edi
1:	movb (%esi), %al
	testb %al, %al
	jz 2f
	movb %al, (%edi)
	movb $0x4f, 1(%edi)
	addl $2, %edi
	incl %esi
	jmp 1b
2:	/* COM1 at 115200 8N1; a missing UART reads 0xff from the LSR */
	movw $(COM1 + 3), %dx
	movb $0x80, %al
	outb %al, %dx
	movw $COM1, %dx
	movb $1, %al
	outb %al, %dx
	movw $(COM1 + 1), %dx
	xorb %al, %al
	outb %al, %dx
	movw $(COM1 + 3), %dx
	movb $3, %al
	outb %al, %dx
3:	movb (%ebx), %al
	testb %al, %al
	jz 5f
	movl $100000, %ecx
	movw $(COM1 + 5), %dx
4:	inb %dx, %al
	cmpb $0xff, %al
	je 5f
	testb $0x20, %al
	jnz 6f
	loop 4b
6:	movw $COM1, %dx
	movb (%ebx), %al
	outb %al, %dx
	incl %ebx
	jmp 3b
5:	cli
	hlt
	jmp 5b

	.code64
long_entry_low:
	movabsq $long_entry_high, %rax
	jmp *%rax

	.section .boot.rodata, "a"
msg_no_magic:
	.asciz "hv: PANIC: not started by a multiboot2 loader (bad magic); boot hv.elf with GRUB's multiboot2 command\r\n"
msg_no_lm:
	.asciz "hv: PANIC: this CPU has no 64-bit long mode; the hypervisor needs an x86_64 CPU\r\n"

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .boot.bss, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
boot_stack32:   .skip 1024
boot_stack32_top:
	.globl boot_magic, boot_info, boot_has_nx, boot_tsc
	.balign 8
boot_tsc:       .skip 8
boot_magic:     .skip 4
boot_info:      .skip 4
boot_has_nx:    .skip 4

/* ---- 64-bit, at the high address -------------------------------------- */
	.text
	.code64
long_entry_high:
	movabsq $bsp_stack_top, %rsp
	xorl %ebp, %ebp
	xorl %eax, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl boot_magic, %edi
	movl boot_info, %esi
	call hv_main
1:	cli
	hlt
	jmp 1b

/*
 * The boot CPU's stack.  The page below it is a guard page: the final
 * page tables leave it unmapped so an overflow faults (onto the #DF IST
 * stack) instead of silently corrupting .bss.
 */
	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl bsp_stack_guard, bsp_stack_top
bsp_stack_guard:
	.skip 4096
bsp_stack:
	.skip 16384
bsp_stack_top:

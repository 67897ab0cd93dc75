/*
 * hello64 entry.  The hypervisor's elf64 loader (vmm/loader/elf64.c)
 * starts us in 64-bit mode with paging on, RSP = RAM size - 16 (16-byte
 * aligned), interrupts off and no IDT.  That stack is good as it is: a
 * CALL from a 16-byte aligned RSP gives the callee the alignment the
 * System V x86-64 ABI (3.2.2) expects.  Whatever hello64_main returns is
 * the exit code on port 0xf4.
 */
	.section .text.entry, "ax"
	.code64
	.globl _start
	.type _start, @function
_start:
	cld
	call	hello64_main
	mov	%eax, %edi
	call	hello64_exit		/* does not return */
1:	cli
	hlt
	jmp	1b
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits

/*
 * SYSCALL and SYSRETQ there and back, for hello64's SYSCALL check
 * (main.c sets EFER.SCE, STAR, LSTAR = syscall_entry and SFMASK first):
 *
 *   CPL 0  syscall_roundtrip: SYSCALL     -> syscall_entry at CPL 0
 *          syscall_entry, first time: SYSRETQ -> the instruction after
 *                                        that SYSCALL, now at CPL 3
 *   CPL 3  read CS, SYSCALL again       -> syscall_entry at CPL 0
 *          syscall_entry, second time: jump to the end of the round trip
 *
 * SYSCALL and SYSRET load CS and SS from STAR without reading the GDT
 * (SDM Vol. 2B, SYSCALL and SYSRET), so the CPL 3 selectors need no
 * descriptors, and nothing here loads a segment register.  RSP is the
 * same throughout; the CPL 3 stretch touches no memory, it only fetches
 * its three instructions (their page must be user-accessible).  A #UD
 * (EFER.SCE not reaching the CPU) or #GP here is a triple fault: hello64
 * has no IDT.
 *
 * uint32_t syscall_roundtrip(void): the CS selector seen at CPL 3.
 * Clobbers rax, rcx, rdx and r11, as a call may.
 */
	.text
	.code64
	.globl syscall_roundtrip
	.type syscall_roundtrip, @function
syscall_roundtrip:
	xor	%eax, %eax		/* eax = 0: the way out */
	syscall
	mov	%cs, %edx		/* CPL 3 */
	mov	$1, %eax		/* eax = 1: the way home */
	syscall
1:	mov	%edx, %eax		/* CPL 0 again */
	ret
	.size syscall_roundtrip, . - syscall_roundtrip

	.globl syscall_entry
	.type syscall_entry, @function
syscall_entry:
	incl	syscall_entries(%rip)
	test	%eax, %eax
	jnz	1b
	sysretq				/* to rcx, rflags from r11 */
	.size syscall_entry, . - syscall_entry

	.bss
	.globl syscall_entries
	.balign 4
syscall_entries:
	.long	0

	.section .note.GNU-stack, "", @progbits

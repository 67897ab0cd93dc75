/*
 * Exception entry stubs for vectors 0-31.  Each stub makes the stack
 * uniform (a dummy error code where the CPU pushes none, SDM Vol. 3A,
 * Table 6-1), pushes its vector and the general registers, and calls
 * trap_dispatch(struct trap_frame *).  The handler may rewrite the saved
 * EIP (to skip an expected faulting instruction) before we IRET.
 */
	.text
	.code32

.macro TRAP_NOERR vec
	.globl trap_entry_\vec
trap_entry_\vec:
	push	$0
	push	$\vec
	jmp	trap_common
.endm

.macro TRAP_ERR vec
	.globl trap_entry_\vec
trap_entry_\vec:
	push	$\vec
	jmp	trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
TRAP_NOERR 22
TRAP_NOERR 23
TRAP_NOERR 24
TRAP_NOERR 25
TRAP_NOERR 26
TRAP_NOERR 27
TRAP_NOERR 28
TRAP_ERR   29
TRAP_ERR   30
TRAP_NOERR 31

/* Layout must match struct trap_frame in trap.h. */
trap_common:
	pusha
	push	%esp			/* struct trap_frame * */
	call	trap_dispatch
	add	$4, %esp
	popa
	add	$8, %esp		/* vector and error code */
	iret

/* Table of stub addresses for trap_init(). */
	.section .rodata
	.balign 4
	.globl trap_entries
trap_entries:
.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long trap_entry_\vec
.endr

	.section .note.GNU-stack, "", @progbits

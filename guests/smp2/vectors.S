/*
 * Entry stubs for the two APIC vectors smp2 uses (ipi.c).  The C
 * handlers follow the i386 calling convention, so the stubs save the
 * registers it lets them change; PUSHA/POPA is the short way to do it.
 */
	.text
	.code32

.macro VECTOR_STUB name, handler
	.globl \name
	.type \name, @function
\name:
	pusha
	cld
	call	\handler
	popa
	iret
	.size \name, . - \name
.endm

VECTOR_STUB ipi_entry, ipi_handle
VECTOR_STUB ipi_spurious_entry, ipi_spurious_handle

	.section .note.GNU-stack, "", @progbits

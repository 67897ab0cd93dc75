/*
 * hostile: a guest that attacks the hypervisor, one case per boot,
 * chosen with "case=<name>" on the command line.  Cases that probe
 * (vmx, msr, io) report checks and PASS if the guest survives them;
 * cases that must get the guest killed (oob, oobwrite, otherpart,
 * triple, hlt) print "hostile: <case>: still alive (FAIL)" if they
 * ever get past the attack.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "guest.h"

void hostile_vmx(void);
void hostile_msr(void);
void hostile_io(void);
void hostile_oob_read(void);
void hostile_oob_write(void);
void hostile_other_partition(void);
void hostile_triple_fault(void);
void hostile_halt(void);
void hostile_xsetbv(void);

/* The Multiboot info we were booted with. */
extern const struct mb_info *hostile_mbi;

/* For the cases that must not return: report survival and exit 1. */
__attribute__((noreturn)) void hostile_still_alive(const char *name);

#endif

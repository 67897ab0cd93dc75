/*
 * exerciser: one check per kind of VM exit, each asserting the exit's
 * architectural effect as seen from inside the guest (in the spirit of
 * Jailhouse's inmate tests with EXPECT_EQUAL).  Each file holds one
 * group; main.c runs them all and prints the verdict.
 */
#ifndef EXERCISER_H
#define EXERCISER_H

#include "guest.h"

void exercise_cpuid(void);
void exercise_msr(void);
void exercise_io(void);
void exercise_hypercalls(const struct mb_info *mbi);
void exercise_control_regs(void);
void exercise_paging(void);

#endif

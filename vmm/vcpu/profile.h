/*
 * Where an exit's ticks go: a developer's build (make PROFILE=1) that
 * reads the TSC at fixed points of the run loop and adds the ticks
 * between two points to a sum per exit reason.  With Bochs' `clock:
 * sync=none` a tick is one emulated instruction, so the sums are
 * instruction counts.  Without PROFILE=1 every mark compiles to nothing.
 *
 * The points, in the order one exit passes them:
 *   PROF_EXIT      vmx_enter() returned: the exit is in, the registers saved
 *   PROF_REQUEUE   the IDT-vectoring information checked
 *   PROF_DISPATCHED  exit_dispatch() is about to call the exit's handler
 *   PROF_HANDLED   the handler and exit_dispatch() returned
 *   PROF_CHECKED   the heartbeat and the failed-VMX check done
 *   PROF_MAIL      the mailbox and the millisecond tick looked at
 *   PROF_ENTER     interrupts injected and the exit timer armed: vmx_enter()
 * and segment k is the ticks from point k-1 to point k (segment PROF_EXIT
 * runs from PROF_ENTER: VM entry, the guest, VM exit).  The figures are
 * printed with the partition's stats, and are only meaningful for a
 * partition with one vCPU (the sums are not per CPU).  Each mark adds
 * some ticks of its own to the path; the line says how many, and the
 * segments are printed with that much taken off.  The profile also
 * times the VMX instructions themselves (prof_print()).
 */
#ifndef VMM_VCPU_PROFILE_H
#define VMM_VCPU_PROFILE_H

#include "hv/types.h"

enum prof_point { PROF_EXIT, PROF_REQUEUE, PROF_DISPATCHED, PROF_HANDLED, PROF_CHECKED, PROF_MAIL, PROF_ENTER,
		  PROF_POINTS };

#ifdef HV_EXIT_PROFILE
void prof_mark(enum prof_point at);
void prof_reason(unsigned basic);   /* the exit the next marks belong to */
void prof_print(const char *guest);
#else
static inline void prof_mark(enum prof_point at) { (void)at; }
static inline void prof_reason(unsigned basic) { (void)basic; }
static inline void prof_print(const char *guest) { (void)guest; }
#endif

#endif

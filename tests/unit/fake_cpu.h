/*
 * Fakes for the host CPU the exit handlers touch: CPUID, MSRs, control
 * registers, XSETBV, the TSC and its frequency, the host local APIC
 * (EOI, sleeping), the NMI handler, the console-focus poll and the CMOS
 * clock.  Under HOST_TEST arch/x86_64/cpu.h declares its wrappers as
 * plain functions; fake_cpu.c defines them over the state below.
 *
 * The TSC does not move by itself: a test sets fake_tsc, and
 * lapic_sleep_until() jumps it to the wake-up time, as the sleep would.
 */
#ifndef FAKE_CPU_H
#define FAKE_CPU_H

#include "hv/types.h"
#include "arch/x86_64/cpu.h"

/* Every fake back to its power-on state: no CPUID leaves (all read 0),
 * no MSRs, TSC 0 at fake_tsc_hz = 1 GHz (one tick a nanosecond). */
void fake_cpu_reset(void);

/* CPUID leaf/subleaf answers.  FAKE_CPUID_ANY_SUB answers every subleaf
 * of a leaf that has no exact entry. */
#define FAKE_CPUID_ANY_SUB 0xffffffffu
void fake_cpuid_set(uint32_t leaf, uint32_t sub, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx);
extern unsigned fake_cpuid_calls;

void fake_msr_set(uint32_t msr, uint64_t val);   /* rdmsr_safe() fails for unset MSRs */

extern uint64_t fake_cr[5];                      /* read_cr0()..read_cr4() */
extern uint64_t fake_tsc, fake_tsc_hz;

/* XSETBV executed on the "host" (what the guest's value would have done). */
extern unsigned fake_xsetbv_calls;
extern uint32_t fake_xsetbv_xcr;
extern uint64_t fake_xsetbv_val;

extern unsigned fake_nmi_handler_calls;         /* trap_host_nmi() */
extern unsigned fake_lapic_eois;                /* lapic_eoi() */
extern unsigned fake_sleeps;                    /* lapic_sleep_until() */
extern uint64_t fake_last_sleep_until;
extern unsigned fake_focus_polls;               /* focus_poll() */
extern unsigned fake_deadline_arms;             /* lapic_arm_deadline() */
extern uint64_t fake_deadline_armed;
extern unsigned fake_kicks;                     /* cpu_kick() */
extern uint32_t fake_kicked;                    /* bit n: host CPU n was kicked */
/* Called from focus_poll(), e.g. to deliver console input; may be NULL. */
extern void (*fake_focus_hook)(uint64_t now_tsc);

#endif

/*
 * smp2: a two-CPU partition tested from the inside.  The boot CPU (BSP,
 * APIC ID 0) starts the application processor (AP, APIC ID 1) with
 * INIT-SIPI-SIPI through a real-mode trampoline, the two trade fixed IPIs,
 * then the BSP parks the AP with cli; hlt and starts it again.  Only the
 * BSP prints and keeps the check tally; the AP reports through struct
 * ap_state and the IPI counters.
 *
 * Physical memory (paging stays off):
 *
 *   0x0000_8000  trampoline page, copied from the image (SIPI vector 0x08)
 *   0x0010_0000  the image: text, data, bss with both CPUs' stacks
 *   0xfee0_0000  each CPU's own xAPIC page
 *
 * Shared between trampoline.S (hence the __ASSEMBLY__ guard) and the C.
 */
#ifndef SMP2_H
#define SMP2_H

#define TRAMPOLINE_BASE 0x8000	/* page aligned, below 1 MiB (SDM 11.6.1) */
#define SIPI_VECTOR     (TRAMPOLINE_BASE >> 12)

#define BSP_APIC_ID     0
#define AP_APIC_ID      1
#define SMP2_CPUS       2

#define IPI_VECTOR      0x40
#define SPURIOUS_VECTOR 0xff	/* bits 3:0 all ones: fine on any xAPIC */
#define IPI_ROUNDS      100

#ifndef __ASSEMBLY__

#include "guest.h"
#include "lapic.h"

/* What the BSP asks of a running AP (ap_state.command). */
enum ap_command {
	AP_IDLE,		/* spin, counting heartbeats */
	AP_SEND_BACK,		/* IPI_ROUNDS fixed IPIs to the BSP, one at a time */
	AP_SEND_OTHERS,		/* one fixed IPI, all-excluding-self shorthand */
	AP_PARK,		/* cli; hlt until the next INIT */
};

/* Written by the AP (command by both), read by the BSP. */
struct ap_state {
	volatile uint32_t starts;	/* times the AP reached ap_main */
	volatile uint32_t heartbeat;	/* turns of the idle loop */
	volatile uint32_t command;	/* enum ap_command; AP_IDLE once done */
	volatile uint32_t parked;	/* interrupts off, about to halt */
	volatile uint32_t icr_busy;	/* sends whose ICR stayed busy */
	/* What the AP saw of itself at its last start. */
	volatile uint32_t apic_id;
	volatile uint32_t cpuid_apic_id;	/* CPUID.1:EBX[31:24] */
	volatile uint32_t svr;
	volatile uint64_t apic_base;		/* IA32_APIC_BASE */
};

extern struct ap_state ap;

/* ipi.c: the IPI vector's handler counts by the taking CPU's APIC ID. */
extern volatile uint32_t ipi_count[SMP2_CPUS];
extern volatile uint32_t ipi_stray;	/* taken by a CPU with another ID */
extern volatile uint32_t ipi_spurious;	/* spurious-vector interrupts */
extern volatile uint64_t irq_tsc[SMP2_CPUS];	/* TSC at the last handler entry */

void ipi_install(void);
/* Called by the stubs in vectors.S. */
void ipi_handle(void);
void ipi_spurious_handle(void);

/* startup.c: bringing the AP up from the BSP.  The trampoline page must
 * be conventional RAM that holds nothing we know of (the image with its
 * stacks, what the loader handed us): NULL if so, else why not. */
const char *startup_page_problem(const struct mb_info *mbi);
void startup_copy_trampoline(void);
/* INIT, 10 ms, SIPI, 200 us, SIPI; false if an ICR stayed busy or the
 * PIT did not count. */
bool startup_init_sipi_sipi(uint32_t apic_id);

/* bench.c: bench=N's latency figures (timer, IPI), N samples each. */
void bench_run(uint32_t n);

/* ap.c: the AP's C entry, called by the trampoline on its own stack. */
__attribute__((noreturn)) void ap_main(void);

/* trampoline.S */
extern const char smp2_trampoline[], smp2_trampoline_end[];

/* vectors.S: interrupt entry stubs. */
void ipi_entry(void);
void ipi_spurious_entry(void);

#endif /* __ASSEMBLY__ */
#endif

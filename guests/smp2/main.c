/*
 * smp2 entry: the BSP's side of the test, one function per step.  main
 * prints each step's line; a step prints its checks and says whether the
 * run can go on (a step that could not do its job leaves nothing for the
 * next to build on).  check_finish prints "smp2: PASS" (exit 0) or
 * "smp2: FAIL (<n> failed)" (exit 1).
 *
 * Every wait is bounded and says what it was waiting for when it gives
 * up; waits for things that must not happen (a second start, an IPI the
 * parked AP must not take) are SETTLE_MS long.
 */
#include "smp2.h"

/* 8259 interrupt mask registers. */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

#define AP_START_MS 1000u	/* INIT-SIPI-SIPI to the AP's start count */
#define IPI_MS      100u	/* one IPI, sent to counted */
#define BATCH_MS    2000u	/* the AP's IPI_ROUNDS IPIs */
#define SETTLE_MS   20u

#define FIXED_IPI   (ICR_FIXED | ICR_ASSERT | IPI_VECTOR)
#define SVR_WANT    (LAPIC_SVR_ENABLE | SPURIOUS_VECTOR)
#define SVR_BITS    0x1ffu	/* vector and enable */

static const struct mb_info *boot_info;

static bool wait_at_least(const volatile uint32_t *v, uint32_t want, uint32_t ms)
{
	uint64_t end = timer_deadline_ms(ms);

	while (*v < want) {
		if (timer_expired(end))
			return false;
		cpu_pause();
	}
	return true;
}

/* Hand the AP a command and wait until it is done with it. */
static bool ap_command(enum ap_command command, uint32_t ms)
{
	uint64_t end = timer_deadline_ms(ms);

	ap.command = command;
	while (ap.command != AP_IDLE) {
		if (timer_expired(end))
			return false;
		cpu_pause();
	}
	return true;
}

static bool step_timer(void)
{
	if (!check("tsc calibrated against the pit", timer_init(),
		   "PIT channel 2 or the TSC does not count"))
		return false;
	con_printf("smp2: tsc: %u ticks per ms\n", timer_tsc_per_ms());
	return true;
}

static bool step_bsp_apic(void)
{
	uint64_t base = cpu_rdmsr(MSR_IA32_APIC_BASE);

	check_eq("bsp apic base address", base & APIC_BASE_ADDR, LAPIC_BASE);
	check("bsp apic base bsp flag", base & APIC_BASE_BSP, "IA32_APIC_BASE=0x%llx", base);
	if (!check("bsp apic in xapic mode", !(base & APIC_BASE_EXTD),
		   "IA32_APIC_BASE=0x%llx: x2APIC already on", base))
		return false;

	/* Nothing from the 8259s: the BIOS may have left its timer running
	 * with vectors that are exceptions to us. */
	cpu_outb(PIC1_DATA, 0xff);
	cpu_outb(PIC2_DATA, 0xff);
	ipi_install();
	lapic_enable(SPURIOUS_VECTOR);
	check_eq("bsp apic svr", lapic_read(LAPIC_SVR) & SVR_BITS, SVR_WANT);
	check_eq("bsp apic id", lapic_id(), BSP_APIC_ID);
	lapic_esr();		/* start with no errors latched */
	cpu_sti();

	/* The handler, before the AP joins. */
	bool idle = lapic_send(0, ICR_TO_SELF | FIXED_IPI);
	check("bsp icr idle after self ipi", idle, "ICR low 0x%x", lapic_read(LAPIC_ICR_LO));
	if (!check("bsp self ipi taken", wait_at_least(&ipi_count[BSP_APIC_ID], 1, IPI_MS),
		   "no interrupt within %u ms", IPI_MS))
		return false;
	ipi_count[BSP_APIC_ID] = 0;
	return true;
}

/*
 * A guest that spins without a single exit still gets its timer: the
 * BSP arms its local APIC timer (one-shot, on the IPI vector) and waits
 * in a PAUSE loop reading the TSC, neither of which leaves the guest.
 * Under the hypervisor the interrupt can only come in if something
 * forces an exit on time (the VMX-preemption timer).
 */
#define SPIN_TIMER_COUNT 1000000u	/* 10 ms at a 100 MHz APIC clock, 1 ms at 1 GHz */
#define SPIN_TIMER_MS    2000u

static bool step_spin_timer(void)
{
	uint32_t before = ipi_count[BSP_APIC_ID];

	lapic_write(LAPIC_TIMER_DCR, LAPIC_DCR_BY_1);
	lapic_write(LAPIC_LVT_TIMER, IPI_VECTOR);          /* one-shot, unmasked */
	lapic_write(LAPIC_TIMER_ICR, SPIN_TIMER_COUNT);
	bool fired = wait_at_least(&ipi_count[BSP_APIC_ID], before + 1, SPIN_TIMER_MS);
	check("timer interrupt while spinning", fired,
	      "no timer interrupt within %u ms of busy waiting", SPIN_TIMER_MS);
	timer_delay_ms(20);
	check_eq("one-shot fired once", ipi_count[BSP_APIC_ID] - before, fired ? 1 : 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	ipi_count[BSP_APIC_ID] = 0;
	return true;
}

/* What the AP saw of itself when it last started. */
static void check_ap_identity(const char *when)
{
	char what[64];

	fmt_snprintf(what, sizeof(what), "%s ap apic id", when);
	check_eq(what, ap.apic_id, AP_APIC_ID);
	fmt_snprintf(what, sizeof(what), "%s ap cpuid initial apic id", when);
	check_eq(what, ap.cpuid_apic_id, AP_APIC_ID);
	fmt_snprintf(what, sizeof(what), "%s ap apic base bsp flag clear", when);
	check(what, !(ap.apic_base & APIC_BASE_BSP), "IA32_APIC_BASE=0x%llx", ap.apic_base);
	fmt_snprintf(what, sizeof(what), "%s ap apic svr", when);
	check_eq(what, ap.svr & SVR_BITS, SVR_WANT);
}

static bool step_start_ap(void)
{
	const char *why = startup_page_problem(boot_info);

	if (!check("trampoline page free", why == NULL, "page 0x%x: %s", TRAMPOLINE_BASE, why))
		return false;
	startup_copy_trampoline();
	check("init-sipi-sipi sent", startup_init_sipi_sipi(AP_APIC_ID),
	      "an ICR stayed busy or the PIT did not count");
	if (!check("ap started", wait_at_least(&ap.starts, 1, AP_START_MS),
		   "the AP (APIC ID %u) never started: no sign of it %u ms "
		   "after INIT-SIPI-SIPI", AP_APIC_ID, AP_START_MS))
		return false;
	timer_delay_ms(SETTLE_MS);
	check_eq("ap started once", ap.starts, 1);
	check_ap_identity("started");
	return true;
}

static bool step_ipis_to_ap(void)
{
	unsigned busy = 0;

	for (uint32_t i = 1; i <= IPI_ROUNDS; i++) {
		if (!lapic_send(AP_APIC_ID, FIXED_IPI))
			busy++;
		if (!wait_at_least(&ipi_count[AP_APIC_ID], i, IPI_MS))
			return check("ap took every ipi", false, "IPI %u of %u not taken "
				     "within %u ms", i, IPI_ROUNDS, IPI_MS);
	}
	check_eq("ap ipi count", ipi_count[AP_APIC_ID], IPI_ROUNDS);
	check_eq("bsp ipi count, none sent to it", ipi_count[BSP_APIC_ID], 0);
	check_eq("bsp sends with icr still busy", busy, 0);
	return true;
}

static bool step_ipis_from_ap(void)
{
	if (!check("ap sent its ipis", ap_command(AP_SEND_BACK, BATCH_MS),
		   "not done within %u ms; the BSP took %u", BATCH_MS, ipi_count[BSP_APIC_ID]))
		return false;
	check_eq("bsp ipi count", ipi_count[BSP_APIC_ID], IPI_ROUNDS);
	check_eq("ap ipi count unchanged", ipi_count[AP_APIC_ID], IPI_ROUNDS);
	check_eq("ap sends with icr still busy", ap.icr_busy, 0);
	return true;
}

static bool step_shorthand(void)
{
	bool idle = lapic_send(0, ICR_TO_OTHERS | FIXED_IPI);

	check("bsp icr idle after shorthand", idle, "ICR low 0x%x", lapic_read(LAPIC_ICR_LO));
	if (!check("shorthand from bsp reached the ap",
		   wait_at_least(&ipi_count[AP_APIC_ID], IPI_ROUNDS + 1, IPI_MS),
		   "AP count %u after %u ms", ipi_count[AP_APIC_ID], IPI_MS))
		return false;
	timer_delay_ms(SETTLE_MS);
	check_eq("shorthand from bsp left out the bsp", ipi_count[BSP_APIC_ID], IPI_ROUNDS);

	if (!check("shorthand from ap reached the bsp", ap_command(AP_SEND_OTHERS, IPI_MS),
		   "BSP count %u after %u ms", ipi_count[BSP_APIC_ID], IPI_MS))
		return false;
	timer_delay_ms(SETTLE_MS);
	check_eq("shorthand from ap left out the ap", ipi_count[AP_APIC_ID], IPI_ROUNDS + 1);
	check_eq("bsp ipi count after shorthand", ipi_count[BSP_APIC_ID], IPI_ROUNDS + 1);
	check_eq("ap sends with icr still busy", ap.icr_busy, 0);
	return true;
}

/* With IF = 0 a fixed IPI stays pending in the AP's IRR: it must neither
 * run the handler nor wake the AP's loop. */
static bool step_park(void)
{
	if (!check("ap parked", ap_command(AP_PARK, IPI_MS) && ap.parked,
		   "no word from the AP within %u ms", IPI_MS))
		return false;
	uint32_t beat = ap.heartbeat, taken = ipi_count[AP_APIC_ID];
	bool idle = lapic_send(AP_APIC_ID, FIXED_IPI);

	timer_delay_ms(SETTLE_MS);
	check_eq("parked ap stays halted", ap.heartbeat, beat);
	check_eq("parked ap does not take an ipi", ipi_count[AP_APIC_ID], taken);
	check("bsp icr idle after ipi to parked ap", idle, "ICR low 0x%x",
	      lapic_read(LAPIC_ICR_LO));
	return true;
}

/* INIT resets the AP's APIC, IRR included (SDM Vol. 3A, 11.4.7.3), so
 * the IPI held while parked is gone and the restarted AP never takes it. */
static bool step_restart(void)
{
	uint32_t taken = ipi_count[AP_APIC_ID];

	check("init-sipi-sipi sent again", startup_init_sipi_sipi(AP_APIC_ID),
	      "an ICR stayed busy or the PIT did not count");
	if (!check("ap restarted", wait_at_least(&ap.starts, 2, AP_START_MS),
		   "the AP did not start again within %u ms (starts %u)",
		   AP_START_MS, ap.starts))
		return false;
	timer_delay_ms(SETTLE_MS);
	check_eq("ap started twice, the second sipi ignored", ap.starts, 2);
	check_ap_identity("restarted");
	check_eq("init dropped the held ipi", ipi_count[AP_APIC_ID], taken);

	lapic_send(AP_APIC_ID, FIXED_IPI);
	return check("restarted ap takes an ipi",
		     wait_at_least(&ipi_count[AP_APIC_ID], taken + 1, IPI_MS),
		     "not within %u ms", IPI_MS);
}

/* Leave the AP quiet for the end, and look for anything that went astray. */
static bool step_end(void)
{
	check("ap parked for the end", ap_command(AP_PARK, IPI_MS) && ap.parked,
	      "no word from the AP within %u ms", IPI_MS);
	check_eq("bsp apic errors", lapic_esr(), 0);
	check_eq("ipis taken by another apic id", ipi_stray, 0);
	con_printf("smp2: %u spurious interrupts\n", ipi_spurious);
	return true;
}

struct step {
	const char *what;
	bool (*run)(void);
};

static const struct step steps[] = {
	{ "timer: the TSC against PIT channel 2", step_timer },
	{ "bsp: local APIC on, IPI vector 0x40, spurious vector 0xff", step_bsp_apic },
	{ "bsp: its APIC timer fires while it busy-waits", step_spin_timer },
	{ "bsp: start the AP (APIC ID 1): trampoline at 0x8000, INIT, SIPI, SIPI", step_start_ap },
	{ "bsp -> ap: 100 fixed IPIs, one at a time", step_ipis_to_ap },
	{ "ap -> bsp: 100 fixed IPIs, one at a time", step_ipis_from_ap },
	{ "all-excluding-self shorthand, once each way", step_shorthand },
	{ "park the AP (cli; hlt), then send it a fixed IPI", step_park },
	{ "restart the AP: INIT, SIPI, SIPI (the second finds it running)", step_restart },
	{ "park the AP for the end", step_end },
};
_Static_assert(IPI_VECTOR == 0x40 && SPURIOUS_VECTOR == 0xff && AP_APIC_ID == 1 &&
	       TRAMPOLINE_BASE == 0x8000 && IPI_ROUNDS == 100, "the step texts say so");

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	guest_init();
	con_printf("smp2: started, multiboot magic 0x%08x\n", magic);
	if (check_eq("multiboot magic", magic, MB_BOOT_MAGIC))
		boot_info = mbi;

	/* steps=N on the command line: only the first N (a quick run, for
	 * the restart test); the AP is then left running at the end */
	uint64_t nsteps = sizeof(steps) / sizeof(steps[0]), bench = 0;
	cmdline_init(mbi);
	cmdline_number("steps", &nsteps);
	/* bench=N: only what the latency figures need (the TSC, the BSP's
	 * APIC, the AP started), then N samples of each (bench.c) */
	if (cmdline_number("bench", &bench) && bench > 0 && bench <= 10000) {
		if (step_timer() && step_bsp_apic() && step_start_ap())
			bench_run((uint32_t)bench);
		check_finish("smp2");
	}
	for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]) && i < nsteps; i++) {
		con_printf("smp2: step %u: %s\n", i + 1, steps[i].what);
		if (!steps[i].run()) {
			con_printf("smp2: step %u failed; the rest need it, "
				   "stopping here\n", i + 1);
			break;
		}
	}
	check_finish("smp2");
}

/*
 * The AP: what it does after the trampoline, each time it is started.
 * It never prints (the console and the check tally belong to the BSP);
 * it leaves what it saw in struct ap_state and then serves the BSP's
 * commands until it is parked.
 */
#include "smp2.h"

struct ap_state ap;

/* One fixed IPI to the BSP, then wait until the BSP has taken it: the
 * next one must not find this one still pending, or the two would merge
 * into one IRR bit.  No timeout here: the BSP times the whole batch. */
static void send_and_wait(uint32_t apic_id, uint32_t icr_low)
{
	uint32_t before = ipi_count[BSP_APIC_ID];

	if (!lapic_send(apic_id, icr_low))
		ap.icr_busy++;
	while (ipi_count[BSP_APIC_ID] == before)
		cpu_pause();
}

/* cli first: once the BSP sees parked, nothing maskable reaches us. */
static __attribute__((noreturn)) void park(void)
{
	cpu_cli();
	ap.parked = 1;
	ap.command = AP_IDLE;
	for (;;)
		cpu_hlt();
}

static void serve(uint32_t command)
{
	switch (command) {
	case AP_SEND_BACK:
		for (unsigned i = 0; i < IPI_ROUNDS; i++)
			send_and_wait(BSP_APIC_ID, ICR_FIXED | ICR_ASSERT | IPI_VECTOR);
		break;
	case AP_SEND_OTHERS:
		send_and_wait(0, ICR_TO_OTHERS | ICR_FIXED | ICR_ASSERT | IPI_VECTOR);
		break;
	case AP_PARK:
		park();
	}
}

void ap_main(void)
{
	trap_load();
	lapic_enable(SPURIOUS_VECTOR);
	ap.apic_id = lapic_id();
	ap.cpuid_apic_id = cpu_cpuid(1, 0).ebx >> 24;
	ap.apic_base = cpu_rdmsr(MSR_IA32_APIC_BASE);
	ap.svr = lapic_read(LAPIC_SVR);
	ap.parked = 0;
	/* Last: the BSP reads the fields above once it sees the count move
	 * (x86 keeps stores in order, SDM Vol. 3A, 9.2.2). */
	__atomic_add_fetch(&ap.starts, 1, __ATOMIC_SEQ_CST);
	cpu_sti();

	for (;;) {
		uint32_t command = ap.command;

		if (command == AP_IDLE) {
			ap.heartbeat++;
			cpu_pause();
			continue;
		}
		serve(command);
		ap.command = AP_IDLE;
	}
}

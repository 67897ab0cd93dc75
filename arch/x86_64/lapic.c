/*
 * Local APIC access (SDM Vol. 3, chapter 11).  In xAPIC mode the
 * registers are MMIO at IA32_APIC_BASE (reached through the direct map,
 * mapped uncached); in x2APIC mode they are MSRs 0x800 + offset/16 and
 * the ICR is one 64-bit write.
 */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/vectors.h"
#include "hv/log.h"

#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_BSP    (1ull << 8)

enum {
	REG_ID = 0x20, REG_EOI = 0xb0, REG_SVR = 0xf0,
	REG_ICR_LOW = 0x300, REG_ICR_HIGH = 0x310,
};
#define SVR_ENABLE     0x100
#define ICR_INIT       0x500
#define ICR_STARTUP    0x600
#define ICR_LEVEL_ASSERT 0x4000
#define ICR_PENDING    0x1000

static volatile uint32_t *mmio;
static bool x2apic;

static uint32_t reg_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_IA32_X2APIC_FIRST + reg / 16);
	return mmio[reg / 4];
}

static void reg_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_IA32_X2APIC_FIRST + reg / 16, v);
	else
		mmio[reg / 4] = v;
}

#define REG_TPR        0x080
#define REG_LVT_TIMER  0x320
#define REG_LVT_THERM  0x330
#define REG_LVT_PERF   0x340
#define REG_LVT_LINT0  0x350
#define REG_LVT_LINT1  0x360
#define REG_LVT_ERROR  0x370
#define LVT_MASKED     (1u << 16)
#define LVT_TSC_DEADLINE (2u << 17)

/*
 * The 8259 pair as the firmware left it may still deliver, and the BIOS
 * puts IRQ 0 at vector 8, the double-fault gate.  Move it out of the
 * exception vectors (ICW1-4: 0x20-0x2f) and mask every line: the
 * hypervisor takes its interrupts through the local APIC only.
 */
static void legacy_pic_off(void)
{
	outb(0x20, 0x11);                /* ICW1: edge, cascade, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20);                /* ICW2: vector bases 0x20 and 0x28 */
	outb(0xa1, 0x28);
	outb(0x21, 0x04);                /* ICW3: the slave on IR2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01);                /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff);                /* mask everything */
	outb(0xa1, 0xff);
}

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	x2apic = base & APIC_BASE_X2APIC;
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	mmio = (volatile uint32_t *)phys_to_virt(HPA(base & ~0xfffull));
	if (base & APIC_BASE_BSP)
		legacy_pic_off();
	/* nothing the hypervisor does not use may interrupt it: LINT0 would
	 * pass the 8259 through in ExtINT mode (as the BIOS leaves it) */
	static const uint32_t unused[] = { REG_LVT_LINT0, REG_LVT_LINT1, REG_LVT_ERROR,
					   REG_LVT_PERF, REG_LVT_THERM, REG_LVT_TIMER };
	for (size_t i = 0; i < ARRAY_SIZE(unused); i++)
		reg_write(unused[i], LVT_MASKED);
	reg_write(REG_TPR, 0);
	reg_write(REG_SVR, SVR_ENABLE | VEC_SPURIOUS);
}

uint32_t lapic_id(void)
{
	uint32_t id = reg_read(REG_ID);
	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	reg_write(REG_EOI, 0);
}

static void send_icr(uint32_t apic_id, uint32_t low)
{
	if (x2apic) {
		wrmsr(MSR_IA32_X2APIC_ICR, ((uint64_t)apic_id << 32) | low);
		return;
	}
	reg_write(REG_ICR_HIGH, apic_id << 24);
	reg_write(REG_ICR_LOW, low);
}

bool lapic_wait_idle(void)
{
	if (x2apic)
		return true;
	for (int i = 0; i < 1000000; i++) {
		if (!(reg_read(REG_ICR_LOW) & ICR_PENDING))
			return true;
		cpu_relax();
	}
	return false;
}

/*
 * The host's own timer, used to sleep while a guest idles: in TSC-deadline
 * mode (SDM 11.5.4.1) the wake-up time is the guest's next timer expiry,
 * in the guest's own TSC units.  Without TSC-deadline, poll.
 */
void lapic_sleep_until(uint64_t tsc)
{
	if (!(cpuid(1, 0).ecx & (1u << 24))) {
		while (rdtsc() < tsc)
			cpu_relax();
		return;
	}
	reg_write(REG_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	/* the LVT write must be seen before the deadline is (SDM 10.5.4.1) */
	asm volatile("mfence" ::: "memory");
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
	if (rdtsc() < tsc)
		asm volatile("sti; hlt; cli" ::: "memory");
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
}

bool lapic_arm_deadline(uint64_t tsc)
{
	if (!(cpuid(1, 0).ecx & (1u << 24)))
		return false;
	reg_write(REG_LVT_TIMER, LVT_TSC_DEADLINE | VEC_TIMER);
	asm volatile("mfence" ::: "memory");
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);
	return true;
}

void lapic_send_init(uint32_t apic_id)
{
	send_icr(apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
	lapic_wait_idle();
}

void lapic_send_sipi(uint32_t apic_id, uint8_t vector_page)
{
	send_icr(apic_id, ICR_STARTUP | vector_page);
	lapic_wait_idle();
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	send_icr(apic_id, vector);
	lapic_wait_idle();
}

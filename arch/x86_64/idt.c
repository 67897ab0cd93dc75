/* The IDT shared by every CPU: exceptions, the wake-up IPI, the timer,
 * and a handler that logs a stray interrupt on every other vector. */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/vectors.h"
#include "arch/x86_64/cpu.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate is 16 bytes");

static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	idt[vec] = (struct idt_gate){
		.offset_low = handler & 0xffff,
		.selector = GDT_KERNEL_CS,
		.ist = ist,
		.type_attr = 0x8e,            /* present, DPL 0, 64-bit interrupt gate */
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_high = handler >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 32; v++)
		set_gate(v, isr_table[v], 0);
	for (unsigned v = 32; v < 256; v++)
		set_gate(v, (uint64_t)isr_stray + (v - 32) * ISR_STRAY_STUB, 0);
	set_gate(2, isr_table[2], IST_NMI);
	set_gate(8, isr_table[8], IST_DF);
	set_gate(18, isr_table[18], IST_MC);
	set_gate(14, isr_table[14], IST_PF);
	set_gate(VEC_IPI_WAKE, isr_ipi_wake, 0);
	set_gate(VEC_TIMER, isr_timer, 0);
	set_gate(VEC_SPURIOUS, isr_spurious, 0);
}

void idt_load(void)
{
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) idtr = {
		sizeof(idt) - 1, (uint64_t)idt,
	};
	asm volatile("lidt %0" : : "m"(idtr));
	/* from here on a machine check is an exception this CPU reports
	 * (vector 18), not a shutdown that resets the machine */
	write_cr4(read_cr4() | CR4_MCE);
}

/*
 * Case "xsetbv": XSETBV with every kind of value the CPU refuses.  The
 * hypervisor runs a guest's XSETBV itself, in root mode, so each value
 * below that it let through would fault in the host: each must come
 * back to the guest as #GP, and XCR0 must keep its last good value.
 * Without CR4.OSXSAVE the instruction is #UD.
 */
#include "hostile.h"

#define CR4_OSXSAVE (1u << 18)
#define CPUID1_XSAVE (1u << 26)

static int try_xsetbv(uint32_t index, uint64_t value)
{
	fault_arm();
	__asm__ volatile(FAULT_GUARD("xsetbv")
			 : : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
	return fault_disarm();
}

static uint64_t read_xcr0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

struct bad_value {
	const char *what;
	uint32_t index;
	uint64_t value;
};

static const struct bad_value bad[] = {
	{ "xcr1", 1, 0x1 },
	{ "index 0xffffffff", 0xffffffffu, 0x1 },
	{ "x87 clear", 0, 0x2 },
	{ "avx without sse", 0, 0x5 },
	{ "opmask alone", 0, 0x27 },
	{ "zmm_hi256 alone", 0, 0x47 },
	{ "avx-512 without avx", 0, 0xe3 },
	{ "bndregs without bndcsr", 0, 0x9 },
	{ "bndcsr without bndregs", 0, 0x11 },
	{ "supervisor pt", 0, 0x103 },
	{ "supervisor cet", 0, 0x1803 },
	{ "tilecfg without tiledata", 0, 0x20003 },
	{ "tiledata without tilecfg", 0, 0x40003 },
	{ "bit 63", 0, 0x8000000000000003ull },
	{ "every bit", 0, ~0ull },
};

void hostile_xsetbv(void)
{
	char what[48];

	if (!(cpu_cpuid(1, 0).ecx & CPUID1_XSAVE)) {
		con_printf("hostile: xsetbv: the CPU has no XSAVE; nothing to check\n");
		check_finish("hostile: xsetbv");
	}
	uint32_t cr4 = cpu_read_cr4();
	cpu_write_cr4(cr4 & ~CR4_OSXSAVE);
	check("xsetbv without cr4.osxsave #UD", try_xsetbv(0, 1) == VEC_UD, "got vector %d",
	      fault_last_vector());
	cpu_write_cr4(cr4 | CR4_OSXSAVE);

	check("xsetbv x87|sse accepted", try_xsetbv(0, 3) == FAULT_NONE, "got vector %d",
	      fault_last_vector());
	check_eq("xcr0 after a good value", read_xcr0(), 3);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fmt_snprintf(what, sizeof(what), "xsetbv %s #GP", bad[i].what);
		check(what, try_xsetbv(bad[i].index, bad[i].value) == VEC_GP, "got vector %d",
		      fault_last_vector());
	}
	check_eq("xcr0 kept its good value", read_xcr0(), 3);
	check_finish("hostile: xsetbv");
}

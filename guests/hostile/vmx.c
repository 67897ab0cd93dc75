/*
 * Case "vmx": VMX is hidden from the guest, so every VMX instruction
 * must raise #UD.  In VMX non-root operation most of them cause a VM
 * exit unconditionally (SDM Vol. 3C, 26.1.2) and the hypervisor has to
 * inject the #UD itself; VMFUNC raises #UD without an exit while VM
 * functions are disabled (SDM Vol. 3C, 26.5.6).  Setting CR4.VMXE must
 * raise #GP, as on a CPU without VMX.
 */
#include "hostile.h"

#define CR4_VMXE (1u << 13)

/* Operands: a plausible region address and an INVEPT/INVVPID
 * descriptor.  Their contents do not matter: nothing may execute. */
static uint8_t region[4096] __attribute__((aligned(4096)));
static uint64_t region_pa;
static uint64_t descriptor[2];

static void run_vmxon(void)    { __asm__ volatile(FAULT_GUARD("vmxon %0") : : "m"(region_pa) : "memory"); }
static void run_vmxoff(void)   { __asm__ volatile(FAULT_GUARD("vmxoff") : : : "memory", "cc"); }
static void run_vmclear(void)  { __asm__ volatile(FAULT_GUARD("vmclear %0") : : "m"(region_pa) : "memory", "cc"); }
static void run_vmptrld(void)  { __asm__ volatile(FAULT_GUARD("vmptrld %0") : : "m"(region_pa) : "memory", "cc"); }
static void run_vmptrst(void)  { __asm__ volatile(FAULT_GUARD("vmptrst %0") : "=m"(region_pa) : : "memory"); }
static void run_vmlaunch(void) { __asm__ volatile(FAULT_GUARD("vmlaunch") : : : "memory", "cc"); }
static void run_vmresume(void) { __asm__ volatile(FAULT_GUARD("vmresume") : : : "memory", "cc"); }

static void run_vmread(void)
{
	uint32_t field = 0x681e, value = 0;	/* guest RIP */

	__asm__ volatile(FAULT_GUARD("vmread %1, %0") : "+r"(value) : "r"(field) : "memory", "cc");
}

static void run_vmwrite(void)
{
	uint32_t field = 0x681e, value = 0;

	__asm__ volatile(FAULT_GUARD("vmwrite %0, %1") : : "r"(value), "r"(field) : "memory", "cc");
}

static void run_invept(void)
{
	uint32_t type = 2;	/* all-context */

	__asm__ volatile(FAULT_GUARD("invept %0, %1") : : "m"(descriptor), "r"(type) : "memory", "cc");
}

static void run_invvpid(void)
{
	uint32_t type = 2;	/* all-context */

	__asm__ volatile(FAULT_GUARD("invvpid %0, %1") : : "m"(descriptor), "r"(type) : "memory", "cc");
}

static void run_vmfunc(void)
{
	/* Function 0 (EPTP switching), entry 0. */
	__asm__ volatile(FAULT_GUARD("vmfunc") : : "a"(0), "c"(0) : "memory");
}

struct vmx_insn {
	const char *name;
	void (*run)(void);
};

static const struct vmx_insn insns[] = {
	{ "vmxon", run_vmxon },       { "vmxoff", run_vmxoff },
	{ "vmclear", run_vmclear },   { "vmptrld", run_vmptrld },
	{ "vmptrst", run_vmptrst },   { "vmread", run_vmread },
	{ "vmwrite", run_vmwrite },   { "vmlaunch", run_vmlaunch },
	{ "vmresume", run_vmresume }, { "invept", run_invept },
	{ "invvpid", run_invvpid },   { "vmfunc", run_vmfunc },
};

static const char *fault_text(int vector)
{
	return vector == FAULT_NONE ? "no fault" : trap_name((uint32_t)vector);
}

static void check_insn(const struct vmx_insn *insn)
{
	char what[32];

	fault_expect(VEC_UD);
	insn->run();
	bool seen = fault_seen();
	fmt_snprintf(what, sizeof(what), "%s #UD", insn->name);
	check(what, seen, "got %s", fault_text(fault_last_vector()));
}

static void check_cr4_vmxe(void)
{
	uint32_t cr4 = cpu_read_cr4();

	/* QEMU's TCG spins forever on this MOV (seen with QEMU 7.2), so
	 * only try it where it means something. */
	if (!guest_on_microhv()) {
		con_printf("hostile: vmx: not under MicroHV, cr4.vmxe check skipped\n");
		return;
	}

	fault_expect(VEC_GP);
	__asm__ volatile(FAULT_GUARD("mov %0, %%cr4") : : "r"(cr4 | CR4_VMXE) : "memory");
	bool seen = fault_seen();
	check("cr4.vmxe #GP", seen, "got %s, cr4 now 0x%08x",
	      fault_text(fault_last_vector()), cpu_read_cr4());
	if (!seen)
		cpu_write_cr4(cr4);
}

void hostile_vmx(void)
{
	region_pa = (uint32_t)region;
	for (unsigned i = 0; i < sizeof(insns) / sizeof(insns[0]); i++)
		check_insn(&insns[i]);
	check_cr4_vmxe();
	check_finish("hostile: vmx");
}

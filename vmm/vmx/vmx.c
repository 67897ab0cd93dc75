/*
 * Entering VMX operation on a CPU and the checked VMX instructions that
 * are not inline (vmx.h).
 */
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmx_caps.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/memlayout.h"
#include "pmm/kpage.h"
#include "hv/log.h"
#include "hv/string.h"

bool vmx_failed[MAX_CPUS];

void vmx_report_failure(const char *insn, uint64_t field, bool valid)
{
	vmx_failed[cpu_index()] = true;
	if (!valid) {
		log_printf("hv: vmx: %s field 0x%llx failed: no current VMCS (VMfailInvalid)\n",
			   insn, (unsigned long long)field);
		return;
	}
	uint64_t err = 0;
	asm volatile("vmread %1, %0" : "=r"(err) : "r"((uint64_t)VMCS_VM_INSTRUCTION_ERROR) : "cc");
	log_printf("hv: vmx: %s field 0x%llx failed: VM-instruction error %llu (%s)\n",
		   insn, (unsigned long long)field, (unsigned long long)err,
		   vmx_insn_error_name((unsigned)err));
}

static bool vmx_insn_ok(const char *insn, hpa_t operand, bool cf, bool zf)
{
	if (cf || zf)
		vmx_report_failure(insn, operand.v, zf);
	return !(cf || zf);
}

bool vmx_on(void)
{
	struct percpu *c = this_cpu();
	bool cf, zf;

	const char *why;

	if (c->vmx_on)
		return true;
	if (!vmx_feature_control_ok(&why)) {
		log_printf("hv: vmx: cpu %d: %s\n", cpu_index(), why);
		return false;
	}
	/* CR0 and CR4 must satisfy the VMX fixed bits (SDM A.7, A.8) */
	write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
	write_cr4((read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1);
	/*
	 * XSETBV exits, and the hypervisor executes it for the guest: that
	 * needs CR4.OSXSAVE here.  The hypervisor itself never uses the FPU or
	 * vector registers, so the guest's XCR0 can simply stay loaded on
	 * its CPU (one guest per CPU).
	 */
	if (cpuid(1, 0).ecx & (1u << 26))
		write_cr4(read_cr4() | CR4_OSXSAVE);

	c->vmxon_region = kpage_alloc(0);
	uint32_t *region = phys_to_virt(c->vmxon_region);
	memset(region, 0, PAGE_SIZE);
	region[0] = (uint32_t)vmx_caps.basic & 0x7fffffff;   /* revision identifier */
	asm volatile("vmxon %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(c->vmxon_region.v) : "memory");
	if (!vmx_insn_ok("vmxon", c->vmxon_region, cf, zf))
		return false;
	c->vmx_on = true;
	invept_all();
	return true;
}

bool vmcs_clear(hpa_t vmcs)
{
	bool cf, zf;

	asm volatile("vmclear %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs.v) : "memory");
	return vmx_insn_ok("vmclear", vmcs, cf, zf);
}

bool vmcs_load(hpa_t vmcs)
{
	bool cf, zf;

	asm volatile("vmptrld %2" : "=@ccc"(cf), "=@ccz"(zf) : "m"(vmcs.v) : "memory");
	return vmx_insn_ok("vmptrld", vmcs, cf, zf);
}

struct invept_desc { uint64_t eptp, reserved; };

static void invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = { eptp, 0 };
	bool cf, zf;

	asm volatile("invept %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(d), "r"(type) : "memory");
	vmx_insn_ok("invept", HPA(eptp), cf, zf);
}

/* INVEPT types (SDM 31, INVEPT): 1 single-context, 2 all-context. */
void invept_single(uint64_t eptp)
{
	if (vmx_caps.invept_single)
		invept(1, eptp);
	else
		invept_all();
}

void invept_all(void)
{
	if (vmx_caps.invept_all)
		invept(2, 0);
}

void invvpid_single(uint16_t vpid)
{
	struct { uint64_t vpid, addr; } d = { vpid, 0 };
	bool cf, zf;

	if (!vmx_caps.invvpid)
		return;
	asm volatile("invvpid %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "m"(d), "r"(1ull) : "memory");
	vmx_insn_ok("invvpid", HPA(vpid), cf, zf);
}

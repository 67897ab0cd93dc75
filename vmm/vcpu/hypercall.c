/*
 * VMCALL, the hypercall (ABI in include/hv/hypercall.h).  Guest ring 3
 * may not make hypercalls; its CPL is the DPL of its SS (SDM 5.5).
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"
#include "hv/hypercall.h"
#include "hv/string.h"
#include "arch/x86_64/cpu.h"


static int64_t hc_console_write(struct vcpu *v, gpa_t gpa, uint64_t len)
{
	char buf[256];

	if (len > HC_CONSOLE_MAX)
		return HC_EINVAL;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = MIN(len - done, sizeof(buf));
		if (!guest_read(v->part, GPA(gpa.v + done), buf, n))
			return HC_EFAULT;
		partition_dev_lock(v->part);
		for (uint64_t i = 0; i < n; i++)
			vuart_write(&v->part->platform.uart, 0, (uint8_t)buf[i]);
		partition_dev_unlock(v->part);
		done += n;
	}
	return (int64_t)len;
}

static int64_t hc_partition_info(struct vcpu *v, gpa_t gpa)
{
	struct partition *p = v->part;
	struct hc_partition_info info = {
		.version = 2, .cpu = v->cpu, .ram_size = p->ram_size, .hpa_base = p->base.v,
		.ncpus = (uint32_t)p->nvcpus, .vcpu = (uint32_t)v->id,
	};

	memcpy(info.name, p->name, MIN(strlen(p->name), sizeof(info.name) - 1));
	return guest_write(p, gpa, &info, sizeof(info)) ? 0 : HC_EFAULT;
}

enum exit_result exit_vmcall(struct vcpu *v, uint64_t qual)
{
	bool lm = vmcs_read64(VMCS_GUEST_IA32_EFER) & EFER_LMA;
	uint64_t nr = lm ? v->regs.rax : (uint32_t)v->regs.rax;
	uint64_t a0 = lm ? v->regs.rdi : (uint32_t)v->regs.rdi;
	uint64_t a1 = lm ? v->regs.rsi : (uint32_t)v->regs.rsi;
	int64_t ret;

	if (VMX_AR_DPL(vmcs_read32(VMCS_GUEST_SS_AR)) != 0) {
		ret = HC_EPERM;
	} else {
		switch (nr) {
		case HC_NULL:
			ret = 0;
			break;
		case HC_CONSOLE_WRITE:
			ret = hc_console_write(v, GPA(a0), a1);
			break;
		case HC_PARTITION_INFO:
			ret = hc_partition_info(v, GPA(a0));
			break;
		case HC_EXIT:
			guest_end(v, "stopped", "exit code %llu", (unsigned long long)a0);
			return EXIT_GUEST_ENDED;
		default:
			ret = HC_ENOSYS;
		}
	}
	v->regs.rax = lm ? (uint64_t)ret : (uint32_t)ret;
	vcpu_skip_instruction(v);
	return EXIT_HANDLED;
}

/*
 * VMCALL with the function number in EAX and arguments in EDI, ESI,
 * EDX (include/hv/hypercall.h).  Paging is off or identity-mapped in
 * every guest, so a pointer is its own guest-physical address.
 */
#include "hcall.h"
#include "fault.h"

int32_t hcall(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
	uint32_t ret = nr;

	fault_arm();
	/* The ABI promises nothing about the argument registers on return,
	 * so they are in-out operands. */
	__asm__ volatile(FAULT_GUARD("vmcall")
			 : "+a"(ret), "+D"(a0), "+S"(a1), "+d"(a2)
			 :
			 : "memory");
	if (fault_disarm() != FAULT_NONE)
		return HCALL_FAULTED;
	return (int32_t)ret;
}

int32_t hcall_null(void)
{
	return hcall(HC_NULL, 0, 0, 0);
}

int32_t hcall_console_write(const char *buf, uint32_t len)
{
	return hcall(HC_CONSOLE_WRITE, (uint32_t)(uintptr_t)buf, len, 0);
}

int32_t hcall_partition_info(struct hc_partition_info *out)
{
	return hcall(HC_PARTITION_INFO, (uint32_t)(uintptr_t)out, 0, 0);
}

int32_t hcall_exit(uint32_t code)
{
	return hcall(HC_EXIT, code, 0, 0);
}

const char *hcall_strerror(int32_t r)
{
	switch (r) {
	case HC_EINVAL:
		return "EINVAL";
	case HC_EFAULT:
		return "EFAULT";
	case HC_ENOSYS:
		return "ENOSYS";
	case HC_EPERM:
		return "EPERM";
	case HCALL_FAULTED:
		return "vmcall faulted (not under the hypervisor?)";
	default:
		return r >= 0 ? "ok" : "unknown error";
	}
}

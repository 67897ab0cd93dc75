/*
 * EPT violations (exit qualification: SDM Vol. 3C 28.2.1).  Inside the
 * guest's RAM the fault is the on-demand build of its EPT: ept_fault()
 * maps the page from the partition's own memory and the guest retries
 * the access.  Outside RAM it is a device's MMIO page (vmm/vcpu/mmio.c)
 * or nothing at all, and then the guest is stopped.
 */
#include "vmm/vcpu/exit.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vcpu/mmio.h"
#include "vmm/vcpu/smp.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"

static const char *access_name(unsigned access)
{
	return access & EPT_ACC_X ? "exec" : access & EPT_ACC_W ? "write" : "read";
}

enum exit_result exit_ept_violation(struct vcpu *v, uint64_t qual)
{
	struct partition *p = v->part;
	gpa_t gpa = GPA(vmcs_read64(VMCS_GUEST_PHYSICAL_ADDRESS));
	unsigned access = qual & EPT_ACC_MASK;
	bool flush = false;

	partition_ept_lock(p);        /* the partition's vCPUs share its EPT */
	enum ept_result r = ept_fault(&p->ept, gpa, access, &flush);
	partition_ept_unlock(p);

	if (r == EPT_MAPPED || r == EPT_SPURIOUS) {
		if (flush) {
			invept_single(ept_eptp(&p->ept));
			if (p->nvcpus > 1)
				vcpu_flush_ept_everywhere(v);
		}
		return EXIT_HANDLED;
	}
	if (r == EPT_OUTSIDE) {
		enum exit_result m = mmio_exit(v, gpa);
		if (m != EXIT_UNHANDLED)
			return m;
		guest_end(v, "killed", "EPT violation at gpa 0x%llx (%s)", (unsigned long long)gpa.v,
			  access_name(access));
	} else {
		guest_end(v, "killed", "EPT fault at gpa 0x%llx failed: %s", (unsigned long long)gpa.v,
			  ept_result_name(r));
	}
	return EXIT_GUEST_ENDED;
}

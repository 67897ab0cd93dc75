/*
 * The MSR exits' set-up and the MSR state a vCPU keeps outside the VMCS
 * (the exits themselves are in vmm/vcpu/exit.h).
 */
#ifndef VMM_VCPU_MSR_H
#define VMM_VCPU_MSR_H

#include "hv/types.h"
#include "vmm/vcpu/msr_state.h"

struct vcpu;

/* Fill a partition's MSR bitmap page: which RDMSR/WRMSR exit. */
void msr_bitmap_init(hpa_t page);

/*
 * The speculation-control features of CPUID.(EAX=7,ECX=0):EDX, each
 * backed by MSRs.  The guest sees a feature only if the host has it and
 * the MSR layer handles its MSRs: SPEC_CTRL and PRED_CMD (and FLUSH_CMD)
 * go straight to the CPU, as KVM gives them, and ARCH_CAPABILITIES reads
 * the host's mitigation bits.  CORE_CAPABILITIES is hidden.
 */
#define CPUID7_EDX_IBRS_IBPB  (1u << 26)
#define CPUID7_EDX_STIBP      (1u << 27)
#define CPUID7_EDX_L1D_FLUSH  (1u << 28)
#define CPUID7_EDX_ARCH_CAP   (1u << 29)
#define CPUID7_EDX_CORE_CAP   (1u << 30)
#define CPUID7_EDX_SSBD       (1u << 31)
#define CPUID7_EDX_SPEC_BITS  (CPUID7_EDX_IBRS_IBPB | CPUID7_EDX_STIBP | CPUID7_EDX_L1D_FLUSH | \
			       CPUID7_EDX_ARCH_CAP | CPUID7_EDX_CORE_CAP | CPUID7_EDX_SSBD)

/* Of the host's leaf-7 EDX, the speculation bits the guest may see. */
uint32_t msr_spec_features(uint32_t host_edx);

/* The guest's TSC now: what its RDTSC would read. */
uint64_t vcpu_guest_tsc(const struct vcpu *v);

#endif

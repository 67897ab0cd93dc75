/* The MSR exits' set-up (the exits themselves are in vmm/vcpu/exit.h). */
#ifndef VMM_VCPU_MSR_H
#define VMM_VCPU_MSR_H

#include "hv/types.h"

/* Fill a partition's MSR bitmap page: which RDMSR/WRMSR exit. */
void msr_bitmap_init(hpa_t page);

#endif

/* Emulating a guest's access to a device's MMIO page. */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include "vmm/vcpu/exit.h"

struct mmio_device {
	uint64_t base;   /* gpa of offset 0 */
	uint64_t (*read)(struct vcpu *v, uint64_t off, unsigned size);
	void (*write)(struct vcpu *v, uint64_t off, unsigned size, uint64_t val);
};

/* Emulate the instruction that faulted at `gpa` inside `dev`. */
enum exit_result mmio_emulate(struct vcpu *v, uint64_t gpa, const struct mmio_device *dev);

#endif

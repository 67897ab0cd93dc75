/* Emulating a guest's access to a device's MMIO page. */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include "hv/types.h"
#include "vmm/vcpu/exit_result.h"

struct vcpu;

struct mmio_device {
	gpa_t base;      /* offset 0 */
	uint64_t (*read)(struct vcpu *v, uint64_t off, unsigned size);
	void (*write)(struct vcpu *v, uint64_t off, unsigned size, uint64_t val);
};

/* Emulate the instruction that faulted at `gpa` inside `dev`. */
enum exit_result mmio_emulate(struct vcpu *v, gpa_t gpa, const struct mmio_device *dev);
/* An EPT violation outside RAM: emulate it if a device lives at `gpa`
 * (EXIT_HANDLED or EXIT_GUEST_ENDED), else EXIT_UNHANDLED. */
enum exit_result mmio_exit(struct vcpu *v, gpa_t gpa);

#endif

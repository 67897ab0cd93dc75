/* Running one guest on the current CPU. */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include "vmm/vcpu/vcpu.h"

/* Run the partition's guest on this CPU until it ends (restarting it if
 * its config says so).  Called on the partition's CPU. */
void guest_thread(void *partition);
/* Mark a partition that could not start as ended, with a reason. */
void guest_refuse(struct partition *p, const char *why);

#endif

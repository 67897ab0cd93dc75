/* Running one partition's guest on the current CPU. */
#ifndef VMM_VCPU_RUN_H
#define VMM_VCPU_RUN_H

#include "hv/types.h"

struct partition;

/* Run the partition's guest on this CPU until it ends (restarting it if
 * its config says so).  Called on the partition's CPU, with the
 * partition as `arg` (the shape smp_run_on() wants). */
void vcpu_thread(void *arg);
/* Enter v's guest and handle its exits until it leaves: the partition
 * ended or stopped, or (an application processor) INIT or a park.
 * Faults the hypervisor takes meanwhile end the partition (recover.h). */
struct vcpu;
void vcpu_run(struct vcpu *v);
/* Mark a partition that could not start as ended, with a reason. */
void guest_refuse(struct partition *p, const char *why);

/* TSC at the multiboot2 entry (set by vmm/main.c), for the start-up figure. */
extern uint64_t hv_start_tsc;

#endif

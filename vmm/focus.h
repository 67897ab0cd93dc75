/*
 * Serial console input for guests.  Bytes typed on the hypervisor's COM1
 * go to the guest that has the console focus.  Ctrl-A followed by a digit
 * gives the focus to that guest (in config order, from 0); Ctrl-A n gives
 * it to the next one; Ctrl-A Ctrl-A sends one Ctrl-A to the guest.
 */
#ifndef VMM_FOCUS_H
#define VMM_FOCUS_H

#include "hv/types.h"

struct partition;

void focus_init(struct partition *parts, int nparts);
/* Read what arrived on COM1 (at most every millisecond) and queue it for
 * the guest with the focus.  Any CPU may call it; one at a time reads. */
void focus_poll(uint64_t now_tsc);
/* The partition's own CPU takes the queued bytes (partition.console_in)
 * into its UART: vcpu_take_console_input() in vmm/vcpu/inject.h.  The
 * queue is the only thing two CPUs share here. */

#endif

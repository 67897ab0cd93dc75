/*
 * Where an interrupt message goes among the local APICs of one
 * partition: the IPIs a vCPU writes to its ICR (vlapic.h's ipi callback)
 * and, later, the I/O APIC's messages.  Plain C over the vlapic model.
 *
 * The rules are the SDM's (Vol. 3A 11.6.2, 11.12.10), applied by
 * vlapic_ipi_is_for() to each candidate; what is decided here is only
 * what that function cannot see alone:
 *  - lowest priority goes to one of the matching APICs: the first (by
 *    vCPU number), the arbitration a simple model may make (11.6.2.4
 *    leaves it to the implementation);
 *  - the sender is not a target of a fixed or lowest-priority IPI,
 *    which its local APIC already accepted itself (vlapic.h).
 */
#ifndef VMM_DEV_IPI_ROUTE_H
#define VMM_DEV_IPI_ROUTE_H

#include "vmm/dev/vlapic.h"

#define IPI_ROUTE_MAX 32        /* APICs in one call: the result is a bit mask */

/*
 * Bit i of the result is set if lapics[i] (n of them, at most
 * IPI_ROUTE_MAX) takes the message dest/icr_low (vlapic.h's ipi callback
 * form) from sender (an index into lapics, or -1 for a device).
 */
uint32_t ipi_route(struct vlapic *const *lapics, int n, int sender, uint32_t dest, uint32_t icr_low);

#endif

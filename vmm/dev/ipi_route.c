/* Interrupt-message routing among one partition's local APICs (see ipi_route.h). */
#include "vmm/dev/ipi_route.h"

uint32_t ipi_route(struct vlapic *const *lapics, int n, int sender, uint32_t dest, uint32_t icr_low)
{
	bool lowest = VLAPIC_ICR_DELIVERY(icr_low) == VLAPIC_DM_LOWEST;
	uint32_t hit = 0;

	for (int i = 0; i < n && i < IPI_ROUTE_MAX; i++) {
		if (!vlapic_ipi_is_for(lapics[i], dest, icr_low, i == sender))
			continue;
		hit |= 1u << i;
		if (lowest)
			break;
	}
	return hit;
}

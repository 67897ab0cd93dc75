/* Partitions: placeholder until the VMX layer lands. */
#include "vmm/partition.h"
#include "hv/log.h"

void partitions_run(const struct mb2_info *mb2)
{
	(void)mb2;
}

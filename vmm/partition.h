/* Partitions: one guest per CPU, each in its own slice of memory. */
#ifndef VMM_PARTITION_H
#define VMM_PARTITION_H

struct mb2_info;

/* Validate the config module, start every valid guest, wait for them all. */
void partitions_run(const struct mb2_info *mb2);

#endif

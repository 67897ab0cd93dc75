/*
 * Hypercall wrappers for the ABI in include/hv/hypercall.h.  VMCALL is
 * guarded: outside the hypervisor it raises #UD, and the wrappers then
 * return HCALL_FAULTED instead of killing the guest, so guests can say
 * what went wrong (and can be smoke-tested on bare QEMU).
 */
#ifndef GUEST_HCALL_H
#define GUEST_HCALL_H

#include <stdint.h>
#include "hv/hypercall.h"

/* Not an ABI value: VMCALL raised an exception (see fault_last_vector()). */
#define HCALL_FAULTED (-4096)

int32_t hcall(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2);

int32_t hcall_null(void);
int32_t hcall_console_write(const char *buf, uint32_t len);
int32_t hcall_partition_info(struct hc_partition_info *out);
int32_t hcall_exit(uint32_t code);

/* Readable name of a result ("ok", "ENOSYS", "faulted", ...). */
const char *hcall_strerror(int32_t r);

#endif

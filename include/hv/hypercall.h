/*
 * The hypercall ABI, shared by the hypervisor and the guests in guests/.
 *
 * A guest issues VMCALL with the function number in EAX/RAX and up to
 * three arguments in EDI/RDI, ESI/RSI and EDX/RDX (the upper halves are
 * ignored when the guest is in 32-bit mode).  The result comes back in
 * EAX/RAX: 0 or a positive value on success, a negative HC_E* on error.
 * VMCALL from guest ring 3 fails with HC_EPERM.
 *
 *   HC_NULL            ()                    -> 0 (does nothing; for benchmarks)
 *   HC_CONSOLE_WRITE   (gpa buf, len)        -> bytes written; len <= 4096,
 *                                               the buffer must lie in guest RAM
 *   HC_PARTITION_INFO  (gpa out)             -> 0; fills struct hc_partition_info
 *   HC_EXIT            (code)                -> does not return; the guest ends
 *                                               with "stopped: exit code <code>"
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#define HC_NULL            0
#define HC_CONSOLE_WRITE   1
#define HC_PARTITION_INFO  2
#define HC_EXIT            3

#define HC_EINVAL  (-22)
#define HC_EFAULT  (-14)
#define HC_ENOSYS  (-38)
#define HC_EPERM   (-1)

#define HC_CONSOLE_MAX 4096

#ifndef __ASSEMBLY__
#include <stdint.h>

struct hc_partition_info {
	uint32_t version;      /* 2 (1 had no ncpus and vcpu) */
	uint32_t cpu;          /* host CPU index the calling vCPU runs on */
	uint64_t ram_size;     /* bytes of guest RAM, from gpa 0 */
	uint64_t hpa_base;     /* informational: where the partition lives */
	char name[32];         /* NUL-terminated guest name */
	uint32_t ncpus;        /* vCPUs of the partition */
	uint32_t vcpu;         /* the calling vCPU's number (its APIC id) */
};
#endif

/* CPUID leaf 0x40000000 answers this signature in EBX, ECX, EDX. */
#define HV_CPUID_SIGNATURE "MicroHVMicro"

#endif

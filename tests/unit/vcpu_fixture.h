/*
 * A partition and its vCPU on the host, for the exit-handler tests.
 *
 * The partition is laid out as on the machine (vmm/partition.h): one
 * buffer holds guest RAM followed by the EPT frame pool, its real struct
 * ept (ept/ept.c) is built on demand from the real frame pool
 * (ept/pool.c), and its devices are the real ones (vmm/dev/platform.c).
 * The buffer's "host-physical" address is what virt_to_phys() gives for
 * it, so phys_to_virt() in vmm/vcpu/helpers.c lands back in the buffer
 * and guest_read()/guest_write() run unchanged.
 *
 * The VMCS is the fake of fake_vmcs.h, the CPU that of fake_cpu.h; both
 * are reset by fx_setup().  The starting state is a 64-bit guest at CPL 0
 * with interrupts on, stopped at FX_RIP on an exit whose instruction is
 * FX_INSN_LEN bytes long.
 */
#ifndef VCPU_FIXTURE_H
#define VCPU_FIXTURE_H

#include "hv/types.h"
#include "ept/ept.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmcs.h"
#include "fake_vmcs.h"
#include "fake_cpu.h"

#define FX_PART_ID   1
#define FX_CPU       3
#define FX_NAME      "fx"
#define FX_RIP       0x10000ull
#define FX_INSN_LEN  3
#define FX_CR3       0x1000ull

/* The default state's registers, as the guest sees them. */
#define FX_CR0  (CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG)
#define FX_CR4  (CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT)
#define FX_EFER (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* Access rights (SDM 24.4.1): 64-bit code, 32-bit code, data at DPL 0 / 3. */
#define FX_AR_CODE64 0xa09bu
#define FX_AR_CODE32 0xc09bu
#define FX_AR_DATA   0xc093u
#define FX_AR_DATA3  0xc0f3u

extern struct partition fx_part;
extern struct vcpu *fx_vcpu;

/* A fresh partition with `ram_size` bytes of RAM (a 4 KiB multiple) and
 * EPT capabilities `caps`; fx_setup() uses 2 MiB leaves and the iTLB
 * erratum, as on most Intel CPUs.  RAM beyond 3 GiB is at 4 GiB and up
 * (ept/guest_ram.h); RAM of more than 64 MiB is reserved address space
 * only, so it costs what the test touches.  Returns the vCPU. */
struct vcpu *fx_setup_caps(uint64_t ram_size, struct ept_caps caps);
struct vcpu *fx_setup(uint64_t ram_size);

/* CR0/CR4 as after an exit that set them (or at VM set-up): the guest's
 * value in the read shadow, the VMX-compatible one in the guest field.
 * (A guest changing only bits it owns changes only the guest field.) */
void fx_set_cr0(uint64_t cr0);
void fx_set_cr4(uint64_t cr4);

/* Switch the default state to 32-bit protected mode, paging off. */
void fx_protected_mode(void);

/* Guest RAM through guest_write()/guest_read() (the EPT maps it); abort
 * the test run if the range is not RAM. */
void fx_write(uint64_t gpa, const void *src, uint64_t len);
void fx_read(uint64_t gpa, void *dst, uint64_t len);

/* The exception queued for the next VM entry: its vector, or -1 if none;
 * *error gets the error code (or -1 without one) when error != NULL. */
int fx_injected_vector(int64_t *error);

/* The last line the guest printed on its UART (vuart's line callback). */
extern char fx_console[256];
extern unsigned fx_console_lines;

#endif

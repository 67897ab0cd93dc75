/*
 * VMX instructions with checked results.  No VMX instruction fails
 * silently: on VMfailInvalid (CF) or VMfailValid (ZF, with the error in
 * the VM-instruction error field) the wrapper logs the instruction, the
 * field and the error, and sets this CPU's vmx_failed flag so the caller
 * stops the guest it was working on.
 *
 * The width of every VMCS access is checked at compile time against the
 * field's encoding (bits 14:13, SDM Appendix B).
 */
#ifndef VMM_VMX_H
#define VMM_VMX_H

#include "hv/types.h"
#include "vmm/vmx/vmcs_fields.h"

void vmx_report_failure(const char *insn, uint64_t field, bool valid);
extern bool vmx_failed[];  /* per CPU; set by a failed VMX instruction */

#ifdef HOST_TEST
/* Host unit tests link a fake VMCS instead (tests/unit/fake_vmcs.c). */
void vmcs_write_raw(uint64_t field, uint64_t v);
uint64_t vmcs_read_raw(uint64_t field);
#else
static inline void vmcs_write_raw(uint64_t field, uint64_t v)
{
	bool cf, zf;

	asm volatile("vmwrite %2, %3" : "=@ccc"(cf), "=@ccz"(zf) : "rm"(v), "r"(field) : "memory");
	if (__builtin_expect(cf || zf, 0))
		vmx_report_failure("vmwrite", field, zf);
}

static inline uint64_t vmcs_read_raw(uint64_t field)
{
	uint64_t v;
	bool cf, zf;

	asm volatile("vmread %3, %2" : "=@ccc"(cf), "=@ccz"(zf), "=rm"(v) : "r"(field) : "memory");
	if (__builtin_expect(cf || zf, 0)) {
		vmx_report_failure("vmread", field, zf);
		return 0;
	}
	return v;
}
#endif

#define VMCS_CHECK_WIDTH(f, w) \
	_Static_assert(VMCS_FIELD_WIDTH(f) == (w), "VMCS field " #f " has another width")

#define vmcs_write16(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); vmcs_write_raw(f, (uint16_t)(v)); })
#define vmcs_write32(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); vmcs_write_raw(f, (uint32_t)(v)); })
#define vmcs_write64(f, v) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); vmcs_write_raw(f, (uint64_t)(v)); })
#define vmcs_writel(f, v)  ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); vmcs_write_raw(f, (uint64_t)(v)); })
#define vmcs_read16(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16); (uint16_t)vmcs_read_raw(f); })
#define vmcs_read32(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32); (uint32_t)vmcs_read_raw(f); })
#define vmcs_read64(f) ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64); vmcs_read_raw(f); })
#define vmcs_readl(f)  ({ VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL); vmcs_read_raw(f); })

struct guest_regs;
/* The world switch (vmx/vmexit.S): load the guest's registers, VMLAUNCH
 * (launched == 0) or VMRESUME, and on the next VM exit save them back and
 * return 0.  1: the instruction failed with no current VMCS, 2: with an
 * error in the VM-instruction error field. */
int vmx_enter(struct guest_regs *regs, int launched);
/* Where a VM exit lands (the VMCS host RIP). */
extern char vmx_exit_entry[];

bool vmx_on(void);                 /* VMXON on this CPU (fixed bits, region) */
bool vmcs_clear(hpa_t vmcs);
bool vmcs_load(hpa_t vmcs);
void invept_single(uint64_t eptp);
void invept_all(void);
void invvpid_single(uint16_t vpid);

#endif

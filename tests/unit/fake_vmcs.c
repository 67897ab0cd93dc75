/* The fake VMCS (see fake_vmcs.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fake_vmcs.h"
#include "vmm/vmx/vmx_caps.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"

#define MAX_FIELDS 256

struct field {
	uint32_t enc;
	uint64_t val;
	unsigned writes;
};

static struct field fields[MAX_FIELDS];
static unsigned nfields, total_writes;

unsigned fake_vmcs_bad_width_writes;
uint64_t fake_cr0_fixed0, fake_cr0_fixed1, fake_cr4_fixed0, fake_cr4_fixed1;
/* The VMX capabilities the code under test sees (all off unless a test
 * sets them), as vmm/vmx/vmx_caps.c would have read them at boot. */
struct vmx_caps vmx_caps;

unsigned fake_vmcs_dumps, fake_invept_single_calls;
uint64_t fake_invept_eptp;
bool vmx_failed[MAX_CPUS];

void fake_vmcs_reset(void)
{
	nfields = 0;
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	total_writes = 0;
	fake_vmcs_bad_width_writes = 0;
	fake_cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
	fake_cr0_fixed1 = 0xffffffffull;
	fake_cr4_fixed0 = CR4_VMXE;
	fake_cr4_fixed1 = 0x776fffull;   /* bits 0-11, 13, 14, 16-18, 20-22 */
	fake_vmcs_dumps = 0;
	fake_invept_single_calls = 0;
	fake_invept_eptp = 0;
	memset(vmx_failed, 0, sizeof(vmx_failed));
}

static struct field *lookup(uint32_t enc, bool create)
{
	for (unsigned i = 0; i < nfields; i++)
		if (fields[i].enc == enc)
			return &fields[i];
	if (!create)
		return NULL;
	if (nfields == MAX_FIELDS) {
		fprintf(stderr, "fake_vmcs: more than %d fields\n", MAX_FIELDS);
		abort();
	}
	fields[nfields] = (struct field){ .enc = enc };
	return &fields[nfields++];
}

void fake_vmcs_set(uint32_t field, uint64_t val)
{
	lookup(field, true)->val = val;
}

uint64_t fake_vmcs_get(uint32_t field)
{
	struct field *f = lookup(field, false);
	return f ? f->val : 0;
}

unsigned fake_vmcs_writes(uint32_t field)
{
	struct field *f = lookup(field, false);
	return f ? f->writes : 0;
}

unsigned fake_vmcs_total_writes(void)
{
	return total_writes;
}

void fake_vmcs_forget_writes(void)
{
	for (unsigned i = 0; i < nfields; i++)
		fields[i].writes = 0;
	total_writes = 0;
}

static uint64_t width_mask(uint32_t enc)
{
	switch (VMCS_FIELD_WIDTH(enc)) {
	case VMCS_WIDTH_16: return 0xffffull;
	case VMCS_WIDTH_32: return 0xffffffffull;
	default:            return ~0ull;
	}
}

/* ---- what vmm/vmx/vmx.h declares under HOST_TEST -------------------------- */

void vmcs_write_raw(uint64_t field, uint64_t v)
{
	struct field *f = lookup((uint32_t)field, true);

	if (v & ~width_mask((uint32_t)field))
		fake_vmcs_bad_width_writes++;
	f->val = v;
	f->writes++;
	total_writes++;
}

uint64_t vmcs_read_raw(uint64_t field)
{
	return fake_vmcs_get((uint32_t)field);
}

void vmx_report_failure(const char *insn, uint64_t field, bool valid)
{
	fprintf(stderr, "fake_vmcs: unexpected %s failure on field 0x%llx\n", insn,
		(unsigned long long)field);
	abort();
}

void invept_single(uint64_t eptp)
{
	fake_invept_single_calls++;
	fake_invept_eptp = eptp;
}

/* ---- what vmm/vmx/vmcs.c provides to the handlers ------------------------- */

/* The rule of vmcs.c: the fixed bits apply except PE/PG (unrestricted
 * guest), and caching stays on whatever the guest asks. */
uint64_t vmcs_cr0_real(uint64_t g)
{
	return ((g & ~(CR0_CD | CR0_NW)) | (fake_cr0_fixed0 & ~(CR0_PE | CR0_PG))) & fake_cr0_fixed1;
}

uint64_t vmcs_cr4_real(uint64_t g)
{
	return (g | fake_cr4_fixed0) & fake_cr4_fixed1;
}

void vmcs_dump(void)
{
	fake_vmcs_dumps++;
}

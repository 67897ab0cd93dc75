/* A partition and its vCPU on the host (see vcpu_fixture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "vcpu_fixture.h"
#include "host_log.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/vcpu/smp.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "arch/x86_64/paging.h"

struct partition fx_part;
struct vcpu *fx_vcpu;
char fx_console[256];
unsigned fx_console_lines;

#define FX_GARBAGE_MAX MIB(64)  /* larger RAM is left as mmap() gives it */

static uint8_t *mem;            /* guest RAM, then the frame pool */
static void *map;               /* the mapping mem lies in */
static uint64_t map_len;
static uint32_t *pool_index;

static void *frame_hva(void *ctx, hpa_t frame)
{
	return phys_to_virt(frame);
}

static void zero_ram(void *ctx, hpa_t a, uint64_t len)
{
	memset(phys_to_virt(a), 0, len);
}

static void console_line(void *ctx, const char *line, size_t len)
{
	snprintf(fx_console, sizeof(fx_console), "%.*s", (int)len, line);
	fx_console_lines++;
}

static void teardown(void)
{
	if (!mem)
		return;
	ept_destroy(&fx_part.ept);
	munmap(map, map_len);
	free(pool_index);
	mem = NULL;
	pool_index = NULL;
}

void fx_set_cr0(uint64_t cr0)
{
	fake_vmcs_set(VMCS_CR0_READ_SHADOW, cr0);
	fake_vmcs_set(VMCS_GUEST_CR0, vmcs_cr0_real(cr0));
}

void fx_set_cr4(uint64_t cr4)
{
	fake_vmcs_set(VMCS_CR4_READ_SHADOW, cr4);
	fake_vmcs_set(VMCS_GUEST_CR4, vmcs_cr4_real(cr4));
}

static void default_vmcs(void)
{
	/* the guest/host masks as vmm/vmx/vmcs.c sets them */
	fake_vmcs_set(VMCS_CR0_GUEST_HOST_MASK, (fake_cr0_fixed0 & ~(CR0_PE | CR0_PG)) | ~fake_cr0_fixed1 |
		      CR0_CD | CR0_NW);
	fake_vmcs_set(VMCS_CR4_GUEST_HOST_MASK, fake_cr4_fixed0 | ~fake_cr4_fixed1 | CR4_VMXE | CR4_SMXE);
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_GUEST_RSP, 0x8000);
	fake_vmcs_set(VMCS_GUEST_RFLAGS, 0x2 | RFLAGS_IF);
	fake_vmcs_set(VMCS_EXIT_INSTRUCTION_LEN, FX_INSN_LEN);
	fx_set_cr0(FX_CR0);
	fx_set_cr4(FX_CR4);
	fake_vmcs_set(VMCS_GUEST_CR3, FX_CR3);
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, FX_EFER);
	fake_vmcs_set(VMCS_ENTRY_CTLS, VMX_ENTRY_IA32E_MODE_GUEST | VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT);
	fake_vmcs_set(VMCS_PROC_BASED_CTLS, VMX_PROC_HLT_EXITING | VMX_PROC_USE_IO_BITMAPS |
		      VMX_PROC_USE_MSR_BITMAPS | VMX_PROC_ACTIVATE_SECONDARY);
	fake_vmcs_set(VMCS_GUEST_CS_AR, FX_AR_CODE64);
	fake_vmcs_set(VMCS_GUEST_SS_AR, FX_AR_DATA);
	fake_vmcs_set(VMCS_GUEST_INTERRUPTIBILITY, 0);
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fake_vmcs_set(VMCS_GUEST_IA32_PAT, 0x0007040600070406ull);
}

struct vcpu *fx_setup_caps(uint64_t ram_size, struct ept_caps caps)
{
	struct partition *p = &fx_part;
	uint64_t npool = frame_pool_pages(ram_size);
	uint64_t total = ram_size + npool * PAGE_SIZE;

	teardown();
	fake_vmcs_reset();
	fake_cpu_reset();
	host_log_clear();
	fx_console[0] = 0;
	fx_console_lines = 0;

	/* aligned as partition.c aligns it (1 GiB from 1 GiB of RAM up, else
	 * 2 MiB) so that large leaves can be used; reserved, not committed,
	 * so a test can have GiBs of RAM and touch only a few pages */
	uint64_t align = ram_size >= SIZE_1G ? SIZE_1G : SIZE_2M;
	map_len = total + align;
	map = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	pool_index = malloc(frame_pool_index_bytes((uint32_t)npool));
	if (map == MAP_FAILED || !pool_index)
		abort();
	mem = (uint8_t *)ALIGN_UP((uintptr_t)map, align);
	if (total <= FX_GARBAGE_MAX)
		memset(mem, 0xa5, total);   /* garbage: RAM must be zeroed when the EPT maps it */

	memset(p, 0, sizeof(*p));
	p->id = FX_PART_ID;
	p->name = FX_NAME;
	p->cpu = FX_CPU;
	p->base = virt_to_phys(mem);
	p->ram_size = ram_size;
	p->total_size = total;
	static struct vcpu vcpus[CONFIG_MAX_VCPUS];

	memset(vcpus, 0, sizeof(vcpus));
	p->vcpus = vcpus;                /* partition_create() allocates them */
	p->nvcpus = 1;
	p->vcpus[0].part = p;
	p->vcpus[0].cpu = FX_CPU;
	p->logged_ports.max = PARTITION_PORTS_LOGGED;     /* as partition_create() sets them */
	p->logged_msrs.max = PARTITION_MSRS_LOGGED;
	frame_pool_init(&p->pool, HPA(p->base.v + ram_size), (uint32_t)npool, pool_index,
			frame_pool_index_bytes((uint32_t)npool));
	struct ept_config ec = {
		.ram_base = p->base, .ram_size = ram_size, .caps = caps,
		.ops = { frame_pool_alloc, frame_pool_free, frame_hva, zero_ram, &p->pool },
	};
	if (ept_init(&p->ept, &ec) != EPT_INIT_OK) {
		fprintf(stderr, "vcpu_fixture: ept_init failed\n");
		abort();
	}
	vcpu_msr_state_reset(&p->vcpus[0].msr);   /* as boot_guest() in vmm/vcpu/run.c */
	platform_reset(&p->platform, &(struct platform_config){
		.ram_size = ram_size, .ncpus = 1, .console_line = console_line, .console_ctx = p });
	platform_lapic_reset(&p->vcpus[0].lapic, 0, NULL, NULL, vcpu_lapic_clock, &p->vcpus[0]);
	default_vmcs();
	fx_vcpu = &p->vcpus[0];
	return fx_vcpu;
}

struct vcpu *fx_setup(uint64_t ram_size)
{
	return fx_setup_caps(ram_size, (struct ept_caps){ .page_2m = true, .itlb_multihit = true });
}

void fx_protected_mode(void)
{
	fx_set_cr0(CR0_PE | CR0_ET | CR0_NE);
	fx_set_cr4(0);
	fake_vmcs_set(VMCS_GUEST_IA32_EFER, 0);
	fake_vmcs_set(VMCS_ENTRY_CTLS, VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT);
	fake_vmcs_set(VMCS_GUEST_CS_AR, FX_AR_CODE32);
}

void fx_write(uint64_t gpa, const void *src, uint64_t len)
{
	if (!guest_write(&fx_part, GPA(gpa), src, len)) {
		fprintf(stderr, "vcpu_fixture: fx_write(0x%llx, %llu) outside RAM\n",
			(unsigned long long)gpa, (unsigned long long)len);
		abort();
	}
}

void fx_read(uint64_t gpa, void *dst, uint64_t len)
{
	if (!guest_read(&fx_part, GPA(gpa), dst, len)) {
		fprintf(stderr, "vcpu_fixture: fx_read(0x%llx, %llu) outside RAM\n",
			(unsigned long long)gpa, (unsigned long long)len);
		abort();
	}
}

int fx_injected_vector(int64_t *error)
{
	uint32_t info = (uint32_t)fake_vmcs_get(VMCS_ENTRY_INTR_INFO);

	if (!(info & VMX_INTR_INFO_VALID))
		return -1;
	if (error)
		*error = info & VMX_INTR_INFO_ERROR_CODE ?
			 (int64_t)fake_vmcs_get(VMCS_ENTRY_EXCEPTION_ERROR_CODE) : -1;
	return (int)(info & VMX_INTR_INFO_VECTOR_MASK);
}

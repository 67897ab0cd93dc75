/*
 * The VMX capability report printed on every boot.
 *
 * VMX needs CPUID.1:ECX.VMX[bit 5] and IA32_FEATURE_CONTROL (0x3a) with
 * bit 0 (lock) and bit 2 (VMX outside SMX) set (SDM 24.7).  If firmware
 * left the MSR unlocked we enable VMX and lock it; if it locked it with
 * VMX off only the firmware setup can change that.
 */
#include "vmm/vmx/vmx_caps.h"
#include "vmm/vmx/vmcs_fields.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "hv/log.h"
#include "hv/string.h"
#include "lib/fmt.h"

#define FC_LOCK        (1ull << 0)
#define FC_VMX_OUTSIDE_SMX (1ull << 2)

/* IA32_VMX_EPT_VPID_CAP bits (SDM Appendix A.10) */
#define EPT_CAP_4LEVEL     (1ull << 6)
#define EPT_CAP_WB         (1ull << 14)
#define EPT_CAP_2M         (1ull << 16)
#define EPT_CAP_1G         (1ull << 17)
#define EPT_CAP_INVEPT     (1ull << 20)
#define EPT_CAP_AD         (1ull << 21)
#define EPT_CAP_INVEPT_SINGLE (1ull << 25)
#define EPT_CAP_INVEPT_ALL (1ull << 26)
#define VPID_CAP_INVVPID   (1ull << 32)

#define ARCH_CAP_IF_PSCHANGE_MC_NO (1ull << 6)

struct vmx_caps vmx_caps;

bool vmx_ctl_adjust(uint64_t msr, uint32_t want, uint32_t *out, uint32_t *missing)
{
	uint32_t must = (uint32_t)msr, may = (uint32_t)(msr >> 32);

	*out = (want | must) & may;
	*missing = want & ~may;
	return *missing == 0;
}

/* Each CPU has its own IA32_FEATURE_CONTROL, and firmware does not
 * always set them all alike: every CPU checks (and locks) its own. */
bool vmx_feature_control_ok(const char **why)
{
	uint64_t fc;

	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc)) {
		*why = "IA32_FEATURE_CONTROL cannot be read";
		return false;
	}
	if (!(fc & FC_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, fc | FC_LOCK | FC_VMX_OUTSIDE_SMX);
		log_printf("hv: vmx: cpu %d: IA32_FEATURE_CONTROL was unlocked; VMX enabled and locked\n",
			   cpu_index());
		return true;
	}
	if (!(fc & FC_VMX_OUTSIDE_SMX)) {
		*why = "VMX is disabled and locked by the firmware; enable VT-x in the firmware setup";
		return false;
	}
	return true;
}

static bool feature_control_ok(void)
{
	return vmx_feature_control_ok(&vmx_caps.why_not);
}

static void read_msrs(struct vmx_caps *c)
{
	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	c->true_ctls = c->basic & (1ull << 55);
	c->pin = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS);
	c->proc = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS);
	c->entry = rdmsr(c->true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS);
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	if (c->proc >> 32 & VMX_PROC_ACTIVATE_SECONDARY)
		c->proc2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	uint32_t p2 = (uint32_t)(c->proc2 >> 32);
	if (p2 & (VMX_PROC2_ENABLE_EPT | VMX_PROC2_ENABLE_VPID))
		c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
}

static void decode(struct vmx_caps *c)
{
	uint32_t p2 = (uint32_t)(c->proc2 >> 32);
	uint64_t ev = c->ept_vpid, arch = 0;

	c->ept = (p2 & VMX_PROC2_ENABLE_EPT) && (ev & EPT_CAP_4LEVEL) && (ev & EPT_CAP_WB);
	c->ept_4level = ev & EPT_CAP_4LEVEL;
	c->ept_wb = ev & EPT_CAP_WB;
	c->ept_2m = c->ept && (ev & EPT_CAP_2M);
	c->ept_1g = c->ept && (ev & EPT_CAP_1G);
	c->ept_ad = c->ept && (ev & EPT_CAP_AD);
	c->invept = ev & EPT_CAP_INVEPT;
	c->invept_single = c->invept && (ev & EPT_CAP_INVEPT_SINGLE);
	c->invept_all = c->invept && (ev & EPT_CAP_INVEPT_ALL);
	c->unrestricted = p2 & VMX_PROC2_UNRESTRICTED_GUEST;
	c->vpid = p2 & VMX_PROC2_ENABLE_VPID;
	c->invvpid = c->vpid && (ev & VPID_CAP_INVVPID);
	c->apicv = p2 & VMX_PROC2_VIRT_APIC_ACCESSES;
	c->x2apic_virt = p2 & VMX_PROC2_VIRT_X2APIC;
	c->x2apic = cpuid(1, 0).ecx & (1u << 21);
	c->virtual_nmis = ((c->pin >> 32) & VMX_PIN_VIRTUAL_NMIS) &&
			  ((c->proc >> 32) & VMX_PROC_NMI_WINDOW_EXITING);
	c->preempt_timer = (c->pin >> 32) & VMX_PIN_PREEMPTION_TIMER;
	c->preempt_save = c->preempt_timer && ((c->exit >> 32) & VMX_EXIT_SAVE_PREEMPTION_TIMER);
	c->preempt_rate = (unsigned)(c->misc & 0x1f);   /* IA32_VMX_MISC bits 4:0 */
	c->maxphyaddr = cpuid(0x80000008, 0).eax & 0xff;
	/* IA32_ARCH_CAPABILITIES exists when CPUID.7.0:EDX[29]; without it, assume affected */
	if (cpuid(0, 0).eax >= 7 && (cpuid(7, 0).edx & (1u << 29)))
		rdmsr_safe(MSR_IA32_ARCH_CAPABILITIES, &arch);
	c->itlb_multihit = !(arch & ARCH_CAP_IF_PSCHANGE_MC_NO);
}

static void report(const struct vmx_caps *c)
{
	static const struct { size_t off; const char *name; } tokens[] = {
		{ offsetof(struct vmx_caps, ept), "ept" },
		{ offsetof(struct vmx_caps, ept_2m), "ept-2m" },
		{ offsetof(struct vmx_caps, ept_1g), "ept-1g" },
		{ offsetof(struct vmx_caps, ept_ad), "ept-ad" },
		{ offsetof(struct vmx_caps, unrestricted), "unrestricted" },
		{ offsetof(struct vmx_caps, vpid), "vpid" },
		{ offsetof(struct vmx_caps, invept_single), "invept-single" },
		{ offsetof(struct vmx_caps, invept_all), "invept-all" },
		{ offsetof(struct vmx_caps, invvpid), "invvpid" },
		{ offsetof(struct vmx_caps, apicv), "apicv" },
		{ offsetof(struct vmx_caps, x2apic_virt), "x2apic-virt" },
		{ offsetof(struct vmx_caps, x2apic), "x2apic" },
		{ offsetof(struct vmx_caps, preempt_timer), "preempt-timer" },
	};
	char line[256];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tokens); i++)
		if (*(const bool *)((const char *)c + tokens[i].off))
			fmt_append(line, sizeof(line), &n, " %s", tokens[i].name);
	line[n] = 0;
	log_printf("hv: vmx:%s\n", line);
	log_printf("hv: vmx: basic %016llx proc2 %016llx ept/vpid %016llx cr4 fixed %llx/%llx%s\n",
		   (unsigned long long)c->basic, (unsigned long long)c->proc2,
		   (unsigned long long)c->ept_vpid, (unsigned long long)c->cr4_fixed0,
		   (unsigned long long)c->cr4_fixed1,
		   c->itlb_multihit ? ", iTLB-multihit: executable large pages are split" : "");
}

void vmx_caps_probe(void)
{
	struct vmx_caps *c = &vmx_caps;

	memset(c, 0, sizeof(*c));
	if (!(cpuid(1, 0).ecx & (1u << 5))) {
		struct cpuid_regs v = cpuid(0, 0);
		c->why_not = memcmp(&v.ebx, "Auth", 4) == 0
			? "this CPU has no VMX (an AMD CPU: only Intel VT-x is supported)"
			: "this CPU has no VMX (CPUID.1:ECX.VMX is clear; under QEMU use KVM on an Intel host, or Bochs)";
	} else if (feature_control_ok()) {
		read_msrs(c);
		decode(c);
		if (!c->ept)
			c->why_not = "the CPU's VMX has no EPT with 4-level walks and write-back tables";
		else if (!c->unrestricted)
			c->why_not = "the CPU's VMX has no unrestricted guest mode";
		else
			c->usable = true;
	}
	if (c->usable)
		report(c);
	else
		log_printf("hv: vmx: unavailable: %s\n", c->why_not);
}

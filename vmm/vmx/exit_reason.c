/*
 * Name tables for the two numbers a VMX failure report prints: the basic
 * exit reason (SDM Vol. 3D Appendix C) and the VM-instruction error
 * (SDM 3C 31.4).  Only used for logs, so the names are short.
 */
#include "vmm/vmx/exit_reason.h"
#include "vmm/vmx/vmcs_fields.h"
#include "hv/types.h"

static const char *const exit_names[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI]          = "exception or nmi",
	[EXIT_REASON_EXTERNAL_INTERRUPT]     = "external interrupt",
	[EXIT_REASON_TRIPLE_FAULT]           = "triple fault",
	[EXIT_REASON_INIT]                   = "init signal",
	[EXIT_REASON_SIPI]                   = "sipi",
	[EXIT_REASON_IO_SMI]                 = "i/o smi",
	[EXIT_REASON_OTHER_SMI]              = "other smi",
	[EXIT_REASON_INTERRUPT_WINDOW]       = "interrupt window",
	[EXIT_REASON_NMI_WINDOW]             = "nmi window",
	[EXIT_REASON_TASK_SWITCH]            = "task switch",
	[EXIT_REASON_CPUID]                  = "cpuid",
	[EXIT_REASON_GETSEC]                 = "getsec",
	[EXIT_REASON_HLT]                    = "hlt",
	[EXIT_REASON_INVD]                   = "invd",
	[EXIT_REASON_INVLPG]                 = "invlpg",
	[EXIT_REASON_RDPMC]                  = "rdpmc",
	[EXIT_REASON_RDTSC]                  = "rdtsc",
	[EXIT_REASON_RSM]                    = "rsm",
	[EXIT_REASON_VMCALL]                 = "vmcall",
	[EXIT_REASON_VMCLEAR]                = "vmclear",
	[EXIT_REASON_VMLAUNCH]               = "vmlaunch",
	[EXIT_REASON_VMPTRLD]                = "vmptrld",
	[EXIT_REASON_VMPTRST]                = "vmptrst",
	[EXIT_REASON_VMREAD]                 = "vmread",
	[EXIT_REASON_VMRESUME]               = "vmresume",
	[EXIT_REASON_VMWRITE]                = "vmwrite",
	[EXIT_REASON_VMXOFF]                 = "vmxoff",
	[EXIT_REASON_VMXON]                  = "vmxon",
	[EXIT_REASON_CR_ACCESS]              = "cr access",
	[EXIT_REASON_DR_ACCESS]              = "dr access",
	[EXIT_REASON_IO_INSTRUCTION]         = "i/o instruction",
	[EXIT_REASON_RDMSR]                  = "rdmsr",
	[EXIT_REASON_WRMSR]                  = "wrmsr",
	[EXIT_REASON_ENTRY_FAIL_GUEST_STATE] = "entry failure: invalid guest state",
	[EXIT_REASON_ENTRY_FAIL_MSR_LOADING] = "entry failure: msr loading",
	[EXIT_REASON_MWAIT]                  = "mwait",
	[EXIT_REASON_MONITOR_TRAP]           = "monitor trap flag",
	[EXIT_REASON_MONITOR]                = "monitor",
	[EXIT_REASON_PAUSE]                  = "pause",
	[EXIT_REASON_ENTRY_FAIL_MCE]         = "entry failure: machine check",
	[EXIT_REASON_TPR_BELOW_THRESHOLD]    = "tpr below threshold",
	[EXIT_REASON_APIC_ACCESS]            = "apic access",
	[EXIT_REASON_VIRTUALIZED_EOI]        = "virtualized eoi",
	[EXIT_REASON_GDTR_IDTR]              = "gdtr/idtr access",
	[EXIT_REASON_LDTR_TR]                = "ldtr/tr access",
	[EXIT_REASON_EPT_VIOLATION]          = "ept violation",
	[EXIT_REASON_EPT_MISCONFIG]          = "ept misconfiguration",
	[EXIT_REASON_INVEPT]                 = "invept",
	[EXIT_REASON_RDTSCP]                 = "rdtscp",
	[EXIT_REASON_PREEMPTION_TIMER]       = "preemption timer",
	[EXIT_REASON_INVVPID]                = "invvpid",
	[EXIT_REASON_WBINVD]                 = "wbinvd",
	[EXIT_REASON_XSETBV]                 = "xsetbv",
	[EXIT_REASON_APIC_WRITE]             = "apic write",
	[EXIT_REASON_RDRAND]                 = "rdrand",
	[EXIT_REASON_INVPCID]                = "invpcid",
	[EXIT_REASON_VMFUNC]                 = "vmfunc",
	[EXIT_REASON_ENCLS]                  = "encls",
	[EXIT_REASON_RDSEED]                 = "rdseed",
	[EXIT_REASON_PML_FULL]               = "pml full",
	[EXIT_REASON_XSAVES]                 = "xsaves",
	[EXIT_REASON_XRSTORS]                = "xrstors",
	[EXIT_REASON_PCONFIG]                = "pconfig",
	[EXIT_REASON_SPP_EVENT]              = "spp event",
	[EXIT_REASON_UMWAIT]                 = "umwait",
	[EXIT_REASON_TPAUSE]                 = "tpause",
	[EXIT_REASON_LOADIWKEY]              = "loadiwkey",
	[EXIT_REASON_ENCLV]                  = "enclv",
	[EXIT_REASON_SGX_CONFLICT]           = "sgx conflict",
	[EXIT_REASON_ENQCMD_PASID_FAIL]      = "enqcmd pasid translation failure",
	[EXIT_REASON_ENQCMDS_PASID_FAIL]     = "enqcmds pasid translation failure",
	[EXIT_REASON_BUS_LOCK]               = "bus lock",
	[EXIT_REASON_NOTIFY]                 = "notify window",
	[EXIT_REASON_SEAMCALL]               = "seamcall",
	[EXIT_REASON_TDCALL]                 = "tdcall",
};

static const char *const insn_error_names[] = {
	[VMX_INSN_ERR_VMCALL_IN_ROOT]          = "vmcall in vmx root operation",
	[VMX_INSN_ERR_VMCLEAR_BAD_ADDR]        = "vmclear with invalid physical address",
	[VMX_INSN_ERR_VMCLEAR_VMXON_PTR]       = "vmclear with vmxon pointer",
	[VMX_INSN_ERR_VMLAUNCH_NOT_CLEAR]      = "vmlaunch with non-clear vmcs",
	[VMX_INSN_ERR_VMRESUME_NOT_LAUNCHED]   = "vmresume with non-launched vmcs",
	[VMX_INSN_ERR_VMRESUME_AFTER_VMXOFF]   = "vmresume after vmxoff",
	[VMX_INSN_ERR_ENTRY_BAD_CONTROLS]      = "vm entry with invalid control field(s)",
	[VMX_INSN_ERR_ENTRY_BAD_HOST_STATE]    = "vm entry with invalid host-state field(s)",
	[VMX_INSN_ERR_VMPTRLD_BAD_ADDR]        = "vmptrld with invalid physical address",
	[VMX_INSN_ERR_VMPTRLD_VMXON_PTR]       = "vmptrld with vmxon pointer",
	[VMX_INSN_ERR_VMPTRLD_BAD_REVISION]    = "vmptrld with incorrect vmcs revision id",
	[VMX_INSN_ERR_UNSUPPORTED_FIELD]       = "vmread/vmwrite of unsupported vmcs component",
	[VMX_INSN_ERR_VMWRITE_READ_ONLY]       = "vmwrite to read-only vmcs component",
	[VMX_INSN_ERR_VMXON_IN_ROOT]           = "vmxon in vmx root operation",
	[VMX_INSN_ERR_ENTRY_BAD_EXEC_VMCS_PTR] = "vm entry with invalid executive-vmcs pointer",
	[VMX_INSN_ERR_ENTRY_EXEC_VMCS_NOT_LAUNCHED] = "vm entry with non-launched executive vmcs",
	[VMX_INSN_ERR_ENTRY_EXEC_VMCS_NOT_VMXON] = "vm entry with executive-vmcs pointer not vmxon pointer",
	[VMX_INSN_ERR_VMCALL_NOT_CLEAR]        = "vmcall with non-clear vmcs",
	[VMX_INSN_ERR_VMCALL_BAD_EXIT_CONTROLS] = "vmcall with invalid vm-exit control fields",
	[VMX_INSN_ERR_VMCALL_BAD_MSEG_REVISION] = "vmcall with incorrect mseg revision id",
	[VMX_INSN_ERR_VMXOFF_DUAL_MONITOR]     = "vmxoff under dual-monitor treatment",
	[VMX_INSN_ERR_VMCALL_BAD_SMM_FEATURES] = "vmcall with invalid smm-monitor features",
	[VMX_INSN_ERR_ENTRY_BAD_EXEC_CONTROLS] = "vm entry with invalid execution controls in executive vmcs",
	[VMX_INSN_ERR_ENTRY_MOV_SS_BLOCKING]   = "vm entry with events blocked by mov ss",
	[VMX_INSN_ERR_INVEPT_INVVPID_OPERAND]  = "invalid operand to invept/invvpid",
};

/* Look n up in a sparse designated-initializer table. */
static const char *table_name(const char *const *table, size_t len, unsigned n)
{
	if (n >= len || !table[n])
		return "unknown";
	return table[n];
}

const char *exit_reason_name(unsigned reason)
{
	return table_name(exit_names, ARRAY_SIZE(exit_names),
			  EXIT_REASON_BASIC(reason));
}

const char *vmx_insn_error_name(unsigned n)
{
	return table_name(insn_error_names, ARRAY_SIZE(insn_error_names), n);
}

/*
 * VMX basic exit reasons (Intel SDM Vol. 3D Appendix C, "VMX Basic Exit
 * Reasons") and a name table for logs and VMCS dumps.
 *
 * The exit-reason field (VMCS_EXIT_REASON) holds the basic reason in bits
 * 15:0 and flags above it (SDM 3C 28.2.1, "Basic VM-Exit Information").
 */
#ifndef VMM_EXIT_REASON_H
#define VMM_EXIT_REASON_H

#define EXIT_REASON_BASIC(r)            ((r) & 0xFFFFu)
#define EXIT_REASON_FLAG_BUS_LOCK       (1u << 26)
#define EXIT_REASON_FLAG_ENCLAVE        (1u << 27)
#define EXIT_REASON_FLAG_PENDING_MTF    (1u << 28)
#define EXIT_REASON_FLAG_FROM_ROOT      (1u << 29)
#define EXIT_REASON_FLAG_ENTRY_FAIL     (1u << 31)

#define EXIT_REASON_EXCEPTION_NMI       0
#define EXIT_REASON_EXTERNAL_INTERRUPT  1
#define EXIT_REASON_TRIPLE_FAULT        2
#define EXIT_REASON_INIT                3
#define EXIT_REASON_SIPI                4
#define EXIT_REASON_IO_SMI              5
#define EXIT_REASON_OTHER_SMI           6
#define EXIT_REASON_INTERRUPT_WINDOW    7
#define EXIT_REASON_NMI_WINDOW          8
#define EXIT_REASON_TASK_SWITCH         9
#define EXIT_REASON_CPUID               10
#define EXIT_REASON_GETSEC              11
#define EXIT_REASON_HLT                 12
#define EXIT_REASON_INVD                13
#define EXIT_REASON_INVLPG              14
#define EXIT_REASON_RDPMC               15
#define EXIT_REASON_RDTSC               16
#define EXIT_REASON_RSM                 17
#define EXIT_REASON_VMCALL              18
#define EXIT_REASON_VMCLEAR             19
#define EXIT_REASON_VMLAUNCH            20
#define EXIT_REASON_VMPTRLD             21
#define EXIT_REASON_VMPTRST             22
#define EXIT_REASON_VMREAD              23
#define EXIT_REASON_VMRESUME            24
#define EXIT_REASON_VMWRITE             25
#define EXIT_REASON_VMXOFF              26
#define EXIT_REASON_VMXON               27
#define EXIT_REASON_CR_ACCESS           28
#define EXIT_REASON_DR_ACCESS           29
#define EXIT_REASON_IO_INSTRUCTION      30
#define EXIT_REASON_RDMSR               31
#define EXIT_REASON_WRMSR               32
#define EXIT_REASON_ENTRY_FAIL_GUEST_STATE 33
#define EXIT_REASON_ENTRY_FAIL_MSR_LOADING 34
/* 35 is not used */
#define EXIT_REASON_MWAIT               36
#define EXIT_REASON_MONITOR_TRAP        37
/* 38 is not used */
#define EXIT_REASON_MONITOR             39
#define EXIT_REASON_PAUSE               40
#define EXIT_REASON_ENTRY_FAIL_MCE      41
/* 42 is not used */
#define EXIT_REASON_TPR_BELOW_THRESHOLD 43
#define EXIT_REASON_APIC_ACCESS         44
#define EXIT_REASON_VIRTUALIZED_EOI     45
#define EXIT_REASON_GDTR_IDTR           46
#define EXIT_REASON_LDTR_TR             47
#define EXIT_REASON_EPT_VIOLATION       48
#define EXIT_REASON_EPT_MISCONFIG       49
#define EXIT_REASON_INVEPT              50
#define EXIT_REASON_RDTSCP              51
#define EXIT_REASON_PREEMPTION_TIMER    52
#define EXIT_REASON_INVVPID             53
#define EXIT_REASON_WBINVD              54
#define EXIT_REASON_XSETBV              55
#define EXIT_REASON_APIC_WRITE          56
#define EXIT_REASON_RDRAND              57
#define EXIT_REASON_INVPCID             58
#define EXIT_REASON_VMFUNC              59
#define EXIT_REASON_ENCLS               60
#define EXIT_REASON_RDSEED              61
#define EXIT_REASON_PML_FULL            62
#define EXIT_REASON_XSAVES              63
#define EXIT_REASON_XRSTORS             64
#define EXIT_REASON_PCONFIG             65
#define EXIT_REASON_SPP_EVENT           66
#define EXIT_REASON_UMWAIT              67
#define EXIT_REASON_TPAUSE              68
#define EXIT_REASON_LOADIWKEY           69
#define EXIT_REASON_ENCLV               70
#define EXIT_REASON_SGX_CONFLICT        71
#define EXIT_REASON_ENQCMD_PASID_FAIL   72
#define EXIT_REASON_ENQCMDS_PASID_FAIL  73
#define EXIT_REASON_BUS_LOCK            74
#define EXIT_REASON_NOTIFY              75
#define EXIT_REASON_SEAMCALL            76
#define EXIT_REASON_TDCALL              77
#define EXIT_REASON_COUNT               78

/*
 * Readable lower-case name of an exit reason ("cpuid", "ept violation").
 * Takes the raw exit-reason field or the basic reason: the flag bits are
 * ignored.  Returns "unknown" for reasons the table does not name.
 */
const char *exit_reason_name(unsigned reason);

#endif

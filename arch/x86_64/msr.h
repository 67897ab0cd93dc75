/*
 * Model-specific register numbers (SDM Vol. 4), each with the CPUID
 * feature that says it exists.  The one list for the whole hypervisor:
 * the host code, the MSR exits and the device models all use it.
 */
#ifndef ARCH_MSR_H
#define ARCH_MSR_H

#define MSR_IA32_TSC              0x10
#define MSR_IA32_APIC_BASE        0x1b   /* CPUID.1:EDX.APIC */
#define MSR_IA32_FEATURE_CONTROL  0x3a   /* CPUID.1:ECX.VMX or SMX */
#define MSR_IA32_SPEC_CTRL        0x48   /* CPUID.7.0:EDX[26] IBRS, [27] STIBP, [31] SSBD */
#define MSR_IA32_PRED_CMD         0x49   /* CPUID.7.0:EDX[26] IBPB; write-only */
#define MSR_IA32_TSC_ADJUST       0x3b   /* CPUID.7.0:EBX[1] */
#define MSR_IA32_BIOS_SIGN_ID     0x8b   /* microcode revision */
#define MSR_IA32_MTRRCAP          0xfe
#define MSR_IA32_ARCH_CAPABILITIES 0x10a /* CPUID.7.0:EDX[29] */
#define MSR_IA32_FLUSH_CMD        0x10b  /* CPUID.7.0:EDX[28] L1D_FLUSH; write-only */
#define MSR_IA32_CORE_CAPABILITIES 0xcf  /* CPUID.7.0:EDX[30] */
#define MSR_IA32_SYSENTER_CS      0x174
#define MSR_IA32_MCG_CAP          0x179  /* CPUID.1:EDX.MCA */
#define MSR_IA32_MCG_STATUS       0x17a
#define MSR_IA32_SYSENTER_ESP     0x175
#define MSR_IA32_SYSENTER_EIP     0x176
#define MSR_IA32_MISC_ENABLE      0x1a0
#define MSR_IA32_PAT              0x277  /* CPUID.1:EDX.PAT */
#define MSR_IA32_MTRR_DEF_TYPE    0x2ff
#define MSR_IA32_VMX_BASIC        0x480  /* CPUID.1:ECX.VMX */
#define MSR_IA32_VMX_PINBASED_CTLS 0x481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x482
#define MSR_IA32_VMX_EXIT_CTLS    0x483
#define MSR_IA32_VMX_ENTRY_CTLS   0x484
#define MSR_IA32_VMX_MISC         0x485
#define MSR_IA32_VMX_CR0_FIXED0   0x486
#define MSR_IA32_VMX_CR0_FIXED1   0x487
#define MSR_IA32_VMX_CR4_FIXED0   0x488
#define MSR_IA32_VMX_CR4_FIXED1   0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP 0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490
#define MSR_IA32_TSC_DEADLINE     0x6e0  /* CPUID.1:ECX[24] */
#define MSR_IA32_X2APIC_FIRST     0x800  /* x2APIC register n: 0x800 + MMIO offset / 16 */
#define MSR_IA32_X2APIC_ICR       0x830  /* both ICR halves in one MSR */
#define MSR_IA32_X2APIC_LAST      0x8ff
#define MSR_IA32_XSS              0xda0  /* CPUID.(EAX=0DH,ECX=1):EAX[3] */
#define MSR_IA32_EFER             0xc0000080
#define MSR_IA32_STAR             0xc0000081
#define MSR_IA32_LSTAR            0xc0000082
#define MSR_IA32_CSTAR            0xc0000083
#define MSR_IA32_FMASK            0xc0000084
#define MSR_IA32_FS_BASE          0xc0000100
#define MSR_IA32_GS_BASE          0xc0000101
#define MSR_IA32_KERNEL_GS_BASE   0xc0000102
#define MSR_IA32_TSC_AUX          0xc0000103

#endif

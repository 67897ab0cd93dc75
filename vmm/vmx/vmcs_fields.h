/*
 * VMCS field encodings, VMX control bits and VM-instruction error numbers.
 *
 * One table, grouped as in Intel SDM Vol. 3D Appendix B ("Field Encoding in
 * VMCS"; Vol. 3C in older editions).  An encoding is a 32-bit value:
 *
 *   bit  0      access type (0 = full, 1 = high half of a 64-bit field)
 *   bits 9:1    index
 *   bits 11:10  type  (0 control, 1 read-only data, 2 guest state, 3 host state)
 *   bits 14:13  width (0 16-bit, 1 64-bit, 2 32-bit, 3 natural width)
 *
 * so the accessors can check a field's width from its encoding alone
 * (VMCS_FIELD_WIDTH) and the _Static_asserts at the end check that each
 * group below was typed into the right section.
 *
 * Section numbers below follow recent SDM editions (VMCS chapter 25, VM entries
 * 27, VMX instruction reference 31); older editions number them one lower
 * (24, 26, 30).
 *
 * Plain #defines so the file can also be included from assembly.
 */
#ifndef VMM_VMCS_FIELDS_H
#define VMM_VMCS_FIELDS_H

/* ---- encoding layout ---------------------------------------------------- */
#define VMCS_WIDTH_16      0u
#define VMCS_WIDTH_64      1u
#define VMCS_WIDTH_32      2u
#define VMCS_WIDTH_NATURAL 3u

#define VMCS_TYPE_CONTROL  0u
#define VMCS_TYPE_RO_DATA  1u
#define VMCS_TYPE_GUEST    2u
#define VMCS_TYPE_HOST     3u

#define VMCS_FIELD_WIDTH(enc) ((((unsigned)(enc)) >> 13) & 3u)
#define VMCS_FIELD_TYPE(enc)  ((((unsigned)(enc)) >> 10) & 3u)
/* The upper 32 bits of a 64-bit field, for 32-bit VMREAD/VMWRITE. */
#define VMCS_FIELD_HIGH(enc)  ((enc) | 1u)

/* ---- 16-bit control fields (B.1.1) ------------------------------------- */
#define VMCS_VPID                       0x0000
#define VMCS_POSTED_INTR_NV             0x0002
#define VMCS_EPTP_INDEX                 0x0004

/* ---- 16-bit guest-state fields (B.1.2) --------------------------------- */
#define VMCS_GUEST_ES_SEL               0x0800
#define VMCS_GUEST_CS_SEL               0x0802
#define VMCS_GUEST_SS_SEL               0x0804
#define VMCS_GUEST_DS_SEL               0x0806
#define VMCS_GUEST_FS_SEL               0x0808
#define VMCS_GUEST_GS_SEL               0x080A
#define VMCS_GUEST_LDTR_SEL             0x080C
#define VMCS_GUEST_TR_SEL               0x080E
#define VMCS_GUEST_INTR_STATUS          0x0810
#define VMCS_GUEST_PML_INDEX            0x0812

/* ---- 16-bit host-state fields (B.1.3) ---------------------------------- */
#define VMCS_HOST_ES_SEL                0x0C00
#define VMCS_HOST_CS_SEL                0x0C02
#define VMCS_HOST_SS_SEL                0x0C04
#define VMCS_HOST_DS_SEL                0x0C06
#define VMCS_HOST_FS_SEL                0x0C08
#define VMCS_HOST_GS_SEL                0x0C0A
#define VMCS_HOST_TR_SEL                0x0C0C

/* ---- 64-bit control fields (B.2.1) ------------------------------------- */
#define VMCS_IO_BITMAP_A                0x2000
#define VMCS_IO_BITMAP_B                0x2002
#define VMCS_MSR_BITMAP                 0x2004
#define VMCS_EXIT_MSR_STORE_ADDR        0x2006
#define VMCS_EXIT_MSR_LOAD_ADDR         0x2008
#define VMCS_ENTRY_MSR_LOAD_ADDR        0x200A
#define VMCS_EXECUTIVE_VMCS_PTR         0x200C
#define VMCS_PML_ADDRESS                0x200E
#define VMCS_TSC_OFFSET                 0x2010
#define VMCS_VIRTUAL_APIC_ADDR          0x2012
#define VMCS_APIC_ACCESS_ADDR           0x2014
#define VMCS_POSTED_INTR_DESC_ADDR      0x2016
#define VMCS_VM_FUNCTION_CTLS           0x2018
#define VMCS_EPT_POINTER                0x201A
#define VMCS_EOI_EXIT_BITMAP0           0x201C
#define VMCS_EOI_EXIT_BITMAP1           0x201E
#define VMCS_EOI_EXIT_BITMAP2           0x2020
#define VMCS_EOI_EXIT_BITMAP3           0x2022
#define VMCS_EPTP_LIST_ADDR             0x2024
#define VMCS_VMREAD_BITMAP              0x2026
#define VMCS_VMWRITE_BITMAP             0x2028
#define VMCS_VE_INFO_ADDR               0x202A
#define VMCS_XSS_EXITING_BITMAP         0x202C
#define VMCS_ENCLS_EXITING_BITMAP       0x202E
#define VMCS_TSC_MULTIPLIER             0x2032
#define VMCS_PROC_BASED_CTLS3           0x2034

/* ---- 64-bit read-only data fields (B.2.2) ------------------------------ */
#define VMCS_GUEST_PHYSICAL_ADDRESS     0x2400

/* ---- 64-bit guest-state fields (B.2.3) --------------------------------- */
#define VMCS_VMCS_LINK_POINTER          0x2800
#define VMCS_GUEST_IA32_DEBUGCTL        0x2802
#define VMCS_GUEST_IA32_PAT             0x2804
#define VMCS_GUEST_IA32_EFER            0x2806
#define VMCS_GUEST_IA32_PERF_GLOBAL_CTRL 0x2808
#define VMCS_GUEST_PDPTE0               0x280A
#define VMCS_GUEST_PDPTE1               0x280C
#define VMCS_GUEST_PDPTE2               0x280E
#define VMCS_GUEST_PDPTE3               0x2810
#define VMCS_GUEST_IA32_BNDCFGS         0x2812
#define VMCS_GUEST_IA32_RTIT_CTL        0x2814
#define VMCS_GUEST_IA32_PKRS            0x2818

/* ---- 64-bit host-state fields (B.2.4) ---------------------------------- */
#define VMCS_HOST_IA32_PAT              0x2C00
#define VMCS_HOST_IA32_EFER             0x2C02
#define VMCS_HOST_IA32_PERF_GLOBAL_CTRL 0x2C04
#define VMCS_HOST_IA32_PKRS             0x2C06

/* ---- 32-bit control fields (B.3.1) ------------------------------------- */
#define VMCS_PIN_BASED_CTLS             0x4000
#define VMCS_PROC_BASED_CTLS            0x4002
#define VMCS_EXCEPTION_BITMAP           0x4004
#define VMCS_PF_ERROR_CODE_MASK         0x4006
#define VMCS_PF_ERROR_CODE_MATCH        0x4008
#define VMCS_CR3_TARGET_COUNT           0x400A
#define VMCS_EXIT_CTLS                  0x400C
#define VMCS_EXIT_MSR_STORE_COUNT       0x400E
#define VMCS_EXIT_MSR_LOAD_COUNT        0x4010
#define VMCS_ENTRY_CTLS                 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT       0x4014
#define VMCS_ENTRY_INTR_INFO            0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR_CODE 0x4018
#define VMCS_ENTRY_INSTRUCTION_LEN      0x401A
#define VMCS_TPR_THRESHOLD              0x401C
#define VMCS_PROC_BASED_CTLS2           0x401E
#define VMCS_PLE_GAP                    0x4020
#define VMCS_PLE_WINDOW                 0x4022

/* ---- 32-bit read-only data fields (B.3.2) ------------------------------ */
#define VMCS_VM_INSTRUCTION_ERROR       0x4400
#define VMCS_EXIT_REASON                0x4402
#define VMCS_EXIT_INTR_INFO             0x4404
#define VMCS_EXIT_INTR_ERROR_CODE       0x4406
#define VMCS_IDT_VECTORING_INFO         0x4408
#define VMCS_IDT_VECTORING_ERROR_CODE   0x440A
#define VMCS_EXIT_INSTRUCTION_LEN       0x440C
#define VMCS_EXIT_INSTRUCTION_INFO      0x440E

/* ---- 32-bit guest-state fields (B.3.3) --------------------------------- */
#define VMCS_GUEST_ES_LIMIT             0x4800
#define VMCS_GUEST_CS_LIMIT             0x4802
#define VMCS_GUEST_SS_LIMIT             0x4804
#define VMCS_GUEST_DS_LIMIT             0x4806
#define VMCS_GUEST_FS_LIMIT             0x4808
#define VMCS_GUEST_GS_LIMIT             0x480A
#define VMCS_GUEST_LDTR_LIMIT           0x480C
#define VMCS_GUEST_TR_LIMIT             0x480E
#define VMCS_GUEST_GDTR_LIMIT           0x4810
#define VMCS_GUEST_IDTR_LIMIT           0x4812
#define VMCS_GUEST_ES_AR                0x4814
#define VMCS_GUEST_CS_AR                0x4816
#define VMCS_GUEST_SS_AR                0x4818
#define VMCS_GUEST_DS_AR                0x481A
#define VMCS_GUEST_FS_AR                0x481C
#define VMCS_GUEST_GS_AR                0x481E
#define VMCS_GUEST_LDTR_AR              0x4820
#define VMCS_GUEST_TR_AR                0x4822
#define VMCS_GUEST_INTERRUPTIBILITY     0x4824
#define VMCS_GUEST_ACTIVITY_STATE       0x4826
#define VMCS_GUEST_SMBASE               0x4828
#define VMCS_GUEST_IA32_SYSENTER_CS     0x482A
#define VMCS_PREEMPTION_TIMER_VALUE     0x482E

/* ---- 32-bit host-state field (B.3.4) ----------------------------------- */
#define VMCS_HOST_IA32_SYSENTER_CS      0x4C00

/* ---- natural-width control fields (B.4.1) ------------------------------ */
#define VMCS_CR0_GUEST_HOST_MASK        0x6000
#define VMCS_CR4_GUEST_HOST_MASK        0x6002
#define VMCS_CR0_READ_SHADOW            0x6004
#define VMCS_CR4_READ_SHADOW            0x6006
#define VMCS_CR3_TARGET0                0x6008
#define VMCS_CR3_TARGET1                0x600A
#define VMCS_CR3_TARGET2                0x600C
#define VMCS_CR3_TARGET3                0x600E

/* ---- natural-width read-only data fields (B.4.2) ----------------------- */
#define VMCS_EXIT_QUALIFICATION         0x6400
#define VMCS_IO_RCX                     0x6402
#define VMCS_IO_RSI                     0x6404
#define VMCS_IO_RDI                     0x6406
#define VMCS_IO_RIP                     0x6408
#define VMCS_GUEST_LINEAR_ADDRESS       0x640A

/* ---- natural-width guest-state fields (B.4.3) -------------------------- */
#define VMCS_GUEST_CR0                  0x6800
#define VMCS_GUEST_CR3                  0x6802
#define VMCS_GUEST_CR4                  0x6804
#define VMCS_GUEST_ES_BASE              0x6806
#define VMCS_GUEST_CS_BASE              0x6808
#define VMCS_GUEST_SS_BASE              0x680A
#define VMCS_GUEST_DS_BASE              0x680C
#define VMCS_GUEST_FS_BASE              0x680E
#define VMCS_GUEST_GS_BASE              0x6810
#define VMCS_GUEST_LDTR_BASE            0x6812
#define VMCS_GUEST_TR_BASE              0x6814
#define VMCS_GUEST_GDTR_BASE            0x6816
#define VMCS_GUEST_IDTR_BASE            0x6818
#define VMCS_GUEST_DR7                  0x681A
#define VMCS_GUEST_RSP                  0x681C
#define VMCS_GUEST_RIP                  0x681E
#define VMCS_GUEST_RFLAGS               0x6820
#define VMCS_GUEST_PENDING_DBG_EXCEPTIONS 0x6822
#define VMCS_GUEST_IA32_SYSENTER_ESP    0x6824
#define VMCS_GUEST_IA32_SYSENTER_EIP    0x6826

/* ---- natural-width host-state fields (B.4.4) --------------------------- */
#define VMCS_HOST_CR0                   0x6C00
#define VMCS_HOST_CR3                   0x6C02
#define VMCS_HOST_CR4                   0x6C04
#define VMCS_HOST_FS_BASE               0x6C06
#define VMCS_HOST_GS_BASE               0x6C08
#define VMCS_HOST_TR_BASE               0x6C0A
#define VMCS_HOST_GDTR_BASE             0x6C0C
#define VMCS_HOST_IDTR_BASE             0x6C0E
#define VMCS_HOST_IA32_SYSENTER_ESP     0x6C10
#define VMCS_HOST_IA32_SYSENTER_EIP     0x6C12
#define VMCS_HOST_RSP                   0x6C14
#define VMCS_HOST_RIP                   0x6C16

/* ---- pin-based VM-execution controls (SDM 3C 25.6.1) ------- */
#define VMX_PIN_EXTINT_EXITING          (1u << 0)
#define VMX_PIN_NMI_EXITING             (1u << 3)
#define VMX_PIN_VIRTUAL_NMIS            (1u << 5)
#define VMX_PIN_PREEMPTION_TIMER        (1u << 6)
#define VMX_PIN_POSTED_INTR             (1u << 7)

/* ---- primary processor-based controls (25.6.2) ------------- */
#define VMX_PROC_INTR_WINDOW_EXITING    (1u << 2)
#define VMX_PROC_TSC_OFFSETTING         (1u << 3)
#define VMX_PROC_HLT_EXITING            (1u << 7)
#define VMX_PROC_INVLPG_EXITING         (1u << 9)
#define VMX_PROC_MWAIT_EXITING          (1u << 10)
#define VMX_PROC_RDPMC_EXITING          (1u << 11)
#define VMX_PROC_RDTSC_EXITING          (1u << 12)
#define VMX_PROC_CR3_LOAD_EXITING       (1u << 15)
#define VMX_PROC_CR3_STORE_EXITING      (1u << 16)
#define VMX_PROC_CR8_LOAD_EXITING       (1u << 19)
#define VMX_PROC_CR8_STORE_EXITING      (1u << 20)
#define VMX_PROC_TPR_SHADOW             (1u << 21)
#define VMX_PROC_NMI_WINDOW_EXITING     (1u << 22)
#define VMX_PROC_MOV_DR_EXITING         (1u << 23)
#define VMX_PROC_UNCOND_IO_EXITING      (1u << 24)
#define VMX_PROC_USE_IO_BITMAPS         (1u << 25)
#define VMX_PROC_MONITOR_TRAP_FLAG      (1u << 27)
#define VMX_PROC_USE_MSR_BITMAPS        (1u << 28)
#define VMX_PROC_MONITOR_EXITING        (1u << 29)
#define VMX_PROC_PAUSE_EXITING          (1u << 30)
#define VMX_PROC_ACTIVATE_SECONDARY     (1u << 31)

/* ---- secondary processor-based controls (25.6.2) ----------- */
#define VMX_PROC2_VIRT_APIC_ACCESSES    (1u << 0)
#define VMX_PROC2_ENABLE_EPT            (1u << 1)
#define VMX_PROC2_DESC_TABLE_EXITING    (1u << 2)
#define VMX_PROC2_ENABLE_RDTSCP         (1u << 3)
#define VMX_PROC2_VIRT_X2APIC           (1u << 4)
#define VMX_PROC2_ENABLE_VPID           (1u << 5)
#define VMX_PROC2_WBINVD_EXITING        (1u << 6)
#define VMX_PROC2_UNRESTRICTED_GUEST    (1u << 7)
#define VMX_PROC2_PAUSE_LOOP_EXITING    (1u << 10)
#define VMX_PROC2_RDRAND_EXITING        (1u << 11)
#define VMX_PROC2_ENABLE_INVPCID        (1u << 12)
#define VMX_PROC2_ENABLE_VMFUNC         (1u << 13)
#define VMX_PROC2_VMCS_SHADOWING        (1u << 14)
#define VMX_PROC2_RDSEED_EXITING        (1u << 16)
#define VMX_PROC2_ENABLE_PML            (1u << 17)
#define VMX_PROC2_ENABLE_XSAVES         (1u << 20)
#define VMX_PROC2_ENABLE_USER_WAIT      (1u << 26)

/* ---- VM-exit controls (25.7.1) ---------------------------- */
#define VMX_EXIT_SAVE_DEBUG_CTLS        (1u << 2)
#define VMX_EXIT_HOST_ADDR_SPACE_SIZE   (1u << 9)
#define VMX_EXIT_LOAD_PERF_GLOBAL_CTRL  (1u << 12)
#define VMX_EXIT_ACK_INTR_ON_EXIT       (1u << 15)
#define VMX_EXIT_SAVE_PAT               (1u << 18)
#define VMX_EXIT_LOAD_PAT               (1u << 19)
#define VMX_EXIT_SAVE_EFER              (1u << 20)
#define VMX_EXIT_LOAD_EFER              (1u << 21)
#define VMX_EXIT_SAVE_PREEMPTION_TIMER  (1u << 22)

/* ---- VM-entry controls (25.8.1) --------------------------- */
#define VMX_ENTRY_LOAD_DEBUG_CTLS       (1u << 2)
#define VMX_ENTRY_IA32E_MODE_GUEST      (1u << 9)
#define VMX_ENTRY_TO_SMM                (1u << 10)
#define VMX_ENTRY_LOAD_PERF_GLOBAL_CTRL (1u << 13)
#define VMX_ENTRY_LOAD_PAT              (1u << 14)
#define VMX_ENTRY_LOAD_EFER             (1u << 15)

/*
 * Event injection / interruption information (25.8.3): the
 * same layout serves the VM-entry field, the VM-exit interruption field and
 * IDT-vectoring information.
 */
#define VMX_INTR_INFO_VECTOR_MASK       0xFFu
#define VMX_INTR_INFO_TYPE_SHIFT        8
#define VMX_INTR_INFO_TYPE_MASK         (7u << 8)
#define VMX_INTR_INFO_ERROR_CODE        (1u << 11)
#define VMX_INTR_INFO_VALID             (1u << 31)
#define VMX_INTR_TYPE_EXT_INTR          0u
#define VMX_INTR_TYPE_NMI               2u
#define VMX_INTR_TYPE_HW_EXCEPTION      3u
#define VMX_INTR_TYPE_SW_INTR           4u
#define VMX_INTR_TYPE_PRIV_SW_EXCEPTION 5u
#define VMX_INTR_TYPE_SW_EXCEPTION      6u
#define VMX_INTR_TYPE_OTHER             7u

/* ---- guest non-register state (25.4.2) ----------- */
#define VMX_ACTIVITY_ACTIVE             0u
#define VMX_ACTIVITY_HLT                1u
#define VMX_ACTIVITY_SHUTDOWN           2u
#define VMX_ACTIVITY_WAIT_SIPI          3u

#define VMX_INTERRUPTIBILITY_STI        (1u << 0)
#define VMX_INTERRUPTIBILITY_MOV_SS     (1u << 1)
#define VMX_INTERRUPTIBILITY_SMI        (1u << 2)
#define VMX_INTERRUPTIBILITY_NMI        (1u << 3)
#define VMX_INTERRUPTIBILITY_ENCLAVE    (1u << 4)

#define VMX_PENDING_DBG_BS              (1ull << 14)
#define VMX_PENDING_DBG_RTM             (1ull << 16)

/*
 * Segment access rights as the VMCS holds them (25.4.1): the
 * descriptor's bits 40-55 shifted down by 8, plus bit 16 "unusable".
 */
#define VMX_AR_TYPE_MASK                0xFu
#define VMX_AR_S                        (1u << 4)
#define VMX_AR_DPL_SHIFT                5
#define VMX_AR_DPL_MASK                 (3u << 5)
#define VMX_AR_DPL(ar)                  (((ar) & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT)
#define VMX_AR_P                        (1u << 7)
#define VMX_AR_AVL                      (1u << 12)
#define VMX_AR_L                        (1u << 13)
#define VMX_AR_DB                       (1u << 14)
#define VMX_AR_G                        (1u << 15)
#define VMX_AR_UNUSABLE                 (1u << 16)

/* ---- VM-instruction error numbers (SDM 3C 31.4) ------------ */
#define VMX_INSN_ERR_VMCALL_IN_ROOT            1
#define VMX_INSN_ERR_VMCLEAR_BAD_ADDR          2
#define VMX_INSN_ERR_VMCLEAR_VMXON_PTR         3
#define VMX_INSN_ERR_VMLAUNCH_NOT_CLEAR        4
#define VMX_INSN_ERR_VMRESUME_NOT_LAUNCHED     5
#define VMX_INSN_ERR_VMRESUME_AFTER_VMXOFF     6
#define VMX_INSN_ERR_ENTRY_BAD_CONTROLS        7
#define VMX_INSN_ERR_ENTRY_BAD_HOST_STATE      8
#define VMX_INSN_ERR_VMPTRLD_BAD_ADDR          9
#define VMX_INSN_ERR_VMPTRLD_VMXON_PTR         10
#define VMX_INSN_ERR_VMPTRLD_BAD_REVISION      11
#define VMX_INSN_ERR_UNSUPPORTED_FIELD         12
#define VMX_INSN_ERR_VMWRITE_READ_ONLY         13
#define VMX_INSN_ERR_VMXON_IN_ROOT             15
#define VMX_INSN_ERR_ENTRY_BAD_EXEC_VMCS_PTR   16
#define VMX_INSN_ERR_ENTRY_EXEC_VMCS_NOT_LAUNCHED 17
#define VMX_INSN_ERR_ENTRY_EXEC_VMCS_NOT_VMXON 18
#define VMX_INSN_ERR_VMCALL_NOT_CLEAR          19
#define VMX_INSN_ERR_VMCALL_BAD_EXIT_CONTROLS  20
#define VMX_INSN_ERR_VMCALL_BAD_MSEG_REVISION  22
#define VMX_INSN_ERR_VMXOFF_DUAL_MONITOR       23
#define VMX_INSN_ERR_VMCALL_BAD_SMM_FEATURES   24
#define VMX_INSN_ERR_ENTRY_BAD_EXEC_CONTROLS   25
#define VMX_INSN_ERR_ENTRY_MOV_SS_BLOCKING     26
#define VMX_INSN_ERR_INVEPT_INVVPID_OPERAND    28

#ifndef __ASSEMBLY__

/* Width of a field from its encoding: one of VMCS_WIDTH_*. */
static inline unsigned vmcs_field_width(unsigned long enc)
{
	return VMCS_FIELD_WIDTH(enc);
}

/*
 * Short description of a VM-instruction error number (the value of
 * VMCS_VM_INSTRUCTION_ERROR after VMfailValid); "unknown" for numbers the
 * SDM does not define.  Lives in vmm/vmx/exit_reason.c with the other name
 * table.
 */
const char *vmx_insn_error_name(unsigned n);

/* Each group above landed in its section: width and type agree. */
#define VMCS_ASSERT_FIELD(f, w, t) \
	_Static_assert(VMCS_FIELD_WIDTH(f) == (w) && VMCS_FIELD_TYPE(f) == (t), \
		       #f " is not in its SDM section")
VMCS_ASSERT_FIELD(VMCS_VPID, VMCS_WIDTH_16, VMCS_TYPE_CONTROL);
VMCS_ASSERT_FIELD(VMCS_GUEST_TR_SEL, VMCS_WIDTH_16, VMCS_TYPE_GUEST);
VMCS_ASSERT_FIELD(VMCS_HOST_TR_SEL, VMCS_WIDTH_16, VMCS_TYPE_HOST);
VMCS_ASSERT_FIELD(VMCS_EPT_POINTER, VMCS_WIDTH_64, VMCS_TYPE_CONTROL);
VMCS_ASSERT_FIELD(VMCS_GUEST_PHYSICAL_ADDRESS, VMCS_WIDTH_64, VMCS_TYPE_RO_DATA);
VMCS_ASSERT_FIELD(VMCS_GUEST_IA32_EFER, VMCS_WIDTH_64, VMCS_TYPE_GUEST);
VMCS_ASSERT_FIELD(VMCS_HOST_IA32_EFER, VMCS_WIDTH_64, VMCS_TYPE_HOST);
VMCS_ASSERT_FIELD(VMCS_PROC_BASED_CTLS2, VMCS_WIDTH_32, VMCS_TYPE_CONTROL);
VMCS_ASSERT_FIELD(VMCS_EXIT_REASON, VMCS_WIDTH_32, VMCS_TYPE_RO_DATA);
VMCS_ASSERT_FIELD(VMCS_GUEST_ACTIVITY_STATE, VMCS_WIDTH_32, VMCS_TYPE_GUEST);
VMCS_ASSERT_FIELD(VMCS_HOST_IA32_SYSENTER_CS, VMCS_WIDTH_32, VMCS_TYPE_HOST);
VMCS_ASSERT_FIELD(VMCS_CR4_READ_SHADOW, VMCS_WIDTH_NATURAL, VMCS_TYPE_CONTROL);
VMCS_ASSERT_FIELD(VMCS_EXIT_QUALIFICATION, VMCS_WIDTH_NATURAL, VMCS_TYPE_RO_DATA);
VMCS_ASSERT_FIELD(VMCS_GUEST_RIP, VMCS_WIDTH_NATURAL, VMCS_TYPE_GUEST);
VMCS_ASSERT_FIELD(VMCS_HOST_RIP, VMCS_WIDTH_NATURAL, VMCS_TYPE_HOST);

#endif /* !__ASSEMBLY__ */

#endif

/* units: vmm/vmx/vmcheck.c vmm/vmx/exit_reason.c lib/fmt.c */
/*
 * The guest-state checker against three valid starting points (flat 32-bit
 * protected mode, 64-bit long mode, real mode under unrestricted guest),
 * then one mutation per rule, each expected to be reported by field name.
 * Also the exit-reason and VM-instruction-error name tables and the
 * field-width helper.
 */
#include "check.h"
#include "vmm/vmx/vmcheck.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/exit_reason.h"
#include "hv/types.h"

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_VMXE (1ull << 13)
#define CR4_PCIDE (1ull << 17)
#define CR4_CET (1ull << 23)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

/* Access rights: code 0x9B (type 11), data 0x93 (type 3), busy TSS 0x8B. */
#define AR_CODE32 0xC09Bu
#define AR_CODE64 0xA09Bu
#define AR_DATA32 0xC093u
#define AR_CODE16 0x009Bu
#define AR_DATA16 0x0093u
#define AR_TSS    0x008Bu
#define AR_LDT    0x0082u

static char why[200];

/* The call and the assertions stay on the caller's line. */
#define EXPECT_OK(s) do { \
	int rc_ = vmcheck_guest(&(s), why, sizeof(why)); \
	if (rc_) printf("  unexpected failure: %s\n", why); \
	CHECK_EQ(rc_, 0); \
	} while (0)
#define EXPECT_FAIL(s, needle) do { \
	CHECK_EQ(vmcheck_guest(&(s), why, sizeof(why)), -1); \
	CHECK_STR_CONTAINS(why, needle); \
	CHECK_STR_CONTAINS(why, "guest "); \
	} while (0)

static struct vmcheck_seg seg(uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	return (struct vmcheck_seg){ .sel = sel, .base = base, .limit = limit, .ar = ar };
}

/* What every fixture shares: MSR values as a recent Intel CPU reports them. */
static void common(struct vmcheck_state *s)
{
	memset(s, 0, sizeof(*s));
	s->cr0_fixed0 = CR0_PE | CR0_NE | CR0_PG;
	s->cr0_fixed1 = 0xFFFFFFFFull;
	s->cr4_fixed0 = CR4_VMXE;
	s->cr4_fixed1 = 0x00FF77FFull;
	s->cr4 = CR4_VMXE;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->pat = 0x0007040600070406ull;
	s->vmcs_link = ~0ull;
	s->maxphyaddr = 39;
	s->entry_ctls = VMX_ENTRY_LOAD_EFER | VMX_ENTRY_LOAD_PAT | VMX_ENTRY_LOAD_DEBUG_CTLS;
	s->proc_ctls = VMX_PROC_ACTIVATE_SECONDARY | VMX_PROC_HLT_EXITING;
	s->proc_ctls2 = VMX_PROC2_ENABLE_EPT | VMX_PROC2_UNRESTRICTED_GUEST;
	s->ldtr = seg(0, 0, 0, VMX_AR_UNUSABLE);
	s->gdtr_limit = 0x27;
	s->idtr_limit = 0xFFF;
}

/* Flat 32-bit protected mode, paging off (needs unrestricted guest). */
static struct vmcheck_state pm32(void)
{
	struct vmcheck_state s;

	common(&s);
	s.cr0 = CR0_PE | CR0_ET | CR0_NE;
	s.cs = seg(0x08, 0, 0xFFFFFFFF, AR_CODE32);
	s.ss = s.ds = s.es = s.fs = s.gs = seg(0x10, 0, 0xFFFFFFFF, AR_DATA32);
	s.tr = seg(0x18, 0x1000, 0x67, AR_TSS);
	s.rip = 0x100000;
	s.rsp = 0x90000;
	return s;
}

/* 64-bit long mode, as a loaded 64-bit kernel sees it. */
static struct vmcheck_state lm64(void)
{
	struct vmcheck_state s;

	common(&s);
	s.entry_ctls |= VMX_ENTRY_IA32E_MODE_GUEST;
	s.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	s.cr3 = 0x1000;
	s.cr4 = CR4_VMXE | CR4_PAE;
	s.efer = EFER_LME | EFER_LMA | EFER_NXE;
	s.cs = seg(0x08, 0, 0xFFFFFFFF, AR_CODE64);
	s.ss = s.ds = s.es = seg(0x10, 0, 0xFFFFFFFF, AR_DATA32);
	s.fs = s.gs = seg(0, 0, 0, VMX_AR_UNUSABLE);
	s.tr = seg(0x18, 0xFFFF800000002000ull, 0x67, AR_TSS);
	s.gdtr_base = 0xFFFF800000003000ull;
	s.rip = 0xFFFFFFFF80001000ull;
	return s;
}

/* Real mode at the reset vector under unrestricted guest. */
static struct vmcheck_state real16(void)
{
	struct vmcheck_state s;

	common(&s);
	s.cr0 = CR0_ET | CR0_NE;
	s.cs = seg(0xF000, 0xF0000, 0xFFFF, AR_CODE16);
	s.ss = s.ds = s.es = s.fs = s.gs = seg(0, 0, 0xFFFF, AR_DATA16);
	s.tr = seg(0, 0, 0xFFFF, AR_TSS);
	s.ldtr = seg(0, 0, 0xFFFF, AR_LDT);
	s.idtr_limit = 0x3FF;
	s.rip = 0xFFF0;
	return s;
}

static void test_valid_states(void)
{
	struct vmcheck_state s = pm32();
	EXPECT_OK(s);
	CHECK_EQ(why[0], '\0');
	s = lm64();
	EXPECT_OK(s);
	s = real16();
	EXPECT_OK(s);
	/* Real mode with a data-type CS, as after a far jump is emulated. */
	s.cs.ar = AR_DATA16;
	EXPECT_OK(s);
	/* A 16-bit busy TSS is fine outside IA-32e mode. */
	s = pm32();
	s.tr.ar = 0x83;
	EXPECT_OK(s);
	/* Unrestricted guest: SS RPL may differ from CS RPL. */
	s = pm32();
	s.ss.sel = 0x13;
	EXPECT_OK(s);
	/* LME set, PG off: the step before a guest turns on long mode. */
	s = pm32();
	s.efer = EFER_LME;
	EXPECT_OK(s);
}

static void test_cr0(void)
{
	struct vmcheck_state s = pm32();
	s.cr0 &= ~CR0_NE;
	EXPECT_FAIL(s, "CR0");
	CHECK_STR_CONTAINS(why, "FIXED0");
	s = pm32();
	s.cr0 |= 1ull << 40;
	EXPECT_FAIL(s, "CR0");
	CHECK_STR_CONTAINS(why, "FIXED1");
	s = real16();
	s.cr0 |= CR0_PG;
	EXPECT_FAIL(s, "CR0");
	CHECK_STR_CONTAINS(why, "PE");
	/* Without unrestricted guest PE and PG are fixed to 1 again. */
	s = pm32();
	s.proc_ctls2 &= ~VMX_PROC2_UNRESTRICTED_GUEST;
	EXPECT_FAIL(s, "CR0");
	s = real16();
	s.proc_ctls &= ~VMX_PROC_ACTIVATE_SECONDARY;
	EXPECT_FAIL(s, "CR0");
}

static void test_cr4_cr3(void)
{
	struct vmcheck_state s = pm32();
	s.cr4 &= ~CR4_VMXE;
	EXPECT_FAIL(s, "CR4");
	s = pm32();
	s.cr4 |= 1ull << 30;
	EXPECT_FAIL(s, "CR4");
	s = pm32();
	s.cr4 |= CR4_PCIDE;
	EXPECT_FAIL(s, "CR4");
	CHECK_STR_CONTAINS(why, "PCIDE");
	s = lm64();
	s.cr4 |= CR4_PCIDE;
	EXPECT_OK(s);
	s.cr4 |= CR4_CET;
	s.cr0 &= ~CR0_WP;
	EXPECT_FAIL(s, "CR4");
	CHECK_STR_CONTAINS(why, "CET");
	s = lm64();
	s.cr3 = 1ull << 39;
	EXPECT_FAIL(s, "CR3");
	s.maxphyaddr = 0;    /* unknown: only bits above 52 are refused */
	EXPECT_OK(s);
	s.cr3 = 1ull << 52;
	EXPECT_FAIL(s, "CR3");
}

static void test_ia32e_and_efer(void)
{
	struct vmcheck_state s = lm64();
	s.cr0 &= ~CR0_PG;
	EXPECT_FAIL(s, "CR0");
	CHECK_STR_CONTAINS(why, "IA-32e");
	s = lm64();
	s.cr4 &= ~CR4_PAE;
	EXPECT_FAIL(s, "CR4");
	CHECK_STR_CONTAINS(why, "PAE");
	s = lm64();
	s.efer |= 1ull << 1;
	EXPECT_FAIL(s, "IA32_EFER");
	s = lm64();
	s.efer &= ~EFER_LMA;
	EXPECT_FAIL(s, "IA32_EFER");
	CHECK_STR_CONTAINS(why, "LMA");
	s = lm64();
	s.efer &= ~EFER_LME;
	EXPECT_FAIL(s, "IA32_EFER");
	CHECK_STR_CONTAINS(why, "LME");
	/* Not loaded on entry: not checked. */
	s.entry_ctls &= ~VMX_ENTRY_LOAD_EFER;
	EXPECT_OK(s);
}

static void test_pat_and_debug(void)
{
	struct vmcheck_state s = pm32();
	s.pat = 0x0007040600070402ull;   /* PA0 = 2, reserved */
	EXPECT_FAIL(s, "IA32_PAT");
	s.pat = 0x0807040600070406ull;   /* PA7 = 8 */
	EXPECT_FAIL(s, "PA7");
	s.entry_ctls &= ~VMX_ENTRY_LOAD_PAT;
	EXPECT_OK(s);
	s = pm32();
	s.dr7 |= 1ull << 32;
	EXPECT_FAIL(s, "DR7");
	s = pm32();
	s.debugctl = 1ull << 3;
	EXPECT_FAIL(s, "IA32_DEBUGCTL");
	s.debugctl = 1ull << 20;
	EXPECT_FAIL(s, "IA32_DEBUGCTL");
	s.entry_ctls &= ~VMX_ENTRY_LOAD_DEBUG_CTLS;
	s.dr7 |= 1ull << 32;
	EXPECT_OK(s);
}

static void test_rflags(void)
{
	static const unsigned reserved[] = { 3, 5, 15, 22, 63 };
	struct vmcheck_state s;

	for (unsigned i = 0; i < ARRAY_SIZE(reserved); i++) {
		s = pm32();
		s.rflags |= 1ull << reserved[i];
		EXPECT_FAIL(s, "RFLAGS");
	}
	s = pm32();
	s.rflags = 0;
	EXPECT_FAIL(s, "RFLAGS");
	CHECK_STR_CONTAINS(why, "bit 1");
	s = lm64();
	s.rflags |= 1ull << 17;
	EXPECT_FAIL(s, "RFLAGS");
	CHECK_STR_CONTAINS(why, "VM");
	s = real16();
	s.rflags |= 1ull << 17;
	EXPECT_FAIL(s, "RFLAGS");
	s = pm32();
	s.entry_intr_info = VMX_INTR_INFO_VALID | 0x20;   /* external interrupt 32 */
	EXPECT_FAIL(s, "RFLAGS");
	CHECK_STR_CONTAINS(why, "IF");
	s.rflags |= 1ull << 9;
	EXPECT_OK(s);
}

static void test_rip(void)
{
	struct vmcheck_state s = pm32();
	s.rip = 1ull << 32;
	EXPECT_FAIL(s, "RIP");
	s = lm64();
	s.rip = 0x0000800000000000ull;
	EXPECT_FAIL(s, "RIP");
	CHECK_STR_CONTAINS(why, "canonical");
	/* With 5-level paging the same address is fine below bit 56. */
	s.cr4 |= CR4_LA57;
	EXPECT_OK(s);
	/* Compatibility mode: RIP is 32-bit. */
	s = lm64();
	s.cs.ar = AR_CODE32;
	EXPECT_FAIL(s, "RIP");
	s.rip = 0x1000;
	EXPECT_OK(s);
}

static void test_cs(void)
{
	struct vmcheck_state s = pm32();
	s.proc_ctls2 &= ~VMX_PROC2_UNRESTRICTED_GUEST;
	s.cr0 |= CR0_PG;
	s.cr4 |= CR4_PAE;
	EXPECT_OK(s);
	s.cs.ar = AR_DATA32;   /* data-type CS needs unrestricted guest */
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "type 3");
	s = pm32();
	s.cs.ar = 0xC09A;      /* code, not accessed */
	EXPECT_FAIL(s, "CS.AR");
	s = pm32();
	s.cs.ar |= 3u << 5;    /* non-conforming, DPL 3 vs SS.DPL 0 */
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "SS.DPL");
	s = pm32();
	s.cs.ar = 0xC09F | (3u << 5);   /* conforming, DPL 3 > SS.DPL 0 */
	EXPECT_FAIL(s, "CS.AR");
	s.cs.ar = 0xC09F;
	EXPECT_OK(s);
	s = real16();
	s.cs.ar = AR_DATA16 | (3u << 5);
	s.ss.ar |= 3u << 5;
	EXPECT_FAIL(s, "CS.AR");
	s = lm64();
	s.cs.ar |= VMX_AR_DB;
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "L=1");
	s = pm32();
	s.cs.base = 1ull << 32;
	EXPECT_FAIL(s, "CS.base");
}

static void test_ar_common_rules(void)
{
	struct vmcheck_state s = pm32();
	s.cs.ar |= 1u << 9;
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "11:8");
	s = pm32();
	s.cs.ar |= 1u << 20;
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "31:17");
	s = pm32();
	s.cs.ar &= ~VMX_AR_S;
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "S must be 1");
	s = pm32();
	s.cs.ar &= ~VMX_AR_P;
	EXPECT_FAIL(s, "CS.AR");
	CHECK_STR_CONTAINS(why, "P must be 1");
	/* G=1 with a limit whose low 12 bits are not all ones. */
	s = pm32();
	s.ds.limit = 0xFFFFF000;
	EXPECT_FAIL(s, "DS.AR");
	CHECK_STR_CONTAINS(why, "G must be 0");
	/* G=0 with a limit above 1 MiB. */
	s = pm32();
	s.es.ar &= ~VMX_AR_G;
	EXPECT_FAIL(s, "ES.AR");
	CHECK_STR_CONTAINS(why, "G must be 1");
	s = pm32();
	s.tr.limit = 0x1000067;
	EXPECT_FAIL(s, "TR.AR");
}

static void test_ss(void)
{
	struct vmcheck_state s = pm32();
	s.proc_ctls2 &= ~VMX_PROC2_UNRESTRICTED_GUEST;
	s.cr0 |= CR0_PG;
	s.ss.sel = 0x13;
	EXPECT_FAIL(s, "SS.sel");
	s.ss.sel = 0x10;
	s.ss.ar |= 3u << 5;
	s.cs.ar |= 3u << 5;    /* keep CS.DPL == SS.DPL so SS is the culprit */
	EXPECT_FAIL(s, "SS.AR");
	CHECK_STR_CONTAINS(why, "RPL");
	s = real16();
	s.ss.ar |= 3u << 5;
	s.cs.ar = 0x9F;        /* conforming CS: DPL 0 <= SS.DPL passes */
	EXPECT_FAIL(s, "SS.AR");
	CHECK_STR_CONTAINS(why, "real mode");
	s = pm32();
	s.ss.ar = 0xC091;      /* read-only data */
	EXPECT_FAIL(s, "SS.AR");
	s = pm32();
	s.ss.base = 1ull << 32;
	EXPECT_FAIL(s, "SS.base");
	/* A null SS in 64-bit mode is unusable and skips the usable-only rules. */
	s = lm64();
	s.ss = seg(0, 0, 0, VMX_AR_UNUSABLE | 0xFF00);
	EXPECT_OK(s);
}

static void test_data_segments(void)
{
	struct vmcheck_state s = pm32();
	s.ds.ar = 0xC092;      /* not accessed */
	EXPECT_FAIL(s, "DS.AR");
	CHECK_STR_CONTAINS(why, "accessed");
	s = pm32();
	s.es.ar = 0xC099;      /* execute-only code */
	EXPECT_FAIL(s, "ES.AR");
	CHECK_STR_CONTAINS(why, "readable");
	s.es.ar = AR_CODE32;   /* readable code is a legal data selector */
	EXPECT_OK(s);
	s = pm32();
	s.proc_ctls2 &= ~VMX_PROC2_UNRESTRICTED_GUEST;
	s.cr0 |= CR0_PG;
	s.gs.sel = 0x13;       /* RPL 3 above DPL 0 */
	EXPECT_FAIL(s, "GS.AR");
	s = pm32();
	s.ds.base = 1ull << 32;
	EXPECT_FAIL(s, "DS.base");
	/* FS/GS bases must be canonical even when unusable. */
	s = lm64();
	s.fs.base = 0x0000800000000000ull;
	EXPECT_FAIL(s, "FS.base");
	s = lm64();
	s.gs.base = 0xFFFF800000000000ull;
	EXPECT_OK(s);
	/* An unusable DS may hold any junk. */
	s.ds = seg(0, 1ull << 40, 0x123, VMX_AR_UNUSABLE | 0xF00);
	EXPECT_OK(s);
}

static void test_tr_ldtr(void)
{
	struct vmcheck_state s = pm32();
	s.tr.sel |= 4;
	EXPECT_FAIL(s, "TR.sel");
	s = pm32();
	s.tr.ar |= VMX_AR_UNUSABLE;
	EXPECT_FAIL(s, "TR.AR");
	CHECK_STR_CONTAINS(why, "usable");
	s = lm64();
	s.tr.ar = 0x83;
	EXPECT_FAIL(s, "TR.AR");
	CHECK_STR_CONTAINS(why, "IA-32e");
	s = pm32();
	s.tr.ar = 0x89;        /* available, not busy */
	EXPECT_FAIL(s, "TR.AR");
	s = pm32();
	s.tr.ar |= VMX_AR_S;
	EXPECT_FAIL(s, "TR.AR");
	CHECK_STR_CONTAINS(why, "S must be 0");
	s = lm64();
	s.tr.base = 0x0000900000000000ull;
	EXPECT_FAIL(s, "TR.base");
	s = real16();
	s.ldtr.ar = 0x83;
	EXPECT_FAIL(s, "LDTR.AR");
	s = real16();
	s.ldtr.sel = 4;
	EXPECT_FAIL(s, "LDTR.sel");
	s = real16();
	s.ldtr.base = 0x0001000000000000ull;
	EXPECT_FAIL(s, "LDTR.base");
	s = real16();
	s.ldtr.ar &= ~VMX_AR_P;
	EXPECT_FAIL(s, "LDTR.AR");
}

static void test_descriptor_tables(void)
{
	struct vmcheck_state s = lm64();
	s.gdtr_limit = 0x10000;
	EXPECT_FAIL(s, "GDTR.limit");
	s = lm64();
	s.idtr_limit = 0x10000;
	EXPECT_FAIL(s, "IDTR.limit");
	s = lm64();
	s.gdtr_base = 0x0000800000000000ull;
	EXPECT_FAIL(s, "GDTR.base");
	s = lm64();
	s.idtr_base = 0x1234800000000000ull;
	EXPECT_FAIL(s, "IDTR.base");
}

static void test_v86(void)
{
	struct vmcheck_state s = pm32();
	s.rflags |= 1ull << 17;
	s.cs = seg(0x1234, 0x12340, 0xFFFF, 0xF3);
	s.ss = s.ds = s.es = s.fs = s.gs = seg(0x2000, 0x20000, 0xFFFF, 0xF3);
	EXPECT_OK(s);
	s.cs.base = 0;
	EXPECT_FAIL(s, "CS.base");
	s.cs.base = 0x12340;
	s.gs.limit = 0xFFFFF;
	EXPECT_FAIL(s, "GS.limit");
	s.gs.limit = 0xFFFF;
	s.ds.ar = 0x93;
	EXPECT_FAIL(s, "DS.AR");
}

static void test_activity(void)
{
	struct vmcheck_state s = pm32();
	s.activity = 4;
	EXPECT_FAIL(s, "activity state");
	s.activity = VMX_ACTIVITY_HLT;
	EXPECT_OK(s);
	s = pm32();
	s.activity = VMX_ACTIVITY_HLT;
	s.ss.ar |= 3u << 5;
	s.cs.ar |= 3u << 5;
	s.ss.sel |= 3;
	s.cs.sel |= 3;
	EXPECT_FAIL(s, "activity state");
	CHECK_STR_CONTAINS(why, "SS.DPL");
	s = pm32();
	s.activity = VMX_ACTIVITY_HLT;
	s.rflags |= 1ull << 9;
	s.interruptibility = VMX_INTERRUPTIBILITY_STI;
	EXPECT_FAIL(s, "activity state");
	s = pm32();
	s.activity = VMX_ACTIVITY_WAIT_SIPI;
	EXPECT_OK(s);
	s.entry_intr_info = VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_NMI << 8) | 2;
	EXPECT_FAIL(s, "activity state");
}

static void test_interruptibility(void)
{
	struct vmcheck_state s = pm32();
	s.rflags |= 1ull << 9;
	s.interruptibility = VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS;
	EXPECT_FAIL(s, "interruptibility");
	s.interruptibility = VMX_INTERRUPTIBILITY_STI;
	EXPECT_OK(s);
	s.rflags &= ~(1ull << 9);
	EXPECT_FAIL(s, "interruptibility");
	CHECK_STR_CONTAINS(why, "RFLAGS.IF");
	s = pm32();
	s.interruptibility = 1u << 5;
	EXPECT_FAIL(s, "interruptibility");
	s.interruptibility = VMX_INTERRUPTIBILITY_SMI;
	EXPECT_FAIL(s, "interruptibility");
	s = pm32();
	s.rflags |= 1ull << 9;
	s.interruptibility = VMX_INTERRUPTIBILITY_MOV_SS;
	s.entry_intr_info = VMX_INTR_INFO_VALID | 0x30;
	EXPECT_FAIL(s, "interruptibility");
	s.entry_intr_info = VMX_INTR_INFO_VALID | (VMX_INTR_TYPE_NMI << 8) | 2;
	EXPECT_FAIL(s, "interruptibility");
	s.interruptibility = VMX_INTERRUPTIBILITY_NMI;
	EXPECT_OK(s);
	s.pin_ctls = VMX_PIN_NMI_EXITING | VMX_PIN_VIRTUAL_NMIS;
	EXPECT_FAIL(s, "interruptibility");
	CHECK_STR_CONTAINS(why, "virtual-NMI");
}

static void test_pending_dbg(void)
{
	struct vmcheck_state s = pm32();
	s.pending_dbg = 1ull << 4;
	EXPECT_FAIL(s, "pending debug exceptions");
	s.pending_dbg = 1ull << 17;
	EXPECT_FAIL(s, "pending debug exceptions");
	s.pending_dbg = 0xF | VMX_PENDING_DBG_BS | VMX_PENDING_DBG_RTM;
	EXPECT_OK(s);
	/* Halted with TF=1: a single-step trap must be pending (BS=1). */
	s = pm32();
	s.activity = VMX_ACTIVITY_HLT;
	s.rflags |= 1ull << 8;
	EXPECT_FAIL(s, "pending debug exceptions");
	CHECK_STR_CONTAINS(why, "BS must be 1");
	s.pending_dbg = VMX_PENDING_DBG_BS;
	EXPECT_OK(s);
	s.debugctl = 1ull << 1;   /* BTF: single-step on branches only */
	EXPECT_FAIL(s, "BS must be 0");
}

static void test_vmcs_link(void)
{
	struct vmcheck_state s = pm32();
	s.vmcs_link = 0;
	EXPECT_FAIL(s, "VMCS link pointer");
	s.proc_ctls2 |= VMX_PROC2_VMCS_SHADOWING;
	s.vmcs_link = 0x5000;
	EXPECT_OK(s);
	s.vmcs_link = 0x5008;
	EXPECT_FAIL(s, "VMCS link pointer");
	CHECK_STR_CONTAINS(why, "aligned");
	s.vmcs_link = 1ull << 39;
	EXPECT_FAIL(s, "MAXPHYADDR");
}

static void test_message_buffer(void)
{
	struct vmcheck_state s = pm32();
	char small[12];

	s.cs.base = 1ull << 32;
	CHECK_EQ(vmcheck_guest(&s, NULL, 0), -1);
	CHECK_EQ(vmcheck_guest(&s, small, sizeof(small)), -1);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(strncmp(small, "guest CS.ba", sizeof(small) - 1) == 0);
	memset(small, 'x', sizeof(small));
	CHECK_EQ(vmcheck_guest(&s, small, 1), -1);
	CHECK_EQ(small[0], '\0');
	CHECK_EQ(small[1], 'x');
}

static void test_describe_ar(void)
{
	char buf[80];

	vmcheck_describe_ar(AR_CODE64, buf, sizeof(buf));
	CHECK(strcmp(buf, "type=11 s=1 dpl=0 p=1 avl=0 l=1 db=0 g=1") == 0);
	vmcheck_describe_ar(0x10F3 | VMX_AR_DB, buf, sizeof(buf));
	CHECK(strcmp(buf, "type=3 s=1 dpl=3 p=1 avl=1 l=0 db=1 g=0") == 0);
	vmcheck_describe_ar(VMX_AR_UNUSABLE, buf, sizeof(buf));
	CHECK_STR_CONTAINS(buf, "unusable");
}

static void test_exit_reason_names(void)
{
	CHECK(strcmp(exit_reason_name(EXIT_REASON_CPUID), "cpuid") == 0);
	CHECK(strcmp(exit_reason_name(EXIT_REASON_EPT_VIOLATION), "ept violation") == 0);
	CHECK(strcmp(exit_reason_name(EXIT_REASON_TRIPLE_FAULT), "triple fault") == 0);
	CHECK(strcmp(exit_reason_name(0), "exception or nmi") == 0);
	CHECK(strcmp(exit_reason_name(EXIT_REASON_XRSTORS), "xrstors") == 0);
	CHECK(strcmp(exit_reason_name(EXIT_REASON_TDCALL), "tdcall") == 0);
	CHECK(strcmp(exit_reason_name(35), "unknown") == 0);
	CHECK(strcmp(exit_reason_name(EXIT_REASON_COUNT), "unknown") == 0);
	CHECK(strcmp(exit_reason_name(0xFFFF), "unknown") == 0);
	/* The raw field with the entry-failure flag still names the reason. */
	CHECK_STR_CONTAINS(exit_reason_name(EXIT_REASON_FLAG_ENTRY_FAIL |
					    EXIT_REASON_ENTRY_FAIL_GUEST_STATE), "guest state");
	/* Every defined slot up to the end has a name except the SDM's gaps. */
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		CHECK((strcmp(exit_reason_name(r), "unknown") == 0) ==
		      (r == 35 || r == 38 || r == 42));
}

static void test_insn_error_names(void)
{
	CHECK_STR_CONTAINS(vmx_insn_error_name(VMX_INSN_ERR_ENTRY_BAD_CONTROLS), "control");
	CHECK_STR_CONTAINS(vmx_insn_error_name(VMX_INSN_ERR_VMWRITE_READ_ONLY), "read-only");
	CHECK_STR_CONTAINS(vmx_insn_error_name(VMX_INSN_ERR_INVEPT_INVVPID_OPERAND), "invept");
	CHECK(strcmp(vmx_insn_error_name(0), "unknown") == 0);
	CHECK(strcmp(vmx_insn_error_name(14), "unknown") == 0);
	CHECK(strcmp(vmx_insn_error_name(29), "unknown") == 0);
	CHECK(strcmp(vmx_insn_error_name(1000), "unknown") == 0);
}

static void test_field_width(void)
{
	CHECK_EQ(vmcs_field_width(VMCS_GUEST_CS_SEL), VMCS_WIDTH_16);
	CHECK_EQ(vmcs_field_width(VMCS_EPT_POINTER), VMCS_WIDTH_64);
	CHECK_EQ(vmcs_field_width(VMCS_EXIT_REASON), VMCS_WIDTH_32);
	CHECK_EQ(vmcs_field_width(VMCS_GUEST_RIP), VMCS_WIDTH_NATURAL);
	CHECK_EQ(vmcs_field_width(VMCS_FIELD_HIGH(VMCS_GUEST_IA32_EFER)), VMCS_WIDTH_64);
	CHECK_EQ(VMCS_FIELD_HIGH(VMCS_VMCS_LINK_POINTER), 0x2801);
	CHECK_EQ(VMCS_FIELD_TYPE(VMCS_HOST_RSP), VMCS_TYPE_HOST);
	CHECK_EQ(VMCS_FIELD_TYPE(VMCS_EXIT_QUALIFICATION), VMCS_TYPE_RO_DATA);
}

int main(void)
{
	RUN(test_valid_states);
	RUN(test_cr0);
	RUN(test_cr4_cr3);
	RUN(test_ia32e_and_efer);
	RUN(test_pat_and_debug);
	RUN(test_rflags);
	RUN(test_rip);
	RUN(test_cs);
	RUN(test_ar_common_rules);
	RUN(test_ss);
	RUN(test_data_segments);
	RUN(test_tr_ldtr);
	RUN(test_descriptor_tables);
	RUN(test_v86);
	RUN(test_activity);
	RUN(test_interruptibility);
	RUN(test_pending_dbg);
	RUN(test_vmcs_link);
	RUN(test_message_buffer);
	RUN(test_describe_ar);
	RUN(test_exit_reason_names);
	RUN(test_insn_error_names);
	RUN(test_field_width);
	return check_summary();
}

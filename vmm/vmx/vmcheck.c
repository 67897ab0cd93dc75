/*
 * The VM-entry guest-state checks, in software, so that a bad VMCS is
 * reported by field name instead of as a bare "exit reason 33".
 *
 * Rules from SDM Vol. 3C 27.3.1 "Checks on the Guest State Area" (26.3.1
 * in older editions); each check below cites its subsection:
 *   .1 control registers, debug registers and MSRs
 *   .2 segment registers          .3 descriptor-table registers
 *   .4 RIP and RFLAGS             .5 non-register state
 * Not covered: the PDPTE checks (.6), SYSENTER/PERF_GLOBAL_CTRL/BNDCFGS/
 * CET/PKRS fields (we never load them), SMM entry, and the per-CPU
 * IA32_VMX_MISC list of supported activity states.
 *
 * The first broken rule wins; the message is "guest <field>: <rule>".
 */
#include "vmm/vmx/vmcheck.h"
#include "vmm/vmx/vmcs_fields.h"
#include "lib/fmt.h"
#include "hv/types.h"

/* Guest register bits the rules refer to (SDM Vol. 3A 2.5, 3.4.5, 2.2.1). */
#define GCR0_PE         (1ull << 0)
#define GCR0_WP         (1ull << 16)
#define GCR0_PG         (1ull << 31)
#define GCR4_PAE        (1ull << 5)
#define GCR4_LA57       (1ull << 12)
#define GCR4_PCIDE      (1ull << 17)
#define GCR4_CET        (1ull << 23)
#define GEFER_LME       (1ull << 8)
#define GEFER_LMA       (1ull << 10)
/* EFER bits an Intel CPU defines: SCE, LME, LMA, NXE. */
#define GEFER_VALID     ((1ull << 0) | GEFER_LME | GEFER_LMA | (1ull << 11))
#define GRFLAGS_FIXED1  (1ull << 1)
#define GRFLAGS_TF      (1ull << 8)
#define GRFLAGS_IF      (1ull << 9)
#define GRFLAGS_VM      (1ull << 17)
/* Bits 3, 5, 15 and 63:22 are reserved and must be 0. */
#define GRFLAGS_RSVD    ((1ull << 3) | (1ull << 5) | (1ull << 15) | ~0x3FFFFFull)
#define GDEBUGCTL_BTF   (1ull << 1)
/*
 * DEBUGCTL bits 5:2 and 63:16 are reserved on every CPU we target; newer
 * CPUs define more, but our guests start with DEBUGCTL = 0.
 */
#define GDEBUGCTL_RSVD  ((0xFull << 2) | ~0xFFFFull)
/* Pending debug exceptions: bits 11:4, 13, 15 and 63:17 reserved. */
#define GPENDING_RSVD   ((0xFFull << 4) | (1ull << 13) | (1ull << 15) | ~0x1FFFFull)
#define INTERRUPTIBILITY_RSVD (~0x1Fu)
#define AR_RSVD_11_8    0xF00u
#define AR_RSVD_31_17   0xFFFE0000u

/* What one check needs: the state, the message sink and derived modes. */
struct ctx {
	const struct vmcheck_state *s;
	char *why;
	size_t whylen;
	bool ia32e;      /* "IA-32e mode guest" entry control */
	bool ug;         /* "unrestricted guest", if secondary controls active */
	bool shadowing;  /* "VMCS shadowing", likewise */
	unsigned vabits; /* linear-address width for canonical checks */
};

/* Record "guest <field><sub>: <rule>" and return the failure code. */
__attribute__((format(printf, 4, 5)))
static int fail(struct ctx *c, const char *field, const char *sub, const char *fmt, ...)
{
	va_list ap;
	size_t n = 0;

	if (!c->why || !c->whylen)
		return -1;
	fmt_append(c->why, c->whylen, &n, "guest %s%s: ", field, sub);
	va_start(ap, fmt);
	fmt_vappend(c->why, c->whylen, &n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool canonical(uint64_t a, unsigned bits)
{
	unsigned sh = 64 - bits;

	return (uint64_t)((int64_t)(a << sh) >> sh) == a;
}

static bool seg_usable(const struct vmcheck_seg *g) { return !(g->ar & VMX_AR_UNUSABLE); }
static unsigned seg_type(const struct vmcheck_seg *g) { return g->ar & VMX_AR_TYPE_MASK; }
static unsigned seg_dpl(const struct vmcheck_seg *g) { return (g->ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT; }
static unsigned seg_rpl(const struct vmcheck_seg *g) { return g->sel & 3; }

static bool injecting(const struct ctx *c, unsigned type)
{
	uint32_t info = c->s->entry_intr_info;

	return (info & VMX_INTR_INFO_VALID) &&
	       ((info & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT) == type;
}

static unsigned maxphyaddr(const struct vmcheck_state *s)
{
	return s->maxphyaddr ? s->maxphyaddr : 52;
}

/* ---- 27.3.1.1: control registers, debug registers, MSRs ------------- */

static int check_cr0(struct ctx *c)
{
	uint64_t cr0 = c->s->cr0, fixed0 = c->s->cr0_fixed0;

	/* Unrestricted guest exempts PE and PG from FIXED0. */
	if (c->ug)
		fixed0 &= ~(GCR0_PE | GCR0_PG);
	if ((cr0 & fixed0) != fixed0)
		return fail(c, "CR0", "", "bits 0x%llx must be 1 (IA32_VMX_CR0_FIXED0)",
			    (unsigned long long)(fixed0 & ~cr0));
	if (cr0 & ~c->s->cr0_fixed1)
		return fail(c, "CR0", "", "bits 0x%llx must be 0 (IA32_VMX_CR0_FIXED1)",
			    (unsigned long long)(cr0 & ~c->s->cr0_fixed1));
	if ((cr0 & GCR0_PG) && !(cr0 & GCR0_PE))
		return fail(c, "CR0", "", "PG=1 requires PE=1");
	return 0;
}

static int check_cr4(struct ctx *c)
{
	uint64_t cr4 = c->s->cr4, fixed0 = c->s->cr4_fixed0;

	if ((cr4 & fixed0) != fixed0)
		return fail(c, "CR4", "", "bits 0x%llx must be 1 (IA32_VMX_CR4_FIXED0)",
			    (unsigned long long)(fixed0 & ~cr4));
	if (cr4 & ~c->s->cr4_fixed1)
		return fail(c, "CR4", "", "bits 0x%llx must be 0 (IA32_VMX_CR4_FIXED1)",
			    (unsigned long long)(cr4 & ~c->s->cr4_fixed1));
	if ((cr4 & GCR4_PCIDE) && !c->ia32e)
		return fail(c, "CR4", "", "PCIDE=1 requires an IA-32e mode guest");
	if ((cr4 & GCR4_CET) && !(c->s->cr0 & GCR0_WP))
		return fail(c, "CR4", "", "CET=1 requires CR0.WP=1");
	return 0;
}

static int check_cr3(struct ctx *c)
{
	unsigned w = maxphyaddr(c->s);

	if (w < 64 && (c->s->cr3 >> w))
		return fail(c, "CR3", "", "0x%llx sets bits above MAXPHYADDR (%u)",
			    (unsigned long long)c->s->cr3, w);
	return 0;
}

static int check_ia32e_mode(struct ctx *c)
{
	if (!c->ia32e)
		return 0;
	if (!(c->s->cr0 & GCR0_PG))
		return fail(c, "CR0", "", "PG must be 1 for an IA-32e mode guest");
	if (!(c->s->cr4 & GCR4_PAE))
		return fail(c, "CR4", "", "PAE must be 1 for an IA-32e mode guest");
	return 0;
}

static int check_efer(struct ctx *c)
{
	uint64_t efer = c->s->efer;
	bool lma = efer & GEFER_LMA, lme = efer & GEFER_LME;

	if (!(c->s->entry_ctls & VMX_ENTRY_LOAD_EFER))
		return 0;
	if (efer & ~GEFER_VALID)
		return fail(c, "IA32_EFER", "", "reserved bits 0x%llx must be 0",
			    (unsigned long long)(efer & ~GEFER_VALID));
	if (lma != c->ia32e)
		return fail(c, "IA32_EFER", "", "LMA (%d) must equal the IA-32e mode guest control (%d)",
			    lma, c->ia32e);
	/* With paging off LME may run ahead of LMA (long mode being enabled). */
	if ((c->s->cr0 & GCR0_PG) && lme != lma)
		return fail(c, "IA32_EFER", "", "LME (%d) must equal LMA (%d) when CR0.PG=1",
			    lme, lma);
	return 0;
}

/* PAT memory types 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-; 2 and 3 are reserved. */
static int check_pat(struct ctx *c)
{
	if (!(c->s->entry_ctls & VMX_ENTRY_LOAD_PAT))
		return 0;
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (c->s->pat >> (8 * i)) & 0xFF;

		if (t == 2 || t == 3 || t > 7)
			return fail(c, "IA32_PAT", "", "entry PA%u has invalid memory type %u", i, t);
	}
	return 0;
}

static int check_debug_regs(struct ctx *c)
{
	if (!(c->s->entry_ctls & VMX_ENTRY_LOAD_DEBUG_CTLS))
		return 0;
	if (c->s->dr7 >> 32)
		return fail(c, "DR7", "", "bits 63:32 must be 0");
	if (c->s->debugctl & GDEBUGCTL_RSVD)
		return fail(c, "IA32_DEBUGCTL", "", "reserved bits 0x%llx must be 0",
			    (unsigned long long)(c->s->debugctl & GDEBUGCTL_RSVD));
	return 0;
}

/* ---- 27.3.1.2: segment registers ------------------------------------ */

/* Virtual-8086 mode: every segment is a real-mode style 64 KiB window. */
static int check_v86_seg(struct ctx *c, const char *name, const struct vmcheck_seg *g)
{
	if (g->base != (uint64_t)g->sel << 4)
		return fail(c, name, ".base", "must be selector << 4 in virtual-8086 mode");
	if (g->limit != 0xFFFF)
		return fail(c, name, ".limit", "must be 0xffff in virtual-8086 mode");
	if (g->ar != 0xF3)
		return fail(c, name, ".AR", "must be 0xf3 in virtual-8086 mode");
	return 0;
}

/* The limit must be expressible with the granularity bit as set. */
static int check_granularity(struct ctx *c, const char *name, const struct vmcheck_seg *g)
{
	bool gran = g->ar & VMX_AR_G;

	if ((g->limit & 0xFFF) != 0xFFF && gran)
		return fail(c, name, ".AR", "G must be 0 when limit 0x%x has a 0 in bits 11:0", g->limit);
	if ((g->limit >> 20) && !gran)
		return fail(c, name, ".AR", "G must be 1 when limit 0x%x has a 1 in bits 31:20", g->limit);
	return 0;
}

/* Rules shared by every usable segment (and CS): reserved bits, S, P, G. */
static int check_ar_common(struct ctx *c, const char *name, const struct vmcheck_seg *g,
			   bool system)
{
	if (g->ar & AR_RSVD_11_8)
		return fail(c, name, ".AR", "reserved bits 11:8 must be 0");
	if (g->ar & AR_RSVD_31_17)
		return fail(c, name, ".AR", "reserved bits 31:17 must be 0");
	if (!(g->ar & VMX_AR_S) != system)
		return fail(c, name, ".AR", "S must be %d", !system);
	if (!(g->ar & VMX_AR_P))
		return fail(c, name, ".AR", "P must be 1");
	return check_granularity(c, name, g);
}

static int check_cs_dpl(struct ctx *c)
{
	const struct vmcheck_seg *cs = &c->s->cs;
	unsigned type = seg_type(cs), dpl = seg_dpl(cs), ss_dpl = seg_dpl(&c->s->ss);

	if (type == 3 && dpl != 0)
		return fail(c, "CS", ".AR", "DPL must be 0 when CS is a data segment");
	if ((type == 9 || type == 11) && dpl != ss_dpl)
		return fail(c, "CS", ".AR", "DPL %u must equal SS.DPL %u (non-conforming code)",
			    dpl, ss_dpl);
	if ((type == 13 || type == 15) && dpl > ss_dpl)
		return fail(c, "CS", ".AR", "DPL %u must not exceed SS.DPL %u (conforming code)",
			    dpl, ss_dpl);
	return 0;
}

static int check_cs(struct ctx *c)
{
	const struct vmcheck_seg *cs = &c->s->cs;
	unsigned type = seg_type(cs);

	if (cs->base >> 32)
		return fail(c, "CS", ".base", "bits 63:32 must be 0");
	/* Only unrestricted guests may run with a data-type CS (real mode). */
	if (!(type == 9 || type == 11 || type == 13 || type == 15 || (c->ug && type == 3)))
		return fail(c, "CS", ".AR", "type %u must be accessed code (9, 11, 13, 15)%s",
			    type, c->ug ? " or accessed data (3)" : "");
	if (c->ia32e && (cs->ar & VMX_AR_L) && (cs->ar & VMX_AR_DB))
		return fail(c, "CS", ".AR", "L=1 requires D/B=0 in IA-32e mode");
	if (check_ar_common(c, "CS", cs, false))
		return -1;
	return check_cs_dpl(c);
}

static int check_ss(struct ctx *c)
{
	const struct vmcheck_seg *ss = &c->s->ss;
	unsigned dpl = seg_dpl(ss);

	if (!c->ug && seg_rpl(ss) != seg_rpl(&c->s->cs))
		return fail(c, "SS", ".sel", "RPL %u must equal CS RPL %u", seg_rpl(ss),
			    seg_rpl(&c->s->cs));
	if (!c->ug && dpl != seg_rpl(ss))
		return fail(c, "SS", ".AR", "DPL %u must equal SS RPL %u", dpl, seg_rpl(ss));
	if ((seg_type(&c->s->cs) == 3 || !(c->s->cr0 & GCR0_PE)) && dpl != 0)
		return fail(c, "SS", ".AR", "DPL must be 0 in real mode");
	if (!seg_usable(ss))
		return 0;
	if (ss->base >> 32)
		return fail(c, "SS", ".base", "bits 63:32 must be 0");
	if (seg_type(ss) != 3 && seg_type(ss) != 7)
		return fail(c, "SS", ".AR", "type %u must be read/write accessed data (3, 7)",
			    seg_type(ss));
	return check_ar_common(c, "SS", ss, false);
}

/* DS, ES, FS, GS.  FS/GS bases are 64-bit; DS/ES are 32-bit when usable. */
static int check_data_seg(struct ctx *c, const char *name, const struct vmcheck_seg *g,
			  bool wide_base)
{
	unsigned type = seg_type(g);

	if (wide_base && !canonical(g->base, c->vabits))
		return fail(c, name, ".base", "0x%llx is not canonical", (unsigned long long)g->base);
	if (!seg_usable(g))
		return 0;
	if (!wide_base && (g->base >> 32))
		return fail(c, name, ".base", "bits 63:32 must be 0");
	if (!(type & 1))
		return fail(c, name, ".AR", "type %u must have the accessed bit set", type);
	if ((type & 8) && !(type & 2))
		return fail(c, name, ".AR", "type %u: a code segment here must be readable", type);
	if (!c->ug && type <= 11 && seg_dpl(g) < seg_rpl(g))
		return fail(c, name, ".AR", "DPL %u must not be below RPL %u", seg_dpl(g), seg_rpl(g));
	return check_ar_common(c, name, g, false);
}

static int check_tr(struct ctx *c)
{
	const struct vmcheck_seg *tr = &c->s->tr;
	unsigned type = seg_type(tr);

	if (tr->sel & 4)
		return fail(c, "TR", ".sel", "TI must be 0");
	if (!canonical(tr->base, c->vabits))
		return fail(c, "TR", ".base", "0x%llx is not canonical", (unsigned long long)tr->base);
	if (!seg_usable(tr))
		return fail(c, "TR", ".AR", "must be usable");
	if (c->ia32e && type != 11)
		return fail(c, "TR", ".AR", "type %u must be 11 (busy 64-bit TSS) in IA-32e mode", type);
	if (type != 11 && type != 3)
		return fail(c, "TR", ".AR", "type %u must be 11 (busy 32-bit TSS) or 3 (busy 16-bit TSS)",
			    type);
	return check_ar_common(c, "TR", tr, true);
}

static int check_ldtr(struct ctx *c)
{
	const struct vmcheck_seg *ldtr = &c->s->ldtr;

	if (!seg_usable(ldtr))
		return 0;
	if (ldtr->sel & 4)
		return fail(c, "LDTR", ".sel", "TI must be 0");
	if (!canonical(ldtr->base, c->vabits))
		return fail(c, "LDTR", ".base", "0x%llx is not canonical",
			    (unsigned long long)ldtr->base);
	if (seg_type(ldtr) != 2)
		return fail(c, "LDTR", ".AR", "type %u must be 2 (LDT)", seg_type(ldtr));
	return check_ar_common(c, "LDTR", ldtr, true);
}

static int check_segments(struct ctx *c)
{
	const struct vmcheck_state *s = c->s;

	if (s->rflags & GRFLAGS_VM)
		return check_v86_seg(c, "CS", &s->cs) || check_v86_seg(c, "SS", &s->ss) ||
		       check_v86_seg(c, "DS", &s->ds) || check_v86_seg(c, "ES", &s->es) ||
		       check_v86_seg(c, "FS", &s->fs) || check_v86_seg(c, "GS", &s->gs) ?
		       -1 : 0;
	if (check_cs(c) || check_ss(c))
		return -1;
	if (check_data_seg(c, "DS", &s->ds, false) || check_data_seg(c, "ES", &s->es, false) ||
	    check_data_seg(c, "FS", &s->fs, true) || check_data_seg(c, "GS", &s->gs, true))
		return -1;
	return 0;
}

/* ---- 27.3.1.3: GDTR and IDTR ---------------------------------------- */

static int check_dtr(struct ctx *c)
{
	const struct vmcheck_state *s = c->s;

	if (!canonical(s->gdtr_base, c->vabits))
		return fail(c, "GDTR", ".base", "0x%llx is not canonical",
			    (unsigned long long)s->gdtr_base);
	if (!canonical(s->idtr_base, c->vabits))
		return fail(c, "IDTR", ".base", "0x%llx is not canonical",
			    (unsigned long long)s->idtr_base);
	if (s->gdtr_limit >> 16)
		return fail(c, "GDTR", ".limit", "0x%x exceeds 0xffff", s->gdtr_limit);
	if (s->idtr_limit >> 16)
		return fail(c, "IDTR", ".limit", "0x%x exceeds 0xffff", s->idtr_limit);
	return 0;
}

/* ---- 27.3.1.4: RIP and RFLAGS --------------------------------------- */

static int check_rip(struct ctx *c)
{
	uint64_t rip = c->s->rip;

	if (!c->ia32e || !(c->s->cs.ar & VMX_AR_L)) {
		if (rip >> 32)
			return fail(c, "RIP", "", "0x%llx: bits 63:32 must be 0 outside 64-bit mode",
				    (unsigned long long)rip);
	} else if (!canonical(rip, c->vabits)) {
		return fail(c, "RIP", "", "0x%llx is not canonical", (unsigned long long)rip);
	}
	return 0;
}

static int check_rflags(struct ctx *c)
{
	uint64_t fl = c->s->rflags;

	if (fl & GRFLAGS_RSVD)
		return fail(c, "RFLAGS", "", "reserved bits 0x%llx must be 0",
			    (unsigned long long)(fl & GRFLAGS_RSVD));
	if (!(fl & GRFLAGS_FIXED1))
		return fail(c, "RFLAGS", "", "bit 1 must be 1");
	if ((fl & GRFLAGS_VM) && (c->ia32e || !(c->s->cr0 & GCR0_PE)))
		return fail(c, "RFLAGS", "", "VM must be 0 in IA-32e mode or with CR0.PE=0");
	if (injecting(c, VMX_INTR_TYPE_EXT_INTR) && !(fl & GRFLAGS_IF))
		return fail(c, "RFLAGS", "", "IF must be 1 to inject an external interrupt");
	return 0;
}

/* ---- 27.3.1.5: non-register state ----------------------------------- */

static int check_activity(struct ctx *c)
{
	uint32_t act = c->s->activity;
	bool blocking = c->s->interruptibility &
			(VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS);

	if (act > VMX_ACTIVITY_WAIT_SIPI)
		return fail(c, "activity state", "", "%u is not 0..3", act);
	if (act == VMX_ACTIVITY_HLT && seg_dpl(&c->s->ss) != 0)
		return fail(c, "activity state", "", "HLT requires SS.DPL=0");
	if (act == VMX_ACTIVITY_HLT && blocking)
		return fail(c, "activity state", "", "HLT is not allowed with STI or MOV SS blocking");
	if (act == VMX_ACTIVITY_WAIT_SIPI && (c->s->entry_intr_info & VMX_INTR_INFO_VALID))
		return fail(c, "activity state", "", "no event may be injected in wait-for-SIPI");
	return 0;
}

static int check_interruptibility(struct ctx *c)
{
	uint32_t v = c->s->interruptibility;
	bool sti = v & VMX_INTERRUPTIBILITY_STI, movss = v & VMX_INTERRUPTIBILITY_MOV_SS;
	const char *f = "interruptibility state";

	if (v & INTERRUPTIBILITY_RSVD)
		return fail(c, f, "", "reserved bits 0x%x must be 0", v & INTERRUPTIBILITY_RSVD);
	if (sti && movss)
		return fail(c, f, "", "blocking by STI and by MOV SS must not both be set");
	if (sti && !(c->s->rflags & GRFLAGS_IF))
		return fail(c, f, "", "blocking by STI requires RFLAGS.IF=1");
	if (v & VMX_INTERRUPTIBILITY_SMI)
		return fail(c, f, "", "blocking by SMI must be 0 outside SMM");
	if (injecting(c, VMX_INTR_TYPE_EXT_INTR) && (sti || movss))
		return fail(c, f, "", "no STI/MOV SS blocking when injecting an external interrupt");
	if (injecting(c, VMX_INTR_TYPE_NMI) && movss)
		return fail(c, f, "", "no MOV SS blocking when injecting an NMI");
	if (injecting(c, VMX_INTR_TYPE_NMI) && (c->s->pin_ctls & VMX_PIN_VIRTUAL_NMIS) &&
	    (v & VMX_INTERRUPTIBILITY_NMI))
		return fail(c, f, "", "virtual-NMI blocking must be 0 when injecting an NMI");
	return 0;
}

static int check_pending_dbg(struct ctx *c)
{
	const struct vmcheck_state *s = c->s;
	uint64_t p = s->pending_dbg;
	bool bs, want_bs;

	if (p & GPENDING_RSVD)
		return fail(c, "pending debug exceptions", "", "reserved bits 0x%llx must be 0",
			    (unsigned long long)(p & GPENDING_RSVD));
	/* BS must mirror a pending single-step trap when events are held back. */
	if (!(s->interruptibility & (VMX_INTERRUPTIBILITY_STI | VMX_INTERRUPTIBILITY_MOV_SS)) &&
	    s->activity != VMX_ACTIVITY_HLT)
		return 0;
	bs = p & VMX_PENDING_DBG_BS;
	want_bs = (s->rflags & GRFLAGS_TF) && !(s->debugctl & GDEBUGCTL_BTF);
	if (bs != want_bs)
		return fail(c, "pending debug exceptions", "", "BS must be %d (RFLAGS.TF=%d, BTF=%d)",
			    want_bs, !!(s->rflags & GRFLAGS_TF), !!(s->debugctl & GDEBUGCTL_BTF));
	return 0;
}

static int check_vmcs_link(struct ctx *c)
{
	uint64_t link = c->s->vmcs_link;
	unsigned w = maxphyaddr(c->s);

	if (link == ~0ull)
		return 0;
	if (!c->shadowing)
		return fail(c, "VMCS link pointer", "", "must be 0xffffffffffffffff without VMCS shadowing");
	if (link & 0xFFF)
		return fail(c, "VMCS link pointer", "", "0x%llx is not 4 KiB aligned",
			    (unsigned long long)link);
	if (w < 64 && (link >> w))
		return fail(c, "VMCS link pointer", "", "0x%llx sets bits above MAXPHYADDR (%u)",
			    (unsigned long long)link, w);
	return 0;
}

/* ---- driver ---------------------------------------------------------- */

static int (*const checks[])(struct ctx *) = {
	check_cr0, check_cr4, check_cr3, check_ia32e_mode, check_efer, check_pat,
	check_debug_regs, check_rflags, check_rip, check_segments, check_tr,
	check_ldtr, check_dtr, check_activity, check_interruptibility,
	check_pending_dbg, check_vmcs_link,
};

static struct ctx ctx_init(const struct vmcheck_state *s, char *why, size_t whylen)
{
	bool secondary = s->proc_ctls & VMX_PROC_ACTIVATE_SECONDARY;

	return (struct ctx){
		.s = s, .why = why, .whylen = whylen,
		.ia32e = s->entry_ctls & VMX_ENTRY_IA32E_MODE_GUEST,
		.ug = secondary && (s->proc_ctls2 & VMX_PROC2_UNRESTRICTED_GUEST),
		.shadowing = secondary && (s->proc_ctls2 & VMX_PROC2_VMCS_SHADOWING),
		/* Conservative: a CPU without LA57 checks 48 bits. */
		.vabits = (s->cr4 & GCR4_LA57) ? 57 : 48,
	};
}

int vmcheck_guest(const struct vmcheck_state *s, char *why, size_t whylen)
{
	struct ctx c = ctx_init(s, why, whylen);

	if (why && whylen)
		why[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++)
		if (checks[i](&c))
			return -1;
	return 0;
}

void vmcheck_describe_ar(uint32_t ar, char *buf, size_t n)
{
	if (ar & VMX_AR_UNUSABLE) {
		fmt_snprintf(buf, n, "unusable (ar=0x%x)", ar);
		return;
	}
	fmt_snprintf(buf, n, "type=%u s=%u dpl=%u p=%u avl=%u l=%u db=%u g=%u",
		     ar & VMX_AR_TYPE_MASK, !!(ar & VMX_AR_S),
		     (ar & VMX_AR_DPL_MASK) >> VMX_AR_DPL_SHIFT, !!(ar & VMX_AR_P),
		     !!(ar & VMX_AR_AVL), !!(ar & VMX_AR_L), !!(ar & VMX_AR_DB),
		     !!(ar & VMX_AR_G));
}

/*
 * The two outcomes most exit-handler tests look for, over the fixture of
 * vcpu_fixture.h (macros, so a failure names the test's line).
 *
 *   CHECK_RETIRED()       the instruction completed: RIP moved past it and
 *                         no exception is queued
 *   CHECK_FAULT(vec, ec)  it faulted: hardware exception `vec` queued with
 *                         error code `ec` (-1: none), RIP left on it
 */
#ifndef EXIT_CHECKS_H
#define EXIT_CHECKS_H

#include "check.h"
#include "vcpu_fixture.h"

#include "arch/x86_64/vectors.h"
#include "vmm/vcpu/exit.h"

#define CHECK_RETIRED() do { \
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), FX_RIP + FX_INSN_LEN); \
	CHECK_EQ(fx_injected_vector(NULL), -1); \
	} while (0)

#define CHECK_FAULT(vec, ec) do { \
	int64_t ec_ = -2; \
	CHECK_EQ(fx_injected_vector(&ec_), (vec)); \
	CHECK_EQ(ec_, (ec)); \
	CHECK_EQ((fake_vmcs_get(VMCS_ENTRY_INTR_INFO) & VMX_INTR_INFO_TYPE_MASK) >> VMX_INTR_INFO_TYPE_SHIFT, \
		 VMX_INTR_TYPE_HW_EXCEPTION); \
	CHECK_EQ(fake_vmcs_get(VMCS_GUEST_RIP), FX_RIP); \
	} while (0)

/* WRMSR of val to msr by the guest at FX_RIP: true if it retired, false
 * if it faulted (#GP(0), the only fault WRMSR gives). */
static inline bool fx_wrmsr(uint32_t msr, uint64_t val)
{
	fake_vmcs_set(VMCS_GUEST_RIP, FX_RIP);
	fake_vmcs_set(VMCS_ENTRY_INTR_INFO, 0);
	fx_vcpu->regs.rcx = msr;
	fx_vcpu->regs.rax = (uint32_t)val;
	fx_vcpu->regs.rdx = val >> 32;
	CHECK_EQ(exit_wrmsr(fx_vcpu, 0), EXIT_HANDLED);
	if (fx_injected_vector(NULL) >= 0) {
		CHECK_FAULT(X86_VEC_GP, 0);
		return false;
	}
	CHECK_RETIRED();
	return true;
}

#endif

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

#endif

/*
 * Expected-fault bookkeeping (see fault.h).  The state is global: guests
 * are single-CPU and run one guarded instruction at a time.
 */
#include "fault.h"

volatile uint32_t fault_resume_eip;

static volatile bool armed;
static volatile int caught_vector = FAULT_NONE;
static volatile uint32_t caught_error;
static int expected_vector = FAULT_NONE;
static int last_vector = FAULT_NONE;
static uint32_t last_error;

void fault_arm(void)
{
	fault_resume_eip = 0;
	caught_vector = FAULT_NONE;
	caught_error = 0;
	armed = true;
}

int fault_disarm(void)
{
	armed = false;
	fault_resume_eip = 0;
	last_vector = caught_vector;
	last_error = caught_error;
	return last_vector;
}

void fault_expect(int vector)
{
	expected_vector = vector;
	fault_arm();
}

bool fault_seen(void)
{
	return fault_disarm() == expected_vector;
}

int fault_last_vector(void)
{
	return last_vector;
}

uint32_t fault_last_error(void)
{
	return last_error;
}

bool fault_catch(uint32_t vector, uint32_t error, uint32_t *eip)
{
	/* A zero resume address means the guard has not run yet: the fault
	 * came from somewhere else and is a real bug. */
	if (!armed || fault_resume_eip == 0)
		return false;
	caught_vector = (int)vector;
	caught_error = error;
	*eip = fault_resume_eip;
	armed = false;
	fault_resume_eip = 0;
	return true;
}

int fault_try_rdmsr(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	fault_arm();
	__asm__ volatile(FAULT_GUARD("rdmsr")
			 : "+a"(lo), "+d"(hi)
			 : "c"(msr)
			 : "memory");
	*val = ((uint64_t)hi << 32) | lo;
	return fault_disarm();
}

int fault_try_wrmsr(uint32_t msr, uint64_t val)
{
	fault_arm();
	__asm__ volatile(FAULT_GUARD("wrmsr")
			 :
			 : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
			 : "memory");
	return fault_disarm();
}

/*
 * Several vCPUs in one partition (see smp.h): IPIs, the mailbox, EPT
 * invalidation and stopping together.  The application processors'
 * threads are in ap.c.
 */
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/mailbox.h"
#include "vmm/dev/ipi_route.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/cpu.h"

void vcpu_kick(struct vcpu *v)
{
	cpu_kick(v->cpu);
}

static void post(struct vcpu *to, uint32_t icr_low)
{
	switch (VLAPIC_ICR_DELIVERY(icr_low)) {
	case VLAPIC_DM_FIXED:
	case VLAPIC_DM_LOWEST:
		mbox_post_fixed(&to->mbox, (uint8_t)icr_low, icr_low & VLAPIC_ICR_TRIGGER_LEVEL);
		break;
	case VLAPIC_DM_NMI:
		mbox_post_event(&to->mbox, VCPU_EV_NMI, 0);
		break;
	case VLAPIC_DM_INIT:
		/* INIT level de-assert (level-triggered, level 0) does nothing (SDM 11.6.1) */
		if ((icr_low & VLAPIC_ICR_TRIGGER_LEVEL) && !(icr_low & VLAPIC_ICR_LEVEL_ASSERT))
			return;
		mbox_post_event(&to->mbox, VCPU_EV_INIT, 0);
		break;
	case VLAPIC_DM_SIPI:
		mbox_post_event(&to->mbox, VCPU_EV_SIPI, (uint8_t)icr_low);
		break;
	default:                 /* SMI, ExtINT and the reserved mode: nothing to do */
		return;
	}
	vcpu_kick(to);
}

/* A message from vCPU `sender` (-1: a device) to the vCPUs it names. */
static void deliver(struct partition *p, int sender, uint32_t dest, uint32_t icr_low)
{
	struct vlapic *lapics[CONFIG_MAX_VCPUS];

	for (int i = 0; i < p->nvcpus; i++)
		lapics[i] = &p->vcpus[i].lapic;
	uint32_t hit = ipi_route(lapics, p->nvcpus, sender, dest, icr_low);
	for (int i = 0; i < p->nvcpus; i++)
		if (hit & (1u << i))
			post(&p->vcpus[i], icr_low);
}

void vcpu_send_ipi(void *ctx, uint32_t dest, uint32_t icr_low)
{
	struct vcpu *from = ctx;

	deliver(from->part, from->id, dest, icr_low);
}

void partition_ioapic_deliver(void *ctx, uint32_t dest, uint32_t msg)
{
	deliver(ctx, -1, dest, msg);
}

uint64_t vcpu_lapic_clock(void *ctx)
{
	return rdtsc() + ((struct vcpu *)ctx)->msr.tsc_offset;
}

void vcpu_level_eoi(void *ctx, uint8_t vector)
{
	struct partition *p = ((struct vcpu *)ctx)->part;

	partition_dev_lock(p);
	vioapic_eoi(&p->platform.ioapic, vector);
	partition_dev_unlock(p);
}

void vcpu_take_mail(struct vcpu *v)
{
	uint32_t fixed[8], level[8];
	uint8_t sipi;
	uint32_t ev = mbox_take(&v->mbox, fixed, level, &sipi);

	for (int w = 0; w < 8; w++)
		for (uint32_t bits = fixed[w]; bits; bits &= bits - 1) {
			unsigned b = (unsigned)__builtin_ctz(bits);
			vlapic_accept_irq(&v->lapic, (uint8_t)(w * 32 + b), level[w] & (1u << b));
		}
	if (ev & VCPU_EV_NMI)
		v->nmi_pending = true;
	/* INIT to the boot vCPU would reset the whole guest: not modelled */
	if ((ev & VCPU_EV_INIT) && v->id != 0)
		v->init_pending = true;
	/* a SIPI counts only in the wait-for-SIPI state (SDM Vol. 3A 9.4.4.1) */
	if ((ev & VCPU_EV_SIPI) && (v->init_pending || v->mode == VCPU_WAIT_SIPI)) {
		v->sipi_pending = true;
		v->sipi_vector = sipi;
	}
	if (ev & VCPU_EV_EPT)
		vcpu_sync_ept(v);
	/* what makes the run loop leave stays flagged until it has looked */
	if (v->part->stop || v->init_pending)
		__atomic_store_n(&v->mbox.any, 1, __ATOMIC_RELAXED);
	/* as vcpu_lapic_changed() (helpers.h, which includes this file's
	 * header): the mail reached the local APIC, not the devices */
	if (v->id == 0)
		v->part->platform.next_event = 0;
}

void vcpu_flush_ept_everywhere(struct vcpu *v)
{
	struct partition *p = v->part;

	v->ept_gen = __atomic_add_fetch(&p->ept_gen, 1, __ATOMIC_ACQ_REL);
	for (int i = 0; i < p->nvcpus; i++) {
		if (&p->vcpus[i] != v) {
			mbox_post_event(&p->vcpus[i].mbox, VCPU_EV_EPT, 0);
			vcpu_kick(&p->vcpus[i]);
		}
	}
}

void vcpu_sync_ept(struct vcpu *v)
{
	unsigned gen = __atomic_load_n(&v->part->ept_gen, __ATOMIC_ACQUIRE);

	if (gen != v->ept_gen) {
		v->ept_gen = gen;
		invept_single(ept_eptp(&v->part->ept));
	}
}

void vcpu_stop_partition(struct vcpu *v)
{
	struct partition *p = v->part;

	__atomic_store_n(&p->stop, true, __ATOMIC_RELEASE);
	for (int i = 0; i < p->nvcpus; i++) {
		if (&p->vcpus[i] != v) {
			mbox_post_event(&p->vcpus[i].mbox, VCPU_EV_STOP, 0);
			vcpu_kick(&p->vcpus[i]);
		}
	}
}


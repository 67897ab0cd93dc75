/*
 * The application processors of a partition (see smp.h): their threads,
 * waiting for a STARTUP IPI, and the boot vCPU's side of a reset.
 */
#include "vmm/vcpu/smp.h"
#include "vmm/vcpu/mailbox.h"
#include "vmm/vcpu/run.h"
#include "vmm/vcpu/helpers.h"
#include "vmm/partition.h"
#include "vmm/vmx/vmx.h"
#include "vmm/vmx/vmcs.h"
#include "vmm/vmx/vmx_caps.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/tsc.h"
#include "hv/log.h"
#include "hv/string.h"

/* Wait (with pause) until every AP satisfies done(); kick them meanwhile. */
static void wait_aps(struct partition *p, bool (*done)(const struct vcpu *))
{
	for (int i = 1; i < p->nvcpus; i++) {
		struct vcpu *v = &p->vcpus[i];
		uint64_t next_kick = 0;

		while (!done(v)) {
			if (rdtsc() >= next_kick) {
				vcpu_kick(v);
				next_kick = rdtsc() + tsc_hz() / 1000;
			}
			cpu_relax();
		}
	}
}

static bool reset_done(const struct vcpu *v)
{
	return v->mode == VCPU_DEAD || __atomic_load_n(&v->epoch, __ATOMIC_ACQUIRE) == v->part->epoch;
}

static bool out_of_guest(const struct vcpu *v)
{
	return !__atomic_load_n(&v->in_guest, __ATOMIC_ACQUIRE);
}

void partition_reset_aps(struct partition *p)
{
	vcpu_stop_partition(&p->vcpus[0]);
	wait_aps(p, out_of_guest);
	__atomic_add_fetch(&p->epoch, 1, __ATOMIC_ACQ_REL);
	wait_aps(p, reset_done);
}

void partition_wait_aps_out(struct partition *p)
{
	wait_aps(p, out_of_guest);
}

/* ---- an application processor's thread --------------------------------- */

/* Power-on state of this AP, for a new boot of its partition. */
static void ap_reset(struct vcpu *v)
{
	platform_lapic_reset(&v->lapic, (unsigned)v->id, vcpu_send_ipi, vcpu_level_eoi, vcpu_lapic_clock, v);
	vcpu_msr_state_reset(&v->msr);
	memset(&v->mbox, 0, sizeof(v->mbox));
	v->init_pending = v->sipi_pending = v->nmi_pending = false;
	v->mode = VCPU_WAIT_SIPI;
	memset(v->exit_counts, 0, sizeof(v->exit_counts));
	v->exits = 0;
	v->starts = 0;
}

/* An INIT taken from the mailbox: the APIC's INIT state, then wait for a SIPI. */
static void take_init(struct vcpu *v)
{
	if (!v->init_pending)
		return;
	v->init_pending = false;
	vlapic_init_reset(&v->lapic);
	v->mode = VCPU_WAIT_SIPI;
}

/*
 * Wait in software for what starts this AP: true with v->sipi_vector set
 * when a STARTUP IPI came in the wait-for-SIPI state, false when the
 * partition has ended for good.
 */
static bool ap_wait(struct vcpu *v)
{
	struct partition *p = v->part;

	for (;;) {
		if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == GUEST_ENDED)
			return false;
		unsigned epoch = __atomic_load_n(&p->epoch, __ATOMIC_ACQUIRE);
		if (v->epoch != epoch) {
			ap_reset(v);
			__atomic_store_n(&v->epoch, epoch, __ATOMIC_RELEASE);
			continue;
		}
		if (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
			if (mbox_has_mail(&v->mbox))
				vcpu_take_mail(v);
			take_init(v);
			if (v->sipi_pending) {
				v->sipi_pending = false;
				return true;
			}
		}
		/* a kick (vcpu_kick) ends the sleep early */
		lapic_sleep_until(rdtsc() + tsc_hz() / 1000);
	}
}

/* Enter real mode at the SIPI's page: vector V starts at V * 4 KiB. */
static bool ap_start(struct vcpu *v)
{
	struct partition *p = v->part;
	struct boot_state b = { .mode = BOOT_REAL16, .cs_sel = (uint16_t)(v->sipi_vector << 8) };
	char why[160];

	if (!vmcs_setup(v, &b)) {
		guest_end(v, "killed", "vcpu %d: the VMCS could not be set up", v->id);
		return false;
	}
	if (!vmcs_check_guest(v, why, sizeof(why))) {
		guest_end(v, "killed", "vcpu %d: invalid start state: %s", v->id, why);
		return false;
	}
	/* this CPU may hold translations from the partition's previous boot */
	invept_single(ept_eptp(&p->ept));
	if (vmx_caps.vpid && vmx_caps.invvpid)
		invvpid_single(v->vpid);
	v->mode = VCPU_RUN;
	v->starts++;
	return true;
}

void vcpu_ap_thread(void *arg)
{
	struct vcpu *v = arg;
	struct partition *p = v->part;

	this_cpu()->vcpu = v;
	if (!vmx_on()) {
		log_printf("hv: guest %s: vcpu %d: VMX cannot be turned on on cpu %u; the guest runs without it\n",
			   p->name, v->id, v->cpu);
		v->mode = VCPU_DEAD;
		this_cpu()->vcpu = NULL;
		return;
	}
	while (ap_wait(v)) {
		if (!ap_start(v)) {
			vcpu_stop_partition(v);
			continue;
		}
		vcpu_run(v);
		if (v->mode == VCPU_RUN)      /* left for INIT or a stop, not a park */
			v->mode = VCPU_WAIT_SIPI;
		take_init(v);
	}
	this_cpu()->vcpu = NULL;
}

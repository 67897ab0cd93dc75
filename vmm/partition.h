/*
 * A partition: one guest, its slice of host memory, its CPU and the
 * devices it sees.  A partition's slice is laid out as
 *
 *   base                       base + ram_size          base + total_size
 *   |  guest RAM               |  EPT frame pool (quota) |
 *
 * where guest RAM is gpa [0, 3 GiB) and, past the device hole, gpa 4 GiB
 * on, back to back (ept/guest_ram.h), so guest frames and the frames of its EPT tables both come from the
 * partition's own memory: one guest can never exhaust another's.
 *
 * Partitions are made once, at boot, from the config module; each then
 * runs on its own CPUs (vmm/vcpu/run.h) until it ends, one vCPU on each.
 *
 * Shared between the CPUs of one partition, and what protects it:
 *   the devices (platform, net) and console_in's consumer   dev_lock
 *   net_work (frames may wait in a switch for its devices)  atomics
 *   the EPT (populating it on a fault)                      ept_lock
 *   each vCPU's mailbox                                     atomics
 *   stop (a request that every vCPU leaves the guest)       atomics
 * Everything else of a vCPU (its VMCS, registers, local APIC) is touched
 * only by the host CPU it runs on.
 */
#ifndef VMM_PARTITION_H
#define VMM_PARTITION_H

#include "hv/types.h"
#include "ept/ept.h"
#include "ept/pool.h"
#include "vmm/config.h"
#include "vmm/loader/loader.h"
#include "vmm/dev/platform.h"
#include "vmm/vcpu/vcpu.h"
#include "lib/log_once.h"
#include "lib/ring.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/percpu.h"

/* How many unemulated ports and refused MSRs a guest gets logged. */
#define PARTITION_PORTS_LOGGED 8
#define PARTITION_MSRS_LOGGED  16

enum guest_state { GUEST_READY, GUEST_RUNNING, GUEST_ENDED };

struct hv_options;
struct mb2_info;
struct net_dev;

struct partition {
	int id;
	const struct guest_cfg *cfg;
	const struct hv_options *opts;   /* the hypervisor's command line */
	const char *name;
	unsigned cpu;                    /* the boot vCPU's host CPU */
	int nvcpus;
	struct vcpu *vcpus;              /* nvcpus of them, in hypervisor memory */
	spinlock_t dev_lock, ept_lock;   /* see the top of this file */
	volatile int dev_owner, ept_owner;   /* the host CPU holding each, -1 if none */
	volatile bool stop;              /* every vCPU leaves the guest: it ended */
	unsigned epoch;                  /* boots so far: the APs reset for each */
	unsigned ept_gen;                /* EPT invalidations every vCPU must do */
	hpa_t base;                      /* guest RAM: gpa 0 -> base (ept/guest_ram.h) */
	uint64_t ram_size;               /* bytes of RAM, below and above the hole */
	uint64_t total_size;             /* RAM plus the EPT frame pool */
	struct frame_pool pool;
	struct ept ept;
	struct platform platform;
	struct net_dev *net[CONFIG_MAX_NETS];   /* in hypervisor memory (vmm/net/net.h) */
	int nnets;
	uint32_t net_work;               /* set by any CPU, taken by the boot vCPU's */
	struct byte_ring console_in;     /* COM1 input, from whichever CPU read it */
	const void *image;
	uint64_t image_size;
	struct loader_module mods[CONFIG_MAX_MODULES];
	int nmods;
	hpa_t io_bitmap, msr_bitmap;     /* 2 pages, 1 page */
	volatile enum guest_state state;
	char end_reason[160];
	bool ended;                      /* end_reason is given (several vCPUs may try) */
	bool killed;                     /* the guest_end() kind was "killed" */
	unsigned shutdown_progress;      /* bytes of "Shutdown" seen on port 0x8900 */
	struct log_once logged_ports;    /* unemulated ports already logged (io.c) */
	struct log_once logged_msrs;     /* refused MSRs already logged (msr.c) */
	unsigned restarts;
	unsigned quick_deaths;           /* killed soon after its start, in a row */
};

/*
 * The devices are shared only when the partition has several vCPUs; the
 * EPT lock is taken always (it is cheap and keeps one rule).  Each lock
 * remembers the vCPU holding it, so that a fault the hypervisor takes
 * inside (arch/x86_64/recover.h) can release it: the partition ends, and
 * its other vCPUs must not spin on it for good.
 */
static inline void partition_dev_lock(struct partition *p)
{
	if (p->nvcpus > 1) {
		spin_lock(&p->dev_lock);
		p->dev_owner = cpu_index();
	}
}

static inline void partition_dev_unlock(struct partition *p)
{
	if (p->nvcpus > 1) {
		p->dev_owner = -1;
		spin_unlock(&p->dev_lock);
	}
}

static inline void partition_ept_lock(struct partition *p)
{
	spin_lock(&p->ept_lock);
	p->ept_owner = cpu_index();
}

static inline void partition_ept_unlock(struct partition *p)
{
	p->ept_owner = -1;
	spin_unlock(&p->ept_lock);
}

/* After a fault on this CPU: release what it held (see above). */
static inline void partition_unlock_after_fault(struct partition *p)
{
	if (p->nvcpus > 1 && p->dev_lock.locked && p->dev_owner == cpu_index())
		partition_dev_unlock(p);
	if (p->ept_lock.locked && p->ept_owner == cpu_index())
		partition_ept_unlock(p);
}

/* Read and validate the config module (hv.cfg), then give every valid
 * guest its memory and EPT.  Returns the partitions made (*parts points
 * at them), 0 if there is none; every problem is logged with its line. */
int partitions_create(const struct mb2_info *mb2, const struct hv_options *opts,
		      struct partition **parts);

/* TSC ticks spent zeroing guest memory so far (for the start-up figure). */
uint64_t partition_zeroing_ticks(void);

#endif

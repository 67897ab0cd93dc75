/*
 * A partition: one guest, its slice of host memory, its CPU and the
 * devices it sees.  A partition's slice is laid out as
 *
 *   base                       base + ram_size          base + total_size
 *   |  guest RAM (gpa 0 ...)   |  EPT frame pool (quota) |
 *
 * so guest frames and the frames of its EPT tables both come from the
 * partition's own memory: one guest can never exhaust another's.
 *
 * Partitions are made once, at boot, from the config module; each then
 * runs on its own CPU (vmm/vcpu/run.h) until it ends.
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

/* How many unemulated ports and refused MSRs a guest gets logged. */
#define PARTITION_PORTS_LOGGED 8
#define PARTITION_MSRS_LOGGED  16

enum guest_state { GUEST_READY, GUEST_RUNNING, GUEST_ENDED };

struct hv_options;
struct mb2_info;

struct partition {
	int id;
	const struct guest_cfg *cfg;
	const struct hv_options *opts;   /* the hypervisor's command line */
	const char *name;
	unsigned cpu;
	hpa_t base;                      /* guest RAM: gpa 0 -> base */
	uint64_t ram_size;
	uint64_t total_size;             /* RAM plus the EPT frame pool */
	struct frame_pool pool;
	struct ept ept;
	struct vcpu vcpu;
	struct platform platform;
	struct byte_ring console_in;     /* COM1 input, from whichever CPU read it */
	const void *image;
	uint64_t image_size;
	struct loader_module mods[CONFIG_MAX_MODULES];
	int nmods;
	hpa_t io_bitmap, msr_bitmap;     /* 2 pages, 1 page */
	volatile enum guest_state state;
	char end_reason[160];
	bool killed;                     /* the guest_end() kind was "killed" */
	unsigned shutdown_progress;      /* bytes of "Shutdown" seen on port 0x8900 */
	struct log_once logged_ports;    /* unemulated ports already logged (io.c) */
	struct log_once logged_msrs;     /* refused MSRs already logged (msr.c) */
	unsigned restarts;
	unsigned quick_deaths;           /* killed soon after its start, in a row */
};

/* Read and validate the config module (hv.cfg), then give every valid
 * guest its memory and EPT.  Returns the partitions made (*parts points
 * at them), 0 if there is none; every problem is logged with its line. */
int partitions_create(const struct mb2_info *mb2, const struct hv_options *opts,
		      struct partition **parts);

/* TSC ticks spent zeroing guest memory so far (for the start-up figure). */
uint64_t partition_zeroing_ticks(void);

#endif

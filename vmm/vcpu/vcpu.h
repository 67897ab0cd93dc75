/*
 * A virtual CPU and the partition it belongs to.
 *
 * One vCPU per partition, pinned to one host CPU for its whole life.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "hv/types.h"
#include "ept/ept.h"
#include "vmm/config.h"
#include "vmm/loader/loader.h"
#include "vmm/dev/vuart.h"
#include "vmm/dev/platform.h"

/* Guest general registers saved by vmexit.S; offsets are used there. */
struct guest_regs {
	uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

enum guest_state { GUEST_READY, GUEST_RUNNING, GUEST_ENDED };

#define EXIT_REASON_SLOTS 80

struct partition;

struct vcpu {
	struct guest_regs regs;          /* first: vmexit.S finds it at offset 0 */
	struct partition *part;
	hpa_t vmcs;
	bool launched;
	uint16_t vpid;
	uint64_t exits;
	uint16_t io_port;                /* the port of the I/O exit being handled */
	uint64_t exit_counts[EXIT_REASON_SLOTS];
};

/* A frame pool inside the partition for its EPT tables, within a quota. */
struct frame_pool {
	hpa_t base;
	uint32_t npages;
	uint32_t nfree;
	uint32_t *free;                  /* stack of free page indices */
	uint64_t meta_bytes;             /* hypervisor memory holding `free` */
};

struct partition {
	int id;
	const struct guest_cfg *cfg;
	const char *name;
	unsigned cpu;
	hpa_t base;                      /* guest RAM: gpa 0 -> base */
	uint64_t ram_size;
	uint64_t total_size;             /* RAM plus the EPT table pool */
	struct frame_pool pool;
	struct ept ept;
	struct vcpu vcpu;
	struct vuart uart;
	struct platform platform;
	volatile bool console_input_pending;
	const void *image;
	uint64_t image_size;
	struct loader_module mods[8];
	int nmods;
	hpa_t io_bitmap, msr_bitmap;     /* 2 pages, 1 page */
	volatile enum guest_state state;
	char end_reason[96];
	bool power_off_request;
	unsigned shutdown_progress;      /* bytes of "Shutdown" seen on port 0x8900 */
	uint16_t logged_ports[8];        /* unemulated ports already logged (io.c) */
	unsigned nlogged_ports;
	uint32_t logged_msrs[16];        /* unemulated MSRs already logged (msr.c) */
	unsigned nlogged_msrs;
	unsigned restarts;
};

/* Stop the guest: it ends with "hv: guest <name>: <kind>: <why>". */
void guest_end(struct vcpu *v, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Guest memory access through the EPT (populating on demand). */
bool guest_read(struct partition *p, uint64_t gpa, void *dst, uint64_t len);
bool guest_write(struct partition *p, uint64_t gpa, const void *src, uint64_t len);

/* Advance RIP past the instruction that exited. */
void vcpu_skip_instruction(struct vcpu *v);
void vcpu_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);

#endif

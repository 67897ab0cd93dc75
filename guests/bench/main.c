/*
 * bench: what each kind of exit costs the guest, in TSC ticks.
 *
 * Command line (all optional):
 *   iters=<n>               samples per instruction figure (default 1000),
 *                           each after 100 untimed warm-up runs
 *   small=0xSTART-0xEND     the range the config's small_pages maps with
 *                           4 KiB EPT leaves; without it the 4 KiB
 *                           first-touch figure is skipped
 *
 * The instruction figures (CPUID, VMCALL, port I/O, EFER access) repeat
 * one instruction; the EPT figures touch memory nobody has touched yet,
 * once per page (4 KiB figure: every page of the small range) or per
 * 2 MiB region (2 MiB figure: every whole region above the small range,
 * up to the end of RAM; the hypervisor zeroes each one inside the
 * exit).  Figures have the cheapest empty measurement taken off; the
 * empty measurement itself is printed as it is.  Under Bochs the TSC
 * follows the instruction count, so the numbers repeat run to run.
 */
#include "guest.h"
#include "bench.h"

#define DEFAULT_ITERS 1000u
#define MAX_ITERS     10000000u
#define WARMUP        100u
#define PAGE_4K       0x1000u
#define PAGE_2M       0x200000u
#define ADDR_LIMIT    0x100000000ull	/* paging stays off: 32-bit addresses */

/* Guest-physical layout, worked out before the first timed touch. */
struct layout {
	uint64_t ram_end;
	uint64_t used_end;			/* image and loader data end here */
	uint64_t small_start, small_end;	/* 0, 0: not given */
};

static uint64_t empty_min;

static uint64_t less_empty(uint64_t ticks)
{
	return ticks > empty_min ? ticks - empty_min : 0;
}

static void report(const char *key, const struct bench_stats *s)
{
	con_printf("bench: %s min=%llu mean=%llu n=%u\n", key, less_empty(s->min),
		   less_empty(stats_mean(s)), s->n);
}

static void measure(struct bench_stats *s, bench_sample_fn fn, uint32_t iters)
{
	for (uint32_t i = 0; i < WARMUP; i++)
		fn();
	stats_reset(s);
	for (uint32_t i = 0; i < iters; i++)
		stats_add(s, fn());
}

static void bench_insn(const char *key, bench_sample_fn fn, uint32_t iters)
{
	struct bench_stats s;

	measure(&s, fn, iters);
	report(key, &s);
}

static void bench_empty(uint32_t iters)
{
	struct bench_stats s;

	measure(&s, timed_empty, iters);
	empty_min = s.min;
	con_printf("bench: empty min=%llu mean=%llu\n", s.min, stats_mean(&s));
}

/* The MSR figures need an EFER that reads and writes back without #GP
 * (not a given on bare metal without long mode). */
static void bench_efer(uint32_t iters)
{
	if (fault_try_rdmsr(MSR_IA32_EFER, &timed_efer_value) != FAULT_NONE ||
	    fault_try_wrmsr(MSR_IA32_EFER, timed_efer_value) != FAULT_NONE) {
		con_printf("bench: rdmsr_efer skipped (EFER access faults)\n");
		con_printf("bench: wrmsr_efer skipped (EFER access faults)\n");
		return;
	}
	bench_insn("rdmsr_efer", timed_rdmsr_efer, iters);
	bench_insn("wrmsr_efer", timed_wrmsr_efer, iters);
}

/* One first touch per `step` bytes of [start, end). */
static void bench_touch(const char *key, uint64_t start, uint64_t end, uint32_t step)
{
	struct bench_stats s;

	stats_reset(&s);
	for (uint64_t a = start; a + step <= end; a += step)
		stats_add(&s, timed_touch((uint32_t)a));
	if (s.n == 0) {
		con_printf("bench: %s skipped (no fresh memory in 0x%llx-0x%llx)\n",
			   key, start, end);
		return;
	}
	report(key, &s);
}

static uint64_t align_up(uint64_t v, uint32_t a)
{
	return (v + a - 1) & ~(uint64_t)(a - 1);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void bench_ept(const struct layout *m)
{
	uint64_t from;

	if (m->small_end) {
		from = max_u64(m->small_start, m->used_end);
		bench_touch("ept_4k_first_touch", from, m->small_end, PAGE_4K);
	} else {
		con_printf("bench: ept_4k_first_touch skipped (no small=START-END "
			   "on the command line)\n");
	}
	from = align_up(max_u64(m->small_end, m->used_end), PAGE_2M);
	bench_touch("ept_2m_first_touch", from, m->ram_end, PAGE_2M);
}

/* ---- the command line and the memory map ------------------------------ */

static uint32_t parse_iters(void)
{
	uint64_t n;

	if (!cmdline_number("iters", &n))
		return DEFAULT_ITERS;
	if (n == 0 || n > MAX_ITERS) {
		con_printf("bench: iters=%llu out of range 1-%u; using %u\n", n,
			   MAX_ITERS, DEFAULT_ITERS);
		return DEFAULT_ITERS;
	}
	return (uint32_t)n;
}

/* small=0xSTART-0xEND: a page-aligned, non-empty range inside RAM. */
static void parse_small(struct layout *m)
{
	char buf[48], *dash;
	uint64_t start, end;

	if (!cmdline_value("small", buf, sizeof(buf)))
		return;
	dash = buf;
	while (*dash && *dash != '-')
		dash++;
	if (*dash == '-')
		*dash++ = '\0';
	if (!cmdline_parse_number(buf, &start) || !cmdline_parse_number(dash, &end) ||
	    start >= end || end > m->ram_end || (start | end) & (PAGE_4K - 1)) {
		con_printf("bench: ignoring bad small=%s%s%s (want page-aligned "
			   "START-END inside RAM)\n", buf, *dash ? "-" : "", dash);
		return;
	}
	m->small_start = start;
	m->small_end = end;
}

static uint64_t end_of(uint32_t addr, uint32_t len)
{
	return (uint64_t)addr + len;
}

/*
 * Everything below used_end has been touched already: our image, and
 * what the loader wrote right after it (Multiboot info, memory map,
 * command line, then its loader name and GDT, which the info we parse
 * does not locate; one spare page covers those).
 */
static uint64_t used_end_of(const struct mb_info *mbi)
{
	uint64_t end = (uint32_t)guest_image_end;

	end = max_u64(end, end_of((uint32_t)mbi, sizeof(*mbi)));
	end = max_u64(end, end_of((uint32_t)cmdline_get(), strlen(cmdline_get()) + 1));
	if (mbi->flags & MB_INFO_MMAP)
		end = max_u64(end, end_of(mbi->mmap_addr, mbi->mmap_length));
	return align_up(end, PAGE_4K) + PAGE_4K;
}

static void layout_init(struct layout *m, const struct mb_info *mbi)
{
	*m = (struct layout){ 0 };
	m->ram_end = guest_ram_end(mbi);
	if (m->ram_end > ADDR_LIMIT)
		m->ram_end = ADDR_LIMIT;
	m->used_end = used_end_of(mbi);
	parse_small(m);
}

int guest_main(uint32_t magic, const struct mb_info *mbi)
{
	struct layout m;
	uint32_t iters;

	guest_init();
	cmdline_init(mbi);
	(void)magic;
	iters = parse_iters();
	layout_init(&m, mbi);
	con_printf("bench: iters=%u warmup=%u ram %llu MiB small 0x%llx-0x%llx\n",
		   iters, WARMUP, m.ram_end >> 20, m.small_start, m.small_end);

	bench_empty(iters);
	bench_insn("cpuid", timed_cpuid, iters);
	if (guest_on_microhv() && hcall_null() == 0)
		bench_insn("vmcall", timed_vmcall, iters);
	else
		con_printf("bench: vmcall skipped (not under MicroHV)\n");
	bench_insn("io_uart_scratch_write", timed_uart_scratch_write, iters);
	bench_insn("io_unused_read", timed_unused_port_read, iters);
	bench_efer(iters);
	bench_ept(&m);

	con_printf("bench: done\n");
	guest_exit(0);
}

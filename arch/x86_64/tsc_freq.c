/*
 * The TSC's frequency: from CPUID, or measured against a reference
 * counter; and the CPUID leaves that state it to a guest (see the header).
 *
 * A measurement window starts on a tick of the reference, so that it
 * holds whole ticks, and ends at the first read that is the window's
 * length or more past it.  Each window is a frequency; the median of
 * them survives a window stretched by an SMI or an emulator's pause.
 */
#include "arch/x86_64/tsc_freq.h"

static const char *const source_names[] = {
	[TSC_FROM_NONE] = "none",
	[TSC_FROM_CPUID_15] = "cpuid 0x15",
	[TSC_FROM_CPUID_16] = "cpuid 0x16",
	[TSC_FROM_PM_TIMER] = "acpi pm timer",
	[TSC_FROM_PIT] = "8254 pit",
};

const char *tsc_source_name(enum tsc_source s)
{
	return (unsigned)s < ARRAY_SIZE(source_names) ? source_names[s] : "none";
}

/* a * b / c without 128-bit division (no libgcc): exact while b * c < 2^64 */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	return a / c * b + a % c * b / c;
}

/* ---- measuring -------------------------------------------------------------- */

static uint32_t ref_mask(const struct tsc_ref *ref)
{
	return ref->bits >= 32 ? UINT32_MAX : (1u << ref->bits) - 1;
}

static uint32_t ref_read(const struct tsc_ref *ref)
{
	return ref->read(ref->ctx) & ref_mask(ref);
}

/* Read until the counter shows something other than `from`; false if it
 * does not within TSC_REF_STUCK_READS reads. */
static bool ref_next(const struct tsc_ref *ref, uint32_t from, uint32_t *now)
{
	for (unsigned i = 0; i < TSC_REF_STUCK_READS; i++) {
		*now = ref_read(ref);
		if (*now != from)
			return true;
	}
	return false;
}

/* One window's TSC frequency, or 0 if the counter stopped. */
static uint64_t measure_window(const struct tsc_ref *ref)
{
	uint32_t want = ref->hz / TSC_WINDOW_PER_S, start, now, ticks;
	uint64_t t0;

	if (!ref_next(ref, ref_read(ref), &start))
		return 0;
	t0 = ref->read_tsc(ref->ctx);
	now = start;
	do {
		if (!ref_next(ref, now, &now))
			return 0;
		ticks = (now - start) & ref_mask(ref);  /* across a wrap too */
	} while (ticks < want);
	return mul_div(ref->read_tsc(ref->ctx) - t0, ref->hz, ticks);
}

uint64_t tsc_measure(const struct tsc_ref *ref)
{
	uint64_t hz[TSC_WINDOWS];

	if (!ref->hz || ref->hz / TSC_WINDOW_PER_S == 0 || ref->bits == 0)
		return 0;
	if (ref->start)
		ref->start(ref->ctx);
	for (unsigned i = 0; i < TSC_WINDOWS; i++) {
		uint64_t f = measure_window(ref);
		unsigned j = i;

		if (!f)
			return 0;
		for (; j > 0 && hz[j - 1] > f; j--)   /* insertion sort */
			hz[j] = hz[j - 1];
		hz[j] = f;
	}
	return hz[TSC_WINDOWS / 2];
}

/* ---- choosing ----------------------------------------------------------------- */

/* A basic leaf, or zeros beyond the host's maximum (where an Intel CPU
 * answers with its highest leaf's data instead). */
static struct cpuid_regs host_leaf(uint32_t leaf)
{
	if (cpuid(0, 0).eax < leaf)
		return (struct cpuid_regs){ 0 };
	return cpuid(leaf, 0);
}

/* Leaf 0x15 states the frequency only with all three: ECX 0 leaves the
 * crystal to a per-model table, which we do not keep. */
static bool leaf_15_complete(struct cpuid_regs r)
{
	return r.eax && r.ebx && r.ecx;
}

static uint32_t leaf_16_base_mhz(struct cpuid_regs r)
{
	return r.eax & 0xffff;
}

struct tsc_freq tsc_find(const struct tsc_ref *refs, unsigned n)
{
	struct cpuid_regs r = host_leaf(0x15);

	if (leaf_15_complete(r))
		return (struct tsc_freq){ (uint64_t)r.ecx * r.ebx / r.eax, TSC_FROM_CPUID_15 };
	r = host_leaf(0x16);
	if (leaf_16_base_mhz(r))
		return (struct tsc_freq){ (uint64_t)leaf_16_base_mhz(r) * 1000000, TSC_FROM_CPUID_16 };
	for (unsigned i = 0; i < n; i++) {
		uint64_t hz = tsc_measure(&refs[i]);

		/* good to some ppm at best: the kHz loses nothing, and lets
		 * leaf 0x15 state it exactly (Linux reads that leaf in kHz) */
		if (hz >= 500)
			return (struct tsc_freq){ (hz + 500) / 1000 * 1000, refs[i].source };
	}
	return (struct tsc_freq){ 0, TSC_FROM_NONE };
}

/* ---- the guest's leaves --------------------------------------------------------- */

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* TSC = crystal * EBX / EAX, the fraction in lowest terms; exact for any
 * kHz multiple below 2^32 kHz, as tsc_find() returns. */
struct cpuid_regs tsc_leaf_15(uint64_t tsc_hz)
{
	struct cpuid_regs host = host_leaf(0x15);
	uint64_t num = tsc_hz, den = TSC_GUEST_CRYSTAL_HZ, g;

	if (leaf_15_complete(host))
		return host;
	if (!tsc_hz)
		return (struct cpuid_regs){ 0 };
	g = gcd(num, den);
	num /= g;
	den /= g;
	while (num > UINT32_MAX) {              /* not a kHz multiple: approximate */
		num >>= 1;
		den = den > 1 ? den >> 1 : 1;
	}
	return (struct cpuid_regs){ .eax = (uint32_t)den, .ebx = (uint32_t)num,
				    .ecx = TSC_GUEST_CRYSTAL_HZ };
}

/* Base MHz in EAX, maximum MHz in EBX (0: not stated, we do not know
 * it), the bus (reference) MHz in ECX: leaf 0x15's crystal. */
struct cpuid_regs tsc_leaf_16(uint64_t tsc_hz)
{
	struct cpuid_regs host = host_leaf(0x16);

	if (leaf_16_base_mhz(host))
		return host;
	return (struct cpuid_regs){ .eax = (uint32_t)((tsc_hz + 500000) / 1000000) & 0xffff,
				    .ecx = (tsc_leaf_15(tsc_hz).ecx + 500000) / 1000000 };
}

#!/usr/bin/env python3
"""Turn the serial logs of the benchmark boot cases into the figures table.

    tests/bench/report.py --cases build/cases --elf build/hv.elf \
        --json build/bench.json [--commit <id>] [--markdown] \
        [--update-doc docs/PERFORMANCE.md]

Reads build/cases/bench-*/serial.txt (written by tests/boot/harness.sh for
tests/bench/cases/*.case), the hypervisor image and the source tree, and
prints one table: figure | value | target | MET / NOT MET ("-" for a figure
reported without a target).  Every target is an upper bound.  A figure
that could not be measured is shown as n/a with the reason, and counts as
NOT MET when it has a target.  The same figures go to the JSON file:

    {"commit": ..., "figures": [{"figure", "value", "unit", "target",
     "met", ...}], "lines_of_code": {folder: {"lines", "files"}}}

--markdown prints the table as markdown instead; --update-doc rewrites the
part of the given file between the lines BEGIN_MARK and END_MARK with the
markdown table, the commit and the line counts.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sloc  # noqa: E402  (tests/bench/sloc.py)

BEGIN_MARK = "<!-- bench:results:begin (written by tests/bench/run.sh --update-doc) -->"
END_MARK = "<!-- bench:results:end -->"

MIB = 1 << 20
# The exit-path targets of issue 13 (issue 5 set looser ones).
EXIT_FIGURES = [  # guest key, figure name, target in ticks
    ("cpuid", "CPUID round trip", 120),
    ("vmcall", "VMCALL null hypercall round trip", 110),
    ("io_uart_scratch_write", "I/O write, emulated UART scratch register", 180),
    ("io_unused_read", "I/O read, unused port", 150),
    ("rdmsr_efer", "RDMSR of an emulated MSR (EFER)", 140),
    ("wrmsr_efer", "WRMSR of an emulated MSR (EFER)", 140),
]
TOUCH_CASES = [  # case name, partition size
    ("bench-touch-64m", 64 * MIB),
    ("bench-touch-512m", 512 * MIB),
    ("bench-touch-1g", 1024 * MIB),
]
LOC_FOLDERS = ["boot", "arch/x86_64", "drivers", "lib", "pmm", "ept", "vmm", "include/hv"]
NOZERO = "n/a (needs hv option nozero)"

RE_BENCH = re.compile(r"^\[bench\] bench: (\w+) min=(\d+) mean=(\d+) n=(\d+)")
RE_SKIP = re.compile(r"^\[bench\] bench: (\w+) skipped \((.*)\)")
RE_STARTUP = re.compile(r"^hv: startup: (\d+) ticks .*, (\d+) of them zeroing")
RE_HVMEM = re.compile(r"^hv: guest (\S+): hypervisor memory (\d+) KiB")
RE_STATS = re.compile(r"^hv: guest (\S+): stats: exits (\d+) \((.*)\), ept faults "
                      r"4k=(\d+) 2m=(\d+) 1g=(\d+), ept tables (\d+)")


def read_log(cases, name):
    """The case's cleaned serial log as a list of lines ([] if none)."""
    try:
        with open(os.path.join(cases, name, "serial.txt"), errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return []


def first_match(regex, lines):
    for line in lines:
        m = regex.match(line)
        if m:
            return m
    return None


def size_text(n):
    return f"{n // MIB} MiB" if n < 1024 * MIB else f"{n // (1024 * MIB)} GiB"


class Report:
    def __init__(self):
        self.figures = []

    def add(self, figure, value, unit, target, shown=None, note=None, **extra):
        """One figure.  value None means not measured (shown says why)."""
        met = None if target is None else (value is not None and value <= target)
        fig = {"figure": figure, "value": value, "unit": unit, "target": target, "met": met}
        if note:
            fig["note"] = note
        fig.update(extra)
        fig["shown"] = shown if shown is not None else f"{value:,} {unit}"
        self.figures.append(fig)


# ---- the figures -------------------------------------------------------------

def exit_figures(rep, lines, nozero_lines):
    found = {m.group(1): m for m in map(RE_BENCH.match, lines) if m}
    found_nz = {m.group(1): m for m in map(RE_BENCH.match, nozero_lines) if m}
    skipped = {m.group(1): m.group(2) for m in map(RE_SKIP.match, lines) if m}
    for key, name, target in EXIT_FIGURES:
        m = found.get(key)
        if m is None:
            why = skipped.get(key, "no figure in the log")
            rep.add(name, None, "ticks", target, shown=f"n/a ({why})", key=key)
            continue
        mn, mean, n = int(m.group(2)), int(m.group(3)), int(m.group(4))
        rep.add(name, mean, "ticks", target, shown=f"mean {mean:,} (min {mn:,})",
                key=key, min=mn, n=n)
    for key, size, target in (("ept_4k_first_touch", "4 KiB page", 450),
                              ("ept_2m_first_touch", "2 MiB region", None)):
        m = found.get(key)
        name = f"EPT violation, fresh {size}"
        if m is None:
            why = skipped.get(key, "no figure in the log")
            rep.add(name + ", with zeroing", None, "ticks", None, shown=f"n/a ({why})", key=key)
        else:
            mn, mean, n = int(m.group(2)), int(m.group(3)), int(m.group(4))
            rep.add(name + ", with zeroing", mean, "ticks", None,
                    shown=f"mean {mean:,} (min {mn:,})", key=key, min=mn, n=n)
        m = found_nz.get(key)
        if m is None:
            rep.add(name + ", excluding zeroing", None, "ticks", target,
                    shown="n/a (no figure in bench-exits-nozero)", key=key + "_nozero")
        else:
            mn, mean, n = int(m.group(2)), int(m.group(3)), int(m.group(4))
            rep.add(name + ", excluding zeroing", mean, "ticks", target,
                    shown=f"mean {mean:,} (min {mn:,}; hypervisor option nozero)",
                    key=key + "_nozero", min=mn, n=n)


def touch_figures(rep, cases):
    for case, size in TOUCH_CASES:
        lines = read_log(cases, case)
        m = first_match(RE_STATS, lines)
        label = size_text(size)
        target = 8 if size >= 1024 * MIB else size // (2 * MIB) + 8
        if m is None:
            for what, t in (("EPT violations", target), ("EPT table pages", 8)):
                rep.add(f"{what} to touch all RAM, {label}", None, "", t,
                        shown=f"n/a (no stats line in {case})", case=case)
            continue
        top = m.group(3)
        faults = [int(m.group(i)) for i in (4, 5, 6)]
        v = re.search(r"ept violation (\d+)", top)
        # The stats line names only the three most frequent exit reasons;
        # memtouch's EPT violations are among them, else count the faults.
        violations = int(v.group(1)) if v else sum(faults)
        how = "leaves" if v else "not a top exit reason; counted as leaves"
        leaves = f"4k={faults[0]} 2m={faults[1]} 1g={faults[2]}"
        rep.add(f"EPT violations to touch all RAM, {label}", violations, "violations",
                target, shown=f"{violations:,} ({how} {leaves})", case=case,
                faults_4k=faults[0], faults_2m=faults[1], faults_1g=faults[2])
        tables = int(m.group(7))
        rep.add(f"EPT table pages to touch all RAM, {label}", tables, "pages", 8, case=case)


# ---- guest slowdown: the same job timed by the guest's clock, hv over bare ----
#
# iso/scenarios/linux/init.sh, booted with bench=1 (bench-linux-hv and
# bench-linux-bare: same kernel, initramfs, command line and memory), runs
# two jobs after boot and prints how long each took by /proc/uptime:
#   init: bench cpu <seconds> (...)     seq buffer, gzip, md5sum
#   init: bench exits <seconds>         200 usleeps and 200 console lines
# Under the hypervisor the lines carry the "[linux] " prefix of the guest's
# console.  See docs/PERFORMANCE.md, "Guest slowdown".

RE_SLOW_JOB = re.compile(r"^(?:\[linux\] )?init: bench (cpu|exits) (\d+\.\d+)")
SLOWDOWN_JOBS = (
    ("cpu", "Linux CPU/memory job (gzip, md5sum) hv / bare", 1.02),
    ("exits", "Linux exit-heavy job (usleep, console) hv / bare", 1.10),
)


def slowdown_jobs(lines):
    """{job: seconds} from one case's log."""
    jobs = {}
    for line in lines:
        m = RE_SLOW_JOB.match(line)
        if m and m.group(1) not in jobs:
            jobs[m.group(1)] = float(m.group(2))
    return jobs


def slowdown_figure(rep, cases):
    hv_lines = read_log(cases, "bench-linux-hv")
    hv = slowdown_jobs(hv_lines)
    bare = slowdown_jobs(read_log(cases, "bench-linux-bare"))
    # The stats line comes at guest stop and counts the whole guest
    # lifetime (boot included): Linux userspace cannot reach the stats
    # hypercall, so exits during the job alone are not known.  Shown as
    # lifetime exits over the job's seconds: an upper bound.
    stats = first_match(RE_STATS, hv_lines)
    for job, name, target in SLOWDOWN_JOBS:
        if job not in hv or not bare.get(job):
            missing = [c for c, d in (("bench-linux-hv", hv), ("bench-linux-bare", bare))
                       if not d.get(job)]
            rep.add(name, None, "ratio", target,
                    shown=f"n/a (no 'init: bench {job}' line in {', '.join(missing)})")
            continue
        ratio = hv[job] / bare[job]
        shown = f"{ratio:.3f} ({hv[job]:.2f} s / {bare[job]:.2f} s)"
        extra = {}
        if job == "exits" and stats and hv[job] > 0:
            exits = int(stats.group(2))
            shown += (f"; {exits:,} exits over the guest's lifetime, "
                      f"<= {exits / hv[job]:,.0f}/s of the job")
            extra["lifetime_exits"] = exits
        rep.add(name, round(ratio, 3), "ratio", target, shown=shown,
                hv_seconds=hv[job], bare_seconds=bare[job], **extra)


# ---- interrupt latencies (issue 13): guests/smp2 with bench=N --------------

LATENCY_CASE = "bench-latency"
LATENCY_FIGURES = [  # smp2 key, figure name, target in ticks (None: no target)
    ("timer_irq", "virtual timer interrupt, deadline to handler, guest spinning", 600),
    ("timer_irq_halted", "virtual timer interrupt, deadline to handler, guest halted", None),
    ("timer_irq_past", "virtual timer interrupt, WRMSR of a past deadline to handler", None),
    ("ipi", "IPI between two vCPUs of one partition, send to handler", 1500),
]
RE_LATENCY = re.compile(r"^\[smp2\] bench: (\w+) min=(\d+) mean=(\d+) n=(\d+)")
RE_LATENCY_SKIP = re.compile(r"^\[smp2\] bench: (\w+) skipped \((.*)\)")


def latency_figures(rep, cases):
    lines = read_log(cases, LATENCY_CASE)
    found = {m.group(1): m for m in map(RE_LATENCY.match, lines) if m}
    skipped = {m.group(1): m.group(2) for m in map(RE_LATENCY_SKIP.match, lines) if m}
    for key, name, target in LATENCY_FIGURES:
        m = found.get(key)
        if m is None or int(m.group(4)) == 0:
            why = skipped.get(key, f"no figure in {LATENCY_CASE}")
            rep.add(name, None, "ticks", target, shown=f"n/a ({why})", key=key)
            continue
        mn, mean, n = int(m.group(2)), int(m.group(3)), int(m.group(4))
        rep.add(name, mean, "ticks", target, shown=f"mean {mean:,} (min {mn:,})",
                key=key, min=mn, n=n)


def elf_sizes(elf):
    """text, data and bss bytes of the loaded sections (readelf's flags:
    A = allocated, X = executable, W = writable; NOBITS = bss)."""
    out = subprocess.run(["readelf", "-SW", elf], capture_output=True, text=True,
                         check=True).stdout
    text = data = bss = 0
    sec = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+"
                     r"([0-9a-f]+)\s+[0-9a-f]+\s+(\S*)\s+\d+\s+\d+\s+\d+$")
    for line in out.splitlines():
        m = sec.match(line)
        if not m or "A" not in m.group(4):
            continue
        size = int(m.group(3), 16)
        if m.group(2) == "NOBITS":
            bss += size
        elif "X" in m.group(4):
            text += size
        else:
            data += size
    return text, data, bss


def footprint_figures(rep, cases, elf, loc):
    try:
        text, data, bss = elf_sizes(elf)
        total = text + data + bss
        rep.add("hypervisor image, text + data + bss", total, "bytes", 256 * 1024,
                shown=f"{total / 1024:.1f} KiB (text {text:,}, data {data:,}, bss {bss:,})",
                text=text, data=data, bss=bss)
    except (OSError, subprocess.CalledProcessError) as e:
        rep.add("hypervisor image, text + data + bss", None, "bytes", 256 * 1024,
                shown=f"n/a ({e})")
    runs = [("bench-exits", 64 * MIB)] + TOUCH_CASES[1:]
    for case, size in runs:
        m = first_match(RE_HVMEM, read_log(cases, case))
        name = f"hypervisor memory per partition, {size_text(size)}"
        if m is None:
            rep.add(name, None, "KiB", 64, shown=f"n/a (no line in {case})", case=case)
        else:
            rep.add(name, int(m.group(2)), "KiB", 64, case=case)
    # the layers with a target (the VMX core); the others are in the LOC table
    for name, target, total, folders in sloc.by_layer(loc):
        if target is None:
            continue
        rep.add(f"lines of C and assembly, {name}", total["lines"], "lines", target,
                shown=f"{total['lines']:,} (" + ", ".join(f"{d} {c['lines']:,}"
                                                          for d, c in folders) + ")")


def startup_figure(rep, lines):
    m = first_match(RE_STARTUP, lines)
    name = "start-up, multiboot2 entry to first VM entry, excluding zeroing"
    if m is None:
        rep.add(name, None, "instructions", 10_000_000, shown="n/a (no hv: startup line)")
        return
    total, zero = int(m.group(1)), int(m.group(2))
    rep.add(name, total - zero, "instructions", 10_000_000,
            shown=f"{total - zero:,} (of {total:,}; zeroing {zero:,})", total=total, zeroing=zero)


# ---- output ------------------------------------------------------------------

# Why a figure misses its target, when the cause is known (the analysis
# behind each is in docs/PERFORMANCE.md, "Where an exit's ticks go").
MISS_WHY = {
    "cpuid": "run loop and handler C code, see PERFORMANCE.md",
    "vmcall": "run loop and handler C code, see PERFORMANCE.md",
    "io_uart_scratch_write": "I/O decode and device dispatch on top of the CPUID path",
    "io_unused_read": "I/O decode, port search and the once-only log check",
    "rdmsr_efer": "run loop and MSR dispatch, see PERFORMANCE.md",
    "wrmsr_efer": "EFER's checks on top of the RDMSR path",
    "timer_irq": "the preemption-timer exit, then the whole platform check on delivery",
    "ipi": "MMIO decode of the ICR write, the mailbox and the kick of the other CPU",
}


def verdict(fig):
    """MET, or NOT MET with how far off it is (and why, when known)."""
    if fig["met"] is None:
        return "-"
    if fig["met"]:
        return "MET"
    v, t = fig["value"], fig["target"]
    if v is None or not t:
        return "NOT MET"
    over = v - t
    by = f"+{over:,.2f}" if isinstance(over, float) else f"+{over:,}"
    why = MISS_WHY.get(fig.get("key", ""))
    return f"NOT MET ({by}, {v / t:.2f}x the target" + (f"; {why})" if why else ")")


def target_text(fig):
    t = fig["target"]
    if t is None:
        return "-"
    unit = "" if fig["unit"] in ("ratio", "") else " " + fig["unit"]
    if fig["unit"] == "bytes" and t % 1024 == 0:
        return f"≤ {t // 1024} KiB"
    return f"≤ {t:,}{unit}"


def rows(figs):
    return [(f["figure"], f["shown"], target_text(f), verdict(f)) for f in figs]


def plain_table(figs):
    header = ("figure", "value", "target", "result")
    body = rows(figs)
    widths = [max(len(r[i]) for r in body + [header]) for i in range(4)]
    fmt = " | ".join("{:<%d}" % w for w in widths)
    out = [fmt.format(*header), "-+-".join("-" * w for w in widths)]
    out += [fmt.format(*r) for r in body]
    return "\n".join(line.rstrip() for line in out)


def markdown_table(figs):
    out = ["| figure | value | target | result |", "| --- | --- | --- | --- |"]
    out += ["| " + " | ".join(r) + " |" for r in rows(figs)]
    return "\n".join(out)


def loc_breakdown(loc, markdown):
    """One table of the layers (tests/bench/sloc.py LAYERS), each layer's
    total and then its folders."""
    layers = sloc.by_layer(loc)
    grand = sum(t["lines"] for _, _, t, _ in layers)
    if markdown:
        out = ["| layer / folder | files | lines | target |", "| --- | ---: | ---: | --- |"]
        for name, target, total, folders in layers:
            limit = f"≤ {target:,}" if target else "-"
            out.append(f"| **{name}** | {total['files']} | **{total['lines']:,}** | {limit} |")
            out += [f"| `{d}` | {c['files']} | {c['lines']:,} | |" for d, c in folders]
        out.append(f"| **all** | {sum(t['files'] for _, _, t, _ in layers)} | **{grand:,}** | |")
        return "\n".join(out)
    out = ["lines of C and assembly by layer (no blank lines, no comments):"]
    for name, target, total, folders in layers:
        limit = f"  (target ≤ {target:,})" if target else ""
        out.append(f"  {total['lines']:>6,}  {total['files']:>3} files  {name}{limit}")
        out += [f"      {c['lines']:>6,}  {c['files']:>3} files  {d}" for d, c in folders]
    out.append(f"  {grand:>6,}  {sum(t['files'] for _, _, t, _ in layers):>3} files  all")
    return "\n".join(out)


def summary(figs):
    judged = [f for f in figs if f["met"] is not None]
    met = sum(1 for f in judged if f["met"])
    return f"{met} of {len(judged)} targets met"


def update_doc(path, commit, figs, loc):
    with open(path) as f:
        text = f.read()
    if BEGIN_MARK not in text or END_MARK not in text:
        sys.exit(f"report.py: {path} lacks the markers {BEGIN_MARK!r} ... {END_MARK!r}")
    head, rest = text.split(BEGIN_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    body = (f"\nMeasured at commit `{commit}` by `make bench` "
            f"(`tests/bench/run.sh --update-doc`); {summary(figs)}.\n\n"
            f"{markdown_table(figs)}\n\n"
            "Lines of C and assembly by layer and folder, without blank lines and comments:\n\n"
            f"{loc_breakdown(loc, True)}\n")
    with open(path, "w") as f:
        f.write(head + BEGIN_MARK + body + END_MARK + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", default="build/cases")
    ap.add_argument("--elf", default="build/hv.elf")
    ap.add_argument("--json", default="build/bench.json")
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--update-doc", metavar="FILE")
    args = ap.parse_args()

    loc = sloc.count_tree(LOC_FOLDERS)
    bench = read_log(args.cases, "bench-exits")
    rep = Report()
    exit_figures(rep, bench, read_log(args.cases, "bench-exits-nozero"))
    touch_figures(rep, args.cases)
    slowdown_figure(rep, args.cases)
    footprint_figures(rep, args.cases, args.elf, loc)
    startup_figure(rep, bench)
    latency_figures(rep, args.cases)

    with open(args.json, "w") as f:
        json.dump({"commit": args.commit, "figures": rep.figures, "lines_of_code": loc},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    if args.markdown:
        print(markdown_table(rep.figures))
        print()
        print(loc_breakdown(loc, True))
    else:
        print(plain_table(rep.figures))
        print()
        print(loc_breakdown(loc, False))
    print()
    print(f"{summary(rep.figures)}; commit {args.commit}; figures in {args.json}")
    if args.update_doc:
        update_doc(args.update_doc, args.commit, rep.figures, loc)
        print(f"results written to {args.update_doc}")


if __name__ == "__main__":
    main()

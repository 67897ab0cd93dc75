#!/usr/bin/env python3
"""Find include circles between the hypervisor's modules.

A module is a source file and its header (vmm/vcpu/run.c and
vmm/vcpu/run.h are one module).  Module A depends on module B when a file
of A includes B's header.  A circle is a set of modules that depend on one
another, directly or through others: a strongly connected component of
more than one module.  Such a set can only be read, tested and changed
together, which is what the layering is there to prevent.

Prints one line per circle and exits 1 if there is any; prints
"include-cycles: none in N modules" and exits 0 otherwise.
"""
import os
import re
import sys

DIRS = ["boot", "arch", "drivers", "lib", "pmm", "ept", "vmm", "include"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of(path):
    path = path[len("include/"):] if path.startswith("include/") else path
    return os.path.splitext(path)[0]


def scan(root):
    deps = {}
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if not f.endswith((".c", ".h", ".S")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, f), root)
                mod = module_of(path)
                deps.setdefault(mod, set())
                with open(os.path.join(root, path), encoding="utf-8") as fh:
                    for line in fh:
                        m = INCLUDE.match(line)
                        if m:
                            target = module_of(m.group(1))
                            if target != mod:
                                deps[mod].add(target)
    return deps


def components(deps):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in sorted(deps):
        if start in index:
            continue
        work = [(start, iter(sorted(deps.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in deps:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(deps.get(nxt, ())))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    deps = scan(root)
    circles = components(deps)
    for c in circles:
        print("include-cycles: circle: " + " <-> ".join(c))
    if circles:
        return 1
    print(f"include-cycles: none in {len(deps)} modules")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Count lines of C and assembly that are neither blank nor comment.

    tests/bench/sloc.py [--json | --layers] <folder>...

Counts the *.c, *.h and *.S files of each folder and, on lines of their
own, of each of its subfolders (vmm/ and vmm/vcpu/ are separate lines:
every layer has a folder of its own).  A line counts when
anything but whitespace is left after removing comments:

  - C and .S (which go through the C preprocessor): /* ... */ blocks, also
    across lines, and // to the end of the line; text inside "strings"
    and 'c' constants is not mistaken for either.
  - .S only: a line whose first non-blank character is '#' and whose next
    word is not a preprocessor directive is a GNU as comment line (on
    x86 '#' starts a comment).  A '#' after code leaves the line counted.

Prints one line per folder, "<lines> <files> <folder>", or with --json one
object {folder: {"lines": n, "files": n}}.  With --layers, prints the
folders grouped by layer (LAYERS below) with each layer's total.
"""
import json
import os
import re
import sys

EXTENSIONS = (".c", ".h", ".S")
DIRECTIVES = {"include", "define", "undef", "if", "ifdef", "ifndef", "elif",
              "else", "endif", "error", "warning", "pragma", "line"}


def strip_c_comments(text):
    """The text with C comments replaced by a space, newlines kept."""
    out = []
    i, n = 0, len(text)
    state = "code"          # code | block | line | string | char
    while i < n:
        c = text[i]
        two = text[i:i + 2]
        if state == "code":
            if two == "/*":
                state, i = "block", i + 2
                out.append(" ")
                continue
            if two == "//":
                state, i = "line", i + 2
                continue
            if c == '"':
                state = "string"
            elif c == "'":
                state = "char"
            out.append(c)
        elif state == "block":
            if two == "*/":
                state, i = "code", i + 2
                continue
            if c == "\n":
                out.append(c)
        elif state == "line":
            if c == "\n":
                state = "code"
                out.append(c)
        else:                # inside a string or character constant
            quote = '"' if state == "string" else "'"
            if c == "\\" and i + 1 < n:
                out.append(text[i:i + 2])
                i += 2
                continue
            if c == quote or c == "\n":
                state = "code"
            out.append(c)
        i += 1
    return "".join(out)


def is_asm_comment_line(line):
    m = re.match(r"\s*#\s*(\w*)", line)
    return bool(m) and m.group(1) not in DIRECTIVES


def count_lines(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = strip_c_comments(f.read())
    asm = path.endswith(".S")
    return sum(1 for line in text.split("\n")
               if line.strip() and not (asm and is_asm_comment_line(line)))


def count_folder(folder):
    lines = files = 0
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(EXTENSIONS) and os.path.isfile(path):
            lines += count_lines(path)
            files += 1
    return {"lines": lines, "files": files}


def expand(folders):
    """The folders and every subfolder of theirs that holds sources, in order."""
    out = []
    for top in folders:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            if dirpath == top or any(f.endswith(EXTENSIONS) for f in filenames):
                out.append(dirpath)
    return out


def count_tree(folders):
    """{folder: counts} for the folders and their subfolders (see expand)."""
    return {d: count_folder(d) for d in expand(folders) if os.path.isdir(d)}


def within(folder, roots):
    """Is folder one of roots or below one of them?"""
    return any(folder == r or folder.startswith(r + "/") for r in roots)


# The hypervisor's layers: (name, folders, target in lines or None).  A
# folder belongs to the first layer one of whose folders it is or is under;
# "rest" takes the others.  vmm/emul (the instruction decoder and guest page
# walk that MMIO emulation needs, and the XSETBV rule) goes with the device
# models it serves; the vmm/ top-level files (config parsing, partition
# set-up, main, focus) are platform glue and go to the rest, as do boot,
# lib, pmm and include.
LAYERS = [
    ("VMX core", ["arch/x86_64", "vmm/vmx", "vmm/vcpu", "ept"], 6000),
    ("device models", ["vmm/dev", "vmm/emul", "vmm/net"], None),
    ("loaders", ["vmm/loader"], None),
    ("drivers", ["drivers"], None),
    ("rest", [], None),
]


def layer_of(folder):
    for name, roots, _ in LAYERS:
        if not roots or within(folder, roots):
            return name
    return LAYERS[-1][0]


def by_layer(counts):
    """[(layer, target, {"lines", "files"}, [(folder, counts)])] in LAYERS order."""
    out = []
    for name, _, target in LAYERS:
        folders = [(d, c) for d, c in counts.items() if layer_of(d) == name]
        total = {"lines": sum(c["lines"] for _, c in folders),
                 "files": sum(c["files"] for _, c in folders)}
        out.append((name, target, total, folders))
    return out


def main(argv):
    as_json = "--json" in argv
    layers = "--layers" in argv
    folders = [a for a in argv if a not in ("--json", "--layers")]
    if not folders:
        sys.exit(__doc__)
    counts = count_tree(folders)
    if layers:
        for name, target, total, _ in by_layer(counts):
            limit = f" (target <= {target})" if target else ""
            print(total["lines"], total["files"], name + limit)
    elif as_json:
        print(json.dumps(counts))
    else:
        for d, c in counts.items():
            print(c["lines"], c["files"], d)


if __name__ == "__main__":
    main(sys.argv[1:])

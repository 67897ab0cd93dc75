#!/usr/bin/env python3
"""Write the fuzzers' seed corpora, tests/fuzz/corpus/<harness>/<seed>.

    tests/fuzz/mkseeds.py          rewrite every corpus (run from anywhere)

Each seed is a small valid input, or a near miss, laid out as its
harness's comment says (tests/fuzz/fuzz_<harness>.c, loader.h for the
three loaders).  The output is deterministic; the corpora are committed
so that `make fuzz` needs no Python.  Formats: Multiboot 0.6.96 and
Multiboot2 2.0, the gABI ELF header, Linux Documentation/arch/x86/boot.rst,
ACPI 6.5 chapter 5, Intel SDM Vol. 2A (instructions) and Vol. 3A
chapter 4 (page tables).
"""
import os
import shutil
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")

u8 = lambda v: struct.pack("<B", v)
u16 = lambda v: struct.pack("<H", v)
u32 = lambda v: struct.pack("<I", v)
u64 = lambda v: struct.pack("<Q", v)


def pad(b, n):
    return b + bytes(n - len(b)) if len(b) < n else b


def put(buf, off, data):
    buf[off:off + len(data)] = data


# ---- config: the scenarios' hv.cfg, and keys the scenarios do not use ----

def config_seeds():
    seeds = {}
    scen = os.path.join(ROOT, "iso", "scenarios")
    for name in sorted(os.listdir(scen)):
        path = os.path.join(scen, name, "hv.cfg")
        if os.path.exists(path):
            with open(path, "rb") as f:
                seeds["scenario-" + name] = f.read()
    seeds["every-key"] = (
        b"[guest a]\ncpu = 0\nmemory = 64M\nimage = hello.elf\n"
        b"format = multiboot\ncmdline = \"verbose=1 # kept\"\n"
        b"modules = initrd.img notakernel.bin\non_exit = restart\n"
        b"small_pages = 0x200000-0x400000\n"
        b"[ guest  B-2_x ]\r\ncpu=1\r\nmemory=0x4000000\r\nimage=hello64.elf\r\n"
        b"format=elf64\r\non_exit=poweroff\r\nsmall_pages = 2M - 4M\r\n"
        b"[guest c]\ncpu = 2\nmemory = 2048K\nimage = \"vmlinuz\"\n"
        b"format = bzimage\ncmdline = console=ttyS0 # comment\nmodules = initrd.img\n")
    return seeds


# ---- multiboot2 boot information, as GRUB 2.06 lays it out on a PC --------

def mb2_tag(t, payload):
    body = u32(t) + u32(8 + len(payload)) + payload
    return body + bytes(-len(body) % 8)


def rsdp(rev, rsdt, xsdt=0, oem=b"BOCHS "):
    r = bytearray(b"RSD PTR " + b"\0" + oem + u8(rev) + u32(rsdt))
    r[8] = (-sum(r)) & 0xff
    if rev >= 2:
        r += u32(36) + u64(xsdt) + b"\0\0\0\0"
        r[32] = (-sum(r)) & 0xff
    return bytes(r)


def mb2_info(tags):
    body = b"".join(tags) + mb2_tag(0, b"")
    return u32(8 + len(body)) + u32(0) + body


def mb2_mmap(entries, entry_size=24):
    p = u32(entry_size) + u32(0)
    for base, length, typ in entries:
        p += pad(u64(base) + u64(length) + u32(typ) + u32(0), entry_size)
    return mb2_tag(6, p)


PC_MMAP = [(0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
           (0x100000, 0x1fee0000, 1), (0x1ffe0000, 0x20000, 2),
           (0xfffc0000, 0x40000, 2)]


def mb2_seeds():
    grub = mb2_info([
        mb2_tag(1, b"serial=0 verbose\0"),
        mb2_tag(2, b"GRUB 2.06-13+deb12u1\0"),
        mb2_tag(3, u32(0x10e000) + u32(0x10e120) + b"hv.cfg\0"),
        mb2_tag(3, u32(0x10f000) + u32(0x113a40) + b"hello.elf arg\0"),
        mb2_tag(4, u32(639) + u32(523264)),
        mb2_tag(5, u32(0xe0) + u32(0xffffffff) + u32(0xffffffff)),
        mb2_mmap(PC_MMAP),
        mb2_tag(8, u64(0xfd000000) + u32(4096) + u32(1024) + u32(768) + u8(32)
                + u8(1) + u16(0) + bytes([16, 8, 8, 8, 0, 8]) + u16(0)),
        mb2_tag(14, rsdp(0, 0x1ffe1a2b)),
        mb2_tag(15, rsdp(2, 0x1ffe1a2b, 0x1ffe1b3c)),
        mb2_tag(21, u32(0x100000)),          # load base address: skipped
    ])
    return {
        "grub-pc": grub,
        "mmap-only": mb2_info([mb2_mmap(PC_MMAP[:2])]),
        "ega-text-wide-mmap": mb2_info([
            mb2_tag(8, u64(0xb8000) + u32(160) + u32(80) + u32(25) + u8(16)
                    + u8(2) + u16(0)),
            mb2_mmap(PC_MMAP[3:], entry_size=32)]),
        "no-mmap": mb2_info([mb2_tag(1, b"\0"), mb2_tag(14, rsdp(0, 0xe0000))]),
    }


# ---- ACPI: RSDP, RSDT, XSDT, MADT, FADT, DSDT in one blob -----------------

def sdt(sig, body, rev=1):
    t = bytearray(sig + u32(36 + len(body)) + u8(rev) + b"\0" + b"BOCHS "
                  + b"BXPC    " + u32(1) + b"BXPC" + u32(1) + body)
    t[9] = (-sum(t)) & 0xff
    return bytes(t)


def madt(ncpus=2, x2apic=True):
    body = u32(0xfee00000) + u32(1)
    for i in range(ncpus):
        body += bytes([0, 8, i, i]) + u32(1)            # processor local APIC
    body += bytes([1, 12, 0, 0]) + u32(0xfec00000) + u32(0)   # I/O APIC
    if x2apic:
        body += bytes([9, 16, 0, 0]) + u32(0x100) + u32(2) + u32(0x100)
    body += bytes([5, 12, 0, 0]) + u64(0xfee00000)      # LAPIC override
    body += bytes([4, 6, 0xff, 5, 0, 1])                # LAPIC NMI
    return sdt(b"APIC", body, rev=3)


def fadt(dsdt, v1=False):
    f = bytearray(244 - 36)
    put(f, 40 - 36, u32(dsdt))
    put(f, 64 - 36, u32(0x604))                         # PM1a_CNT_BLK
    if v1:
        return sdt(b"FACP", bytes(f[:116 - 36]), rev=1)
    put(f, 140 - 36, u64(dsdt))                         # X_DSDT
    put(f, 172 - 36, bytes([1, 16, 0, 2]) + u64(0x604)) # X_PM1a_CNT_BLK
    return sdt(b"FACP", bytes(f), rev=5)


def dsdt(rooted=False):
    s5 = (b"\x08" + (b"\\" if rooted else b"") + b"_S5_"
          + b"\x12\x08\x04\x0a\x05\x0a\x05\x00\x00")
    return sdt(b"DSDT", b"\x10\x05\\_SB_" + s5 + b"\x14\x05_PTS\x01")


def acpi_blob(base, rev=2, ncpus=2, bad_xsdt=False, v1_fadt=False, rooted=False,
              rsdp_at=0):
    layout = {"rsdt": 0x40 + rsdp_at, "xsdt": 0x80 + rsdp_at,
              "madt": 0xc0 + rsdp_at, "fadt": 0x400 + rsdp_at,
              "dsdt": 0x500 + rsdp_at}
    a = {k: base + v for k, v in layout.items()}
    blob = bytearray(layout["dsdt"] + 0x80)
    put(blob, rsdp_at, rsdp(rev, a["rsdt"], a["xsdt"]))
    put(blob, layout["rsdt"], sdt(b"RSDT", u32(a["madt"]) + u32(a["fadt"])))
    x = bytearray(sdt(b"XSDT", u64(a["madt"]) + u64(a["fadt"])))
    if bad_xsdt:
        x[9] ^= 1
    put(blob, layout["xsdt"], x)
    put(blob, layout["madt"], madt(ncpus))
    put(blob, layout["fadt"], fadt(a["dsdt"], v1=v1_fadt))
    put(blob, layout["dsdt"], dsdt(rooted))
    return bytes(blob)


def acpi_seeds():
    ebda = 0x9000
    hdr = lambda flags, copy_len, seg: u8(flags) + u8(copy_len) + u16(seg)
    return {
        "copy-v2": hdr(1, 36, ebda) + acpi_blob(ebda << 4),
        "copy-v1-rsdt": hdr(1, 20, ebda) + acpi_blob(ebda << 4, rev=0, v1_fadt=True),
        "ebda-scan": hdr(0, 0, ebda) + acpi_blob(ebda << 4, rooted=True),
        "ebda-bad-xsdt": hdr(0, 0, ebda) + acpi_blob(ebda << 4, bad_xsdt=True),
        "copy-many-cpus": hdr(1, 36, ebda) + acpi_blob(ebda << 4, ncpus=70),
        "rom-scan": hdr(2, 0, 0) + acpi_blob(0xe0000, rsdp_at=0x100),
    }


# ---- loaders: [ram class][options][image] ----------------------------------

def elf(is64, machine, entry, segs, mb_header=None):
    """An ET_EXEC ELF with PT_LOAD segments [(paddr, data, memsz)]."""
    ehsize, phsize = (64, 56) if is64 else (52, 32)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 1, 1]) + bytes(9)
    data_off = 0x100
    phdrs, body = b"", bytearray()
    if mb_header:
        body += mb_header
    for paddr, data, memsz in segs:
        off = data_off + len(body)
        if is64:
            phdrs += u32(1) + u32(5) + u64(off) + u64(paddr) + u64(paddr) \
                + u64(len(data)) + u64(memsz) + u64(0x1000)
        else:
            phdrs += u32(1) + u32(off) + u32(paddr) + u32(paddr) + u32(len(data)) \
                + u32(memsz) + u32(5) + u32(0x1000)
        body += data
    if is64:
        eh = ident + u16(2) + u16(machine) + u32(1) + u64(entry) + u64(ehsize) \
            + u64(0) + u32(0) + u16(ehsize) + u16(phsize) + u16(len(segs)) \
            + u16(0) + u16(0) + u16(0)
    else:
        eh = ident + u16(2) + u16(machine) + u32(1) + u32(entry) + u32(ehsize) \
            + u32(0) + u32(0) + u16(ehsize) + u16(phsize) + u16(len(segs)) \
            + u16(0) + u16(0) + u16(0)
    return pad(eh + phdrs, data_off) + bytes(body)


def mb1_header(flags, addrs=b""):
    return u32(0x1BADB002) + u32(flags) + u32((-(0x1BADB002 + flags)) & 0xffffffff) + addrs


CODE = bytes([0xfa, 0xf4, 0xeb, 0xfd]) * 4    # cli; hlt; jmp .-1


def loader_seeds():
    # options: bits 0-1 cmdline, 2-3 modules; ram class 2 = 16 MiB
    seeds = {}
    mb = mb1_header(0x3)
    seeds["mb1", "elf32"] = u8(2) + u8(0x06) + elf(
        False, 3, 0x100000 + len(mb), [(0x100000, mb + CODE, 0x2000)])
    seeds["mb1", "elf64"] = u8(3) + u8(0x0b) + elf(
        True, 62, 0x100000 + len(mb), [(0x100000, mb + CODE, 0x1000)])
    flags = (1 << 16) | 2
    aout = mb1_header(flags, u32(0x100000) + u32(0x100000) + u32(0x100040)
                      + u32(0x102000) + u32(0x100020))
    seeds["mb1", "aout-kludge"] = u8(1) + u8(0x05) + pad(aout, 0x20) + CODE * 2
    seeds["mb1", "bad-checksum"] = u8(2) + u8(0) + u32(0x1BADB002) + u32(0) + u32(0) + CODE

    seeds["elf64", "one-segment"] = u8(2) + u8(0x01) + elf(
        True, 62, 0x200000, [(0x200000, CODE, 0x3000)])
    seeds["elf64", "two-segments"] = u8(5) + u8(0x0e) + elf(
        True, 62, 0x400000, [(0x400000, CODE, len(CODE)), (0x600000, CODE, 0x10000)])
    seeds["elf64", "elf32-refused"] = u8(2) + u8(0) + elf(
        False, 3, 0x100000, [(0x100000, CODE, len(CODE))])

    for name, sects, version, reloc in (("relocatable-2.15", 4, 0x020f, 1),
                                        ("fixed-2.12", 1, 0x020c, 0)):
        setup = (sects + 1) * 512
        img = bytearray(setup + 0x200)
        img[0x1f1] = sects
        put(img, 0x1f4, u32(0x200 // 16))
        put(img, 0x1fa, u16(0xffff))
        put(img, 0x1fe, u16(0xaa55))
        img[0x200:0x202] = b"\xeb\x6a"
        put(img, 0x202, b"HdrS" + u16(version))
        img[0x211] = 1                                   # LOADED_HIGH
        put(img, 0x214, u32(0x100000))
        put(img, 0x22c, u32(0x7fffffff))
        put(img, 0x230, u32(0x200000))
        img[0x234] = reloc
        img[0x235] = 21
        put(img, 0x236, u16(1))                          # XLF_KERNEL_64
        put(img, 0x238, u32(0x7ff))
        put(img, 0x258, u64(0x1000000))
        put(img, 0x260, u32(0x400000))
        put(img, setup, CODE)
        seeds["bzimage", name] = u8(3) + u8(0x05) + bytes(img)
    return seeds


# ---- decoder: [mode][instruction bytes] -------------------------------------

def decode_seeds():
    long64, prot32, real16 = 1, 2, 0
    insns = {
        "mov-store-rex": (long64, "89 87 00 03 00 00"),      # mov [rdi+0x300], eax
        "mov-load-sib": (long64, "44 8b 04 25 b0 00 e0 fe"), # mov r8d, [0xfee000b0]
        "mov-imm-rexw": (long64, "48 c7 00 ff ff ff ff"),    # mov qword [rax], -1
        "movzx-word": (long64, "0f b7 4e 20"),               # movzx ecx, word [rsi+0x20]
        "moffs64": (long64, "a1 b0 00 e0 fe 00 00 00 00"),   # mov eax, [moffs64]
        "xchg-lock-seg": (long64, "f0 65 87 0c 24"),         # lock xchg gs:[rsp], ecx
        "or-byte-high": (prot32, "08 60 04"),                # or [eax+4], ah
        "and-disp32": (prot32, "21 05 00 00 c0 fe"),         # and [0xfec00000], eax
        "mov-imm16": (prot32, "66 c7 43 10 34 12"),          # mov word [ebx+16], 0x1234
        "real-mode-16": (real16, "8b 16 00 01"),             # mov dx, [0x100]
        "rep-refused": (long64, "f3 a5"),
    }
    return {k: u8(m) + bytes.fromhex(h) for k, (m, h) in insns.items()}


# ---- page walker: [cr0 cr3 cr4 efer][linear][len][guest RAM] ----------------

CR0_PE, CR0_PG = 1, 1 << 31
CR4_PSE, CR4_PAE = 1 << 4, 1 << 5
EFER_LME, EFER_LMA, EFER_NXE = 1 << 8, 1 << 10, 1 << 11
P, RW, PS = 1, 2, 1 << 7


def gwalk_input(cr0, cr3, cr4, efer, linear, length, entries, ram_size):
    ram = bytearray(ram_size)
    for gpa, value, width in entries:
        put(ram, gpa, struct.pack("<Q" if width == 8 else "<I", value))
    return u64(cr0) + u64(cr3) + u64(cr4) + u64(efer) + u64(linear) + u16(length) \
        + bytes(ram)


def gwalk_seeds():
    """Tables share pages (a page is a table at one level and data at
    another) so that each seed's RAM is about 4 KiB; every read succeeds,
    most across a page boundary."""
    pg = CR0_PE | CR0_PG
    lm = EFER_LME | EFER_LMA
    return {
        # 2 levels: PD 0x1000; PDE[0] -> PT 0x0; PTE[0] -> 0x0, PTE[1] -> 0x1000
        "32bit-4k": gwalk_input(pg, 0x1000, 0, 0, 0xff0, 0x20, [
            (0x1000, 0x0000 | P | RW, 4), (0x0, 0x0000 | P, 4),
            (0x4, 0x1000 | P, 4)], 0x1010),
        # PD 0x0; PDE[1] a 4 MiB page at 0
        "32bit-4m-pse": gwalk_input(pg, 0x0, CR4_PSE, 0, 0x00400123, 16, [
            (0x4, 0x0 | P | PS, 4)], 0x200),
        # 3 levels: PDPT 0x20; PDPTE[0] -> PD 0x1000; PDE[0] -> PT 0x0
        "pae-4k": gwalk_input(pg, 0x20, CR4_PAE, 0, 0x1ff8, 16, [
            (0x20, 0x1000 | P, 8), (0x1000, 0x0000 | P | RW, 8),
            (0x8, 0x0000 | P, 8), (0x10, 0x1000 | P, 8)], 0x1008),
        # PDPTE[1] -> PD 0x1000; PDE[1] a 2 MiB no-execute page at 0
        "pae-2m-nx": gwalk_input(pg, 0x20, CR4_PAE, EFER_NXE, 0x40201000, 4, [
            (0x28, 0x1000 | P, 8), (0x1008, 0x0 | P | PS | 1 << 63, 8)], 0x1010),
        # 4 levels: PML4 0x1000; PML4E[256] -> 0x0, which is PDPT, PD and PT
        "4level-4k": gwalk_input(pg, 0x1000, CR4_PAE, lm, 0xffff800000000ff0, 0x20, [
            (0x1800, 0x0 | P, 8), (0x0, 0x0 | P, 8), (0x8, 0x1000 | P, 8)], 0x1808),
        # PML4 0x0; PML4E[0] -> PDPT 0x1000; PDPTE[1] a 1 GiB page at 0
        "4level-1g": gwalk_input(pg, 0x0, CR4_PAE, lm, 0x40000010, 8, [
            (0x0, 0x1000 | P, 8), (0x1008, 0x0 | P | PS, 8)], 0x1010),
        "paging-off": gwalk_input(CR0_PE, 0, 0, 0, 0x100000ff0, 0x10, [], 0x1000),
    }


def main():
    if len(sys.argv) > 1:
        sys.exit(__doc__)
    corpora = {"config": config_seeds(), "mb2": mb2_seeds(), "acpi": acpi_seeds(),
               "decode": decode_seeds(), "gwalk": gwalk_seeds(),
               "mb1": {}, "elf64": {}, "bzimage": {}}
    for (harness, name), data in loader_seeds().items():
        corpora[harness][name] = data
    for harness, seeds in corpora.items():
        d = os.path.join(OUT, harness)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in sorted(seeds.items()):
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()

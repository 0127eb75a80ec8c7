"""Tests of the ELF loader (usermode/loader): real ARM programs built with
Debian's cross compiler are loaded into a GuestProcess and the resulting guest
memory, stack, auxv and CPU state are checked against the ELF file itself
(read independently with pyelftools) and against Linux's rules.

Run:  python -m pytest tests/test_loader.py -q
"""
from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess

import pytest
from elftools.elf.elffile import ELFFile

from usermode.loader import LoaderError, load_program, read_elf
from usermode.loader import auxv as A
from usermode.loader import hwcap, kuser
from usermode.loader.elf import interpreter_candidates
from usermode.loader.layout import INTERP_BASE, KUSER_PAGE, PIE_BASE, STACK_TOP
from usermode.memory import PAGE_VALID, PROT_EXEC, PROT_READ, PROT_WRITE
from usermode.process import GuestProcess, Options

CC = "arm-linux-gnueabihf-gcc"
SYSROOT = "/usr/arm-linux-gnueabihf"
PAGE = 4096

needs_cc = pytest.mark.skipif(shutil.which(CC) is None,
                              reason=f"cross compiler {CC} not installed")

C_PROGRAM = r"""
#include <stdio.h>
int initialised[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
char big_bss[10000];
int main(int argc, char **argv) { printf("%d %s\n", argc, big_bss); return initialised[argc & 3]; }
"""

ASM_PROGRAM = r"""
    .arm
    .text
    .globl _start
_start:
    mov r0, #0
    mov r7, #1
    svc #0
    .data
value: .word 0x12345678
    .bss
buf: .space 100
"""


def _build(tmp, name, source, suffix, *flags):
    src = tmp / f"{name}{suffix}"
    src.write_text(source)
    out = tmp / name
    subprocess.run([CC, *flags, str(src), "-o", str(out)], check=True,
                   capture_output=True)
    return str(out)


@pytest.fixture(scope="module")
def progs(tmp_path_factory):
    if shutil.which(CC) is None:
        pytest.skip(f"cross compiler {CC} not installed")
    tmp = tmp_path_factory.mktemp("loader")
    p = {
        # glibc static: ET_EXEC, Thumb entry (Debian builds crt1.o as Thumb)
        "static": _build(tmp, "static", C_PROGRAM, ".c", "-static", "-O1"),
        # no libc, ARM entry, executable stack requested
        "asm": _build(tmp, "asm", ASM_PROGRAM, ".S", "-nostdlib", "-static",
                      "-Wl,-z,execstack"),
        # static-PIE without an interpreter (Debian ships no rcrt1.o, so no libc)
        "spie": _build(tmp, "spie", ASM_PROGRAM, ".S", "-nostdlib", "-static-pie",
                       "-fPIE", "-Wl,--no-dynamic-linker"),
        # ordinary dynamically linked PIE with PT_INTERP
        "pie": _build(tmp, "pie", C_PROGRAM, ".c", "-O1", "-fPIE", "-pie"),
        # the same, naming a dynamic linker that exists nowhere (the host may well
        # have Debian's armhf libc6, and so /lib/ld-linux-armhf.so.3)
        "pie-nointerp": _build(tmp, "pie-nointerp", C_PROGRAM, ".c", "-O1", "-fPIE", "-pie",
                               "-Wl,--dynamic-linker=/lib/ld-pyqemu-nowhere.so.3"),
        "obj": _build(tmp, "obj.o", C_PROGRAM, ".c", "-c"),
    }
    p["tmp"] = tmp
    return p


def load(path, argv=None, envp=None, **opts):
    proc = GuestProcess("arm", path, argv if argv is not None else [path],
                        envp if envp is not None else ["A=1"], Options(**opts))
    load_program(proc)
    return proc


def elf_of(path):
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "rb") as f:
        e = ELFFile(f)
        hdr = dict(e.header)
        segs = [dict(s.header) for s in e.iter_segments()]
    return data, hdr, segs


def expected_prot(flags):
    return ((PROT_READ if flags & 4 else 0) | (PROT_WRITE if flags & 2 else 0)
            | (PROT_EXEC if flags & 1 else 0))


def read_stack(mem, sp):
    """Parse argc/argv/envp/auxv at sp like a libc would."""
    argc = mem.read_u32(sp)
    p = sp + 4
    argv = []
    for _ in range(argc):
        argv.append(mem.read_cstr(mem.read_u32(p)))
        p += 4
    assert mem.read_u32(p) == 0
    p += 4
    envp = []
    while mem.read_u32(p):
        envp.append(mem.read_cstr(mem.read_u32(p)))
        p += 4
    p += 4
    auxv = []
    while True:
        k, v = mem.read_u32(p), mem.read_u32(p + 4)
        p += 8
        if k == 0:
            assert v == 0
            break
        auxv.append((k, v))
    return argc, argv, envp, auxv, p


# ---- segments ---------------------------------------------------------------------

def check_segments(proc, path, bias):
    data, hdr, segs = elf_of(path)
    mem = proc.mem
    loads = [s for s in segs if s["p_type"] == "PT_LOAD"]
    assert loads
    for s in loads:
        v = s["p_vaddr"] + bias
        start, end = v & ~(PAGE - 1), (v + s["p_memsz"] + PAGE - 1) & ~(PAGE - 1)
        want = expected_prot(s["p_flags"]) | PAGE_VALID
        for a in range(start, end, PAGE):
            assert mem.prot_of(a) == want, hex(a)
        # the file bytes, and what the kernel's page-granular file mapping shows
        # before p_vaddr in the first page
        assert mem.read(v, s["p_filesz"]) == data[s["p_offset"]:s["p_offset"] + s["p_filesz"]]
        head = v - start
        assert mem.read(start, head) == data[s["p_offset"] - head:s["p_offset"]]
        if s["p_memsz"] > s["p_filesz"]:
            zs = v + s["p_filesz"]
            assert mem.read(zs, end - zs) == bytes(end - zs)      # bss and page tail
    return data, hdr, loads


@needs_cc
def test_static_segments_and_bss(progs):
    proc = load(progs["static"])
    data, hdr, loads = check_segments(proc, progs["static"], 0)
    rw = [s for s in loads if s["p_flags"] & 2][0]
    # the bss page tail really had non-zero file bytes to clear
    foff = rw["p_offset"] + rw["p_filesz"]
    tail = PAGE - (rw["p_vaddr"] + rw["p_filesz"]) % PAGE
    assert any(data[foff:foff + tail]), "test program has no file bytes after its data"
    assert rw["p_memsz"] - rw["p_filesz"] >= 10000
    # initialised data is where the symbol table says
    with open(progs["static"], "rb") as f:
        sym = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name("initialised")[0]
    assert proc.mem.read(sym["st_value"], 16) == struct.pack("<4I", 0x11111111, 0x22222222,
                                                             0x33333333, 0x44444444)
    with open(progs["static"], "rb") as f:
        bss = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name("big_bss")[0]
    assert proc.mem.read(bss["st_value"], 10000) == bytes(10000)


@needs_cc
def test_static_entry_thumb_and_cpu(progs):
    proc = load(progs["static"])
    _, hdr, loads = elf_of(progs["static"])
    entry = hdr["e_entry"]
    assert entry & 1, "Debian's glibc crt1.o is Thumb code"
    assert proc.entry == entry and proc.load_bias == 0
    cpu = proc.cpu
    assert cpu.get("pc") == entry & ~1
    assert cpu.get("tb_flags") & 1 == 1
    assert cpu.get("r", 0) == 0
    assert cpu.get("r", 13) == proc.load_info.sp
    end = max(s["p_vaddr"] + s["p_memsz"] for s in loads)
    assert proc.mem.brk_start == proc.mem.brk_cur == (end + PAGE - 1) & ~(PAGE - 1)


@needs_cc
def test_arm_entry_and_exec_stack(progs):
    proc = load(progs["asm"], stack_size=1 << 20)
    _, hdr, _ = elf_of(progs["asm"])
    assert hdr["e_entry"] & 3 == 0
    assert proc.cpu.get("pc") == hdr["e_entry"]
    assert proc.cpu.get("tb_flags") & 1 == 0
    check_segments(proc, progs["asm"], 0)
    rwx = PROT_READ | PROT_WRITE | PROT_EXEC | PAGE_VALID
    assert proc.mem.prot_of(STACK_TOP - PAGE) == rwx
    assert proc.mem.prot_of(STACK_TOP - (1 << 20)) == rwx
    assert proc.mem.prot_of(STACK_TOP - (1 << 20) - PAGE) == 0
    assert proc.mem.prot_of(STACK_TOP) == 0


@needs_cc
def test_static_pie_is_biased(progs):
    proc = load(progs["spie"])
    _, hdr, _ = elf_of(progs["spie"])
    assert hdr["e_type"] == "ET_DYN"
    assert proc.load_bias == PIE_BASE
    assert proc.entry == hdr["e_entry"] + PIE_BASE
    assert proc.cpu.get("pc") == hdr["e_entry"] + PIE_BASE
    assert proc.auxv[A.AT_ENTRY] == hdr["e_entry"] + PIE_BASE
    assert proc.auxv[A.AT_BASE] == 0
    assert proc.auxv[A.AT_PHDR] == PIE_BASE + hdr["e_phoff"]
    check_segments(proc, progs["spie"], PIE_BASE)


@needs_cc
def test_pie_with_interpreter(progs):
    ldso = SYSROOT + "/lib/ld-linux-armhf.so.3"
    if not os.path.exists(ldso):
        pytest.skip(f"no ARM dynamic linker at {ldso}")
    proc = load(progs["pie"], ld_prefix=SYSROOT)
    info = proc.load_info
    assert info.interp.path == ldso
    _, hdr, segs = elf_of(progs["pie"])
    _, ihdr, _ = elf_of(ldso)
    assert proc.load_bias == PIE_BASE
    assert proc.auxv[A.AT_BASE] == INTERP_BASE
    assert proc.auxv[A.AT_ENTRY] == hdr["e_entry"] + PIE_BASE
    assert proc.entry == ihdr["e_entry"] + INTERP_BASE
    assert proc.cpu.get("pc") == (ihdr["e_entry"] + INTERP_BASE) & ~1
    phdr = [s for s in segs if s["p_type"] == "PT_PHDR"][0]
    assert proc.auxv[A.AT_PHDR] == phdr["p_vaddr"] + PIE_BASE
    check_segments(proc, progs["pie"], PIE_BASE)
    check_segments(proc, ldso, INTERP_BASE)
    # brk follows the program, not the interpreter
    assert proc.mem.brk_start < INTERP_BASE


@needs_cc
def test_interpreter_lookup_order(progs, tmp_path):
    root = tmp_path / "root"
    (root / "lib").mkdir(parents=True)
    real = SYSROOT + "/lib/ld-linux-armhf.so.3"
    if not os.path.exists(real):
        pytest.skip(f"no ARM dynamic linker at {real}")
    shutil.copy(real, root / "lib/ld-linux-armhf.so.3")
    proc = load(progs["pie"], ld_prefix=str(root))
    assert proc.load_info.interp.path == str(root) + "/lib/ld-linux-armhf.so.3"
    assert interpreter_candidates("/lib/x.so", "/r/") == ["/r/lib/x.so", "/lib/x.so"]
    assert interpreter_candidates("/lib/x.so", None) == ["/lib/x.so"]
    # a sysroot whose interpreter is not ELF
    (root / "lib/ld-linux-armhf.so.3").write_text("#!/bin/sh\n")
    with pytest.raises(LoaderError, match="interpreter.*not an ELF file"):
        load(progs["pie"], ld_prefix=str(root))


@needs_cc
def test_missing_interpreter(progs, tmp_path):
    with pytest.raises(LoaderError, match="cannot load interpreter: No such file or directory"):
        load(progs["pie-nointerp"])
    with pytest.raises(LoaderError, match="cannot load interpreter"):
        load(progs["pie-nointerp"], ld_prefix=str(tmp_path))


# ---- stack and auxv ------------------------------------------------------------------

@needs_cc
def test_stack_layout_and_auxv(progs):
    path = progs["static"]
    argv = ["custom-argv0", "a b", "", "\u00e9t\u00e9"]
    envp = ["A=1", "LONG=" + "x" * 300, "EMPTY="]
    proc = load(path, argv=argv, envp=envp)
    mem, sp = proc.mem, proc.cpu.get("r", 13)
    assert sp % 16 == 0
    assert STACK_TOP - (8 << 20) < sp < STACK_TOP
    argc, got_argv, got_envp, auxv, table_end = read_stack(mem, sp)
    assert argc == len(argv)
    assert got_argv == [os.fsencode(a) for a in argv]
    assert got_envp == [os.fsencode(e) for e in envp]

    _, hdr, segs = elf_of(path)
    first = [s for s in segs if s["p_type"] == "PT_LOAD"][0]
    aux = dict(auxv)
    assert len(aux) == len(auxv), "duplicate auxv entries"
    expected = {
        A.AT_HWCAP: hwcap.HWCAP,
        A.AT_PAGESZ: 4096,
        A.AT_CLKTCK: 100,
        A.AT_PHDR: first["p_vaddr"] + hdr["e_phoff"] - first["p_offset"],
        A.AT_PHENT: 32,
        A.AT_PHNUM: hdr["e_phnum"],
        A.AT_BASE: 0,
        A.AT_FLAGS: 0,
        A.AT_ENTRY: hdr["e_entry"],
        A.AT_UID: os.getuid(),
        A.AT_EUID: os.geteuid(),
        A.AT_GID: os.getgid(),
        A.AT_EGID: os.getegid(),
        A.AT_SECURE: 0,
        A.AT_HWCAP2: 0,
    }
    for k, v in expected.items():
        assert aux[k] == v, A.AT_NAMES[k]
    assert set(aux) == set(expected) | {A.AT_RANDOM, A.AT_EXECFN, A.AT_PLATFORM}
    assert proc.auxv == aux and list(proc.auxv) == [k for k, _ in auxv]

    # pointed-to data lies above the tables, inside the stack
    assert mem.read_cstr(aux[A.AT_PLATFORM]) == b"v7l"
    assert mem.read_cstr(aux[A.AT_EXECFN]) == os.fsencode(path)
    assert aux[A.AT_EXECFN] + len(os.fsencode(path)) + 1 == STACK_TOP - 4
    assert mem.read(STACK_TOP - 4, 4) == bytes(4)
    rnd = aux[A.AT_RANDOM]
    assert table_end <= rnd and rnd + 16 <= aux[A.AT_PLATFORM]
    random1 = mem.read(rnd, 16)
    assert len(random1) == 16 and any(random1)
    # argv strings ascending, then envp strings, then execfn (Linux order)
    ptrs = [mem.read_u32(sp + 4 + 4 * i) for i in range(argc)]
    assert ptrs == sorted(ptrs) and ptrs[0] > aux[A.AT_PLATFORM]
    env0 = mem.read_u32(sp + 4 + 4 * (argc + 1))
    assert env0 > ptrs[-1] and env0 < aux[A.AT_EXECFN]
    # a second load draws new random bytes (all processes share one host region,
    # so compare with the copy taken above)
    proc2 = load(path, argv=argv, envp=envp)
    assert proc2.mem.read(proc2.auxv[A.AT_RANDOM], 16) != random1


def test_hwcap_advertises_only_implemented_features():
    bits = hwcap.HWCAP_BITS
    assert hwcap.HWCAP == (bits["swp"] | bits["half"] | bits["thumb"] | bits["fastmult"]
                           | bits["edsp"] | bits["tls"] | bits["idiva"] | bits["idivt"]
                           | bits["vfp"] | bits["vfpv3"] | bits["vfpv4"] | bits["vfpd32"]
                           | bits["neon"])
    assert hwcap.HWCAP == 0xFB0D7          # Linux's values for those bits
    for absent in ("vfpv3d16", "lpae", "iwmmxt", "fphp", "asimdhp", "asimddp", "i8mm", "evtstrm"):
        assert not hwcap.HWCAP & bits[absent]
    assert hwcap.HWCAP2 == 0
    assert hwcap.hwcap_names(hwcap.HWCAP) == hwcap.ADVERTISED


@needs_cc
def test_stack_size_option(progs):
    proc = load(progs["static"], stack_size=64 * 1024)
    rw = PROT_READ | PROT_WRITE | PAGE_VALID
    assert proc.mem.prot_of(STACK_TOP - 64 * 1024) == rw
    assert proc.mem.prot_of(STACK_TOP - 64 * 1024 - PAGE) == 0
    for bad in (0, -5, 1 << 40):
        with pytest.raises(LoaderError, match="stack size"):
            load(progs["static"], stack_size=bad)
    with pytest.raises(LoaderError, match="argument list too long"):
        load(progs["static"], argv=["x" * 70000], stack_size=64 * 1024)


@needs_cc
def test_nul_in_argument(progs):
    with pytest.raises(LoaderError, match="NUL"):
        load(progs["static"], argv=["a\0b"])


# ---- kuser page ------------------------------------------------------------------------

def test_kuser_table_matches_keystone():
    ks_mod = pytest.importorskip("keystone", reason="keystone-engine not installed")
    ks = ks_mod.Ks(ks_mod.KS_ARCH_ARM, ks_mod.KS_MODE_ARM)
    addrs = [a for a, _, _ in kuser.KUSER_HELPERS]
    assert addrs == list(range(0xFFFF0F60, 0xFFFF1000, 4))    # contiguous, complete
    for addr, word, asm in kuser.KUSER_HELPERS:
        enc, _ = ks.asm(asm, addr)
        assert struct.unpack("<I", bytes(enc))[0] == word, f"{addr:#x}: {asm}"


@needs_cc
def test_kuser_page_in_guest(progs):
    proc = load(progs["asm"])
    mem = proc.mem
    assert mem.prot_of(KUSER_PAGE) == PROT_READ | PROT_EXEC | PAGE_VALID
    page = mem.read(KUSER_PAGE, PAGE)
    words = struct.unpack(f"<{PAGE // 4}I", page)
    for addr, word, _ in kuser.KUSER_HELPERS:
        assert words[(addr - KUSER_PAGE) // 4] == word
    assert words[(0xFFFF0FFC - KUSER_PAGE) // 4] == 5
    assert set(words[:(0xF60 // 4)]) == {kuser.KUSER_POISON}
    # entry points hold what the kernel documents
    assert words[0xFA0 // 4:0xFA0 // 4 + 2] == (0xF57FF05B, 0xE12FFF1E)   # dmb ish; bx lr
    assert words[0xFE0 // 4:0xFE0 // 4 + 2] == (0xEE1D0F70, 0xE12FFF1E)   # mrc tpidruro; bx lr


@needs_cc
def test_kuser_version_agrees_with_qemu(progs, tmp_path):
    if shutil.which("qemu-arm") is None:
        pytest.skip("qemu-arm (the oracle) not installed")
    src = "int main(void){ return *(volatile int *)0xffff0ffc; }\n"
    exe = _build(tmp_path, "ver", src, ".c", "-static")
    r = subprocess.run(["qemu-arm", exe], capture_output=True, timeout=60)
    assert r.returncode == kuser.KUSER_HELPER_VERSION


# ---- bad input ----------------------------------------------------------------------

def expect_error(path, pattern, **opts):
    with pytest.raises(LoaderError, match=pattern):
        load(path, **opts)


def test_missing_file(tmp_path):
    p = str(tmp_path / "nope")
    with pytest.raises(LoaderError) as ei:
        load(p)
    assert str(ei.value) == f"No such file or directory: {p!r}"


def test_directory_and_text_and_empty(tmp_path):
    expect_error(str(tmp_path), "Is a directory")
    t = tmp_path / "text"
    t.write_text("hello, this is not an ELF file\n")
    expect_error(str(t), "^not an ELF file$")
    e = tmp_path / "empty"
    e.write_bytes(b"")
    expect_error(str(e), "^not an ELF file$")
    m = tmp_path / "magic"
    m.write_bytes(b"\x7fELF")
    expect_error(str(m), "^truncated or corrupt ELF file")


def test_x86_64_elf():
    path = shutil.which("true") or "/bin/true"
    with open(path, "rb") as f:
        head = f.read(20)
    if head[:4] != b"\x7fELF" or struct.unpack_from("<H", head, 18)[0] != 62:
        pytest.skip(f"{path} is not an x86-64 ELF")
    expect_error(path, r"^wrong architecture: x86-64 \(expected ARM\)$")


def _patched(progs, tmp_path, name, patches):
    data = bytearray(open(progs["static"], "rb").read())
    for off, b in patches:
        data[off:off + len(b)] = b
    p = tmp_path / name
    p.write_bytes(bytes(data))
    return str(p)


@needs_cc
def test_aarch64_elf(progs, tmp_path):
    if shutil.which("aarch64-linux-gnu-gcc"):
        exe = tmp_path / "a64"
        src = tmp_path / "a64.c"
        src.write_text("int main(void){return 0;}\n")
        subprocess.run(["aarch64-linux-gnu-gcc", "-static", str(src), "-o", str(exe)],
                       check=True, capture_output=True)
        path = str(exe)
    else:   # hand-patched: ELF64 class and e_machine = EM_AARCH64
        path = _patched(progs, tmp_path, "a64", [(4, b"\x02"), (18, struct.pack("<H", 183))])
    expect_error(path, r"^wrong architecture: AArch64 \(expected ARM\)$")


@needs_cc
def test_other_header_problems(progs, tmp_path):
    cases = [
        ([(18, struct.pack("<H", 3))], r"^wrong architecture: Intel 80386 \(expected ARM\)$"),
        ([(18, struct.pack("<H", 9999))], r"^wrong architecture: unknown machine 9999"),
        ([(4, b"\x02")], r"^wrong ELF class: 64-bit"),
        ([(5, b"\x02"), (18, struct.pack(">H", 40))], r"^wrong byte order: big-endian"),
        ([(4, b"\x07")], "^truncated or corrupt ELF file"),
        ([(16, struct.pack("<H", 4))], r"^not an executable \(core dump\)$"),
        ([(16, struct.pack("<H", 0))], r"^not an executable"),
        ([(42, struct.pack("<H", 40))], "^truncated or corrupt ELF file"),   # e_phentsize
        ([(44, struct.pack("<H", 0))], "^truncated or corrupt ELF file"),    # e_phnum
        ([(44, struct.pack("<H", 0xFFFF))], "^truncated or corrupt ELF file"),
        ([(28, struct.pack("<I", 0x7FFFFFF0))], "^truncated or corrupt ELF file"),  # e_phoff
        ([(24, struct.pack("<I", 0x10002))], r"^not an executable \(misaligned entry"),
    ]
    for i, (patches, pattern) in enumerate(cases):
        expect_error(_patched(progs, tmp_path, f"p{i}", patches), pattern)


@needs_cc
def test_bad_segments(progs, tmp_path):
    data, hdr, segs = elf_of(progs["static"])
    phoff = hdr["e_phoff"]
    i = [k for k, s in enumerate(segs) if s["p_type"] == "PT_LOAD"][1]
    ph = phoff + 32 * i
    s = segs[i]
    cases = [
        ([(ph + 16, struct.pack("<I", s["p_memsz"] + 1))], "file size larger"),   # filesz
        ([(ph + 4, struct.pack("<I", len(data) - 8))], "past the end of the file"),
        ([(ph + 8, struct.pack("<I", s["p_vaddr"] + 4))], "modulo the page size"),
        ([(ph + 8, struct.pack("<I", 0xFFFFF000 + s["p_vaddr"] % PAGE)),
          (ph + 12, struct.pack("<I", 0xFFFFF000 + s["p_vaddr"] % PAGE))], "32-bit address"),
    ]
    for k, (patches, pattern) in enumerate(cases):
        expect_error(_patched(progs, tmp_path, f"s{k}", patches),
                     "^truncated or corrupt ELF file.*" + pattern)
    # a segment on top of the stack / the kuser page
    for k, addr in enumerate((STACK_TOP - PAGE, KUSER_PAGE)):
        v = addr + s["p_vaddr"] % PAGE
        expect_error(_patched(progs, tmp_path, f"o{k}", [(ph + 8, struct.pack("<II", v, v))]),
                     "stack|kuser")


@needs_cc
def test_bad_interp(progs, tmp_path):
    data, hdr, segs = elf_of(progs["pie"])
    i = [k for k, s in enumerate(segs) if s["p_type"] == "PT_INTERP"][0]
    off = segs[i]["p_offset"] + segs[i]["p_filesz"] - 1
    blob = bytearray(data)
    blob[off] = ord("x")                      # no terminating NUL
    p = tmp_path / "badinterp"
    p.write_bytes(bytes(blob))
    expect_error(str(p), r"^truncated or corrupt ELF file \(bad PT_INTERP\)$")


@needs_cc
def test_relocatable_object(progs):
    expect_error(progs["obj"], r"^not an executable \(relocatable object file\)$")


@needs_cc
def test_truncated_at_many_lengths(progs, tmp_path):
    data, hdr, segs = elf_of(progs["static"])
    loads = [s for s in segs if s["p_type"] == "PT_LOAD"]
    last_file_byte = max(s["p_offset"] + s["p_filesz"] for s in loads)
    phend = hdr["e_phoff"] + hdr["e_phnum"] * 32
    cuts = [5, 16, 19, 20, 40, 51, 52, phend - 1, phend + 1, 4096, len(data) // 3,
            last_file_byte - 1]
    for n in cuts:
        p = tmp_path / f"cut{n}"
        p.write_bytes(data[:n])
        expect_error(str(p), "^truncated or corrupt ELF file")
    # cut after the last loaded byte (section headers gone): the kernel runs
    # such a file, and so do we
    p = tmp_path / "cut-sections"
    p.write_bytes(data[:last_file_byte])
    assert load(str(p)).entry == hdr["e_entry"]


@needs_cc
def test_fuzzed_headers_never_crash(progs, tmp_path):
    """Random corruption of the ELF and program headers: LoaderError or success only."""
    data = open(progs["asm"], "rb").read()
    _, hdr, _ = elf_of(progs["asm"])
    head_end = hdr["e_phoff"] + hdr["e_phnum"] * 32
    rng = random.Random(1234)
    p = tmp_path / "fuzz"
    for i in range(150):
        blob = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(head_end)
            blob[pos] = rng.randrange(256) if rng.random() < 0.7 else rng.choice((0, 0xFF))
        p.write_bytes(bytes(blob))
        try:
            load(str(p), stack_size=1 << 20)
        except LoaderError as e:
            assert str(e) and "\n" not in str(e)


def test_read_elf_reports_the_file():
    with pytest.raises(LoaderError) as ei:
        read_elf("/nonexistent/prog")
    assert ei.value.path == "/nonexistent/prog"


def test_reading_an_elf_file_matches_pyelftools_and_does_not_import_it(progs):
    """read_elf parses the headers with struct (pyelftools' imports cost ~0.1 s
    at every start-up): the same segments as pyelftools, and no elftools
    module loaded in a fresh interpreter that only reads a valid program."""
    import sys
    for name in ("static", "asm", "spie", "pie"):
        img = read_elf(progs[name])
        with open(progs[name], "rb") as f:
            ef = ELFFile(f)
            assert img.e_type == ef.header["e_type"] and img.entry == ef.header["e_entry"]
            assert [(s.type, s.offset, s.vaddr, s.filesz, s.memsz, s.flags, s.align)
                    for s in img.segments] == [
                (s["p_type"], s["p_offset"], s["p_vaddr"], s["p_filesz"], s["p_memsz"],
                 s["p_flags"], s["p_align"]) for s in ef.iter_segments()]
    code = ("import sys; from usermode.loader.elf import read_elf; read_elf(sys.argv[1]); "
            "print(sorted(m for m in sys.modules if m.startswith('elftools')))")
    out = subprocess.run([sys.executable, "-c", code, progs["pie"]], capture_output=True,
                         text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert out.stdout.strip() == "[]"

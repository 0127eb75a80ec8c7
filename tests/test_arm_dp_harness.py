"""Differential test harness for the ARM integer ALU translators (trans_dp,
trans_mul, trans_media, trans_parallel).

Each test case is an assembly snippet plus random initial registers and
flags.  All cases of a batch go into one static ARM ELF (assembled with
arm-linux-gnueabihf-gcc) that, per case, loads the registers and APSR,
runs the snippet and writes {sp, APSR, r0-r12, lr} to stdout; qemu-arm runs
it once.  pyqemu runs the very same snippet bytes (read from the ELF) through
the real decoder and translator, and executes the IR with ``IRInterp``, a
direct reading of the op semantics in usermode/translate/ir.py; when the
engine and x86 code generator are present, the whole ELF also runs under
pyqemu itself (``python -m usermode``) and its output must match qemu's too.

Usage::

    cases = [Case("adds r0, r1, r2", thumb=False), Case("qadd r0, r1, r2", thumb=True)]
    for c, want, got in run_batch(cases):
        assert want == got, c.describe(want, got)
"""
from __future__ import annotations

import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import pytest

from ir_ref import BINOPS, UNOPS, RefMachine, sx
from usermode.translate.arm import translate as T
from usermode.translate.arm.cpu import LAYOUT, TBFLAG_THUMB
from usermode.translate.ir import EXIT_EXCEPTION

HAVE_TOOLS = all(shutil.which(t) for t in ("qemu-arm", "arm-linux-gnueabihf-gcc"))
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-arm / arm-linux-gnueabihf-gcc missing")

APSR_MASK = 0xF80F0000       # N Z C V Q and GE[3:0]
M32 = 0xFFFFFFFF


# ---- IR interpreter ---------------------------------------------------------------------------
class IRInterp(RefMachine):
    """The test-only reference evaluator (tests/ir_ref.py) over a CPU state
    held as {offset: value} and a sparse byte memory {address: byte}.
    run() returns ('goto', pc) | ('ptr', None) | ('exit', code)."""

    def __init__(self, state: Dict[int, int], mem: Optional[Dict[int, int]] = None):
        super().__init__()
        self.g = state
        self.bytes = mem if mem is not None else {}

    def load(self, addr, size, signed):
        v = sum(self.bytes.get(addr + k, 0) << (8 * k) for k in range(size))
        return sx(v, 8 * size) if signed else v

    def store(self, addr, size, v):
        for k in range(size):
            self.bytes[addr + k] = (v >> (8 * k)) & 0xFF

    def run(self, ops):
        ex = super().run(ops)
        if ex[0] == "goto_tb":
            return ("goto", ex[2])
        if ex[0] == "goto_ptr":
            return ("ptr", None)
        return ex


# ---- running a snippet in pyqemu --------------------------------------------------------------
OFF = {name: LAYOUT.offset(name) for name in
       ("pc", "tb_flags", "NF", "ZF", "CF", "VF", "QF", "GE", "exception", "exc_arg2")}


def regs_to_state(regs: List[int], sp: int, lr: int, apsr: int) -> Dict[int, int]:
    st = {LAYOUT.offset("r", i): regs[i] & M32 for i in range(13)}
    st[LAYOUT.offset("r", 13)] = sp
    st[LAYOUT.offset("r", 14)] = lr
    st[OFF["NF"]] = apsr & 0x80000000
    st[OFF["ZF"]] = 0 if apsr & 0x40000000 else 1
    st[OFF["CF"]] = (apsr >> 29) & 1
    st[OFF["VF"]] = apsr & 0x10000000 and 0x80000000
    st[OFF["QF"]] = (apsr >> 27) & 1
    st[OFF["GE"]] = (apsr >> 16) & 0xF
    return st


def state_apsr(st: Dict[int, int]) -> int:
    g = lambda k: st.get(OFF[k], 0)
    return ((g("NF") >> 31) << 31 | (g("ZF") == 0) << 30 | (g("CF") & 1) << 29
            | (g("VF") >> 31) << 28 | (g("QF") & 1) << 27 | (g("GE") & 0xF) << 16)


def run_interp(code: Dict[int, int], start: int, end: int, thumb: bool,
               st: Dict[int, int], max_blocks: int = 64) -> Dict[int, int]:
    """Run guest code from start until pc == end with IRInterp.  `code` maps
    addresses to bytes.  Returns the final state (raises on a guest exception)."""
    def read_code(addr, n):
        if addr + n > end or addr < start:
            raise IndexError(addr)
        return bytes(code[addr + k] for k in range(n))

    pc = start
    st[OFF["tb_flags"]] = TBFLAG_THUMB if thumb else 0
    T._load_tables()
    for _ in range(max_blocks):
        if pc == end:
            return st
        flags = st[OFF["tb_flags"]]
        blk = T.translate_block(read_code, pc, flags)
        st[OFF["pc"]] = pc
        kind, val = IRInterp(st).run(blk.ir.ops)
        if kind == "goto":
            pc = val
        elif kind == "ptr":
            pc = st[OFF["pc"]] & M32
        else:
            if val == EXIT_EXCEPTION:
                raise GuestException(st[OFF["exception"]], st[OFF["exc_arg2"]], st[OFF["pc"]])
            raise AssertionError(f"unexpected exit {val}")
    raise AssertionError("too many blocks")


class GuestException(Exception):
    pass


# ---- cases and the ELF builder --------------------------------------------------------------
INTERESTING = [0, 1, 2, 3, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 31, 32, 33,
               0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFF8000,
               0x8000FFFF, 0x7FFF7FFF, 0x80008000, 0x7F7F7F7F, 0x80808080, 0xFF00FF00]


def rand_val(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.35:
        return rng.choice(INTERESTING)
    if r < 0.5:
        return rng.randrange(0, 70)
    if r < 0.6:
        return (rng.choice(INTERESTING) + rng.randrange(-2, 3)) & M32
    return rng.getrandbits(32)


@dataclass
class Case:
    asm: str                      # one or more lines of assembly (';' or newline separated)
    thumb: bool = False
    regs: List[int] = field(default_factory=list)    # r0..r12, lr
    apsr: int = 0
    seed: Optional[int] = None

    def fill(self, rng: random.Random) -> "Case":
        if not self.regs:
            self.regs = [rand_val(rng) for _ in range(14)]
        if not self.apsr:
            self.apsr = rng.getrandbits(5) << 27 | rng.getrandbits(4) << 16
        return self

    def describe(self, want, got) -> str:
        names = ["sp", "apsr"] + [f"r{i}" for i in range(13)] + ["lr"]
        diff = ", ".join(f"{n}: want {w:#x} got {g:#x}" for n, w, g in zip(names, want, got)
                         if w != g)
        regs = " ".join(f"r{i}={v:#x}" for i, v in enumerate(self.regs))
        return (f"{'T32' if self.thumb else 'A32'} `{self.asm}` apsr={self.apsr:#x} "
                f"{regs}\n  {diff}")


STACK_MID_NAME = "stack_mid"


def _case_asm(i: int, c: Case) -> str:
    body = "\n".join("    " + s.strip() for s in c.asm.replace(";", "\n").split("\n") if s.strip())
    mode = ".thumb\n    .thumb_func" if c.thumb else ".arm"
    return f"""
    .data
in_{i}: .word {", ".join(hex(v & M32) for v in c.regs)}, {c.apsr:#x}
    .text
    .align 2
    {mode}
    .type case_{i}, %function
case_{i}:
    ldr sp, ={STACK_MID_NAME}
    ldr lr, =in_{i}
    ldr r0, [lr, #56]
    msr APSR_nzcvqg, r0
    ldm lr, {{r0-r12, lr}}
snip_{i}:
{body}
snipend_{i}:
    push {{r0-r12, lr}}
    mrs r0, APSR
    push {{r0}}
    add r0, sp, #60
    push {{r0}}
    mov r0, #1
    mov r1, sp
    mov r2, #64
    mov r7, #4
    svc #0
    ldr r0, =case_{i + 1}
    bx r0
    .ltorg
"""


def build_elf(cases: List[Case], workdir: str) -> str:
    parts = [""".syntax unified
    .arch armv7ve
    .fpu vfpv3
    .bss
    .align 4
stack_lo: .space 8192
stack_mid: .space 8192
    .text
    .arm
    .global _start
_start:
    ldr r0, =case_0
    bx r0
    .ltorg
"""]
    for i, c in enumerate(cases):
        parts.append(_case_asm(i, c))
    n = len(cases)
    parts.append(f"""
    .text
    .arm
    .type case_{n}, %function
case_{n}:
    mov r0, #0
    mov r7, #1
    svc #0
""")
    src = os.path.join(workdir, "cases.S")
    with open(src, "w") as fh:
        fh.write("".join(parts))
    out = os.path.join(workdir, "cases.elf")
    r = subprocess.run(["arm-linux-gnueabihf-gcc", "-nostdlib", "-static", "-Wa,-mimplicit-it=always",
                        "-o", out, src], capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr[-4000:])
    return out


def _elf_image(path: str):
    from elftools.elf.elffile import ELFFile
    code: Dict[int, int] = {}
    syms: Dict[str, int] = {}
    with open(path, "rb") as fh:
        elf = ELFFile(fh)
        for seg in elf.iter_segments():
            if seg["p_type"] == "PT_LOAD":
                data = seg.data()
                base = seg["p_vaddr"]
                for k, byte in enumerate(data[:seg["p_filesz"]]):
                    code[base + k] = byte
        for s in elf.get_section_by_name(".symtab").iter_symbols():
            syms[s.name] = s["st_value"]
    return code, syms


def engine_available() -> bool:
    try:
        from usermode.translate.x86 import codegen  # noqa: F401
        from usermode.translate import engine  # noqa: F401
    except ImportError:
        return False
    return True


ENGINE_OUT: Dict[int, bytes] = {}


def run_batch(cases: List[Case], seed: int = 1, engine: bool = True):
    """Yields (case, want, got) with want/got = [sp, apsr, r0..r12, lr].
    With engine, the whole ELF also runs under pyqemu itself (python -m
    usermode): its output per case is left in ENGINE_OUT[case index]."""
    rng = random.Random(seed)
    for c in cases:
        c.fill(rng)
    ENGINE_OUT.clear()
    with tempfile.TemporaryDirectory() as wd:
        elf = build_elf(cases, wd)
        r = subprocess.run(["qemu-arm", elf], capture_output=True, timeout=300)
        out = r.stdout
        assert len(out) == 64 * len(cases), (r.returncode, len(out), r.stderr[-2000:])
        if engine and engine_available():
            root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
            e = subprocess.run([sys.executable, "-m", "usermode", elf], capture_output=True,
                               timeout=600, cwd=root, env=env)
            for i in range(len(e.stdout) // 64):
                ENGINE_OUT[i] = e.stdout[64 * i:64 * i + 64]
            ENGINE_OUT[-1] = e.stderr[-2000:]
        code, syms = _elf_image(elf)
    stack_mid = syms[STACK_MID_NAME]
    for i, c in enumerate(cases):
        want = list(struct.unpack_from("<16I", out, 64 * i))
        want[1] &= APSR_MASK
        start = syms[f"snip_{i}"] & ~1
        end = syms[f"snipend_{i}"] & ~1
        st = regs_to_state(c.regs[:13], stack_mid, c.regs[13], c.apsr)
        try:
            st = run_interp(code, start, end, c.thumb, st)
            got = [st[LAYOUT.offset("r", 13)], state_apsr(st)]
            got += [st[LAYOUT.offset("r", k)] for k in range(13)]
            got.append(st[LAYOUT.offset("r", 14)])
        except GuestException as e:
            got = [-1] * 16
            got[0] = -int(e.args[0])
        yield c, want, got


def check_batch(cases: List[Case], seed: int = 1, max_report: int = 20,
                engine: bool = True) -> None:
    """qemu-arm vs the IR interpreter, and vs the real engine when it exists."""
    bad = []
    for i, (c, want, got) in enumerate(run_batch(cases, seed, engine)):
        if want != got:
            bad.append(c.describe(want, got) if got[1] != -1 else
                       f"{c.asm!r} ({'T' if c.thumb else 'A'}): guest exception {got}")
        if ENGINE_OUT:
            if i not in ENGINE_OUT:
                bad.append(f"[engine] no output from case {i} `{c.asm}` on: "
                           + ENGINE_OUT[-1].decode(errors="replace"))
                break
            eng = list(struct.unpack("<16I", ENGINE_OUT[i]))
            eng[1] &= APSR_MASK
            if eng != want:
                bad.append("[engine] " + c.describe(want, eng))
    assert not bad, f"{len(bad)} of {len(cases)} cases differ:\n" + "\n".join(bad[:max_report])


def expand(templates, thumb: bool, n: int) -> List[Case]:
    return [Case(t, thumb=thumb) for t in templates for _ in range(n)]


# ---- self-tests of the interpreter -----------------------------------------------------------
def test_interp_alu_semantics():
    assert BINOPS["sar"](0x80000000, 33, 32) & M32 == 0xC0000000   # count mod 32
    assert BINOPS["rotr"](1, 1, 32) & M32 == 0x80000000
    assert BINOPS["divs"](0x80000000, M32, 32) & M32 == 0x80000000
    assert BINOPS["divu"](5, 0, 32) == 0
    assert UNOPS["clz"](0, 32) == 32
    assert UNOPS["bswap16"](0x11223344, 32) == 0x4433


@needs_tools
def test_harness_runs_plain_mov():
    check_batch([Case("mov r0, r1"), Case("movs r0, r1", thumb=True)])

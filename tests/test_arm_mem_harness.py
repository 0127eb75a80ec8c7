"""Differential harness for the memory, branch, system and VFP-move
translators (trans_ldst, trans_ldm, trans_excl, trans_branch, trans_misc,
trans_vfp_move): the same ARM program runs under qemu-arm and under pyqemu's
real engine (decoder -> IR -> x86-64 code -> native run), and the outputs
must be byte-identical.

One static ELF (linked with -N, so the text is writable) holds every case of
a batch.  A case sets d0-d31, FPSCR, APSR and r0-r14 (sp points into the
case's own 512-byte memory block, which also holds a 256-byte data buffer),
runs the snippet in ARM or Thumb state, and then dumps r0-r14, APSR (NZCVQ,
GE), FPSCR, d0-d31 and the whole memory block with write(2).  pyqemu runs
the ELF in a child process (``python tests/test_arm_mem_harness.py --run
ELF``) that serves write and exit itself, so the test needs nothing from the
system-call layer.

Usage::

    cases = [MemCase("ldr r0, [r1, #4]!", regs={"r1": "buf+8"})]
    check_batch(cases)           # asserts qemu-arm and pyqemu agree, case by case
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import pytest

HAVE_TOOLS = all(shutil.which(t) for t in ("qemu-arm", "arm-linux-gnueabihf-gcc"))
needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-arm / arm-linux-gnueabihf-gcc missing")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MEM_SIZE = 512              # per case: [0, 256) data buffer, [256, 512) stack
SP_OFF = 448                # initial sp = mem + 448
SAVE_SIZE = 14 * 4 + 4 + 4 + 4 + 32 * 8
CASE_OUT = SAVE_SIZE + MEM_SIZE
APSR_MASK = 0xF80F0000
REGNAMES = [f"r{i}" for i in range(13)] + ["sp", "lr"]
# "interp": the real decoder and translator, IR executed by interp_block below;
# "engine": the whole real pipeline (x86-64 code generator and native runtime)
BACKENDS = os.environ.get("PYQEMU_MEM_BACKENDS", "interp,engine").split(",")


@dataclass
class MemCase:
    asm: str
    thumb: bool = False
    regs: Dict[str, object] = field(default_factory=dict)   # "r1": 5 or "buf+8"
    apsr: int = 0
    fpscr: int = 0
    name: str = ""

    def label(self) -> str:
        return self.name or ("T: " if self.thumb else "A: ") + self.asm.replace("\n", "; ")


def _reg_word(i: int, r: int, v) -> str:
    if isinstance(v, str):
        assert v.startswith("buf"), v
        return f"mem_{i}{v[3:]}"
    return f"{v & 0xFFFFFFFF:#x}"


def _default_reg(i: int, r: int) -> int:
    return (0x1000193 * (r + 1) + 0x9E3779B9 * i) & 0xFFFFFFFF


def _case_asm(i: int, c: MemCase) -> str:
    words = []
    for r in range(15):
        name = REGNAMES[r]
        if name in c.regs or f"r{r}" in c.regs:
            words.append(_reg_word(i, r, c.regs.get(name, c.regs.get(f"r{r}"))))
        elif r == 13:
            words.append(f"mem_{i}+{SP_OFF}")
        else:
            words.append(f"{_default_reg(i, r):#x}")
    mode = ".thumb" if c.thumb else ".arm"
    enter = (f"    ldr r0, =case_{i}_body+1\n    bx r0\n    .thumb\n" if c.thumb else "")
    leave = ("    .align 2\n    bx pc\n    nop\n    .arm\n" if c.thumb else "")
    return f"""
    .arm
case_{i}:
    ldr r0, =vfp_init
    vldmia r0!, {{d0-d15}}
    vldmia r0, {{d16-d31}}
    ldr r0, ={c.fpscr:#x}
    vmsr fpscr, r0
    ldr r0, ={c.apsr:#x}
    msr APSR_nzcvqg, r0
{enter}case_{i}_body:
    {mode}
    ldr sp, ={words[13]}
    ldr lr, =regs_{i}
    ldm lr, {{r0-r12, lr}}
{c.asm}
{leave}dump_{i}:
    str r0, tmp_{i}
    ldr r0, =save
    stmia r0, {{r1-r14}}
    ldr r1, tmp_{i}
    str r1, [r0, #56]
    mrs r1, apsr
    str r1, [r0, #60]
    vmrs r1, fpscr
    str r1, [r0, #64]
    ldr r0, =save+68
    vstmia r0!, {{d0-d15}}
    vstmia r0, {{d16-d31}}
    ldr r0, =1
    ldr r1, =save
    ldr r2, ={SAVE_SIZE}
    ldr r7, =4
    svc 0
    ldr r0, =1
    ldr r1, =mem_{i}
    ldr r2, ={MEM_SIZE}
    ldr r7, =4
    svc 0
    b case_{i + 1}
    .ltorg
tmp_{i}: .word 0
    .data
    .align 3
regs_{i}: .word {', '.join(words[:13])}, {words[14]}
    .word {words[13]}
    .align 3
mem_{i}:
    .byte {', '.join(str((i * 29 + k * 13 + 7) & 0xFF) for k in range(MEM_SIZE))}
    .text
"""


def build_elf(cases: List[MemCase], workdir: str) -> str:
    parts = [".syntax unified\n.arch armv7-a\n.arch_extension mp\n.fpu neon\n.text\n.global _start\n_start:\n"]
    for i, c in enumerate(cases):
        parts.append(_case_asm(i, c))
    n = len(cases)
    parts.append(f"""
    .arm
case_{n}:
    ldr r0, =0
    ldr r7, =1
    svc 0
    .ltorg
    .data
    .align 3
vfp_init:
    .quad {', '.join(hex((0x0123456789ABCDEF * (k + 3) + 0x1111 * k) & (2**64 - 1)) for k in range(32))}
save:
    .space {SAVE_SIZE}
""")
    src = os.path.join(workdir, "t.S")
    with open(src, "w") as fh:
        fh.write("".join(parts))
    elf = os.path.join(workdir, "t.elf")
    r = subprocess.run(["arm-linux-gnueabihf-gcc", "-nostdlib", "-static", "-Wl,-N",
                        "-Wl,--build-id=none", "-o", elf, src],
                       capture_output=True, text=True)
    if r.returncode:
        raise AssertionError("assembly failed:\n" + r.stderr)
    return elf


def run_qemu(elf: str) -> Tuple[bytes, int, str]:
    r = subprocess.run(["qemu-arm", elf], capture_output=True, timeout=60)
    return r.stdout, r.returncode, r.stderr.decode(errors="replace")


def run_pyqemu(elf: str, backend: str) -> Tuple[bytes, int, str]:
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--run", backend, elf],
                       capture_output=True, timeout=120, cwd=ROOT)
    return r.stdout, r.returncode, r.stderr.decode(errors="replace")


def decode_case(out: bytes) -> Dict[str, int]:
    d: Dict[str, int] = {}
    regs = struct.unpack_from("<14I", out, 0)
    for k, v in enumerate(regs):
        d[REGNAMES[k + 1]] = v
    d["r0"], apsr, d["fpscr"] = struct.unpack_from("<3I", out, 56)
    d["apsr"] = apsr & APSR_MASK
    for k in range(32):
        d[f"d{k}"] = struct.unpack_from("<Q", out, 68 + 8 * k)[0]
    mem = out[SAVE_SIZE:SAVE_SIZE + MEM_SIZE]
    for k in range(0, MEM_SIZE, 4):
        d[f"mem+{k}"] = struct.unpack_from("<I", mem, k)[0]
    return d


def compare(cases: List[MemCase], want: bytes, got: bytes) -> List[str]:
    errors = []
    for i, c in enumerate(cases):
        w = want[i * CASE_OUT:(i + 1) * CASE_OUT]
        g = got[i * CASE_OUT:(i + 1) * CASE_OUT]
        if len(g) < CASE_OUT or len(w) < CASE_OUT:
            errors.append(f"case {i} [{c.label()}]: output missing (qemu {len(w)}, pyqemu {len(g)} bytes)")
            break
        dw, dg = decode_case(w), decode_case(g)
        diff = [f"{k}: qemu {dw[k]:#x} pyqemu {dg[k]:#x}" for k in dw if dw[k] != dg[k]]
        if diff:
            errors.append(f"case {i} [{c.label()}]:\n    " + "\n    ".join(diff))
    return errors


def check_batch(cases: List[MemCase]) -> None:
    with tempfile.TemporaryDirectory() as wd:
        elf = build_elf(cases, wd)
        want, qrc, qerr = run_qemu(elf)
        if qrc != 0:
            k = len(want) // CASE_OUT
            raise AssertionError(f"qemu-arm failed ({qrc}) in case {k} "
                                 f"[{cases[k].label() if k < len(cases) else '?'}]: {qerr}")
        assert len(want) == CASE_OUT * len(cases)
        report = []
        for backend in BACKENDS:
            got, prc, perr = run_pyqemu(elf, backend)
            errors = compare(cases, want, got)
            if prc != 0 or errors:
                report.append(f"[{backend}] pyqemu rc={prc} {perr[-1500:]}\n" + "\n".join(errors[:30]))
        if report:
            raise AssertionError("\n\n".join(report))


# ---------------------------------------------------------------- the child runner
def interp_block(ops, cpu, mem) -> tuple:
    """Execute one block's IR with the test-only reference evaluator
    (tests/ir_ref.py) on the StateView `cpu` and GuestMemory `mem`.
    Returns ('goto_tb',) | ('goto_ptr',) | ('exit', code)."""
    from ir_ref import RefMachine, sx

    class StateRef(RefMachine):
        def read_global(self, g):
            return struct.unpack_from("<Q" if g.type.bits == 64 else "<I", cpu.buf, g.offset)[0]

        def write_global(self, g, value):
            struct.pack_into("<Q" if g.type.bits == 64 else "<I", cpu.buf, g.offset, value)

        def load(self, addr, size, signed):
            v = int.from_bytes(mem.read(addr & 0xFFFFFFFF, size), "little")
            return sx(v, 8 * size) if signed else v

        def store(self, addr, size, v):
            mem.write(addr & 0xFFFFFFFF, (v & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    ex = StateRef().run(ops)
    return ex if ex[0] == "exit" else ex[:1]


def _runner(elf: str, backend: str) -> int:
    sys.path.insert(0, ROOT)
    from usermode.loader import load_program
    from usermode.process import GuestProcess, Options
    from usermode.translate.ir import EXIT_EXCEPTION, EXIT_HALT, EXIT_LOOKUP, EXIT_SYSCALL

    proc = GuestProcess("arm", elf, [elf], [], Options())
    load_program(proc)
    cpu = proc.cpu
    out = sys.stdout.buffer
    if backend == "engine":
        from usermode.translate.engine import RT_NEED_TRANSLATE, Engine, lib
        eng = Engine(proc)
        env = eng.env

        def step():
            r = lib.rt_cpu_exec(env)
            if r == RT_NEED_TRANSLATE:
                eng.translate(env.pc, env.tb_flags)
                return None
            return r
    else:
        from usermode.translate.arm.translate import translate_block
        cache = {}

        def step():
            key = (cpu.get("pc"), cpu.get("tb_flags"))
            blk = cache.get(key)
            if blk is None:
                blk = cache[key] = translate_block(proc.mem.read, key[0], key[1])
            ex = interp_block(blk.ir.ops, cpu, proc.mem)
            return ex[1] if ex[0] == "exit" else None

    while True:
        r = step()
        if r is None or r in (EXIT_HALT, EXIT_LOOKUP):
            continue
        if r == EXIT_SYSCALL:
            nr = cpu.get("r", 7)
            if nr == 4:
                n = cpu.get("r", 2)
                out.write(proc.mem.read(cpu.get("r", 1), n))
                cpu.set("r", 0, n)
            elif nr in (1, 248):
                out.flush()
                return cpu.get("r", 0)
            else:
                sys.stderr.write(f"unexpected syscall {nr}\n")
                return 100
        elif r == EXIT_EXCEPTION:
            out.flush()
            sys.stderr.write(f"exception {cpu.get('exception')} at pc {cpu.get('pc'):#x} "
                             f"arg {cpu.get('exc_arg'):#x} arg2 {cpu.get('exc_arg2'):#x}\n")
            return 101
        else:
            raise RuntimeError(f"dispatcher returned {r}")


# ---------------------------------------------------------------- self tests
@needs_tools
def test_harness_plain_case():
    check_batch([MemCase("ldr r0, =0x12345678"), MemCase("ldr r1, =7", thumb=True)])


@needs_tools
def test_harness_detects_difference():
    with tempfile.TemporaryDirectory() as wd:
        cases = [MemCase("ldr r0, =5")]
        elf = build_elf(cases, wd)
        want, _, _ = run_qemu(elf)
        bad = bytearray(want)
        bad[56] ^= 1
        assert compare(cases, want, bytes(bad))


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--run":
    sys.exit(_runner(sys.argv[3], sys.argv[2]))

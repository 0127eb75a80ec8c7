"""NEON snippet harness: each case runs a few Advanced SIMD instructions in ARM
or Thumb state under qemu-arm and under pyqemu's real engine (decoder -> IR
-> SSE code -> native run), and the whole state after it -- D0-D31, FPSCR
(QC, cumulative flags), r0-r14, APSR and a 512-byte memory block -- must be
identical byte for byte.

The ELF builder, the qemu/pyqemu runners and the state decoder are the
memory harness's (tests/test_arm_mem_harness.py, imported read-only): every
case starts from the same pseudo-random D0-D31 (``vfp_init``), so register
operands are varied without setting them up; ``load_q``/``load_d`` put
chosen values in registers.  ``modes`` runs a batch twice more: with every
vector op forced through the C reference implementation
(PYQEMU_VEC_HELPERS=1), which checks the inline SSE sequences and the
reference against each other and against qemu.

Usage::

    from test_neon_harness import check, NeonCase
    check([NeonCase("vadd.i16 q0, q1, q2"), NeonCase("vld1.8 {d0}, [r0]", regs={"r0": "buf"})])
"""
from __future__ import annotations

import os
import struct
import subprocess
import sys
import tempfile
from typing import Dict, List, Sequence

import pytest

from test_arm_mem_harness import (CASE_OUT, HAVE_TOOLS, ROOT, MemCase, build_elf, decode_case,
                                  run_qemu)

needs_tools = pytest.mark.skipif(not HAVE_TOOLS, reason="qemu-arm / arm-linux-gnueabihf-gcc missing")
HEADER = ".fpu neon-vfpv4\n"


def NeonCase(asm: str, thumb: bool = False, regs: Dict[str, object] = None, fpscr: int = 0,
             name: str = "") -> MemCase:
    return MemCase(asm, thumb, dict(regs or {}), 0, fpscr, name)


def load_d(reg: int, v: int) -> str:
    return f"ldr r0, ={v & 0xFFFFFFFF:#x}\n ldr r1, ={v >> 32 & 0xFFFFFFFF:#x}\n vmov d{reg}, r0, r1\n"


def load_q(reg: int, lanes: Sequence[int], esize: int = 4) -> str:
    """Q<reg> = the given lanes (esize bytes each, 16 bytes in all)."""
    raw = b"".join((v & ((1 << 8 * esize) - 1)).to_bytes(esize, "little") for v in lanes)
    assert len(raw) == 16
    lo, hi = struct.unpack("<QQ", raw)
    return load_d(2 * reg, lo) + load_d(2 * reg + 1, hi)


def f32(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def run_pyqemu(elf: str, helpers: bool = False):
    env = dict(os.environ)
    env["PYQEMU_VEC_HELPERS"] = "1" if helpers else "0"
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--run", elf],
                       capture_output=True, timeout=300, cwd=ROOT, env=env)
    return r.stdout, r.returncode, r.stderr.decode(errors="replace")


def check(cases: List[MemCase], helpers_too: bool = True, fpscr_mask: int = 0xFFFFFFFF) -> None:
    """Run the batch under qemu-arm and pyqemu (inline SSE, and the C
    reference with helpers_too); compare every case (FPSCR through fpscr_mask)."""
    cases = list(cases)
    c0 = cases[0]
    cases[0] = MemCase(HEADER + c0.asm, c0.thumb, c0.regs, c0.apsr, c0.fpscr, c0.name or c0.label())
    with tempfile.TemporaryDirectory() as wd:
        elf = build_elf(cases, wd)
        want, qrc, qerr = run_qemu(elf)
        if qrc != 0:
            k = len(want) // CASE_OUT
            raise AssertionError(f"qemu-arm failed ({qrc}) in case {k} "
                                 f"[{cases[k].label() if k < len(cases) else '?'}]: {qerr}")
        report = []
        for helpers in ((False, True) if helpers_too else (False,)):
            got, prc, perr = run_pyqemu(elf, helpers)
            errors = []
            for i, c in enumerate(cases):
                w, g = want[i * CASE_OUT:(i + 1) * CASE_OUT], got[i * CASE_OUT:(i + 1) * CASE_OUT]
                if len(g) < CASE_OUT:
                    errors.append(f"case {i} [{c.label()}]: no output (rc {prc}): {perr[-1500:]}")
                    break
                dw, dg = decode_case(w), decode_case(g)
                dw["fpscr"] &= fpscr_mask
                dg["fpscr"] &= fpscr_mask
                diff = [f"{k}: qemu {dw[k]:#x} pyqemu {dg[k]:#x}" for k in dw if dw[k] != dg[k]]
                if diff:
                    errors.append(f"case {i} [{c.label()}]:\n    " + "\n    ".join(diff[:12]))
            if errors:
                report.append(f"[{'C reference' if helpers else 'inline SSE'}] rc={prc}\n"
                              + "\n".join(errors[:25]))
        if report:
            raise AssertionError("\n\n".join(report))


@needs_tools
def test_harness_sees_neon_state():
    check([NeonCase("vmov.i32 q0, #0x55"), NeonCase("veor d1, d2, d3", thumb=True)],
          helpers_too=False)


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--run":
    sys.path.insert(0, ROOT)
    import test_arm_mem_harness
    sys.exit(test_arm_mem_harness._runner(sys.argv[2], "engine"))

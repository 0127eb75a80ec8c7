"""Per-instruction VFP tests against qemu-arm, over special values.

Every case loads bit patterns (+-0, +-inf, quiet and signalling NaNs with
payloads, denormals, the smallest normal, the largest finite, values whose
products round up to the smallest normal, values at the edges of integer
ranges...) into S/D registers, runs one instruction in ARM or Thumb state
under a given FPSCR (rounding modes, FZ, DN, AHP), and the whole state after
it -- D0-D31, FPSCR with its cumulative flags and NZCV, r0-r14, APSR, memory
-- must equal qemu-arm's, byte for byte.  The ELF builder and the child
runner are the memory harness's (test_arm_mem_harness.py), run on the real
engine only (its IR interpreter does no floating point).

FPSCR as a guest reads it combines the FPSCR word with the IEEE flags the
host accumulated (trans_vfp_move's VMRS/VMSR go through
gen_vfp.gen_vmrs_fpscr/gen_vmsr_fpscr): every case compares the whole FPSCR,
and the cases run in several FPSCR modes.

Usage::

    pytest tests/test_vfp_snippets.py -n 2
"""
from __future__ import annotations

import itertools
import struct
import tempfile
from typing import List

import pytest

from test_arm_mem_harness import (CASE_OUT, MemCase, build_elf, decode_case, needs_tools,
                                  run_pyqemu, run_qemu)

# ----------------------------------------------------------------- values
F32 = {
    "+0": 0x00000000, "-0": 0x80000000, "1": 0x3F800000, "-1.5": 0xBFC00000,
    "3": 0x40400000, "1/3": 0x3EAAAAAB, "max": 0x7F7FFFFF, "-max": 0xFF7FFFFF,
    "minn": 0x00800000, "-minn": 0x80800000, "den": 0x00000001, "-den": 0x807FFFFF,
    "inf": 0x7F800000, "-inf": 0xFF800000, "qnan": 0x7FC00000, "-qnanp": 0xFFC12345,
    "snan": 0x7F800001, "-snanp": 0xFF812345, "1-2u": 0x3F7FFFFE, "minn+u": 0x00800001,
    "big+2u": 0x4B800001, "0.5": 0x3F000000,
}
F64 = {
    "+0": 0, "-0": 1 << 63, "1": 0x3FF0000000000000, "-1.5": 0xBFF8000000000000,
    "3": 0x4008000000000000, "1/3": 0x3FD5555555555555, "max": 0x7FEFFFFFFFFFFFFF,
    "-max": 0xFFEFFFFFFFFFFFFF, "minn": 0x0010000000000000, "-minn": 0x8010000000000000,
    "den": 1, "-den": 0x800FFFFFFFFFFFFF, "inf": 0x7FF0000000000000, "-inf": 0xFFF0000000000000,
    "qnan": 0x7FF8000000000000, "-qnanp": 0xFFF8000012345678, "snan": 0x7FF0000000000001,
    "-snanp": 0xFFF0000012345678, "1-2u": 0x3FEFFFFFFFFFFFFE, "minn+u": 0x0010000000000001,
    "big+2u": 0x4340000000000001, "0.5": 0x3FE0000000000000,
}
SMALL = ["+0", "-0", "1", "-1.5", "1/3", "max", "minn", "den", "-inf", "qnan", "-snanp",
         "1-2u", "minn+u"]
TRIPLE = ["-0", "1/3", "max", "inf", "qnan", "snan"]
MODE_VALUES = ["-0", "1", "1/3", "max", "den", "qnan", "1-2u", "minn+u"]
# integer-conversion edge values (as floats of either size)
CVT_VALUES = [0.0, -0.0, 0.3, 0.5, -0.5, 1.5, 2.5, -2.5, -0.7, -1.0, -1.5, 65535.5, 65536.0,
              -32768.5, 32767.5, 2147483520.0, 2147483647.5, 2147483648.0, -2147483648.0,
              -2147483648.5, -2147483649.0, 4294967040.0, 4294967295.5, 4294967296.0, 1e10,
              -1e10, 1e-40, float("inf"), float("-inf"), float("nan")]
INT_VALUES = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x80000001, 16777217, 0x12345679,
              0xFFFF, 0x8000, 0xFFFF8000, 3]
HALF_VALUES = [0x0000, 0x8000, 0x3C00, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00,
               0x7E00, 0x7C01, 0xFD23, 0x3555, 0xC000]

# FPSCR settings: default, the rounding modes, FZ, DN, AHP and mixes
RN, RP, RM, RZ = 0, 1 << 22, 2 << 22, 3 << 22
FZ, DN, AHP = 1 << 24, 1 << 25, 1 << 26
MODES = [0, RP, RM, RZ, FZ, DN, FZ | DN | RZ]


def _bits(x: float, double: bool) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0] if double else \
        struct.unpack("<I", struct.pack("<f", x))[0]


def load_s(reg: int, v: int) -> str:
    return f"ldr r0, ={v & 0xFFFFFFFF:#x}\n vmov s{reg}, r0\n"


def load_d(reg: int, v: int) -> str:
    return f"ldr r0, ={v & 0xFFFFFFFF:#x}\n ldr r1, ={v >> 32:#x}\n vmov d{reg}, r0, r1\n"


HEADER = ".arch armv8-a\n .fpu crypto-neon-fp-armv8\n"


def check(cases: List[MemCase], alternate: bool = False) -> None:
    """Run the batch under qemu-arm and pyqemu's engine; compare every case.
    alternate: run every other case in Thumb state (both decoders, half the cases)."""
    cases = list(cases)
    if alternate:
        cases = [MemCase(c.asm, bool(i & 1), c.regs, c.apsr, c.fpscr,
                         ("T " if i & 1 else "A ") + c.label()) for i, c in enumerate(cases)]
    cases[0] = MemCase(HEADER + cases[0].asm, cases[0].thumb, cases[0].regs, cases[0].apsr,
                       cases[0].fpscr, cases[0].name or cases[0].label())
    with tempfile.TemporaryDirectory() as wd:
        elf = build_elf(cases, wd)
        want, qrc, qerr = run_qemu(elf)
        assert qrc == 0, qerr
        got, prc, perr = run_pyqemu(elf, "engine")
    errors = []
    for i, c in enumerate(cases):
        w, g = want[i * CASE_OUT:(i + 1) * CASE_OUT], got[i * CASE_OUT:(i + 1) * CASE_OUT]
        if len(g) < CASE_OUT:
            errors.append(f"case {i} [{c.label()}]: no output (rc {prc}): {perr[-800:]}")
            break
        dw, dg = decode_case(w), decode_case(g)
        diff = [f"{k}: qemu {dw[k]:#x} pyqemu {dg[k]:#x}" for k in dw if dw[k] != dg[k]]
        if diff:
            errors.append(f"case {i} [{c.label()}]: " + "; ".join(diff))
    assert not errors, f"{len(errors)} of {len(cases)} cases differ:\n" + "\n".join(errors[:40])


def case(asm: str, thumb=False, fpscr=0, name="") -> MemCase:
    return MemCase(asm, thumb=thumb, fpscr=fpscr, name=name or
                   f"{'T' if thumb else 'A'} fpscr={fpscr:#x}: {asm.splitlines()[-1].strip()}")


def binary_cases(insn: str, double: bool, names, fpscr=0, thumb=False, acc=None):
    vals = F64 if double else F32
    out = []
    for x, y in itertools.product(names, repeat=2):
        if double:
            asm = load_d(1, vals[x]) + load_d(2, vals[y]) + \
                (load_d(0, vals[acc]) if acc else "") + f" {insn}.f64 d0, d1, d2"
        else:
            asm = load_s(2, vals[x]) + load_s(4, vals[y]) + \
                (load_s(0, vals[acc]) if acc else "") + f" {insn}.f32 s0, s2, s4"
        out.append(case(asm, thumb, fpscr, f"{insn}.{'f64' if double else 'f32'} {x}, {y}"
                        + (f" acc {acc}" if acc else "") + f" fpscr={fpscr:#x}"))
    return out


# ================================================================= tests
@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize("insn", ["vadd", "vsub", "vmul", "vdiv"])
def test_binary_special_values(insn, double):
    check(binary_cases(insn, double, list(F32)), alternate=True)


@needs_tools
@pytest.mark.parametrize("insn", ["vnmul", "vmaxnm", "vminnm"])
def test_binary_more(insn):
    cases = []
    for double in (False, True):
        cases += binary_cases(insn, double, SMALL + ["-max", "inf", "snan"])
    check(cases, alternate=True)


@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize("insn", ["vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma",
                                  "vfnms"])
def test_multiply_accumulate(insn, double):
    cases = []
    for acc in TRIPLE:
        cases += binary_cases(insn, double, TRIPLE, acc=acc)
    check(cases, alternate=True)


@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize("insn", ["vadd", "vmul", "vdiv", "vfma", "vmaxnm"])
def test_fpscr_modes(insn, double):
    cases = []
    for mode in MODES:
        cases += binary_cases(insn, double, MODE_VALUES, fpscr=mode,
                              acc="1/3" if insn == "vfma" else None)
    check(cases, alternate=True)


@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
def test_unary_ops(double):
    cases, thumb = [], False
    modes = MODES
    for vals in (F64 if double else F32,):
        t = "f64" if double else "f32"
        for name, v in vals.items():
            src = load_d(1, v) if double else load_s(2, v)
            a, r = ("d1", "d0") if double else ("s2", "s0")
            for insn in ("vabs", "vneg", "vsqrt"):
                for mode in (modes if insn == "vsqrt" else [0]):
                    cases.append(case(src + f" {insn}.{t} {r}, {a}", thumb, mode,
                                      f"{insn}.{t} {name} fpscr={mode:#x}"))
            for z in ("", "e"):
                for mode in (0, FZ):
                    cases.append(case(src + load_d(2, F64["1"]) + load_s(4, F32["1"])
                                      + f" vcmp{z}.{t} {a}, {'d2' if double else 's4'}\n"
                                      " vmrs APSR_nzcv, fpscr", thumb, mode,
                                      f"vcmp{z}.{t} {name}, 1 fpscr={mode:#x}"))
                    cases.append(case(src + f" vcmp{z}.{t} {a}, #0\n vmrs APSR_nzcv, fpscr",
                                      thumb, mode, f"vcmp{z}.{t} {name}, #0 fpscr={mode:#x}"))
    check(cases, alternate=True)


@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
def test_compare_pairs(double):
    cases = []
    for thumb in (False, True):
        vals, t = (F64, "f64") if double else (F32, "f32")
        regs = ("d1", "d2") if double else ("s2", "s4")
        for x, y in itertools.product(SMALL + ["inf", "snan"], repeat=2):
            if (SMALL.index(x) if x in SMALL else 0) % 2 != thumb:
                continue
            ld = (load_d(1, vals[x]) + load_d(2, vals[y])) if double else \
                (load_s(2, vals[x]) + load_s(4, vals[y]))
            for z in ("", "e"):
                cases.append(case(ld + f" vcmp{z}.{t} {regs[0]}, {regs[1]}\n"
                                  " vmrs APSR_nzcv, fpscr\n movlt r2, #1\n movgt r3, #1\n"
                                  " movvs r4, #1\n moveq r5, #1" if not thumb else
                                  ld + f" vcmp{z}.{t} {regs[0]}, {regs[1]}\n vmrs APSR_nzcv, fpscr",
                                  thumb, 0, f"vcmp{z}.{t} {x}, {y}"))
    check(cases)


@needs_tools
@pytest.mark.parametrize("double", [False, True], ids=["f32", "f64"])
def test_float_to_int(double):
    cases, thumb = [], False
    modes = [0, RP, RM, RZ, FZ]
    if True:
        t, a = ("f64", "d1") if double else ("f32", "s2")
        for x in CVT_VALUES:
            v = _bits(x, double)
            ld = load_d(1, v) if double else load_s(2, v)
            for mode in modes:
                for insn in (f"vcvt.s32.{t}", f"vcvt.u32.{t}", f"vcvtr.s32.{t}", f"vcvtr.u32.{t}"):
                    cases.append(case(ld + f" {insn} s0, {a}", thumb, mode, f"{insn} {x!r} fpscr={mode:#x}"))
            for insn in ("vcvta", "vcvtn", "vcvtp", "vcvtm"):
                for sg in ("s32", "u32"):
                    cases.append(case(ld + f" {insn}.{sg}.{t} s0, {a}", thumb, 0, f"{insn}.{sg}.{t} {x!r}"))
    check(cases, alternate=True)


@needs_tools
def test_int_to_float_and_precision():
    cases, thumb = [], False
    modes = MODES
    for v in INT_VALUES:
        for mode in modes:
            for insn in ("vcvt.f32.s32 s0, s2", "vcvt.f32.u32 s0, s2", "vcvt.f64.s32 d0, s2",
                         "vcvt.f64.u32 d0, s2"):
                cases.append(case(load_s(2, v) + " " + insn, thumb, mode, f"{insn} {v:#x} fpscr={mode:#x}"))
    for mode in modes:
        for name, v in F64.items():
            cases.append(case(load_d(1, v) + " vcvt.f32.f64 s0, d1", thumb, mode, f"f32<-f64 {name} {mode:#x}"))
        for name, v in F32.items():
            cases.append(case(load_s(2, v) + " vcvt.f64.f32 d0, s2", thumb, mode, f"f64<-f32 {name} {mode:#x}"))
        for d in (0x380FFFFFF0000000, 0x380FFFFFE8000000, 0x36A0000000000001, 0x47EFFFFFF0000000,
                  0x47EFFFFFE0000000, 0xB80FFFFFFFFFFFFF):   # round to minn / denormal / max
            cases.append(case(load_d(1, d) + " vcvt.f32.f64 s0, d1", thumb, mode, f"f32<-f64 {d:#x} {mode:#x}"))
    check(cases, alternate=True)


@needs_tools
def test_fixed_point():
    cases, thumb = [], False
    for double in (False, True):
        t, r = ("f64", "d1") if double else ("f32", "s2")
        for x in (0.0, -0.0, 1.25, -1.75, 0.001, 100.5, -40000.0, 70000.3, 1e9, -3e9, 5e9,
                  float("inf"), float("nan")):
            ld = load_d(1, _bits(x, True)) if double else load_s(2, _bits(x, False))
            for ty, fb in (("s16", 1), ("s16", 8), ("u16", 16), ("s32", 1), ("s32", 16),
                           ("u32", 32), ("s32", 31), ("u16", 3)):
                cases.append(case(ld + f" vcvt.{ty}.{t} {r}, {r}, #{fb}", thumb, 0, f"{x!r} -> {ty} #{fb}"))
        for iv in (0, 1, 0xFFFF, 0x8000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x12345678):
            ld = load_d(1, iv | 0xABCD000000000000) if double else load_s(2, iv)
            for ty, fb in (("s16", 1), ("u16", 16), ("s32", 7), ("u32", 32), ("s32", 31)):
                cases.append(case(ld + f" vcvt.{t}.{ty} {r}, {r}, #{fb}", thumb, 0, f"{iv:#x} {ty} #{fb} -> {t}"))
    check(cases, alternate=True)


@needs_tools
def test_half_precision():
    cases, thumb = [], False
    modes = [0, AHP, DN, RZ, AHP | RM]
    for mode in modes:
        for h in HALF_VALUES:
            v = h | 0x5A5A0000
            for insn in ("vcvtb.f32.f16 s0, s2", "vcvtt.f32.f16 s0, s2", "vcvtb.f64.f16 d0, s2"):
                w = v if "vcvtb" in insn else (h << 16 | 0x5A5A)
                cases.append(case(load_s(2, w) + " " + insn, thumb, mode, f"{insn} {h:#x} {mode:#x}"))
        for name, v in list(F32.items()) + [("65520", 0x477FF000), ("65519", 0x477FEFFF),
                                            ("2^-25", 0x33000000), ("2^-24", 0x33800000),
                                            ("1+2^-11", 0x3F801000), ("hden", 0x387FC000)]:
            for insn in ("vcvtb.f16.f32 s0, s2", "vcvtt.f16.f32 s0, s2"):
                cases.append(case(load_s(0, 0x12345678) + load_s(2, v) + " " + insn, thumb, mode,
                                  f"{insn} {name} {mode:#x}"))
        for name, v in F64.items():
            cases.append(case(load_s(0, 0x12345678) + load_d(1, v) + " vcvtb.f16.f64 s0, d1",
                              thumb, mode, f"f16<-f64 {name} {mode:#x}"))
    check(cases, alternate=True)


@needs_tools
def test_round_to_integral():
    cases, thumb = [], False
    modes = [0, RP, RM, RZ, FZ, DN]
    vals = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.3, -0.3, 1e10 + 0.5, 8388608.5, 4503599627370497.0,
            -0.0, 1e-40, float("inf"), float("nan")]
    for double in (False, True):
        t, a, r = ("f64", "d1", "d0") if double else ("f32", "s2", "s0")
        for x in vals:
            ld = load_d(1, _bits(x, True)) if double else load_s(2, _bits(x, False))
            for mode in modes:
                for insn in ("vrintr", "vrintz", "vrintx", "vrinta", "vrintn", "vrintp", "vrintm"):
                    cases.append(case(ld + f" {insn}.{t} {r}, {a}", thumb, mode, f"{insn}.{t} {x!r} {mode:#x}"))
        ld = load_d(1, F64["snan"]) if double else load_s(2, F32["snan"])
        for insn in ("vrintr", "vrintx", "vrinta"):
            cases.append(case(ld + f" {insn}.{t} {r}, {a}", thumb, 0, f"{insn}.{t} snan"))
    check(cases, alternate=True)


@needs_tools
@pytest.mark.parametrize("thumb", [False, True], ids=["arm", "thumb"])
def test_vsel_and_registers(thumb):
    cases = []
    for apsr in (0x00000000, 0x40000000, 0x10000000, 0x80000000, 0x90000000, 0x60000000):
        for cc in ("eq", "vs", "ge", "gt"):
            cases.append(MemCase(load_s(2, 0x11111111) + load_s(4, 0x22222222)
                                 + f" vsel{cc}.f32 s0, s2, s4", thumb=thumb, apsr=apsr))
            cases.append(MemCase(load_d(1, 0x1111111133333333) + load_d(2, 0x2222222244444444)
                                 + f" vsel{cc}.f64 d0, d1, d2", thumb=thumb, apsr=apsr))
    # every register field bit: high D registers and odd S registers
    for insn in ("vadd.f64 d17, d31, d16", "vmul.f32 s31, s1, s30", "vsub.f64 d31, d17, d17",
                 "vsqrt.f32 s17, s3", "vcvt.f64.f32 d20, s31", "vcvt.f32.f64 s31, d20",
                 "vcvt.s32.f64 s29, d30", "vfma.f64 d18, d19, d29", "vmla.f32 s25, s27, s29",
                 "vdiv.f64 d16, d16, d30", "vcmpe.f64 d31, #0", "vneg.f64 d25, d26",
                 "vcvt.f64.u32 d21, s19", "vcvt.u32.f32 s19, s21", "vabs.f32 s9, s11"):
        cases.append(MemCase(insn, thumb=thumb))
    check(cases)


@needs_tools
def test_conditional_execution():
    cases = []
    for apsr in (0, 0x40000000):
        cases.append(MemCase(load_s(2, F32["1"]) + " vaddne.f32 s0, s2, s2\n vmulne.f64 d5, d6, d7",
                             apsr=apsr))
        cases.append(MemCase(load_s(2, F32["1"]) + " it eq\n vaddeq.f32 s0, s2, s2\n"
                             " ite ne\n vsqrtne.f64 d5, d6\n vcvteq.s32.f32 s7, s2",
                             thumb=True, apsr=apsr))
    check(cases)


@needs_tools
def test_fpscr_read_write():
    cases = []
    for v in (0xFFFFFFFF, 0x0000009F, 0x03C00000, 0x04000000, 0xF0000000, 0x00370000):
        cases.append(MemCase(f"ldr r0, ={v:#x}\n vmsr fpscr, r0\n vmrs r3, fpscr"))
    # flags accumulate until written; a write clears them
    cases.append(MemCase(load_s(2, F32["1"]) + load_s(4, F32["+0"])
                         + " vdiv.f32 s0, s2, s4\n vmrs r3, fpscr\n vsqrt.f32 s1, s0\n"
                         " vmrs r4, fpscr\n mov r0, #0\n vmsr fpscr, r0\n vmrs r5, fpscr"))
    check(cases)

"""The floating-point back end (x86/fp.py, fp_encoder.py) and the C slow
paths (runtime/fp_helpers.c), tested by running generated code.

* Every SSE/FMA3 form is cross-checked against keystone.
* Fast path == slow path: each fp op runs natively, then again with
  FPSCR.DN set, which sends every op through the exact C slow path (and
  changes nothing for non-NaN results): results and exception flags must
  agree over special and random operands, in all four rounding modes.
* The MXCSR switch: guest rounding mode and flags persist across exits in
  the CPU state while Python keeps the host's MXCSR; fpenv is loaded once
  per block; slow-path calls keep every temp register.

Blocks use the ARM CPU state (S/D registers, FPSCR) and gen_vfp.ARM_FP.

Usage::

    pytest tests/test_vfp_codegen.py
"""
from __future__ import annotations

import random
import struct

import pytest

from usermode.translate import _runtime
from usermode.translate.arm.cpu import FPEXC, LAYOUT, REG
from usermode.translate.arm.gen_mem import dreg, sreg
from usermode.translate.arm.gen_vfp import ARM_FP, FPSCR_DN, gen_vmrs_fpscr, gen_vmsr_fpscr
from usermode.translate.ir import (EXIT_HALT, FPR_DOWN, Cond, FPR_DYNAMIC, FPR_NEAREST_AWAY,
                                   FPR_NEAREST_EVEN, FPR_UP, FPR_ZERO, I32, I64, FCvt,
                                   IRBuilder)
from usermode.translate.x86 import fp as xfp
from usermode.translate.x86.codegen import CodeGen
from usermode.translate.x86.fp_encoder import FP_FORMS

ffi, lib = _runtime.ffi, _runtime.lib
TEST_FLAGS = 0x7E57_0F00
SLOT = FPEXC


# ====================================================== encoder vs keystone
XREGS = (0, 1, 7, 8, 15)
GREGS = ((0, "rax", "eax"), (9, "r9", "r9d"), (7, "rdi", "edi"), (12, "r12", "r12d"))
MEMS = [(5, 64, None, "[rbp + 0x40]"), (4, -8, None, "[rsp - 8]"), (13, 0, None, "[r13]"),
        (14, 0x1000, 9, "[r14 + r9*1 + 0x1000]"), (12, 200, 2, "[r12 + rdx*1 + 0xc8]")]


def _mem_size(name: str) -> str:
    base = name.split("_")[0].rstrip("32")
    if base in ("LDMXCSR", "STMXCSR"):
        return "dword"
    if base.startswith("CVT"):                          # the source format: CVT[T]<src>2<dst>
        return "dword" if base.lstrip("CVT").startswith("SS") else "qword"
    if base.endswith(("PS", "PD")):
        return "xmmword"
    return "dword" if base.endswith("SS") else "qword"


def _operand_sets(name: str):
    from usermode.translate.x86.encoder import Mem
    form = name.split("_")[1]
    wide = not name.split("_")[0].endswith("32") and name.split("_")[0] not in ("MOVD",)
    choices = []
    for k in form:
        if k == "x":
            choices.append([(x, f"xmm{x}") for x in XREGS])
        elif k == "r":
            choices.append([(r, n64 if wide else n32) for r, n64, n32 in GREGS])
        elif k == "m":
            sz = _mem_size(name)
            choices.append([(Mem(b, d, i), f"{sz} ptr {t}") for b, d, i, t in MEMS])
        elif k == "i":
            choices.append([(v, str(v)) for v in (0, 3, 9, 12)])
    n = max(len(c) for c in choices)
    for i in range(n):
        yield [c[i % len(c)] for c in choices]


def _mnemonic(name: str) -> str:
    base = name.split("_")[0]
    return (base[:-2] if base.endswith("32") else base).lower()


def test_fp_forms_match_keystone():
    import keystone
    ks = keystone.Ks(keystone.KS_ARCH_X86, keystone.KS_MODE_64)
    checked = 0
    for name, fn in FP_FORMS.items():
        for ops in _operand_sets(name):
            text = f"{_mnemonic(name)} " + ", ".join(t for _, t in ops)
            want = bytes(ks.asm(text)[0])
            got = fn(*(v for v, _ in ops))
            assert got == want, f"{name}: {text}: got {got.hex()} want {want.hex()}"
            checked += 1
    assert checked > 4 * len(FP_FORMS)


# ================================================================ harness
class Harness:
    """A code buffer, our stub and an ARM CPU state; runs IR blocks natively."""

    def __init__(self):
        if lib.rt_code_start() == ffi.NULL:
            assert lib.rt_code_init(64 << 20) == 0
        self.cg = CodeGen()
        base = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
        stub = self.cg.gen_prologue(base)
        assert int(ffi.cast("uintptr_t", lib.rt_install_stub(stub.code, len(stub.code)))) == base
        lib.rt_set_entry(ffi.cast("uint8_t *", base + stub.prologue),
                         ffi.cast("uint8_t *", base + stub.ret0))
        self.st = LAYOUT.new_state()
        self.next_pc = 0x700000

    def commit(self, b):
        pc, self.next_pc = self.next_pc, self.next_pc + 0x100
        tb = lib.rt_tb_alloc(pc, TEST_FLAGS)
        code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
        res = self.cg.gen_block(b.ops, b.ntemps, code_addr, int(ffi.cast("uintptr_t", tb)))
        assert lib.rt_tb_commit(tb, res.code, len(res.code), 0xFFFFFFFF, 0, 0xFFFFFFFF, 0,
                                pc + 4) == 0
        return pc, res

    def run(self, pc):
        self.st.set("pc", pc)
        self.st.set("tb_flags", TEST_FLAGS)
        assert lib.rt_cpu_exec(self.st.ptr) == EXIT_HALT


@pytest.fixture(scope="module")
def h():
    return Harness()


def f32(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


SPECIAL32 = [0, 0x80000000, 0x3F800000, 0xBFC00000, 0x3EAAAAAB, 0x7F7FFFFF, 0xFF7FFFFF,
             0x00800000, 0x80800000, 0x00000001, 0x807FFFFF, 0x7F800000, 0xFF800000,
             0x3F7FFFFE, 0x00800001, 0x4B800001, 0x4F000000, 0xCF000000, 0x4F800000,
             0x3F000000, 0xBF000000, 0x40200000, 0x477FE000, 0x00FFFFFF, 0x7E800000]
SPECIAL64 = [0, 1 << 63, 0x3FF0000000000000, 0xBFF8000000000000, 0x3FD5555555555555,
             0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF, 0x0010000000000000, 0x8010000000000000, 1,
             0x800FFFFFFFFFFFFF, 0x7FF0000000000000, 0xFFF0000000000000, 0x3FEFFFFFFFFFFFFE,
             0x0010000000000001, 0x4340000000000001, 0x41E0000000000000, 0xC1E0000000000000,
             0x41F0000000000000, 0x41DFFFFFFFE00000, 0x41EFFFFFFFF00000, 0xC1E0000000100000,
             0x3FE0000000000000, 0x4004000000000000, 0x380FFFFFF0000000, 0x47EFFFFFF0000000]


def values(ty, rng, n):
    special = SPECIAL32 if ty is I32 else SPECIAL64
    out = list(special)
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            out.append(rng.getrandbits(ty.bits))
        elif r < 0.7:                            # near 1, ints, halves
            x = rng.choice([1, -1]) * rng.randint(0, 1 << 33) / rng.choice([1, 2, 4, 3, 1024])
            out.append(f32(x) if ty is I32 and abs(x) < 3e38 else f64(x) if ty is I64 else 0)
        else:                                     # exponent extremes
            e = rng.choice([0, 1, 2, 0xFE, 0xFD] if ty is I32 else [0, 1, 2, 0x7FE, 0x7FD])
            fb = 23 if ty is I32 else 52
            out.append(rng.getrandbits(1) << (ty.bits - 1) | e << fb | rng.getrandbits(fb))
    return out


def is_nan(v: int, ty) -> bool:
    if ty is I32:
        return (v & 0x7F800000) == 0x7F800000 and bool(v & 0x7FFFFF)
    return (v >> 52 & 0x7FF) == 0x7FF and bool(v & ((1 << 52) - 1))


# =================================================== fast path == slow path
def _operand(ty, k):
    return sreg(2 + 2 * k) if ty is I32 else dreg(1 + k)


def _set(h, g, v):
    h.st.buf[g.offset:g.offset + g.type.bits // 8] = v.to_bytes(g.type.bits // 8, "little")


def _get(h, g):
    return int.from_bytes(h.st.buf[g.offset:g.offset + g.type.bits // 8], "little")


def _block(emit, nargs, ty, rty):
    """fpround_set r1; flags := 0; r0 := op(operands); r2 := flags."""
    b = IRBuilder()
    b.insn_start(0x1000)
    b.fpenv(SLOT)
    b.fpround_set(REG[1])
    b.fpflags_set(0)
    res = sreg(0) if rty is I32 else dreg(0)
    emit(b, res, *[_operand(ty, k) for k in range(nargs)])
    b.fpflags_get(REG[2])
    b.exit_tb(EXIT_HALT)
    return b, res


CASES = {
    # name: (emit, number of operands, operand type, result type)
    **{f"{op}{ty.bits}": ((lambda op: lambda b, d, x, y: getattr(b, op)(d, x, y, ARM_FP))(op), 2, ty, ty)
       for op in ("fadd", "fsub", "fmul", "fdiv", "fminnum", "fmaxnum") for ty in (I32, I64)},
    **{f"fmuladd{ty.bits}": (lambda b, d, x, y, z: b.fmuladd(d, x, y, z, ARM_FP), 3, ty, ty)
       for ty in (I32, I64)},
    **{f"fsqrt{ty.bits}": (lambda b, d, x: b.fsqrt(d, x, ARM_FP), 1, ty, ty) for ty in (I32, I64)},
    **{f"fcmp{'e' if sig else ''}{ty.bits}":
       ((lambda sig: lambda b, d, x, y: b.fcmp(REG[3], x, y, ARM_FP, sig))(sig), 2, ty, I32)
       for sig in (False, True) for ty in (I32, I64)},
    "fcvt32to64": (lambda b, d, x: b.fcvt(d, x, ARM_FP), 1, I32, I64),
    "fcvt64to32": (lambda b, d, x: b.fcvt(d, x, ARM_FP), 1, I64, I32),
    **{f"ftoi{ty.bits}-{cv!r}": ((lambda cv: lambda b, d, x: b.ftoi(d, x, ARM_FP, cv))(cv), 1, ty, I32)
       for ty in (I32, I64)
       for cv in (FCvt(True, FPR_ZERO), FCvt(False, FPR_ZERO), FCvt(True, FPR_DYNAMIC),
                  FCvt(False, FPR_DYNAMIC), FCvt(True, FPR_NEAREST_EVEN), FCvt(False, FPR_UP),
                  FCvt(True, FPR_DOWN), FCvt(True, FPR_NEAREST_AWAY), FCvt(True, FPR_ZERO, 16, 32),
                  FCvt(False, FPR_ZERO, 8, 16), FCvt(True, FPR_ZERO, 3, 16),
                  FCvt(False, FPR_ZERO, 32, 32))},
    **{f"itof{ty.bits}-{cv!r}": ((lambda cv: lambda b, d, x: b.itof(d, x, ARM_FP, cv))(cv), 1, I32, ty)
       for ty in (I32, I64)
       for cv in (FCvt(True, FPR_DYNAMIC), FCvt(False, FPR_DYNAMIC), FCvt(True, FPR_DYNAMIC, 16),
                  FCvt(False, FPR_DYNAMIC, 32),
                  # static rounding (ARM fixed-point VCVT: nearest even whatever the FPSCR says)
                  FCvt(True, FPR_NEAREST_EVEN), FCvt(False, FPR_NEAREST_EVEN, 8),
                  FCvt(True, FPR_ZERO, 3), FCvt(False, FPR_UP))},
    **{f"fround{ty.bits}-{rm}{'x' if x else ''}":
       ((lambda rm, x: lambda b, d, v: b.fround(d, v, ARM_FP, rm, x))(rm, x), 1, ty, ty)
       for ty in (I32, I64) for rm in (FPR_NEAREST_EVEN, FPR_UP, FPR_DOWN, FPR_ZERO, FPR_DYNAMIC,
                                        FPR_NEAREST_AWAY) for x in (False, True) if x or rm != FPR_UP},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fast_path_equals_slow_path(h, name):
    emit, nargs, ty, rty = CASES[name]
    b, res = _block(emit, nargs, ty, rty)
    pc, _ = h.commit(b)
    rng = random.Random(name)
    vals = values(ty, rng, 40)
    out = REG[3] if name.startswith("fcmp") else res
    checked = 0
    for rmode in range(4):
        for k in range(len(vals) * (2 if nargs > 1 else 1)):
            ops = [vals[(k * (j + 3) + j * 7) % len(vals)] if j else vals[k % len(vals)]
                   for j in range(nargs)]
            got = []
            for fpscr in (0, FPSCR_DN):
                for k2, v in enumerate(ops):
                    _set(h, _operand(ty, k2), v)
                _set(h, out, 0x5A5A5A5A5A5A5A5A & out.type.mask)
                h.st.set("fpscr", fpscr)
                h.st.set("r", 1, rmode)
                h.run(pc)
                got.append((_get(h, out), h.st.get("r", 2), h.st.get("fpscr") & 0x80))
            if name.startswith("fcmp") or not is_nan(got[0][0], out.type):
                assert got[0] == got[1], (f"{name} rmode {rmode} operands {[hex(v) for v in ops]}: "
                                          f"fast {got[0][0]:#x} flags {got[0][1]:#x}, "
                                          f"slow {got[1][0]:#x} flags {got[1][1]:#x}")
                checked += 1
    assert checked > 50


# ================================================================ mechanics
def test_mxcsr_switch_keeps_python_and_guest_state_apart(h):
    b = IRBuilder()
    b.insn_start(0x1000)
    b.fpenv(SLOT)
    b.fpround_set(FPR_ZERO)
    b.fdiv(sreg(0), sreg(2), sreg(4), ARM_FP)         # 1/0: divide by zero
    b.exit_tb(EXIT_HALT)
    pc, _ = h.commit(b)
    _set(h, sreg(2), f32(1.0))
    _set(h, sreg(4), 0)
    h.st.set("fpscr", 0)
    h.st.set("fpexc", 0)
    h.run(pc)
    assert _get(h, sreg(0)) == 0x7F800000
    assert 0.1 + 0.2 == 0.30000000000000004           # Python still rounds to nearest
    image = h.st.get("fpexc") ^ 0x1F80
    assert image >> 13 & 3 == 3 and image & 0x3F == 0x04   # guest RC = zero, ZE raised
    # the next run continues with the guest's mode and flags
    b = IRBuilder()
    b.insn_start(0x1000)
    b.fpenv(SLOT)
    b.fadd(sreg(0), sreg(2), sreg(6), ARM_FP)          # 1 + 2^-24: inexact, rounds down
    b.fpflags_get(REG[2])
    b.exit_tb(EXIT_HALT)
    pc2, _ = h.commit(b)
    _set(h, sreg(6), f32(2.0 ** -24 * 1.5))
    h.run(pc2)
    assert _get(h, sreg(0)) == f32(1.0) and h.st.get("r", 2) == 0x12   # DZ | inexact
    assert 0.1 + 0.2 == 0.30000000000000004


def test_fpenv_loads_once_per_straight_line(h):
    def count(with_label):
        b = IRBuilder()
        b.insn_start(0x1000)
        for k in range(3):
            if with_label and k == 2:
                lab = b.label()
                b.brcond(Cond.EQ, REG[0], 0, lab)
                b.set_label(lab)
            b.fpenv(SLOT)
            b.fadd(sreg(0), sreg(0), sreg(2), ARM_FP)
        b.exit_tb(EXIT_HALT)
        _, res = h.commit(b)
        return sum("ldmxcsr" in line for line in h.cg.disassemble(res.code, 0))
    assert count(False) == 1
    assert count(True) == 2


def test_slow_path_keeps_temp_registers(h):
    b = IRBuilder()
    b.insn_start(0x1000)
    temps = [b.temp(I32) for _ in range(12)] + [b.temp(I64) for _ in range(4)]
    for k, t in enumerate(temps):
        b.add(t, REG[k % 8], k * 0x1111)
    b.fpenv(SLOT)
    b.fadd(sreg(0), sreg(2), sreg(4), ARM_FP)          # NaN operand: slow path
    acc = b.temp(I32)
    b.mov(acc, 0)
    for k, t in enumerate(temps):
        lo = b.temp(I32)
        if t.type is I64:
            b.extrl(lo, t)
        else:
            b.mov(lo, t)
        b.mul(lo, lo, 2 * k + 1)
        b.add(acc, acc, lo)
    b.mov(REG[9], acc)
    b.exit_tb(EXIT_HALT)
    pc, _ = h.commit(b)
    for k in range(8):
        h.st.set("r", k, 0x01000193 * (k + 1))
    _set(h, sreg(2), 0x7F800001)                        # SNaN
    _set(h, sreg(4), f32(1.0))
    h.run(pc)
    want = 0
    for k, t in enumerate(temps):
        v = (0x01000193 * (k % 8 + 1) + k * 0x1111) & 0xFFFFFFFF
        want = (want + v * (2 * k + 1)) & 0xFFFFFFFF
    assert h.st.get("r", 9) == want
    assert _get(h, sreg(0)) == 0x7FC00001               # the SNaN, quieted


def test_fpscr_read_write_helpers(h):
    """gen_vmsr_fpscr / gen_vmrs_fpscr: written bits, cleared flags, rounding."""
    class Ctx:
        def __init__(self, b):
            self.b = b

        def tmp(self):
            return self.b.temp(I32)
    b = IRBuilder()
    ctx = Ctx(b)
    b.insn_start(0x1000)
    gen_vmsr_fpscr(ctx, REG[0])
    b.fadd(sreg(0), sreg(2), sreg(4), ARM_FP)
    gen_vmrs_fpscr(ctx, REG[1])
    b.exit_tb(EXIT_HALT)
    pc, _ = h.commit(b)
    for written in (0, 0xFFFFFFFF, 0x00C00000, 0x00400000, 0x0080001F):
        h.st.set("r", 0, written)
        h.st.set("fpscr", 0x1F)
        _set(h, sreg(2), f32(1.0))
        _set(h, sreg(4), f32(2.0 ** -30))
        h.run(pc)
        up = (written >> 22 & 3) == 1                   # RMode +inf
        assert _get(h, sreg(0)) == f32(1.0) + up
        assert h.st.get("r", 1) == (written & 0xFFFF009F) | 0x10, hex(written)


def test_host_features_are_reported():
    f = xfp.host_features()
    assert f & 1 in (0, 1) and f < 4

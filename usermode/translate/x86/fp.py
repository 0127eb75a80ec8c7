"""Lowering of the IR's floating-point ops to x86-64 SSE (SSE2, SSE4.1 and
FMA3 when the host has them), and the MXCSR switch of the entry/exit stub.

Every op is computed inline with SSE on xmm0-xmm3 (scratch, never live
across ops): operands come straight from their location (movss/movsd from
memory, movd/movq from a register), results go back the same way.  An op
carrying an `FPMode` with a slow path takes it (a jump to cold code) when:

* ``m.guard & m.guard_mask`` != 0 (tested first, before the FPU is touched;
  ARM: FPSCR.FZ or .DN set);
* the result is a NaN (ucomiss/ucomisd parity): the guest's NaN rules apply;
* for fmul/fdiv/fmuladd/narrowing fcvt, |result| == the smallest normal: the
  only results for which tininess before rounding (ARM) and after rounding
  (x86) disagree on the underflow flag;
* an ftoi is out of range (cvt* returns 0x80000000..., or the operand fails
  a range pre-check), or the op has no exact SSE sequence (round to nearest
  with ties away, binary16, FMA without FMA3, SSE4.1 missing).
In every such case the flags the fast attempt already raised are a subset of
the guest's, so the slow path only adds flags.  The slow path saves the
caller-saved temp registers, calls ``m.slow(env, fp_opcode, a, b, c)``,
stores its result and jumps back behind the op.  It is cold code, emitted
after the block's last op (BlockGen.cold), so the hot path never jumps over
it.  It depends on nothing that changes while the block is generated: temp
locations are fixed for the whole block, the saved registers are always all
of SLOW_SAVE, and it cannot fault (no guest memory access), so the fault
handler's host pc -> guest pc map (insn_map, which gives cold code the
block's last instruction) is never consulted for it.

The guest FP environment: the stub's prologue saves the host MXCSR in the
frame and marks the guest environment "not loaded"; the first ``fpenv g`` that
runs loads the guest MXCSR from env+g (stored XOR 0x1F80, so a zeroed CPU
state is the default environment) and records g's offset; the epilogue, if
it was loaded, stores the guest MXCSR back and restores the host's.  Python
and the C dispatcher therefore always run with the host MXCSR, and programs
without floating point never touch the MXCSR.  Guest IEEE flags live in the
MXCSR (IE, ZE, OE, UE, PE; DE is ignored: it means "denormal operand seen",
which no guest flag does).

Usage (through the code generator, which registers FP_DISPATCH)::

    from usermode.translate.ir import IRBuilder, I32, FPMode
    b = IRBuilder(); s0 = b.glob("s0", 184)
    b.fpenv(b.glob("fpexc", 180))
    b.fadd(s0, s0, s0, None)            # pure IEEE (host NaN rules)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, Optional

from ..ir import (FPR_DOWN, FPR_DYNAMIC, FPR_NEAREST_AWAY, FPR_NEAREST_EVEN, FPR_UP,
                  FPR_ZERO, I32, I64, Const, fp_opcode)
from .encoder import (CC_A, CC_B, CC_E, CC_NE, CC_P, R8, R9, R10, R11, RAX, RBP, RCX, RDI, RDX,
                      RSI, RSP, Mem)
from .fp_encoder import (ROUND_DOWN, ROUND_MXCSR, ROUND_NEAREST, ROUND_NOINEXACT, ROUND_UP,
                         ROUND_ZERO, XMM0, XMM1, XMM2)
from .ops import CodegenError

# ------------------------------------------------------------------ tables
from .abi import MXCSR_DEFAULT, MXCSR_FLAGS, MXCSR_RC  # noqa: E402,F401
SLOW_SAVE = (RDI, R8, R9, R10, R11)          # caller-saved temp registers (codegen)
BINOP = {"fadd": "ADD", "fsub": "SUB", "fmul": "MUL", "fdiv": "DIV"}
TINY_OPS = ("fmul", "fdiv", "fmuladd")        # may round up to the smallest normal
SSE_ROUND = {FPR_NEAREST_EVEN: ROUND_NEAREST, FPR_DOWN: ROUND_DOWN, FPR_UP: ROUND_UP,
             FPR_ZERO: ROUND_ZERO, FPR_DYNAMIC: ROUND_MXCSR}
MIN_NORMAL_X2 = {I32: 0x00800000 << 1, I64: 0x0010000000000000 << 1}   # |x| << 1
INT_MIN = {32: 0x80000000, 64: 0x8000000000000000}
FLOAT_ONE_EXP = {I32: (127, 23), I64: (1023, 52)}                     # bias, fraction bits


def sfx(ty) -> str:
    return "SD" if ty is I64 else "SS"


# ------------------------------------------------------------- host features
_features: Optional[int] = None


def host_features() -> int:
    """bit 0: SSE4.1, bit 1: FMA3 (from the runtime's cpuid)."""
    global _features
    if _features is None:
        try:
            from .. import _runtime
            _features = int(_runtime.lib.fp_host_features())
        except Exception:           # pragma: no cover - runtime not built
            _features = 0
    return _features


def has_sse41() -> bool:
    return bool(host_features() & 1)


def has_fma() -> bool:
    return bool(host_features() & 2)


_helper_cache: Dict[str, int] = {}


def helper_addr(helper) -> int:
    if getattr(helper, "addr", None) is not None:
        return helper.addr
    a = _helper_cache.get(helper.name)
    if a is None:
        from .. import _runtime
        p = _runtime.lib.fp_helper_addr(helper.name.encode())
        if p == _runtime.ffi.NULL:
            raise CodegenError(f"the runtime has no fp helper {helper.name!r}")
        a = _helper_cache[helper.name] = int(_runtime.ffi.cast("uintptr_t", p))
    return a


def _frame() -> Mem:
    """The 8-byte FP area of the block frame: host MXCSR, guest slot offset."""
    from .codegen import MAX_TEMP_SLOTS
    return Mem(RSP, 8 * MAX_TEMP_SLOTS)


RED = Mem(RSP, -8)                 # red zone: stmxcsr/ldmxcsr scratch (no call between)


# ================================================================== stub
def gen_fp_prologue(A, frame: Mem) -> None:
    """At entry: save the host MXCSR; the guest environment is not loaded."""
    A.STMXCSR_m(frame)
    A.MOV32_mi(frame.offset(4), 0)


def gen_fp_epilogue(A, frame: Mem) -> None:
    """At exit (rax = result): store the guest MXCSR if loaded, restore the host's."""
    skip = A.label("fp_skip")
    A.MOV32_rm(RCX, frame.offset(4))
    A.TEST32_rr(RCX, RCX)
    A.J_l8(CC_E, skip)
    A.STMXCSR_m(frame.offset(4))
    A.MOV32_rm(RDX, frame.offset(4))
    A.XOR32_ri(RDX, MXCSR_DEFAULT)
    A.MOV32_mr(Mem(RBP, 0, RCX), RDX)
    A.LDMXCSR_m(frame)
    A.bind(skip)


# ============================================================ operand access
def xload(s, x: int, v) -> None:
    """xmm x = the bits of v (upper lanes don't matter)."""
    A = s.a
    if isinstance(v, Const):
        if v.value == 0:
            A.XORPS_xx(x, x)
            return
        s.load_imm(RAX, v.value, v.type)
        (A.MOVQ_xr if v.type is I64 else A.MOVD_xr)(x, RAX)
        return
    loc = s.loc(v)
    if isinstance(loc, Mem):
        (A.MOVSD_xm if v.type is I64 else A.MOVSS_xm)(x, loc)
    else:
        (A.MOVQ_xr if v.type is I64 else A.MOVD_xr)(x, loc)


def xsrc(s, v, x: int):
    """v as an SSE source operand: its memory location, or loaded into xmm x."""
    if not isinstance(v, Const):
        loc = s.loc(v)
        if isinstance(loc, Mem):
            return loc
    xload(s, x, v)
    return x


def xstore(s, d, x: int) -> None:
    A, loc = s.a, s.loc(d)
    if isinstance(loc, Mem):
        (A.MOVSD_mx if d.type is I64 else A.MOVSS_mx)(loc, x)
    else:
        (A.MOVQ_rx if d.type is I64 else A.MOVD_rx)(loc, x)


def _op(s, name: str, ty, x: int, src) -> None:
    getattr(s.a, f"{name}{sfx(ty)}_x{'m' if isinstance(src, Mem) else 'x'}")(x, src)


# ============================================================== slow paths
class Slow:
    """The slow-path label of one op and the code that serves it."""

    def __init__(self, s, m, opcode: int, d, args):
        self.s, self.m, self.opcode, self.d, self.args = s, m, opcode, d, args
        self.label = s.a.label("fp_slow")
        self.done = s.a.label("fp_done")

    def guard(self) -> None:
        g = self.m.guard
        if g is not None and self.m.guard_mask:
            self.s.a.TEST32_mi(Mem(RBP, g.offset), self.m.guard_mask & 0xFFFFFFFF)
            self.s.a.J_l(CC_NE, self.label)

    def nan_check(self, x: int, ty) -> None:
        getattr(self.s.a, f"UCOMI{sfx(ty)}_xx")(x, x)
        self.s.a.J_l(CC_P, self.label)

    def tiny_check(self, x: int, ty) -> None:
        """|x| == the smallest normal: (x << 1) == 2 * MIN_NORMAL."""
        A = self.s.a
        if ty is I64:
            A.MOVQ_rx(RAX, x)
            A.ADD_rr(RAX, RAX)
            A.ROR_ri(RAX, 53)                     # 2^53 -> 1; a rotation is a bijection
            A.CMP_ri(RAX, MIN_NORMAL_X2[I64] >> 53)
        else:
            A.MOVD_rx(RAX, x)
            A.ADD32_rr(RAX, RAX)
            A.CMP32_ri(RAX, MIN_NORMAL_X2[I32])
        A.J_l(CC_E, self.label)

    def finish(self) -> None:
        """End of the fast path.  The slow call is cold code: out of line,
        after the block's last op (`defer_cold`), it jumps back to `done`;
        where the code generator has no cold-code list it follows inline,
        behind a jump."""
        s, A = self.s, self.s.a
        cold = getattr(s, "cold", None)
        if cold is None:
            A.JMP_l(self.done)
            self._emit_slow()
            A.bind(self.done)
            return
        A.bind(self.done)
        cold.append(self._cold)

    def _emit_slow(self) -> None:
        self.s.a.bind(self.label)
        gen_slow_call(self.s, self.m, self.opcode, self.d, self.args)

    def _cold(self) -> None:
        self._emit_slow()
        self.s.a.JMP_l(self.done)


def gen_slow_call(s, m, opcode: int, d, args) -> None:
    """d = m.slow(env, opcode, *args) (up to three I32/I64 values), keeping
    every temp register intact."""
    A = s.a
    if m is None or m.slow is None:
        raise CodegenError("this fp op needs a slow path but its FPMode has none")
    vals = list(args) + [Const(0, I64)] * (3 - len(args))
    for r, v in zip((RDX, RCX, RSI), vals):     # before the pushes: slots are rsp-relative
        s.load(r, v)
    for r in SLOW_SAVE:
        A.PUSH_r(r)
    A.SUB_ri(RSP, 8)                             # 48 bytes: rsp stays 16-byte aligned
    A.MOV_rr(R8, RSI)
    A.MOV32_ri(RSI, opcode)
    A.MOV_rr(RDI, RBP)
    A.MOV_ri(RAX, helper_addr(m.slow))
    A.CALL_r(RAX)
    A.ADD_ri(RSP, 8)
    for r in reversed(SLOW_SAVE):
        A.POP_r(r)
    if d is not None:
        s.store(d, RAX)


def _has_slow(m) -> bool:
    return m is not None and m.slow is not None


# ================================================================ lowerings
def gen_fpenv(s, g) -> None:
    A, F = s.a, _frame()
    last = getattr(s, "_fp_env_pos", None)
    if last is not None and not any(lab.pos is not None and lab.pos >= last
                                    for _, lab in s.labels.values()):
        return                                   # an earlier fpenv dominates this one
    done = A.label("fpenv_done")
    A.CMP32_mi(F.offset(4), 0)
    A.J_l8(CC_NE, done)
    A.MOV32_rm(RAX, Mem(RBP, g.offset))
    A.XOR32_ri(RAX, MXCSR_DEFAULT)
    A.MOV32_mr(F.offset(4), RAX)
    A.LDMXCSR_m(F.offset(4))
    A.MOV32_mi(F.offset(4), g.offset)
    A.bind(done)
    s._fp_env_pos = A.pos


def gen_fpflags_get(s, d) -> None:
    A = s.a
    A.STMXCSR_m(RED)
    A.MOV32_rm(RAX, RED)
    A.MOV32_rr(RCX, RAX)
    A.SHR32_ri(RCX, 1)
    A.AND32_ri(RCX, 0x1E)                        # ZE OE UE PE -> bits 1..4
    A.AND32_ri(RAX, 1)                           # IE -> bit 0
    A.OR32_rr(RAX, RCX)
    s.store(d, RAX)


def gen_fpflags_set(s, a) -> None:
    A = s.a
    s.load32(RAX, a)
    A.MOV32_rr(RCX, RAX)
    A.AND32_ri(RCX, 0x1E)
    A.ADD32_rr(RCX, RCX)
    A.AND32_ri(RAX, 1)
    A.OR32_rr(RAX, RCX)
    A.STMXCSR_m(RED)
    A.MOV32_rm(RDX, RED)
    A.AND32_ri(RDX, ~MXCSR_FLAGS & 0xFFFFFFFF)
    A.OR32_rr(RDX, RAX)
    A.MOV32_mr(RED, RDX)
    A.LDMXCSR_m(RED)


def gen_fpround_set(s, a) -> None:
    """FPR_* (0 even, 1 up, 2 down, 3 zero) -> MXCSR.RC (0 even, 1 down, 2 up, 3 zero)."""
    A = s.a
    s.load32(RAX, a)
    A.AND32_ri(RAX, 3)
    A.MOV32_rr(RCX, RAX)
    A.SHR32_ri(RCX, 1)
    A.AND32_ri(RAX, 1)
    A.ADD32_rr(RAX, RAX)
    A.OR32_rr(RAX, RCX)
    A.SHL32_ri(RAX, 13)
    A.STMXCSR_m(RED)
    A.MOV32_rm(RDX, RED)
    A.AND32_ri(RDX, ~MXCSR_RC & 0xFFFFFFFF)
    A.OR32_rr(RDX, RAX)
    A.MOV32_mr(RED, RDX)
    A.LDMXCSR_m(RED)


def gen_fbinop(s, name: str, d, a, b, m) -> None:
    ty = d.type
    if not _has_slow(m):
        xload(s, XMM0, a)
        _op(s, BINOP[name], ty, XMM0, xsrc(s, b, XMM1))
        xstore(s, d, XMM0)
        return
    sl = Slow(s, m, fp_opcode(name, ty is I64), d, (a, b))
    sl.guard()
    xload(s, XMM0, a)
    _op(s, BINOP[name], ty, XMM0, xsrc(s, b, XMM1))
    sl.nan_check(XMM0, ty)
    if name in TINY_OPS:
        sl.tiny_check(XMM0, ty)
    xstore(s, d, XMM0)
    sl.finish()


def gen_fmuladd(s, d, a, b, c, m) -> None:
    ty = d.type
    sl = Slow(s, m, fp_opcode("fmuladd", ty is I64), d, (a, b, c)) if _has_slow(m) else None
    if not has_fma():
        if sl is None:
            raise CodegenError("fmuladd needs FMA3 or a slow path")
        gen_slow_call(s, m, sl.opcode, d, (a, b, c))
        return
    if sl:
        sl.guard()
    xload(s, XMM0, c)
    xload(s, XMM1, a)
    src = xsrc(s, b, XMM2)
    getattr(s.a, f"VFMADD231{sfx(ty)}_xx{'m' if isinstance(src, Mem) else 'x'}")(XMM0, XMM1, src)
    if sl:
        sl.nan_check(XMM0, ty)
        sl.tiny_check(XMM0, ty)
    xstore(s, d, XMM0)
    if sl:
        sl.finish()


def gen_fsqrt(s, d, a, m) -> None:
    ty = d.type
    sl = Slow(s, m, fp_opcode("fsqrt", ty is I64), d, (a,)) if _has_slow(m) else None
    if sl:
        sl.guard()
    _op(s, "SQRT", ty, XMM0, xsrc(s, a, XMM0))
    if sl:
        sl.nan_check(XMM0, ty)
    xstore(s, d, XMM0)
    if sl:
        sl.finish()


def gen_fminmax(s, name: str, d, a, b, m) -> None:
    """minNum/maxNum: NaNs go to the slow path; equal operands (+0/-0) are
    combined bitwise (min: OR of the signs, max: AND); else minss/maxss."""
    A, ty = s.a, d.type
    if not _has_slow(m):
        raise CodegenError(f"{name} needs a slow path for NaN operands")
    sl = Slow(s, m, fp_opcode(name, ty is I64), d, (a, b))
    sl.guard()
    xload(s, XMM0, a)
    xload(s, XMM1, b)
    getattr(A, f"UCOMI{sfx(ty)}_xx")(XMM0, XMM1)
    A.J_l(CC_P, sl.label)
    ne, out = A.label("fmm_ne"), A.label("fmm_out")
    A.J_l8(CC_NE, ne)
    (A.ORPS_xx if name == "fminnum" else A.ANDPS_xx)(XMM0, XMM1)
    A.JMP_l8(out)
    A.bind(ne)
    getattr(A, f"{'MIN' if name == 'fminnum' else 'MAX'}{sfx(ty)}_xx")(XMM0, XMM1)
    A.bind(out)
    xstore(s, d, XMM0)
    sl.finish()


def gen_fcmp(s, d, a, b, m, sig) -> None:
    """d = FCMP_EQ 0 / LT 1 / GT 2 / UN 3 = 2*above + below + 2*parity."""
    A, ty = s.a, a.type
    sl = Slow(s, m, fp_opcode("fcmp", ty is I64, sig), d, (a, b)) if _has_slow(m) else None
    if sl:
        sl.guard()
    xload(s, XMM0, a)
    src = xsrc(s, b, XMM1)
    A.XOR32_rr(RAX, RAX)
    A.XOR32_rr(RCX, RCX)
    A.XOR32_rr(RDX, RDX)
    getattr(A, f"{'COMI' if sig else 'UCOMI'}{sfx(ty)}_x{'m' if isinstance(src, Mem) else 'x'}")(
        XMM0, src)
    A.SETcc_r(CC_A, RAX)
    A.SETcc_r(CC_B, RCX)                         # below or unordered
    A.SETcc_r(CC_P, RDX)                         # unordered
    A.LEA32_rm(RAX, Mem(RCX, 0, RAX, 2))
    A.LEA32_rm(RAX, Mem(RAX, 0, RDX, 2))
    s.store(d, RAX)
    if sl:
        sl.finish()


def gen_fcvt(s, d, a, m) -> None:
    A, narrow = s.a, d.type is I32
    sl = Slow(s, m, fp_opcode("fcvt", a.type is I64), d, (a,)) if _has_slow(m) else None
    if sl:
        sl.guard()
    src = xsrc(s, a, XMM0)
    ins = "CVTSD2SS" if narrow else "CVTSS2SD"
    getattr(A, f"{ins}_x{'m' if isinstance(src, Mem) else 'x'}")(XMM0, src)
    if sl:
        sl.nan_check(XMM0, d.type)
        if narrow:
            sl.tiny_check(XMM0, d.type)
    xstore(s, d, XMM0)
    if sl:
        sl.finish()


def _float_bits(value: float, ty) -> int:
    import struct
    if ty is I64:
        return struct.unpack("<Q", struct.pack("<d", value))[0]
    return struct.unpack("<I", struct.pack("<f", value))[0]


def _round_down_to(value: int, ty) -> float:
    """The largest value of format ty that is <= the integer value (> 0)."""
    import struct
    fmt = ("<d", "<Q") if ty is I64 else ("<f", "<I")
    bits = struct.unpack(fmt[1], struct.pack(fmt[0], float(value)))[0]
    while struct.unpack(fmt[0], struct.pack(fmt[1], bits))[0] > value:
        bits -= 1
    return struct.unpack(fmt[0], struct.pack(fmt[1], bits))[0]


def _load_fconst(s, x: int, value: float, ty) -> None:
    s.load_imm(RAX, _float_bits(value, ty), ty)
    (s.a.MOVQ_xr if ty is I64 else s.a.MOVD_xr)(x, RAX)


def gen_ftoi(s, d, a, m, cv) -> None:
    """Float a -> integer d (saturating).  Fast: signed, full width, no
    fraction bits, truncating or dynamic rounding: cvt* then 'is it the
    integer indefinite value?'.  Otherwise a range pre-check keeps the fast
    path to operands whose rounded value is surely in range."""
    A, ty = s.a, a.type
    f64 = ty is I64
    opc = fp_opcode("ftoi", f64, cv.signed, cv.rmode, cv.fbits, cv.ibits)
    if not _has_slow(m):
        raise CodegenError("ftoi needs a slow path for NaN and out-of-range operands")
    sl = Slow(s, m, opc, d, (a,))
    rmode = cv.rmode
    if rmode == FPR_NEAREST_AWAY or (rmode not in (FPR_ZERO, FPR_DYNAMIC) and not has_sse41()) \
            or (cv.ibits == 64 and d.type is not I64):
        gen_slow_call(s, m, opc, d, (a,))
        return
    sl.guard()
    wide = d.type is I64
    cvt = ("CVTT" if rmode != FPR_DYNAMIC else "CVT") + ("SD2SI" if f64 else "SS2SI")
    if cv.signed and cv.fbits == 0 and cv.ibits == (64 if wide else 32) \
            and rmode in (FPR_ZERO, FPR_DYNAMIC):
        src = xsrc(s, a, XMM0)
        getattr(A, f"{cvt}{'' if wide else '32'}_r{'m' if isinstance(src, Mem) else 'x'}")(RAX, src)
        if wide:
            A.MOV_ri(RCX, INT_MIN[64])
            A.CMP_rr(RAX, RCX)
        else:
            A.CMP32_ri(RAX, INT_MIN[32])
        A.J_l(CC_E, sl.label)
        s.store(d, RAX)
        sl.finish()
        return
    # pre-check LO <= a <= HI (NaN fails), in the source format
    scale = 2 ** cv.fbits
    if cv.signed:
        lo, hi = -(1 << (cv.ibits - 1)), (1 << (cv.ibits - 1)) - 1
    else:
        lo, hi = 0, (1 << cv.ibits) - 1
    if cv.ibits == 64 and not cv.signed:
        hi = (1 << 63) - 1                        # cvt* gives signed 64-bit results
    xload(s, XMM0, a)
    _load_fconst(s, XMM1, lo / scale, ty)        # a power of two or zero: exact
    getattr(A, f"UCOMI{sfx(ty)}_xx")(XMM0, XMM1)
    A.J_l(CC_B, sl.label)                        # below or unordered
    _load_fconst(s, XMM1, _round_down_to(hi, ty) / scale, ty)
    getattr(A, f"UCOMI{sfx(ty)}_xx")(XMM1, XMM0)
    A.J_l(CC_B, sl.label)                        # hi < a
    if cv.fbits:                                 # exact: in range, a power of two
        _load_fconst(s, XMM1, float(scale), ty)
        _op(s, "MUL", ty, XMM0, XMM1)
    if rmode not in (FPR_ZERO, FPR_DYNAMIC):
        getattr(A, f"ROUND{sfx(ty)}_xxi")(XMM0, XMM0, SSE_ROUND[rmode])   # inexact raised
        cvt = "CVTT" + ("SD2SI" if f64 else "SS2SI")
    getattr(A, f"{cvt}_rx")(RAX, XMM0)           # 64-bit conversion, in range
    s.store(d, RAX)
    sl.finish()


def gen_itof(s, d, a, m, cv) -> None:
    """CVTSI2S* rounds by the MXCSR (the guest's dynamic mode).  With a static
    rounding mode (ARM's fixed-point VCVT rounds to nearest even whatever
    FPSCR.RMode says) only exact conversions stay inline: 32-bit integers to
    binary64, and integers of magnitude <= 2^24 to binary32; others take the
    slow path, which rounds by the op's mode."""
    A, ty = s.a, d.type
    opc = fp_opcode("itof", ty is I64, cv.signed, cv.rmode, cv.fbits, cv.ibits)
    static = cv.rmode != FPR_DYNAMIC
    if (cv.ibits == 64 and not cv.signed) or (static and cv.ibits == 64):
        gen_slow_call(s, m, opc, d, (a,))
        return
    if cv.ibits == 64 or not cv.signed:
        s.load(RAX, a) if cv.ibits == 64 else s.load32(RAX, a)    # u32: zero-extended
        form = ""
    else:
        s.load32(RAX, a)
        form = "32"
    sl = None
    if static and ty is I32:                     # may round: exact only below 2^24
        sl = Slow(s, m, opc, d, (a,))
        if cv.signed:
            A.MOV32_rr(RCX, RAX)
            A.ADD32_ri(RCX, 1 << 24)
            A.CMP32_ri(RCX, 1 << 25)
        else:
            A.CMP32_ri(RAX, 1 << 24)
        A.J_l(CC_A, sl.label)
    A.XORPS_xx(XMM0, XMM0)                       # no false dependency on xmm0
    getattr(A, f"CVTSI2{sfx(ty)}{form}_xr")(XMM0, RAX)
    if cv.fbits:                                 # exact: the result stays normal
        _load_fconst(s, XMM1, 2.0 ** -cv.fbits, ty)
        _op(s, "MUL", ty, XMM0, XMM1)
    xstore(s, d, XMM0)
    if sl:
        sl.finish()


def gen_fround(s, d, a, m, rmode, exact) -> None:
    ty = d.type
    opc = fp_opcode("fround", ty is I64, exact, rmode)
    if rmode == FPR_NEAREST_AWAY or not has_sse41():
        gen_slow_call(s, m, opc, d, (a,))
        return
    sl = Slow(s, m, opc, d, (a,)) if _has_slow(m) else None
    if sl:
        sl.guard()
    src = xsrc(s, a, XMM0)
    imm = SSE_ROUND[rmode] | (0 if exact else ROUND_NOINEXACT)
    getattr(s.a, f"ROUND{sfx(ty)}_x{'m' if isinstance(src, Mem) else 'x'}i")(XMM0, src, imm)
    if sl:
        sl.nan_check(XMM0, ty)
    xstore(s, d, XMM0)
    if sl:
        sl.finish()


def gen_ftoh(s, d, a, m) -> None:
    gen_slow_call(s, m, fp_opcode("ftoh", a.type is I64), d, (a,))


def gen_htof(s, d, a, m) -> None:
    gen_slow_call(s, m, fp_opcode("htof", d.type is I64), d, (a,))


FP_DISPATCH = {
    "fpenv": gen_fpenv,
    "fpflags_get": gen_fpflags_get,
    "fpflags_set": gen_fpflags_set,
    "fpround_set": gen_fpround_set,
    **{n: (lambda n: lambda s, d, a, b, m: gen_fbinop(s, n, d, a, b, m))(n) for n in BINOP},
    "fmuladd": gen_fmuladd,
    "fsqrt": gen_fsqrt,
    "fminnum": lambda s, d, a, b, m: gen_fminmax(s, "fminnum", d, a, b, m),
    "fmaxnum": lambda s, d, a, b, m: gen_fminmax(s, "fmaxnum", d, a, b, m),
    "fcmp": gen_fcmp,
    "fcvt": gen_fcvt,
    "ftoi": gen_ftoi,
    "itof": gen_itof,
    "fround": gen_fround,
    "ftoh": gen_ftoh,
    "htof": gen_htof,
}

"""Inline SSE lowerings of the vector floating-point ops (binary32 lanes in
the standard mode: flush-to-zero, default NaN, round to nearest even), with
the C reference as the exact slow path.  Registered into vec.VOP_INLINE.

Packed SSE gives the guest's result and flags for every lane whose inputs
and result are ordinary numbers.  A lane is *not* ordinary when an input is
a denormal (the guest flushes it and raises IDC), or the result is a NaN
(default NaN), a denormal or the smallest normal (flush with UFC only,
tininess before rounding) or a zero from a product of non-zeros (an
underflow).  The fast path computes with packed SSE and tests every lane;
if any lane is not ordinary it restores the MXCSR flags saved before the
attempt (stmxcsr into the red zone: the attempt may have raised flags the
guest does not) and calls ``neon_vop`` for the whole vector.  Ops whose
inputs alone decide (compares, max/min) test before computing.  While the
guest's FPSCR.RMode is not round-to-nearest (x.fp_guard) every op takes the
slow path.  Sign-bit ops (fabs, fneg) are plain logic.

Usage (through vec.gen_vop; the translator emits fpenv first)::

    b.fpenv(HOST_FP_SLOT)
    b.vop("fadd", 4, d, a, b_, n=16, x=VX)
"""
from __future__ import annotations

from .encoder import CC_NE, RBP, RSP, Mem
from .vec import VOP_INLINE, XMM0, XMM1, XMM2, XMM3, gen_vop_call, vconst, vload, vmove, vstore

X0, X1, X2, X3 = XMM0, XMM1, XMM2, XMM3
X4, X5, X6, X7 = 4, 5, 6, 7
K_ABS, K_M1, K_TINY = 13, 14, 15          # constants: 0x7fffffff, -1, 0x007fffff
BAD = 12                                  # accumulated mask of lanes needing the slow path
MINCHAIN = 11                             # running minimum of |v| - 1 over the tested vectors
U0, U1, U2 = 8, 9, 10                     # u-values of the inputs

# ------------------------------------------------------------------ tables
SAVED_MXCSR = Mem(RSP, -16)               # red zone (fp.py uses [rsp-8])
ABS_MASK, SIGN = 0x7FFFFFFF, 0x80000000
F_ONE_HALF, F_TWO, F_THREE = 0x3F000000, 0x40000000, 0x40400000
CMP_PRED = {"fceq": 0, "fcge": 2, "fcgt": 1, "facge": 2, "facgt": 1}   # EQ_OQ, LE_OS, LT_OS
CMP0 = {"fceq0": ("fceq", False), "fcge0": ("fcge", False), "fcgt0": ("fcgt", False),
        "fcle0": ("fcge", True), "fclt0": ("fcgt", True)}               # True: 0 op a


def splat32(s, x: int, v: int) -> None:
    vconst(s, x, (v & 0xFFFFFFFF).to_bytes(4, "little") * 4)


class FastPath:
    """Guard, MXCSR save, lane tests and the slow call of one float op."""

    def __init__(self, s, op, d, a, b, i, n, x, save=True):
        self.s, self.A = s, s.a
        self.args = (op, 4, d, a, b, i, n)
        self.slow = s.a.label("vfp_slow")             # from the lane tests
        self.slow_guard = s.a.label("vfp_guard")      # from the guard (nothing saved yet)
        self.done = s.a.label("vfp_done")
        self.save = save
        self.bad = None                               # xmm accumulating bad-lane masks
        self.chain = False                            # MINCHAIN holds u-values
        A = s.a
        if x is not None and x.fp_guard is not None and x.fp_guard_mask:
            A.TEST32_mi(Mem(RBP, x.fp_guard.offset), x.fp_guard_mask & 0xFFFFFFFF)
            A.J_l(CC_NE, self.slow_guard)
        if save:
            A.STMXCSR_m(SAVED_MXCSR)
        splat32(s, K_ABS, ABS_MASK)
        A.PCMPEQB_xx(K_M1, K_M1)
        splat32(s, K_TINY, 0x007FFFFF)

    def _acc(self, m: int) -> None:
        if self.bad is None:
            vmove(self.s, BAD, m)
            self.bad = BAD
        else:
            self.A.POR_xx(BAD, m)

    def u(self, v: int, dst: int) -> int:
        """dst = |v| - 1 per lane (a zero gives 0xffffffff), folded into the
        running unsigned minimum: a lane is tiny (0 < |v| <= the smallest
        normal) iff that value is <= 0x7fffff, tested once in test()."""
        A = self.A
        vmove(self.s, dst, v)
        A.PAND_xx(dst, K_ABS)
        A.PADDD_xx(dst, K_M1)
        if self.chain:
            A.PMINUD_xx(MINCHAIN, dst)
        else:
            vmove(self.s, MINCHAIN, dst)
            self.chain = True
        return dst

    def nan(self, v: int, tmp: int) -> None:
        vmove(self.s, tmp, v)
        self.A.CMPPS_xxi(tmp, tmp, 3)                 # unordered
        self._acc(tmp)

    def unordered(self, a: int, b: int, tmp: int) -> None:
        vmove(self.s, tmp, a)
        self.A.CMPPS_xxi(tmp, b, 3)
        self._acc(tmp)

    def mul_underflow(self, r: int, ua: int, ub: int) -> None:
        """A product r of factors whose u-values are ua, ub: tiny, or zero
        although no factor is zero (an underflow).  Clobbers X4-X6."""
        A = self.A
        ru = self.u(r, X4)                            # tiny: through the chain
        vmove(self.s, X5, ru)
        A.PCMPEQD_xx(X5, K_M1)                        # r == 0
        vmove(self.s, X6, ua)
        A.PMAXUD_xx(X6, ub)
        A.PCMPEQD_xx(X6, K_M1)                        # a factor is zero
        A.PANDN_xx(X6, X5)
        self._acc(X6)

    def test(self) -> None:
        """Branch to the slow path if any lane is bad."""
        A = self.A
        if self.chain:
            vmove(self.s, X7, MINCHAIN)
            A.PMINUD_xx(X7, K_TINY)
            A.PCMPEQD_xx(X7, MINCHAIN)
            self._acc(X7)
            self.chain = False
        if self.bad is not None:
            self.A.PTEST_xx(self.bad, self.bad)
            self.A.J_l(CC_NE, self.slow)
            self.bad = None

    def finish(self) -> None:
        A = self.A
        A.JMP_l(self.done)
        A.bind(self.slow)
        if self.save:
            A.LDMXCSR_m(SAVED_MXCSR)
        A.bind(self.slow_guard)
        gen_vop_call(self.s, *self.args)
        A.bind(self.done)


# ================================================================ lowerings
def _load(s, a, b, n):
    vload(s, X0, a, n)
    if b is not None:
        vload(s, X1, b, n)


def low_fabs_fneg(s, op, e, d, a, b, i, n, x):
    vload(s, X0, a, n)
    splat32(s, X1, ABS_MASK if op == "fabs" else SIGN)
    (s.a.ANDPS_xx if op == "fabs" else s.a.XORPS_xx)(X0, X1)
    vstore(s, d, X0, n)


def low_farith(s, op, e, d, a, b, i, n, x):
    """fadd fsub fmul fabd: one rounded op; fmla fmls: product then sum."""
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    _load(s, a, b, n)
    fp.u(X0, U0)
    fp.u(X1, U1)
    if op in ("fmla", "fmls"):
        vload(s, X2, d, n)
        fp.u(X2, U2)
    vmove(s, X3, X0)
    if op in ("fadd", "fsub", "fabd"):
        (A.ADDPS_xx if op == "fadd" else A.SUBPS_xx)(X3, X1)
    else:
        A.MULPS_xx(X3, X1)
    fp.nan(X3, X4)
    if op in ("fmul", "fmla", "fmls"):
        fp.mul_underflow(X3, U0, U1)
    else:
        fp.u(X3, X4)
    if op in ("fmla", "fmls"):
        (A.ADDPS_xx if op == "fmla" else A.SUBPS_xx)(X2, X3)
        vmove(s, X3, X2)
        fp.nan(X3, X4)
        fp.u(X3, X4)
    fp.test()
    if op == "fabd":
        A.ANDPS_xx(X3, K_ABS)
    vstore(s, d, X3, n)
    fp.finish()


def low_fma(s, op, e, d, a, b, i, n, x):
    from .fp import has_fma
    if not has_fma():
        return False
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    _load(s, a, b, n)
    vload(s, X2, d, n)
    for v, u in ((X0, U0), (X1, U1), (X2, U2)):
        fp.u(v, u)
    if op == "fms":
        splat32(s, X3, SIGN)
        A.XORPS_xx(X0, X3)
    A.VFMADD231PS_xxx(X2, X0, X1)                     # d + a*b, one rounding
    fp.nan(X2, X4)
    fp.mul_underflow(X2, U0, U1)                      # zero with non-zero factors: slow
    fp.test()
    vstore(s, d, X2, n)
    fp.finish()


def low_fminmax(s, op, e, d, a, b, i, n, x):
    """max: maxps(a,b) & maxps(b,a) (+0 beats -0); min: minps | minps.  NaN
    and denormal inputs go to the slow path before anything is computed, so
    maxNum/minNum (which differ only on NaNs) share this."""
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x, save=False)
    _pairs_or_load(s, op, a, b, n)
    fp.u(X0, U0)
    fp.u(X1, U1)
    fp.unordered(X0, X1, X4)
    fp.test()
    vmove(s, X2, X0)
    vmove(s, X3, X1)
    if op in ("fmax", "fpmax", "fmaxnm"):
        A.MAXPS_xx(X2, X1)
        A.MAXPS_xx(X3, X0)
        A.ANDPS_xx(X2, X3)
    else:
        A.MINPS_xx(X2, X1)
        A.MINPS_xx(X3, X0)
        A.ORPS_xx(X2, X3)
    vstore(s, d, X2, 8 if op.startswith("fp") else n)
    fp.finish()


def _pairs_or_load(s, op, a, b, n):
    """Pairwise ops (D only): X0 = [a0, b0], X1 = [a1, b1] in the low lanes."""
    if not op.startswith("fp"):
        _load(s, a, b, n)
        return
    A = s.a
    A.MOVQ_xm(X0, Mem(RBP, a))
    A.MOVHPS_xm(X0, Mem(RBP, b))
    vmove(s, X1, X0)
    A.SHUFPS_xxi(X0, X0, 0x88)                        # a0 b0 a0 b0
    A.SHUFPS_xxi(X1, X1, 0xDD)                        # a1 b1 a1 b1


def low_fpadd(s, op, e, d, a, b, i, n, x):
    if n != 8:
        return False
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    _pairs_or_load(s, op, a, b, n)
    fp.u(X0, U0)
    fp.u(X1, U1)
    A.ADDPS_xx(X0, X1)
    fp.nan(X0, X4)
    fp.u(X0, X4)
    fp.test()
    vstore(s, d, X0, 8)
    fp.finish()


def low_fcmp(s, op, e, d, a, b, i, n, x):
    """Compares: SSE's quiet EQ and signalling LT/LE raise exactly the
    guest's flags; denormal inputs (flushed by the guest) go slow."""
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x, save=False)
    swap = False
    if op in CMP0:
        base, swap = CMP0[op]
        vload(s, X0, a, n)
        A.XORPS_xx(X1, X1)
    else:
        base = op
        _load(s, a, b, n)
    fp.u(X0, U0)
    fp.u(X1, U1)
    fp.test()
    if base.startswith("fa"):
        A.ANDPS_xx(X0, K_ABS)
        A.ANDPS_xx(X1, K_ABS)
    if swap:
        X0_, X1_ = X1, X0
    else:
        X0_, X1_ = X0, X1
    pred = CMP_PRED[base]
    if pred == 0:
        A.CMPPS_xxi(X0_, X1_, 0)
        res = X0_
    else:                                             # a >= b  ==  b <= a
        A.CMPPS_xxi(X1_, X0_, pred)
        res = X1_
    vstore(s, d, res, n)
    fp.finish()


def low_frecps(s, op, e, d, a, b, i, n, x):
    """frecps: 2 - a*b; frsqrts: (3 - a*b) / 2 (each step rounded).  The
    inf * 0 case gives a NaN here and is left to the slow path."""
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    _load(s, a, b, n)
    fp.u(X0, U0)
    fp.u(X1, U1)
    vmove(s, X3, X0)
    A.MULPS_xx(X3, X1)
    fp.nan(X3, X4)
    fp.mul_underflow(X3, U0, U1)
    splat32(s, X2, F_TWO if op == "frecps" else F_THREE)
    A.SUBPS_xx(X2, X3)
    fp.nan(X2, X4)
    fp.u(X2, X4)
    if op == "frsqrts":
        splat32(s, X5, F_ONE_HALF)
        A.MULPS_xx(X2, X5)
        fp.u(X2, X4)
    fp.test()
    vstore(s, d, X2, n)
    fp.finish()


def low_fcvt(s, op, e, d, a, b, i, n, x):
    """float <-> 32-bit integer with i fraction bits (toward zero / nearest)."""
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    vload(s, X0, a, n)
    if op in ("fcvt_fs", "fcvt_fu"):
        fp.u(X0, U0)
        if i:
            splat32(s, X1, (127 + i) << 23)           # 2^i (exact scaling)
            A.MULPS_xx(X0, X1)
        A.CVTTPS2DQ_xx(X0, X0)
        if op == "fcvt_fs":
            vmove(s, X4, X0)                          # 0x80000000: NaN / out of range
            splat32(s, X5, SIGN)
            A.PCMPEQD_xx(X4, X5)
        else:
            vmove(s, X4, X0)                          # negative or >= 2^31
            A.PSRAD_xi(X4, 31)
        fp._acc(X4)
        fp.test()
        vstore(s, d, X0, n)
        fp.finish()
        return
    if op == "fcvt_sf":
        A.CVTDQ2PS_xx(X0, X0)
    else:                                             # u32: (hi 16 bits) * 65536 + low 16 bits
        vmove(s, X1, X0)
        A.PSRLD_xi(X1, 16)
        A.PSLLD_xi(X0, 16)
        A.PSRLD_xi(X0, 16)
        A.CVTDQ2PS_xx(X1, X1)
        A.CVTDQ2PS_xx(X0, X0)
        splat32(s, X2, (127 + 16) << 23)
        A.MULPS_xx(X1, X2)
        A.ADDPS_xx(X0, X1)
    if i:
        splat32(s, X1, (127 - i) << 23)               # 2^-i: exact, results stay normal
        A.MULPS_xx(X0, X1)
    vstore(s, d, X0, n)
    fp.finish()


SSE_ROUND = {0: 0, 1: 2, 2: 1, 3: 3}       # FPR_* -> roundps imm (nearest, up, down, zero)


def low_frint(s, op, e, d, a, b, i, n, x):
    """frint (i = FPR_* mode | 8: exact) and fcvtr_s/u: roundps, then for the
    conversions cvttps2dq of the integral value; ties-away: slow path."""
    mode = i & 7
    if mode not in SSE_ROUND:
        return False
    A = s.a
    fp = FastPath(s, op, d, a, b, i, n, x)
    vload(s, X0, a, n)
    fp.u(X0, U0)
    exact = op != "frint" or i & 8
    A.ROUNDPS_xxi(X0, X0, SSE_ROUND[mode] | (0 if exact else 8))
    if op == "frint":
        fp.nan(X0, X4)
    else:
        A.CVTTPS2DQ_xx(X0, X0)
        vmove(s, X4, X0)
        if op == "fcvtr_s":
            splat32(s, X5, SIGN)
            A.PCMPEQD_xx(X4, X5)                      # NaN / out of range
        else:
            A.PSRAD_xi(X4, 31)                        # negative or >= 2^31
        fp._acc(X4)
    fp.test()
    vstore(s, d, X0, n)
    fp.finish()


# ============================================================ registration
VOP_INLINE.update({
    "fabs": low_fabs_fneg, "fneg": low_fabs_fneg,
    **{o: low_farith for o in ("fadd", "fsub", "fmul", "fabd", "fmla", "fmls")},
    "fma": low_fma, "fms": low_fma,
    **{o: low_fminmax for o in ("fmax", "fmin", "fpmax", "fpmin", "fmaxnm", "fminnm")},
    "frint": low_frint, "fcvtr_s": low_frint, "fcvtr_u": low_frint,
    "fpadd": low_fpadd,
    **{o: low_fcmp for o in ("fceq", "fcge", "fcgt", "facge", "facgt", *CMP0)},
    "frecps": low_frecps, "frsqrts": low_frecps,
    **{o: low_fcvt for o in ("fcvt_fs", "fcvt_fu", "fcvt_sf", "fcvt_uf")},
})

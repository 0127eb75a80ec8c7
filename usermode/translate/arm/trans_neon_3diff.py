"""Advanced SIMD "three registers of different lengths": the long ops
(VADDL VSUBL VABDL VABAL VMULL VMLAL VMLSL VQDMULL VQDMLAL VQDMLSL, VMULL.P8:
Q <- D op D), the wide ones (VADDW VSUBW: Q <- Q op D) and the narrowing
high halves (VADDHN VRADDHN VSUBHN VRSUBHN: D <- Q op Q).

Encoding (A32): ``1111 001 U 1 D size:2 Vn Vd opc:4 N 0 M 0 Vm`` with size
!= 3 (that space is VEXT, VTBL, VDUP and the two-register misc group, which
have more fixed bits and win).  size is the element size of the narrower
operands.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF2810C02)          # vmull.s8 q0, d1, d2
    pat.name                                 # 'VMULL'
"""
from __future__ import annotations

from .gen_neon import VX, dofs, neon_rows, reg_d, reg_m, reg_n

# ---------------------------------------------------------------- tables
# NAME: (U, opc, vop (U=0, U=1) or one, shape, allowed sizes, saturating)
#   shape: "long" Q <- D, D; "wide" Q <- Q, D; "narrow" D <- Q, Q
_OPS = {
    "VADDL":   ("u:1", "0000", ("addl_s", "addl_u"), "long", (0, 1, 2), False),
    "VADDW":   ("u:1", "0001", ("addw_s", "addw_u"), "wide", (0, 1, 2), False),
    "VSUBL":   ("u:1", "0010", ("subl_s", "subl_u"), "long", (0, 1, 2), False),
    "VSUBW":   ("u:1", "0011", ("subw_s", "subw_u"), "wide", (0, 1, 2), False),
    "VADDHN":  ("0", "0100", "addhn", "narrow", (0, 1, 2), False),
    "VRADDHN": ("1", "0100", "raddhn", "narrow", (0, 1, 2), False),
    "VABAL":   ("u:1", "0101", ("abal_s", "abal_u"), "long", (0, 1, 2), False),
    "VSUBHN":  ("0", "0110", "subhn", "narrow", (0, 1, 2), False),
    "VRSUBHN": ("1", "0110", "rsubhn", "narrow", (0, 1, 2), False),
    "VABDL":   ("u:1", "0111", ("abdl_s", "abdl_u"), "long", (0, 1, 2), False),
    "VMLAL":   ("u:1", "1000", ("mlal_s", "mlal_u"), "long", (0, 1, 2), False),
    "VQDMLAL": ("0", "1001", "qdmlal", "long", (1, 2), True),
    "VMLSL":   ("u:1", "1010", ("mlsl_s", "mlsl_u"), "long", (0, 1, 2), False),
    "VQDMLSL": ("0", "1011", "qdmlsl", "long", (1, 2), True),
    "VMULL":   ("u:1", "1100", ("mull_s", "mull_u"), "long", (0, 1, 2), False),
    "VQDMULL": ("0", "1101", "qdmull", "long", (1, 2), True),
    "VMULL_p": ("0", "1110", "mullp", "long", (0,), False),
}
_ROWS = [(name, u, f"1 d:1 size:2 vn:4 vd:4 {opc} n:1 0 m:1 0 vm:4", {"exclude": {"size": 3}})
         for name, (u, opc, *_r) in _OPS.items()]


# ---------------------------------------------------------------- lowering
def _trans(name):
    _u, _opc, vop, shape, sizes, sat = _OPS[name]

    def trans(ctx, f) -> bool:
        size = f["size"]
        if size not in sizes:
            return False
        d, n, m = reg_d(f), reg_n(f), reg_m(f)
        if shape == "long" and d & 1:
            return False
        if shape == "wide" and (d | n) & 1:
            return False
        if shape == "narrow" and (n | m) & 1:
            return False
        op = vop if isinstance(vop, str) else vop[f.get("u", 0)]
        e = (2 << size) if shape == "narrow" else (1 << size)
        ctx.b.vop(op, e, dofs(d), dofs(n), dofs(m), 0, 8 if shape == "narrow" else 16,
                  VX if sat else None)
        return True
    trans.__name__ = f"trans_{name}"
    return trans


for _n in _OPS:
    globals()[f"trans_{_n}"] = _trans(_n)

A32, T32 = neon_rows(_ROWS, globals())

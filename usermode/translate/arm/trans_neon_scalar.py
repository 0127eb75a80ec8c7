"""Advanced SIMD "two registers and a scalar": VMLA VMLS VMUL (integer and
f32), VMLAL VMLSL VMULL, VQDMLAL VQDMLSL VQDMULL, VQDMULH VQRDMULH by an
element Dm[x].

Encoding (A32): ``1111 001 Q 1 D size:2 Vn Vd opc:4 N 1 M 0 Vm`` (the long
forms have U in place of Q); size 1: the scalar is D<Vm<2:0>>[M:Vm<3>],
size 2: D<Vm>[M].  The scalar is broadcast into a scratch vector of the
CPU state, then the ordinary vector op runs.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF3A00844)          # vmul.i32 q0, q0, d4[0]
    pat.name                                 # 'VMUL_sc'
"""
from __future__ import annotations

from .gen_neon import SCRATCH, VX, dofs, fp_ready, neon_rows, reg_d, reg_n

# ---------------------------------------------------------------- tables
# NAME: (U/Q spec, opc, vop (U=0, U=1) or one, shape, sizes, flags)
_OPS = {
    "VMLA_sc":    ("q:1", "0000", "mla", "same", (1, 2), ""),
    "VMLA_f_sc":  ("q:1", "0001", "fmla", "same", (2,), "fp"),
    "VMLAL_sc":   ("u:1", "0010", ("mlal_s", "mlal_u"), "long", (1, 2), ""),
    "VQDMLAL_sc": ("0", "0011", "qdmlal", "long", (1, 2), "sat"),
    "VMLS_sc":    ("q:1", "0100", "mls", "same", (1, 2), ""),
    "VMLS_f_sc":  ("q:1", "0101", "fmls", "same", (2,), "fp"),
    "VMLSL_sc":   ("u:1", "0110", ("mlsl_s", "mlsl_u"), "long", (1, 2), ""),
    "VQDMLSL_sc": ("0", "0111", "qdmlsl", "long", (1, 2), "sat"),
    "VMUL_sc":    ("q:1", "1000", "mul", "same", (1, 2), ""),
    "VMUL_f_sc":  ("q:1", "1001", "fmul", "same", (2,), "fp"),
    "VMULL_sc":   ("u:1", "1010", ("mull_s", "mull_u"), "long", (1, 2), ""),
    "VQDMULL_sc": ("0", "1011", "qdmull", "long", (1, 2), "sat"),
    "VQDMULH_sc": ("q:1", "1100", "qdmulh", "same", (1, 2), "sat"),
    "VQRDMULH_sc": ("q:1", "1101", "qrdmulh", "same", (1, 2), "sat"),
}
_ROWS = [(name, u, f"1 d:1 size:2 vn:4 vd:4 {opc} n:1 1 m:1 0 vm:4", {"exclude": {"size": 3}})
         for name, (u, opc, *_r) in _OPS.items()]


def scalar_offset(size: int, m: int, vm: int) -> int:
    """Offset of the scalar element of a by-element op."""
    if size == 1:
        return dofs(vm & 7) + 2 * (m << 1 | vm >> 3)
    return dofs(vm) + 4 * m


# ---------------------------------------------------------------- lowering
def _trans(name):
    _u, _opc, vop, shape, sizes, flags = _OPS[name]

    def trans(ctx, f) -> bool:
        size = f["size"]
        if size not in sizes:
            return False
        q = f.get("q", 0)
        d, n = reg_d(f), reg_n(f)
        if shape == "same" and q and (d | n) & 1:
            return False
        if shape == "long" and d & 1:
            return False
        e = 1 << size
        nbytes = 16 if (q or shape == "long") else 8
        b = ctx.b
        b.vdupe(e, SCRATCH, scalar_offset(size, f["m"], f["vm"]), 8 if shape == "long" else nbytes)
        if "fp" in flags:
            fp_ready(ctx)
        op = vop if isinstance(vop, str) else vop[f.get("u", 0)]
        b.vop(op, e, dofs(d), dofs(n), SCRATCH, 0, nbytes, VX if flags else None)
        return True
    trans.__name__ = f"trans_{name}"
    return trans


for _n in _OPS:
    globals()[f"trans_{_n}"] = _trans(_n)

A32, T32 = neon_rows(_ROWS, globals())

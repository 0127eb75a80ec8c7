"""Advanced SIMD element moves across registers: VEXT, VTBL/VTBX, VDUP
(scalar) and VDUP (ARM core register; in the VFP register-transfer space,
``cond 1110 1 b Q 0 Vd Rt 1011 D 0 e 1 0000``).

VEXT is a byte permutation of Vn:Vm; VTBL/VTBX look bytes up in a table
of one to four consecutive D registers (contiguous in the CPU state).

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xEEA00B10)          # vdup.32 q0, r0
    pat.name, f["q"]                         # ('VDUP_core', 1)
"""
from __future__ import annotations

from .cpu import REG
from .gen_neon import dofs, neon_rows, q_ok, reg_d, reg_m, reg_n, vsize
from .gen_table import build, t32_rows

# ---------------------------------------------------------------- tables
_ROWS = [
    ("VEXT", "0", "1 d:1 11 vn:4 vd:4 imm4:4 n:1 q:1 m:1 0 vm:4"),
    ("VTBL", "1", "1 d:1 11 vn:4 vd:4 10 len:2 n:1 op:1 m:1 0 vm:4"),
    ("VDUP_scalar", "1", "1 d:1 11 imm4:4 vd:4 11000 q:1 m:1 0 vm:4"),
]
_CORE_ROWS = [
    ("VDUP_core", "cond:4 1110 1 b:1 q:1 0 vd:4 rt:4 1011 d:1 0 e:1 1 0000"),
]


# ---------------------------------------------------------------- lowering
def trans_VEXT(ctx, f) -> bool:
    q, imm = f["q"], f["imm4"]
    d, n, m = reg_d(f), reg_n(f), reg_m(f)
    if not q_ok(q, d, n, m) or (not q and imm >= 8):
        return False
    size = vsize(q)
    ctx.b.vperm([(dofs(d), size)], [(dofs(n), size), (dofs(m), size)],
                [imm + j for j in range(size)])
    return True


def trans_VTBL(ctx, f) -> bool:
    n, length = reg_n(f), f["len"] + 1
    if n + length > 32:
        return False
    ctx.b.vop("tbx" if f["op"] else "tbl", 1, dofs(reg_d(f)), dofs(reg_m(f)), dofs(n),
              8 * length, 8)
    return True


def trans_VDUP_scalar(ctx, f) -> bool:
    imm, q, d, m = f["imm4"], f["q"], reg_d(f), reg_m(f)
    if imm & 1:
        e, index = 1, imm >> 1
    elif imm & 2:
        e, index = 2, imm >> 2
    elif imm & 4:
        e, index = 4, imm >> 3
    else:
        return False
    if not q_ok(q, d):
        return False
    ctx.b.vdupe(e, dofs(d), dofs(m) + e * index, vsize(q))
    return True


def trans_VDUP_core(ctx, f) -> bool:
    be = f["b"] << 1 | f["e"]
    if be == 3 or f["rt"] == 15:
        return False
    d = f["d"] << 4 | f["vd"]
    if not q_ok(f["q"], d):
        return False
    ctx.b.vdup({0: 4, 1: 2, 2: 1}[be], dofs(d), REG[f["rt"]], vsize(f["q"]))
    return True


_A32, _T32 = neon_rows(_ROWS, globals())
A32 = _A32 + build(_CORE_ROWS, globals(), 32)
T32 = _T32 + build(t32_rows(_CORE_ROWS), globals(), 32)

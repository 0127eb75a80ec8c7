"""Advanced SIMD "two registers and a shift amount": VSHR VSRA VRSHR VRSRA
VSRI VSHL VSLI VQSHL VQSHLU (immediate), the narrowing VSHRN VRSHRN VQSHRN
VQRSHRN VQSHRUN VQRSHRUN, the widening VSHLL/VMOVL, and VCVT between f32
and fixed point.

Encoding (A32): ``1111 001 U 1 D imm6 Vd opc:4 L Q M 1 Vm``.  L:imm6 gives
the element size (its leading one: L = 64, imm6<5> = 32, <4> = 16, <3> = 8)
and the shift: left shifts are imm6 - esize, right shifts 2*esize - imm6
(``decode_shift``).  The narrowing ops take Q-register sources of 2*esize
elements (L must be 0) and use the Q bit as an opcode bit.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF2880A10)          # vmovl.s8 q0, d0
    pat.name                                 # 'VSHLL'
"""
from __future__ import annotations

from .gen_neon import VX, dofs, fp_ready, neon_rows, q_ok, reg_d, reg_m, vsize

# ---------------------------------------------------------------- tables
# imm6 is split (ih:il) so that L=0 rows can exclude ih == 0: that space is
# the one-register-and-immediate group (trans_neon_imm), which must not be
# shadowed by these more specific rows.
_L0 = {"exclude": {"ih": 0}, "extra": {"l": 0},
       "xform": {"imm6": lambda f: f["ih"] << 3 | f["il"]}}
_L1 = {"extra": {"l": 1}}
_BODY0 = "1 d:1 ih:3 il:3 vd:4 {opc} 0 q:1 m:1 1 vm:4"
_BODY1 = "1 d:1 imm6:6 vd:4 {opc} 1 q:1 m:1 1 vm:4"
_NBODY = "1 d:1 ih:3 il:3 vd:4 {opc} 0 {r} m:1 1 vm:4"
# same-length ops: NAME: (U, opc, vop (U=0, U=1) or one, right shift?, QC?)
_SAME = {
    "VSHR":   ("u:1", "0000", ("shri_s", "shri_u"), True, False),
    "VSRA":   ("u:1", "0001", ("srai_s", "srai_u"), True, False),
    "VRSHR":  ("u:1", "0010", ("rshri_s", "rshri_u"), True, False),
    "VRSRA":  ("u:1", "0011", ("rsrai_s", "rsrai_u"), True, False),
    "VSRI":   ("1", "0100", "sri", True, False),
    "VSHL":   ("0", "0101", "shli", False, False),
    "VSLI":   ("1", "0101", "sli", False, False),
    "VQSHLU": ("1", "0110", "qshlui", False, True),
    "VQSHL":  ("u:1", "0111", ("qshli_s", "qshli_u"), False, True),
}
# narrowing: NAME: (U, opc, Q-bit (round), vop, QC?)
_NARROW = {
    "VSHRN":    ("0", "1000", "0", "shrn", False),
    "VRSHRN":   ("0", "1000", "1", "rshrn", False),
    "VQSHRUN":  ("1", "1000", "0", "qshrun", True),
    "VQRSHRUN": ("1", "1000", "1", "qrshrun", True),
    "VQSHRN_S": ("0", "1001", "0", "qshrn_s", True),
    "VQRSHRN_S": ("0", "1001", "1", "qrshrn_s", True),
    "VQSHRN_U": ("1", "1001", "0", "qshrn_u", True),
    "VQRSHRN_U": ("1", "1001", "1", "qrshrn_u", True),
}
_ROWS = ([(n, u, _BODY0.format(opc=opc), _L0) for n, (u, opc, *_r) in _SAME.items()]
         + [(n, u, _BODY1.format(opc=opc), _L1) for n, (u, opc, *_r) in _SAME.items()]
         + [(n, u, _NBODY.format(opc=opc, r=r), _L0) for n, (u, opc, r, *_x) in _NARROW.items()]
         + [("VSHLL", "u:1", "1 d:1 ih:3 il:3 vd:4 1010 0 0 m:1 1 vm:4", _L0),
            ("VCVT_fixed", "u:1", "1 d:1 ih:3 il:3 vd:4 111 op:1 0 q:1 m:1 1 vm:4", _L0)])


def decode_shift(l: int, imm6: int):
    """(esize in bytes, left shift, right shift) of L:imm6, or None (not a shift)."""
    if l:
        return 8, imm6, 64 - imm6
    for e, top in ((4, 32), (2, 16), (1, 8)):
        if imm6 >= top:
            return e, imm6 - top, 2 * top - imm6
    return None


# ---------------------------------------------------------------- lowering
def _same_trans(name):
    _u, _opc, vop, right, sat = _SAME[name]

    def trans(ctx, f) -> bool:
        sh = decode_shift(f["l"], f["imm6"])
        if sh is None:
            return False
        e, left, rsh = sh
        q, d, m = f["q"], reg_d(f), reg_m(f)
        if not q_ok(q, d, m):
            return False
        op = vop if isinstance(vop, str) else vop[f.get("u", 0)]
        ctx.b.vop(op, e, dofs(d), dofs(m), None, rsh if right else left, vsize(q),
                  VX if sat else None)
        return True
    trans.__name__ = f"trans_{name}"
    return trans


def _narrow_trans(name):
    _u, _opc, _r, vop, sat = _NARROW[name]

    def trans(ctx, f) -> bool:
        sh = decode_shift(0, f["imm6"])
        if sh is None or f["imm6"] < 8:
            return False
        e, _left, rsh = sh
        d, m = reg_d(f), reg_m(f)
        if m & 1:
            return False
        ctx.b.vop(vop, 2 * e, dofs(d), dofs(m), None, rsh, 8, VX if sat else None)
        return True
    trans.__name__ = f"trans_{name}"
    return trans


for _n in _SAME:
    globals()[f"trans_{_n}"] = _same_trans(_n)
for _n in _NARROW:
    globals()[f"trans_{_n}"] = _narrow_trans(_n)


def trans_VSHLL(ctx, f) -> bool:
    """VSHLL #n (n < esize) and VMOVL (n == 0)."""
    sh = decode_shift(0, f["imm6"])
    if sh is None:
        return False
    e, left, _r = sh
    d, m = reg_d(f), reg_m(f)
    if d & 1:
        return False
    s = "u" if f.get("u") else "s"
    if left == 0:
        ctx.b.vop(f"movl_{s}", e, dofs(d), dofs(m), None, 0, 16)
    else:
        ctx.b.vop(f"shll_{s}", e, dofs(d), dofs(m), None, left, 16)
    return True


def trans_VCVT_fixed(ctx, f) -> bool:
    """VCVT.F32.<S|U>32 (op 0) / VCVT.<S|U>32.F32 (op 1) with fraction bits."""
    if f["imm6"] < 32:
        return False
    fbits = 64 - f["imm6"]
    q, d, m = f["q"], reg_d(f), reg_m(f)
    if not q_ok(q, d, m):
        return False
    s = "u" if f.get("u") else "s"
    op = f"fcvt_f{s}" if f["op"] else f"fcvt_{s}f"
    fp_ready(ctx)
    ctx.b.vop(op, 4, dofs(d), dofs(m), None, fbits, vsize(q), VX)
    return True


A32, T32 = neon_rows(_ROWS, globals())

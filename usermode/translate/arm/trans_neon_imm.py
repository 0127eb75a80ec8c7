"""Advanced SIMD one register and a modified immediate: VMOV, VMVN, VORR,
VBIC (immediate).  ``1111 001 i 1 D 000 imm3 Vd cmode 0 Q op 1 imm4``; the
64-bit constant is AdvSIMDExpandImm(op, cmode, i:imm3:imm4) (gen_neon.expand_imm).

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF2800E5F)          # vmov.i8 q0, #0x0f... (cmode 1110)
    pat.name                                 # 'VIMM'
"""
from __future__ import annotations

from .gen_neon import SCRATCH, dofs, expand_imm, neon_rows, vsize

# ---------------------------------------------------------------- tables
_ROWS = [
    ("VIMM", "i:1", "1 d:1 000 imm3:3 vd:4 cmode:4 0 q:1 op:1 1 imm4:4"),
]


# ---------------------------------------------------------------- lowering
def trans_VIMM(ctx, f) -> bool:
    cmode, op, q = f["cmode"], f["op"], f["q"]
    vd = f["d"] << 4 | f["vd"]
    if q and vd & 1:
        return False
    if op and cmode == 15:
        return False
    imm = expand_imm(cmode, op, f["i"] << 7 | f["imm3"] << 4 | f["imm4"])
    n, b = vsize(q), ctx.b
    if cmode & 1 and cmode < 12:                  # VORR / VBIC
        b.vdupi(SCRATCH, imm, n)
        b.vop("andc" if op else "or", 8, dofs(vd), dofs(vd), SCRATCH, 0, n)
        return True
    if op and cmode != 14:                        # VMVN
        imm = ~imm & ((1 << 64) - 1)
    b.vdupi(dofs(vd), imm, n)
    return True


A32, T32 = neon_rows(_ROWS, globals())

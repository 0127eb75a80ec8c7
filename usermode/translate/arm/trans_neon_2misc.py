"""Advanced SIMD "two registers, miscellaneous": VREV16/32/64, VPADDL VPADAL,
VCLS VCLZ VCNT VMVN, VQABS VQNEG, compares with zero (integer and f32),
VABS VNEG (integer and f32), VSWP VTRN VUZP VZIP, VMOVN VQMOVN VQMOVUN,
VSHLL (by the element size), VCVT f16<->f32, VRECPE VRSQRTE (u32, f32),
VCVT f32<->s32/u32, and the ARMv8 VRINT{N,X,A,Z,M,P} and VCVT{A,N,P,M}.

Encoding (A32): ``1111 001 1 1 D 11 size:2 opc1:2 Vd 0 opc2:4 Q M 0 Vm``.
The table gives (NAME, opc1, opc2, Q-bit or "q:1", handler arguments).
VSWP/VTRN/VUZP/VZIP rewrite both registers: a byte permutation over the
pair (``zip_index`` etc. compute it).

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF3B60181)          # vzip.16 d0, d1
    pat.name                                 # 'VZIP'
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List

from .gen_neon import VX, dofs, fp_ready, neon_rows, q_ok, reg_d, reg_m, vsize

# ---------------------------------------------------------------- tables
S012, S01, S0, S2, S1 = (0, 1, 2), (0, 1), (0,), (2,), (1,)
# NAME: (opc1, opc2, Q spec, vop, sizes, kind)
#   kind: "same" (Q or D), "long" (Q <- D), "narrow" (D <- Q), "perm", "fp" (same, float),
#   "pair" (pairwise long, Q or D)
_OPS = {
    "VREV64":   ("00", "0000", "q:1", "rev", S012, "rev8"),
    "VREV32":   ("00", "0001", "q:1", "rev", S01, "rev4"),
    "VREV16":   ("00", "0010", "q:1", "rev", S0, "rev2"),
    "VPADDL_S": ("00", "0100", "q:1", "paddl_s", S012, "pair"),
    "VPADDL_U": ("00", "0101", "q:1", "paddl_u", S012, "pair"),
    "VCLS":     ("00", "1000", "q:1", "cls", S012, "same"),
    "VCLZ":     ("00", "1001", "q:1", "clz", S012, "same"),
    "VCNT":     ("00", "1010", "q:1", "cnt", S0, "same"),
    "VMVN":     ("00", "1011", "q:1", "not", S0, "same"),
    "VPADAL_S": ("00", "1100", "q:1", "padal_s", S012, "pair"),
    "VPADAL_U": ("00", "1101", "q:1", "padal_u", S012, "pair"),
    "VQABS":    ("00", "1110", "q:1", "qabs", S012, "sat"),
    "VQNEG":    ("00", "1111", "q:1", "qneg", S012, "sat"),
    "VCGT0":    ("01", "0000", "q:1", "cgt0", S012, "same"),
    "VCGE0":    ("01", "0001", "q:1", "cge0", S012, "same"),
    "VCEQ0":    ("01", "0010", "q:1", "ceq0", S012, "same"),
    "VCLE0":    ("01", "0011", "q:1", "cle0", S012, "same"),
    "VCLT0":    ("01", "0100", "q:1", "clt0", S012, "same"),
    "VABS":     ("01", "0110", "q:1", "abs", S012, "same"),
    "VNEG":     ("01", "0111", "q:1", "neg", S012, "same"),
    "VCGT0_F":  ("01", "1000", "q:1", "fcgt0", S2, "fp"),
    "VCGE0_F":  ("01", "1001", "q:1", "fcge0", S2, "fp"),
    "VCEQ0_F":  ("01", "1010", "q:1", "fceq0", S2, "fp"),
    "VCLE0_F":  ("01", "1011", "q:1", "fcle0", S2, "fp"),
    "VCLT0_F":  ("01", "1100", "q:1", "fclt0", S2, "fp"),
    "VABS_F":   ("01", "1110", "q:1", "fabs", S2, "same"),
    "VNEG_F":   ("01", "1111", "q:1", "fneg", S2, "same"),
    "VSWP":     ("10", "0000", "q:1", "swp", S0, "perm"),
    "VTRN":     ("10", "0001", "q:1", "trn", S012, "perm"),
    "VUZP":     ("10", "0010", "q:1", "uzp", S012, "perm"),
    "VZIP":     ("10", "0011", "q:1", "zip", S012, "perm"),
    "VMOVN":    ("10", "0100", "0", "movn", S012, "narrow"),
    "VQMOVUN":  ("10", "0100", "1", "qmovun", S012, "narrow_sat"),
    "VQMOVN_S": ("10", "0101", "0", "qmovn_s", S012, "narrow_sat"),
    "VQMOVN_U": ("10", "0101", "1", "qmovn_u", S012, "narrow_sat"),
    "VSHLL_max": ("10", "0110", "0", "shll", S012, "shll"),
    "VCVT_F16_F32": ("10", "1100", "0", "fcvt_fh", S1, "fcvt_narrow"),
    "VCVT_F32_F16": ("10", "1110", "0", "fcvt_hf", S1, "fcvt_long"),
    "VRECPE":   ("11", "1000", "q:1", "recpe_u", S2, "same"),
    "VRSQRTE":  ("11", "1001", "q:1", "rsqrte_u", S2, "same"),
    "VRECPE_F": ("11", "1010", "q:1", "frecpe", S2, "fp"),
    "VRSQRTE_F": ("11", "1011", "q:1", "frsqrte", S2, "fp"),
    "VCVT_FS":  ("11", "1100", "q:1", "fcvt_sf", S2, "fp"),
    "VCVT_FU":  ("11", "1101", "q:1", "fcvt_uf", S2, "fp"),
    "VCVT_SF":  ("11", "1110", "q:1", "fcvt_fs", S2, "fp"),
    "VCVT_UF":  ("11", "1111", "q:1", "fcvt_fu", S2, "fp"),
    # ARMv8: round to integral (i = FPR_* mode, | 8 for VRINTX), convert with a mode
    "VRINTN":   ("10", "1000", "q:1", "frint", S2, "fp0"),
    "VRINTX":   ("10", "1001", "q:1", "frint", S2, "fp8"),
    "VRINTA":   ("10", "1010", "q:1", "frint", S2, "fp4"),
    "VRINTZ":   ("10", "1011", "q:1", "frint", S2, "fp3"),
    "VRINTM":   ("10", "1101", "q:1", "frint", S2, "fp2"),
    "VRINTP":   ("10", "1111", "q:1", "frint", S2, "fp1"),
    "VCVTAS":   ("11", "0000", "q:1", "fcvtr_s", S2, "fp4"),
    "VCVTAU":   ("11", "0001", "q:1", "fcvtr_u", S2, "fp4"),
    "VCVTNS":   ("11", "0010", "q:1", "fcvtr_s", S2, "fp0"),
    "VCVTNU":   ("11", "0011", "q:1", "fcvtr_u", S2, "fp0"),
    "VCVTPS":   ("11", "0100", "q:1", "fcvtr_s", S2, "fp1"),
    "VCVTPU":   ("11", "0101", "q:1", "fcvtr_u", S2, "fp1"),
    "VCVTMS":   ("11", "0110", "q:1", "fcvtr_s", S2, "fp2"),
    "VCVTMU":   ("11", "0111", "q:1", "fcvtr_u", S2, "fp2"),
}
_ROWS = [(name, "1", f"1 d:1 11 size:2 {o1} vd:4 0 {o2} {q} m:1 0 vm:4")
         for name, (o1, o2, q, *_r) in _OPS.items()]


# ------------------------------------------------------------ permutations
def pair_elements(kind: str, ne: int) -> List[int]:
    """Output element k (of d' then m') = input element (of d then m)."""
    out = [0] * (2 * ne)
    for k in range(ne):
        if kind == "zip":
            out[2 * k], out[2 * k + 1] = k, ne + k
        elif kind == "uzp":
            out[k], out[ne + k] = 2 * k, 2 * k + 1
        elif kind == "swp":
            out[k], out[ne + k] = ne + k, k
    if kind == "trn":
        for k in range(0, ne, 2):
            out[k], out[k + 1] = k, ne + k                   # d' = d[2i], m[2i]
            out[ne + k], out[ne + k + 1] = k + 1, ne + k + 1  # m' = d[2i+1], m[2i+1]
    return out


def byte_index(elements: List[int], e: int) -> List[int]:
    return [x * e + j for x in elements for j in range(e)]


# ---------------------------------------------------------------- lowering
def _trans(name):
    _o1, _o2, _q, vop, sizes, kind = _OPS[name]

    def trans(ctx, f) -> bool:
        size = f["size"]
        if size not in sizes:
            return False
        q, d, m = f.get("q", 0), reg_d(f), reg_m(f)
        e, b = 1 << size, ctx.b
        if kind in ("same", "sat", "pair") or kind.startswith(("rev", "fp")):
            if not q_ok(q, d, m):
                return False
            n = vsize(q)
            fp = kind.startswith("fp")
            if fp:
                fp_ready(ctx)
            x = VX if kind == "sat" or fp else None
            i = int(kind[3:]) if kind.startswith("rev") else int(kind[2:] or 0) if fp else 0
            b.vop(vop, e, dofs(d), dofs(m), None, i, n, x)
            return True
        if kind == "perm":
            if not q_ok(q, d, m) or (vop in ("zip", "uzp") and not q and size == 2):
                return False
            n = vsize(q)
            idx = byte_index(pair_elements(vop, n // e), e)
            b.vperm([(dofs(d), n), (dofs(m), n)], [(dofs(d), n), (dofs(m), n)], idx)
            return True
        if kind in ("narrow", "narrow_sat"):
            if m & 1:
                return False
            b.vop(vop, 2 * e, dofs(d), dofs(m), None, 0, 8, VX if kind == "narrow_sat" else None)
            return True
        if kind == "shll":
            if d & 1:
                return False
            b.vop("shll_u", e, dofs(d), dofs(m), None, 8 * e, 16)
            return True
        if kind == "fcvt_narrow":
            if m & 1:
                return False
            fp_ready(ctx)
            b.vop(vop, 4, dofs(d), dofs(m), None, 0, 8, VX)
            return True
        if kind == "fcvt_long":
            if d & 1:
                return False
            fp_ready(ctx)
            b.vop(vop, 2, dofs(d), dofs(m), None, 0, 16, VX)
            return True
        return False
    trans.__name__ = f"trans_{name}"
    return trans


for _n in _OPS:
    globals()[f"trans_{_n}"] = _trans(_n)

A32, T32 = neon_rows(_ROWS, globals())

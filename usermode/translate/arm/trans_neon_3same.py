"""Advanced SIMD "three registers of the same length": integer arithmetic,
logic, compares, shifts by register, saturating ops, multiply(-accumulate),
VQDMULH/VQRDMULH, pairwise ops and the float group (VADD...VRSQRTS, VFMA).

Encoding (A32): ``1111 001 U 0 D size:2 Vn Vd opc:4 N Q M o Vm``; the row
table below gives (NAME, U, opc, o, vop, allowed element sizes); for the
float rows bit 21 is an opcode bit and bit 20 the size (0 = f32).  The
shifts by register name their operands Dd, Dm, Dn: the shifted value is Vm,
the counts are in Vn.  Pairwise ops have no Q form.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF2020840)          # vadd.i8 q0, q1, q0
    pat.name                                 # 'VADD'
"""
from __future__ import annotations

from .gen_neon import VX, dofs, fp_ready, neon_rows, q_ok, reg_d, reg_m, reg_n, vsize

# ---------------------------------------------------------------- tables
ALL, NO64, HS, B8 = (0, 1, 2, 3), (0, 1, 2), (1, 2), (0,)
# NAME: (U, opc, o, vop or (vop_s, vop_u) by U, element sizes, flags)
#   flags: "sat" (sets QC), "rev" (shift: value in Vm), "pair" (no Q form)
_INT = {
    "VHADD":   ("u:1", "0000", 0, ("hadd_s", "hadd_u"), NO64, ""),
    "VQADD":   ("u:1", "0000", 1, ("qadd_s", "qadd_u"), ALL, "sat"),
    "VRHADD":  ("u:1", "0001", 0, ("rhadd_s", "rhadd_u"), NO64, ""),
    "VHSUB":   ("u:1", "0010", 0, ("hsub_s", "hsub_u"), NO64, ""),
    "VQSUB":   ("u:1", "0010", 1, ("qsub_s", "qsub_u"), ALL, "sat"),
    "VCGT":    ("u:1", "0011", 0, ("cgt_s", "cgt_u"), NO64, ""),
    "VCGE":    ("u:1", "0011", 1, ("cge_s", "cge_u"), NO64, ""),
    "VSHL":    ("u:1", "0100", 0, ("shl_s", "shl_u"), ALL, "rev"),
    "VQSHL":   ("u:1", "0100", 1, ("qshl_s", "qshl_u"), ALL, "rev sat"),
    "VRSHL":   ("u:1", "0101", 0, ("rshl_s", "rshl_u"), ALL, "rev"),
    "VQRSHL":  ("u:1", "0101", 1, ("qrshl_s", "qrshl_u"), ALL, "rev sat"),
    "VMAX":    ("u:1", "0110", 0, ("max_s", "max_u"), NO64, ""),
    "VMIN":    ("u:1", "0110", 1, ("min_s", "min_u"), NO64, ""),
    "VABD":    ("u:1", "0111", 0, ("abd_s", "abd_u"), NO64, ""),
    "VABA":    ("u:1", "0111", 1, ("aba_s", "aba_u"), NO64, ""),
    "VADD":    ("0", "1000", 0, "add", ALL, ""),
    "VSUB":    ("1", "1000", 0, "sub", ALL, ""),
    "VTST":    ("0", "1000", 1, "tst", NO64, ""),
    "VCEQ":    ("1", "1000", 1, "ceq", NO64, ""),
    "VMLA":    ("0", "1001", 0, "mla", NO64, ""),
    "VMLS":    ("1", "1001", 0, "mls", NO64, ""),
    "VMUL":    ("0", "1001", 1, "mul", NO64, ""),
    "VMUL_p":  ("1", "1001", 1, "mulp", B8, ""),
    "VPMAX":   ("u:1", "1010", 0, ("pmax_s", "pmax_u"), NO64, "pair"),
    "VPMIN":   ("u:1", "1010", 1, ("pmin_s", "pmin_u"), NO64, "pair"),
    "VQDMULH": ("0", "1011", 0, "qdmulh", HS, "sat"),
    "VQRDMULH": ("1", "1011", 0, "qrdmulh", HS, "sat"),
    "VPADD":   ("0", "1011", 1, "padd", NO64, "pair"),
}
# logic: size field selects the op
_LOGIC = {"VAND": ("0", "00", "and"), "VBIC": ("0", "01", "andc"), "VORR": ("0", "10", "or"),
          "VORN": ("0", "11", "orc"), "VEOR": ("1", "00", "xor"), "VBSL": ("1", "01", "bsl"),
          "VBIT": ("1", "10", "bit"), "VBIF": ("1", "11", "bif")}
# float (f32 only: bit 20 == 0): NAME: (U, opc, bit 21, o, vop, flags)
_FP = {
    "VADD_f":   ("0", "1101", 0, 0, "fadd", ""),
    "VSUB_f":   ("0", "1101", 1, 0, "fsub", ""),
    "VPADD_f":  ("1", "1101", 0, 0, "fpadd", "pair"),
    "VABD_f":   ("1", "1101", 1, 0, "fabd", ""),
    "VMLA_f":   ("0", "1101", 0, 1, "fmla", ""),
    "VMLS_f":   ("0", "1101", 1, 1, "fmls", ""),
    "VMUL_f":   ("1", "1101", 0, 1, "fmul", ""),
    "VCEQ_f":   ("0", "1110", 0, 0, "fceq", ""),
    "VCGE_f":   ("1", "1110", 0, 0, "fcge", ""),
    "VACGE_f":  ("1", "1110", 0, 1, "facge", ""),
    "VCGT_f":   ("1", "1110", 1, 0, "fcgt", ""),
    "VACGT_f":  ("1", "1110", 1, 1, "facgt", ""),
    "VMAX_f":   ("0", "1111", 0, 0, "fmax", ""),
    "VMIN_f":   ("0", "1111", 1, 0, "fmin", ""),
    "VPMAX_f":  ("1", "1111", 0, 0, "fpmax", "pair"),
    "VPMIN_f":  ("1", "1111", 1, 0, "fpmin", "pair"),
    "VRECPS_f": ("0", "1111", 0, 1, "frecps", ""),
    "VRSQRTS_f": ("0", "1111", 1, 1, "frsqrts", ""),
    "VFMA_f":   ("0", "1100", 0, 1, "fma", ""),
    "VFMS_f":   ("0", "1100", 1, 1, "fms", ""),
    "VMAXNM_f": ("1", "1111", 0, 1, "fmaxnm", ""),     # ARMv8
    "VMINNM_f": ("1", "1111", 1, 1, "fminnm", ""),
}

_ROWS = ([(name, u, f"0 d:1 size:2 vn:4 vd:4 {opc} n:1 q:1 m:1 {o} vm:4")
          for name, (u, opc, o, *_rest) in _INT.items()]
         + [(name, u, f"0 d:1 {sz} vn:4 vd:4 0001 n:1 q:1 m:1 1 vm:4")
            for name, (u, sz, _op) in _LOGIC.items()]
         + [(name, u, f"0 d:1 {b21} 0 vn:4 vd:4 {opc} n:1 q:1 m:1 {o} vm:4")
            for name, (u, opc, b21, o, *_rest) in _FP.items()])


# ---------------------------------------------------------------- lowering
def gen_3same(ctx, f, op: str, e: int, flags: str, fp: bool = False) -> bool:
    q = f["q"]
    d, n, m = reg_d(f), reg_n(f), reg_m(f)
    if "pair" in flags and q:
        return False
    if not q_ok(q, d, n, m):
        return False
    if "rev" in flags:
        n, m = m, n
    if fp:
        fp_ready(ctx)
    x = VX if ("sat" in flags or fp) else None
    ctx.b.vop(op, e, dofs(d), dofs(n), dofs(m), 0, vsize(q), x)
    return True


def _int_trans(name):
    u_spec, _opc, _o, vop, sizes, flags = _INT[name]

    def trans(ctx, f) -> bool:
        if f["size"] not in sizes:
            return False
        op = vop if isinstance(vop, str) else vop[f.get("u", 0)]
        return gen_3same(ctx, f, op, 1 << f["size"], flags)
    trans.__name__ = f"trans_{name}"
    return trans


def _logic_trans(name):
    op = _LOGIC[name][2]

    def trans(ctx, f) -> bool:
        return gen_3same(ctx, f, op, 8, "")
    trans.__name__ = f"trans_{name}"
    return trans


def _fp_trans(name):
    op, flags = _FP[name][4], _FP[name][5]

    def trans(ctx, f) -> bool:
        return gen_3same(ctx, f, op, 4, flags, fp=True)
    trans.__name__ = f"trans_{name}"
    return trans


for _n in _INT:
    globals()[f"trans_{_n}"] = _int_trans(_n)
for _n in _LOGIC:
    globals()[f"trans_{_n}"] = _logic_trans(_n)
for _n in _FP:
    globals()[f"trans_{_n}"] = _fp_trans(_n)

A32, T32 = neon_rows(_ROWS, globals())

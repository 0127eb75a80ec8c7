"""Shared lowering for the Advanced SIMD (NEON) translators (trans_neon_*.py):
register offsets, the A32/T32 pattern rows, the ARM vector environment
(FPSCR.QC for saturation, the standard FPSCR value for float), scratch
vectors and small gen_* helpers over the IR's vector ops.

NEON registers are byte ranges of the CPU state: D<n> is the 8 bytes of the
``d`` field n, Q<n> is D<2n>:D<2n+1> (16 contiguous bytes), so every vector op
names its operands by offset (``dofs(n)``).  Encodings: an A32 data-processing
row is ``1111 001 U <bits 23..0>``; the T32 encoding moves U to bit 28:
``111 U 1111 <bits 23..0>`` (``neon_rows``); element loads/stores are
``1111 0100 ...`` in A32 and ``1111 1001 ...`` in T32 (``neon_ls_rows``).

Usage::

    from .gen_neon import neon_rows, dofs, VX, vfp_ready
    _ROWS = [("VADD", "u:1", "0 d:1 size:2 vn:4 vd:4 1000 n:1 q:1 m:1 0 vm:4")]
    A32, T32 = neon_rows(_ROWS, globals())
    ctx.b.vop("add", 4, dofs(vd), dofs(vn), dofs(vm), n=16)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Sequence, Tuple

from ..cpustate import EXCP_FAULT
from ..ir import EXIT_EXCEPTION, I32, I64, Cond, Const, VecEnv
from .cpu import EXC_ARG, EXC_ARG2, EXCEPTION, FPSCR, LAYOUT, PC
from .gen_table import build
from .gen_vfp import vfp_begin

# ---------------------------------------------------------------- tables
from .runtime_config import FPSCR_IDC, FPSCR_QC  # noqa: E402,F401
FPSCR_RMODE = 3 << 22
D0 = LAYOUT.offset("d", 0)
SCRATCH = LAYOUT.offset("scratch", 0)           # 64 bytes: two Q-sized scratch vectors
SCRATCH2 = SCRATCH + 16
SCRATCH3 = SCRATCH + 32
SIGBUS, BUS_ADRALN = 7, 1
# fault_signo and fault_code are adjacent 16-bit header fields: one 32-bit store sets both
FAULT_SIGNO_CODE = LAYOUT.glob("fault_signo")
HOST_PC = LAYOUT.glob("host_pc")

# Saturation sets FPSCR.QC; float ops use the standard FPSCR value and take
# the slow path while FPSCR.RMode is not round-to-nearest (the live MXCSR
# rounds like the scalar mode).
VX = VecEnv(sat=FPSCR, sat_mask=FPSCR_QC, fp_guard=FPSCR, fp_guard_mask=FPSCR_RMODE,
            slow="neon_vop")



# ---------------------------------------------------------------- patterns
def neon_rows(rows: Sequence[tuple], ns: Dict[str, object]) -> Tuple[list, list]:
    """A32 and T32 decoder patterns of data-processing rows (NAME, U, bits 23..0[, opts])."""
    a32, t32 = [], []
    for row in rows:
        name, u, body = row[0], row[1], row[2]
        opts = tuple(row[3:])
        a32.append((name, f"1111 001 {u} {body}") + opts)
        t32.append((name, f"111 {u} 1111 {body}") + opts)
    return build(a32, ns, 32), build(t32, ns, 32)


def neon_ls_rows(rows: Sequence[tuple], ns: Dict[str, object]) -> Tuple[list, list]:
    """A32 and T32 patterns of element load/store rows (NAME, bits 23..0[, opts])."""
    a32 = [(r[0], f"1111 0100 {r[1]}") + tuple(r[2:]) for r in rows]
    t32 = [(r[0], f"1111 1001 {r[1]}") + tuple(r[2:]) for r in rows]
    return build(a32, ns, 32), build(t32, ns, 32)


# ---------------------------------------------------------------- registers
def dofs(n: int) -> int:
    """Offset of D<n> (of Q<n/2> when n is even)."""
    return D0 + 8 * n


def reg_d(f) -> int:
    return f["d"] << 4 | f["vd"]


def reg_n(f) -> int:
    return f["n"] << 4 | f["vn"]


def reg_m(f) -> int:
    return f["m"] << 4 | f["vm"]


def q_ok(q: int, *regs: int) -> bool:
    """Q forms need even register numbers."""
    return not q or not any(r & 1 for r in regs)


def vsize(q: int) -> int:
    return 16 if q else 8


def fp_ready(ctx) -> None:
    """Before a float vector op: the guest FP environment must be live."""
    vfp_begin(ctx)


vfp_ready = fp_ready


# ---------------------------------------------------------------- helpers
def gen_3(ctx, op: str, e: int, d: int, a: int, b: int, n: int, x=None) -> None:
    ctx.b.vop(op, e, dofs(d), dofs(a), dofs(b), 0, n, x)


def expand_imm(cmode: int, op: int, imm8: int) -> int:
    """AdvSIMDExpandImm: the 64-bit constant of a one-register immediate form."""
    if cmode >> 1 == 0:
        return (imm8 * 0x0000000100000001)
    if cmode >> 1 == 1:
        return (imm8 << 8) * 0x0000000100000001
    if cmode >> 1 == 2:
        return (imm8 << 16) * 0x0000000100000001
    if cmode >> 1 == 3:
        return (imm8 << 24) * 0x0000000100000001
    if cmode >> 1 == 4:
        return imm8 * 0x0001000100010001
    if cmode >> 1 == 5:
        return (imm8 << 8) * 0x0001000100010001
    if cmode == 12:
        return ((imm8 << 8) | 0xFF) * 0x0000000100000001
    if cmode == 13:
        return ((imm8 << 16) | 0xFFFF) * 0x0000000100000001
    if cmode == 14 and op == 0:
        return imm8 * 0x0101010101010101
    if cmode == 14:
        v = 0
        for k in range(8):
            if imm8 >> k & 1:
                v |= 0xFF << (8 * k)
        return v
    # cmode 15, op 0: a single-precision float constant (op 1: UNDEFINED)
    a, b, rest = imm8 >> 7, imm8 >> 6 & 1, imm8 & 0x3F
    f = a << 31 | (b ^ 1) << 30 | (0x1F if b else 0) << 25 | rest << 19
    return f * 0x0000000100000001


def perm_regs(regs: List[int]) -> List[Tuple[int, int]]:
    """(offset, 8) ranges of D registers, for vperm/vldx/vstx."""
    return [(dofs(r), 8) for r in regs]


def gen_align_check(ctx, addr, align: int, store: bool) -> None:
    """An element/structure access whose alignment qualifier says `align`
    bytes: a misaligned address raises SIGBUS (BUS_ADRALN) at this
    instruction, as on ARM and qemu-arm."""
    if align <= 1:
        return
    b = ctx.b
    ok = b.label()
    if isinstance(addr, Const) and addr.value % align == 0:
        return
    t = ctx.tmp()
    b.and_(t, addr, align - 1)
    b.brcond(Cond.EQ, t, 0, ok)
    b.mov(PC, Const(ctx.pc, I64))
    flags = ctx.flags_here()
    if flags != ctx.flags:
        from .cpu import TB_FLAGS
        b.mov(TB_FLAGS, Const(flags, I64))
    b.mov(EXCEPTION, Const(EXCP_FAULT, I32))
    a64 = ctx.tmp64()
    b.ext32u(a64, addr)
    b.mov(EXC_ARG, a64)
    b.mov(EXC_ARG2, Const(1 if store else 0, I64))
    b.mov(HOST_PC, Const(0, I64))
    b.mov(FAULT_SIGNO_CODE, Const(SIGBUS | BUS_ADRALN << 16, I32))
    b.exit_tb(EXIT_EXCEPTION)
    b.set_label(ok)

"""Lowering of the IR's vector (gvec) ops to SSE2/SSSE3/SSE4.1: the layout
ops (vmov, vdupi, vdup, vdupe, vld, vst, vperm, vldx, vstx) here, the
lane-wise ``vop`` operations in vec_int.py (integer) and vec_fp.py (float).

Vectors live in the CPU state (``[rbp + offset]``, not 16-byte aligned: only
movq/movdqu touch them).  An op loads its sources into xmm registers, works
there (xmm0-xmm15 are scratch, never live across IR ops) and stores the
result, so overlapping operands are fine.  Constants are built in registers
through rax (vconst).  An operation with no short exact SSE sequence, or the
slow path of a float op, calls the C reference implementation
``neon_vop(env, opcode, d, a, b, imm)`` (runtime/neon_helpers.c), saving the
caller-saved temp registers around the call.  ``PYQEMU_VEC_HELPERS=1`` in
the environment sends every vop to it (to test the inline code against it).
Permutations (VZIP/VUZP/VTRN/VEXT/VREV and the interleaving loads/stores)
become pshufb with constant index vectors.  The host must have SSE4.1.

Usage (through the code generator, which registers VEC_DISPATCH)::

    from usermode.translate.ir import IRBuilder
    b = IRBuilder()
    b.vop("add", 4, 200, 208, 216, n=16)        # [rbp+200..216) = lanes of two vectors summed
"""
from __future__ import annotations

import os
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Sequence, Tuple

from ..ir import I64, Const, vec_opcode
from .encoder import (R8, R9, R10, R11, RAX, RBP, RCX, RDI, RDX, RSI, RSP, Mem)
from .ops import CodegenError
from . import vec_encoder  # noqa: F401  (registers the packed forms on Assembler)
from .vec_encoder import XMM0, XMM1, XMM2, XMM3, XMM8

# ------------------------------------------------------------------ tables
FORCE_HELPERS = os.environ.get("PYQEMU_VEC_HELPERS", "") not in ("", "0")
SAVE_REGS = (RDI, R8, R9, R10, R11)          # caller-saved temp registers (codegen)
NO_B = 0                                     # the helper's "no operand b"
SRC_XMM = (XMM8, XMM8 + 1, XMM8 + 2, XMM8 + 3, XMM8 + 4)    # vperm source chunks
ZERO_IDX = 0x80                              # pshufb: this index gives a zero byte


def env_mem(ofs: int) -> Mem:
    return Mem(RBP, ofs)


# ============================================================ operand access
def vload(s, x: int, ofs: int, size: int) -> None:
    """xmm x = `size` (4, 8 or 16) bytes at env+ofs (the rest zeroed)."""
    A = s.a
    if size == 16:
        A.MOVDQU_xm(x, env_mem(ofs))
    elif size == 8:
        A.MOVQ_xm(x, env_mem(ofs))
    elif size == 4:
        A.MOVD_xm(x, env_mem(ofs))
    else:
        raise CodegenError(f"vector load of {size} bytes")


def vstore(s, ofs: int, x: int, size: int) -> None:
    A = s.a
    if size == 16:
        A.MOVDQU_mx(env_mem(ofs), x)
    elif size == 8:
        A.MOVQ_mx(env_mem(ofs), x)
    elif size == 4:
        A.MOVD_mx(env_mem(ofs), x)
    else:
        raise CodegenError(f"vector store of {size} bytes")


def vconst(s, x: int, data: bytes) -> None:
    """xmm x = the 16 bytes `data` (8 bytes: repeated), through rax."""
    A = s.a
    if len(data) == 8:
        data = data * 2
    lo, hi = int.from_bytes(data[:8], "little"), int.from_bytes(data[8:], "little")
    if lo == 0 and hi == 0:
        A.PXOR_xx(x, x)
    elif lo == hi == (1 << 64) - 1:
        A.PCMPEQB_xx(x, x)
    elif lo == hi and data[:4] == data[4:8]:
        A.MOV32_ri(RAX, lo & 0xFFFFFFFF)
        A.MOVD_xr(x, RAX)
        A.PSHUFD_xxi(x, x, 0)
    else:
        s.load_imm(RAX, lo, I64)
        A.MOVQ_xr(x, RAX)
        if lo == hi:
            A.PUNPCKLQDQ_xx(x, x)
        else:
            s.load_imm(RAX, hi, I64)
            A.PINSRQ_xri(x, RAX, 1)


def vsplat(s, x: int, e: int, value: int) -> None:
    """xmm x = every e-byte element `value`."""
    v = value & ((1 << (8 * e)) - 1)
    vconst(s, x, v.to_bytes(e, "little") * (16 // e))


def vmove(s, dst: int, src: int) -> None:
    if dst != src:
        s.a.MOVDQA_xx(dst, src)


# =============================================================== helper call
_helper = None


def neon_vop_addr() -> int:
    global _helper
    if _helper is None:
        from .. import _runtime
        p = _runtime.lib.neon_helper_addr(b"neon_vop")
        if p == _runtime.ffi.NULL:
            raise CodegenError("the runtime has no neon_vop (rebuild it)")
        _helper = int(_runtime.ffi.cast("uintptr_t", p))
    return _helper


def gen_vop_call(s, op: str, e: int, d: int, a: int, b: Optional[int], i: int, n: int) -> None:
    """neon_vop(env, opcode, d, a, b, i), every temp register preserved."""
    A = s.a
    for r in SAVE_REGS:
        A.PUSH_r(r)
    A.SUB_ri(RSP, 8)                             # 48 bytes: rsp stays 16-byte aligned
    A.MOV_rr(RDI, RBP)
    A.MOV32_ri(RSI, vec_opcode(op, e, n))
    A.MOV32_ri(RDX, d)
    A.MOV32_ri(RCX, a)
    A.MOV32_ri(R8, NO_B if b is None else b)
    A.MOV32_ri(R9, i & 0xFFFFFFFF)
    A.MOV_ri(RAX, neon_vop_addr())
    A.CALL_r(RAX)
    A.ADD_ri(RSP, 8)
    for r in reversed(SAVE_REGS):
        A.POP_r(r)


# ================================================================ layout ops
def gen_vmov(s, d: int, a: int, n: int) -> None:
    if d == a:
        return
    chunks = [(k, min(16, n - k)) for k in range(0, n, 16)]
    for k, (off, size) in enumerate(chunks):        # all loads first: ranges may overlap
        vload(s, XMM0 + k, a + off, size)
    for k, (off, size) in enumerate(chunks):
        vstore(s, d + off, XMM0 + k, size)


def gen_vdupi(s, d: int, imm: int, n: int) -> None:
    vconst(s, XMM0, imm.to_bytes(8, "little"))
    vstore(s, d, XMM0, n)


def broadcast(s, x: int, e: int) -> None:
    """Every e-byte element of xmm x = its element 0."""
    A = s.a
    if e == 1:
        A.PXOR_xx(XMM1 if x != XMM1 else XMM0, XMM1 if x != XMM1 else XMM0)
        A.PSHUFB_xx(x, XMM1 if x != XMM1 else XMM0)
    elif e == 2:
        A.PSHUFLW_xxi(x, x, 0)
        A.PUNPCKLQDQ_xx(x, x)
    elif e == 4:
        A.PSHUFD_xxi(x, x, 0)
    else:
        A.PUNPCKLQDQ_xx(x, x)


def gen_vdup(s, e: int, d: int, v, n: int) -> None:
    A = s.a
    if isinstance(v, Const):
        gen_vdupi(s, d, int.from_bytes((v.value & ((1 << 8 * e) - 1)).to_bytes(e, "little")
                                       * (8 // e), "little"), n)
        return
    if e == 8:
        s.load(RAX, v)
        A.MOVQ_xr(XMM0, RAX)
    else:
        s.load32(RAX, v)
        A.MOVD_xr(XMM0, RAX)
    broadcast(s, XMM0, e)
    vstore(s, d, XMM0, n)


def gen_vdupe(s, e: int, d: int, a: int, n: int) -> None:
    A = s.a
    if e == 8:
        A.MOVQ_xm(XMM0, env_mem(a))
    elif e == 4:
        A.MOVD_xm(XMM0, env_mem(a))
    else:
        (A.MOVZXB32_rm if e == 1 else A.MOVZXW32_rm)(RAX, env_mem(a))
        A.MOVD_xr(XMM0, RAX)
    broadcast(s, XMM0, e)
    vstore(s, d, XMM0, n)


# ------------------------------------------------------------- guest memory
def _mem_chunks(n: int) -> List[Tuple[int, int]]:
    """(offset, size) pieces of an n-byte transfer: 16s, then an 8, 4, 2, 1."""
    out, off = [], 0
    while n - off >= 16:
        out.append((off, 16))
        off += 16
    for size in (8, 4, 2, 1):
        if n - off >= size:
            out.append((off, size))
            off += size
    return out


def gen_vld(s, d: int, addr, n: int) -> None:
    A = s.a
    g = s.guest_mem(addr)
    pieces = _mem_chunks(n)
    if n < 8:
        (A.MOVZXB32_rm if n == 1 else A.MOVZXW32_rm if n == 2 else A.MOV32_rm)(RAX, g)
        (A.MOV8_mr if n == 1 else A.MOV16_mr if n == 2 else A.MOV32_mr)(env_mem(d), RAX)
        return
    for k, (off, size) in enumerate(pieces):         # every load before any store
        (A.MOVDQU_xm if size == 16 else A.MOVQ_xm)(XMM0 + k, g.offset(off))
    for k, (off, size) in enumerate(pieces):
        vstore(s, d + off, XMM0 + k, size)


def gen_vst(s, a: int, addr, n: int) -> None:
    A = s.a
    g = s.guest_mem(addr)
    if n < 8:
        (A.MOVZXB32_rm if n == 1 else A.MOVZXW32_rm if n == 2 else A.MOV32_rm)(RAX, env_mem(a))
        (A.MOV8_mr if n == 1 else A.MOV16_mr if n == 2 else A.MOV32_mr)(g, RAX)
        return
    for off, size in _mem_chunks(n):
        vload(s, XMM0, a + off, size)
        (A.MOVDQU_mx if size == 16 else A.MOVQ_mx)(g.offset(off), XMM0)


# ------------------------------------------------------------- permutations
def _load_sources(s, pieces) -> int:
    """Load concatenated env ranges (sizes multiples of 8) into SRC_XMM chunks
    of 16 bytes; returns the number of chunks."""
    A = s.a
    pos = 0
    for ofs, size in pieces:
        if size % 8:
            raise CodegenError(f"vector range of {size} bytes")
        k = 0
        while k < size:
            chunk, half = divmod(pos, 16)
            x = SRC_XMM[chunk]
            if half == 0 and size - k >= 16:
                A.MOVDQU_xm(x, env_mem(ofs + k))
                pos, k = pos + 16, k + 16
            elif half == 0:
                A.MOVQ_xm(x, env_mem(ofs + k))
                pos, k = pos + 8, k + 8
            else:
                A.MOVHPS_xm(x, env_mem(ofs + k))
                pos, k = pos + 8, k + 8
    return (pos + 15) // 16


def _gather(s, out: int, idx: Sequence[int], nchunks: int, tmp: int = XMM1) -> None:
    """xmm out (16 bytes; len(idx) <= 16) = source bytes idx[j] (-1: zero)."""
    A = s.a
    ident = all(v == -1 or v == j for j, v in enumerate(idx))
    if ident and idx and nchunks >= 1:
        vmove(s, out, SRC_XMM[0])
        return
    for c in range(nchunks):
        ident_c = all(v == 16 * c + j for j, v in enumerate(idx))
        if ident_c:
            vmove(s, out, SRC_XMM[c])
            return
    first = True
    for c in range(nchunks):
        mask = bytes(v - 16 * c if 0 <= v - 16 * c < 16 else ZERO_IDX
                     for v in list(idx) + [-1] * (16 - len(idx)))
        if all(m == ZERO_IDX for m in mask):
            continue
        dst = out if first else XMM0 if out != XMM0 else XMM2
        vmove(s, dst, SRC_XMM[c])
        vconst(s, tmp, mask)
        A.PSHUFB_xx(dst, tmp)
        if not first:
            A.POR_xx(out, dst)
        first = False
    if first:
        A.PXOR_xx(out, out)


def _with_keep(dsts, srcs, idx):
    """Turn idx == -1 (keep the destination byte) into reads of the destination
    itself, appended to the sources."""
    if all(v >= 0 for v in idx):
        return list(srcs), list(idx)
    base = sum(size for _, size in srcs)
    srcs = list(srcs) + list(dsts)
    out, pos = [], 0
    for ofs, size in dsts:
        for j in range(size):
            v = idx[pos + j]
            out.append(v if v >= 0 else base + pos + j)
        pos += size
    return srcs, out


def _store_gathered(s, dsts, idx, nchunks: int) -> None:
    # compute every destination chunk before storing any (sources are in xmm)
    results = []
    pos = 0
    k = 0
    for ofs, size in dsts:
        for off in range(0, size, 16):
            sz = min(16, size - off)
            x = XMM3 + k
            _gather(s, x, idx[pos + off:pos + off + sz], nchunks)
            results.append((ofs + off, x, sz))
            k += 1
        pos += size
    for ofs, x, sz in results:
        vstore(s, ofs, x, sz)



def gen_vperm(s, dsts, srcs, idx) -> None:
    srcs, idx = _with_keep(dsts, srcs, idx)
    if sum(size for _, size in srcs) > 16 * len(SRC_XMM):
        raise CodegenError("vperm: sources too large")
    nchunks = _load_sources(s, srcs)
    _store_gathered(s, dsts, idx, nchunks)


def gen_vldx(s, dsts, addr, n: int, idx) -> None:
    A = s.a
    if any(v < 0 for v in idx) or n % 8 or n > 48:
        raise CodegenError("vldx: partial destinations or odd sizes are not supported")
    g = s.guest_mem(addr)
    for k, (off, size) in enumerate(_mem_chunks(n)):
        (A.MOVDQU_xm if size == 16 else A.MOVQ_xm)(SRC_XMM[k], g.offset(off))
    _store_gathered(s, dsts, idx, (n + 15) // 16)


def gen_vstx(s, srcs, addr, n: int, idx) -> None:
    A = s.a
    if n % 8 or n > 48:
        raise CodegenError("vstx: odd sizes are not supported")
    nchunks = _load_sources(s, srcs)
    outs = []
    for k, (off, size) in enumerate(_mem_chunks(n)):
        x = XMM3 + k
        _gather(s, x, idx[off:off + size], nchunks)
        outs.append((off, size, x))
    g = s.guest_mem(addr)                       # after the gathers: may use rdx
    for off, size, x in outs:
        (A.MOVDQU_mx if size == 16 else A.MOVQ_mx)(g.offset(off), x)


# ================================================================ lane-wise ops
def gen_vop(s, op, e, d, a, b, i, n, x) -> None:
    fn = None if FORCE_HELPERS else (VOP_INLINE if _INLINE else inline_lowerings()).get(op)
    if fn is not None and fn(s, op, e, d, a, b, i, n, x) is not False:
        return
    gen_vop_call(s, op, e, d, a, b, i, n)


VOP_INLINE: Dict[str, object] = {}               # op -> lowering (vec_int, vec_fp fill it)
_INLINE: List[bool] = []                         # [True] once both are imported


def inline_lowerings() -> Dict[str, object]:
    """VOP_INLINE with every lowering, imported on the first vop: vec_fp and
    vec_int register theirs when imported, which a program without lane-wise
    vector ops (most blocks have none) need not pay for at start-up."""
    if not _INLINE:
        from . import vec_fp, vec_int  # noqa: F401
        _INLINE.append(True)
    return VOP_INLINE


VEC_DISPATCH = {
    "vmov": gen_vmov,
    "vdupi": gen_vdupi,
    "vdup": gen_vdup,
    "vdupe": gen_vdupe,
    "vld": gen_vld,
    "vst": gen_vst,
    "vperm": gen_vperm,
    "vldx": gen_vldx,
    "vstx": gen_vstx,
    "vop": gen_vop,
}

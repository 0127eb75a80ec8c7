"""Advanced SIMD element and structure loads/stores: VLD1-VLD4 / VST1-VST4
of multiple structures (1-4 registers, interleaved), VLDn to all lanes, and
VLDn/VSTn of a single lane, with optional post-index writeback (Rm == 13:
by the transfer size, other Rm: by Rm).  A32 ``1111 0100 ...``, T32
``1111 1001 ...``.

Multiple structures with one register per structure are one contiguous
transfer (the D registers are contiguous in the CPU state); interleaved
ones are one guest load/store plus a byte permutation (pshufb); lanes go
element by element.

Usage::

    from usermode.translate.arm.translate import A32
    pat, f = A32.decode(0xF4200A1F)          # vld1.8 {d0-d1}, [r0]
    pat.name, f["itype"]                     # ('VLDST_multiple', 10)
"""
from __future__ import annotations

from .cpu import REG
from .gen_mem import base_reg
from .gen_neon import SCRATCH, dofs, gen_align_check, neon_ls_rows, perm_regs

# ---------------------------------------------------------------- tables
_ROWS = [
    ("VLDST_multiple", "0 d:1 l:1 0 rn:4 vd:4 itype:4 size:2 align:2 rm:4"),
    ("VLD_all_lanes",  "1 d:1 1 0 rn:4 vd:4 11 n:2 size:2 t:1 a:1 rm:4"),
    ("VLDST_single",   "1 d:1 l:1 0 rn:4 vd:4 00 n:2 idx:3 align:1 rm:4", {"extra": {"size": 0}}),
    ("VLDST_single",   "1 d:1 l:1 0 rn:4 vd:4 01 n:2 idx:2 sp:1 align:1 rm:4",
     {"extra": {"size": 1}}),
    ("VLDST_single",   "1 d:1 l:1 0 rn:4 vd:4 10 n:2 idx:1 sp:1 align:2 rm:4",
     {"extra": {"size": 2}}),
]
# itype -> (registers per structure element run, interleave, register spacing)
ELEMENT_TYPES = {0: (1, 4, 1), 1: (1, 4, 2), 2: (4, 1, 1), 3: (2, 2, 2), 4: (1, 3, 1),
                 5: (1, 3, 2), 6: (3, 1, 1), 7: (1, 1, 1), 8: (1, 2, 1), 9: (1, 2, 2),
                 10: (2, 1, 1)}


# ---------------------------------------------------------------- lowering
def _writeback(ctx, f, base, nbytes: int) -> None:
    rm, rn = f["rm"], f["rn"]
    if rm == 15:
        return
    b = ctx.b
    if rm == 13:
        b.add(REG[rn], base, nbytes)
    else:
        b.add(REG[rn], base, REG[rm])


def _base(ctx, f):
    """Rn as an address (copied: writeback may change Rn)."""
    base = base_reg(ctx, f["rn"])
    if f["rm"] != 15 and f["rn"] != 15:
        t = ctx.tmp()
        ctx.b.mov(t, base)
        return t
    return base


def _addr(ctx, base, off: int):
    if off == 0:
        return base
    from .gen_mem import addr_add
    return addr_add(ctx, base, off)


def trans_VLDST_multiple(ctx, f) -> bool:
    itype, size, align = f["itype"], f["size"], f["align"]
    if itype > 10:
        return False
    if (itype & 0xC) == 4 and align >= 2:
        return False
    if (itype & 0xC) == 8 and align == 3:
        return False
    nregs, interleave, spacing = ELEMENT_TYPES[itype]
    if size == 3 and (interleave | spacing) != 1:
        return False
    vd = f["d"] << 4 | f["vd"]
    esize = 1 << size
    # memory byte j -> (register, byte in register)
    order = []
    for reg in range(nregs):
        for el in range(8 // esize):
            for xs in range(interleave):
                order.append((vd + reg + spacing * xs, el))
    regs = sorted({r for r, _ in order})
    if regs[-1] > 31:
        return False
    total = 8 * nregs * interleave
    base = _base(ctx, f)
    b = ctx.b
    if align:
        gen_align_check(ctx, base, 4 << align, not f["l"])
    if interleave == 1:
        (b.vld if f["l"] else b.vst)(dofs(vd), base, total)
    else:
        pos = {r: k for k, r in enumerate(regs)}
        mem_of = {}
        for j, (r, el) in enumerate(order):
            for k in range(esize):
                mem_of[8 * pos[r] + el * esize + k] = j * esize + k
        if f["l"]:
            b.vldx(perm_regs(regs), base, total, [mem_of[i] for i in range(8 * len(regs))])
        else:
            reg_of = {m: i for i, m in mem_of.items()}
            b.vstx(perm_regs(regs), base, total, [reg_of[j] for j in range(total)])
    _writeback(ctx, f, base, total)
    return True


def trans_VLD_all_lanes(ctx, f) -> bool:
    size, nregs, a = f["size"], f["n"] + 1, f["a"]
    if size == 3:
        if nregs != 4 or a == 0:
            return False
        size, align = 2, 16
    elif a and (nregs == 3 or (nregs == 1 and size == 0)):
        return False
    else:
        align = (1 << size) * {1: 1, 2: 2, 4: 4}.get(nregs, 0) if a else 0
    stride = 2 if f["t"] else 1
    vd = f["d"] << 4 | f["vd"]
    esize = 1 << size
    targets = [vd, vd + 1] if nregs == 1 and f["t"] else [vd + r * stride for r in range(nregs)]
    if max(targets) > 31:
        return False
    base = _base(ctx, f)
    b = ctx.b
    gen_align_check(ctx, base, align, False)
    for r in range(nregs):                         # load every element first
        b.vld(SCRATCH + r * esize, _addr(ctx, base, r * esize), esize)
    if nregs == 1:
        for t in targets:
            b.vdupe(esize, dofs(t), SCRATCH, 8)
    else:
        for r, t in enumerate(targets):
            b.vdupe(esize, dofs(t), SCRATCH + r * esize, 8)
    _writeback(ctx, f, base, esize * nregs)
    return True


def trans_VLDST_single(ctx, f) -> bool:
    size, nregs, align = f["size"], f["n"] + 1, f["align"]
    idx = f["idx"]
    stride = 1 + f.get("sp", 0)
    if nregs == 1:
        if (align & (1 << size)) or (size == 2 and align in (1, 2)):
            return False
        if size >= 1 and f.get("sp", 0):
            return False
    elif nregs == 3:
        if align & 1 or (size == 2 and align & 2):
            return False
    elif nregs == 2:
        if size == 2 and align & 2:
            return False
    elif size == 2 and align == 3:
        return False
    vd = f["d"] << 4 | f["vd"]
    if vd + stride * (nregs - 1) > 31:
        return False
    esize = 1 << size
    base = _base(ctx, f)
    b = ctx.b
    if align:
        if nregs == 4 and size == 2:
            nbytes = 1 << (size + align)
        else:
            nbytes = esize * {1: 1, 2: 2, 4: 4}[nregs]
        gen_align_check(ctx, base, nbytes, not f["l"])
    for r in range(nregs):
        lane = dofs(vd + r * stride) + idx * esize
        (b.vld if f["l"] else b.vst)(lane, _addr(ctx, base, r * esize), esize)
    _writeback(ctx, f, base, esize * nregs)
    return True


A32, T32 = neon_ls_rows(_ROWS, globals())

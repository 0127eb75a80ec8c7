"""Address folding, a peephole of the x86-64 code generator: a constant
offset added to a guest address just before a load or store becomes the
access's displacement, so ``ldr r0, [r1, #8]`` is one ``mov eax,
[r14 + rbx + 8]`` instead of an ``add`` and a ``mov``.

    add  t5, t4, 8          ->   ld_disp u32, t6, t4, 8
    ld   u32, t6, t5

Only when t5 (an I32 temp) is mentioned nowhere else, and the offset is in
[0, MAX_DISP).  Guest addresses are 32 bits, so a folded sum that passes
4 GiB no longer wraps: it lands in the PROT_NONE guard area the runtime
reserves past the guest region (rt_reserve_guest, 64 KiB), never in host
memory, and the fault is reported at the wrapped address (engine.py masks
it), which on ARM Linux is an address below vm.mmap_min_addr (64 KiB), so
unmapped there too: the guest gets the same SIGSEGV.  Negative offsets are
not folded (below the region there is no guard).

``PYQEMU_ADDRFOLD=0`` turns it off (measurements, debugging).

Usage::

    from usermode.translate.x86.addrfold import fold_addresses
    ops = fold_addresses(ops)       # before register assignment
"""
from __future__ import annotations

import os

from ..ir import I32, Const, Op, Temp, temp_values

ENABLED = os.environ.get("PYQEMU_ADDRFOLD", "1") != "0"

MAX_DISP = 0x10000 - 0x100      # guard area minus the widest access, with room to spare
ACCESSES = {"ld": "ld_disp", "st": "st_disp"}


def _mentions(ops) -> dict:
    """temp index -> how many times ops mention it (as source or destination)."""
    n: dict = {}
    for op in ops:
        for t in temp_values(op):
            n[t.index] = n.get(t.index, 0) + 1
    return n


def fold_addresses(ops: list) -> list:
    """The ops with each foldable add+ld / add+st pair made one ld_disp /
    st_disp (args: memop, value, base address, displacement)."""
    if not ENABLED:
        return ops
    mentions = None
    out = []
    i, n = 0, len(ops)
    while i < n:
        op = ops[i]
        if op.name == "add" and i + 1 < n:
            nxt = ops[i + 1]
            d, a, b = op.args
            if (nxt.name in ACCESSES and nxt.args[2] is d and d.__class__ is Temp
                    and d.type is I32 and a.type is I32 and a.__class__ is not Const
                    and b.__class__ is Const and 0 <= b.value < MAX_DISP
                    and nxt.args[1] is not d):
                if mentions is None:
                    mentions = _mentions(ops)
                if mentions[d.index] == 2:
                    out.append(Op(ACCESSES[nxt.name], (nxt.args[0], nxt.args[1], a, b.value)))
                    i += 2
                    continue
        out.append(op)
        i += 1
    return out

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

from ..ir import I32, Const, Op, Temp
from .live import LiveRanges, live_ranges

ENABLED = os.environ.get("PYQEMU_ADDRFOLD", "1") != "0"

MAX_DISP = 0x10000 - 0x100      # guard area minus the widest access, with room to spare
ACCESSES = {"ld": "ld_disp", "st": "st_disp"}


def fold_addresses(ops: list, ranges: LiveRanges = None) -> list:
    """The ops with each foldable add+ld / add+st pair made one ld_disp /
    st_disp (args: memop, value, base address, displacement).

    ranges: live_ranges(ops), if the caller has them (else computed here);
    they are updated to describe the returned ops, whose positions stay
    those of `ops` (a folded pair takes the access's position)."""
    if not ENABLED:
        return ops
    if ranges is None:
        ranges = live_ranges(ops)
    first, last = ranges.first, ranges.last
    stale = False
    out = []
    i, n = 0, len(ops)
    while i < n:
        op = ops[i]
        if op.name == "add" and i + 1 < n:
            nxt = ops[i + 1]
            d, a, b = op.args
            # t5 mentioned nowhere else: all its mentions are in these two ops
            # (first and last), and neither the add's source nor the access's
            # value is t5 too
            if (nxt.name in ACCESSES and nxt.args[2] is d and d.__class__ is Temp
                    and d.type is I32 and a.type is I32 and a.__class__ is not Const
                    and b.__class__ is Const and 0 <= b.value < MAX_DISP
                    and first[d.index] == i and last[d.index] == i + 1
                    and not (a.__class__ is Temp and a.index == d.index)):
                v = nxt.args[1]
                if not (v.__class__ is Temp and v.index == d.index):
                    out.append(Op(ACCESSES[nxt.name], (nxt.args[0], v, a, b.value)))
                    del first[d.index], last[d.index]
                    if a.__class__ is Temp:          # a is now mentioned at i + 1
                        if last[a.index] == i:
                            last[a.index] = i + 1
                        if first[a.index] == i:      # (a read before any write)
                            stale = True
                    i += 2
                    continue
        out.append(op)
        i += 1
    if stale:                 # the order of first mentions may have changed: redo
        r = live_ranges(out)
        ranges.first, ranges.last, ranges.calls = r.first, r.last, r.calls
    return out

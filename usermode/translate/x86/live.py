"""Live ranges of a block's temps: the one walk over the ops' arguments that
the code generator makes (address folding and temp assignment share it).

A temp's range is [first mention, last mention] in op positions (indexes in
the op list the ranges were computed from; x86/addrfold.py keeps them valid
across its rewrite, see fold_addresses).  Temps inside a tuple argument (a
call's arguments) count as mentions of the op.

Usage::

    from usermode.translate.x86.live import live_ranges
    r = live_ranges(ops)
    r.first[t], r.last[t]        # positions of temp index t's first/last mention
    r.calls                      # positions of the helper calls, ascending
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List

from ..ir import Op, Temp


class LiveRanges:
    __slots__ = ("first", "last", "calls")

    def __init__(self, first: Dict[int, int], last: Dict[int, int], calls: List[int]):
        self.first = first        # temp index -> position; insertion order = order of
        self.last = last          # first mention (assign_temps relies on it)
        self.calls = calls


def live_ranges(ops: List[Op]) -> LiveRanges:
    first: Dict[int, int] = {}
    last: Dict[int, int] = {}
    calls: List[int] = []
    i = 0
    for op in ops:
        for x in op.args:
            cls = x.__class__
            if cls is Temp:
                t = x.index
                if t not in first:
                    first[t] = i
                last[t] = i
            elif cls is tuple:
                for y in x:
                    if y.__class__ is Temp:
                        t = y.index
                        if t not in first:
                            first[t] = i
                        last[t] = i
        if op.name == "call":
            calls.append(i)
        i += 1
    return LiveRanges(first, last, calls)

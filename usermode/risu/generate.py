"""ISA-neutral pieces of sequence generation: a Step (one instruction or a
short group, run between two state dumps), the register presets that keep a
memory access inside the scratch window, and random values with a bias
towards the edge cases that break translators.

Usage::

    from usermode.risu.generate import Step, mem_presets, interesting32
    inst = table.descs[0].draw(rng, table)
    presets = mem_presets(inst, table, rng, window=0x20010800, window_size=256, pc_reg=15)
    step = Step([inst], presets)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .describe import Inst, Table

M32 = 0xFFFFFFFF

EDGE32 = (0, 1, 2, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
          0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFF8000, 0x00007FFF, 0x7FFF7FFF, 0x80008000,
          0x7F7F7F7F, 0x80808080, 0xFF00FF00, 0x00FF00FF, 31, 32, 33, 63, 64, 255, 256)


def interesting32(rng: random.Random) -> int:
    """A 32-bit value: an edge case, a small (signed) number or random bits."""
    r = rng.random()
    if r < 0.25:
        return rng.choice(EDGE32)
    if r < 0.40:
        return rng.randrange(-300, 300) & M32
    if r < 0.50:
        return (rng.getrandbits(32) >> rng.randrange(32))
    return rng.getrandbits(32)


def index_value(rng: random.Random) -> int:
    """A value for an index register: mostly small offsets, either sign."""
    r = rng.random()
    if r < 0.6:
        return rng.randrange(0, 256)
    if r < 0.8:
        return rng.randrange(-256, 0) & M32
    return rng.getrandbits(32)


@dataclass
class Step:
    """Instructions run between two dumps, with registers preset just before.

    ``insts`` are in program order; ``presets`` maps register number to value.
    ``kind`` says how the group was formed (single, it, pair) for reports."""
    insts: List[Inst]
    presets: Dict[int, int] = field(default_factory=dict)
    kind: str = "single"


class NoPlacement(Exception):
    """The instruction's access cannot be placed in the window (too large)."""


def mem_presets(inst: Inst, table: Table, rng: random.Random, window: int, window_size: int,
                pc_reg: int) -> Dict[int, int]:
    """Register presets for the instruction: its ``preset`` fields, and for a
    memory access the base (and index) register so that the access lies inside
    [window, window + window_size).  A base that is the PC needs nothing."""
    d = inst.desc
    out: Dict[int, int] = {}
    for fname, dom in d.preset.items():
        out[inst.fields[fname]] = dom(rng) if callable(dom) else rng.choice(dom)
    m = d.mem
    if m is None:
        return out
    base = inst.fields[m.base] if isinstance(m.base, str) else m.base
    if base == pc_reg:
        return out
    env = table.env(inst.fields)
    if m.index is not None:
        idx = index_value(rng)
        env["idx"] = idx
        out[inst.fields[m.index]] = idx
    size_expr, off_expr = d.mem_exprs
    size = size_expr(env)
    off = off_expr(env)
    slots = (window_size - size) // m.align + 1
    if slots <= 0:
        raise NoPlacement(f"{d.name}: {size} bytes do not fit in the {window_size}-byte window")
    target = window + rng.randrange(slots) * m.align
    out[base] = (target - off) & M32
    return out


def merge_presets(a: Dict[int, int], b: Dict[int, int]) -> Optional[Dict[int, int]]:
    """a and b together, or None when they set one register to two values."""
    out = dict(a)
    for r, v in b.items():
        if out.get(r, v) != v:
            return None
        out[r] = v
    return out

"""Lay out an ARM risu test image: generated code, initial states, return table.

The plan is a list of items, each ("reload", record) or ("step", Step).  Code,
from CODE (A32, or Thumb when ``thumb``):

    reload item:  call risu_reload
    step item:    [literal pool: preset values]
           entry: ldr rX, [pc, #-k]       one per preset register
                  <the step's instructions>
                  call risu_dump
    at the end:   call risu_finish

A call is a direct branch, "b routine" (A32) or "b.w routine_t" (Thumb, to
the runner's Thumb entry points): only the PC changes.  Each routine returns to rettab[call index], the entry of the next
item (bit 0 set in Thumb).  Random bytes fill CODE_PAD before and after the
code, so literal loads (PC-relative, up to 4 KiB away) read mapped memory.

Usage::

    from usermode.risu.arm.image import build_image
    img = build_image(plan, thumb=False, rng=random.Random(1))
    img.blob            # bytes for the runner's stdin
    img.addrs[i]        # address of the first instruction of plan item i
"""
from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from ..generate import Step
from . import layout as L
from .runner import runner

T16_NOP = 0xBF00


def a32_branch(pc: int, target: int) -> int:
    """b target (A32, at address pc)."""
    off = target - (pc + 8)
    assert off % 4 == 0 and -(1 << 25) <= off < (1 << 25), hex(off)
    return 0xEA000000 | (off >> 2) & 0xFFFFFF


def t32_branch(pc: int, target: int) -> Tuple[int, int]:
    """b.w target (T32 encoding T4, at address pc)."""
    off = target - (pc + 4)
    assert off % 2 == 0 and -(1 << 24) <= off < (1 << 24), hex(off)
    v = (off >> 1) & 0xFFFFFF                     # S:I1:I2:imm10:imm11
    s, i1, i2 = v >> 23 & 1, v >> 22 & 1, v >> 21 & 1
    j1, j2 = (1 - (i1 ^ s)), (1 - (i2 ^ s))
    return 0xF000 | s << 10 | (v >> 11) & 0x3FF, 0x9000 | j1 << 13 | j2 << 11 | v & 0x7FF


def a32_literal(rt: int, back: int) -> int:
    """ldr rt, [pc, #-back] (back = PC + 8 - literal address)."""
    assert 0 <= back < 4096
    return 0xE51F0000 | rt << 12 | back


def t32_literal(rt: int, back: int) -> Tuple[int, int]:
    """ldr.w rt, [pc, #-back] (back = Align(PC + 4, 4) - literal address)."""
    assert 0 <= back < 4096
    return 0xF85F, rt << 12 | back


@dataclass
class Image:
    blob: bytes
    entry: int
    addrs: List[int]               # per plan item: address of its first instruction (entry)
    code: bytes                    # CODE .. end, for disassembly
    n_dumps: int
    item_of_record: List[int]      # dump record k belongs to plan item item_of_record[k]


class _Code:
    def __init__(self, base: int, thumb: bool):
        self.base = base
        self.buf = bytearray()
        self.thumb = thumb

    @property
    def pc(self) -> int:
        return self.base + len(self.buf)

    def h(self, v: int) -> None:
        self.buf += struct.pack("<H", v)

    def w(self, v: int) -> None:
        self.buf += struct.pack("<I", v)

    def align4(self) -> None:
        if len(self.buf) % 4:
            assert self.thumb
            self.h(T16_NOP)

    def call(self, target: int) -> None:
        if self.thumb:
            hw1, hw2 = t32_branch(self.pc, target)
            self.h(hw1)
            self.h(hw2)
        else:
            self.w(a32_branch(self.pc, target))

    def inst(self, inst, thumb: bool) -> None:
        if inst.size == 2:
            self.h(inst.word)
        elif thumb:
            self.h(inst.word >> 16)
            self.h(inst.word & 0xFFFF)
        else:
            self.w(inst.word)


def build_image(plan: Sequence[Tuple[str, object]], thumb: bool, rng: random.Random,
                flush_each: bool = False) -> Image:
    syms = runner().symbols
    sfx = "_t" if thumb else ""
    reload_, dump_, finish_ = (syms[n + sfx] & ~1 for n in ("risu_reload", "risu_dump", "risu_finish"))
    code = _Code(L.CODE - L.CODE_PAD, thumb)
    code.buf += bytes(rng.getrandbits(8) for _ in range(L.CODE_PAD))
    addrs: List[int] = []
    rettab: List[int] = []
    inits: List[bytes] = []
    item_of_record: List[int] = []
    pending_return = False
    tbit = 1 if thumb else 0
    for i, (kind, item) in enumerate(plan):
        if kind == "reload":
            entry = code.pc
            if pending_return:
                rettab.append(entry | tbit)
            addrs.append(entry)
            inits.append(item)
            code.call(reload_)
            pending_return = True
            continue
        step: Step = item
        code.align4()
        pool = sorted(step.presets.items())
        pool_at = code.pc
        for _r, v in pool:
            code.w(v)
        entry = code.pc
        if pending_return:
            rettab.append(entry | tbit)
        addrs.append(entry)
        for k, (r, _v) in enumerate(pool):
            lit = pool_at + 4 * k
            if thumb:
                hw1, hw2 = t32_literal(r, ((code.pc + 4) & ~3) - lit)
                code.h(hw1)
                code.h(hw2)
            else:
                code.w(a32_literal(r, code.pc + 8 - lit))
        for inst in step.insts:
            code.inst(inst, thumb)
        item_of_record.append(i)
        code.call(dump_)
        pending_return = True
    end = code.pc
    if pending_return:
        rettab.append(end | tbit)
    code.call(finish_)
    code.buf += bytes(rng.getrandbits(8) for _ in range(L.CODE_PAD))
    if len(code.buf) > L.CODE_MAX:
        raise ValueError(f"{len(code.buf)} bytes of code: more than {L.CODE_MAX} (use smaller batches)")
    if not plan or plan[0][0] != "reload":
        raise ValueError("a plan starts with a reload")

    data = b"".join(inits) + struct.pack(f"<{len(rettab)}I", *rettab)
    rettab_at = L.DATA + len(inits) * L.RECORD_SIZE
    limit = L.TRACE if flush_each else L.TRACE + L.TRACE_SIZE - L.RECORD_SIZE
    ctrl = struct.pack("<6I", L.TRACE, L.TRACE, limit, L.DATA, 0, rettab_at)
    code_start = L.CODE - L.CODE_PAD
    sections = [
        (L.CTRL, L.CTRL_SIZE, L.PROT_R | L.PROT_W, ctrl),
        (L.MEM_PAGE, L.MEM_PAGE_SIZE, L.PROT_R | L.PROT_W, b""),
        (code_start, len(code.buf), L.PROT_R | L.PROT_X, bytes(code.buf)),
        (L.TRACE, L.TRACE_SIZE + L.RECORD_SIZE, L.PROT_R | L.PROT_W, b""),
        (L.DATA, len(data), L.PROT_R | L.PROT_W, data),
    ]
    entry = addrs[0] | tbit
    out = [struct.pack("<4I", 0x55534952, len(sections), entry, 0)]
    for addr, length, prot, payload in sections:
        out.append(struct.pack("<4I", addr, length, prot, len(payload)))
        out.append(payload)
    return Image(b"".join(out), entry, addrs, bytes(code.buf), len(item_of_record), item_of_record)

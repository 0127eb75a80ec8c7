"""Random ARM steps: single instructions, IT blocks and exclusive pairs.

* a32: a single A32 instruction (any condition), or an exclusive pair
  LDREX/LDAEX ... STREX/STLEX on the same address and size.
* t32: a single T16 or T32 instruction; an IT block (IT + 1-4 T16/T32
  instructions, flags-dependent; the T16 "S unless in IT" forms then do not
  set flags); or an exclusive pair.
* both: a sequence of 2-6 instructions with no dump in between, so they are
  translated as one block (flag and register values flow between them inside
  translated code, where a translator's optimisations live).

In an IT block or a sequence only the first member may have presets (a
memory base, a VMSR value): later members could overwrite a preset register
before it is used.

Usage::

    from usermode.risu.arm.steps import StepMaker
    mk = StepMaker("t32")
    step = mk.step(random.Random(1))
    [i.desc.name for i in step.insts], step.presets
"""
from __future__ import annotations

import random
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

from ..describe import I, Inst, Table, pick
from ..generate import NoPlacement, Step, merge_presets, mem_presets
from . import a32, layout as L, t16, t32

IT = I("IT", "1011 1111 firstcond:4 mask:4", width=16)
IT_TABLE = Table("it", 16, [IT])

# exclusive pairs: (load, store) description names per ISA, same size
PAIRS = {
    "a32": [("LDREX", "STREX"), ("LDREXB", "STREXB"), ("LDREXH", "STREXH"), ("LDREXD", "STREXD"),
            ("LDAEX", "STLEX"), ("LDAEXB", "STLEXB"), ("LDAEXH", "STLEXH"), ("LDAEXD", "STLEXD"),
            ("LDREX", "STLEX"), ("LDAEX", "STREX")],
    "t32": [("LDREX", "STREX"), ("LDREXB", "STREXB"), ("LDREXH", "STREXH"), ("LDREXD", "STREXD"),
            ("LDAEX", "STLEX"), ("LDAEXB", "STLEXB"), ("LDAEXH", "STLEXH"), ("LDAEXD", "STLEXD")],
}

# how often each kind of step is made
MIX = {"a32": {"pair": 0.03, "seq": 0.15}, "t32": {"pair": 0.03, "seq": 0.12, "it": 0.15, "t16": 0.35}}


class NoCandidate(Exception):
    """No description fits (e.g. only memory instructions were selected, and
    only the first member of a group may have presets)."""


def _filter(descs: Sequence[I], only: FrozenSet[str], exclude: FrozenSet[str]) -> List[I]:
    return [d for d in descs if (not only or d.tags & only) and not d.tags & exclude]


class StepMaker:
    """Makes random steps for one ISA ("a32" or "t32"), optionally restricted
    to descriptions with one of the ``only`` tags and none of ``exclude``,
    and without the descriptions named in ``skip``."""

    def __init__(self, isa: str, only: Sequence[str] = (), exclude: Sequence[str] = (),
                 skip: Sequence[str] = (), mix: Optional[Dict[str, float]] = None):
        if isa not in ("a32", "t32"):
            raise ValueError(f"unknown ARM ISA {isa!r} (a32 or t32)")
        self.isa = isa
        self.only, self.exclude = frozenset(only), frozenset(exclude)
        self.skip = frozenset(skip)
        if isa == "a32":
            self.tables = [a32.TABLE]
        else:
            self.tables = [t32.TABLE, t16.TABLE]
        self.pool = {t.name: [d for d in _filter(t.descs, self.only, self.exclude)
                              if d.name not in self.skip] for t in self.tables}
        self.pool = {k: v for k, v in self.pool.items() if v}
        if not self.pool:
            raise ValueError(f"no {isa} descriptions with tags {sorted(self.only)}")
        self.table_of = {t.name: t for t in self.tables}
        self.mix = dict(MIX[isa])
        for k, v in (mix or {}).items():
            if k not in self.mix:
                raise ValueError(f"{isa}: no step kind {k!r} (choose from {sorted(self.mix)})")
            self.mix[k] = v
        main = self.tables[0]
        self.pairs = [(main.by_name[a], main.by_name[b]) for a, b in PAIRS[isa]
                      if self._allowed(main.by_name[a]) and self._allowed(main.by_name[b])]

    def _allowed(self, d: I) -> bool:
        return ((not self.only or bool(d.tags & self.only)) and not d.tags & self.exclude
                and d.name not in self.skip)

    # ---- single instructions -----------------------------------------------------------------
    def _table_for_single(self, rng: random.Random) -> str:
        if self.isa == "t32" and "t16" in self.pool and "t32" in self.pool:
            return "t16" if rng.random() < self.mix["t16"] else "t32"
        return next(iter(self.pool))

    def _inst(self, rng: random.Random, tname: str, avoid_tags: FrozenSet[str] = frozenset(),
              presets_ok: bool = True) -> Tuple[Inst, Dict[int, int]]:
        table = self.table_of[tname]
        pool = [d for d in self.pool[tname] if not d.tags & avoid_tags
                and (presets_ok or (d.mem is None and not d.preset))]
        if not pool:
            raise NoCandidate(tname)
        for _ in range(50):
            d = pick(rng, pool)
            inst = d.draw(rng, table)
            try:
                return inst, mem_presets(inst, table, rng, L.MEM, L.MEM_SIZE, pc_reg=15)
            except NoPlacement:
                continue
        raise RuntimeError(f"{self.isa}: cannot place a memory access")

    def single(self, rng: random.Random) -> Step:
        inst, pre = self._inst(rng, self._table_for_single(rng))
        return Step([inst], pre, "single")

    # ---- groups ------------------------------------------------------------------------------
    def it_block(self, rng: random.Random) -> Step:
        firstcond = rng.randrange(15)
        mask = 0b1000 if firstcond == 14 else rng.randrange(1, 16)   # AL: one instruction only
        n = 4 - ((mask & -mask).bit_length() - 1)
        it = IT.draw(rng, IT_TABLE, fixed={"firstcond": firstcond, "mask": mask})
        insts, presets = [], {}
        for k in range(n):
            try:
                inst, pre = self._inst(rng, self._table_for_single(rng), frozenset({"noit"}),
                                       presets_ok=(k == 0))
            except NoCandidate:                     # nothing may follow a memory access
                return self.single(rng)
            insts.append(inst)
            presets.update(pre)
        return Step([it] + insts, presets, "it")

    def sequence(self, rng: random.Random) -> Step:
        insts, presets = [], {}
        for k in range(rng.randint(2, 6)):
            try:
                inst, pre = self._inst(rng, self._table_for_single(rng), presets_ok=(k == 0))
            except NoCandidate:                     # only memory instructions selected
                break
            insts.append(inst)
            presets.update(pre)
        return Step(insts, presets, "seq" if len(insts) > 1 else "single")

    def pair(self, rng: random.Random) -> Step:
        table = self.tables[0]
        ld, st = rng.choice(self.pairs)
        for _ in range(50):
            li = ld.draw(rng, table)
            dual = "rt2" in li.fields or ld.name.endswith("D")
            loaded = {li.fields["rt"]} | ({li.fields.get("rt2", li.fields["rt"] + 1)} if dual else set())
            if li.fields["rn"] in loaded:
                continue                          # the load would overwrite the shared base
            fixed = {"rn": li.fields["rn"]}
            if "imm" in li.fields:
                fixed["imm"] = li.fields["imm"]
            si = st.draw(rng, table, fixed=fixed)
            pre = mem_presets(li, table, rng, L.MEM, L.MEM_SIZE, pc_reg=15)
            return Step([li, si], pre, "pair")
        raise RuntimeError("no exclusive pair")

    def step(self, rng: random.Random) -> Step:
        r = rng.random()
        if self.pairs and r < self.mix.get("pair", 0):
            return self.pair(rng)
        r -= self.mix.get("pair", 0)
        if r < self.mix["seq"]:
            return self.sequence(rng)
        r -= self.mix["seq"]
        if self.isa == "t32" and r < self.mix.get("it", 0):
            return self.it_block(rng)
        return self.single(rng)

    def decode(self, data: bytes, thumb: bool) -> Optional[Tuple[I, Dict[str, int]]]:
        """The description of one encoded instruction (for regression data)."""
        if not thumb:
            return a32.TABLE.decode(int.from_bytes(data[:4], "little"))
        hw1 = int.from_bytes(data[:2], "little")
        if hw1 >> 11 in (0b11101, 0b11110, 0b11111):
            return t32.TABLE.decode(hw1 << 16 | int.from_bytes(data[2:4], "little"))
        return t16.TABLE.decode(hw1) or IT_TABLE.decode(hw1)

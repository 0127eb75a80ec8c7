"""Instruction descriptions for the random generator: encoding diagrams with
field constraints, as data.  ISA-neutral; the ARM tables are in arm/.

A description is an encoding diagram in the decoder's own notation
(usermode/translate/decodetree.py: ``0``/``1`` fixed bits, ``name:N``
fields, a name used twice is concatenated MSB first) plus, per field, the
values it may take, and the encodings to skip, each a Python expression
over the field values that reads like the ARM ARM pseudocode:

    I("LDR_imm", "cond:4 010 p:1 u:1 0 w:1 1 rn:4 rt:4 imm:12",
      mem=Mem(base="rn", size="4", offset="(imm if u else -imm) if p else 0"),
      unpredictable=["(w or not p) and rn == rt", "(w or not p) and rn == 15"])

* Field domains: keyword arguments (``rd=range(8)``), then the table's
  defaults by field name (e.g. every ``rd`` avoids the PC), else every value
  of the field's width.  A domain is a sequence of ints or a callable
  ``rng -> int``, or ``Same("rm")``: a copy of another field.
* ``unpredictable``: the architecture does not define the result (the two
  emulators may differ legitimately): never generated.
* ``unsafe``: defined, but would leave the harness (a branch, a fault, an
  access outside the scratch window): never generated.
* ``mem``: the instruction accesses memory; the harness presets the base
  register (and the index register) so the access falls inside the scratch
  window (see Mem).
* ``preset``: register fields whose registers the harness sets just before
  the instruction, with a value from the given domain (e.g. a sane FPSCR
  value for VMSR).

Usage::

    from usermode.risu.describe import I, Table
    t = Table("demo", 32, [I("ADD", "cond:4 0000100 s:1 rn:4 rd:4 imm:12", cond=[14])])
    inst = t.descs[0].draw(random.Random(1), t)
    hex(inst.word), inst.fields
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from ..translate.decodetree import pattern



@dataclass(frozen=True)
class Same:
    """A field that must repeat another field's value (e.g. T32 CLZ's two copies
    of Rm, where differing copies are UNPREDICTABLE)."""
    field: str


Domain = Union[Sequence[int], Callable[[random.Random], int], Same]


@dataclass(frozen=True)
class Mem:
    """A memory access: ``size`` bytes starting at (value of register field
    ``base``) + ``offset``, aligned to ``align``.  ``index`` names a register
    field the harness presets to a random value, visible as ``idx`` in the
    expressions (register-offset forms).  The harness solves base = target -
    offset for a random target inside the scratch window.  When the base field
    is the PC (literal loads) nothing is preset: the target reads the code
    region, which is the same under both emulators."""
    base: Union[str, int]          # a register field, or a fixed register number
    size: str = "4"
    offset: str = "0"
    align: int = 1
    index: Optional[str] = None


class Expr:
    """A compiled expression over fields (and the table's helper functions)."""

    def __init__(self, text: str):
        self.text = text
        self.code = compile(text, f"<{text}>", "eval")

    def __call__(self, env: Dict[str, Any]) -> Any:
        return eval(self.code, env)

    def __repr__(self) -> str:
        return self.text


@dataclass
class Inst:
    """One generated instruction: its description, field values and encoding."""
    desc: "I"
    fields: Dict[str, int]
    word: int

    @property
    def size(self) -> int:
        return self.desc.size


class I:
    """One instruction description (see the module docstring)."""

    def __init__(self, name: str, spec: str, *, width: int = 32, weight: float = 1.0,
                 unpredictable: Sequence[str] = (), unsafe: Sequence[str] = (),
                 mem: Optional[Mem] = None, preset: Optional[Dict[str, Domain]] = None,
                 tags: Sequence[str] = (), **domains: Domain):
        self.name = name
        self.spec = spec
        self.pat = pattern(name, spec, width=width)
        self.width = width
        self.weight = weight
        self.unpredictable = [Expr(e) for e in unpredictable]
        self.unsafe = [Expr(e) for e in unsafe]
        self.mem = mem
        self.preset = dict(preset or {})
        self.tags = frozenset(tags)
        self.domains = domains
        self.field_widths: Dict[str, int] = {}
        for fname, _shift, w, _sgn in self.pat.fields:
            self.field_widths[fname] = self.field_widths.get(fname, 0) + w
        for k in domains:
            if k not in self.field_widths:
                raise ValueError(f"{name}: domain for unknown field {k!r}")
        self.dontcare = ((1 << width) - 1) & ~self.pat.mask
        for _n, shift, w, _s in self.pat.fields:
            self.dontcare &= ~(((1 << w) - 1) << shift)
        self.mem_exprs = None
        if mem is not None:
            self.mem_exprs = (Expr(mem.size), Expr(mem.offset))

    @property
    def size(self) -> int:
        return self.width // 8

    def __repr__(self) -> str:
        return f"I({self.name!r}, {self.spec!r})"

    def domain(self, fname: str, table: "Table") -> Domain:
        d = self.domains.get(fname)
        if d is None:
            d = table.defaults.get(fname)
        if d is None:
            d = range(1 << self.field_widths[fname])
        return d

    def encode(self, fields: Dict[str, int], rng: Optional[random.Random] = None) -> int:
        word = self.pat.value
        if rng is not None and self.dontcare:
            word |= rng.getrandbits(self.width) & self.dontcare
        left = dict(self.field_widths)
        for fname, shift, w, _sgn in self.pat.fields:   # MSB-first pieces
            left[fname] -= w
            piece = (fields[fname] >> left[fname]) & ((1 << w) - 1)
            word |= piece << shift
        return word

    def rejected(self, env: Dict[str, Any]) -> Optional[str]:
        """Why these field values are not generated (None if they are fine)."""
        for e in self.unpredictable:
            if e(env):
                return f"UNPREDICTABLE: {e.text}"
        for e in self.unsafe:
            if e(env):
                return f"unsafe: {e.text}"
        return None

    def draw(self, rng: random.Random, table: "Table", tries: int = 200,
             fixed: Optional[Dict[str, int]] = None) -> Inst:
        """Random field values (``fixed`` ones given) that pass every check."""
        for _ in range(tries):
            f = {}
            same = []
            for fname in self.field_widths:
                d = self.domain(fname, table)
                if fixed and fname in fixed:
                    f[fname] = fixed[fname]
                elif isinstance(d, Same):
                    same.append((fname, d.field))
                else:
                    f[fname] = d(rng) if callable(d) else rng.choice(d)
            for fname, other in same:
                f[fname] = f[other]
            env = table.env(f)
            if self.rejected(env) is None:
                return Inst(self, f, self.encode(f, rng))
        raise RuntimeError(f"{self.name}: no acceptable field values in {tries} tries")


class Table:
    """A set of descriptions for one encoding width plus the defaults they share:
    per-field-name domains and helper functions for the expressions."""

    def __init__(self, name: str, width: int, descs: Sequence[I],
                 defaults: Optional[Dict[str, Domain]] = None,
                 helpers: Optional[Dict[str, Any]] = None):
        self.name = name
        self.width = width
        self.descs = list(descs)
        self.defaults = dict(defaults or {})
        self.helpers = dict(helpers or {})
        self.helpers.setdefault("__builtins__", {"abs": abs, "min": min, "max": max,
                                                 "len": len, "any": any, "all": all})
        for d in self.descs:
            if d.width != width:
                raise ValueError(f"{d.name}: width {d.width} in a {width}-bit table")
        self.by_name = {}
        for d in self.descs:
            self.by_name.setdefault(d.name, d)

    def env(self, fields: Dict[str, int]) -> Dict[str, Any]:
        env = dict(self.helpers)
        env.update(fields)
        return env

    def find(self, word: int) -> Optional[I]:
        """The description an encoding belongs to (the most fixed bits wins)."""
        best = None
        for d in self.descs:
            if word & d.pat.mask == d.pat.value:
                if best is None or d.pat.fixed_bits > best.pat.fixed_bits:
                    best = d
        return best

    def decode(self, word: int) -> Optional[Tuple[I, Dict[str, int]]]:
        d = self.find(word)
        return None if d is None else (d, d.pat.extract(word))


def pick(rng: random.Random, descs: Sequence[I]) -> I:
    """A description chosen with probability proportional to its weight."""
    return rng.choices(descs, weights=[d.weight for d in descs])[0]

"""Declarative instruction patterns, in the spirit of QEMU's decodetree.

A pattern reads like the encoding diagram of the ISA manual, most significant
bit first.  Tokens are separated by spaces:

    0 1 .          fixed bits ('.' or '-' = don't care); runs like 0010 are fine
    name:N         an N-bit field; a name used twice is concatenated (MSB first)
    name:sN        the same, sign-extended when complete

Usage::

    from usermode.translate.decodetree import Decoder, pattern
    A32 = Decoder(32, key_bits=[(20, 8), (4, 4)])       # bucket on bits 27:20 and 7:4
    A32.add(pattern("ADD_rri", "cond:4 001 0100 s:1 rn:4 rd:4 imm:12",
                    trans=trans_ADD_rri, exclude={"cond": 0xF}))
    match = A32.decode(0xE2810001)     # -> (Pattern, {"cond": 14, "s": 0, ...}) or None
    pat, fields = match

`exclude` rejects a match when a field has one of the given values (an int or a
set), like decodetree's overlapping groups.  When several patterns match, the
one with the most fixed bits wins (then the one added first), so a specific
encoding (MOV) can sit beside a general one (ORR) without ordering games.
`xform` maps field names to functions applied after extraction (e.g. the T32
modified-immediate expansion); `extra` adds constant fields.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .._record import Record

_NEW = object()


class Pattern(Record):
    _fields = ("name", "mask", "value", "fields", "trans", "exclude", "xform", "extra", "width",
               "text")

    def __init__(self, name: str, mask: int, value: int,
                 fields: List[Tuple[str, int, int, bool]],  # (name, shift, width, signed), MSB first
                 trans: Optional[Callable] = None,
                 exclude: Dict[str, Any] = _NEW,
                 xform: Dict[str, Callable[[int], int]] = _NEW,
                 extra: Dict[str, int] = _NEW,
                 width: int = 32,
                 text: str = ""):
        self.name = name
        self.mask = mask
        self.value = value
        self.fields = fields
        self.trans = trans
        self.exclude = {} if exclude is _NEW else exclude
        self.xform = {} if xform is _NEW else xform
        self.extra = {} if extra is _NEW else extra
        self.width = width
        self.text = text

    @property
    def fixed_bits(self) -> int:
        return bin(self.mask).count("1")

    def extract(self, insn: int) -> Dict[str, int]:
        out: Dict[str, int] = {}
        widths: Dict[str, int] = {}
        signed: Dict[str, bool] = {}
        for name, shift, width, sgn in self.fields:
            piece = (insn >> shift) & ((1 << width) - 1)
            out[name] = (out.get(name, 0) << width) | piece
            widths[name] = widths.get(name, 0) + width
            signed[name] = signed.get(name, False) or sgn
        for name, sgn in signed.items():
            if sgn and out[name] >> (widths[name] - 1):
                out[name] -= 1 << widths[name]
        out.update(self.extra)
        for name, fn in self.xform.items():
            out[name] = fn(out[name]) if name in out else fn(out)
        return out

    def matches(self, insn: int) -> bool:
        if insn & self.mask != self.value:
            return False
        if self.exclude:
            f = self.extract(insn)
            for name, bad in self.exclude.items():
                v = f[name]
                if v == bad if isinstance(bad, int) else v in bad:
                    return False
        return True


def pattern(name: str, spec: str, trans: Optional[Callable] = None, *,
            exclude: Optional[Dict[str, Any]] = None,
            xform: Optional[Dict[str, Callable]] = None,
            extra: Optional[Dict[str, int]] = None, width: int = 32) -> Pattern:
    """Compile one encoding diagram into a Pattern."""
    mask = value = 0
    fields: List[Tuple[str, int, int, bool]] = []
    pos = width
    for tok in spec.split():
        if ":" in tok:
            fname, w = tok.split(":")
            sgn = w.startswith("s")
            n = int(w[1:] if sgn else w)
            pos -= n
            fields.append((fname, pos, n, sgn))
            continue
        for ch in tok:
            pos -= 1
            if ch == "1":
                mask |= 1 << pos
                value |= 1 << pos
            elif ch == "0":
                mask |= 1 << pos
            elif ch not in ".-x":
                raise ValueError(f"{name}: bad token {tok!r}")
    if pos != 0:
        raise ValueError(f"{name}: pattern covers {width - pos} bits, expected {width}: {spec}")
    return Pattern(name, mask, value, fields, trans, dict(exclude or {}), dict(xform or {}),
                   dict(extra or {}), width, spec)


class Decoder:
    """A set of patterns for one encoding width, bucketed on key bits for speed."""

    def __init__(self, width: int, key_bits: Sequence[Tuple[int, int]]):
        self.width = width
        self.key_bits = list(key_bits)          # (shift, nbits) pieces
        self.patterns: List[Pattern] = []
        self._buckets: Dict[int, List[Pattern]] = {}
        self._ordered: Optional[List[Tuple[int, int, Pattern]]] = None
        self._cache: Dict[int, Optional[Tuple[Pattern, Dict[str, int]]]] = {}

    def add(self, *pats: Pattern) -> None:
        for p in pats:
            if p.width != self.width:
                raise ValueError(f"{p.name}: width {p.width} in a {self.width}-bit decoder")
            self.patterns.append(p)
        self._buckets = {}
        self._ordered = None
        self._cache.clear()

    def extend(self, pats: Iterable[Pattern]) -> None:
        self.add(*pats)

    def _key(self, insn: int) -> int:
        k = 0
        for shift, n in self.key_bits:
            k = (k << n) | ((insn >> shift) & ((1 << n) - 1))
        return k

    def _bucket(self, key: int) -> List[Pattern]:
        """Patterns that can match instructions with this key, best first (built lazily)."""
        if self._ordered is None:
            ordered = sorted(enumerate(self.patterns), key=lambda ip: (-ip[1].fixed_bits, ip[0]))
            self._ordered = [(self._key(p.mask), self._key(p.value), p) for _, p in ordered]
        pats = [p for km, kv, p in self._ordered if key & km == kv]
        self._buckets[key] = pats
        return pats

    def decode(self, insn: int) -> Optional[Tuple[Pattern, Dict[str, int]]]:
        hit = self._cache.get(insn, False)
        if hit is not False:
            return hit
        key = self._key(insn)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._bucket(key)
        result = None
        for p in bucket:
            if p.matches(insn):
                result = (p, p.extract(insn))
                break
        if len(self._cache) > 200000:
            self._cache.clear()
        self._cache[insn] = result
        return result

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

A pattern's field extractor is generated Python source (`extractor_source`),
compiled on first use, once per field layout (EXTRACTOR_CODE, a codebank.py
CodeBank).  The install (runtime/build.py) writes those of the ARM tables to
translate/_extractors.py, which is byte-compiled with the package and looked
up by exact source text, so a run compiles none of them and a missing or
stale file only costs compile time.

`add_lazy` registers patterns that are built only when first needed: the
encoding spaces that hold all of them, and a function returning them.  The
first instruction decoded in one of those spaces loads them, into the place
in the pattern order where add_lazy was called, so decoding gives exactly
what adding them right away would have given.
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from .._record import Record
from .codebank import CodeBank, FunctionType

_NEW = object()


class Pattern(Record):
    """One encoding (built by `pattern`).  Treat it as immutable: its field
    extractor and exclude checks are compiled from it on first use."""
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

    _exclude = None     # (name, bad int or None, bad set or None) checks, once compiled

    @property
    def fixed_bits(self) -> int:
        return bin(self.mask).count("1")

    def _compile(self) -> None:
        # the compiled extractor becomes an instance attribute, hiding extract()
        src, ns = extractor_source(self.fields, self.extra, self.xform)
        code = EXTRACTOR_CODE.cache.get(src) or EXTRACTOR_CODE.code(src)
        self.extract = FunctionType(code[0], ns)
        self._exclude = tuple((name, bad, None) if isinstance(bad, int) else (name, None, bad)
                              for name, bad in self.exclude.items())

    def extract(self, insn: int) -> Dict[str, int]:
        """The fields of insn, a fresh dict (compiles the extractor on first use)."""
        self._compile()
        return self.extract(insn)

    def excluded(self, f: Dict[str, int]) -> bool:
        """True if the extracted fields f hit one of the `exclude` values."""
        if self._exclude is None:
            self._compile()
        for name, bad, bad_set in self._exclude:
            v = f[name]
            if v == bad if bad_set is None else v in bad_set:
                return True
        return False

    def matches(self, insn: int) -> bool:
        if insn & self.mask != self.value:
            return False
        return not (self.exclude and self.excluded(self.extract(insn)))


# An extractor is generated Python source, `def extract(insn)` returning the
# fields as a fresh dict: one dict display (each field, its pieces shifted into
# place and concatenated, sign-extended if any piece is signed; then `extra`,
# whose keys may repeat a field's: the later value wins, in the field's place),
# then each `xform` in turn: fn(value) for a name already present, else
# fn(dict so far).  The xform functions are globals X0, X1... of each pattern's
# own function, so the source depends only on the field layout and the extra
# values, and patterns that share them share one code object.


# extractor source -> its code object, done at install time when it can be
# (translate/_extractors.py, runtime/build.py)
EXTRACTOR_CODE = CodeBank(__package__ + "._extractors", "<decodetree extractor>")

# pieces of extractor source, made once: a field of one piece (name, shift,
# width, signed) or an extra (name, value) -> its item in the dict display; an
# xform step (index, name, by value) -> its line
_FIELD_ITEMS: Dict[Tuple[str, int, int, bool], str] = {}
_EXTRA_ITEMS: Dict[Tuple[str, int], str] = {}
_XFORM_LINES: Dict[Tuple[int, str, bool], str] = {}


def extractor_source(fields: List[Tuple[str, int, int, bool]], extra: Dict[str, int],
                     xform: Dict[str, Callable]) -> Tuple[str, Dict[str, Callable]]:
    """The source of a pattern's extractor and its globals (the xforms as X0, X1...)."""
    items = {f[0]: _FIELD_ITEMS.get(f) or _field_item(f) for f in fields}
    if len(items) < len(fields):                    # a field of several pieces
        items = _joined_items(fields)
    parts = list(items.values())
    if extra:
        parts += [_EXTRA_ITEMS.get(kv) or _extra_item(kv) for kv in extra.items()]
    display = "{" + ", ".join(parts) + "}"
    if not xform:
        return "def extract(insn):\n    return " + display + "\n", {}
    ns: Dict[str, Callable] = {}
    lines = ["def extract(insn):\n    f = " + display]
    for i, (name, fn) in enumerate(xform.items()):
        ns["X%d" % i] = fn
        step = (i, name, name in items or name in extra)
        lines.append(_XFORM_LINES.get(step) or _xform_line(step))
    lines.append("    return f\n")
    return "\n".join(lines), ns


def _field_item(field: Tuple[str, int, int, bool]) -> str:
    name, shift, width, sgn = field
    _FIELD_ITEMS[field] = item = f"{name!r}: {_field_expr([(shift, width)], sgn)}"
    return item


def _extra_item(kv: Tuple[str, int]) -> str:
    _EXTRA_ITEMS[kv] = item = f"{kv[0]!r}: {kv[1]!r}"
    return item


def _xform_line(step: Tuple[int, str, bool]) -> str:
    i, name, by_value = step
    _XFORM_LINES[step] = line = f"    f[{name!r}] = X{i}({f'f[{name!r}]' if by_value else 'f'})"
    return line


def _joined_items(fields: List[Tuple[str, int, int, bool]]) -> Dict[str, str]:
    """name -> dict item, for fields whose pieces are concatenated (see above)."""
    pieces: Dict[str, List[Tuple[int, int]]] = {}
    signed: Dict[str, bool] = {}
    for name, shift, width, sgn in fields:
        pieces.setdefault(name, []).append((shift, width))
        signed[name] = signed.get(name, False) or sgn
    return {n: f"{n!r}: {_field_expr(p, signed[n])}" for n, p in pieces.items()}


def _field_expr(pieces: List[Tuple[int, int]], signed: bool) -> str:
    """The expression of one field of insn: its (shift, width) pieces, MSB first."""
    total = sum(w for _s, w in pieces)
    terms = []
    at = total
    for shift, width in pieces:
        at -= width                         # where the piece goes in the field
        m = ((1 << width) - 1) << at
        if shift >= at:
            terms.append(f"insn >> {shift - at} & {m}" if shift > at else f"insn & {m}")
        else:
            terms.append(f"insn << {at - shift} & {m}")
    expr = " | ".join(terms)
    if signed:
        sign = 1 << (total - 1)
        return f"(({expr}) ^ {sign}) - {sign}"
    return expr


def extractor_module_text(patterns: Iterable[Pattern]) -> str:
    """Source of translate/_extractors.py: the extractor of every layout among
    the patterns (see EXTRACTOR_CODE)."""
    return EXTRACTOR_CODE.module_text(
        (extractor_source(p.fields, p.extra, p.xform)[0] for p in patterns),
        "Field extractors of the decodetree patterns, generated by\n"
        "usermode/translate/runtime/build.py (decodetree.extractor_module_text): do\n"
        "not edit.  Only the code objects are used, with each pattern's own globals\n"
        "(see decodetree.EXTRACTOR_CODE).")


_BIT_MASK = str.maketrans("01.-x", "11000")     # diagram -> mask / value digits
_BIT_VALUE = str.maketrans("01.-x", "01000")
# a token of a diagram -> (bits, mask, value, field name or None, signed), as met:
# a field "name:N" / "name:sN" fixes nothing; a run of fixed bits names no field
_TOKENS: Dict[str, Tuple[int, int, int, Optional[str], bool]] = {}


def pattern(name: str, spec: str, trans: Optional[Callable] = None, *,
            exclude: Optional[Dict[str, Any]] = None,
            xform: Optional[Dict[str, Callable]] = None,
            extra: Optional[Dict[str, int]] = None, width: int = 32) -> Pattern:
    """Compile one encoding diagram into a Pattern."""
    fields: List[Tuple[str, int, int, bool]] = []
    mask = value = 0
    pos = width
    for tok in spec.split():
        n, m, v, fname, sgn = _TOKENS.get(tok) or _token(name, tok)
        pos -= n
        mask = mask << n | m
        value = value << n | v
        if fname is not None:
            fields.append((fname, pos, n, sgn))
    if pos != 0:
        raise ValueError(f"{name}: pattern covers {width - pos} bits, expected {width}: {spec}")
    return Pattern(name, mask, value, fields, trans, dict(exclude) if exclude else {},
                   dict(xform) if xform else {}, dict(extra) if extra else {}, width, spec)


def _token(name: str, tok: str) -> Tuple[int, int, int, Optional[str], bool]:
    """What one token of pattern `name`'s diagram stands for (remembered)."""
    if ":" in tok:
        fname, w = tok.split(":")
        sgn = w.startswith("s")
        res = (int(w[1:] if sgn else w), 0, 0, fname, sgn)
    elif tok.strip("01.-x"):
        raise ValueError(f"{name}: bad token {tok!r}")
    else:
        res = (len(tok), int(tok.translate(_BIT_MASK), 2), int(tok.translate(_BIT_VALUE), 2),
               None, False)
    _TOKENS[tok] = res
    return res


if TYPE_CHECKING:
    # Decoder._index: (common key bits, {key & common: [(key mask, {key value: [rank]})]}, ranked)
    _Index = Tuple[int, Dict[int, List[Tuple[int, Dict[int, List[int]]]]], List[Pattern]]


class Decoder:
    """A set of patterns for one encoding width, bucketed on key bits for speed."""

    def __init__(self, width: int, key_bits: Sequence[Tuple[int, int]]):
        self.width = width
        self.key_bits = list(key_bits)          # (shift, nbits) pieces
        self._key = _key_function(self.key_bits)    # insn -> its bucket key
        self.patterns: List[Pattern] = []
        self._buckets: Dict[int, List[Pattern]] = {}
        self._groups: Optional[_Index] = None     # the patterns grouped by key bits (see _index)
        self._cache: Dict[int, Optional[Tuple[Pattern, Dict[str, int]]]] = {}
        self._lazy: List[_Lazy] = []            # not loaded yet, in the order of add_lazy

    def add(self, *pats: Pattern) -> None:
        for p in pats:
            self._check_width(p)
            self.patterns.append(p)
        self._reset()

    def add_lazy(self, spaces: Sequence[Tuple[int, int]],
                 load: Callable[[], Sequence[Pattern]]) -> None:
        """Patterns to add here later: load() returns them, and each must lie in
        one of the encoding spaces (mask, value); see the module docstring."""
        lz = _Lazy(load, len(self.patterns))
        lz.stubs = [Pattern("(lazy)", m, v, [], lz, width=self.width) for m, v in spaces]
        self._lazy.append(lz)
        self._reset()

    def _load_lazy(self, lz: _Lazy) -> None:
        k = self._lazy.index(lz)
        del self._lazy[k]
        pats = list(lz.load())
        for p in pats:
            self._check_width(p)
            if not any(p.mask & s.mask == s.mask and p.value & s.mask == s.value
                       for s in lz.stubs):
                raise ValueError(f"{p.name}: outside the encoding spaces it was loaded for")
        self.patterns[lz.at:lz.at] = pats
        for later in self._lazy[k:]:
            later.at += len(pats)
        self._reset()

    def _check_width(self, p: Pattern) -> None:
        if p.width != self.width:
            raise ValueError(f"{p.name}: width {p.width} in a {self.width}-bit decoder")

    def _reset(self) -> None:
        self._buckets = {}
        self._groups = None
        self._cache.clear()

    def extend(self, pats: Iterable[Pattern]) -> None:
        self.add(*pats)

    def _bucket(self, key: int) -> List[Pattern]:
        """Patterns that can match instructions with this key, best first (built lazily)."""
        common, groups, ranked = self._groups or self._index()
        hits: List[int] = []
        for km, by_value in groups.get(key & common, ()):
            hit = by_value.get(key & km)
            if hit:
                hits += hit
        hits.sort()
        pats = [ranked[r] for r in hits]
        self._buckets[key] = pats
        return pats

    def _index(self) -> _Index:
        """The patterns grouped by the key bits they fix, once per change of the
        pattern set: (common, {key & common: [(key mask, {key value: [rank]})]},
        rank -> pattern), where common are the key bits that every pattern
        fixes, so a bucket looks only at the groups that have patterns with the
        bucket's values of those bits.

        Rank orders a bucket: first the spaces of patterns not loaded yet (their
        order does not matter: decode loads every space the instruction is in
        before it tries a pattern), then the patterns, most fixed bits first,
        then first added."""
        key_of = self._key
        stubs = [s for lz in self._lazy for s in lz.stubs]
        ranked = stubs + sorted(self.patterns, key=_fewer_fixed_bits)    # (a stable sort)
        groups: Dict[int, Dict[int, List[int]]] = {}
        for rank, p in enumerate(ranked):
            groups.setdefault(key_of(p.mask), {}).setdefault(key_of(p.value), []).append(rank)
        common = -1
        for km in groups:
            common &= km
        by_common: Dict[int, List[Tuple[int, Dict[int, List[int]]]]] = {}
        for km, by_value in groups.items():
            for c in {v & common for v in by_value}:
                by_common.setdefault(c, []).append((km, by_value))
        self._groups = (common, by_common, ranked)
        return self._groups

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
            if insn & p.mask == p.value:
                if p.trans.__class__ is _Lazy:      # the space of patterns not loaded yet
                    self._load_lazy(p.trans)
                    return self.decode(insn)
                f = p.extract(insn)        # (compiles p._exclude too)
                if not (p._exclude and p.excluded(f)):
                    result = (p, f)
                    break
        if len(self._cache) > 200000:
            self._cache.clear()
        self._cache[insn] = result
        return result


def _fewer_fixed_bits(p: Pattern) -> int:
    """Sort key: the pattern with more fixed bits first."""
    return -p.fixed_bits


class _Lazy:
    """Patterns of Decoder.add_lazy: load() returns them, to be inserted at
    Decoder.patterns[at] (their place in the order patterns were added).
    Each stub is an encoding space, a Pattern whose trans is this _Lazy."""

    def __init__(self, load: Callable[[], Sequence[Pattern]], at: int):
        self.load = load
        self.at = at
        self.stubs: List[Pattern] = []


def _key_function(key_bits: Sequence[Tuple[int, int]]) -> Callable[[int], int]:
    """insn -> the concatenation of its key bit pieces (shift, nbits), MSB first."""
    if len(key_bits) == 1:
        (s, n), = key_bits
        m = (1 << n) - 1
        return lambda insn: insn >> s & m
    if len(key_bits) == 2:
        (s1, n1), (s2, n2) = key_bits
        m1, m2 = (1 << n1) - 1, (1 << n2) - 1
        return lambda insn: (insn >> s1 & m1) << n2 | insn >> s2 & m2

    def key(insn: int) -> int:
        k = 0
        for shift, n in key_bits:
            k = (k << n) | ((insn >> shift) & ((1 << n) - 1))
        return k
    return key

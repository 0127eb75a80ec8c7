"""Build decoder pattern lists from a module's encoding tables.

A trans_* module keeps its encodings as data at the top, one row per
encoding: ``(NAME, diagram)`` or ``(NAME, diagram, options)``.  NAME selects
the module's ``trans_NAME`` function (several rows may share one NAME, as in
QEMU's decodetree files, when one operation has several encodings); options
are the keyword arguments of ``decodetree.pattern`` (extra, xform, exclude).

For A32 rows whose diagram starts with ``cond:4`` the condition 0b1111 is
excluded automatically: that space holds the unconditional instructions,
which have their own rows.

Usage::

    from .gen_table import build
    _A32 = [("B", "cond:4 1010 imm:s24")]
    def trans_B(ctx, f): ...
    A32 = build(_A32, globals(), 32)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Sequence

from ..decodetree import Pattern, pattern


def build(rows: Sequence[tuple], namespace: Dict[str, object], width: int = 32) -> List[Pattern]:
    out: List[Pattern] = []
    for row in rows:
        name, spec = row[0], row[1]
        opts = dict(row[2]) if len(row) > 2 else {}
        trans = namespace.get("trans_" + name)
        if trans is None:
            raise LookupError(f"no trans_{name} for pattern {name}")
        if spec.split(None, 1)[0] == "cond:4":
            ex = dict(opts.pop("exclude", None) or {})
            ex.setdefault("cond", 0xF)
            opts["exclude"] = ex
        out.append(pattern(name, spec, trans, width=width, **opts))
    return out


def t32_rows(rows: Sequence[tuple]) -> List[tuple]:
    """T32 copies of A32 rows whose cond field is 1110 in Thumb (VFP, coprocessor)."""
    res = []
    for row in rows:
        spec = row[1]
        assert spec.startswith("cond:4 "), spec
        res.append((row[0], "1110 " + spec[len("cond:4 "):]) + tuple(row[2:]))
    return res

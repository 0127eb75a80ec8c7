"""ARM risu records: random initial states, decoding, comparison, printing.

A record (layout.py) holds r0-r14, APSR (NZCVQ, GE), FPSCR, the call index,
D0-D31 and the scratch window.  ``fields(record)`` decodes it into a dict of
named values ("r0".."r14", "apsr", "fpscr", "d0".."d31", "mem"), the unit in
which differences are reported.

Usage::

    from usermode.risu.arm import state as S
    rec = S.random_record(random.Random(1))
    S.fields(rec)["r0"], S.diff(rec, rec)         # (..., [])
"""
from __future__ import annotations

import random
import struct
from typing import Dict, List, Tuple

from ..generate import interesting32
from . import layout as L
from .vfp import SANE_FPSCR

REG_NAMES = [f"r{i}" for i in range(13)] + ["sp", "lr"]

FP_EDGES = (0x0000000000000000, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
            0x7FF8000000000000, 0x7FF4000000000000, 0x3FF0000000000000, 0x0000000000000001,
            0x000FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF, 0x3F8000007F800000, 0x7FC00000FF800000)


SP_EDGES = (0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FA00000,
            0x00000001, 0x807FFFFF, 0x00800000, 0x3F800000, 0xBF000000, 0x3F000000, 0x4F000000,
            0xCF000000, 0x4F800000, 0x5F000000, 0x3FC00000, 0x40490FDB, 0x7F7FFFFF, 0x33800000)
DP_SMALL = (0x3FF0000000000000, 0xC000000000000000, 0x3FE0000000000000, 0x3FF8000000000000,
            0x41E0000000000000, 0xC1E0000000000000, 0x41F0000000000000, 0x3CA0000000000000,
            0x4330000000000000, 0x400921FB54442D18, 0x8010000000000000, 0x0010000000000000)


def _dreg(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.15:
        return rng.choice(FP_EDGES + DP_SMALL)
    if r < 0.3:
        return rng.choice(SP_EDGES) | rng.choice(SP_EDGES) << 32
    if r < 0.4:
        # a double near an integer, or a float of small magnitude
        return rng.choice(DP_SMALL) ^ rng.getrandbits(rng.choice((1, 8, 20, 52)))
    if r < 0.5:
        return interesting32(rng) | interesting32(rng) << 32
    return rng.getrandbits(64)


def random_record(rng: random.Random) -> bytes:
    """A random initial state in record format."""
    regs = [interesting32(rng) for _ in range(15)]
    apsr = rng.getrandbits(32) & L.APSR_MASK
    fpscr = rng.getrandbits(32) & SANE_FPSCR
    d = [_dreg(rng) for _ in range(32)]
    mem = bytes(rng.getrandbits(8) for _ in range(L.MEM_SIZE))
    return pack(regs, apsr, fpscr, 0, d, mem)


def pack(regs: List[int], apsr: int, fpscr: int, idx: int, d: List[int], mem: bytes) -> bytes:
    return struct.pack("<15I3I32Q", *regs, apsr, fpscr, idx, *d) + mem


def fields(rec: bytes) -> Dict[str, object]:
    v = struct.unpack_from("<15I3I32Q", rec)
    out: Dict[str, object] = {REG_NAMES[i]: v[i] for i in range(15)}
    out["apsr"] = v[15]
    out["fpscr"] = v[16]
    for i in range(32):
        out[f"d{i}"] = v[18 + i]
    out["mem"] = rec[L.R_MEM:L.R_MEM + L.MEM_SIZE]
    return out


def to_named(rec: bytes) -> Dict[str, str]:
    """A record as {field: hex string} (regression data)."""
    f = fields(rec)
    return {k: (v.hex() if k == "mem" else fmt_value(k, v).split()[0]) for k, v in f.items()}


def from_named(named: Dict[str, str], base: bytes = b"") -> bytes:
    """The record with the given fields (hex strings), the rest from ``base``
    (default: all zero)."""
    rec = bytearray(base or bytes(L.RECORD_SIZE))
    for k, v in named.items():
        if k == "mem":
            data = bytes.fromhex(v)
            rec[L.R_MEM:L.R_MEM + len(data)] = data
        elif k in REG_NAMES:
            struct.pack_into("<I", rec, 4 * REG_NAMES.index(k), int(v, 16))
        elif k == "apsr":
            struct.pack_into("<I", rec, L.R_APSR, int(v, 16))
        elif k == "fpscr":
            struct.pack_into("<I", rec, L.R_FPSCR, int(v, 16))
        elif k.startswith("d") and k[1:].isdigit() and int(k[1:]) < 32:
            struct.pack_into("<Q", rec, L.R_D + 8 * int(k[1:]), int(v, 16))
        else:
            raise KeyError(f"no record field {k!r}")
    return bytes(rec)


def call_index(rec: bytes) -> int:
    return struct.unpack_from("<I", rec, L.R_IDX)[0]


def same(a: bytes, b: bytes) -> bool:
    """Equal states (the call index is not state)."""
    return a[:L.R_IDX] == b[:L.R_IDX] and a[L.R_D:] == b[L.R_D:]


def diff(a: bytes, b: bytes) -> List[str]:
    """Names of the fields that differ."""
    fa, fb = fields(a), fields(b)
    return [k for k in fa if fa[k] != fb[k]]


def fmt_apsr(v: int) -> str:
    flags = "".join(c if v >> (31 - i) & 1 else c.lower() for i, c in enumerate("NZCVQ"))
    return f"{v:08x} ({flags} GE={v >> 16 & 0xF:04b})"


def fmt_value(name: str, v) -> str:
    if name == "apsr":
        return fmt_apsr(v)
    if name == "mem":
        return v.hex()
    if name.startswith("d"):
        return f"{v:016x}"
    return f"{v:08x}"


def mem_diff(a: bytes, b: bytes) -> List[Tuple[int, bytes, bytes]]:
    """(offset, a-bytes, b-bytes) runs where two windows differ, by 4-byte word."""
    out = []
    for off in range(0, len(a), 4):
        if a[off:off + 4] != b[off:off + 4]:
            out.append((off, a[off:off + 4], b[off:off + 4]))
    return out


def describe(rec: bytes, names=None) -> str:
    """One line per group of fields (all, or ``names``)."""
    f = fields(rec)
    keys = names or [k for k in f if k != "mem"]
    parts = [f"{k}={fmt_value(k, f[k])}" for k in keys if k != "mem"]
    lines = []
    for i in range(0, len(parts), 6):
        lines.append("  ".join(parts[i:i + 6]))
    return "\n".join(lines)

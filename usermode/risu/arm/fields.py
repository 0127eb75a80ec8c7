"""Field domains and expression helpers shared by the ARM description tables.

Register classes (values of a 3- or 4-bit register field):

    R       r0-r14: any register but the PC (A32 default: SP is an ordinary
            register in A32, and the harness reserves none)
    RPC     r0-r15: also the PC (sources that may read it: value = address
            of the instruction + 8 in A32, Align(+4, 4) in T32 literals)
    RT      r0-r12, r14: no SP, no PC (T32's "BadReg" rule: SP/PC UNPREDICTABLE)

COND is A32's condition field: AL half of the time, else any of EQ..LE
(1111 is the unconditional space, described separately).

Helpers usable in ``unpredictable``/``unsafe``/``Mem`` expressions:
popcount(x), bit(x, n), lowest(x), shift(v, type, n) (the immediate shifter:
LSL/LSR/ASR/ROR with LSR/ASR #0 meaning #32; ROR #0 (RRX) is not allowed in
address arithmetic since it depends on the carry flag).

Usage::

    from usermode.risu.arm.fields import COND, R, HELPERS
    HELPERS["shift"](0x80000000, 2, 0)      # asr #32 -> 0xffffffff
"""
from __future__ import annotations

import random

M32 = 0xFFFFFFFF

R = tuple(range(15))
RPC = tuple(range(16))
RT = tuple(range(13)) + (14,)
R_LO = tuple(range(8))


def COND(rng: random.Random) -> int:
    return 0xE if rng.random() < 0.5 else rng.randrange(14)


def REGLIST(rng: random.Random) -> int:
    """A 16-bit register list: mostly short lists, sometimes dense ones."""
    k = rng.choice((1, 1, 2, 2, 3, 4, 5, 8, 12, 16))
    return sum(1 << r for r in rng.sample(range(16), k))


def popcount(x: int) -> int:
    return bin(x).count("1")


def bit(x: int, n: int) -> int:
    return (x >> n) & 1


def lowest(x: int) -> int:
    return (x & -x).bit_length() - 1 if x else 32


def shift(v: int, t: int, n: int) -> int:
    """The A32/T32 immediate shifter on a 32-bit value (no RRX)."""
    v &= M32
    if t == 0:
        return (v << n) & M32
    if t == 1:
        return v >> n if n else 0
    if t == 2:
        n = n or 32
        return ((v - (1 << 32) if v >> 31 else v) >> min(n, 32)) & M32
    if n == 0:
        raise ValueError("RRX in an address computation")
    return ((v >> n) | (v << (32 - n))) & M32


HELPERS = {"popcount": popcount, "bit": bit, "lowest": lowest, "shift": shift}

"""ISA-neutral optimizer of one block's IR (runs between decoder and back end).

Three passes over the op list of `usermode.translate.ir`:

1. backward: liveness of the globals (which writes are dead: overwritten
   before anything reads them) and, for every read or write of a global,
   whether the block reads that global again soon (worth keeping in a temp);
2. forward: constant folding and propagation, algebraic simplification,
   copy propagation, and caching of globals in temps: a global read twice is
   loaded once; a global just written is read back from the temp that holds
   the value; a dead write is not stored at all (dead-flag elimination);
3. backward, on the rewritten block: dead store elimination (_dse: a store
   whose global is stored again before anything reads it from memory, now
   that pass 2 serves reads from temps), then dead temp elimination (pure ops
   whose results nobody reads).

Globals are byte ranges of the CPU state and may overlap (a VFP D register
and its two S halves): liveness is tracked per 4-byte chunk and the value
cache drops every overlapping view on a write (see _ginfo).

The CPU state stays exact wherever anything could observe it.  Every live
write of a global is stored at once (write-through), so memory is up to date
at every op that may fault (ld/st/cmpxchg: the fault handler reports the
state at the faulting instruction), every helper call, every block exit and
every op the optimizer does not know.  A write is only dropped when the
global is overwritten before any such op and before any read; the block's
exits, memory ops and calls count as reads of every global.  Cached values
are forgotten after anything that may write globals behind the IR's back
(helpers with HF_WRITES_GLOBALS, fp ops with a guest slow path -- only the
one global its `FPMode.writes` names, when it names one --, vector ops,
unknown ops) and, except where all incoming paths agree, at labels.

Usage::

    from usermode.translate.optimize import optimize
    ops, ntemps = optimize(builder.ops, builder.ntemps)    # new list; the input is untouched

``PYQEMU_OPT=0`` in the environment makes `optimize_entry.enabled()` false (the
code generator then skips the optimizer: for measurements and bisecting).
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Optional, Tuple

from .ir import I32, I64, Cond, Const, Global, Op, Temp

__all__ = ["optimize", "fold"]

# ---------------------------------------------------------------- op table
F_SIDE = 1          # never removed (memory, exits, MXCSR state...)
F_READALL = 2       # observes every global in memory (may fault, calls, exits)
F_WRITEALL = 4      # may write globals behind the IR's back: forget cached values
F_TERM = 8          # block exit: nothing after it runs
F_UNKNOWN = 16      # an op this file does not know: operands left alone

_BINOPS = ("add", "sub", "mul", "and", "or", "xor", "andc", "shl", "shr", "sar", "rotr",
           "rotl", "divu", "divs", "remu", "rems", "concat")
_UNOPS = ("mov", "neg", "not", "ext8s", "ext8u", "ext16s", "ext16u", "ext32s", "ext32u",
          "extrl", "extrh", "clz", "ctz", "popcnt", "bswap16", "bswap32", "bswap64")
# name -> (def positions, use positions, flags, position of an FPMode or -1)
INFO: Dict[str, Tuple[Tuple[int, ...], Tuple[int, ...], int, int]] = {}
for _n in _BINOPS:
    INFO[_n] = ((0,), (1, 2), 0, -1)
for _n in _UNOPS:
    INFO[_n] = ((0,), (1,), 0, -1)
INFO.update({
    "mulu2": ((0, 1), (2, 3), 0, -1), "muls2": ((0, 1), (2, 3), 0, -1),
    "setcond": ((1,), (2, 3), 0, -1), "movcond": ((1,), (2, 3, 4, 5), 0, -1),
    "ld": ((1,), (2,), F_SIDE | F_READALL, -1),
    "st": ((), (1, 2), F_SIDE | F_READALL, -1),
    "cmpxchg": ((1,), (2, 3, 4), F_SIDE | F_READALL, -1),
    "mb": ((), (), F_SIDE, -1),
    "insn_start": ((), (), F_SIDE, -1),
    "brcond": ((), (1, 2), F_SIDE, -1),
    "br": ((), (), F_SIDE, -1),
    "label": ((), (), F_SIDE, -1),
    "goto_tb": ((), (), F_SIDE | F_READALL | F_TERM, -1),
    "goto_ptr": ((), (), F_SIDE | F_READALL | F_TERM, -1),
    "exit_tb": ((), (), F_SIDE | F_READALL | F_TERM, -1),
    # floating point: MXCSR side effects; a guest slow path (FPMode.slow) is a
    # helper call that reads and writes the CPU state
    "fpenv": ((), (), F_SIDE | F_READALL, -1),        # reads its global's memory
    "fpflags_get": ((0,), (), F_SIDE, -1),
    "fpflags_set": ((), (0,), F_SIDE, -1),
    "fpround_set": ((), (0,), F_SIDE, -1),
})
for _n in ("fadd", "fsub", "fmul", "fdiv", "fminnum", "fmaxnum", "fcmp"):
    INFO[_n] = ((0,), (1, 2), F_SIDE, 3)
INFO["fmuladd"] = ((0,), (1, 2, 3), F_SIDE, 4)
for _n in ("fsqrt", "fcvt", "ftoi", "itof", "fround", "ftoh", "htof"):
    INFO[_n] = ((0,), (1,), F_SIDE, 2)
_UNKNOWN = ((), (), F_SIDE | F_READALL | F_WRITEALL | F_UNKNOWN, -1)
_HF_READS, _HF_WRITES = 1, 2          # helpers.HF_READS_GLOBALS / HF_WRITES_GLOBALS

REREAD_WINDOW = 48   # keep a global in a temp only if it is read again within this many ops


# ---------------------------------------------------------------- folding
def _sx(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def _bswap(v: int, n: int) -> int:
    return int.from_bytes((v & ((1 << (8 * n)) - 1)).to_bytes(n, "little"), "big")


def _fold_bin(name: str, a: int, b: int, w: int) -> Optional[int]:
    if name == "add":
        return a + b
    if name == "sub":
        return a - b
    if name == "and":
        return a & b
    if name == "or":
        return a | b
    if name == "xor":
        return a ^ b
    if name == "mul":
        return a * b
    if name == "andc":
        return a & ~b
    if name == "shl":
        return a << (b % w)
    if name == "shr":
        return a >> (b % w)
    if name == "sar":
        return _sx(a, w) >> (b % w)
    if name in ("rotl", "rotr"):
        n = b % w if name == "rotl" else (w - b % w) % w
        return ((a << n) | (a >> (w - n))) if n else a
    if name == "divu":
        return a // b if b else 0
    if name == "remu":
        return a % b if b else a
    if name in ("divs", "rems"):
        sa, sb = _sx(a, w), _sx(b, w)
        if sb == 0:
            return 0 if name == "divs" else a
        if sa == -(1 << (w - 1)) and sb == -1:
            return sa if name == "divs" else 0
        q = _tdiv(sa, sb)
        return q if name == "divs" else sa - sb * q
    if name == "concat":
        return (a & 0xFFFFFFFF) | (b & 0xFFFFFFFF) << 32
    return None


def _fold_un(name: str, a: int, w: int) -> Optional[int]:
    """w: the width of the source (ext32*/extr*) or of the op."""
    if name == "mov":
        return a
    if name == "neg":
        return -a
    if name == "not":
        return ~a
    if name == "ext8s":
        return _sx(a, 8)
    if name == "ext8u":
        return a & 0xFF
    if name == "ext16s":
        return _sx(a, 16)
    if name == "ext16u":
        return a & 0xFFFF
    if name == "ext32s":
        return _sx(a, 32)
    if name in ("ext32u", "extrl"):
        return a & 0xFFFFFFFF
    if name == "extrh":
        return (a >> 32) & 0xFFFFFFFF
    if name == "clz":
        return w - a.bit_length()
    if name == "ctz":
        return (a & -a).bit_length() - 1 if a else w
    if name == "popcnt":
        return bin(a).count("1")
    if name == "bswap16":
        return _bswap(a, 2)
    if name == "bswap32":
        return _bswap(a, 4)
    if name == "bswap64":
        return _bswap(a, 8)
    return None


def fold(name: str, d, vals) -> Optional[int]:
    """The constant result of pure op `name` (destination d) on constant
    operands `vals` (Const), or None if it does not fold."""
    if name in _BINOPS:
        a, b = vals
        return _fold_bin(name, a.value, b.value, d.type.bits)
    a = vals[0]
    return _fold_un(name, a.value, a.type.bits if name in ("ext32s", "ext32u", "extrl",
                                                             "extrh") else d.type.bits)


def _simplify(name: str, d, a, b):
    """x op identity -> x, x op absorbing -> const, x op x -> ...: returns a Value
    equal to the result (a Const or one of the operands) or None."""
    ty = d.type
    m = ty.mask
    ca, cb = a.__class__ is Const, b.__class__ is Const
    if cb:
        v = b.value
        if v == 0:
            if name in ("add", "sub", "or", "xor", "andc", "shl", "shr", "sar", "rotl", "rotr"):
                return a
            if name in ("and", "mul"):
                return Const(0, ty)
        elif v == m:
            if name == "and":
                return a
            if name == "or":
                return Const(m, ty)
            if name == "andc":
                return Const(0, ty)
        elif v == 1 and name == "mul":
            return a
        if name in ("shl", "shr", "sar", "rotl", "rotr") and v % ty.bits == 0:
            return a
    if ca:
        v = a.value
        if v == 0:
            if name in ("add", "or", "xor"):
                return b
            if name in ("and", "mul", "andc", "shl", "shr", "sar", "rotl", "rotr"):
                return Const(0, ty)
        elif v == m and name == "and":
            return b
        elif v == 1 and name == "mul":
            return b
    if a is b and not ca:
        if name in ("and", "or"):
            return a
        if name in ("xor", "sub", "andc"):
            return Const(0, ty)
    return None


# ---------------------------------------------------------------- values
_MASK = {I32: 0xFFFFFFFF, I64: 0xFFFFFFFFFFFFFFFF}
_new = object.__new__
_CONSTS: Dict[Tuple[int, object], Const] = {}


def _const(v: int, ty) -> Const:
    """Const(v, ty), shared (frozen dataclasses are slow to construct)."""
    v &= _MASK[ty]
    c = _CONSTS.get((v, ty))
    if c is None:
        c = Const(v, ty)
        if len(_CONSTS) < 65536:
            _CONSTS[(v, ty)] = c
    return c


def _temp(i: int, ty) -> Temp:
    t = _new(Temp)
    d = t.__dict__
    d["index"] = i
    d["type"] = ty
    return t


try:                                     # the fast path needs dataclass instances with a __dict__
    assert _temp(3, I64) .index == 3 and repr(_temp(3, I32)) == "t3"
except (AttributeError, AssertionError):  # pragma: no cover - ir.Temp grew __slots__
    _temp = Temp                         # noqa: F811


def _op(name: str, args) -> Op:
    o = _new(Op)
    o.name = name
    o.args = args
    return o


# op kinds for the passes' dispatch
K_DATA, K_SIDE, K_CALL, K_BRCOND, K_BR, K_LABEL, K_TERM, K_INSN, K_UNKNOWN = range(9)
_KIND: Dict[str, int] = {}
for _n, (_d, _u, _f, _m) in INFO.items():
    _KIND[_n] = (K_TERM if _f & F_TERM else K_SIDE if _f & F_SIDE else K_DATA)
_KIND.update(call=K_CALL, brcond=K_BRCOND, br=K_BR, label=K_LABEL, insn_start=K_INSN)
_INFO_GET = INFO.get


def _flat(args):
    for x in args:
        if isinstance(x, tuple):
            yield from _flat(x)
        else:
            yield x


# ---------------------------------------------------------------- overlapping globals
# Globals are byte ranges of the CPU state, and two of them may overlap: a VFP
# D register (I64 at offset X) and its S halves (I32 at X and X+4).  Liveness
# is tracked per 4-byte chunk of the state, the value cache per global (an
# entry answers only a read of the same offset and type; a write drops every
# entry it overlaps).
_GINFO: Dict[object, Tuple[Tuple[int, ...], bool, Tuple[int, ...], int]] = {}


def _ginfo(g) -> Tuple[Tuple[int, ...], bool, Tuple[int, ...], int]:
    """(the 4-byte chunks global g touches, whether it covers all of them, the
    offsets other than g's where an overlapping global (at most 8 bytes) may
    start, g's size in bytes); cached per Global object."""
    r = _GINFO.get(g)
    if r is None:
        off, n = g.offset, g.type.bits >> 3
        aligned = off & 3 == 0
        chs = tuple(range(off & ~3, off + n, 4))
        near = tuple(o for o in (range(off - 4, off + n, 4) if aligned else range(off - 7, off + n))
                     if o != off)
        r = (chs, aligned and n & 3 == 0, near, n)
        if len(_GINFO) > 8192:
            _GINFO.clear()
        _GINFO[g] = r
    return r


def _gkill(gval: Dict[int, object], g) -> None:
    """Forget the cached values of global g and of every global overlapping it."""
    off = g.offset
    gval.pop(off, None)
    if gval:
        _, _, near, n = _GINFO.get(g) or _ginfo(g)
        for o in near:
            v = gval.get(o)
            if v is not None and o < off + n and o + (v.type.bits >> 3) > off:
                del gval[o]


def _def_dead(chs, live_all: bool, gs: set) -> bool:
    """Is every chunk of chs dead?  (live_all: gs holds the dead chunks; else
    the live ones.)"""
    for ch in chs:
        if (ch in gs) is not live_all:
            return False
    return True


def _def_global(gi, live_all: bool, gs: set) -> bool:
    """A def of a global (gi: its _ginfo) seen walking backward: is it dead?
    Either way, the chunks it covers whole are dead before it."""
    chs = gi[0]
    if len(chs) == 1:
        ch = chs[0]
        dead = (ch in gs) is live_all
        if gi[1]:
            (gs.add if live_all else gs.discard)(ch)
    else:
        dead = _def_dead(chs, live_all, gs)
        if gi[1]:
            (gs.update if live_all else gs.difference_update)(chs)
    return dead


def _join_taken(live_all: bool, gs: set, taken: Tuple[bool, set]) -> Tuple[bool, set]:
    """Liveness before a brcond: the union of the fall-through state and the
    state at its (forward) target label."""
    oa, os_ = taken
    if live_all:
        return True, (gs & os_ if oa else gs - os_)
    if oa:
        return True, os_ - gs
    return False, gs | os_


# ---------------------------------------------------------------- pass 1
def _analyse(ops: List[Op]):
    """Backward pass over the input: (temps defined more than once, dead global
    defs per op index, per op index the globals read again soon).

    Global liveness is ``live_all`` plus a set of 4-byte chunks of the state
    (see _ginfo): with live_all the set holds the dead chunks, else the live
    ones.  A def is dead when every chunk it touches is dead; it kills only
    the chunks it covers whole; a use makes every chunk it touches live.
    `dead` holds offsets (the def at that op with that offset is dead);
    `keep` offsets too (a hint: the op's global at that offset is read again
    soon)."""
    ndefs: Dict[int, int] = {}
    multi = set()
    dead: Dict[int, Tuple[int, ...]] = {}
    keep: Dict[int, set] = {}
    live_all, gs = True, set()
    at_label: Dict[int, Tuple[bool, set]] = {}
    next_read: Dict[int, int] = {}
    kinds = _KIND
    window = REREAD_WINDOW
    ginfo = _GINFO
    for i in range(len(ops) - 1, -1, -1):
        op = ops[i]
        name = op.name
        k = kinds.get(name, K_UNKNOWN)
        if k == K_INSN:
            continue
        if k == K_LABEL:
            at_label[id(op.args[0])] = (live_all, set(gs))
            continue
        if k == K_TERM:
            live_all, gs = True, set()
            next_read.clear()
            continue
        if k == K_BR:
            o = at_label.get(id(op.args[0]))
            live_all, gs = (o[0], set(o[1])) if o is not None else (True, set())
            continue
        if k == K_UNKNOWN:
            for x in _flat(op.args):
                if x.__class__ is Temp:
                    multi.add(x.index)
            live_all, gs = True, set()
            next_read.clear()
            continue
        args = op.args
        if k == K_BRCOND:
            o = at_label.get(id(args[3]))
            if o is not None:                          # union with the taken path
                live_all, gs = _join_taken(live_all, gs, o)
            uses = (args[1], args[2])
            defs = ()
            fl = 0
        elif k == K_CALL:
            defs = (args[1],) if args[1] is not None else ()
            uses = args[2]
            hf = getattr(args[0], "flags", _HF_READS | _HF_WRITES)
            fl = (F_READALL if hf & _HF_READS else 0) | (F_WRITEALL if hf & _HF_WRITES else 0)
        else:
            info = INFO[name]
            defs = [args[p] for p in info[0]]
            uses = [args[p] for p in info[1]]
            fl = info[2]
            if info[3] >= 0:
                m = args[info[3]]
                if m is not None and getattr(m, "slow", None) is not None:
                    fl |= F_READALL
                    w = getattr(m, "writes", None)
                    if w is None:
                        fl |= F_WRITEALL
                    else:                              # the slow path writes w only
                        _, _, near, _ = ginfo.get(w) or _ginfo(w)
                        next_read.pop(w.offset, None)
                        for o in near:
                            next_read.pop(o, None)
        kd = None
        for x in defs:
            c = x.__class__
            if c is Temp:
                t = x.index
                if t in ndefs:
                    multi.add(t)
                else:
                    ndefs[t] = 1
            elif c is Global:
                off = x.offset
                if _def_global(ginfo.get(x) or _ginfo(x), live_all, gs):
                    dead[i] = dead.get(i, ()) + (off,)
                j = next_read.pop(off, None)
                if j is not None and j - i <= window:
                    kd = {off} if kd is None else kd | {off}
        if fl & F_WRITEALL:
            next_read.clear()
        if fl & F_READALL:
            live_all, gs = True, set()
        for x in uses:
            if x.__class__ is Global:
                off = x.offset
                chs = (ginfo.get(x) or _ginfo(x))[0]
                if len(chs) == 1:
                    (gs.discard if live_all else gs.add)(chs[0])
                else:
                    (gs.difference_update if live_all else gs.update)(chs)
                j = next_read.get(off)
                if j is not None and j - i <= window:
                    kd = {off} if kd is None else kd | {off}
                next_read[off] = i
        if kd is not None:
            keep[i] = kd
    return multi, dead, keep


# ---------------------------------------------------------------- pass 2
def optimize(ops: List[Op], ntemps: int) -> Tuple[List[Op], int]:
    """Optimized copy of a block's ops, and the new number of temps."""
    multi, dead, keep = _analyse(ops)
    out: List[Op] = []
    emit = out.append
    nt = ntemps
    rep: Dict[int, object] = {}         # temp index -> an equal Const / stable temp
    rep_multi: List[int] = []           # keys of rep for multi-def temps (dropped at labels)
    gval: Dict[int, object] = {}        # global offset -> Const / stable temp equal to its memory
    pending: Dict[int, List[Dict[int, object]]] = {}   # label id -> gval at branches to it
    reachable = True
    stored = set()                      # offsets of the globals written so far
    served = False                      # one of them read from gval since: run _dse
    kinds = _KIND
    TempC, GlobalC, ConstC = Temp, Global, Const

    for i, op in enumerate(ops):
        name = op.name
        k = kinds.get(name, K_UNKNOWN)
        args = op.args
        if k == K_INSN:
            emit(op)
            continue
        if k == K_UNKNOWN:                                  # untouched; a barrier
            emit(op)
            gval.clear()
            for x in _flat(args):
                if x.__class__ is TempC and x.index in rep:
                    del rep[x.index]
            continue
        if k == K_LABEL:
            states = pending.pop(id(args[0]), [])
            if reachable:
                states.append(gval)
            gval = _intersect(states)
            for t in rep_multi:
                rep.pop(t, None)
            rep_multi.clear()
            reachable = True
            emit(op)
            continue
        if k == K_TERM:
            emit(op)
            reachable = False
            gval = {}
            continue
        if k == K_BR:
            pending.setdefault(id(args[0]), []).append(dict(gval))
            emit(op)
            reachable = False
            continue
        kp = keep.get(i)

        # ---- the op's uses, substituted
        if k == K_CALL:
            upos = None
            hf = getattr(args[0], "flags", _HF_READS | _HF_WRITES)
            fl = F_SIDE | (F_READALL if hf & _HF_READS else 0) | (F_WRITEALL if hf & _HF_WRITES else 0)
            dpos = (1,)
            vals = list(args[2])
            src_list, positions = vals, range(len(vals))
        else:
            info = INFO[name]
            fl = info[2]
            if info[3] >= 0:
                m = args[info[3]]
                if m is not None and getattr(m, "slow", None) is not None:
                    fl |= F_READALL
                    w = getattr(m, "writes", None)
                    if w is None:
                        fl |= F_WRITEALL
                    else:                              # the slow path writes w only
                        _gkill(gval, w)
            dpos = info[0]
            src_list = list(args)
            positions = info[1]
        changed = False
        for p in positions:
            x = src_list[p]
            c = x.__class__
            if c is TempC:
                r = rep.get(x.index)
                if r is not None:
                    src_list[p] = r
                    changed = True
            elif c is GlobalC:
                r = gval.get(x.offset)
                if r is not None and r.type is not x.type:
                    r = None                          # the other view (D vs S) of that offset
                if r is None and kp is not None and x.offset in kp:
                    r = _temp(nt, x.type)
                    nt += 1
                    emit(_op("mov", (r, x)))
                    gval[x.offset] = r
                if r is not None:
                    src_list[p] = r
                    changed = True
                    if x.offset in stored:
                        served = True         # a store, then a read from the cache
        if k == K_CALL:
            new_args = (args[0], args[1], tuple(vals)) if changed else args
        else:
            new_args = tuple(src_list) if changed else args

        # ---- branches
        if k == K_BRCOND:
            c, a, b, lab = new_args
            r = _cmp_const(c, a, b)
            if r is False:
                continue
            pending.setdefault(id(lab), []).append(dict(gval))
            if r is True:
                emit(_op("br", (lab,)))
                reachable = False
            else:
                emit(_op(name, new_args) if changed else op)
            continue

        # ---- pure ops: fold, simplify
        if k == K_DATA and len(dpos) == 1:
            d = new_args[dpos[0]]
            value = None
            if name == "mov":
                value = new_args[1]
            elif name == "setcond" or name == "movcond":
                c, _, a, b = new_args[:4]
                r = _cmp_const(c, a, b)
                if name == "setcond":
                    if r is not None:
                        value = _const(int(r), d.type)
                else:
                    v1, v2 = new_args[4], new_args[5]
                    if r is not None:
                        value = v1 if r else v2
                    elif v1 is v2 or (v1.__class__ is ConstC and v1 == v2):
                        value = v1
            else:
                a = new_args[1]
                if len(new_args) == 3:
                    b = new_args[2]
                    if a.__class__ is ConstC and b.__class__ is ConstC:
                        r = _fold_bin(name, a.value, b.value, d.type.bits)
                        if r is not None:
                            value = _const(r, d.type)
                    elif name != "concat":
                        value = _simplify(name, d, a, b)
                elif a.__class__ is ConstC:
                    r = _fold_un(name, a.value, a.type.bits if name in _SRC_WIDTH_OPS
                                 else d.type.bits)
                    if r is not None:
                        value = _const(r, d.type)
            if value is not None:
                if value.type is not d.type:
                    value = _const(value.value, d.type) if value.__class__ is ConstC else None
                if value is not None:
                    if name != "mov":
                        name, changed = "mov", True
                    new_args = (d, value)
                    dpos = (0,)

        # ---- definitions
        dd = dead.get(i)
        if fl & F_WRITEALL:
            gval.clear()
        post = None
        lst = None
        skip = False
        for p in dpos:
            d = new_args[p]
            c = d.__class__
            if c is TempC:
                t = d.index
                if t in rep:
                    del rep[t]
                if name == "mov":
                    src = new_args[1]
                    if src.type is d.type:
                        sc = src.__class__
                        if sc is ConstC or (sc is TempC and (src.index >= ntemps
                                                             or src.index not in multi)):
                            rep[t] = src
                            if t in multi:
                                rep_multi.append(t)
                        elif sc is GlobalC and t not in multi:
                            gval[src.offset] = d          # d holds the global's value now
                continue
            if c is not GlobalC:
                continue
            off = d.offset
            _gkill(gval, d)                           # this view and every overlapping one
            stored.add(off)
            if name == "mov" and new_args[1].type is d.type:
                src = new_args[1]
                if dd is not None and off in dd:
                    skip = True                       # a dead store: nothing to emit
                else:
                    sc = src.__class__
                    if kp is not None and off in kp and (
                            sc is ConstC or (sc is TempC and (src.index >= ntemps
                                                               or src.index not in multi))):
                        gval[off] = src
                continue
            is_dead = dd is not None and off in dd
            if not is_dead and (kp is None or off not in kp):
                continue                              # written in place, not kept
            t = _temp(nt, d.type)
            nt += 1
            if lst is None:
                lst = list(new_args)
            lst[p] = t
            if not is_dead:                           # computed in t, stored, t kept
                if post is None:
                    post = []
                post.append(_op("mov", (d, t)))
                gval[off] = t
        if skip:
            continue
        if lst is not None:
            new_args = tuple(lst)
            changed = True
        emit(_op(name, new_args) if changed else op)
        if post is not None:
            out.extend(post)
    return _dce(_dse(out) if served else out), nt


_SRC_WIDTH_OPS = frozenset(("ext32s", "ext32u", "extrl", "extrh"))


def _intersect(states: List[Dict[int, object]]) -> Dict[int, object]:
    if not states:
        return {}
    first = states[0]
    if len(states) == 1:
        return dict(first)
    out = {}
    for k, v in first.items():
        for s in states[1:]:
            w = s.get(k)
            if w is not v and not (w is not None and w.__class__ is Const and w == v):
                break
        else:
            out[k] = v
    return out


_TRUE_EQ = frozenset((Cond.EQ, Cond.GE, Cond.LE, Cond.GEU, Cond.LEU))
_FALSE_EQ = frozenset((Cond.NE, Cond.LT, Cond.GT, Cond.LTU, Cond.GTU))


def _cmp_const(c: Cond, a, b) -> Optional[bool]:
    """The outcome of (a c b) if known at translation time."""
    if a.__class__ is Const and b.__class__ is Const:
        return c.evaluate(a.value, b.value, a.type)
    if a is b:
        if c in _TRUE_EQ:
            return True
        if c in _FALSE_EQ:
            return False
    return None


# ---------------------------------------------------------------- pass 3
def _dse(ops: List[Op]) -> List[Op]:
    """Dead store elimination on the rewritten block (after pass 2): a store
    ``mov G, x`` is dropped when every byte of G is stored again before
    anything reads those bytes from memory or observes the state (memory ops,
    which may fault; helpers that read the state; FP ops with a guest slow
    path; exits; unknown ops).  Pass 1 could not see these: a read of G that
    pass 2 served from a cached temp no longer reads memory.  Liveness is per
    4-byte chunk, as in _analyse: a use of any view (D or S) keeps the bytes
    it touches alive, a def kills only the chunks it covers whole."""
    live_all, gs = True, set()
    at_label: Dict[int, Tuple[bool, set]] = {}
    kinds = _KIND
    GlobalC = Global
    ginfo = _GINFO
    drop = None
    for i in range(len(ops) - 1, -1, -1):
        op = ops[i]
        name = op.name
        k = kinds.get(name, K_UNKNOWN)
        args = op.args
        if k == K_DATA:
            info = INFO[name]
            if name == "mov":
                d = args[0]
                x = args[1]
                if d.__class__ is GlobalC and _def_global(ginfo.get(d) or _ginfo(d), live_all, gs):
                    if drop is None:
                        drop = set()
                    drop.add(i)               # dead: its use goes with it
                    continue
                if x.__class__ is GlobalC:
                    (gs.difference_update if live_all else gs.update)(
                        (ginfo.get(x) or _ginfo(x))[0])
                continue
            defs = [args[p] for p in info[0]]
            uses = [args[p] for p in info[1]]
            fl = 0
        elif k == K_INSN:
            continue
        elif k == K_LABEL:
            at_label[id(args[0])] = (live_all, set(gs))
            continue
        elif k == K_TERM or k == K_UNKNOWN:
            live_all, gs = True, set()
            continue
        elif k == K_BR:
            o = at_label.get(id(args[0]))
            live_all, gs = (o[0], set(o[1])) if o is not None else (True, set())
            continue
        elif k == K_BRCOND:
            o = at_label.get(id(args[3]))
            if o is None:                              # not a forward branch: be safe
                live_all, gs = True, set()
            else:
                live_all, gs = _join_taken(live_all, gs, o)
            defs = ()
            uses = (args[1], args[2])
            fl = 0
        elif k == K_CALL:
            hf = getattr(args[0], "flags", _HF_READS | _HF_WRITES)
            defs = (args[1],) if args[1] is not None else ()
            uses = args[2]
            fl = F_READALL if hf & _HF_READS else 0
        else:
            info = INFO[name]
            fl = info[2]
            if info[3] >= 0:
                m = args[info[3]]
                if m is not None and getattr(m, "slow", None) is not None:
                    fl |= F_READALL
            defs = [args[p] for p in info[0]]
            uses = [args[p] for p in info[1]]
        for d in defs:
            if d.__class__ is GlobalC:
                gi = ginfo.get(d) or _ginfo(d)
                if gi[1]:
                    (gs.update if live_all else gs.difference_update)(gi[0])
        if fl & F_READALL:
            live_all, gs = True, set()
        for x in uses:
            if x.__class__ is GlobalC:
                (gs.difference_update if live_all else gs.update)((ginfo.get(x) or _ginfo(x))[0])
    if drop is None:
        return ops
    return [op for i, op in enumerate(ops) if i not in drop]


def _unreachable(ops: List[Op]) -> List[Op]:
    """Drop code no branch reaches (after a br or exit, up to a label some
    kept branch targets), unused labels, and a br to the very next label.
    insn_start ops stay: the engine pairs them with the block's insns."""
    kinds = _KIND
    refs = set()
    out: List[Op] = []
    dead = False
    changed = False
    for op in ops:
        k = kinds.get(op.name, K_UNKNOWN)
        if k == K_LABEL:
            lid = id(op.args[0])
            if lid in refs:
                if out and out[-1].name == "br" and out[-1].args[0] is op.args[0]:
                    out.pop()                 # br to the next op: falls through
                    changed = True
                    dead = False
                    if not any(o.name in ("br", "brcond") and id(o.args[-1]) == lid
                               for o in out):
                        continue
                dead = False
                out.append(op)
            else:
                changed = True                # nobody jumps here
            continue
        if dead and k != K_INSN:
            changed = True
            continue
        if k == K_BR:
            refs.add(id(op.args[0]))
            dead = True
        elif k == K_BRCOND:
            refs.add(id(op.args[3]))
        elif k == K_TERM:
            dead = True
        out.append(op)
    return out if changed else ops


def _dce(ops: List[Op]) -> List[Op]:
    """Drop pure ops none of whose temp results is ever read (reference
    counts over the block; ops are visited last first, so chains die too)."""
    ops = _unreachable(ops)
    uses: Dict[int, int] = {}
    kinds = _KIND
    TempC = Temp
    for op in ops:
        for x in op.args:
            c = x.__class__
            if c is TempC:
                uses[x.index] = uses.get(x.index, 0) + 1
            elif c is tuple:
                for y in _flat(x):
                    if y.__class__ is TempC:
                        uses[y.index] = uses.get(y.index, 0) + 1
    out = []
    drop = False
    for i in range(len(ops) - 1, -1, -1):
        op = ops[i]
        if kinds.get(op.name, K_UNKNOWN) == K_DATA:
            info = INFO[op.name]
            args = op.args
            dead_op = True
            for p in info[0]:
                d = args[p]
                if d.__class__ is not TempC or uses.get(d.index, 0) > 1:
                    dead_op = False           # a global, or read elsewhere (count includes the def)
                    break
            if dead_op:
                for p in info[0]:
                    uses[args[p].index] = 0
                for p in info[1]:
                    x = args[p]
                    if x.__class__ is TempC:
                        uses[x.index] -= 1
                drop = True
                continue
        out.append(op)
    if not drop:
        return ops
    out.reverse()
    return out

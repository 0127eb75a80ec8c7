"""ISA-neutral intermediate representation (a small TCG-like op set).

Every guest decoder (ARM now, AArch64 and RISC-V later) lowers guest instructions
into a list of `Op`s through an `IRBuilder`; the host code generator
(`usermode.translate.x86.codegen`) turns that list into x86-64 machine code.
Nothing in this file knows about any guest ISA.

Usage::

    from usermode.translate.ir import IRBuilder, I32, Cond
    b = IRBuilder()
    r0 = b.glob("r0", offset=64, type=I32)         # a field of the CPU-state struct
    t = b.temp(I32)
    b.add(t, r0, b.const(1))                        # t = r0 + 1
    b.mov(r0, t)
    b.goto_tb(0, 0x10074)                           # chainable jump to guest pc 0x10074
    print(b.dump())

Values
------
* `Global`  a field of the CPU-state struct at a fixed byte offset (guest registers, flags).
* `Temp`    a block-local temporary; its value does not survive the block.
* `Const`   an immediate.
Every value has a type, `I32` or `I64`.  Binary ops take operands of the
destination's type (shift counts too).  I32 values are held zero-extended in
64-bit host slots; an I32 op only ever yields the low 32 bits.

Ops (``d`` destination, ``a``/``b``/``c`` sources; any source may be a Const)
-------------------------------------------------------------------------------
mov d,a            d = a
add/sub/mul d,a,b  wrapping arithmetic
and/or/xor d,a,b   bitwise
andc d,a,b         d = a & ~b
shl/shr/sar d,a,b  shifts; the count is taken modulo the width (32 or 64), like
                   the host.  Decoders must handle guest-specific larger counts.
rotr/rotl d,a,b    rotate (count modulo width)
neg/not d,a
ext8s/ext8u/ext16s/ext16u d,a    sign/zero extend the low 8/16 bits (same type)
ext32s/ext32u d,a  d:I64 = sign/zero-extended a:I32
extrl d,a          d:I32 = low 32 bits of a:I64
extrh d,a          d:I32 = high 32 bits of a:I64
concat d,lo,hi     d:I64 = lo:I32 | hi:I32 << 32
clz/ctz d,a        count leading/trailing zeros; an all-zero input gives the width
popcnt d,a
bswap16 d,a        d = byte-swapped low 16 bits of a (upper bits zero)
bswap32 d,a        (I32 or, on I64, swaps the low 32 bits, upper zero)
bswap64 d,a        I64
mulu2 lo,hi,a,b    full unsigned product of two values of one type split in two halves
muls2 lo,hi,a,b    same, signed
divu/divs d,a,b    quotient rounded to zero; b == 0 gives 0, signed overflow (MIN/-1) gives MIN
remu/rems d,a,b    remainder; b == 0 gives a, signed overflow gives 0
setcond c,d,a,b    d = 1 if (a c b) else 0
movcond c,d,a,b,v1,v2   d = v1 if (a c b) else v2
brcond c,a,b,L     branch to label L if (a c b)
br L               branch to label L
label L            defines L (forward branches only)
ld m,d,addr        d = guest memory[addr]; m is a MemOp (size and sign)
st m,v,addr        guest memory[addr] = v (low bits per m)
cmpxchg m,d,addr,cmp,new   atomically: d = mem[addr]; if d == cmp: mem[addr] = new
                           (m.size 1/2/4/8; d,cmp,new I64 when m.size == 8)
mb kind            memory barrier ('full', 'load', 'store')
call h,d,args      d = helper h(env, *args); h is a Helper (name, result type,
                   arg types, flags): see usermode.translate.helpers
insn_start pc      marks the start of guest instruction `pc`; the generator records
                   (host offset -> pc) so faults map back to the exact instruction
goto_tb n,pc       jump to guest `pc`, chainable; n in {0, 1} is the exit slot
goto_ptr           jump to the guest pc held in env.pc (indirect branch); looks the
                   block up natively and falls back to the dispatcher
exit_tb v          store nothing, return `v` (an EXIT_* code) to the dispatcher
                   (env.pc and any other state must already be written)

Floating point (IEEE 754; see docs/FLOATING_POINT.md) -------------------------
Values are bit patterns: binary32 in I32 values, binary64 in I64 values (the
type of d, or of a, gives the format).  ``m`` is an `FPMode`, the guest's own
rules: the back end computes the IEEE result natively and calls the guest's
exact slow path ``m.slow`` instead whenever the guest may differ from the host
(a NaN result, a result of magnitude == the smallest normal -- tininess before
rounding --, a conversion out of range, or m.guard & m.guard_mask != 0).
Exception flags accumulate in the FP status (fpflags_get).
fpenv g            make the guest FP environment current; every guest instruction
                   using fp ops starts with it (cheap after the first).  g is an I32
                   Global where the back end keeps its control/status image while the
                   guest is not running (0 = round to nearest even, no flags)
fadd/fsub/fmul/fdiv d,a,b,m
fmuladd d,a,b,c,m  d = a*b + c, rounded once
fsqrt d,a,m
fminnum/fmaxnum d,a,b,m   IEEE 754-2008 minNum/maxNum (a quiet NaN loses; -0 < +0)
fcmp d,a,b,m,sig   d:I32 = FCMP_EQ/LT/GT/UN; invalid on a signalling NaN (any NaN if sig)
fcvt d,a,m         binary32 <-> binary64 (d and a differ in type)
ftoi d,a,m,cv      d = a * 2**cv.fbits rounded (cv.rmode) to a cv.ibits-bit integer,
                   saturated (the value for a NaN is the guest's: m.slow)
itof d,a,m,cv      d = integer a (cv.signed) * 2**-cv.fbits, rounded by the dynamic mode
fround d,a,m,r,x   round to an integral value by mode r; x: raise inexact
ftoh d,a,m         d:I32 = a as binary16 (dynamic rounding); htof d,a,m: the reverse
fpflags_get d      d:I32 = accumulated exception flags (FPF_* bits)
fpflags_set a      replace them
fpround_set a      set the dynamic rounding mode (FPR_NEAREST_EVEN, FPR_UP, ...)
------------------------------------------------------------------ end of fp ops

Vector (gvec) ops (lowering: usermode/translate/x86/vec*.py) -------------------
Vectors live in the CPU state: d, a, b are byte offsets (ints) of vectors in
it, n is the operation size in bytes (8 or 16; the size of d), e an element
size in bytes (1, 2, 4, 8).  An op reads all its sources before writing d, so
operands may overlap.  x is a `VecEnv` (sticky saturation flag, vector FP
mode) for ops that saturate or compute floating point, else None.
vmov d,a,n             d = a (n a multiple of 8, up to 32)
vdupi d,imm,n          d = the 64-bit constant imm, repeated
vdup e,d,v,n           every element of d = the low 8e bits of the value v (I32/I64)
vdupe e,d,a,n          every element of d = the element at offset a
vld d,addr,n           d = the n bytes (1..32) of guest memory at addr (an I32/I64 value)
vst a,addr,n           guest memory at addr = the n bytes at a
vperm dsts,srcs,idx    bytes: dsts/srcs are tuples of (offset, size) ranges; byte i of
                       the concatenated destinations = byte idx[i] of the concatenated
                       sources (idx[i] == -1: unchanged)
vldx dsts,addr,n,idx   vperm from the n bytes of guest memory at addr
vstx srcs,addr,n,idx   guest memory byte i (of n) = source byte idx[i]
vop op,e,d,a,b,i,n,x   lane-wise operation `op` (a name of VEC_OPS, semantics there):
                       elements of size e, b an offset or None, i an immediate or 0
                       (vector fp ops need the scalar ``fpenv`` first)
-------------------------------------------------------------- end of vector ops

Guest addresses are I32 for 32-bit guests (I64 for 64-bit guests): they are
offsets from the guest base, so no guest access can leave the reserved region.
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple, Union
    ValueLike = Union["Value", int]

from .._record import Frozen, FrozenRecord, Members, Record

_set = object.__setattr__
_new = object.__new__


class Type(Members):
    """A value's width: I32 or I64 (.bits, and .mask of that many ones)."""
    __slots__ = ("bits", "mask", "consts")

    def __init__(self, name: str, value: int):
        super().__init__(name, value)
        self.bits, self.mask = value, (1 << value) - 1
        self.consts: Dict[int, Const] = {}     # the shared Consts of this type (see const())


Type.define(I32=32, I64=64)
I32 = Type.I32
I64 = Type.I64


class Cond(Members):
    """Comparison conditions for setcond/movcond/brcond (TCG's names)."""
    __slots__ = ()

    def invert(self) -> "Cond":
        return _INVERT[self]

    def evaluate(self, a: int, b: int, ty: Type) -> bool:
        """Reference semantics (used by tests and constant folding)."""
        m = ty.mask
        a &= m
        b &= m
        sa = a - (1 << ty.bits) if a >> (ty.bits - 1) else a
        sb = b - (1 << ty.bits) if b >> (ty.bits - 1) else b
        return {
            Cond.EQ: a == b, Cond.NE: a != b,
            Cond.LT: sa < sb, Cond.GE: sa >= sb, Cond.LE: sa <= sb, Cond.GT: sa > sb,
            Cond.LTU: a < b, Cond.GEU: a >= b, Cond.LEU: a <= b, Cond.GTU: a > b,
            Cond.TSTEQ: (a & b) == 0, Cond.TSTNE: (a & b) != 0,
        }[self]


Cond.define(EQ="eq", NE="ne",
            LT="lt", GE="ge", LE="le", GT="gt",           # signed
            LTU="ltu", GEU="geu", LEU="leu", GTU="gtu",   # unsigned
            TSTEQ="tsteq", TSTNE="tstne")                 # (a & b) == 0, != 0

_INVERT = {
    Cond.EQ: Cond.NE, Cond.NE: Cond.EQ, Cond.LT: Cond.GE, Cond.GE: Cond.LT,
    Cond.LE: Cond.GT, Cond.GT: Cond.LE, Cond.LTU: Cond.GEU, Cond.GEU: Cond.LTU,
    Cond.LEU: Cond.GTU, Cond.GTU: Cond.LEU, Cond.TSTEQ: Cond.TSTNE, Cond.TSTNE: Cond.TSTEQ,
}


class MemOp(FrozenRecord):
    """Size (1, 2, 4, 8 bytes) and signedness of a load/store.  Little-endian."""
    _fields = ("size", "signed")

    def __init__(self, size: int, signed: bool = False):
        _set(self, "size", size)
        _set(self, "signed", signed)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.size, self.signed) == (other.size, other.signed)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.size, self.signed))

    def __str__(self) -> str:
        return ("s" if self.signed else "u") + str(self.size * 8)


MO_UB, MO_SB = MemOp(1), MemOp(1, True)
MO_UW, MO_SW = MemOp(2), MemOp(2, True)
MO_UL, MO_SL = MemOp(4), MemOp(4, True)
MO_Q = MemOp(8)


# Exit codes returned to the dispatcher by exit_tb (small values; block exits
# through goto_tb return a tagged block pointer instead, always >= 16).
EXIT_LOOKUP = 0      # continue at env.pc (look the block up)
EXIT_EXCEPTION = 1   # env.exception (and env.exc_arg) describe why; back to Python
EXIT_SYSCALL = 2     # a system call; env.pc is the instruction after it
EXIT_HALT = 3        # stop running (e.g. the block cache was flushed)
EXIT_HOT = 4         # a quick block was entered often: translate it again, optimized


class Value:
    type: Type


class Global(Frozen, Value):
    def __init__(self, name: str,
                 offset: int,          # byte offset in the CPU-state struct
                 type: Type = I32):
        _set(self, "name", name)
        _set(self, "offset", offset)
        _set(self, "type", type)

    def __repr__(self) -> str:
        return self.name


class Temp(Frozen, Value):
    def __init__(self, index: int, type: Type = I32):
        _set(self, "index", index)
        _set(self, "type", type)

    def __repr__(self) -> str:
        return f"t{self.index}" + ("" if self.type is I32 else "q")


class Const(FrozenRecord, Value):
    _fields = ("value", "type")

    def __init__(self, value: int, type: Type = I32):
        _set(self, "value", value & type.mask)
        _set(self, "type", type)

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.value, self.type) == (other.value, other.type)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.type))

    def __repr__(self) -> str:
        return f"${self.value:#x}"


CONSTS_MAX = 65536      # shared Consts kept per type (more are made afresh)


def const(v: int, ty: Type = I32) -> Const:
    """Const(v, ty), shared: the one made before for the same v and type when
    there is one (a Const is immutable and compared by value, so which copy
    an op holds does not matter; sharing saves building it again)."""
    c = ty.consts.get(v)
    if c is None:
        c = Const(v, ty)
        if len(ty.consts) < CONSTS_MAX:
            ty.consts[v] = c
    return c


class Label:
    def __init__(self, id: int):
        self.id = id

    def __repr__(self) -> str:
        return f"L{self.id}"


class Op(Record):
    """One IR op.  (IRBuilder's most frequent emitters make theirs with
    object.__new__ and two attribute stores: the same Op, without the cost
    of calling __init__.)"""
    _fields = ("name", "args")

    def __init__(self, name: str, args: Tuple[Any, ...]):
        self.name = name
        self.args = args

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return (self.name, self.args) == (other.name, other.args)
        return NotImplemented

    def __repr__(self) -> str:
        if self.name == "insn_start":
            return f"---- {self.args[0]:#010x}"
        return f"{self.name} " + ", ".join(
            a.value if isinstance(a, Cond) else str(a) if isinstance(a, MemOp) else repr(a)
            for a in self.args)


_BINOPS = ("add", "sub", "mul", "and_", "or_", "xor", "andc", "shl", "shr", "sar",
           "rotr", "rotl", "divu", "divs", "remu", "rems")
_UNOPS = ("neg", "not_", "ext8s", "ext8u", "ext16s", "ext16u", "ext32s", "ext32u",
          "extrl", "extrh", "clz", "ctz", "popcnt", "bswap16", "bswap32", "bswap64", "mov")


class IRBuilder:
    """Collects ops for one translation block."""

    def __init__(self) -> None:
        self.ops: List[Op] = []
        self._ntemps = 0
        self._nlabels = 0

    # ---- values -------------------------------------------------------
    def temp(self, ty: Type = I32) -> Temp:
        """A new temp: Temp(ntemps, ty), built without the call to __init__."""
        n = self._ntemps
        self._ntemps = n + 1
        t = _new(Temp)
        _set(t, "index", n)
        _set(t, "type", ty)
        return t

    @property
    def ntemps(self) -> int:
        return self._ntemps

    @staticmethod
    def const(v: int, ty: Type = I32) -> Const:
        return const(v, ty)

    @staticmethod
    def glob(name: str, offset: int, type: Type = I32) -> Global:
        return Global(name, offset, type)

    def label(self) -> Label:
        self._nlabels += 1
        return Label(self._nlabels)

    def _v(self, x: ValueLike, ty: Type) -> Value:
        return const(x, ty) if isinstance(x, int) else x

    def emit(self, name: str, *args) -> None:
        op = _new(Op)
        op.name = name
        op.args = args
        self.ops.append(op)

    # ---- generic op emitters (d first) ---------------------------------
    # b.add(d, a, b), b.mov(d, a) ... (_BINOPS, _UNOPS): methods made by _int_emitters

    def concat(self, d: Value, lo: ValueLike, hi: ValueLike) -> Value:
        self.emit("concat", d, self._v(lo, I32), self._v(hi, I32))
        return d

    def mulu2(self, lo: Value, hi: Value, a: ValueLike, b: ValueLike) -> None:
        self.emit("mulu2", lo, hi, self._v(a, lo.type), self._v(b, lo.type))

    def muls2(self, lo: Value, hi: Value, a: ValueLike, b: ValueLike) -> None:
        self.emit("muls2", lo, hi, self._v(a, lo.type), self._v(b, lo.type))

    def setcond(self, c: Cond, d: Value, a: ValueLike, b: ValueLike) -> Value:
        ty = a.type if isinstance(a, Value) else d.type
        self.emit("setcond", c, d, self._v(a, ty), self._v(b, ty))
        return d

    def movcond(self, c: Cond, d: Value, a: ValueLike, b: ValueLike,
                v1: ValueLike, v2: ValueLike) -> Value:
        ty = a.type if isinstance(a, Value) else d.type
        self.emit("movcond", c, d, self._v(a, ty), self._v(b, ty),
                  self._v(v1, d.type), self._v(v2, d.type))
        return d

    def brcond(self, c: Cond, a: ValueLike, b: ValueLike, l: Label) -> None:
        ty = a.type if isinstance(a, Value) else I32
        self.emit("brcond", c, self._v(a, ty), self._v(b, ty), l)

    def br(self, l: Label) -> None:
        self.emit("br", l)

    def set_label(self, l: Label) -> None:
        self.emit("label", l)

    def ld(self, m: MemOp, d: Value, addr: ValueLike, addr_type: Type = I32) -> Value:
        self.emit("ld", m, d, self._v(addr, addr_type))
        return d

    def st(self, m: MemOp, v: ValueLike, addr: ValueLike, addr_type: Type = I32) -> None:
        self.emit("st", m, self._v(v, I64 if m.size == 8 else I32), self._v(addr, addr_type))

    def cmpxchg(self, m: MemOp, d: Value, addr: ValueLike, cmp: ValueLike, new: ValueLike,
                addr_type: Type = I32) -> Value:
        self.emit("cmpxchg", m, d, self._v(addr, addr_type), self._v(cmp, d.type),
                  self._v(new, d.type))
        return d

    def mb(self, kind: str = "full") -> None:
        self.emit("mb", kind)

    def call(self, helper, d: Optional[Value], *args: ValueLike) -> Optional[Value]:
        vals = tuple(self._v(a, t) for a, t in zip(args, helper.arg_types))
        self.emit("call", helper, d, vals)
        return d

    def insn_start(self, pc: int) -> None:
        op = _new(Op)
        op.name = "insn_start"
        op.args = (pc,)
        self.ops.append(op)

    def goto_tb(self, n: int, pc: int) -> None:
        self.emit("goto_tb", n, pc)

    def goto_ptr(self) -> None:
        self.emit("goto_ptr")

    def exit_tb(self, code: int) -> None:
        self.emit("exit_tb", code)

    # ---- debugging ------------------------------------------------------
    def dump(self) -> str:
        return "\n".join(("" if op.name in ("insn_start", "label") else "  ") + repr(op)
                         for op in self.ops)


_UNOP_SRC_TYPE = {"ext32s": I32, "ext32u": I32, "extrl": I64, "extrh": I64}


def _int_emitters():
    """IRBuilder methods of the integer ops _BINOPS / _UNOPS: b.add(d, a, b),
    b.mov(d, a) ...; a trailing underscore keeps Python keywords usable (and_,
    or_, not_).  An int operand becomes a Const of d's type (of the source
    type for the width-changing unops, _UNOP_SRC_TYPE).  They are the
    translator's most frequent calls, so each builds its Op inline."""
    def binop(name):
        def f(self, d, a, b):
            ty = d.type
            op = _new(Op)
            op.name = name
            op.args = (d, const(a, ty) if isinstance(a, int) else a,
                       const(b, ty) if isinstance(b, int) else b)
            self.ops.append(op)
            return d
        return f

    def unop(name):
        src_ty = _UNOP_SRC_TYPE.get(name)

        def f(self, d, a):
            ty = d.type             # (read even when unused: d must be a Value)
            if src_ty is not None:
                ty = src_ty
            op = _new(Op)
            op.name = name
            op.args = (d, const(a, ty) if isinstance(a, int) else a)
            self.ops.append(op)
            return d
        return f

    out = {n: binop(n.rstrip("_")) for n in _BINOPS}
    out.update({n: unop(n.rstrip("_")) for n in _UNOPS})
    for n, f in out.items():
        f.__name__ = f.__qualname__ = n
    return out


for _name, _fn in _int_emitters().items():
    setattr(IRBuilder, _name, _fn)


# ============================================================ floating point
# (the fp ops of the table above; numbering shared with the C slow paths in
# usermode/translate/runtime/fp_helpers.c)
FPR_NEAREST_EVEN, FPR_UP, FPR_DOWN, FPR_ZERO, FPR_NEAREST_AWAY = 0, 1, 2, 3, 4
FPR_DYNAMIC = 7                      # the mode set by fpround_set
FCMP_EQ, FCMP_LT, FCMP_GT, FCMP_UN = 0, 1, 2, 3
FPF_INVALID, FPF_DIVZERO, FPF_OVERFLOW, FPF_UNDERFLOW, FPF_INEXACT = 1, 2, 4, 8, 16

# slow-path opcode: op index | FPOPC_F64 | flag | rmode << 10 | fbits << 13 | ibits code << 20
FP_OPS = ("fadd", "fsub", "fmul", "fdiv", "fmuladd", "fsqrt", "fminnum", "fmaxnum", "fcmp",
          "fcvt", "ftoi", "itof", "fround", "ftoh", "htof")
FPOPC_F64 = 0x100        # the floating-point operand (source for fcvt/ftoi/ftoh) is binary64
FPOPC_FLAG = 0x200       # fcmp: signalling; ftoi/itof: signed; fround: exact
FPOPC_IBITS = {32: 0, 64: 1, 16: 2}


def fp_opcode(name: str, f64: bool, flag: bool = False, rmode: int = 0, fbits: int = 0,
              ibits: int = 32) -> int:
    """The opcode an fp op passes to its guest's slow path (see FPMode)."""
    return (FP_OPS.index(name) | (FPOPC_F64 if f64 else 0) | (FPOPC_FLAG if flag else 0)
            | rmode << 10 | fbits << 13 | FPOPC_IBITS[ibits] << 20)


class FPMode(FrozenRecord):
    """A guest's floating-point rules, static for the fp ops that carry it.

    ``slow`` is a Helper computing one op exactly as the guest does (NaN
    propagation, flush-to-zero, flags...): ``d = slow(env, fp_opcode(...), a, b, c)``
    (I64 arguments and result; unused ones are 0).  It updates the FP status
    flags itself.  When ``guard`` is set, every op takes the slow path while
    ``guard & guard_mask`` != 0 at run time (guest modes the host lacks).
    ``writes``, when set, is the only global of the CPU state ``slow`` ever
    writes (its status word), so the optimizer keeps other cached globals
    across the op; None: the slow path may write any global."""
    _fields = ("name", "slow", "guard", "guard_mask", "writes")

    def __init__(self, name: str, slow: Any, guard: Optional[Global] = None,
                 guard_mask: int = 0, writes: Optional[Global] = None):
        _set(self, "name", name)
        _set(self, "slow", slow)
        _set(self, "guard", guard)
        _set(self, "guard_mask", guard_mask)
        _set(self, "writes", writes)

    def __repr__(self) -> str:
        return f"fp:{self.name}"


class FCvt(FrozenRecord):
    """Parameters of ftoi/itof: signedness, rounding (FPR_*), fraction bits and
    the integer width (16, 32 or 64; for itof the width of the I32/I64 source)."""
    _fields = ("signed", "rmode", "fbits", "ibits")

    def __init__(self, signed: bool, rmode: int = FPR_ZERO, fbits: int = 0, ibits: int = 32):
        _set(self, "signed", signed)
        _set(self, "rmode", rmode)
        _set(self, "fbits", fbits)
        _set(self, "ibits", ibits)

    def __repr__(self) -> str:
        return (f"{'s' if self.signed else 'u'}{self.ibits}/r{self.rmode}"
                + (f"/q{self.fbits}" if self.fbits else ""))


def _fp_emitters():
    """IRBuilder methods of the fp ops (d first, FPMode after the values)."""
    def binop(name):
        def f(self, d, a, b, m):
            self.emit(name, d, self._v(a, d.type), self._v(b, d.type), m)
            return d
        return f

    def unop(name):
        def f(self, d, a, m):
            self.emit(name, d, self._v(a, d.type), m)
            return d
        return f

    def fmuladd(self, d, a, b, c, m):
        self.emit("fmuladd", d, self._v(a, d.type), self._v(b, d.type), self._v(c, d.type), m)
        return d

    def fcmp(self, d, a, b, m, sig=False):
        ty = a.type if isinstance(a, Value) else b.type
        self.emit("fcmp", d, self._v(a, ty), self._v(b, ty), m, bool(sig))
        return d

    def fcvt(self, d, a, m):
        self.emit("fcvt", d, self._v(a, I32 if d.type is I64 else I64), m)
        return d

    def ftoi(self, d, a, m, cv):
        self.emit("ftoi", d, a, m, cv)
        return d

    def itof(self, d, a, m, cv):
        self.emit("itof", d, self._v(a, I64 if cv.ibits == 64 else I32), m, cv)
        return d

    def fround(self, d, a, m, rmode, exact=False):
        self.emit("fround", d, self._v(a, d.type), m, rmode, bool(exact))
        return d

    def ftoh(self, d, a, m):
        self.emit("ftoh", d, a, m)
        return d

    def htof(self, d, a, m):
        self.emit("htof", d, self._v(a, I32), m)
        return d

    def fpenv(self, g):
        self.emit("fpenv", g)

    def fpflags_get(self, d):
        self.emit("fpflags_get", d)
        return d

    def fpflags_set(self, a):
        self.emit("fpflags_set", self._v(a, I32))

    def fpround_set(self, a):
        self.emit("fpround_set", self._v(a, I32))

    out = {n: binop(n) for n in ("fadd", "fsub", "fmul", "fdiv", "fminnum", "fmaxnum")}
    out["fsqrt"] = unop("fsqrt")
    out.update(fmuladd=fmuladd, fcmp=fcmp, fcvt=fcvt, ftoi=ftoi, itof=itof, fround=fround,
               ftoh=ftoh, htof=htof, fpenv=fpenv, fpflags_get=fpflags_get,
               fpflags_set=fpflags_set, fpround_set=fpround_set)
    return out


for _name, _fn in _fp_emitters().items():
    setattr(IRBuilder, _name, _fn)


# ================================================================== vector (gvec)
# (the vector ops of the table above; VEC_OPS numbering is shared with the C
# reference implementation usermode/translate/runtime/neon_helpers.c)
class VecEnv(FrozenRecord):
    """What saturating and floating-point vector ops need from the guest.

    ``sat`` |= ``sat_mask`` when an op saturates (sticky).  Vector fp ops use
    the standard mode (flush-to-zero, default NaN, round to nearest even)
    whatever the scalar mode; their IEEE flags accumulate with the scalar ones
    (fpflags_get).  While ``fp_guard & fp_guard_mask`` != 0 at run time they
    take the slow path; ``slow`` is the whole-vector reference helper:
    slow(env, vec_opcode(op, e, n), d, a, b, i)."""
    _fields = ("sat", "sat_mask", "fp_guard", "fp_guard_mask", "slow")

    def __init__(self, sat: Global, sat_mask: int, fp_guard: Optional[Global] = None,
                 fp_guard_mask: int = 0, slow: Any = None):
        _set(self, "sat", sat)
        _set(self, "sat_mask", sat_mask)
        _set(self, "fp_guard", fp_guard)
        _set(self, "fp_guard_mask", fp_guard_mask)
        _set(self, "slow", slow)

    def __repr__(self) -> str:
        return "vx"


# Lane-wise vector operations (vop).  Shapes, by group: "same": d, a, b are n
# bytes of e-byte elements; "long": d 16 bytes of 2e-byte elements, a and b 8
# bytes of e; "wide": d and a 16 bytes of 2e, b 8 bytes of e; "narrow": d 8
# bytes of e/2-byte elements, a (and b) 16 bytes of e.  _s/_u: signed/unsigned.
# q* ops saturate (x.sat).  f* ops are IEEE binary32 (e == 4) in the standard mode.
VEC_OPS = (
    # same, binary: d = a op b
    "add", "sub", "mul", "and", "or", "xor", "andc", "orc",
    "min_s", "min_u", "max_s", "max_u",
    "ceq", "cgt_s", "cgt_u", "cge_s", "cge_u", "tst",      # all ones / zero; tst: a & b != 0
    "abd_s", "abd_u", "aba_s", "aba_u",                    # |a - b|; aba: d += |a - b|
    "hadd_s", "hadd_u", "rhadd_s", "rhadd_u", "hsub_s", "hsub_u",   # (a +- b [+ 1]) >> 1
    "qadd_s", "qadd_u", "qsub_s", "qsub_u",
    # a shifted by the signed low byte of b's element (negative: right; r: rounding)
    "shl_s", "shl_u", "rshl_s", "rshl_u", "qshl_s", "qshl_u", "qrshl_s", "qrshl_u",
    "mla", "mls", "mulp",                                  # d +-= a * b; polynomial (e 1)
    "qdmulh", "qrdmulh",                                   # sat((2ab [+ round]) >> 8e)
    "bsl", "bit", "bif",       # d = d ? a : b;  b ? a : d;  b ? d : a  (bitwise)
    "padd", "pmax_s", "pmax_u", "pmin_s", "pmin_u",        # adjacent pairs of a, then of b
    # same, float binary
    "fadd", "fsub", "fmul", "fabd", "fmla", "fmls",        # fmla: d + a*b, two roundings
    "fma", "fms",                                          # d +- a*b, one rounding
    "fmax", "fmin", "fceq", "fcge", "fcgt", "facge", "facgt",
    "fpadd", "fpmax", "fpmin", "frecps", "frsqrts",        # 2 - ab; (3 - ab) / 2
    # long: d = widen(a) op widen(b)
    "addl_s", "addl_u", "subl_s", "subl_u", "abdl_s", "abdl_u", "abal_s", "abal_u",
    "mull_s", "mull_u", "mlal_s", "mlal_u", "mlsl_s", "mlsl_u",
    "qdmull", "qdmlal", "qdmlsl", "mullp",
    # wide: d = a op widen(b)
    "addw_s", "addw_u", "subw_s", "subw_u",
    # narrow: d = high half of (a op b [+ round])
    "addhn", "raddhn", "subhn", "rsubhn",
    # same, unary (b None)
    "neg", "abs", "qneg", "qabs", "not", "cls", "clz", "cnt",
    "rev",                                                 # e-elements reversed in i-byte groups
    "cgt0", "cge0", "ceq0", "cle0", "clt0", "recpe_u", "rsqrte_u",
    "fneg", "fabs", "fcgt0", "fcge0", "fceq0", "fcle0", "fclt0", "frecpe", "frsqrte",
    "fcvt_fs", "fcvt_fu", "fcvt_sf", "fcvt_uf",            # float <-> int, i fraction bits
    "paddl_s", "paddl_u", "padal_s", "padal_u",            # d (2e elements) [+]= pair sums of a
    # unary, long / narrow
    "movl_s", "movl_u", "movn", "qmovn_s", "qmovn_u", "qmovun",
    "fcvt_hf", "fcvt_fh",                                  # binary16 (8 bytes) <-> binary32
    # shift by the immediate i (right shifts: 1..8e; left: 0..8e-1)
    "shli", "shri_s", "shri_u", "rshri_s", "rshri_u",
    "srai_s", "srai_u", "rsrai_s", "rsrai_u",              # d += a >> i
    "sri", "sli",                                          # shift and insert into d
    "qshli_s", "qshli_u", "qshlui",                        # qshlui: signed in, unsigned out
    "shll_s", "shll_u",                                    # long: widen(a) << i (i <= 8e)
    "shrn", "rshrn", "qshrn_s", "qshrn_u", "qrshrn_s", "qrshrn_u", "qshrun", "qrshrun",
    # table lookup (e 1): d byte = byte a[k] of the i-byte table at b; out of range:
    # 0 (tbl) or unchanged (tbx)
    "tbl", "tbx",
    # ARMv8 additions: IEEE maxNum/minNum; round to integral (i: FPR_* mode, | 8: raise
    # inexact); float -> int32 rounding by i (FPR_* mode)
    "fmaxnm", "fminnm", "frint", "fcvtr_s", "fcvtr_u",
)
VEC_OP_INDEX = {name: k for k, name in enumerate(VEC_OPS)}


def vec_opcode(op: str, e: int, n: int) -> int:
    """The opcode of a vop for the reference helper: index | log2(e) << 8 | (n == 16) << 10."""
    return VEC_OP_INDEX[op] | (e.bit_length() - 1) << 8 | (n == 16) << 10


def _vec_emitters():
    def vmov(self, d, a, n):
        self.emit("vmov", d, a, n)

    def vdupi(self, d, imm, n):
        self.emit("vdupi", d, imm & I64.mask, n)

    def vdup(self, e, d, v, n):
        self.emit("vdup", e, d, self._v(v, I64 if e == 8 else I32), n)

    def vdupe(self, e, d, a, n):
        self.emit("vdupe", e, d, a, n)

    def vld(self, d, addr, n, addr_type=I32):
        self.emit("vld", d, self._v(addr, addr_type), n)

    def vst(self, a, addr, n, addr_type=I32):
        self.emit("vst", a, self._v(addr, addr_type), n)

    def vperm(self, dsts, srcs, idx):
        self.emit("vperm", tuple(dsts), tuple(srcs), tuple(idx))

    def vldx(self, dsts, addr, n, idx, addr_type=I32):
        self.emit("vldx", tuple(dsts), self._v(addr, addr_type), n, tuple(idx))

    def vstx(self, srcs, addr, n, idx, addr_type=I32):
        self.emit("vstx", tuple(srcs), self._v(addr, addr_type), n, tuple(idx))

    def vop(self, op, e, d, a, b=None, i=0, n=8, x=None):
        if op not in VEC_OP_INDEX:
            raise ValueError(f"unknown vector op {op!r}")
        self.emit("vop", op, e, d, a, b, i, n, x)

    return dict(vmov=vmov, vdupi=vdupi, vdup=vdup, vdupe=vdupe, vld=vld, vst=vst,
                vperm=vperm, vldx=vldx, vstx=vstx, vop=vop)


for _name, _fn in _vec_emitters().items():
    setattr(IRBuilder, _name, _fn)

"""x86-64 instruction encoder, in the style of PyPy's rx86.py.

Every instruction form is one line built from small operand combinators
(`reg`, `rm`, `ext`, `opreg`, `i8`/`i16`/`i32`/`i64`, `cc`, `byte`).  Names say
the form: ``ADD_rr`` (reg, reg), ``ADD_ri`` (reg, imm), ``ADD_rm`` (reg,
memory), ``ADD_mr`` (memory, reg), ``ADD_mi`` (memory, imm).  A bare name is
the 64-bit form; ``ADD32_rr`` is the 32-bit form (which zero-extends its
register result to 64 bits, as the CPU does); ``MOV8_mr``/``MOV16_mr`` are the
byte/word forms; ``MOVZXB``/``MOVSXW``... extend a byte/word source.  Memory
operands are `Mem` objects: ``mem(base, disp)`` or ``mem(base, disp, index,
scale)``; rsp/r12 bases get their SIB byte and rbp/r13 bases their
displacement automatically.

Each form is a module-level function returning the encoded bytes, and also a
method of `Assembler`, which appends to a bytearray and resolves labels; both
are built on the form's first use (see FormTable).

Usage::

    from usermode.translate.x86.encoder import *
    ADD_rr(RAX, R9)                      # -> b'\\x4c\\x01\\xc8'  (add rax, r9)
    a = Assembler(base_addr=0x10000)
    done = a.label()
    a.MOV32_rm(EAX, mem(RBP, 64))        # mov eax, [rbp+64]
    a.CMP32_ri(EAX, 5)
    a.J_l(CC_E, done)                    # je done (rel32, fixed up at bind time)
    a.ADD32_ri(EAX, 1)
    a.bind(done)
    a.JMP_abs(0x10000)                   # jmp to an absolute address
    code = a.finish()                    # bytes; all fixups resolved
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Tuple

from ..codebank import CodeBank, FunctionType

# --------------------------------------------------------------- registers
RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI = range(8)
R8, R9, R10, R11, R12, R13, R14, R15 = range(8, 16)
EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI = range(8)          # same numbers, 32-bit names
REG_NAMES64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
               "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
REG_NAMES32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
               "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"]
REG_NAMES16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
               "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"]
REG_NAMES8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
              "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"]

# ------------------------------------------------------- condition codes
CC_O, CC_NO, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A = range(8)
CC_S, CC_NS, CC_P, CC_NP, CC_L, CC_GE, CC_LE, CC_G = range(8, 16)
CC_NAMES = ["o", "no", "b", "ae", "e", "ne", "be", "a",
            "s", "ns", "p", "np", "l", "ge", "le", "g"]

# ALU group: (name, /digit); opcodes are 8*digit + {1: r/m,r ; 3: r,r/m}
ALU_OPS = [("ADD", 0), ("OR", 1), ("ADC", 2), ("SBB", 3),
           ("AND", 4), ("SUB", 5), ("XOR", 6), ("CMP", 7)]
# shift/rotate group: (name, /digit) for D1 (by 1), D3 (by cl), C1 (by imm8)
SHIFT_OPS = [("ROL", 0), ("ROR", 1), ("SHL", 4), ("SHR", 5), ("SAR", 7)]
# unary group F7 /digit
UNARY_OPS = [("NOT", 2), ("NEG", 3), ("MUL", 4), ("IMUL1", 5), ("DIV", 6), ("IDIV", 7)]

_REX_W, _REX_R, _REX_X, _REX_B = 8, 4, 2, 1
_BYTE = [bytes([i]) for i in range(256)]


class EncodeError(ValueError):
    """An operand that the form cannot encode (wrong register, immediate too big)."""


# ----------------------------------------------------------- memory operand
class Mem:
    """[base + index*scale + disp]; index None for [base + disp].

    Treated as immutable: its encoding (ModRM without the reg field, SIB and
    displacement bytes, REX.X/B bits) is computed on first use and kept in
    `_enc`, so an operand used many times (a CPU-state field) is encoded once."""
    __slots__ = ("base", "disp", "index", "scale", "_enc")

    def __init__(self, base: int, disp: int = 0, index: Optional[int] = None, scale: int = 1):
        if index is not None and index == RSP:
            raise EncodeError("rsp cannot be an index register")
        if scale not in (1, 2, 4, 8):
            raise EncodeError(f"bad scale {scale}")
        if not -(1 << 31) <= disp < (1 << 31):
            raise EncodeError(f"displacement {disp:#x} out of range")
        self.base, self.disp, self.index, self.scale = base, disp, index, scale
        self._enc: Optional[Tuple[int, bytes, int]] = None

    def offset(self, n: int) -> "Mem":
        return Mem(self.base, self.disp + n, self.index, self.scale)

    def __repr__(self) -> str:
        s = REG_NAMES64[self.base]
        if self.index is not None:
            s += f" + {REG_NAMES64[self.index]}*{self.scale}"
        if self.disp:
            s += f" {'-' if self.disp < 0 else '+'} {abs(self.disp):#x}"
        return f"[{s}]"


def mem(base: int, disp: int = 0, index: Optional[int] = None, scale: int = 1) -> Mem:
    return Mem(base, disp, index, scale)


_SCALE_BITS = {1: 0, 2: 1, 4: 2, 8: 3}


def _mem_enc(m: Mem) -> Tuple[int, bytes, int]:
    """m's encoding, independent of the ModRM.reg field: (ModRM byte with reg
    0, SIB and displacement bytes, REX.X/B bits); cached in m._enc."""
    base, disp, index = m.base, m.disp, m.index
    rex = _REX_B if base & 8 else 0
    if disp == 0 and base & 7 != 5:
        mod, dbytes = 0x00, b""
    elif -128 <= disp < 128:
        mod, dbytes = 0x40, _BYTE[disp & 0xFF]
    else:
        mod, dbytes = 0x80, (disp & 0xFFFFFFFF).to_bytes(4, "little")
    if index is None and base & 7 != 4:
        enc = (mod | base & 7, dbytes, rex)
    else:
        if index is None:
            sib = 0x20 | base & 7                   # index=100: none
        else:
            if index & 8:
                rex |= _REX_X
            sib = _SCALE_BITS[m.scale] << 6 | (index & 7) << 3 | base & 7
        enc = (mod | 4, _BYTE[sib] + dbytes, rex)
    m._enc = enc
    return enc


def _modrm_mem(regfield: int, m: Mem) -> Tuple[bytes, int]:
    """ModRM (+SIB, +disp) bytes for a memory operand, and the REX.X/B bits."""
    modrm, tail, rex = m._enc or _mem_enc(m)
    return _BYTE[modrm | regfield << 3] + tail, rex


# ------------------------------------------------------ operand combinators
# Parts are never changed once made: each combinator returns one shared part
# per argument list (_shared), so the tables' many equal parts cost one
# object each at import.
def _shared(f):
    """functools.cache for the combinators (importing functools, and with it
    collections, costs start-up time)."""
    made: Dict[tuple, object] = {}

    def shared(*args):
        part = made.get(args)
        if part is None:
            part = made[args] = f(*args)
        return part
    shared.__name__, shared.__doc__, shared.__wrapped__ = f.__name__, f.__doc__, f
    return shared


class _Part:
    __slots__ = ("kind", "arg", "val")

    def __init__(self, kind: str, arg: int = -1, val=None):
        self.kind, self.arg, self.val = kind, arg, val


REX_W = _Part("w")                                   # 64-bit operand size


@_shared
def prefix(*bs: int) -> _Part:                       # legacy prefixes (66, F0, F2, F3)
    return _Part("prefix", val=bytes(bs))


@_shared
def op(*bs: int) -> _Part:                           # opcode bytes
    return _Part("op", val=bytes(bs))


@_shared
def reg(n: int) -> _Part:                            # argument n -> ModRM.reg
    return _Part("reg", n)


@_shared
def rm(n: int) -> _Part:                             # argument n (reg or Mem) -> ModRM.rm
    return _Part("rm", n)


@_shared
def ext(digit: int) -> _Part:                        # /digit in ModRM.reg
    return _Part("ext", val=digit)


@_shared
def opreg(n: int) -> _Part:                          # register n added to the last opcode byte
    return _Part("opreg", n)


@_shared
def cc(n: int) -> _Part:                             # condition n added to the last opcode byte
    return _Part("cc", n)


@_shared
def byte(n: int) -> _Part:                           # argument n is an 8-bit register
    return _Part("byte", n)


@_shared
def i8(n: int) -> _Part:                             # imm8 (-128..255)
    return _Part("imm", n, (1, -(1 << 7), 1 << 8))


@_shared
def i16(n: int) -> _Part:
    return _Part("imm", n, (2, -(1 << 15), 1 << 16))


@_shared
def i32(n: int) -> _Part:                            # imm32, zero- or sign- meaning
    return _Part("imm", n, (4, -(1 << 31), 1 << 32))


@_shared
def i32s(n: int) -> _Part:                           # imm32 sign-extended to 64 bits
    return _Part("imm", n, (4, -(1 << 31), 1 << 31))


@_shared
def i64(n: int) -> _Part:
    return _Part("imm", n, (8, -(1 << 63), 1 << 64))


@_shared
def rel8(n: int) -> _Part:
    return _Part("imm", n, (1, -(1 << 7), 1 << 7))


@_shared
def rel32(n: int) -> _Part:
    return _Part("imm", n, (4, -(1 << 31), 1 << 31))


_STRUCT = {1: struct.Struct("<B"), 2: struct.Struct("<H"), 4: struct.Struct("<I"),
           8: struct.Struct("<Q")}
_REL32 = struct.Struct("<i")                          # a jump's displacement


def _bad_reg(r):
    raise EncodeError(f"bad register {r!r}")


def _bad_imm(v, size):
    raise EncodeError(f"immediate {v:#x} does not fit {size} bytes")


def _bad_cc(c):
    raise EncodeError(f"bad condition {c!r}")


def insn(*parts: _Part) -> Callable[..., bytes]:
    """Compile a list of parts into an encoder function of the form's arguments.

    The function is generated as Python source specialised to the form (no
    per-call interpretation of the parts); ``insn(...).method`` is the same
    encoder as an `Assembler` method that appends to ``self.buf``.  The source
    is generated on the form's first use (a run uses a fraction of the forms;
    generating all of them would cost start-up time): the method then replaces
    itself in `Assembler` (under the names `install` recorded in
    ``method.names``) with the compiled one.
    """
    cell: List[Optional[Callable]] = [None, None]       # compiled encode, method
    _INSN_PARTS.append(parts)

    def compiled() -> Callable:
        if cell[0] is None:
            cell[0], cell[1] = _compile_insn(parts)
            for name in method.names:
                if vars(Assembler).get(name) is method:
                    setattr(Assembler, name, cell[1])
        return cell[0]

    def compiled_method() -> Callable:
        if cell[1] is None:
            compiled()
        return cell[1]

    def encode(*args):
        return (cell[0] or compiled())(*args)

    def method(self, *args):
        if cell[1] is None:
            compiled()
        cell[1](self, *args)

    method.names = []
    method.compiled = compiled
    encode.nargs = _nargs(parts)
    encode.compiled_method = compiled_method
    encode.method = method
    encode.compiled = compiled
    return encode


def _nargs(parts: Tuple[_Part, ...]) -> int:
    used = [p.arg for p in parts if p.kind in ("reg", "rm", "opreg", "cc", "byte", "imm")]
    return 1 + max(used + [-1])


# source of a form's (encode, method) -> their code objects: forms that differ
# only in constants (opcode, prefix, REX.W, /digit) share one compilation,
# done at install time when it can be (x86/_forms.py, runtime/build.py)
FORM_CODE = CodeBank(__package__ + "._forms", "<x86 form>")
_INSN_PARTS: List[Tuple["_Part", ...]] = []      # the parts of every insn() form


def _compile_insn(parts: Tuple[_Part, ...]) -> Tuple[Callable, Callable]:
    """The specialised (encode, method) pair of a form (see insn).

    The form's constants are names in the functions' globals (PFX, OPC, REX0,
    EXT...), so the source depends only on the form's shape and its compiled
    code is shared (FORM_CODE)."""
    src, ns = _form_source(parts)
    enc, meth = FORM_CODE.code(src)
    return FunctionType(enc, ns), FunctionType(meth, ns)


def form_module_text() -> str:
    """Source of x86/_forms.py: every form shape's encode and method (see
    FORM_CODE).  Covers the forms defined so far (import fp_encoder and
    vec_encoder first), building every one of them."""
    for name, table in list(_TABLES.items()):
        table[name]
    return FORM_CODE.module_text(
        (_form_source(p)[0] for p in _INSN_PARTS),
        "x86 encoder forms, generated by usermode/translate/runtime/build.py\n"
        "(encoder.form_module_text): do not edit.  Only the code objects are\n"
        "used, with each form's own globals (see encoder.FORM_CODE).")


def _form_source(parts: Tuple[_Part, ...]) -> Tuple[str, Dict[str, object]]:
    """The source of a form's encode and method, and their globals."""
    pfx, opc, w = b"", b"", 0
    reg_arg = rm_arg = opreg_arg = cc_arg = None
    extd = 0
    byte_args: List[int] = []
    imms: List[Tuple[int, Tuple[int, int, int]]] = []
    for p in parts:
        k = p.kind
        if k == "w":
            w = _REX_W
        elif k == "prefix":
            pfx += p.val
        elif k == "op":
            opc += p.val
        elif k == "reg":
            reg_arg = p.arg
        elif k == "rm":
            rm_arg = p.arg
        elif k == "ext":
            extd = p.val
        elif k == "opreg":
            opreg_arg = p.arg
        elif k == "cc":
            cc_arg = p.arg
        elif k == "byte":
            byte_args.append(p.arg)
        elif k == "imm":
            imms.append((p.arg, p.val))
        else:  # pragma: no cover - table error
            raise AssertionError(k)
    nargs = 1 + max([a for a in (reg_arg, rm_arg, opreg_arg, cc_arg) if a is not None]
                    + [a for a, _ in imms] + byte_args + [-1])
    args = ", ".join(f"a{i}" for i in range(nargs))
    ns = {"Mem": Mem, "_mem_enc": _mem_enc, "_BYTE": _BYTE, "_bad_reg": _bad_reg,
          "_bad_imm": _bad_imm, "_bad_cc": _bad_cc, "PFX": pfx, "OPC": opc,
          "OPC_HEAD": opc[:-1], "OPC_LAST": opc[-1] if opc else 0,
          "REX0": 0x40 | w if w else 0, "EXT": extd}
    body = ["rex = REX0"]
    op_expr = "OPC"
    if cc_arg is not None or opreg_arg is not None:
        last = ["OPC_LAST"]
        if cc_arg is not None:
            c = f"a{cc_arg}"
            body.append(f"if {c}.__class__ is not int or not 0 <= {c} < 16: _bad_cc({c})")
            last.append(c)
        if opreg_arg is not None:
            r = f"a{opreg_arg}"
            body.append(f"if {r}.__class__ is not int or not 0 <= {r} < 16: _bad_reg({r})")
            body.append(f"if {r} & 8: rex |= 0x41")
            last.append(f"({r} & 7)")
        op_expr = f"OPC_HEAD + _BYTE[{' + '.join(last)}]"
    mr_expr = "b''"
    if rm_arg is not None:
        if reg_arg is not None:
            rf = f"a{reg_arg}"
            body.append(f"if {rf}.__class__ is not int or not 0 <= {rf} < 16: _bad_reg({rf})")
            body.append(f"if {rf} & 8: rex |= 0x44")
            rf7 = f"({rf} & 7)"
        else:
            rf7 = "EXT"
        x = f"a{rm_arg}"
        body += [f"if {x}.__class__ is Mem:",               # _modrm_mem, inline
                 f"    e = {x}._enc or _mem_enc({x})",
                 f"    mr = _BYTE[e[0] | {rf7} << 3] + e[1]",
                 f"    if e[2]: rex |= 0x40 | e[2]",
                 f"else:",
                 f"    if {x}.__class__ is not int or not 0 <= {x} < 16: _bad_reg({x})",
                 f"    if {x} & 8: rex |= 0x41",
                 f"    mr = _BYTE[0xC0 | {rf7} << 3 | ({x} & 7)]"]
        mr_expr = "mr"
    imm_exprs = []
    for a, (size, lo, hi) in imms:
        v = f"a{a}"
        ns[f"pack{size}"] = _STRUCT[size].pack
        body.append(f"if not {lo} <= {v} < {hi}: _bad_imm({v}, {size})")
        imm_exprs.append(f"pack{size}({v} & {(1 << (8 * size)) - 1})")
    for a in byte_args:                        # spl, bpl, sil, dil need a REX prefix
        v = f"a{a}"
        body.append(f"if {v}.__class__ is int and 4 <= {v} < 8: rex |= 0x40")
    tail = " + ".join([op_expr, mr_expr] + imm_exprs)
    body.append(f"out = (PFX + _BYTE[rex] + {tail}) if rex else (PFX + {tail})")
    src = "\n    ".join(body)
    src = (f"def encode({args}):\n    {src}\n    return out\n"
           f"def method(self{', ' if args else ''}{args}):\n    {src}\n    self.buf += out\n")
    return src, ns


def _check_reg(r) -> int:
    if not isinstance(r, int) or not 0 <= r < 16:
        raise EncodeError(f"bad register {r!r}")
    return r


def fits_i8(v: int) -> bool:
    return -128 <= v < 128


def fits_i32(v: int) -> bool:
    return -(1 << 31) <= v < (1 << 31)


def s32(v: int) -> int:
    """Value as a signed 32-bit number (for 32-bit operand-size immediates)."""
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v >> 31 else v


def s64(v: int) -> int:
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def _imm_value(imm: int, bits: int) -> int:
    """The immediate of a `bits`-bit ALU form as the sign-extended value its
    imm8/imm32 field holds (see _choose_imm); EncodeError if none does."""
    if bits == 32:
        if not -(1 << 31) <= imm < (1 << 32):
            raise EncodeError(f"immediate {imm:#x} does not fit 32 bits")
        return s32(imm)
    v = s64(imm) if imm >= 0 else imm
    if not fits_i32(v):
        raise EncodeError(f"immediate {imm:#x} does not fit a sign-extended imm32")
    return v


def _choose_imm(small: Optional[Callable], big: Callable, bits: int,
                acc: Optional[Callable] = None) -> Callable[..., bytes]:
    """Pick the imm8 form when the (sign-extended) immediate allows it, else the
    short accumulator form (op rax, imm32) for rax, else the general imm32 form.

    An immediate in -128..127 is its own value in both sizes (the fast path).
    ``encode.method`` appends through the forms' compiled methods directly
    (looked up on first use: see insn)."""
    forms = (small, big, acc)
    methods: List[Optional[Callable]] = []       # compiled methods of forms

    def encode(dst, imm: int) -> bytes:
        if small is not None and -128 <= imm < 128:
            return small(dst, imm)
        v = _imm_value(imm, bits)
        if small is not None and -128 <= v < 128:
            return small(dst, v)
        if acc is not None and dst == RAX:
            return acc(v)
        return big(dst, v)

    def method(self, dst, imm: int) -> None:
        s, b, a = methods or _compiled_methods(forms, methods)
        if s is not None and -128 <= imm < 128:
            return s(self, dst, imm)
        v = _imm_value(imm, bits)
        if s is not None and -128 <= v < 128:
            return s(self, dst, v)
        if a is not None and dst == RAX:
            return a(self, v)
        return b(self, dst, v)
    encode.nargs = 2
    encode.method = method
    return encode


def _compiled_methods(forms: Tuple[Optional[Callable], ...],
                      out: List[Optional[Callable]]) -> List[Optional[Callable]]:
    """out[:] = the compiled Assembler methods of forms (None stays None)."""
    out[:] = [f and f.compiled_method() for f in forms]
    return out


# =================================================================== forms
_TABLES: Dict[str, "FormTable"] = {}        # form name -> the table that builds it


class FormTable:
    """A table of forms, name -> encoder function, each built on its first use
    (a run uses a fraction of the forms; building all of them would cost
    start-up time) from its row: ``add(name, build, *args)`` records
    ``build(*args)``.  `install_lazy` makes each form an `Assembler` method
    (a `_LazyMethod` until the form is built); the form modules'
    ``__getattr__`` is `attr`.  A read-only mapping (not a collections.abc
    Mapping: importing collections costs start-up time)."""

    def __init__(self) -> None:
        self._rows: Dict[str, Tuple[Callable, tuple]] = {}
        self._built: Dict[str, Callable[..., bytes]] = {}

    def add(self, name: str, build: Callable[..., Callable], *args) -> None:
        """Record the form NAME = build(*args)."""
        if name in _TABLES:
            raise AssertionError(f"form {name} defined twice")
        self._rows[name] = (build, args)
        _TABLES[name] = self

    def add_insn(self, name: str, *parts: _Part) -> None:
        """Record the insn() form NAME of parts: add(name, insn, *parts), in
        one call (the form modules make hundreds of them at start-up)."""
        if name in _TABLES:
            raise AssertionError(f"form {name} defined twice")
        self._rows[name] = (insn, parts)
        _TABLES[name] = self

    def __getitem__(self, name: str) -> Callable[..., bytes]:
        form = self._built.get(name)
        if form is None:
            build, args = self._rows[name]
            form = self._built[name] = build(*args)
            if isinstance(vars(Assembler).get(name), _LazyMethod):
                install(name, form)
        return form

    def install_lazy(self) -> None:
        """Make every form of the table an Assembler method, built on first use."""
        for name in self._rows:
            setattr(Assembler, name, _LazyMethod(name))

    def attr(self, name: str) -> Callable[..., bytes]:
        """The form `name` (a form module's ``__getattr__``)."""
        if name not in self._rows:
            raise AttributeError(name)
        return self[name]

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, name) -> bool:
        return name in self._rows

    def keys(self):
        return self._rows.keys()

    def values(self):
        return [self[n] for n in self._rows]

    def items(self):
        return [(n, self[n]) for n in self._rows]

    def get(self, name: str, default=None):
        return self[name] if name in self._rows else default


class _LazyMethod(str):
    """The Assembler attribute of a form not built yet: its first access builds
    the form, whose method replaces this (see FormTable).  It is the form's
    name, a str, so making one (for every form, at start-up) calls no
    Python-level __init__."""
    __slots__ = ()

    def __get__(self, obj, cls=None):
        name = str(self)
        _TABLES[name][name]
        return getattr(Assembler if obj is None else obj, name)


FORMS = FormTable()
_def = FORMS.add_insn           # _def(NAME, *parts): the insn() form NAME of parts


def _sized(name: str, form: str, *parts: _Part) -> None:
    """Define NAME_form (64-bit, REX.W) and NAME32_form (32-bit)."""
    _def(f"{name}_{form}", REX_W, *parts)
    _def(f"{name}32_{form}", *parts)


def _alu_imm(d: int, bits: int, acc: bool) -> Callable[..., bytes]:
    """The ALU /d form of a register (acc: with the short rax form) or memory
    and an immediate, bits wide (see _choose_imm)."""
    w, imm = ((REX_W,), i32s) if bits == 64 else ((), i32)
    return _choose_imm(insn(*w, op(0x83), ext(d), rm(0), i8(1)),
                       insn(*w, op(0x81), ext(d), rm(0), imm(1)), bits,
                       insn(*w, op(8 * d + 5), imm(0)) if acc else None)   # op rax, imm32


def _shift_ri(name: str, bits: int) -> Callable[..., bytes]:
    """NAME_ri(r, n): shift by n, the D1 form for 1, else the C1 imm8 form."""
    one, by_imm = FORMS[f"{name}_r1"], FORMS[f"{name}_ri8"]

    def encode(r, n):
        if not 0 <= n < bits:
            raise EncodeError(f"shift count {n} out of range")
        return one(r) if n == 1 else by_imm(r, n)
    encode.nargs = 2
    return encode


for _n, _d in ALU_OPS:
    _sized(_n, "rr", op(8 * _d + 1), rm(0), reg(1))
    _sized(_n, "mr", op(8 * _d + 1), rm(0), reg(1))
    _sized(_n, "rm", op(8 * _d + 3), reg(0), rm(1))
    for _bits, _sfx in ((64, ""), (32, "32")):
        FORMS.add(f"{_n}{_sfx}_ri", _alu_imm, _d, _bits, True)
        FORMS.add(f"{_n}{_sfx}_mi", _alu_imm, _d, _bits, False)
    # byte/word forms of CMP/OR... are not needed by the code generator.

for _n, _d in SHIFT_OPS:
    _sized(_n, "rcl", op(0xD3), ext(_d), rm(0))                  # shift by cl
    _sized(_n, "r1", op(0xD1), ext(_d), rm(0))                   # shift by 1
    _sized(_n, "ri8", op(0xC1), ext(_d), rm(0), i8(1))           # shift by imm8 (C1 form)
    FORMS.add(f"{_n}_ri", _shift_ri, _n, 64)
    FORMS.add(f"{_n}32_ri", _shift_ri, f"{_n}32", 32)

for _n, _d in UNARY_OPS:
    _sized(_n, "r", op(0xF7), ext(_d), rm(0))
    _sized(_n, "m", op(0xF7), ext(_d), rm(0))

# moves
_sized("MOV", "rr", op(0x89), rm(0), reg(1))
_sized("MOV", "mr", op(0x89), rm(0), reg(1))
_sized("MOV", "rm", op(0x8B), reg(0), rm(1))
_def("MOV_mi", REX_W, op(0xC7), ext(0), rm(0), i32s(1))            # sign-extended imm32
_def("MOV32_mi", op(0xC7), ext(0), rm(0), i32(1))
_def("MOV16_mi", prefix(0x66), op(0xC7), ext(0), rm(0), i16(1))
_def("MOV8_mi", op(0xC6), ext(0), rm(0), i8(1))
_def("MOV16_mr", prefix(0x66), op(0x89), rm(0), reg(1))
_def("MOV8_mr", op(0x88), rm(0), reg(1), byte(1))
_def("MOV8_rm", op(0x8A), reg(0), rm(1), byte(0))
_def("MOV32_ri", op(0xB8), opreg(0), i32(1))                        # zero-extends to 64
_def("MOV_ri64", REX_W, op(0xB8), opreg(0), i64(1))                 # movabs
_def("MOV_ri32s", REX_W, op(0xC7), ext(0), rm(0), i32s(1))          # sign-extended imm32


def MOV_ri(r: int, imm: int) -> bytes:
    """Shortest load of a 64-bit constant (signed or unsigned 64-bit value)."""
    v = imm & ((1 << 64) - 1)
    if v < (1 << 32):
        return MOV32_ri(r, v)
    if fits_i32(s64(v)):
        return MOV_ri32s(r, s64(v))
    return MOV_ri64(r, v)


MOV_ri.nargs = 2
FORMS.add("MOV_ri", lambda: MOV_ri)

# zero/sign extension from a byte (B) or word (W) source, register or memory:
# MOVZXB_rm = movzx r64, byte [m]; MOVSXW32_rr = movsx r32, r16; ...
for _n, _o in (("MOVZXB", 0xB6), ("MOVZXW", 0xB7), ("MOVSXB", 0xBE), ("MOVSXW", 0xBF)):
    _src_byte = (byte(1),) if _n.endswith("B") else ()
    _sized(_n, "rr", op(0x0F, _o), reg(0), rm(1), *_src_byte)
    _sized(_n, "rm", op(0x0F, _o), reg(0), rm(1))
_def("MOVSXD_rr", REX_W, op(0x63), reg(0), rm(1))                  # movsxd r64, r32
_def("MOVSXD_rm", REX_W, op(0x63), reg(0), rm(1))

_sized("LEA", "rm", op(0x8D), reg(0), rm(1))
_sized("TEST", "rr", op(0x85), rm(0), reg(1))
_sized("TEST", "mr", op(0x85), rm(0), reg(1))
FORMS.add("TEST_ri", lambda: _choose_imm(None, insn(REX_W, op(0xF7), ext(0), rm(0), i32s(1)),
                                         64, insn(REX_W, op(0xA9), i32s(0))))
FORMS.add("TEST32_ri", lambda: _choose_imm(None, insn(op(0xF7), ext(0), rm(0), i32(1)), 32,
                                           insn(op(0xA9), i32(0))))
_def("TEST_mi", REX_W, op(0xF7), ext(0), rm(0), i32s(1))
_def("TEST32_mi", op(0xF7), ext(0), rm(0), i32(1))
_sized("XCHG", "rr", op(0x87), rm(0), reg(1))
_sized("XCHG", "mr", op(0x87), rm(0), reg(1))

# multiply
_sized("IMUL", "rr", op(0x0F, 0xAF), reg(0), rm(1))
_sized("IMUL", "rm", op(0x0F, 0xAF), reg(0), rm(1))


def _imul_rri(bits: int) -> Callable[..., bytes]:
    """IMUL_rri(d, s, imm): d = s * imm, the imm8 form when imm allows it."""
    if bits == 64:
        small = insn(REX_W, op(0x6B), reg(0), rm(1), i8(2))
        big = insn(REX_W, op(0x69), reg(0), rm(1), i32s(2))
    else:
        small, big = insn(op(0x6B), reg(0), rm(1), i8(2)), insn(op(0x69), reg(0), rm(1), i32(2))

    def encode(d: int, s, imm: int) -> bytes:
        v = s32(imm) if bits == 32 else imm
        return small(d, s, v) if fits_i8(v) else big(d, s, v)
    encode.nargs = 3
    return encode


FORMS.add("IMUL_rri", _imul_rri, 64)
FORMS.add("IMUL32_rri", _imul_rri, 32)

# bit scans and counts; F3 is a mandatory prefix and goes before REX
_sized("BSR", "rr", op(0x0F, 0xBD), reg(0), rm(1))
_sized("BSR", "rm", op(0x0F, 0xBD), reg(0), rm(1))
_sized("BSF", "rr", op(0x0F, 0xBC), reg(0), rm(1))
_sized("BSF", "rm", op(0x0F, 0xBC), reg(0), rm(1))
_sized("LZCNT", "rr", prefix(0xF3), op(0x0F, 0xBD), reg(0), rm(1))
_sized("TZCNT", "rr", prefix(0xF3), op(0x0F, 0xBC), reg(0), rm(1))
_sized("POPCNT", "rr", prefix(0xF3), op(0x0F, 0xB8), reg(0), rm(1))
_sized("BSWAP", "r", op(0x0F, 0xC8), opreg(0))

# conditions
_def("SETcc_r", op(0x0F, 0x90), cc(0), ext(0), rm(1), byte(1))     # SETcc_r(cc, r8)
_sized("CMOVcc", "rr", op(0x0F, 0x40), cc(0), reg(1), rm(2))         # CMOVcc_rr(cc, d, s)
_sized("CMOVcc", "rm", op(0x0F, 0x40), cc(0), reg(1), rm(2))

# control flow (rel = target - end of this instruction)
_def("Jcc_rel32", op(0x0F, 0x80), cc(0), rel32(1))
_def("Jcc_rel8", op(0x70), cc(0), rel8(1))
_def("JMP_rel32", op(0xE9), rel32(0))
_def("JMP_rel8", op(0xEB), rel8(0))
_def("CALL_rel32", op(0xE8), rel32(0))
_def("JMP_r", op(0xFF), ext(4), rm(0))
_def("JMP_m", op(0xFF), ext(4), rm(0))
_def("CALL_r", op(0xFF), ext(2), rm(0))
_def("CALL_m", op(0xFF), ext(2), rm(0))
_def("RET", op(0xC3))
_def("PUSH_r", op(0x50), opreg(0))
_def("POP_r", op(0x58), opreg(0))

# sign extension of rax into rdx
_def("CDQ", op(0x99))
_def("CQO", REX_W, op(0x99))

# atomics and barriers
_def("LOCK_CMPXCHG_mr", prefix(0xF0), REX_W, op(0x0F, 0xB1), rm(0), reg(1))
_def("LOCK_CMPXCHG32_mr", prefix(0xF0), op(0x0F, 0xB1), rm(0), reg(1))
_def("LOCK_CMPXCHG16_mr", prefix(0xF0, 0x66), op(0x0F, 0xB1), rm(0), reg(1))
_def("LOCK_CMPXCHG8_mr", prefix(0xF0), op(0x0F, 0xB0), rm(0), reg(1), byte(1))
_def("MFENCE", op(0x0F, 0xAE, 0xF0))
_def("LFENCE", op(0x0F, 0xAE, 0xE8))
_def("SFENCE", op(0x0F, 0xAE, 0xF8))
_def("UD2", op(0x0F, 0x0B))
_def("INT3", op(0xCC))

# recommended multi-byte NOPs (Intel SDM, "NOP" instruction), index = length
NOPS = [b"", b"\x90", b"\x66\x90", b"\x0f\x1f\x00", b"\x0f\x1f\x40\x00",
        b"\x0f\x1f\x44\x00\x00", b"\x66\x0f\x1f\x44\x00\x00",
        b"\x0f\x1f\x80\x00\x00\x00\x00", b"\x0f\x1f\x84\x00\x00\x00\x00\x00"]


def NOP_n(n: int) -> bytes:
    out = b""
    while n > 0:
        k = min(n, len(NOPS) - 1)
        out += NOPS[k]
        n -= k
    return out


NOP_n.nargs = 1
FORMS.add("NOP_n", lambda: NOP_n)


# ================================================================ assembler
class Label:
    __slots__ = ("pos", "name")

    def __init__(self, name: str = ""):
        self.pos: Optional[int] = None
        self.name = name

    def __repr__(self) -> str:
        return f"<Label {self.name} @{self.pos}>"


class Assembler:
    """Appends encoded instructions to a bytearray; labels with fixups.

    Every form in `FORMS` is a method: ``a.ADD32_rr(EAX, ECX)``.  Jumps to labels:
    ``J_l(cc, label)``/``JMP_l(label)`` (rel32) and ``J_l8``/``JMP_l8`` (rel8,
    checked).  ``JMP_abs``/``CALL_abs``/``J_abs`` reach absolute addresses,
    computed from `base_addr`, the address the code will run at.
    """

    # Relocation recording (for the persistent translation cache): with
    # reloc_range = (lo, hi), ``MOV_ri(r, addr)`` of an address in [lo, hi)
    # immediately followed by ``CALL_r(r)`` is a call of a helper of the
    # native runtime: it is emitted as movabs and recorded in `relocs` as
    # ("abs64", offset of the imm64, addr).  Any other CALL_r sets
    # `unrelocatable`.  JMP_abs/CALL_abs/J_abs always record
    # ("rel32", offset of the rel32, target).
    reloc_range: Optional[Tuple[int, int]] = None

    def __init__(self, base_addr: int = 0):
        self.buf = bytearray()
        self.base_addr = base_addr
        self._fixups: List[Tuple[int, int, Label]] = []   # (field pos, size, label)
        self.relocs: List[Tuple[str, int, int]] = []
        self.unrelocatable = False
        self._call_cand: Optional[Tuple[int, int, int]] = None

    # ---- position ------------------------------------------------------
    @property
    def pos(self) -> int:
        return len(self.buf)

    def addr(self) -> int:
        return self.base_addr + len(self.buf)

    def emit(self, data: bytes) -> None:
        self.buf += data

    def label(self, name: str = "") -> Label:
        return Label(name)

    def bind(self, lab: Label) -> None:
        if lab.pos is not None:
            raise EncodeError(f"label {lab.name} bound twice")
        lab.pos = len(self.buf)

    def align_field(self, opcode_len: int, align: int = 4) -> None:
        """Pad with NOPs so that the field after an opcode_len-byte opcode is aligned."""
        pad = (-(self.base_addr + len(self.buf) + opcode_len)) % align
        self.buf += NOP_n(pad)

    # ---- jumps to labels -----------------------------------------------
    def jump(self, head: bytes, size: int, lab: Label) -> None:
        """head (the bytes of a jump up to its displacement), then a size-byte
        displacement to lab (fixed up when lab is bound)."""
        self.buf += head
        pos = len(self.buf)
        self.buf += bytes(size)
        self._fixups.append((pos, size, lab))
        if lab.pos is not None:
            self._patch(pos, size, lab)

    def J_l(self, c: int, lab: Label) -> None:
        self.jump(bytes([0x0F, 0x80 + c]), 4, lab)

    def J_l8(self, c: int, lab: Label) -> None:
        self.jump(bytes([0x70 + c]), 1, lab)

    def JMP_l(self, lab: Label) -> None:
        self.jump(b"\xE9", 4, lab)

    def JMP_l8(self, lab: Label) -> None:
        self.jump(b"\xEB", 1, lab)

    def _patch(self, pos: int, size: int, lab: Label) -> None:
        rel = lab.pos - (pos + size)
        if size == 1:
            if not fits_i8(rel):
                raise EncodeError(f"short jump to {lab.name} out of range ({rel})")
            self.buf[pos] = rel & 0xFF
        else:
            _REL32.pack_into(self.buf, pos, rel)

    # ---- absolute targets ----------------------------------------------
    def _rel_to(self, target: int, insn_len: int) -> int:
        rel = target - (self.base_addr + len(self.buf) + insn_len)
        if not fits_i32(rel):
            raise EncodeError(f"target {target:#x} out of rel32 range")
        return rel

    def JMP_abs(self, target: int) -> None:
        buf = self.buf
        rel = target - (self.base_addr + len(buf) + 5)     # _rel_to, inline (every block's exits)
        if not -0x80000000 <= rel < 0x80000000:
            raise EncodeError(f"target {target:#x} out of rel32 range")
        buf += b"\xE9" + rel.to_bytes(4, "little", signed=True)
        self.relocs.append(("rel32", len(buf) - 4, target))

    def CALL_abs(self, target: int) -> None:
        self.buf += b"\xE8" + self._rel_to(target, 5).to_bytes(4, "little", signed=True)
        self.relocs.append(("rel32", len(self.buf) - 4, target))

    def J_abs(self, c: int, target: int) -> None:
        self.Jcc_rel32(c, self._rel_to(target, 6))
        self.relocs.append(("rel32", len(self.buf) - 4, target))

    # ---- result ----------------------------------------------------------
    def finish(self) -> bytes:
        for pos, size, lab in self._fixups:
            if lab.pos is None:
                raise EncodeError(f"label {lab.name or lab} never bound")
            self._patch(pos, size, lab)
        return bytes(self.buf)


def _method(fn: Callable[..., bytes]):
    m = getattr(fn, "method", None)         # insn() forms come with an appending method
    if m is not None:
        return m

    def m(self, *args):
        self.buf += fn(*args)
    m.__doc__ = getattr(fn, "__doc__", None)
    return m


def install(name: str, fn: Callable[..., bytes]) -> None:
    """Make form fn the Assembler method `name` (see insn: a lazily compiled
    method replaces itself under the names recorded here)."""
    m = _method(fn)
    setattr(Assembler, name, m)
    names = getattr(m, "names", None)
    if names is not None:
        names.append(name)


def method_of(name: str) -> Callable:
    """The Assembler method `name` as a plain function of (assembler, *args),
    built and compiled now if it is a form not used yet (so a caller may keep it)."""
    m = getattr(Assembler, name)
    c = getattr(m, "compiled", None)
    if c is not None:
        c()
        m = getattr(Assembler, name)
    return m


def _asm_MOV_ri(self, r: int, imm: int) -> None:
    rr = self.reloc_range
    if rr is not None and rr[0] <= imm < rr[1]:
        self.buf += MOV_ri64(r, imm)
        self._call_cand = (len(self.buf), r, imm)
    elif 0 <= imm < (1 << 32):
        self.MOV32_ri(r, imm)                   # MOV_ri's choice, without its calls
    else:
        self.buf += MOV_ri(r, imm)


def _asm_CALL_r(self, r) -> None:
    c = self._call_cand
    if c is not None and c[0] == len(self.buf) and c[1] == r:
        self.relocs.append(("abs64", c[0] - 8, c[2]))
    else:
        self.unrelocatable = True
    self.buf += CALL_r(r)


FORMS.install_lazy()
Assembler.MOV_ri = _asm_MOV_ri
Assembler.CALL_r = _asm_CALL_r
# the forms MOV_ri, _asm_MOV_ri and _asm_CALL_r encode with
MOV32_ri, MOV_ri64, MOV_ri32s, CALL_r = (FORMS[n] for n in ("MOV32_ri", "MOV_ri64", "MOV_ri32s",
                                                            "CALL_r"))

__getattr__ = FORMS.attr       # encoder.ADD_rr: the form, built now if not used yet
__all__ = [n for n in globals() if n.isupper() or n in (
    "Mem", "mem", "Assembler", "Label", "EncodeError", "insn", "install", "method_of",
    "fits_i8", "fits_i32", "s32", "s64")] + list(FORMS)

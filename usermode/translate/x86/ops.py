"""Lowering of the IR's data ops (arithmetic, logic, compares, guest memory)
to x86-64.  Control flow, calls, the frame and temp allocation are in codegen.py.

Where values live: a `Global` at [rbp + offset] (the CPU state, always in
memory, so the guest state is exact whenever generated code faults or
exits); a `Temp` in a host register or an 8-byte stack slot [rsp + 8*slot]
(see codegen.assign_temps).  A location is therefore a register number (int)
or a `Mem`.  rax, rcx, rdx and rsi are scratch registers of the lowering and
never hold temps.  I32 values are always written with 32-bit instructions,
so they stay zero-extended in 64-bit registers; the upper half of an I32
stack slot is never read.  Const operands fold into immediates where x86
allows (any value for 32-bit ops, a sign-extended imm32 for 64-bit ops).
Guest memory is [r14 + zero-extended guest address].

Usage (through the code generator)::

    from usermode.translate.x86.codegen import CodeGen
    res = CodeGen().gen_block(builder.ops, builder.ntemps, code_addr, tb_addr)
"""
from __future__ import annotations

TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, Tuple, Union
    Loc = Union[int, "Mem"]                   # a register or a memory operand
    Operand = Tuple[str, Union[int, "Mem"]]   # ('i', imm) | ('m', Mem) | ('r', reg)

from ..ir import I32, I64, Cond, Const, Global, Temp, Type
from .encoder import (CC_A, CC_AE, CC_B, CC_BE, CC_E, CC_G, CC_GE, CC_L, CC_LE, CC_NE, R14,
                      RAX, RBP, RCX, RDX, RSI, Assembler, Mem, fits_i32, method_of, s64)

# ------------------------------------------------------------------ tables
ALU_INSN = {"add": "ADD", "sub": "SUB", "and": "AND", "or": "OR", "xor": "XOR"}
SHIFT_INSN = {"shl": "SHL", "shr": "SHR", "sar": "SAR", "rotl": "ROL", "rotr": "ROR"}
EXT_INSN = {"ext8s": "MOVSXB", "ext8u": "MOVZXB", "ext16s": "MOVSXW", "ext16u": "MOVZXW"}
DIV_OPS = {"divu": (False, False), "divs": (True, False),      # (signed, remainder)
           "remu": (False, True), "rems": (True, True)}
COND_CC = {Cond.EQ: CC_E, Cond.NE: CC_NE, Cond.LT: CC_L, Cond.GE: CC_GE, Cond.LE: CC_LE,
           Cond.GT: CC_G, Cond.LTU: CC_B, Cond.GEU: CC_AE, Cond.LEU: CC_BE, Cond.GTU: CC_A,
           Cond.TSTEQ: CC_E, Cond.TSTNE: CC_NE}
# cc for (b c a) given (a c b): the compare's operands swapped
SWAPPED = {Cond.EQ: Cond.EQ, Cond.NE: Cond.NE, Cond.LT: Cond.GT, Cond.GT: Cond.LT,
           Cond.LE: Cond.GE, Cond.GE: Cond.LE, Cond.LTU: Cond.GTU, Cond.GTU: Cond.LTU,
           Cond.LEU: Cond.GEU, Cond.GEU: Cond.LEU, Cond.TSTEQ: Cond.TSTEQ,
           Cond.TSTNE: Cond.TSTNE}
SCRATCH = (RAX, RCX, RDX, RSI)
# popcount masks (SWAR bit trick; POPCNT needs a CPUID check)
POPCNT_M1, POPCNT_M2, POPCNT_M4, POPCNT_H01 = (0x5555555555555555, 0x3333333333333333,
                                               0x0F0F0F0F0F0F0F0F, 0x0101010101010101)

_GLOBAL_MEM: Dict[int, Mem] = {}          # [rbp + offset] operands, shared (never mutated)
# (name, type, destination is memory, source kind) -> Assembler method (emit2)
_EMIT2: Dict[Tuple[str, Type, bool, str], Callable] = {}


class CodegenError(Exception):
    """The IR cannot be compiled (a translator bug: bad op, too many temps...)."""


def sfx(ty: Type) -> str:
    """Form-name size suffix: '' for 64-bit forms, '32' for 32-bit ones."""
    return "" if ty is I64 else "32"


def rk(x: Loc) -> str:
    """Form-letter of a location: 'm' memory, 'r' register."""
    return "m" if isinstance(x, Mem) else "r"


class OpLowering:
    """Mixin of the block generator: one gen_<op> method per data op.

    Needs ``self.a`` (an Assembler) and ``self.temp_loc`` (temp index -> Loc).
    """
    a: Assembler
    temp_loc: Dict[int, Loc]

    # ---- operand access -------------------------------------------------
    def loc(self, v) -> Loc:
        cls = v.__class__
        if cls is Temp:
            return self.temp_loc[v.index]
        if cls is Global:
            m = _GLOBAL_MEM.get(v.offset)
            if m is None:
                m = _GLOBAL_MEM[v.offset] = Mem(RBP, v.offset)
            return m
        raise CodegenError(f"{v!r} is not a storage location")

    def reg_of(self, v):
        """v's register if v is a temp held in one, else None."""
        if v.__class__ is Temp:
            x = self.temp_loc[v.index]
            if x.__class__ is int:
                return x
        return None

    def load(self, r: int, v) -> None:
        """r = v (an I32 value zero-extended to 64 bits)."""
        if v.__class__ is Const:
            self.load_imm(r, v.value, v.type)
            return
        x = self.temp_loc[v.index] if v.__class__ is Temp else self.loc(v)
        if x.__class__ is Mem:
            (self.a.MOV_rm if v.type is I64 else self.a.MOV32_rm)(r, x)
        elif x != r:
            (self.a.MOV_rr if v.type is I64 else self.a.MOV32_rr)(r, x)

    def load32(self, r: int, v) -> None:
        """r = low 32 bits of v, zero-extended."""
        if v.__class__ is Const:
            self.a.MOV32_ri(r, v.value & 0xFFFFFFFF)
            return
        x = self.loc(v)
        if x.__class__ is Mem:
            self.a.MOV32_rm(r, x)
        else:
            self.a.MOV32_rr(r, x)

    def load_imm(self, r: int, value: int, ty: Type) -> None:
        # never xor-zeroing: loads may sit between a compare and its use
        if ty is I64:
            self.a.MOV_ri(r, value & I64.mask)
        else:
            self.a.MOV32_ri(r, value & 0xFFFFFFFF)

    def store(self, d, r: int) -> None:
        """d = r (a temp's location looked up inline: the common case)."""
        x = self.temp_loc[d.index] if d.__class__ is Temp else self.loc(d)
        if x.__class__ is Mem:
            (self.a.MOV_mr if d.type is I64 else self.a.MOV32_mr)(x, r)
        elif x != r:
            (self.a.MOV_rr if d.type is I64 else self.a.MOV32_rr)(x, r)

    def store_imm(self, d, value: int) -> None:
        m = self.loc(d)
        if not isinstance(m, Mem):
            self.load_imm(m, value, d.type)
        elif d.type is I32:
            self.a.MOV32_mi(m, value & 0xFFFFFFFF)
        elif fits_i32(s64(value)):
            self.a.MOV_mi(m, s64(value))
        else:
            self.a.MOV_ri(RAX, value & I64.mask)
            self.a.MOV_mr(m, RAX)

    def target(self, d, *sources) -> int:
        """Register to compute d in: d's own register when it is one and no
        source reads it (so writing it early is safe), else rax."""
        r = self.reg_of(d)
        if r is None:
            return RAX
        for s in sources:
            if s.__class__ is Temp and self.temp_loc[s.index] == r:
                return RAX
        return r

    def rhs(self, b, ty: Type, scratch: int = RCX) -> Operand:
        """The second operand of a `ty` ALU op: immediate, memory or register."""
        if b.__class__ is Const:
            v = b.value & ty.mask
            if ty is I32:
                return ("i", v)
            if fits_i32(s64(v)):
                return ("i", s64(v))
            self.load_imm(scratch, v, I64)
            return ("r", scratch)
        if b.type is ty:
            x = self.loc(b)
            return ("m" if x.__class__ is Mem else "r", x)
        self.load(scratch, b)
        return ("r", scratch)

    def src_rm(self, v, ty: Type, scratch: int) -> Loc:
        """v as an r/m operand of a `ty` instruction: its location, or a register."""
        if not isinstance(v, Const) and v.type is ty:
            return self.loc(v)
        self.load(scratch, v)
        return scratch

    def emit2(self, name: str, ty: Type, dst: Loc, x: Operand) -> None:
        """name{32}_?? dst, x  with the form picked by the operands' kinds."""
        kind, v = x
        key = (name, ty, dst.__class__ is Mem, kind)
        f = _EMIT2.get(key)
        if f is None:
            f = _EMIT2[key] = method_of(f"{name}{sfx(ty)}_{rk(dst)}{kind}")
        f(self.a, dst, v)

    def same(self, d, a) -> bool:
        """d and a are the same storage of the same type (in-place update)."""
        if d is a:
            return True
        cls = a.__class__
        if cls is Const or d.__class__ is not cls or d.type is not a.type:
            return False
        if cls is Global:                            # both [rbp + offset]
            return d.offset == a.offset
        if cls is Temp:
            x, y = self.temp_loc[d.index], self.temp_loc[a.index]
        else:
            x, y = self.loc(d), self.loc(a)
        if x.__class__ is Mem:
            return y.__class__ is Mem and x.base == y.base and x.disp == y.disp
        return x == y

    # ---- moves and ALU --------------------------------------------------
    def gen_mov(self, d, a) -> None:
        if a.__class__ is Const:
            self.store_imm(d, a.value)
            return
        if self.same(d, a):
            return
        ra = self.reg_of(a)
        if ra is not None and self.loc(d).__class__ is Mem:
            self.store(d, ra)                        # the store truncates to d's width
            return
        r = self.reg_of(d)
        if r is None:
            r = RAX
        (self.load32 if d.type is I32 else self.load)(r, a)   # I32: stays zero-extended
        self.store(d, r)

    def gen_alu(self, name: str, d, a, b) -> None:
        ty, insn = d.type, ALU_INSN[name]
        if self.same(d, a):                         # d op= b, in place
            dl = self.loc(d)
            x = self.rhs(b, ty)
            if x[0] == "m" and dl.__class__ is Mem:
                self.load(RCX, b)
                x = ("r", RCX)
            self.emit2(insn, ty, dl, x)
            return
        r = self.target(d, b)
        x = self.rhs(b, ty)
        self.load(r, a)
        self.emit2(insn, ty, r, x)
        self.store(d, r)

    def gen_andc(self, d, a, b) -> None:
        ty = d.type
        if isinstance(b, Const):
            self.gen_alu("and", d, a, Const(~b.value & ty.mask, ty))
            return
        self.load(RCX, b)
        getattr(self.a, f"NOT{sfx(ty)}_r")(RCX)
        r = self.target(d)
        self.load(r, a)
        getattr(self.a, f"AND{sfx(ty)}_rr")(r, RCX)
        self.store(d, r)

    def gen_mul(self, d, a, b) -> None:
        ty, s = d.type, sfx(d.type)
        if isinstance(a, Const) and not isinstance(b, Const):
            a, b = b, a
        r = self.target(d, b)
        x = self.rhs(b, ty)
        if x[0] == "i":
            getattr(self.a, f"IMUL{s}_rri")(r, self.src_rm(a, ty, RAX), x[1])
        else:
            self.load(r, a)
            self.emit2("IMUL", ty, r, x)
        self.store(d, r)

    def gen_shift(self, name: str, d, a, b) -> None:
        ty, s, insn = d.type, sfx(d.type), SHIFT_INSN[name]
        if isinstance(b, Const):
            n = b.value & (ty.bits - 1)
            if n == 0:
                self.gen_mov(d, a)
            elif self.same(d, a):
                getattr(self.a, f"{insn}{s}_ri")(self.loc(d), n)
            else:
                r = self.target(d)
                self.load(r, a)
                getattr(self.a, f"{insn}{s}_ri")(r, n)
                self.store(d, r)
            return
        self.load(RCX, b)                           # x86 masks cl to the width, as the IR says
        if self.same(d, a):
            getattr(self.a, f"{insn}{s}_rcl")(self.loc(d))
            return
        r = self.target(d)
        self.load(r, a)
        getattr(self.a, f"{insn}{s}_rcl")(r)
        self.store(d, r)

    def gen_unary(self, insn: str, d, a) -> None:    # neg, not
        s = sfx(d.type)
        if self.same(d, a):
            x = self.loc(d)
            getattr(self.a, f"{insn}{s}_{rk(x)}")(x)
            return
        r = self.target(d)
        self.load(r, a)
        getattr(self.a, f"{insn}{s}_r")(r)
        self.store(d, r)

    # ---- extensions and width changes ----------------------------------
    def gen_ext(self, name: str, d, a) -> None:
        insn = EXT_INSN[name]
        s = sfx(d.type) if insn.startswith("MOVSX") else "32"   # movzx r32 zero-extends
        r = self.target(d)
        if isinstance(a, Const):
            self.load(RAX, a)
            x = RAX
        else:
            x = self.loc(a)                          # little-endian: the low bytes
        getattr(self.a, f"{insn}{s}_r{rk(x)}")(r, x)
        self.store(d, r)

    def gen_ext32s(self, d, a) -> None:
        if isinstance(a, Const):
            self.store_imm(d, a.value - ((a.value & 0x80000000) << 1))
            return
        r, x = self.target(d), self.loc(a)
        (self.a.MOVSXD_rm if isinstance(x, Mem) else self.a.MOVSXD_rr)(r, x)
        self.store(d, r)

    def gen_ext32u(self, d, a) -> None:
        r = self.target(d)
        self.load32(r, a)
        self.store(d, r)

    gen_extrl = gen_ext32u

    def gen_extrh(self, d, a) -> None:
        r = self.target(d)
        if isinstance(a, Const):
            self.a.MOV32_ri(r, (a.value >> 32) & 0xFFFFFFFF)
        else:
            x = self.loc(a)
            if isinstance(x, Mem):
                self.a.MOV32_rm(r, x.offset(4))
            else:
                self.a.MOV_rr(r, x)
                self.a.SHR_ri(r, 32)
        self.store(d, r)

    def gen_concat(self, d, lo, hi) -> None:
        self.load32(RAX, lo)
        self.load32(RCX, hi)
        self.a.SHL_ri(RCX, 32)
        self.a.OR_rr(RAX, RCX)
        self.store(d, RAX)

    # ---- bit counts and byte swaps ---------------------------------------
    def gen_clz(self, d, a) -> None:
        ty, s = d.type, sfx(d.type)
        src = self.src_rm(a, ty, RAX)
        self.a.MOV32_ri(RCX, 2 * ty.bits - 1)       # (2w-1) ^ (w-1) == w for a zero input
        getattr(self.a, f"BSR{s}_r{rk(src)}")(RAX, src)
        getattr(self.a, f"CMOVcc{s}_rr")(CC_E, RAX, RCX)
        getattr(self.a, f"XOR{s}_ri")(RAX, ty.bits - 1)
        self.store(d, RAX)

    def gen_ctz(self, d, a) -> None:
        ty, s = d.type, sfx(d.type)
        src = self.src_rm(a, ty, RAX)
        self.a.MOV32_ri(RCX, ty.bits)
        getattr(self.a, f"BSF{s}_r{rk(src)}")(RAX, src)
        getattr(self.a, f"CMOVcc{s}_rr")(CC_E, RAX, RCX)
        self.store(d, RAX)

    def gen_popcnt(self, d, a) -> None:
        A = self.a
        self.load(RAX, a)
        if d.type is I32:
            A.MOV32_rr(RCX, RAX); A.SHR32_ri(RCX, 1); A.AND32_ri(RCX, POPCNT_M1 & 0xFFFFFFFF)
            A.SUB32_rr(RAX, RCX)
            A.MOV32_rr(RCX, RAX); A.SHR32_ri(RCX, 2); A.AND32_ri(RCX, POPCNT_M2 & 0xFFFFFFFF)
            A.AND32_ri(RAX, POPCNT_M2 & 0xFFFFFFFF); A.ADD32_rr(RAX, RCX)
            A.MOV32_rr(RCX, RAX); A.SHR32_ri(RCX, 4); A.ADD32_rr(RAX, RCX)
            A.AND32_ri(RAX, POPCNT_M4 & 0xFFFFFFFF)
            A.IMUL32_rri(RAX, RAX, POPCNT_H01 & 0xFFFFFFFF); A.SHR32_ri(RAX, 24)
        else:
            A.MOV_rr(RCX, RAX); A.SHR_ri(RCX, 1); A.MOV_ri(RDX, POPCNT_M1)
            A.AND_rr(RCX, RDX); A.SUB_rr(RAX, RCX)
            A.MOV_ri(RDX, POPCNT_M2); A.MOV_rr(RCX, RAX); A.SHR_ri(RCX, 2)
            A.AND_rr(RCX, RDX); A.AND_rr(RAX, RDX); A.ADD_rr(RAX, RCX)
            A.MOV_rr(RCX, RAX); A.SHR_ri(RCX, 4); A.ADD_rr(RAX, RCX)
            A.MOV_ri(RDX, POPCNT_M4); A.AND_rr(RAX, RDX)
            A.MOV_ri(RDX, POPCNT_H01); A.IMUL_rr(RAX, RDX); A.SHR_ri(RAX, 56)
        self.store(d, RAX)

    def gen_bswap16(self, d, a) -> None:
        r = self.target(d)
        self.load32(r, a)
        self.a.BSWAP32_r(r)
        self.a.SHR32_ri(r, 16)
        self.store(d, r)

    def gen_bswap32(self, d, a) -> None:
        r = self.target(d)
        self.load32(r, a)
        self.a.BSWAP32_r(r)                          # upper half zero for an I64 result
        self.store(d, r)

    def gen_bswap64(self, d, a) -> None:
        r = self.target(d)
        self.load(r, a)
        self.a.BSWAP_r(r)
        self.store(d, r)

    # ---- double-width multiply, division -----------------------------------
    def gen_mul2(self, insn: str, lo, hi, a, b) -> None:
        ty, s = lo.type, sfx(lo.type)
        src = self.src_rm(b, ty, RCX)
        self.load(RAX, a)
        getattr(self.a, f"{insn}{s}_{rk(src)}")(src)
        self.store(lo, RAX)
        self.store(hi, RDX)

    def gen_div(self, name: str, d, a, b) -> None:
        """Inline division: b == 0 gives 0 (quotient) / a (remainder); signed
        MIN / -1 gives MIN / 0.  Dividing by -1 is done as a negation, which
        gives exactly that (and x86 would trap on MIN / -1)."""
        signed, rem = DIV_OPS[name]
        ty, s, A = d.type, sfx(d.type), self.a
        if isinstance(b, Const):
            bv = b.value & ty.mask
            if bv == 0:
                (self.gen_mov(d, a) if rem else self.store_imm(d, 0))
                return
            if signed and bv == ty.mask:
                (self.store_imm(d, 0) if rem else self.gen_unary("NEG", d, a))
                return
        res = RDX if rem else RAX
        zero, minus1, done = A.label("div0"), A.label("divm1"), A.label("divdone")
        self.load(RCX, b)
        self.load(RAX, a)
        checks = not isinstance(b, Const)
        if checks:
            getattr(A, f"TEST{s}_rr")(RCX, RCX)
            A.J_l8(CC_E, zero)
            if signed:
                getattr(A, f"CMP{s}_ri")(RCX, -1)
                A.J_l8(CC_E, minus1)
        if signed:
            (A.CQO() if ty is I64 else A.CDQ())
            getattr(A, f"IDIV{s}_r")(RCX)
        else:
            A.XOR32_rr(RDX, RDX)
            getattr(A, f"DIV{s}_r")(RCX)
        if checks:
            A.JMP_l8(done)
            A.bind(zero)
            (A.MOV_rr(RDX, RAX) if rem else A.XOR32_rr(RAX, RAX))
            if signed:
                A.JMP_l8(done)
                A.bind(minus1)
                (A.XOR32_rr(RDX, RDX) if rem else getattr(A, f"NEG{s}_r")(RAX))
            A.bind(done)
        self.store(d, res)

    # ---- compares --------------------------------------------------------------
    def gen_cmp(self, c: Cond, a, b) -> int:
        """Set flags for (a c b) (using rcx, rdx as scratch); returns the x86 cc."""
        ty, s = a.type, sfx(a.type)
        if isinstance(a, Const) and not isinstance(b, Const) and b.type is ty:
            a, b, c = b, a, SWAPPED[c]
        x = self.rhs(b, ty, RDX)
        if isinstance(a, Const) or a.type is not ty:
            self.load(RCX, a)
            la = RCX
        else:
            la = self.loc(a)
            if isinstance(la, Mem) and x[0] == "m":
                self.load(RCX, a)
                la = RCX
        test = c in (Cond.TSTEQ, Cond.TSTNE)
        if x == ("i", 0) and not isinstance(la, Mem) and not test:
            getattr(self.a, f"TEST{s}_rr")(la, la)           # same flags as cmp r, 0
        elif test:
            if x[0] == "m":                          # test is symmetric: test [b], a
                getattr(self.a, f"TEST{s}_mr")(x[1], la)
            else:
                self.emit2("TEST", ty, la, x)
        else:
            self.emit2("CMP", ty, la, x)
        return COND_CC[c]

    def gen_setcond(self, c: Cond, d, a, b) -> None:
        if isinstance(a, Const) and isinstance(b, Const):
            self.store_imm(d, int(c.evaluate(a.value, b.value, a.type)))
            return
        self.a.XOR32_rr(RAX, RAX)                   # before the compare: clobbers flags
        cc = self.gen_cmp(c, a, b)
        self.a.SETcc_r(cc, RAX)
        self.store(d, RAX)

    def gen_movcond(self, c: Cond, d, a, b, v1, v2) -> None:
        ty, s = d.type, sfx(d.type)
        if isinstance(a, Const) and isinstance(b, Const):
            self.gen_mov(d, v1 if c.evaluate(a.value, b.value, a.type) else v2)
            return
        self.load(RAX, v2)
        src = self.src_rm(v1, ty, RSI)
        cc = self.gen_cmp(c, a, b)
        getattr(self.a, f"CMOVcc{s}_r{rk(src)}")(cc, RAX, src)
        self.store(d, RAX)

    # ---- guest memory -----------------------------------------------------------
    def guest_mem(self, addr, disp: int = 0) -> Mem:
        """[r14 + addr + disp]: addr zero-extended from 32 bits (I32) or as is
        (I64); disp: a folded offset (x86/addrfold.py), 0 <= disp < 64 KiB."""
        if isinstance(addr, Const):
            if addr.value + disp < (1 << 31):
                return Mem(R14, addr.value + disp)
            self.load_imm(RDX, addr.value, addr.type)
            return Mem(R14, disp, RDX)
        r = self.reg_of(addr)
        if r is None:
            self.load(RDX, addr)
            r = RDX
        return Mem(R14, disp, r)                     # registers hold I32 zero-extended

    def gen_ld(self, m, d, addr, disp: int = 0) -> None:
        g, A = self.guest_mem(addr, disp), self.a
        r = self.target(d)
        if m.size == 1:
            (A.MOVSXB_rm(r, g) if d.type is I64 else A.MOVSXB32_rm(r, g)) if m.signed \
                else A.MOVZXB32_rm(r, g)
        elif m.size == 2:
            (A.MOVSXW_rm(r, g) if d.type is I64 else A.MOVSXW32_rm(r, g)) if m.signed \
                else A.MOVZXW32_rm(r, g)
        elif m.size == 4:
            (A.MOVSXD_rm(r, g) if m.signed and d.type is I64 else A.MOV32_rm(r, g))
        elif m.size == 8:
            (A.MOV_rm(r, g) if d.type is I64 else A.MOV32_rm(r, g))
        else:
            raise CodegenError(f"bad memop size {m.size}")
        self.store(d, r)

    def gen_st(self, m, v, addr, disp: int = 0) -> None:
        g, A = self.guest_mem(addr, disp), self.a
        if isinstance(v, Const):
            val = v.value
            if m.size == 1:
                return A.MOV8_mi(g, val & 0xFF)
            if m.size == 2:
                return A.MOV16_mi(g, val & 0xFFFF)
            if m.size == 4:
                return A.MOV32_mi(g, val & 0xFFFFFFFF)
            if m.size == 8 and fits_i32(s64(val)):
                return A.MOV_mi(g, s64(val))
        store = {1: A.MOV8_mr, 2: A.MOV16_mr, 4: A.MOV32_mr, 8: A.MOV_mr}.get(m.size)
        if store is None:
            raise CodegenError(f"bad memop size {m.size}")
        r = self.reg_of(v)
        if r is None or (m.size == 8 and v.type is not I64):
            self.load(RCX, v)
            r = RCX
        store(g, r)

    def gen_cmpxchg(self, m, d, addr, cmp, new) -> None:
        A = self.a
        self.load(RAX, cmp)
        self.load(RCX, new)
        g = self.guest_mem(addr)
        xchg = {1: A.LOCK_CMPXCHG8_mr, 2: A.LOCK_CMPXCHG16_mr, 4: A.LOCK_CMPXCHG32_mr,
                8: A.LOCK_CMPXCHG_mr}.get(m.size)
        if xchg is None:
            raise CodegenError(f"bad memop size {m.size}")
        xchg(g, RCX)                                  # rax = old value, either way
        wide = d.type is I64
        if m.size == 1:
            (A.MOVSXB_rr(RAX, RAX) if wide else A.MOVSXB32_rr(RAX, RAX)) if m.signed \
                else A.MOVZXB32_rr(RAX, RAX)
        elif m.size == 2:
            (A.MOVSXW_rr(RAX, RAX) if wide else A.MOVSXW32_rr(RAX, RAX)) if m.signed \
                else A.MOVZXW32_rr(RAX, RAX)
        elif m.size == 4 and wide:
            (A.MOVSXD_rr(RAX, RAX) if m.signed else A.MOV32_rr(RAX, RAX))
        self.store(d, RAX)

    def gen_mb(self, kind: str) -> None:
        # x86-TSO keeps loads ordered with loads and stores with stores, and we
        # emit accesses in IR order: only a full barrier (store->load) needs a fence.
        if kind == "full":
            self.a.MFENCE()
        elif kind not in ("load", "store"):
            raise CodegenError(f"bad barrier kind {kind!r}")

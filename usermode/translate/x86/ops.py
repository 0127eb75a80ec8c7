"""Lowering of the IR's data ops (arithmetic, logic, compares, guest memory)
to x86-64.  Control flow, calls and the block frame are in codegen.py.

Every IR value lives in memory: a `Global` at [rbp + offset] (the CPU state),
a `Temp` in its stack slot [rsp + 8*slot].  An op loads its operands into
scratch registers (rax, rcx, rdx, rsi), computes and stores the result; Const
operands fold into immediates where x86 allows (any value for 32-bit ops, a
sign-extended imm32 for 64-bit ops).  I32 values are loaded with 32-bit moves
(which zero-extend) and stored with 32-bit moves, so the upper half of a temp
slot is never looked at.  Guest memory is [r14 + zero-extended address].

Usage (through the code generator)::

    from usermode.translate.x86.codegen import CodeGen
    res = CodeGen().gen_block(builder.ops, builder.ntemps, code_addr, tb_addr)
"""
from __future__ import annotations

from typing import Tuple, Union

from ..ir import I32, I64, Cond, Const, Global, Temp, Type
from .encoder import (CC_A, CC_AE, CC_B, CC_BE, CC_E, CC_G, CC_GE, CC_L, CC_LE, CC_NE, R14,
                      RAX, RBP, RCX, RDX, RSI, RSP, Assembler, Mem, fits_i32, s64)

# ------------------------------------------------------------------ tables
ALU_INSN = {"add": "ADD", "sub": "SUB", "and": "AND", "or": "OR", "xor": "XOR"}
SHIFT_INSN = {"shl": "SHL", "shr": "SHR", "sar": "SAR", "rotl": "ROL", "rotr": "ROR"}
EXT_INSN = {"ext8s": "MOVSXB", "ext8u": "MOVZXB", "ext16s": "MOVSXW", "ext16u": "MOVZXW"}
DIV_OPS = {"divu": (False, False), "divs": (True, False),      # (signed, remainder)
           "remu": (False, True), "rems": (True, True)}
COND_CC = {Cond.EQ: CC_E, Cond.NE: CC_NE, Cond.LT: CC_L, Cond.GE: CC_GE, Cond.LE: CC_LE,
           Cond.GT: CC_G, Cond.LTU: CC_B, Cond.GEU: CC_AE, Cond.LEU: CC_BE, Cond.GTU: CC_A,
           Cond.TSTEQ: CC_E, Cond.TSTNE: CC_NE}
# popcount masks (SWAR bit trick; POPCNT needs a CPUID check)
POPCNT_M1, POPCNT_M2, POPCNT_M4, POPCNT_H01 = (0x5555555555555555, 0x3333333333333333,
                                               0x0F0F0F0F0F0F0F0F, 0x0101010101010101)

Operand = Tuple[str, Union[int, Mem]]     # ('i', imm) | ('m', Mem) | ('r', reg)


class CodegenError(Exception):
    """The IR cannot be compiled (a translator bug: bad op, too many temps...)."""


def sfx(ty: Type) -> str:
    """Form-name size suffix: '' for 64-bit forms, '32' for 32-bit ones."""
    return "" if ty is I64 else "32"


class OpLowering:
    """Mixin of the block generator: one gen_<op> method per data op.

    Needs ``self.a`` (an Assembler) and ``self.slot_of`` (temp index -> slot).
    """
    a: Assembler
    slot_of: dict

    # ---- operand access -------------------------------------------------
    def loc(self, v) -> Mem:
        if isinstance(v, Global):
            return Mem(RBP, v.offset)
        if isinstance(v, Temp):
            return Mem(RSP, 8 * self.slot_of[v.index])
        raise CodegenError(f"{v!r} is not a storage location")

    def load(self, r: int, v) -> None:
        """r = v (an I32 value zero-extended to 64 bits)."""
        if isinstance(v, Const):
            self.load_imm(r, v.value, v.type)
        elif v.type is I64:
            self.a.MOV_rm(r, self.loc(v))
        else:
            self.a.MOV32_rm(r, self.loc(v))

    def load32(self, r: int, v) -> None:
        """r = low 32 bits of v, zero-extended."""
        if isinstance(v, Const):
            self.a.MOV32_ri(r, v.value & 0xFFFFFFFF)
        else:
            self.a.MOV32_rm(r, self.loc(v))

    def load_imm(self, r: int, value: int, ty: Type) -> None:
        # never xor-zeroing: loads may sit between a compare and its use
        if ty is I64:
            self.a.MOV_ri(r, value & I64.mask)
        else:
            self.a.MOV32_ri(r, value & 0xFFFFFFFF)

    def store(self, d, r: int) -> None:
        if d.type is I64:
            self.a.MOV_mr(self.loc(d), r)
        else:
            self.a.MOV32_mr(self.loc(d), r)

    def store_imm(self, d, value: int) -> None:
        m = self.loc(d)
        if d.type is I32:
            self.a.MOV32_mi(m, value & 0xFFFFFFFF)
        elif fits_i32(s64(value)):
            self.a.MOV_mi(m, s64(value))
        else:
            self.a.MOV_ri(RAX, value & I64.mask)
            self.a.MOV_mr(m, RAX)

    def rhs(self, b, ty: Type, scratch: int = RCX) -> Operand:
        """The second operand of a `ty` ALU op: immediate, memory or register."""
        if isinstance(b, Const):
            v = b.value & ty.mask
            if ty is I32:
                return ("i", v)
            if fits_i32(s64(v)):
                return ("i", s64(v))
            self.load_imm(scratch, v, I64)
            return ("r", scratch)
        if b.type is ty:
            return ("m", self.loc(b))
        self.load(scratch, b)
        return ("r", scratch)

    def src_rm(self, v, ty: Type, scratch: int):
        """v as an r/m operand of a `ty` instruction: its location, or a register."""
        if not isinstance(v, Const) and v.type is ty:
            return self.loc(v)
        self.load(scratch, v)
        return scratch

    def emit2(self, name: str, ty: Type, dst, x: Operand) -> None:
        """name{32}_r? dst, x  with the form picked by x's kind."""
        kind, v = x
        form = ("m" if isinstance(dst, Mem) else "r") + kind
        getattr(self.a, f"{name}{sfx(ty)}_{form}")(dst, v)

    def same(self, d, a) -> bool:
        """d and a are the same storage of the same type (in-place update)."""
        return d is a or (type(d) is type(a) and not isinstance(a, Const) and d.type is a.type
                          and self.loc(d).disp == self.loc(a).disp
                          and self.loc(d).base == self.loc(a).base)

    # ---- moves and ALU --------------------------------------------------
    def gen_mov(self, d, a) -> None:
        if isinstance(a, Const):
            self.store_imm(d, a.value)
        elif not self.same(d, a):
            self.load(RAX, a)
            self.store(d, RAX)

    def gen_alu(self, name: str, d, a, b) -> None:
        ty, insn = d.type, ALU_INSN[name]
        if self.same(d, a):                         # d op= b, in memory
            x = self.rhs(b, ty)
            if x[0] == "m":
                self.load(RCX, b)
                x = ("r", RCX)
            self.emit2(insn, ty, self.loc(d), x)
            return
        x = self.rhs(b, ty)
        self.load(RAX, a)
        self.emit2(insn, ty, RAX, x)
        self.store(d, RAX)

    def gen_andc(self, d, a, b) -> None:
        ty = d.type
        if isinstance(b, Const):
            self.gen_alu("and", d, a, Const(~b.value & ty.mask, ty))
            return
        self.load(RCX, b)
        getattr(self.a, f"NOT{sfx(ty)}_r")(RCX)
        self.load(RAX, a)
        getattr(self.a, f"AND{sfx(ty)}_rr")(RAX, RCX)
        self.store(d, RAX)

    def gen_mul(self, d, a, b) -> None:
        ty, s = d.type, sfx(d.type)
        if isinstance(a, Const) and not isinstance(b, Const):
            a, b = b, a
        x = self.rhs(b, ty)
        if x[0] == "i":
            getattr(self.a, f"IMUL{s}_rri")(RAX, self.src_rm(a, ty, RAX), x[1])
        else:
            self.load(RAX, a)
            self.emit2("IMUL", ty, RAX, x)
        self.store(d, RAX)

    def gen_shift(self, name: str, d, a, b) -> None:
        ty, s, insn = d.type, sfx(d.type), SHIFT_INSN[name]
        if isinstance(b, Const):
            n = b.value & (ty.bits - 1)
            if self.same(d, a):
                if n:
                    getattr(self.a, f"{insn}{s}_ri")(self.loc(d), n)
                return
            self.load(RAX, a)
            if n:
                getattr(self.a, f"{insn}{s}_ri")(RAX, n)
            self.store(d, RAX)
            return
        self.load(RCX, b)                           # x86 masks cl to the width, as the IR says
        if self.same(d, a):
            getattr(self.a, f"{insn}{s}_rcl")(self.loc(d))
            return
        self.load(RAX, a)
        getattr(self.a, f"{insn}{s}_rcl")(RAX)
        self.store(d, RAX)

    def gen_unary(self, insn: str, d, a) -> None:    # neg, not
        s = sfx(d.type)
        if self.same(d, a):
            getattr(self.a, f"{insn}{s}_m")(self.loc(d))
            return
        self.load(RAX, a)
        getattr(self.a, f"{insn}{s}_r")(RAX)
        self.store(d, RAX)

    # ---- extensions and width changes ----------------------------------
    def gen_ext(self, name: str, d, a) -> None:
        insn = EXT_INSN[name]
        s = sfx(d.type) if insn.startswith("MOVSX") else "32"   # movzx r32 zero-extends
        if isinstance(a, Const):
            self.load(RAX, a)
            getattr(self.a, f"{insn}{s}_rr")(RAX, RAX)
        else:
            getattr(self.a, f"{insn}{s}_rm")(RAX, self.loc(a))   # little-endian: low bytes
        self.store(d, RAX)

    def gen_ext32s(self, d, a) -> None:
        if isinstance(a, Const):
            self.store_imm(d, a.value - ((a.value & 0x80000000) << 1))
            return
        self.a.MOVSXD_rm(RAX, self.loc(a))
        self.store(d, RAX)

    def gen_ext32u(self, d, a) -> None:
        self.load32(RAX, a)
        self.store(d, RAX)

    gen_extrl = gen_ext32u

    def gen_extrh(self, d, a) -> None:
        if isinstance(a, Const):
            self.a.MOV32_ri(RAX, (a.value >> 32) & 0xFFFFFFFF)
        else:
            self.a.MOV32_rm(RAX, self.loc(a).offset(4))
        self.store(d, RAX)

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
        getattr(self.a, f"BSR{s}_r" + ("m" if isinstance(src, Mem) else "r"))(RAX, src)
        getattr(self.a, f"CMOVcc{s}_rr")(CC_E, RAX, RCX)
        getattr(self.a, f"XOR{s}_ri")(RAX, ty.bits - 1)
        self.store(d, RAX)

    def gen_ctz(self, d, a) -> None:
        ty, s = d.type, sfx(d.type)
        src = self.src_rm(a, ty, RAX)
        self.a.MOV32_ri(RCX, ty.bits)
        getattr(self.a, f"BSF{s}_r" + ("m" if isinstance(src, Mem) else "r"))(RAX, src)
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
        self.load32(RAX, a)
        self.a.BSWAP32_r(RAX)
        self.a.SHR32_ri(RAX, 16)
        self.store(d, RAX)

    def gen_bswap32(self, d, a) -> None:
        self.load32(RAX, a)
        self.a.BSWAP32_r(RAX)                        # upper half zero for an I64 result
        self.store(d, RAX)

    def gen_bswap64(self, d, a) -> None:
        self.load(RAX, a)
        self.a.BSWAP_r(RAX)
        self.store(d, RAX)

    # ---- double-width multiply, division -----------------------------------
    def gen_mul2(self, insn: str, lo, hi, a, b) -> None:
        ty, s = lo.type, sfx(lo.type)
        src = self.src_rm(b, ty, RCX)
        self.load(RAX, a)
        getattr(self.a, f"{insn}{s}_" + ("m" if isinstance(src, Mem) else "r"))(src)
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
        """Set flags for (a c b) using rcx (and rdx); returns the x86 condition."""
        ty = a.type
        self.load(RCX, a)
        x = self.rhs(b, ty, RDX)
        if c in (Cond.TSTEQ, Cond.TSTNE):
            if x[0] == "m":
                getattr(self.a, f"TEST{sfx(ty)}_mr")(x[1], RCX)
            else:
                self.emit2("TEST", ty, RCX, x)
        elif x == ("i", 0):
            getattr(self.a, f"TEST{sfx(ty)}_rr")(RCX, RCX)   # same flags as cmp r, 0
        else:
            self.emit2("CMP", ty, RCX, x)
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
        getattr(self.a, f"CMOVcc{s}_r" + ("m" if isinstance(src, Mem) else "r"))(cc, RAX, src)
        self.store(d, RAX)

    # ---- guest memory -----------------------------------------------------------
    def guest_mem(self, addr) -> Mem:
        """[r14 + addr]: addr zero-extended from 32 bits (I32) or as is (I64)."""
        if isinstance(addr, Const):
            if addr.value < (1 << 31):
                return Mem(R14, addr.value)
            self.load_imm(RDX, addr.value, addr.type)
        else:
            self.load(RDX, addr)
        return Mem(R14, 0, RDX)

    def gen_ld(self, m, d, addr) -> None:
        g, A = self.guest_mem(addr), self.a
        if m.size == 1:
            (A.MOVSXB_rm(RAX, g) if d.type is I64 else A.MOVSXB32_rm(RAX, g)) if m.signed \
                else A.MOVZXB32_rm(RAX, g)
        elif m.size == 2:
            (A.MOVSXW_rm(RAX, g) if d.type is I64 else A.MOVSXW32_rm(RAX, g)) if m.signed \
                else A.MOVZXW32_rm(RAX, g)
        elif m.size == 4:
            (A.MOVSXD_rm(RAX, g) if m.signed and d.type is I64 else A.MOV32_rm(RAX, g))
        elif m.size == 8:
            (A.MOV_rm(RAX, g) if d.type is I64 else A.MOV32_rm(RAX, g))
        else:
            raise CodegenError(f"bad memop size {m.size}")
        self.store(d, RAX)

    def gen_st(self, m, v, addr) -> None:
        g, A = self.guest_mem(addr), self.a
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
        self.load(RCX, v)
        store = {1: A.MOV8_mr, 2: A.MOV16_mr, 4: A.MOV32_mr, 8: A.MOV_mr}.get(m.size)
        if store is None:
            raise CodegenError(f"bad memop size {m.size}")
        store(g, RCX)

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

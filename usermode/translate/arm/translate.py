"""ARM32 block translator: the decode loop and the shared gen_* helpers.

The instruction semantics live in small modules (trans_*.py), each holding
its patterns for the three encoding sets (A32, T32 32-bit, T16) as data plus
one small ``trans_<NAME>(ctx, f)`` per pattern, which lowers the instruction
into IR through the helpers below.  A trans function returns True when it
handled the encoding, False for "UNDEFINED" (the guest then gets SIGILL).

Usage::

    from usermode.translate.arm.translate import translate_block
    blk = translate_block(read_code, pc=0x10074, flags=0)   # read_code(addr, n) -> bytes
    print(blk.ir.dump())

Conventions for trans functions:
* ``f`` is the dict of decoded fields; never mutate it (decodes are cached).
* Read registers with ``ctx.load_reg(n)`` (r15 reads as the architectural
  PC: insn address + 8 in ARM state, + 4 in Thumb), write with
  ``ctx.store_reg(n, v)`` (r15 = a branch, with the right interworking rule).
* New temps: ``ctx.tmp()`` (I32) / ``ctx.tmp64()``.
* Conditional execution (A32 cond field, IT blocks) is handled by the loop,
  not by trans functions; T16/T32 conditional branches handle their own cond.
"""
from __future__ import annotations

import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Tuple

from ..._record import Record

from ..cpustate import EXCP_BREAK, EXCP_EXEC_FAULT, EXCP_UNDEF
from .. import fastsys as _fastsys
from .. import tcache as _tcache
from ..decodetree import Decoder, Pattern
from ..ir import (EXIT_EXCEPTION, EXIT_SYSCALL, I32, I64, Cond, Const, IRBuilder, Label,
                  Value, const)
from .cpu import (EXCEPTION, EXC_ARG, EXC_ARG2, FLAG_CF, FLAG_NF, FLAG_VF, FLAG_ZF, PC,
                  REG, TB_FLAGS, TBFLAG_IT_SHIFT, TBFLAG_THUMB)
from .runtime_config import configure_runtime
# (the engine calls it too, through Frontend, before any decoding)
configure_runtime()

MAX_INSNS = 128
PAGE = 4096

# Block-end states
DISAS_NEXT = 0        # keep translating
DISAS_JUMP = 1        # a jump was emitted (goto_tb / goto_ptr); block ends
DISAS_NORETURN = 2    # exit_tb emitted (exception, syscall); block ends
DISAS_UPDATE = 3      # state changed in a way that needs a new block at next pc

# Decoders, filled in by the trans_* modules (see _load_tables)
A32 = Decoder(32, key_bits=[(20, 8), (4, 4)])
T32 = Decoder(32, key_bits=[(20, 9), (15, 1)])   # hw1[12:4] and hw2[15]
T16 = Decoder(16, key_bits=[(6, 10)])

# trans_* modules that most programs never need, loaded when an instruction
# first falls in the encoding spaces (mask, value) that hold all their patterns
# (per decoder: a module's patterns for a decoder not named here are never
# loaded; tests/test_arm_tables.py checks the lazy and eager decoders agree)
_NEON_DP = {"A32": [(0xFE000000, 0xF2000000)],      # 1111 001x: Advanced SIMD data processing
            "T32": [(0xEF000000, 0xEF000000)]}      # 111x 1111
_CORE_TO_SCALAR = {"A32": [(0x0F000E10, 0x0E000A10)],   # coprocessor 101x register transfers
                   "T32": [(0xEF000E10, 0xEE000A10)]}
_VFP_DP = {"A32": [(0x0F000E10, 0x0E000A00)],       # coprocessor 101x data processing
           "T32": [(0xEF000E10, 0xEE000A00)]}
_LAZY_TABLES = {
    "trans_neon_2misc": _NEON_DP,
    "trans_neon_3diff": _NEON_DP,
    "trans_neon_3same": _NEON_DP,
    "trans_neon_imm": _NEON_DP,
    "trans_neon_perm": {d: _NEON_DP[d] + _CORE_TO_SCALAR[d] for d in _NEON_DP},  # + VDUP (core)
    "trans_neon_scalar": _NEON_DP,
    "trans_neon_shift": _NEON_DP,
    "trans_vfp_arith": _VFP_DP,
    "trans_vfp_cmp": _VFP_DP,
    "trans_vfp_cvt": _VFP_DP,
}

ARM_COND_AL = 0xE
T32_HW1_MIN = 0xE800    # a first halfword from here up (hw1[15:11] = 0b11101..0b11111): 32 bits


class CodeFetchError(Exception):
    pass


_NEW = object()


class TranslatedBlock(Record):
    _fields = ("pc", "flags", "end", "ir", "insns", "insn_flags")

    def __init__(self, pc: int, flags: int,
                 end: int,                  # guest address past the last instruction
                 ir: IRBuilder,
                 insns: List[Tuple[int, int, int]],  # (pc, encoding, size) for -d in_asm logs
                 # tb_flags in force at each insn (Thumb bit, ITSTATE), parallel to insns:
                 # the state a fault at that insn reports (signal frames, restarts)
                 insn_flags: List[int] = _NEW):
        self.pc = pc
        self.flags = flags
        self.end = end
        self.ir = ir
        self.insns = insns
        self.insn_flags = [] if insn_flags is _NEW else insn_flags


class DisasContext:
    def __init__(self, pc: int, flags: int, read_code: Callable[[int, int], bytes]):
        self.b = IRBuilder()
        self.read_code = read_code
        self.start_pc = pc
        self.flags = flags
        self.thumb = bool(flags & TBFLAG_THUMB)
        self.itstate = (flags >> TBFLAG_IT_SHIFT) & 0xFF   # ITSTATE for the current insn
        self.pc = pc              # address of the current instruction
        self.insn = 0             # its encoding (T32: hw1 << 16 | hw2)
        self.insn_len = 4
        self.is_jmp = DISAS_NEXT
        self.cond_label: Optional[Label] = None
        self.it_set = False       # set by the IT instruction (it wrote ctx.itstate)
        # guest code prefetched by the block loop: code[i] is the byte at code_base + i
        self.code_base = pc
        self.code = b""

    # ---- values ---------------------------------------------------------------
    def tmp(self) -> Value:
        return self.b.temp(I32)

    def tmp64(self) -> Value:
        return self.b.temp(I64)

    @staticmethod
    def const(v: int) -> Const:
        return const(v, I32)

    @property
    def next_pc(self) -> int:
        return (self.pc + self.insn_len) & 0xFFFFFFFF

    @property
    def pc_read(self) -> int:
        """Value of r15 as an operand: insn + 8 (ARM) or + 4 (Thumb)."""
        return (self.pc + (4 if self.thumb else 8)) & 0xFFFFFFFF

    def load_reg(self, n: int) -> Value:
        if n == 15:
            return self.const(self.pc_read)
        return REG[n]

    def load_reg_align_pc(self, n: int) -> Value:
        """As load_reg, but r15 reads Align(PC, 4) (Thumb literal/ADR forms)."""
        if n == 15:
            return self.const(self.pc_read & ~3)
        return REG[n]

    def load_reg_tmp(self, n: int) -> Value:
        t = self.tmp()
        self.b.mov(t, self.load_reg(n))
        return t

    def store_reg(self, n: int, v: Value) -> None:
        """Rd = v; for r15 the ALU write rule: interworking in ARM state (v7
        ALUWritePC), a plain branch in Thumb."""
        if n == 15:
            if self.thumb:
                self.gen_branch_reg(v, interwork=False)
            else:
                self.gen_bx(v)
            return
        self.b.mov(REG[n], v)

    def store_reg_bx(self, n: int, v: Value) -> None:
        """Rd = v with LoadWritePC rules (interworking) for r15."""
        if n == 15:
            self.gen_bx(v)
            return
        self.b.mov(REG[n], v)

    # ---- control flow ----------------------------------------------------------
    def _exit_flags(self, thumb: bool) -> int:
        """tb_flags for code reached by a branch from here (IT state cleared)."""
        return TBFLAG_THUMB if thumb else 0

    def _set_tb_flags(self, new_flags: int) -> None:
        if new_flags != self.flags:
            self.b.mov(TB_FLAGS, const(new_flags, I64))

    def gen_goto(self, dest: int, thumb: Optional[bool] = None, slot: int = 0) -> None:
        """Direct branch to dest (chainable); optionally switch ARM/Thumb."""
        thumb = self.thumb if thumb is None else thumb
        self._set_tb_flags(self._exit_flags(thumb))
        self.b.goto_tb(slot, dest & 0xFFFFFFFF)
        self.is_jmp = DISAS_JUMP

    def gen_bx(self, v: Value) -> None:
        """BXWritePC: bit 0 selects Thumb; the target is looked up at run time."""
        b = self.b
        t = b.temp(I32)
        b.and_(t, v, 1)
        b.ext32u(TB_FLAGS, t)                 # Thumb bit; IT state cleared
        pc = b.temp(I32)
        # ARM-state targets have bit 1 forced clear too (UNPREDICTABLE otherwise)
        b.movcond(Cond.NE, pc, t, 0, self._masked(v, ~1), self._masked(v, ~3))
        b.ext32u(PC, pc)
        b.goto_ptr()
        self.is_jmp = DISAS_JUMP

    def _masked(self, v: Value, mask: int) -> Value:
        t = self.tmp()
        self.b.and_(t, v, mask & 0xFFFFFFFF)
        return t

    def gen_branch_reg(self, v: Value, interwork: bool) -> None:
        """BranchWritePC with a register value (no mode change)."""
        if interwork:
            self.gen_bx(v)
            return
        t = self._masked(v, ~1 if self.thumb else ~3)
        self._set_tb_flags(self._exit_flags(self.thumb))
        self.b.ext32u(PC, t)
        self.b.goto_ptr()
        self.is_jmp = DISAS_JUMP

    def gen_exception(self, excp: int, arg2: int = 0, pc: Optional[int] = None,
                      exc_arg: Optional[int] = None) -> None:
        """Stop at this instruction (pc defaults to it) and report excp to Python."""
        b = self.b
        b.mov(PC, const(self.pc if pc is None else pc, I64))
        self._set_tb_flags(self.flags_here())
        b.mov(EXCEPTION, const(excp, I32))
        b.mov(EXC_ARG2, const(arg2, I64))
        if exc_arg is not None:
            b.mov(EXC_ARG, const(exc_arg, I64))
        b.exit_tb(EXIT_EXCEPTION)
        self.is_jmp = DISAS_NORETURN

    def flags_here(self) -> int:
        """tb_flags describing the state at the current instruction."""
        return (TBFLAG_THUMB if self.thumb else 0) | (self.itstate << TBFLAG_IT_SHIFT)

    def undef(self) -> bool:
        self.gen_exception(EXCP_UNDEF, self.insn)
        return True

    def gen_bkpt(self) -> None:
        self.gen_exception(EXCP_BREAK, self.insn)

    def gen_svc(self) -> None:
        """A system call: pc and state after the SVC, then back to Python
        (calls that need no conversion first try the host directly, when the
        native fast path is on: see fast_syscalls.py)."""
        b = self.b
        if _fastsys.enabled():
            from .fast_syscalls import gen_fast_syscalls
            slow, done = b.label(), b.label()
            gen_fast_syscalls(self, slow, done)
            b.set_label(slow)
        b.mov(PC, const(self.next_pc, I64))
        self._set_tb_flags(self.flags_after())
        b.exit_tb(EXIT_SYSCALL)
        self.is_jmp = DISAS_NORETURN
        if _fastsys.enabled():
            b.set_label(done)
            self._set_tb_flags(self.flags_after())
            b.goto_tb(0, self.next_pc)

    def flags_after(self) -> int:
        return (TBFLAG_THUMB if self.thumb else 0) | (_it_advance(self.itstate) << TBFLAG_IT_SHIFT)

    # ---- conditions ------------------------------------------------------------
    def gen_test_cc(self, cond: int, label: Label) -> None:
        """Branch to label when ARM condition `cond` (0..13) is TRUE."""
        b = self.b
        if cond == 0:
            b.brcond(Cond.EQ, FLAG_ZF, 0, label)
        elif cond == 1:
            b.brcond(Cond.NE, FLAG_ZF, 0, label)
        elif cond == 2:
            b.brcond(Cond.NE, FLAG_CF, 0, label)
        elif cond == 3:
            b.brcond(Cond.EQ, FLAG_CF, 0, label)
        elif cond == 4:
            b.brcond(Cond.LT, FLAG_NF, 0, label)
        elif cond == 5:
            b.brcond(Cond.GE, FLAG_NF, 0, label)
        elif cond == 6:
            b.brcond(Cond.LT, FLAG_VF, 0, label)
        elif cond == 7:
            b.brcond(Cond.GE, FLAG_VF, 0, label)
        elif cond in (8, 9):          # HI: C && !Z  -> (-CF & ZF) != 0
            t = self.tmp()
            b.neg(t, FLAG_CF)
            b.and_(t, t, FLAG_ZF)
            b.brcond(Cond.NE if cond == 8 else Cond.EQ, t, 0, label)
        elif cond in (10, 11):        # GE: N == V
            t = self.tmp()
            b.xor(t, FLAG_NF, FLAG_VF)
            b.brcond(Cond.GE if cond == 10 else Cond.LT, t, 0, label)
        elif cond in (12, 13):        # GT: !Z && N == V -> (~((N^V) >> 31) & ZF) != 0
            t = self.tmp()
            b.xor(t, FLAG_NF, FLAG_VF)
            b.sar(t, t, 31)
            b.andc(t, FLAG_ZF, t)
            b.brcond(Cond.NE if cond == 12 else Cond.EQ, t, 0, label)
        elif cond == 14:
            b.br(label)
        else:
            raise ValueError(f"condition {cond}")

    def gen_skip_unless(self, cond: int) -> None:
        """Start conditional execution of the current insn: skip it unless cond."""
        if cond >= 14:
            return
        self.cond_label = self.b.label()
        self.gen_test_cc(cond ^ 1, self.cond_label)

    # ---- flags -------------------------------------------------------------------
    def gen_logic_cc(self, res: Value) -> None:
        self.b.mov(FLAG_NF, res)
        self.b.mov(FLAG_ZF, res)

    def gen_add_cc(self, d: Value, a: Value, b_: Value) -> None:
        """d = a + b_ and set NZCV."""
        b = self.b
        wide = self.tmp64()
        t2 = self.tmp64()
        b.ext32u(wide, a)
        b.ext32u(t2, b_)
        b.add(wide, wide, t2)
        res = self.tmp()
        b.extrl(res, wide)
        b.extrh(FLAG_CF, wide)
        self._add_overflow(res, a, b_)
        self.gen_logic_cc(res)
        b.mov(d, res)

    def _add_overflow(self, res: Value, a: Value, b_: Value) -> None:
        b = self.b
        t1, t2 = self.tmp(), self.tmp()
        b.xor(t1, res, a)
        b.xor(t2, a, b_)
        b.andc(FLAG_VF, t1, t2)

    def gen_adc_cc(self, d: Value, a: Value, b_: Value) -> None:
        """d = a + b_ + C and set NZCV."""
        b = self.b
        wide, t2 = self.tmp64(), self.tmp64()
        b.ext32u(wide, a)
        b.ext32u(t2, b_)
        b.add(wide, wide, t2)
        b.ext32u(t2, FLAG_CF)
        b.add(wide, wide, t2)
        res = self.tmp()
        b.extrl(res, wide)
        b.extrh(FLAG_CF, wide)
        self._add_overflow(res, a, b_)
        self.gen_logic_cc(res)
        b.mov(d, res)

    def gen_sub_cc(self, d: Value, a: Value, b_: Value) -> None:
        """d = a - b_ and set NZCV (C = no borrow)."""
        b = self.b
        res, t1, t2 = self.tmp(), self.tmp(), self.tmp()
        b.sub(res, a, b_)
        b.xor(t1, res, a)
        b.xor(t2, a, b_)
        b.and_(FLAG_VF, t1, t2)
        b.setcond(Cond.GEU, FLAG_CF, a, b_)
        self.gen_logic_cc(res)
        b.mov(d, res)

    def gen_shift_imm(self, v: Value, shtype: int, amount: int, set_carry: bool = False) -> Value:
        """Shift by an immediate as encoded (A32/T32 imm5 + type): LSL, LSR/ASR
        with 0 meaning 32, ROR with 0 meaning RRX.  With set_carry, CF gets the
        shifter carry-out (unchanged for LSL #0).  Returns a new temp."""
        b = self.b
        r = self.tmp()
        if shtype == 0:
            if amount == 0:
                b.mov(r, v)
                return r
            if set_carry:
                b.shr(FLAG_CF, v, 32 - amount)
                b.and_(FLAG_CF, FLAG_CF, 1)
            b.shl(r, v, amount)
        elif shtype in (1, 2):
            amount = amount or 32
            if set_carry:
                b.shr(FLAG_CF, v, amount - 1)
                b.and_(FLAG_CF, FLAG_CF, 1)
            if shtype == 1:
                if amount == 32:
                    b.mov(r, 0)
                else:
                    b.shr(r, v, amount)
            else:
                b.sar(r, v, min(amount, 31))
        elif amount == 0:                     # RRX
            c = self.tmp()
            b.shl(c, FLAG_CF, 31)
            if set_carry:
                b.shr(r, v, 1)
                b.and_(FLAG_CF, v, 1)
                b.or_(r, r, c)
            else:
                b.shr(r, v, 1)
                b.or_(r, r, c)
        else:
            b.rotr(r, v, amount)
            if set_carry:
                b.shr(FLAG_CF, r, 31)
        return r

    def gen_sbc_cc(self, d: Value, a: Value, b_: Value) -> None:
        """d = a - b_ - !C = a + ~b_ + C, and set NZCV."""
        nb = self.tmp()
        self.b.not_(nb, b_)
        self.gen_adc_cc(d, a, nb)


def _it_advance(it: int) -> int:
    if it & 7 == 0:
        return 0
    return (it & 0xE0) | ((it << 1) & 0x1F)


def _prefetch(ctx: DisasContext, max_insns: int) -> None:
    """Read the code a block can cover (up to the end of its first page) in
    one read_code call, when that succeeds; _fetch then slices it.  Any
    encoding it does not hold (a read that failed or came back short, a T32
    second halfword on the next page) is read on its own, as before, so a
    fetch fault is raised at exactly the same instruction."""
    pc = ctx.pc
    try:
        ctx.code = ctx.read_code(pc, min(PAGE - (pc & (PAGE - 1)), 4 * max_insns))
    except Exception:
        ctx.code = b""
    ctx.code_base = pc


def _code_u16_u32(ctx: DisasContext, addr: int, n: int) -> int:
    """The n-byte little-endian value at addr (n = 2 or 4)."""
    off = addr - ctx.code_base
    if off >= 0 and off + n <= len(ctx.code):
        return int.from_bytes(ctx.code[off:off + n], "little")
    return int.from_bytes(ctx.read_code(addr, n), "little")


def _fetch(ctx: DisasContext) -> bool:
    """Read the encoding at ctx.pc into ctx.insn / ctx.insn_len: straight from
    the prefetched code when it holds the next 4 bytes, else _fetch_read."""
    code = ctx.code
    off = ctx.pc - ctx.code_base
    if not 0 <= off <= len(code) - 4:
        return _fetch_read(ctx)
    if ctx.thumb:
        hw1 = code[off] | code[off + 1] << 8
        if hw1 >= T32_HW1_MIN:
            ctx.insn, ctx.insn_len = hw1 << 16 | code[off + 2] | code[off + 3] << 8, 4
        else:
            ctx.insn, ctx.insn_len = hw1, 2
    else:
        ctx.insn = code[off] | code[off + 1] << 8 | code[off + 2] << 16 | code[off + 3] << 24
        ctx.insn_len = 4
    return True


def _fetch_read(ctx: DisasContext) -> bool:
    """_fetch, reading each halfword or word on its own where the prefetched
    code does not hold it (a fetch fault is raised by the read that faults)."""
    if ctx.thumb:
        hw1 = _code_u16_u32(ctx, ctx.pc, 2)
        if hw1 >= T32_HW1_MIN:
            hw2 = _code_u16_u32(ctx, ctx.pc + 2, 2)
            ctx.insn, ctx.insn_len = (hw1 << 16) | hw2, 4
        else:
            ctx.insn, ctx.insn_len = hw1, 2
    else:
        ctx.insn = _code_u16_u32(ctx, ctx.pc, 4)
        ctx.insn_len = 4
    return True


def _translate_one(ctx: DisasContext) -> None:
    b = ctx.b
    b.insn_start(ctx.pc)
    ctx.cond_label = None
    if ctx.thumb:
        if ctx.itstate:
            # IT instruction itself is never inside an IT block; conditions
            # from ITSTATE[7:4]
            ctx.gen_skip_unless(ctx.itstate >> 4)
        hit = (T32 if ctx.insn_len == 4 else T16).decode(ctx.insn)
    else:
        if ctx.insn >> 28 < ARM_COND_AL:     # (AL and the 0xF space run unconditionally)
            ctx.gen_skip_unless(ctx.insn >> 28)
        hit = A32.decode(ctx.insn)
    if hit is None or not hit[0].trans(ctx, hit[1]):
        ctx.undef()
    if ctx.thumb:
        # the IT instruction sets ctx.itstate itself and marks that with
        # ctx.it_set; otherwise ITSTATE advances after each instruction
        if ctx.it_set:
            ctx.it_set = False
        elif ctx.itstate:
            ctx.itstate = _it_advance(ctx.itstate)
    if ctx.cond_label is not None:
        if ctx.is_jmp in (DISAS_NEXT, DISAS_UPDATE):
            b.set_label(ctx.cond_label)
        else:
            # condition failed: continue at the next instruction
            b.set_label(ctx.cond_label)
            _goto_next(ctx, slot=1)
        ctx.cond_label = None


def _goto_next(ctx: DisasContext, slot: int) -> None:
    """Continue at the next instruction, in the IT state that follows."""
    flags = (TBFLAG_THUMB if ctx.thumb else 0) | (ctx.itstate << TBFLAG_IT_SHIFT)
    if flags != ctx.flags:
        ctx.b.mov(TB_FLAGS, const(flags, I64))
    ctx.b.goto_tb(slot, ctx.next_pc)


def translate_block(read_code: Callable[[int, int], bytes], pc: int, flags: int,
                    max_insns: int = MAX_INSNS, lookup: bool = True) -> TranslatedBlock:
    """Translate guest code at pc (state `flags`) into one IR block.

    read_code(addr, n) returns n bytes of executable guest memory or raises
    (any exception): the fetch fault becomes a guest exception at that insn.
    A block found in the persistent translation cache (usermode/translate/
    tcache.py) comes back with a lazy IR: the code generator uses the cached
    code, any other reader gets the IR translated on demand.  A freshly
    translated block is announced to the cache.  lookup=False: the caller
    has just looked there itself (the engine's fast path) and missed.
    """
    tc = _tcache.get() if max_insns == MAX_INSNS else None
    if tc is not None and lookup:
        e = tc.lookup(pc, flags, read_code)
        if e is not None:
            def materialize():
                return _translate(read_code, pc, flags, max_insns).ir
            return TranslatedBlock(pc, flags, e.end, _tcache.CachedIR(e, materialize),
                                   e.insns, e.insn_flags)
    blk = _translate(read_code, pc, flags, max_insns)
    if tc is not None:
        tc.pending(blk.ir.ops, pc, flags, blk.end, blk.insns, blk.insn_flags, read_code)
    return blk


def _translate(read_code: Callable[[int, int], bytes], pc: int, flags: int,
               max_insns: int) -> TranslatedBlock:
    _load_tables()
    ctx = DisasContext(pc, flags, read_code)
    _prefetch(ctx, max_insns)
    insns: List[Tuple[int, int, int]] = []
    insn_flags: List[int] = []
    n = 0
    while True:
        try:
            _fetch(ctx)
        except Exception:
            if n == 0:
                ctx.b.insn_start(ctx.pc)
                ctx.gen_exception(EXCP_EXEC_FAULT, 0, exc_arg=ctx.pc)
            else:
                _end_at(ctx, ctx.pc)
            break
        insns.append((ctx.pc, ctx.insn, ctx.insn_len))
        insn_flags.append(ctx.flags_here())
        _translate_one(ctx)
        n += 1
        if ctx.is_jmp not in (DISAS_NEXT, DISAS_UPDATE):
            break
        ctx.pc = ctx.next_pc
        if n >= max_insns or (ctx.pc & (PAGE - 1)) == 0 or ctx.is_jmp == DISAS_UPDATE:
            _end_at(ctx, ctx.pc)
            break
    end = insns[-1][0] + insns[-1][2] if insns else pc + 2
    return TranslatedBlock(pc, flags, end, ctx.b, insns, insn_flags)


def _end_at(ctx: DisasContext, pc: int) -> None:
    """End the block; execution continues at pc in the current state."""
    flags = (TBFLAG_THUMB if ctx.thumb else 0) | (ctx.itstate << TBFLAG_IT_SHIFT)
    if flags != ctx.flags:
        ctx.b.mov(TB_FLAGS, const(flags, I64))
    ctx.b.goto_tb(0, pc)
    ctx.is_jmp = DISAS_JUMP


_loaded = False


def _load_tables() -> None:
    """Register the patterns of the trans_* modules on A32/T32/T16."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    _register({"A32": A32, "T32": T32, "T16": T16}, _table_modules())


def _table_modules() -> List[str]:
    """The names of the trans_* modules, sorted."""
    import os
    # (a directory listing, not pkgutil.iter_modules: that imports inspect, ~10 ms)
    here = os.path.dirname(__file__)
    return sorted(e.name[:-3] for e in os.scandir(here)
                  if e.name.startswith("trans_") and e.name.endswith(".py"))


def _register(decoders: Dict[str, Decoder], names: List[str]) -> None:
    """Add the patterns of the modules `names`, in order, to the decoders (by the
    name of their list in a module: A32, T32, T16); those of _LAZY_TABLES
    are imported when an instruction first falls in their encoding spaces."""
    for name in names:
        spaces = _LAZY_TABLES.get(name)
        for dec_name, dec in decoders.items():
            if spaces is None:
                dec.extend(_module_patterns(name, dec_name))
            elif dec_name in spaces:
                dec.add_lazy(spaces[dec_name],
                             lambda name=name, dec_name=dec_name: _module_patterns(name, dec_name))


def all_patterns() -> List[Pattern]:
    """Every pattern of every trans_* module, lazy ones too (imports them all;
    the decoders are left as they are): for build.py and tests."""
    return [p for name in _table_modules() for dec_name in ("A32", "T32", "T16")
            for p in _module_patterns(name, dec_name)]


def _module_patterns(name: str, dec_name: str) -> List[Pattern]:
    """The patterns a trans_* module defines for one decoder (imports it)."""
    full = f"{__package__}.{name}"
    __import__(full)                    # (importlib.import_module: importing importlib costs ~1 ms)
    mod = sys.modules[full]
    return getattr(mod, dec_name, None) or []

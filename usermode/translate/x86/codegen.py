"""IR -> x86-64 code generator: block frame, control flow, helper calls, and
the prologue/epilogue stub that the C dispatcher enters generated code by.

ABI (the runtime relies on it):
* The stub's prologue is ``uintptr_t enter(CPUHeader *env, uint8_t *tc)``: it
  saves rbp, rbx, r12-r15, reserves FRAME_SIZE bytes (rsp is then 16-byte
  aligned), puts env in rbp and guest_base ([env+40]) in r14, and jumps to tc.
  The epilogue undoes that and returns rax.  ``ret0`` = ``xor eax, eax`` then
  the epilogue (what rt_helper_lookup_tb returns when no block exists).
* Globals are [rbp + offset] (always in memory).  Temps live in host
  registers (rbx, r12, r13, r15, rdi, r8-r11) or, when those run out, in
  8-byte stack slots [rsp + 8*slot]; temps with disjoint live ranges share.
  A quick block whose temps each stay within one guest instruction, and
  which calls no helper, skips the live ranges: the i-th temp of each
  instruction is in QUICK_LOCS[i]; its pure ops (MEMO_OPS) reuse the code
  lowered before for the same op and operands (BlockGen.run_quick).
* ``goto_tb n`` = a 5-byte ``jmp rel32`` whose rel32 is 4-byte aligned and
  initially 0 (falls through into the unchained path: store pc in env->pc,
  ``mov rax, tb|n``, jmp epilogue); the runtime patches the rel32 to chain.
* ``exit_tb v`` returns v; ``goto_ptr`` jumps to rt_helper_lookup_tb(env).
* Every block starts with ``cmp dword [rbp+52], 0; jne exit``: when the host
  signal handler has set CPUHeader.exit_request, the block stores its own pc
  and returns EXIT_LOOKUP before running any guest instruction, and the
  dispatcher hands the pending signal to Python (a chained or goto_ptr loop
  always passes a block entry, so no loop runs on unnoticed).
* A quick block (``gen_block(..., quick=True)``, the first translation tier)
  then counts its entries: ``mov rax, tb; sub dword [rax+TB.hot], 1; je hot``
  (the imm64 relocated like goto_tb's); ``hot`` stores the block's pc and
  returns EXIT_HOT, and the engine translates the block again, optimized.
* Helpers get env in rdi (unless Helper.pass_env is False), then the args.

Usage::

    from usermode.translate.x86.codegen import CodeGen
    cg = CodeGen()
    stub = cg.gen_prologue(code_addr)           # install stub.code at code_addr
    # lib.rt_install_stub(...); lib.rt_set_entry(base + stub.prologue, base + stub.ret0)
    cg.set_epilogue(code_addr + stub.epilogue)  # (gen_prologue already assumes this)
    res = cg.gen_block(b.ops, b.ntemps, lib_code_ptr, tb_addr)
    # lib.rt_tb_commit(tb, res.code, len(res.code), res.jmp_insn[0] ..., guest_end)
    for line in cg.disassemble(res.code, addr): print(line)
"""
from __future__ import annotations

import _bisect as bisect      # the C functions: the bisect module costs start-up time
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Tuple
    from .ops import Loc

from ..._record import Record

from ..ir import EXIT_HOT, EXIT_LOOKUP, I32, Const, Label, Op, Temp
from .. import tcache
from ..optimize_entry import enabled as opt_enabled, optimize as optimize_ops
from .encoder import (CC_E, CC_NE, NOPS, R8, R9, R10, R11, R12, R13, R14, R15, RAX, RBP, RBX,
                      RCX, RDI, RDX, RSI, RSP, SUB32_mi, Assembler, EncodeError, Mem)
from .encoder import Label as AsmLabel
from .addrfold import fold_addresses
from .live import LiveRanges, live_ranges
from .ops import SCRATCH, CodegenError, OpLowering

# ------------------------------------------------------------------ ABI data
SAVED_REGS = (RBP, RBX, R12, R13, R14, R15)       # pushed by the prologue, in this order
from .abi import FRAME_SIZE, FP_FRAME_OFFSET, MAX_TEMP_SLOTS  # noqa: E402,F401
ENV_REG, GUEST_BASE_REG = RBP, R14
ENV_PC_OFFSET = 0                                 # CPUHeader.pc
ENV_GUEST_BASE_OFFSET = 40                        # CPUHeader.guest_base
ENV_EXIT_REQUEST_OFFSET = 52                      # CPUHeader.exit_request
ENV_ARG_REGS = (RSI, RDX, RCX, R8, R9)            # helper args after env in rdi
PLAIN_ARG_REGS = (RDI, RSI, RDX, RCX, R8, R9)     # helper args without env
TERMINATORS = ("goto_tb", "exit_tb", "goto_ptr", "br")
# the fixed instructions of every block, prebuilt (per block only the field
# after each is new): the exit-request check up to jne's rel32, env->pc = imm32
# up to the imm32, the goto_tb jmp (rel32 0), movabs rax up to the imm64
EXIT_REQUEST_CHECK = bytes((0x83, 0x7D, ENV_EXIT_REQUEST_OFFSET, 0x00,  # cmp dword [rbp+52], 0
                            0x0F, 0x80 | CC_NE))                        # jne rel32
STORE_PC_IMM32 = bytes((0x48, 0xC7, 0x45, ENV_PC_OFFSET))               # mov qword [rbp+0], imm32
GOTO_TB_JMP = b"\xE9\x00\x00\x00\x00"                                   # jmp rel32 0
MOV_RAX_IMM64 = b"\x48\xB8"                                             # movabs rax, imm64
MOV_EAX_IMM32 = {v: b"\xB8" + v.to_bytes(4, "little")                    # mov eax, exit code
                 for v in (EXIT_LOOKUP, EXIT_HOT)}
# registers that hold temps (never rsp, rbp = env, r14 = guest base, nor the
# lowering's scratch registers rax, rcx, rdx, rsi)
TEMP_REGS_CALLER = (RDI, R8, R9, R10, R11)        # clobbered by helper calls
TEMP_REGS_CALLEE = (RBX, R12, R13, R15)           # saved by the prologue
TEMP_REGS = TEMP_REGS_CALLER + TEMP_REGS_CALLEE
# ops whose code depends on nothing but the op: its name and operands (each
# temp's register, each global, each const's type and value, memop, cond);
# no label, relocation, position or cold code.  Their arguments are values,
# MemOps and Conds only.  Quick blocks reuse their code (BlockGen.run_quick).
MEMO_OPS = frozenset(("mov", "add", "sub", "and", "or", "xor", "andc", "mul",
                      "shl", "shr", "sar", "rotl", "rotr", "neg", "not",
                      "ext8s", "ext8u", "ext16s", "ext16u", "ext32s", "ext32u", "extrl", "extrh",
                      "concat", "clz", "ctz", "bswap16", "bswap32", "bswap64",
                      "setcond", "movcond", "ld", "st"))
MEMO_MAX = 1 << 16           # entries kept (~170 bytes each: 11 MB at most; python3 -c makes 28k)
assert not (set(TEMP_REGS_CALLER + TEMP_REGS_CALLEE)
            & set(SCRATCH + (RSP, ENV_REG, GUEST_BASE_REG)))


class Stub(Record):
    _fields = ("code", "prologue", "ret0", "epilogue")

    def __init__(self, code: bytes, prologue: int, ret0: int, epilogue: int):  # offsets in code
        self.code = code
        self.prologue = prologue
        self.ret0 = ret0
        self.epilogue = epilogue


_NEW = object()


class GenResult(Record):
    _fields = ("code", "jmp_insn", "jmp_reset", "insn_map", "nslots", "quick")

    def __init__(self, code: bytes, jmp_insn: List[Optional[int]] = _NEW,
                 jmp_reset: List[Optional[int]] = _NEW,
                 insn_map: List[Tuple[int, int]] = _NEW,  # (host off, guest pc)
                 nslots: int = 0, quick: bool = False):  # quick: see CodeGen.gen_block
        self.code = code
        self.quick = quick
        self.jmp_insn = [None, None] if jmp_insn is _NEW else jmp_insn
        self.jmp_reset = [None, None] if jmp_reset is _NEW else jmp_reset
        self.insn_map = [] if insn_map is _NEW else insn_map
        self.nslots = nslots


_TB_HOT_OFFSET: List[int] = []
_HOT_COUNT_TAIL: List[bytes] = []


def tb_hot_offset() -> int:
    """Offset of TB.hot (runtime.h) in the runtime's TB struct."""
    if not _TB_HOT_OFFSET:
        from .. import _runtime
        _TB_HOT_OFFSET.append(_runtime.ffi.offsetof("TB", "hot"))
    return _TB_HOT_OFFSET[0]


def hot_count_tail() -> bytes:
    """The entry count after ``movabs rax, tb``: ``sub dword [rax+TB.hot], 1``
    and je up to its rel32 (built once)."""
    if not _HOT_COUNT_TAIL:
        _HOT_COUNT_TAIL.append(SUB32_mi(Mem(RAX, tb_hot_offset()), 1) + bytes((0x0F, 0x80 | CC_E)))
    return _HOT_COUNT_TAIL[0]


def _runtime_helper_addr(name: str) -> int:
    """A C helper of the runtime by name (rt_helper_addr, then fp_helper_addr)."""
    from .. import _runtime
    lib, ffi = _runtime.lib, _runtime.ffi
    p = lib.rt_helper_addr(name.encode())
    if p == ffi.NULL and hasattr(lib, "fp_helper_addr"):
        p = lib.fp_helper_addr(name.encode())
    if p == ffi.NULL:
        raise CodegenError(f"the runtime has no helper {name!r}")
    return int(ffi.cast("uintptr_t", p))


def assign_temps(ops: List[Op],
                 ranges: Optional[LiveRanges] = None) -> Tuple[Dict[int, Loc], int]:
    """Location (register or stack slot) of every temp, by linear scan.

    A temp's live range is [first mention, last mention] in op order; with
    forward-only branches every definition reaching a use lies in that range,
    so two temps with disjoint ranges may share a register or slot.  A range
    that includes a helper call gets a callee-saved register (or a slot).
    Ranges that merely touch (one ends where the next starts) do not share.
    ranges: live_ranges(ops), if the caller has them.
    Returns (temp index -> register number or Mem, number of stack slots).
    """
    r = ranges if ranges is not None else live_ranges(ops)
    first, last, calls = r.first, r.last, r.calls
    ends: Dict[int, List[int]] = {}                   # position -> temps ending there
    for t, i in last.items():
        e = ends.get(i)
        if e is None:
            ends[i] = [t]
        else:
            e.append(t)
    end_pos = sorted(ends)
    k, nends = 0, len(end_pos)
    free_caller = list(reversed(TEMP_REGS_CALLER))    # pop() takes the first
    free_callee = list(reversed(TEMP_REGS_CALLEE))
    free_slots: List[int] = []
    nslots = 0
    loc: Dict[int, Loc] = {}
    # temps in order of first mention (first's order); before each, free the
    # ranges that ended before it starts, by end position then first mention
    for t, f in first.items():
        while k < nends and end_pos[k] < f:
            for u in ends[end_pos[k]]:
                x = loc[u]
                if x.__class__ is Mem:
                    free_slots.append(x.disp // 8)
                elif x in _CALLER_SET:
                    free_caller.append(x)
                else:
                    free_callee.append(x)
            k += 1
        if calls:
            j = bisect.bisect_left(calls, f)
            crosses = j < len(calls) and calls[j] <= last[t]
        else:
            crosses = False
        if not crosses and free_caller:
            loc[t] = free_caller.pop()
        elif free_callee:
            loc[t] = free_callee.pop()
        else:
            if free_slots:
                slot = free_slots.pop()
            else:
                slot, nslots = nslots, nslots + 1
            loc[t] = Mem(RSP, 8 * slot)
    return loc, nslots


_CALLER_SET = frozenset(TEMP_REGS_CALLER)
# where run_quick puts the i-th temp of an instruction (one with more temps
# makes its block take the linear scan: the most seen is about 20)
QUICK_LOCS: Tuple[Loc, ...] = TEMP_REGS + tuple(Mem(RSP, 8 * k) for k in range(32))


class BlockGen(OpLowering):
    """Generates the code of one block (see CodeGen.gen_block)."""

    def __init__(self, cg: "CodeGen", code_addr: int, tb_addr: int, quick: bool = False):
        self.cg = cg
        self.quick = quick          # a quick block: no address folding, counts its entries
        self.a = Assembler(code_addr)
        self.tb_addr = tb_addr
        self.res = GenResult(b"")
        self.labels: Dict[int, object] = {}
        self.temp_loc: Dict[int, Loc] = {}
        self.tb_relocs: List[Tuple[int, int]] = []      # (offset of an imm64 = tb | n, n)
        # cold code (fp slow paths), emitted after the block's last op: each
        # entry emits self-contained code that depends only on the block-wide
        # temp locations, never on the state at the op that queued it
        self.cold: List[Callable[[], None]] = []
        self.a.reloc_range = cg.reloc_range

    def run(self, ops: List[Op]) -> GenResult:
        """The block's code, its temps placed by the live ranges (assign_temps)."""
        ranges = live_ranges(ops)                 # one walk, for both
        if not self.quick:
            ops = fold_addresses(ops, ranges)
        self.temp_loc, nslots = assign_temps(ops, ranges)
        if nslots > MAX_TEMP_SLOTS:
            raise CodegenError(f"block needs {nslots} temp slots (max {MAX_TEMP_SLOTS})")
        entry_pc, exit_req, hot = self._entry(ops)
        for i, op in enumerate(ops):
            self._lower(i, op)
        return self._finish(entry_pc, exit_req, hot, nslots)

    def run_quick(self, ops: List[Op]) -> Optional[GenResult]:
        """The code of a quick block whose temps each live within one guest
        instruction (between two insn_starts) and which calls no helper; None
        for any other block (the caller then uses `run`; whatever this emitted
        is thrown away).

        Without the live-range walk: the temps of an instruction get
        QUICK_LOCS (the temp registers, then stack slots) in order of first
        mention, and the instruction after it uses the same ones again.  So
        the code of an op of MEMO_OPS depends only on the op's name and the
        key of its operands (each temp's QUICK_LOCS index and type, a const's
        type and value, the other arguments as they are): it is copied from
        CodeGen.memo when that op was lowered before, else lowered and kept
        there.  (`mov r0, t0` and `add t1, t0, $4` recur in most blocks.)"""
        memo = self.cg.memo
        temp_loc = self.temp_loc
        A = self.a
        insn_map = self.res.insn_map
        local: Dict[int, int] = {}                # the instruction's temps -> QUICK_LOCS index
        nregs, nlocs, most = len(TEMP_REGS), len(QUICK_LOCS), 0
        entry_pc, exit_req, hot = self._entry(ops)
        for i, op in enumerate(ops):
            name = op.name
            if name == "insn_start":
                insn_map.append((len(A.buf), op.args[0]))
                if len(local) > most:
                    most = len(local)
                local = {}
                continue
            if name == "call":
                return None
            # the key: temps as negative ints, I32 consts as their value, I64
            # ones as theirs + 2**64, other arguments as they are
            key = [name]
            for a in op.args:
                cls = a.__class__
                if cls is Temp:
                    t = local.get(a.index)
                    if t is None:
                        if a.index in temp_loc or len(local) == nlocs:
                            return None             # lives across instructions / too many
                        t = local[a.index] = len(local)
                        temp_loc[a.index] = QUICK_LOCS[t]
                    key.append(~t if a.type is I32 else ~(t + nlocs))
                elif cls is Const:
                    key.append(a.value if a.type is I32 else a.value | 1 << 64)
                else:
                    key.append(a)
            if name in MEMO_OPS:
                key = tuple(key)
                code = memo.get(key)
                if code is not None:
                    A.buf += code
                    continue
                start = len(A.buf)
                self._lower(i, op)
                if len(memo) < MEMO_MAX:
                    memo[key] = bytes(A.buf[start:])
            else:
                self._lower(i, op)
        return self._finish(entry_pc, exit_req, hot, max(0, most - nregs, len(local) - nregs))

    def _entry(self, ops: List[Op]):
        """Check the block's end, emit its entry (the exit-request check, a
        quick block's entry count): (entry pc, their two labels) (Nones for
        a block without guest instructions)."""
        if not ops or ops[-1].name not in TERMINATORS:
            raise CodegenError("block does not end with goto_tb/exit_tb/goto_ptr/br")
        entry_pc = ops[0].args[0] if ops[0].name == "insn_start" else \
            next((op.args[0] for op in ops if op.name == "insn_start"), None)
        exit_req = self.gen_exit_request_check() if entry_pc is not None else None
        hot = self.gen_hot_count() if self.quick and entry_pc is not None else None
        return entry_pc, exit_req, hot

    def _lower(self, i: int, op: Op) -> None:
        """Emit op (the block's i-th) through its DISPATCH handler."""
        handler = DISPATCH.get(op.name)
        if handler is None:
            raise CodegenError(f"op {i}: unknown IR op {op.name!r}")
        try:
            handler(self, *op.args)
        except CodegenError as e:
            raise CodegenError(f"op {i} ({op!r}): {e}") from None
        except (EncodeError, KeyError, TypeError, AttributeError, ValueError) as e:
            raise CodegenError(f"op {i} ({op!r}): {type(e).__name__}: {e}") from e

    def _finish(self, entry_pc, exit_req, hot, nslots: int) -> GenResult:
        """The entry stubs and cold code after the last op; the result."""
        if exit_req is not None:
            self.gen_entry_stub(exit_req, entry_pc, EXIT_LOOKUP)
        if hot is not None:
            self.gen_entry_stub(hot, entry_pc, EXIT_HOT)
        for emit in self.cold:                   # after a terminator: never fallen into
            emit()
        try:
            self.res.code = self.a.finish()
        except EncodeError as e:
            raise CodegenError(str(e)) from None
        self.res.nslots = nslots
        return self.res

    # ---- labels ------------------------------------------------------------
    def asm_label(self, l: Label):
        lab = self.labels.get(id(l))
        if lab is None:
            lab = self.labels[id(l)] = (l, AsmLabel(l))      # (named by the IR label)
        return lab[1]

    def gen_label(self, l: Label) -> None:
        lab = self.asm_label(l)
        if lab.pos is not None:
            raise CodegenError(f"label {l!r} defined twice")
        self.a.bind(lab)

    def _forward(self, l: Label):
        lab = self.asm_label(l)
        if lab.pos is not None:
            raise CodegenError(f"backward branch to {l!r}")
        return lab

    def gen_br(self, l: Label) -> None:
        self.a.JMP_l(self._forward(l))

    def gen_brcond(self, c, a, b, l: Label) -> None:
        lab = self._forward(l)
        if isinstance(a, Const) and isinstance(b, Const):
            if c.evaluate(a.value, b.value, a.type):
                self.a.JMP_l(lab)
            return
        self.a.J_l(self.gen_cmp(c, a, b), lab)

    # ---- block exits ---------------------------------------------------------
    def gen_exit_request_check(self):
        """At block entry: leave if CPUHeader.exit_request is set (a signal)."""
        lab = self.a.label("exit_request")
        self.a.jump(EXIT_REQUEST_CHECK, 4, lab)
        return lab

    def gen_hot_count(self):
        """At a quick block's entry, after the exit-request check: count the
        entry down in its TB (TB.hot); leave when it reaches 0."""
        A = self.a
        lab = A.label("hot")
        A.buf += MOV_RAX_IMM64 + self.tb_addr.to_bytes(8, "little")  # relocatable (tcache)
        self.tb_relocs.append((A.pos - 8, 0))
        A.jump(hot_count_tail(), 4, lab)
        return lab

    def gen_store_pc(self, pc: int) -> None:
        """env->pc = pc (an imm32 store when the value sign-extends to itself)."""
        A = self.a
        if 0 <= pc < (1 << 31):
            A.buf += STORE_PC_IMM32 + pc.to_bytes(4, "little")
        else:
            A.MOV_ri(RAX, pc)
            A.MOV_mr(Mem(ENV_REG, ENV_PC_OFFSET), RAX)

    def gen_entry_stub(self, lab, pc: int, exit_code: int) -> None:
        """Out of line, for a leave at block entry: env->pc = the block's pc
        (tb_flags is already the block's), then exit_code to the dispatcher:
        EXIT_LOOKUP after the exit-request check (the dispatcher sees
        exit_request), EXIT_HOT after the entry count (the engine translates
        the block again, optimized)."""
        A = self.a
        A.bind(lab)
        if 0 <= pc < (1 << 31):                  # gen_store_pc, gen_exit_tb in one go
            A.buf += STORE_PC_IMM32 + pc.to_bytes(4, "little") + MOV_EAX_IMM32[exit_code]
        else:
            self.gen_store_pc(pc)
            A.MOV_ri(RAX, exit_code)
        A.JMP_abs(self.cg.epilogue_addr)

    def gen_insn_start(self, pc: int) -> None:
        self.res.insn_map.append((self.a.pos, pc))

    def gen_exit_tb(self, v: int) -> None:
        self.a.MOV_ri(RAX, v)
        self.a.JMP_abs(self.cg.epilogue_addr)

    def gen_goto_tb(self, n: int, pc: int) -> None:
        if n not in (0, 1) or self.res.jmp_insn[n] is not None:
            raise CodegenError(f"bad or repeated goto_tb slot {n}")
        A = self.a
        buf = A.buf
        # the jmp's rel32 4-byte aligned (one atomic store): A.align_field(1, 4)
        buf += NOPS[-(A.base_addr + len(buf) + 1) % 4]
        self.res.jmp_insn[n] = len(buf)
        buf += GOTO_TB_JMP
        self.res.jmp_reset[n] = len(buf)
        tb = MOV_RAX_IMM64 + (self.tb_addr | n).to_bytes(8, "little")   # relocatable
        if 0 <= pc < (1 << 31):                  # gen_store_pc, inline
            buf += STORE_PC_IMM32 + pc.to_bytes(4, "little") + tb
        else:
            self.gen_store_pc(pc)
            buf += tb
        self.tb_relocs.append((len(buf) - 8, n))
        A.JMP_abs(self.cg.epilogue_addr)

    def gen_goto_ptr(self) -> None:
        A = self.a
        A.MOV_rr(RDI, ENV_REG)
        A.MOV_ri(RAX, self.cg.helper_addr("lookup_tb"))
        A.CALL_r(RAX)
        A.JMP_r(RAX)

    # ---- helper calls -----------------------------------------------------------
    def gen_call(self, helper, d, args) -> None:
        A = self.a
        regs = ENV_ARG_REGS if getattr(helper, "pass_env", True) else PLAIN_ARG_REGS
        if len(args) > len(regs):
            raise CodegenError(f"helper {helper!r}: too many arguments")
        for r, v in zip(regs, args):
            self.load(r, v)
        if getattr(helper, "pass_env", True):
            A.MOV_rr(RDI, ENV_REG)
        addr = helper.addr if getattr(helper, "addr", None) is not None \
            else self.cg.helper_addr(helper.name)
        A.MOV_ri(RAX, addr)
        A.CALL_r(RAX)                             # rsp is 16-byte aligned here
        if d is not None:
            self.store(d, RAX)


# op name -> handler(self, *op.args)
DISPATCH: Dict[str, Callable] = {
    "mov": BlockGen.gen_mov,
    **{n: (lambda n: lambda s, d, a, b: s.gen_alu(n, d, a, b))(n)
       for n in ("add", "sub", "and", "or", "xor")},
    "andc": BlockGen.gen_andc,
    "mul": BlockGen.gen_mul,
    **{n: (lambda n: lambda s, d, a, b: s.gen_shift(n, d, a, b))(n)
       for n in ("shl", "shr", "sar", "rotl", "rotr")},
    "neg": lambda s, d, a: s.gen_unary("NEG", d, a),
    "not": lambda s, d, a: s.gen_unary("NOT", d, a),
    **{n: (lambda n: lambda s, d, a: s.gen_ext(n, d, a))(n)
       for n in ("ext8s", "ext8u", "ext16s", "ext16u")},
    "ext32s": BlockGen.gen_ext32s,
    "ext32u": BlockGen.gen_ext32u,
    "extrl": BlockGen.gen_extrl,
    "extrh": BlockGen.gen_extrh,
    "concat": BlockGen.gen_concat,
    "clz": BlockGen.gen_clz,
    "ctz": BlockGen.gen_ctz,
    "popcnt": BlockGen.gen_popcnt,
    "bswap16": BlockGen.gen_bswap16,
    "bswap32": BlockGen.gen_bswap32,
    "bswap64": BlockGen.gen_bswap64,
    "mulu2": lambda s, lo, hi, a, b: s.gen_mul2("MUL", lo, hi, a, b),
    "muls2": lambda s, lo, hi, a, b: s.gen_mul2("IMUL1", lo, hi, a, b),
    **{n: (lambda n: lambda s, d, a, b: s.gen_div(n, d, a, b))(n)
       for n in ("divu", "divs", "remu", "rems")},
    "setcond": BlockGen.gen_setcond,
    "movcond": BlockGen.gen_movcond,
    "brcond": BlockGen.gen_brcond,
    "br": BlockGen.gen_br,
    "label": BlockGen.gen_label,
    "ld": BlockGen.gen_ld,
    "st": BlockGen.gen_st,
    "ld_disp": BlockGen.gen_ld,         # (memop, value, address, displacement): addrfold.py
    "st_disp": BlockGen.gen_st,
    "cmpxchg": BlockGen.gen_cmpxchg,
    "mb": BlockGen.gen_mb,
    "call": BlockGen.gen_call,
    "insn_start": BlockGen.gen_insn_start,
    "goto_tb": BlockGen.gen_goto_tb,
    "goto_ptr": BlockGen.gen_goto_ptr,
    "exit_tb": BlockGen.gen_exit_tb,
}
# floating point (x86/fp.py): its lowerings, and the MXCSR switch in the stub
from .fp import FP_DISPATCH, gen_fp_epilogue, gen_fp_prologue  # noqa: E402
DISPATCH.update(FP_DISPATCH)
from .vec import VEC_DISPATCH  # noqa: E402  (vector ops: x86/vec.py)
DISPATCH.update(VEC_DISPATCH)
FP_FRAME = Mem(RSP, FP_FRAME_OFFSET)              # host MXCSR, guest FP slot offset


def gen_stub(code_addr: int) -> Stub:
    """The entry/exit stub, to be installed at code_addr.  Its code does not
    depend on code_addr (no absolute or rip-relative operand), so the
    translation cache may keep it (tcache.stub)."""
    A = Assembler(code_addr)
    for r in SAVED_REGS:
        A.PUSH_r(r)
    A.SUB_ri(RSP, FRAME_SIZE)
    A.MOV_rr(ENV_REG, RDI)
    A.MOV_rm(GUEST_BASE_REG, Mem(RDI, ENV_GUEST_BASE_OFFSET))
    gen_fp_prologue(A, FP_FRAME)
    A.JMP_r(RSI)
    ret0 = A.pos
    A.XOR32_rr(RAX, RAX)
    epilogue = A.pos
    gen_fp_epilogue(A, FP_FRAME)
    A.ADD_ri(RSP, FRAME_SIZE)
    for r in reversed(SAVED_REGS):
        A.POP_r(r)
    A.RET()
    return Stub(A.finish(), 0, ret0, epilogue)


class CodeGen:
    """The x86-64 back end (one per process; holds the epilogue address)."""

    def __init__(self, helper_addr: Optional[Callable[[str], int]] = None,
                 optimize: Optional[bool] = None):
        self._resolve = helper_addr or _runtime_helper_addr
        self.memo: Dict[tuple, bytes] = {}      # quick blocks' MEMO_OPS code (BlockGen.run_quick)
        self._helper_cache: Dict[str, int] = {}
        self.epilogue_addr: Optional[int] = None
        # the IR optimizer (usermode/translate/optimize.py) runs on every block
        # unless disabled here or by PYQEMU_OPT=0
        self.optimize = opt_enabled() if optimize is None else optimize
        # calls of helpers in the native runtime are recorded for relocation
        # when the persistent translation cache is on
        tc = tcache.get()
        self.reloc_range = tc.so_range if tc is not None else None

    def helper_addr(self, name: str) -> int:
        a = self._helper_cache.get(name)
        if a is None:
            a = self._helper_cache[name] = self._resolve(name)
        return a

    # ---- stub -----------------------------------------------------------------
    def gen_prologue(self, code_addr: int) -> Stub:
        """The entry/exit stub, to be installed at code_addr (sets the epilogue)."""
        stub = gen_stub(code_addr)
        self.epilogue_addr = code_addr + stub.epilogue
        return stub

    def set_epilogue(self, addr: int) -> None:
        self.epilogue_addr = addr

    # ---- blocks ---------------------------------------------------------------
    def gen_block(self, ops: List[Op], ntemps: int, code_addr: int, tb_addr: int,
                  quick: bool = False) -> GenResult:
        """Code for one block that will be copied to code_addr; tb_addr is its TB
        (64-byte aligned, so tb_addr | n tags the exit slot).  quick: the first
        tier -- no optimizer, no address folding, and the code counts its
        entries in TB.hot and leaves with EXIT_HOT at 0 (res.quick says which
        tier the code is, also for a cached block).  Raises CodegenError for IR
        it cannot compile."""
        if self.epilogue_addr is None:
            raise CodegenError("gen_prologue/set_epilogue must come first")
        if tb_addr & 3:
            raise CodegenError(f"TB address {tb_addr:#x} is not 4-byte aligned")
        entry = tcache.cached_entry(ops)
        if entry is not None:
            return self._from_tcache(entry, code_addr, tb_addr)
        orig = ops
        if self.optimize and not quick:
            ops, ntemps = optimize_ops(ops, ntemps)
        bg = BlockGen(self, code_addr, tb_addr, quick)
        res = bg.run_quick(ops) if quick else None
        if res is None:
            if quick:
                bg = BlockGen(self, code_addr, tb_addr, quick)
            res = bg.run(ops)
        res.quick = quick
        tc = tcache.get()
        if tc is not None:
            tc.generated(orig, res, code_addr, bg.a, bg.tb_relocs, self.epilogue_addr)
        return res

    def _from_tcache(self, entry, code_addr: int, tb_addr: int) -> GenResult:
        """A block from the persistent translation cache, relocated to code_addr."""
        tc = tcache.get()
        if tc is None:
            raise CodegenError("a cached block without a translation cache")
        try:
            code = tc.relocate(entry, code_addr, tb_addr, self.epilogue_addr)
        except ValueError as e:
            raise CodegenError(f"cached block at {entry.pc:#x}: {e}") from None
        ji0, jr0, ji1, jr1 = (None if x == tcache.NO_JMP else x for x in entry.jmp)
        return GenResult(code, [ji0, ji1], [jr0, jr1], list(entry.insn_map), 0, entry.quick)

    # ---- logs -------------------------------------------------------------------
    @staticmethod
    def disassemble(code: bytes, addr: int) -> List[str]:
        import capstone
        md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
        lines, end = [], addr
        for i in md.disasm(code, addr):
            lines.append(f"0x{i.address:016x}:  {i.mnemonic:<8s}{i.op_str}")
            end = i.address + i.size
        if end < addr + len(code):
            lines.append(f"0x{end:016x}:  .byte {code[end - addr:].hex()}")
        return lines

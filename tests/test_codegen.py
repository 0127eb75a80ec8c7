"""The IR -> x86-64 code generator, tested by running the generated code.

Every block is compiled by CodeGen, committed into the real runtime's code
buffer (rt_tb_alloc / rt_tb_commit) and run by the native dispatcher
(rt_cpu_exec) on a real CPU-state struct and real guest memory.  Results are
compared with tests/ir_ref.py, a Python interpretation of the IR op table,
over edge-case and random inputs.
"""
import os
import random
import subprocess
import sys
import textwrap

import pytest

from usermode.translate import _runtime
from usermode.translate.cpustate import Field, StateLayout
from usermode.translate.helpers import UDIV64, Helper
from usermode.translate.ir import (EXIT_EXCEPTION, EXIT_HALT, I32, I64, Cond,
                                   Const, IRBuilder, MemOp)
from usermode.translate.x86.codegen import (FRAME_SIZE, MAX_TEMP_SLOTS, MEMO_OPS, TEMP_REGS,
                                            TEMP_REGS_CALLEE, TEMP_REGS_CALLER, BlockGen,
                                            CodeGen)
from usermode.translate.x86.encoder import RSP, Mem
from usermode.translate.x86.ops import CodegenError

from ir_ref import M64, RefMachine, sx

ffi, lib = _runtime.ffi, _runtime.lib

RT_NEED_TRANSLATE = 16
TEST_FLAGS = 0x7E57_0000          # tb_flags of every test block: never an ARM block's
MEM_BASE, MEM_SIZE = 0x10000, 0x10000
HIGH_PAGE = 0x80000000            # guest addresses >= 2^31 must be zero-extended
TOP_PAGE = 0xFFFFF000

LAYOUT = StateLayout("codegen-test", [Field("x", 4, count=8), Field("y", 8, count=8)])
X = [LAYOUT.glob("x", i) for i in range(8)]
Y = [LAYOUT.glob("y", i) for i in range(8)]
PCG = LAYOUT.glob("pc")

EDGE32 = [0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF,
          0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF, 0x12345678, 0xDEADBEEF]
EDGE64 = EDGE32 + [0x100000000, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0x8000000000000001,
                   0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF00000000, 0x123456789ABCDEF0,
                   0xFFFFFFFF80000000, 0x00000000FFFFFFFF]


def edge(ty):
    return EDGE32 if ty is I32 else EDGE64


def rand_val(rng, ty):
    r = rng.random()
    if r < 0.3:
        return rng.choice(edge(ty))
    if r < 0.5:
        return rng.getrandbits(rng.randint(1, ty.bits))
    return rng.getrandbits(ty.bits)


class Harness:
    """The runtime with a code buffer, our stub, a CPU state and guest memory."""

    def __init__(self):
        from usermode.memory import (GuestMemory, MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE,
                                     PROT_READ, PROT_WRITE)
        self.mem = GuestMemory()
        rw, fl = PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        for addr, size in ((MEM_BASE, MEM_SIZE), (HIGH_PAGE, 0x1000), (TOP_PAGE, 0x1000)):
            assert self.mem.mmap(addr, size, rw, fl) == addr
        if lib.rt_code_start() == ffi.NULL:       # the engine may have set it up already
            assert lib.rt_code_init(64 << 20) == 0
        self.cg = CodeGen(optimize=False)    # the back end on exactly the IR given
        base = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
        self.stub = self.cg.gen_prologue(base)
        p = lib.rt_install_stub(self.stub.code, len(self.stub.code))
        assert int(ffi.cast("uintptr_t", p)) == base
        self.stub_base = base
        lib.rt_set_entry(ffi.cast("uint8_t *", base + self.stub.prologue),
                         ffi.cast("uint8_t *", base + self.stub.ret0))
        self.st = LAYOUT.new_state()
        self.next_pc = 0x400000

    def close(self):
        lib.rt_tb_flush()
        for addr, size in ((MEM_BASE, MEM_SIZE), (HIGH_PAGE, 0x1000), (TOP_PAGE, 0x1000)):
            self.mem.munmap(addr, size)

    def commit(self, b, pc=None, quick=False):
        """Compile and commit builder b as the block at guest pc; returns (pc, res, tb).
        quick: a first-tier block (its entry count only runs with an insn_start)."""
        if pc is None:
            pc = self.next_pc
            self.next_pc += 0x100
        tb = lib.rt_tb_alloc(pc, TEST_FLAGS)
        code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
        res = self.cg.gen_block(b.ops, b.ntemps, code_addr, int(ffi.cast("uintptr_t", tb)),
                                quick)
        ji = [0xFFFFFFFF if x is None else x for x in res.jmp_insn]
        jr = [0 if x is None else x for x in res.jmp_reset]
        assert lib.rt_tb_commit(tb, res.code, len(res.code), ji[0], jr[0], ji[1], jr[1],
                                pc + 4) == 0
        assert int(ffi.cast("uintptr_t", tb.tc)) == code_addr
        return pc, res, tb

    def globals(self):
        out = {}
        for g in X + Y:
            out[g.offset] = self.st.get(g.name[0], int(g.name[1:]))
        return out

    def run(self, pc, values=None):
        """Set every x/y global (unlisted ones to a poison pattern), run at pc."""
        for i in range(8):
            self.st.set("x", i, 0xA5A5A5A5 ^ i)
            self.st.set("y", i, 0x5A5A5A5A5A5A5A5A ^ i)
        for g, v in (values or {}).items():
            self.st.set(g.name[0], int(g.name[1:]), v)
        self.st.set("pc", pc)
        self.st.set("tb_flags", TEST_FLAGS)
        return lib.rt_cpu_exec(self.st.ptr)


@pytest.fixture(scope="module")
def h():
    harness = Harness()
    yield harness
    harness.close()


def check_against_ref(h, b, inputs_list, pc=None):
    """Run block b natively and in the reference for each inputs dict."""
    pc, res, _ = h.commit(b, pc)
    for inputs in inputs_list:
        r = h.run(pc, inputs)
        assert r == EXIT_HALT, f"exit {r}"
        ref = RefMachine({g.offset: v for g, v in _poisoned(inputs).items()})
        assert ref.run(b.ops) == ("exit", EXIT_HALT)
        got = h.globals()
        for g in X + Y:
            want = ref.get_global(g)
            assert got[g.offset] == want, (
                f"{g.name}: got {got[g.offset]:#x} want {want:#x} for inputs "
                f"{ {k.name: hex(v) for k, v in inputs.items()} }\n{b.dump()}")
    return res


def _poisoned(inputs):
    vals = {X[i]: 0xA5A5A5A5 ^ i for i in range(8)}
    vals.update({Y[i]: 0x5A5A5A5A5A5A5A5A ^ i for i in range(8)})
    vals.update(inputs)
    return vals


# ------------------------------------------------------------ binary ops
BINOPS = ["add", "sub", "mul", "and", "or", "xor", "andc", "shl", "shr", "sar", "rotl", "rotr",
          "divu", "divs", "remu", "rems"]
SHIFTS = {"shl", "shr", "sar", "rotl", "rotr"}


def binop_inputs(name, ty, rng, n=60):
    ev = edge(ty)
    pairs = [(a, b) for a in ev[::3] for b in ev[::2]]
    if name in SHIFTS:
        pairs += [(a, s) for a in ev[::4] for s in (0, 1, 31, 32, 33, 63, 64, 65, 0xFFFFFFFF)]
    if name.startswith(("div", "rem")):
        mn = 1 << (ty.bits - 1)
        pairs += [(mn, ty.mask), (mn, 1), (mn, 0), (5, 0), (ty.mask, ty.mask), (7, ty.mask),
                  (ty.mask - 6, 2), (7, ty.mask - 1)]
    pairs += [(rand_val(rng, ty), rand_val(rng, ty)) for _ in range(n)]
    return pairs


def _emit_bin(b, name, d, a, c):
    getattr(b, name + ("_" if name in ("and", "or") else ""))(d, a, c)


@pytest.mark.parametrize("ty", [I32, I64], ids=["i32", "i64"])
@pytest.mark.parametrize("name", BINOPS)
def test_binop_globals_and_temps(h, name, ty):
    """d = a op b with a, b globals; through a temp; in place (d is a)."""
    rng = random.Random(hash((name, ty.bits)))
    G = X if ty is I32 else Y
    b = IRBuilder()
    _emit_bin(b, name, G[2], G[0], G[1])            # globals
    t = b.temp(ty)
    _emit_bin(b, name, t, G[0], G[1])               # into a temp
    b.mov(G[3], t)
    _emit_bin(b, name, G[4], G[0], G[0])            # same operand twice
    b.mov(G[5], G[0])
    _emit_bin(b, name, G[5], G[5], G[1])            # in place
    b.mov(G[6], G[1])
    _emit_bin(b, name, G[6], G[0], G[6])            # d is b
    b.exit_tb(EXIT_HALT)
    check_against_ref(h, b, [{G[0]: x, G[1]: y} for x, y in binop_inputs(name, ty, rng)])


@pytest.mark.parametrize("ty", [I32, I64], ids=["i32", "i64"])
@pytest.mark.parametrize("name", BINOPS)
def test_binop_constants(h, name, ty):
    """Const second and first operands (imm8/imm32/imm64 folding, static div checks)."""
    rng = random.Random(hash((name, ty.bits, "c")))
    G = X if ty is I32 else Y
    consts = edge(ty)[::2] + ([ty.mask, 0, 1] if name.startswith(("div", "rem")) else [])
    inputs = [{G[0]: v} for v in edge(ty)[::2]] + [{G[0]: rand_val(rng, ty)} for _ in range(8)]
    for chunk in range(0, len(consts), 6):
        b = IRBuilder()
        for i, c in enumerate(consts[chunk:chunk + 6]):
            t = b.temp(ty)
            _emit_bin(b, name, t, G[0], Const(c, ty))
            b.mov(G[1 + i], t)
        b.mov(G[7], G[0])
        _emit_bin(b, name, G[7], G[7], Const(consts[chunk], ty))      # in place, const
        b.exit_tb(EXIT_HALT)
        check_against_ref(h, b, inputs)
        b = IRBuilder()
        for i, c in enumerate(consts[chunk:chunk + 6]):
            _emit_bin(b, name, G[1 + i], Const(c, ty), G[0])
        _emit_bin(b, name, G[7], Const(consts[chunk], ty), Const(consts[-1 - chunk], ty))
        b.exit_tb(EXIT_HALT)
        check_against_ref(h, b, inputs)


# ------------------------------------------------------------- unary ops
UNOPS_SAME = ["mov", "neg", "not", "ext8s", "ext8u", "ext16s", "ext16u", "clz", "ctz", "popcnt",
              "bswap16", "bswap32"]


def _emit_un(b, name, d, a):
    getattr(b, name + ("_" if name == "not" else ""))(d, a)


UNOP_CASES = [(n, t) for n in UNOPS_SAME for t in (I32, I64)] + [("bswap64", I64)]


@pytest.mark.parametrize("name,ty", UNOP_CASES,
                         ids=[f"{n}-i{t.bits}" for n, t in UNOP_CASES])
def test_unop(h, name, ty):
    rng = random.Random(hash((name, ty.bits)))
    G = X if ty is I32 else Y
    b = IRBuilder()
    _emit_un(b, name, G[1], G[0])
    t = b.temp(ty)
    _emit_un(b, name, t, G[0])
    b.mov(G[2], t)
    b.mov(G[3], G[0])
    _emit_un(b, name, G[3], G[3])                  # in place
    for i, c in enumerate((0, 1, 0x80, ty.mask)):  # constant sources
        _emit_un(b, name, G[4 + i], Const(c, ty))
    b.exit_tb(EXIT_HALT)
    vals = edge(ty) + [1 << k for k in range(ty.bits)] + [rand_val(rng, ty) for _ in range(40)]
    check_against_ref(h, b, [{G[0]: v} for v in vals])


def test_width_changing_ops(h):
    """ext32s/ext32u (I32 -> I64), extrl/extrh (I64 -> I32), concat."""
    rng = random.Random(7)
    b = IRBuilder()
    b.ext32s(Y[1], X[0])
    b.ext32u(Y[2], X[0])
    b.extrl(X[1], Y[0])
    b.extrh(X[2], Y[0])
    b.concat(Y[3], X[0], X[3])
    t, u = b.temp(I64), b.temp(I32)
    b.ext32s(t, X[0])
    b.extrh(u, t)
    b.mov(X[4], u)
    b.ext32s(Y[4], Const(0x80000000, I32))
    b.ext32u(Y[5], Const(0xFFFFFFFF, I32))
    b.extrh(X[5], Const(0x123456789ABCDEF0, I64))
    b.extrl(X[6], Const(0x123456789ABCDEF0, I64))
    b.concat(Y[6], Const(0xDEADBEEF, I32), X[0])
    b.concat(Y[7], X[3], Const(0x80000001, I32))
    b.exit_tb(EXIT_HALT)
    inputs = [{X[0]: a, X[3]: c, Y[0]: q} for a, c, q in zip(
        EDGE32 * 2, reversed(EDGE32 * 2), EDGE64 + EDGE64[:2 * len(EDGE32) - len(EDGE64)])]
    inputs += [{X[0]: rand_val(rng, I32), X[3]: rand_val(rng, I32), Y[0]: rand_val(rng, I64)}
               for _ in range(40)]
    check_against_ref(h, b, inputs)


@pytest.mark.parametrize("ty", [I32, I64], ids=["i32", "i64"])
@pytest.mark.parametrize("name", ["mulu2", "muls2"])
def test_double_width_multiply(h, name, ty):
    rng = random.Random(hash((name, ty.bits)))
    G = X if ty is I32 else Y
    b = IRBuilder()
    getattr(b, name)(G[2], G[3], G[0], G[1])
    lo, hi = b.temp(ty), b.temp(ty)
    getattr(b, name)(lo, hi, G[0], Const(0xFFFFFFFF, ty))
    b.mov(G[4], lo)
    b.mov(G[5], hi)
    getattr(b, name)(G[6], G[7], Const(ty.mask, ty), G[1])
    b.exit_tb(EXIT_HALT)
    check_against_ref(h, b, [{G[0]: x, G[1]: y} for x, y in binop_inputs("mul", ty, rng)])


# ------------------------------------------------------------- conditions
@pytest.mark.parametrize("ty", [I32, I64], ids=["i32", "i64"])
@pytest.mark.parametrize("cond", list(Cond), ids=[c.value for c in Cond])
def test_setcond_movcond_brcond(h, cond, ty):
    rng = random.Random(hash((cond.value, ty.bits)))
    G = X if ty is I32 else Y
    b = IRBuilder()
    b.setcond(cond, G[2], G[0], G[1])
    b.setcond(cond, X[7], G[0], Const(0, ty))              # I32 result of an I64 compare
    t = b.temp(ty)
    b.setcond(cond, t, G[0], Const(0x80000000, ty))
    b.mov(G[3], t)
    b.movcond(cond, G[4], G[0], G[1], G[5], G[6])
    b.movcond(cond, G[5], G[0], Const(5, ty), Const(0x11, ty), G[6])
    b.movcond(cond, G[6], Const(ty.mask, ty), G[1], G[0], Const(0x22, ty))
    skip, end = b.label(), b.label()
    b.brcond(cond, G[0], G[1], skip)
    b.mov(G[7], Const(0x1234, ty))
    b.br(end)
    b.set_label(skip)
    b.mov(G[7], Const(0x5678, ty))
    b.set_label(end)
    b.exit_tb(EXIT_HALT)
    vals = edge(ty)[::2]
    inputs = [{G[0]: x, G[1]: y, G[5]: 0xAAAA, G[6]: 0xBBBB} for x in vals for y in vals]
    inputs += [{G[0]: x, G[1]: x} for x in vals]
    inputs += [{G[0]: rand_val(rng, ty), G[1]: rand_val(rng, ty), G[5]: 1, G[6]: 2}
               for _ in range(50)]
    check_against_ref(h, b, inputs)


@pytest.mark.parametrize("cond", list(Cond), ids=[c.value for c in Cond])
def test_constant_conditions_fold(h, cond):
    b = IRBuilder()
    for i, (x, y) in enumerate([(0, 0), (1, 0xFFFFFFFF), (0x80000000, 1), (6, 3)]):
        b.setcond(cond, X[i], Const(x), Const(y))
    l = b.label()
    b.mov(X[4], Const(1))
    b.brcond(cond, Const(5), Const(5), l)
    b.mov(X[4], Const(2))
    b.set_label(l)
    b.movcond(cond, X[5], Const(3), Const(4), X[6], Const(9))
    b.exit_tb(EXIT_HALT)
    check_against_ref(h, b, [{X[6]: 77}])


# ---------------------------------------------------------------- memory
MEMOPS = [MemOp(1), MemOp(1, True), MemOp(2), MemOp(2, True), MemOp(4), MemOp(4, True), MemOp(8)]


@pytest.mark.parametrize("m", MEMOPS, ids=[str(m) for m in MEMOPS])
def test_load_every_memop(h, m):
    pattern = bytes(range(0x80, 0x100)) + bytes(range(0x00, 0x80))
    pattern = pattern * 2
    h.mem.write(MEM_BASE + 0x100, pattern)
    h.mem.write(HIGH_PAGE + 0x10, pattern[:16])
    h.mem.write(TOP_PAGE + 0xFF0, pattern[:16])
    b = IRBuilder()
    for dty, G in ((I32, X), (I64, Y)):
        if m.size == 8 and dty is I32:
            continue
        b.ld(m, G[1], X[0])                           # register address
        b.ld(m, G[2], Const(MEM_BASE + 0x187))        # constant low address (disp32)
        b.ld(m, G[3], Const(HIGH_PAGE + 0x11))        # constant address >= 2^31
        b.ld(m, G[4], X[7])                           # register address >= 2^31
        b.ld(m, G[5], Const(TOP_PAGE + 0x1000 - m.size))   # last bytes below 4 GiB
        t = b.temp(dty)
        b.ld(m, t, Y[0], I64)                         # I64 address
        b.mov(G[6], t)
    b.exit_tb(EXIT_HALT)
    pc, _, _ = h.commit(b)
    for off in (0x100, 0x17F, 0x180, 0x1FE, 0x101, 0x1F8 - m.size):
        r = h.run(pc, {X[0]: MEM_BASE + off, X[7]: HIGH_PAGE + 0x10 + (off & 7),
                       Y[0]: MEM_BASE + 0x200 - m.size})
        assert r == EXIT_HALT

        def want(addr, dty):
            v = int.from_bytes(h.mem.read(addr, m.size), "little")
            if m.signed:
                v = sx(v, 8 * m.size)
            return v & dty.mask
        for dty, G in ((I32, X), (I64, Y)):
            if m.size == 8 and dty is I32:
                continue
            get = (lambda i: h.st.get("x" if G is X else "y", i))
            assert get(1) == want(MEM_BASE + off, dty)
            assert get(2) == want(MEM_BASE + 0x187, dty)
            assert get(3) == want(HIGH_PAGE + 0x11, dty)
            assert get(4) == want(HIGH_PAGE + 0x10 + (off & 7), dty)
            assert get(5) == want(TOP_PAGE + 0x1000 - m.size, dty)
            assert get(6) == want(MEM_BASE + 0x200 - m.size, dty)


@pytest.mark.parametrize("size", [1, 2, 4, 8])
def test_store_every_size(h, size):
    vty = I64 if size == 8 else I32
    G = Y if size == 8 else X
    b = IRBuilder()
    b.st(MemOp(size), G[1], X[0])                          # register value, register addr
    b.st(MemOp(size), Const(0x8877665544332211 & vty.mask, vty), Const(MEM_BASE + 0x300))
    b.st(MemOp(size), G[1], Const(HIGH_PAGE + 0x20))
    b.st(MemOp(size), Const(vty.mask, vty), X[2])          # all ones, high register address
    if size == 8:
        b.st(MemOp(8), Const(0x7FFFFFFF, I64), Const(MEM_BASE + 0x320))
        b.st(MemOp(8), Const(0xFFFFFFFF80000000, I64), Const(MEM_BASE + 0x328))
    b.st(MemOp(size), G[1], Const(TOP_PAGE + 0x1000 - size))
    b.exit_tb(EXIT_HALT)
    pc, _, _ = h.commit(b)
    rng = random.Random(size)
    for _ in range(10):
        h.mem.write(MEM_BASE + 0x200, bytes(0x200))
        h.mem.write(HIGH_PAGE, bytes(0x100))
        v = rand_val(rng, vty) | 0x80
        off = rng.randrange(0x200, 0x2F0)
        assert h.run(pc, {X[0]: MEM_BASE + off, G[1]: v, X[2]: HIGH_PAGE + 0x40}) == EXIT_HALT
        mask = (1 << (8 * size)) - 1
        rd = lambda a: int.from_bytes(h.mem.read(a, size), "little")
        assert rd(MEM_BASE + off) == v & mask
        assert h.mem.read(MEM_BASE + off + size, 1) == b"\0"      # no wider store
        assert rd(MEM_BASE + 0x300) == 0x8877665544332211 & mask
        assert rd(HIGH_PAGE + 0x20) == v & mask
        assert rd(HIGH_PAGE + 0x40) == mask
        assert rd(TOP_PAGE + 0x1000 - size) == v & mask
        if size == 8:
            assert rd(MEM_BASE + 0x320) == 0x7FFFFFFF
            assert rd(MEM_BASE + 0x328) == 0xFFFFFFFF80000000


@pytest.mark.parametrize("m", MEMOPS, ids=[str(m) for m in MEMOPS])
def test_cmpxchg(h, m):
    ty = I64 if m.size == 8 else I32
    G = Y if ty is I64 else X
    mask = (1 << (8 * m.size)) - 1
    b = IRBuilder()
    b.cmpxchg(m, G[3], X[0], G[1], G[2])
    b.mb("full")
    b.mb("load")
    b.mb("store")
    b.exit_tb(EXIT_HALT)
    pc, res, _ = h.commit(b)
    assert any("mfence" in l for l in h.cg.disassemble(res.code, 0))
    assert sum("lock cmpxchg" in l for l in h.cg.disassemble(res.code, 0)) == 1
    rng = random.Random(m.size * 2 + m.signed)
    for addr in (MEM_BASE + 0x400, HIGH_PAGE + 0x80):
        for _ in range(12):
            old = rand_val(rng, ty) & mask | (1 << (8 * m.size - 1) if rng.random() < .5 else 0)
            new = rand_val(rng, ty)
            equal = rng.random() < 0.5
            cmp = old if equal else (old ^ (1 << rng.randrange(8 * m.size)))
            cmp |= rng.getrandbits(ty.bits) & ~mask & ty.mask if m.size < 4 else 0
            h.mem.write(addr, old.to_bytes(m.size, "little") + b"\x99" * 8)
            assert h.run(pc, {X[0]: addr, G[1]: cmp, G[2]: new}) == EXIT_HALT
            now = int.from_bytes(h.mem.read(addr, m.size), "little")
            assert now == (new & mask if equal else old)
            assert h.mem.read(addr + m.size, 1) == b"\x99"
            want_d = (sx(old, 8 * m.size) if m.signed else old) & ty.mask
            assert h.st.get("y" if ty is I64 else "x", 3) == want_d


# --------------------------------------------------------------- frames
def test_many_temps_share_registers(h):
    """2000 temps with short live ranges fit in registers and stay right."""
    b = IRBuilder()
    acc = X[0]
    for i in range(2000):
        t = b.temp(I32)
        b.add(t, acc, Const(i))
        acc = t
    b.mov(X[1], acc)
    b.exit_tb(EXIT_HALT)
    res = check_against_ref(h, b, [{X[0]: 5}, {X[0]: 0xFFFFFFFF}])
    assert res.nslots == 0


def test_temps_live_across_labels(h):
    """Temps defined before branches and used after the join keep their slots."""
    rng = random.Random(3)
    b = IRBuilder()
    keep = [b.temp(I64 if i % 2 else I32) for i in range(20)]
    for i, t in enumerate(keep):
        b.add(t, Y[0] if t.type is I64 else X[0], Const(i, t.type))
    l1, l2 = b.label(), b.label()
    b.brcond(Cond.LTU, X[0], Const(100), l1)
    for i in range(30):                       # short-lived temps on one path only
        u = b.temp(I32)
        b.mul(u, X[0], Const(i + 3))
        b.xor(X[1], X[1], u)
    b.br(l2)
    b.set_label(l1)
    for i in range(30):
        u = b.temp(I64)
        b.sub(u, Y[0], Const(i * 7, I64))
        b.xor(Y[1], Y[1], u)
    b.set_label(l2)
    for i, t in enumerate(keep):
        if t.type is I64:
            b.add(Y[2], Y[2], t)
        else:
            b.xor(X[2], X[2], t)
    b.exit_tb(EXIT_HALT)
    check_against_ref(h, b, [{X[0]: rng.choice([5, 500, 99, 100]), Y[0]: rand_val(rng, I64)}
                             for _ in range(20)])


def test_register_pressure_spills_to_slots(h):
    """More live temps than temp registers: the rest live in stack slots."""
    nregs = len(TEMP_REGS_CALLER) + len(TEMP_REGS_CALLEE)
    b = IRBuilder()
    ts = [b.temp(I64 if i % 3 else I32) for i in range(nregs + 7)]
    for i, t in enumerate(ts):
        src = Y[0] if t.type is I64 else X[0]
        b.mul(t, src, Const(2 * i + 1, t.type))
    for i, t in enumerate(ts):                # every op mixes register and slot temps
        other = ts[-1 - i]
        if other.type is t.type:
            b.sub(t, t, other)
    for t in ts:
        if t.type is I64:
            b.xor(Y[1], Y[1], t)
        else:
            b.add(X[1], X[1], t)
    b.exit_tb(EXIT_HALT)
    rng = random.Random(5)
    res = check_against_ref(h, b, [{X[0]: rand_val(rng, I32), Y[0]: rand_val(rng, I64)}
                                   for _ in range(20)])
    assert res.nslots == 7


def test_temps_live_across_helper_calls(h):
    """Temps live across a call sit in callee-saved registers or slots; temps
    used as arguments are passed right even with several in registers."""
    rng = random.Random(9)
    b = IRBuilder()
    ts = [b.temp(I64) for _ in range(12)]
    for i, t in enumerate(ts):
        b.add(t, Y[0], Const(i * 1000 + 1, I64))
    q = b.temp(I64)
    b.call(UDIV64, q, ts[3], ts[1])
    b.call(UDIV64, Y[2], ts[11], Const(3, I64))
    for t in ts:
        b.xor(Y[1], Y[1], t)
    b.add(Y[3], q, ts[0])
    b.exit_tb(EXIT_HALT)
    pc, res, _ = h.commit(b)
    for _ in range(20):
        y0 = rand_val(rng, I64)
        assert h.run(pc, {Y[0]: y0, Y[1]: 0}) == EXIT_HALT
        t = [(y0 + i * 1000 + 1) & M64 for i in range(12)]
        x = 0
        for v in t:
            x ^= v
        assert h.st.get("y", 1) == x
        assert h.st.get("y", 2) == t[11] // 3
        assert h.st.get("y", 3) == ((t[3] // t[1] if t[1] else 0) + t[0]) & M64


def _quick_temp_locs(h, sizes, with_call=False, cross=False):
    """The temp locations gen_block gives a quick block of guest instructions
    of sizes[i] chained adds each (a helper call in the first if with_call;
    the second reads the first's last temp if cross); the code is not run."""
    b = IRBuilder()
    acc = Y[0]
    for k, n in enumerate(sizes):
        b.insn_start(0x1000 + 4 * k)
        if not (cross and k == 1):
            acc = Y[0]
        for i in range(n):
            t = b.temp(I64)
            b.add(t, acc, Const(i, I64))
            acc = t
            if with_call and k == i == 0:
                q = b.temp(I64)
                b.call(UDIV64, q, t, Const(3, I64))
                b.add(Y[2], q, t)
        b.mov(Y[1], acc)
    b.exit_tb(EXIT_HALT)
    bg = BlockGen(h.cg, int(ffi.cast("uintptr_t", lib.rt_code_ptr())), 0x20000, quick=True)
    if bg.run_quick(b.ops) is None:
        bg = BlockGen(h.cg, int(ffi.cast("uintptr_t", lib.rt_code_ptr())), 0x20000, quick=True)
        bg.run(b.ops)
    return [(x.base, x.disp) if isinstance(x, Mem) else x   # (Mem compares by identity)
            for x in (bg.temp_loc[i] for i in range(b.ntemps))]


def test_quick_blocks_give_an_instructions_temps_their_own_registers(h):
    """A quick block whose temps stay within their guest instruction skips the
    live ranges: an instruction's temps get TEMP_REGS in order, then stack
    slots, and the next instruction's start again at TEMP_REGS[0].  A temp
    read by a later instruction, or a helper call, makes it the linear scan
    (a temp live across the call is in a callee-saved register; short ranges
    share registers)."""
    n = len(TEMP_REGS)
    slots = [(RSP, 8 * k) for k in range(3)]
    assert _quick_temp_locs(h, [n + 3, 2]) == list(TEMP_REGS) + slots + list(TEMP_REGS[:2])
    locs = _quick_temp_locs(h, [3, 3], with_call=True)
    assert locs[0] in TEMP_REGS_CALLEE            # (TEMP_REGS[0] is caller-saved)
    locs = _quick_temp_locs(h, [n, 2], cross=True)
    assert len(set(locs)) < n and all(x in TEMP_REGS for x in locs)
    assert locs[n:] != list(TEMP_REGS[:2]) and locs[n] != locs[n - 1]   # (read by the add)


def test_too_many_live_temps_fail_loudly(h):
    b = IRBuilder()
    nregs = len(TEMP_REGS_CALLER) + len(TEMP_REGS_CALLEE)
    ts = [b.temp(I32) for _ in range(MAX_TEMP_SLOTS + nregs + 1)]
    for t in ts:
        b.mov(t, X[0])
    for t in ts:
        b.add(X[1], X[1], t)
    b.exit_tb(EXIT_HALT)
    with pytest.raises(CodegenError, match="temp slots"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)


def test_bad_ir_raises_codegen_error(h):
    b = IRBuilder()
    b.emit("frobnicate", X[0])
    b.exit_tb(EXIT_HALT)
    with pytest.raises(CodegenError, match="frobnicate"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)
    b = IRBuilder()
    b.mov(X[0], X[1])
    with pytest.raises(CodegenError, match="does not end"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)
    b = IRBuilder()
    l = b.label()
    b.set_label(l)
    b.brcond(Cond.EQ, X[0], Const(0), l)
    b.exit_tb(EXIT_HALT)
    with pytest.raises(CodegenError, match="backward"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)
    b = IRBuilder()
    b.br(b.label())
    with pytest.raises(CodegenError, match="never bound"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)
    b = IRBuilder()
    b.mov(Const(1), X[0])
    b.exit_tb(EXIT_HALT)
    with pytest.raises(CodegenError):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)


# ------------------------------------------------------- block exits
def test_prologue_abi(h):
    """Saved registers, frame alignment, env in rbp, guest_base in r14."""
    lines = h.cg.disassemble(h.stub.code, h.stub_base)
    text = "\n".join(lines)
    for r in ("rbp", "rbx", "r12", "r13", "r14", "r15"):
        assert f"push    {r}" in text and f"pop     {r}" in text
    assert f"sub     rsp, {hex(FRAME_SIZE)}" in text
    assert (6 * 8 + 8 + FRAME_SIZE) % 16 == 0          # return address + pushes + frame
    assert "mov     rbp, rdi" in text and "mov     r14, qword ptr [rdi + 0x28]" in text
    assert "jmp     rsi" in text
    ret0 = h.cg.disassemble(h.stub.code[h.stub.ret0:], h.stub_base + h.stub.ret0)
    assert "xor     eax, eax" in ret0[0] and "ret" in ret0[-1]
    assert h.cg.epilogue_addr == h.stub_base + h.stub.epilogue


def test_prebuilt_boilerplate_is_the_encoders():
    """The block boilerplate that codegen.py keeps as bytes is what the
    encoder would emit for the same instructions."""
    from usermode.translate.x86 import codegen as cg
    from usermode.translate.x86 import encoder as e
    jne = e.Jcc_rel32(e.CC_NE, 0)[:-4]
    assert cg.EXIT_REQUEST_CHECK == e.CMP32_mi(e.Mem(e.RBP, cg.ENV_EXIT_REQUEST_OFFSET), 0) + jne
    assert cg.STORE_PC_IMM32 + b"\x78\x56\x34\x12" == \
        e.MOV_mi(e.Mem(e.RBP, cg.ENV_PC_OFFSET), 0x12345678)
    assert cg.GOTO_TB_JMP == e.JMP_rel32(0)
    assert cg.MOV_RAX_IMM64 + bytes(range(1, 9)) == e.MOV_ri64(e.RAX, 0x0807060504030201)
    assert cg.hot_count_tail() == (e.SUB32_mi(e.Mem(e.RAX, cg.tb_hot_offset()), 1)
                                   + e.Jcc_rel32(e.CC_E, 0)[:-4])


def test_exit_tb_value_and_insn_map(h):
    b = IRBuilder()
    b.insn_start(0x1000)
    b.add(X[0], X[0], Const(1))
    b.insn_start(0x1004)
    b.add(X[0], X[0], Const(2))
    b.insn_start(0x1008)
    b.mov(Y[0], Const(0xFEDCBA9876543210, I64))
    b.exit_tb(EXIT_EXCEPTION)
    pc, res, _ = h.commit(b)
    assert h.run(pc, {X[0]: 10}) == EXIT_EXCEPTION
    assert h.st.get("x", 0) == 13 and h.st.get("y", 0) == 0xFEDCBA9876543210
    offs = [o for o, _ in res.insn_map]
    assert [p for _, p in res.insn_map] == [0x1000, 0x1004, 0x1008]
    assert offs == sorted(offs) and len(set(offs)) == 3 and offs[-1] < len(res.code)


def test_goto_tb_layout(h):
    b = IRBuilder()
    l = b.label()
    b.brcond(Cond.EQ, X[0], Const(0), l)
    b.goto_tb(0, 0x2000)
    b.set_label(l)
    b.goto_tb(1, 0x90000000)
    pc, res, tb = h.commit(b)
    code_addr = int(ffi.cast("uintptr_t", tb.tc))
    for n in (0, 1):
        ji = res.jmp_insn[n]
        assert res.code[ji] == 0xE9 and res.code[ji + 1:ji + 5] == b"\0\0\0\0"
        assert (code_addr + ji + 1) % 4 == 0
        assert res.jmp_reset[n] == ji + 5
        assert tb.jmp_insn[n] == ji and tb.jmp_reset[n] == ji + 5
    # the unchained exits return tb|n with env->pc set
    tbaddr = int(ffi.cast("uintptr_t", tb))
    for x, n, target in ((1, 0, 0x2000), (0, 1, 0x90000000)):
        lib.rt_set_chaining(0)
        try:
            r = h.run(pc, {X[0]: x})
        finally:
            lib.rt_set_chaining(1)
        assert r == RT_NEED_TRANSLATE                # no block at the target
        assert h.st.get("pc") == target


def test_chaining_two_blocks(h):
    """A: x0 += 1 -> B: x1 += x0; if x0 < 1000 -> A else halt.  Runs chained."""
    pa, pb = h.next_pc, h.next_pc + 0x100
    h.next_pc += 0x200
    a = IRBuilder()
    a.insn_start(pa)
    a.add(X[0], X[0], Const(1))
    a.goto_tb(0, pb)
    b = IRBuilder()
    b.insn_start(pb)
    b.add(X[1], X[1], X[0])
    done = b.label()
    b.brcond(Cond.GEU, X[0], Const(1000), done)
    b.goto_tb(1, pa)
    b.set_label(done)
    b.mov(PCG, Const(0xDEAD, I64))
    b.exit_tb(EXIT_HALT)
    _, _, tba = h.commit(a, pa)
    _, _, tbb = h.commit(b, pb)
    chains0, lookups0 = lib.rt_stat_chains(), lib.rt_stat_lookups()
    assert h.run(pa, {X[0]: 0, X[1]: 0}) == EXIT_HALT
    assert h.st.get("x", 0) == 1000 and h.st.get("x", 1) == sum(range(1, 1001))
    assert h.st.get("pc") == 0xDEAD
    assert lib.rt_stat_chains() - chains0 == 2        # A->B and B->A patched once each
    assert lib.rt_stat_lookups() - lookups0 < 10      # then it ran without the dispatcher
    assert tba.jmp_dest[0] == tbb and tbb.jmp_dest[1] == tba
    # again, already chained from the start
    assert h.run(pa, {X[0]: 500, X[1]: 0}) == EXIT_HALT
    assert h.st.get("x", 1) == sum(range(501, 1001))
    # unchaining (invalidate B): the patched jmp goes back to the reset path
    lib.rt_tb_invalidate_range(pb, pb + 4)
    assert h.run(pa, {X[0]: 0, X[1]: 0}) == RT_NEED_TRANSLATE
    assert h.st.get("pc") == pb and h.st.get("x", 0) == 1


def test_goto_ptr(h):
    """Indirect jump: env.pc from a global; found blocks are entered directly,
    a missing one goes back through ret0 and the dispatcher."""
    target = h.next_pc
    h.next_pc += 0x100
    t = IRBuilder()
    t.add(X[1], X[1], Const(100))
    t.exit_tb(EXIT_HALT)
    h.commit(t, target)
    b = IRBuilder()
    b.add(X[0], X[0], Const(1))
    b.ext32u(PCG, X[2])
    b.goto_ptr()
    pc, _, _ = h.commit(b)
    lookups0 = lib.rt_stat_lookups()
    assert h.run(pc, {X[0]: 1, X[1]: 5, X[2]: target}) == EXIT_HALT
    assert h.st.get("x", 0) == 2 and h.st.get("x", 1) == 105
    assert lib.rt_stat_lookups() - lookups0 == 1      # only the dispatcher's first lookup
    assert h.run(pc, {X[0]: 1, X[2]: 0x7777000}) == RT_NEED_TRANSLATE
    assert h.st.get("pc") == 0x7777000 and h.st.get("x", 0) == 2


def test_call_udiv64_helper(h):
    rng = random.Random(11)
    b = IRBuilder()
    b.call(UDIV64, Y[2], Y[0], Y[1])
    t = b.temp(I64)
    b.call(UDIV64, t, Y[0], Const(7, I64))
    b.mov(Y[3], t)
    b.call(UDIV64, Y[4], X[0], Y[1])                  # I32 arg, zero-extended
    b.add(Y[5], Y[0], Y[1])                           # temps/globals survive the call
    b.exit_tb(EXIT_HALT)
    pc, _, _ = h.commit(b)
    for _ in range(30):
        a, d, x = rand_val(rng, I64), rand_val(rng, I64), rand_val(rng, I32)
        assert h.run(pc, {Y[0]: a, Y[1]: d, X[0]: x}) == EXIT_HALT
        assert h.st.get("y", 2) == (a // d if d else 0)
        assert h.st.get("y", 3) == a // 7
        assert h.st.get("y", 4) == (x // d if d else 0)
        assert h.st.get("y", 5) == (a + d) & M64


def test_call_helper_with_env(h):
    """An env-taking helper (lookup_tb) sees env in rdi: it returns the host code
    of the block at env->pc, or ret0."""
    lookup = Helper("lookup_tb", I64, ())
    target = h.next_pc
    h.next_pc += 0x100
    t = IRBuilder()
    t.exit_tb(EXIT_HALT)
    _, _, ttb = h.commit(t, target)
    b = IRBuilder()
    b.mov(PCG, Const(target, I64))
    b.call(lookup, Y[0])
    b.mov(PCG, Const(0x1234560, I64))
    b.call(lookup, Y[1])
    b.exit_tb(EXIT_HALT)
    pc, _, _ = h.commit(b)
    assert h.run(pc) == EXIT_HALT
    assert h.st.get("y", 0) == int(ffi.cast("uintptr_t", ttb.tc))
    assert h.st.get("y", 1) == h.stub_base + h.stub.ret0
    # an absolute-address helper, no env
    addr = int(ffi.cast("uintptr_t", lib.rt_helper_addr(b"udiv64")))
    direct = Helper("anything", I64, (I64, I64), addr=addr, pass_env=False)
    b = IRBuilder()
    b.call(direct, Y[2], Const(1000, I64), Const(9, I64))
    b.exit_tb(EXIT_HALT)
    pc, _, _ = h.commit(b)
    assert h.run(pc) == EXIT_HALT and h.st.get("y", 2) == 111


def test_helper_lookup_by_name(h):
    """Helpers resolve through rt_helper_addr and the fp table; unknown names
    are a CodegenError, not a crash."""
    cg = CodeGen()
    assert cg.helper_addr("udiv64") == int(ffi.cast("uintptr_t", lib.rt_helper_addr(b"udiv64")))
    if hasattr(lib, "fp_helper_addr"):
        assert cg.helper_addr("fp_arm_slow") == int(
            ffi.cast("uintptr_t", lib.fp_helper_addr(b"fp_arm_slow")))
    b = IRBuilder()
    b.call(Helper("no_such_helper", None, ()), None)
    b.exit_tb(EXIT_HALT)
    with pytest.raises(CodegenError, match="no_such_helper"):
        h.cg.gen_block(b.ops, b.ntemps, 0x1000, 0x10000)


def test_fault_maps_to_guest_insn():
    """A load from an unmapped guest page faults inside generated code; the
    runtime reports the guest address and the host pc, which the insn map
    turns into the right guest instruction.  (Own process: installs the
    runtime's signal handler.)"""
    script = textwrap.dedent(r"""
        import bisect, sys
        sys.path.insert(0, "tests")
        from test_codegen import Harness, X, TEST_FLAGS, ffi, lib
        from usermode.translate.ir import IRBuilder, Const, MO_UL, EXIT_HALT
        from usermode.translate.cpustate import EXCP_FAULT
        h = Harness()
        assert lib.rt_install_fault_handler() == 0
        b = IRBuilder()
        b.insn_start(0x8000)
        b.add(X[0], X[0], Const(1))
        b.insn_start(0x8004)
        b.ld(MO_UL, X[1], X[2])
        b.insn_start(0x8008)
        b.add(X[0], X[0], Const(1))
        b.exit_tb(EXIT_HALT)
        pc, res, tb = h.commit(b, 0x8000)
        r = h.run(pc, {X[0]: 0, X[2]: 0x3000_0010})
        st = h.st
        assert r == 1 and st.get("exception") == EXCP_FAULT, (r, st.get("exception"))
        assert st.get("exc_arg") == 0x3000_0010
        off = st.get("host_pc") - int(ffi.cast("uintptr_t", tb.tc))
        i = bisect.bisect_right([o for o, _ in res.insn_map], off) - 1
        assert res.insn_map[i][1] == 0x8004, (off, res.insn_map)
        assert st.get("x", 0) == 1             # the first insn completed, the third did not
        # and the runtime is still usable afterwards
        assert h.run(pc, {X[0]: 0, X[2]: 0x10000}) == EXIT_HALT and st.get("x", 0) == 2
        print("OK")
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip().endswith("OK"), p.stdout + p.stderr


# ------------------------------------------------------------ random programs
VALUE_OPS = BINOPS + UNOPS_SAME + ["bswap64", "ext32s", "ext32u", "extrl", "extrh", "concat",
                                   "mulu2", "muls2", "setcond", "movcond", "call"]
REF_HELPERS = {"udiv64": lambda a, b: a // b if b else 0}


def random_block(rng, nops, insns=False, calls=True):
    """A random block over x/y globals, temps and constants, with forward
    branches and guest loads/stores into the test window.  insns: split
    into guest instructions (insn_start) whose temps are their own, like
    the front end's; calls: helper calls among the ops."""
    b = IRBuilder()
    live = {I32: list(X[:6]), I64: list(Y[:6])}
    pending = []                                     # labels to place later
    ops = VALUE_OPS + ["brcond", "ld", "st"]
    if not calls:
        ops.remove("call")
    pc = 0x1000
    if insns:
        b.insn_start(pc)

    def src(ty):
        r = rng.random()
        if r < 0.2:
            return Const(rand_val(rng, ty), ty)
        return rng.choice(live[ty])

    def new_temp(ty):
        t = b.temp(ty)
        if not pending:            # defined on every path: may be read later
            live[ty].append(t)
        return t

    def dst(ty):
        if rng.random() < 0.5:
            return new_temp(ty)
        return rng.choice(live[ty][:6] if rng.random() < 0.7 else live[ty])

    for _ in range(nops):
        if pending and rng.random() < 0.15:
            b.set_label(pending.pop(rng.randrange(len(pending))))
        if insns and rng.random() < 0.3:
            pc += 4
            b.insn_start(pc)
            live[I32][6:], live[I64][6:] = [], []   # the temps of the one before are dead
        name = rng.choice(ops)
        ty = rng.choice([I32, I64])
        # sources are picked before the destination: a new temp is not yet defined
        if name in BINOPS:
            x, y = src(ty), src(ty)
            _emit_bin(b, name, dst(ty), x, y)
        elif name in UNOPS_SAME or name == "bswap64":
            ty = I64 if name == "bswap64" else ty
            x = src(ty)
            _emit_un(b, name, dst(ty), x)
        elif name in ("ext32s", "ext32u"):
            x = src(I32)
            getattr(b, name)(dst(I64), x)
        elif name in ("extrl", "extrh"):
            x = src(I64)
            getattr(b, name)(dst(I32), x)
        elif name == "concat":
            x, y = src(I32), src(I32)
            b.concat(dst(I64), x, y)
        elif name in ("mulu2", "muls2"):
            x, y = src(ty), src(ty)
            lo, hi = dst(ty), new_temp(ty)
            getattr(b, name)(lo, hi, x, y)
        elif name == "setcond":
            x, y = src(ty), src(ty)
            b.setcond(rng.choice(list(Cond)), dst(rng.choice([I32, I64])), x, y)
        elif name == "movcond":
            cty = rng.choice([I32, I64])
            x, y, v1, v2 = src(cty), src(cty), src(ty), src(ty)
            b.movcond(rng.choice(list(Cond)), dst(ty), x, y, v1, v2)
        elif name == "call":
            x, y = src(I64), src(I64)
            b.call(UDIV64, dst(I64), x, y)
        elif name == "brcond":
            x, y = src(ty), src(ty)
            l = b.label()
            b.brcond(rng.choice(list(Cond)), x, y, l)
            pending.append(l)
        elif name in ("ld", "st"):
            m = rng.choice(MEMOPS)
            x = src(I32)
            a = b.temp(I32)
            b.and_(a, x, Const(0xFF8))
            b.add(a, a, Const(MEM_BASE + 0x800))
            if name == "ld":
                b.ld(m, dst(I64 if m.size == 8 else rng.choice([I32, I64])), a)
            else:
                b.st(m, src(I64 if m.size == 8 else I32), a)
    for l in pending:
        b.set_label(l)
    b.exit_tb(EXIT_HALT)
    return b


@pytest.mark.parametrize("seed", range(40))
def test_random_blocks_match_reference(h, seed):
    _check_random_block(h, seed, 10, 80, quick=False)


@pytest.mark.parametrize("seed", range(40))
def test_random_quick_blocks_match_reference(h, seed):
    """Quick blocks as one instruction (its temps in registers, then stack
    slots), or as the linear scan allocates them when they call a helper."""
    _check_random_block(h, seed, 3, 20, quick=True)


@pytest.mark.parametrize("seed", range(40))
def test_random_quick_instructions_match_reference(h, seed):
    """Quick blocks of many guest instructions (run_quick), their pure ops
    mostly the reused code of earlier ones (CodeGen.memo)."""
    _check_random_block(h, seed, 10, 80, quick=True, insns=True, calls=False)


def _random_insn_blocks(n=40):
    return [random_block(random.Random(3000 + seed), 60, insns=True, calls=False)
            for seed in range(n)]


def test_quick_code_from_the_memo_is_what_lowering_gives(h):
    """The code of quick blocks compiled again (all their pure ops taken from
    CodeGen.memo) is byte for byte the code compiled with an empty memo,
    and both come from run_quick."""
    blocks = _random_insn_blocks()
    cg = CodeGen(optimize=False)
    cg.set_epilogue(h.cg.epilogue_addr)
    code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))

    def compile_all():
        out = []
        for b in blocks:
            bg = BlockGen(cg, code_addr, 0x20000, quick=True)
            res = bg.run_quick(b.ops)
            assert res is not None
            out.append(res.code)
        return out

    first = compile_all()
    pure = sum(op.name in MEMO_OPS for b in blocks for op in b.ops)
    assert 0 < len(cg.memo) < pure
    lowered = []
    lower = BlockGen._lower
    BlockGen._lower = lambda self, i, op: (lowered.append(op.name), lower(self, i, op))
    try:
        assert compile_all() == first
    finally:
        BlockGen._lower = lower
    impure = [op.name for b in blocks for op in b.ops
              if op.name not in MEMO_OPS and op.name != "insn_start"]
    assert lowered == impure


def test_random_quick_blocks_cover_both_allocations(h):
    plain = [random_block(random.Random(1000 + seed), random.Random(1000 + seed).randint(3, 20))
             for seed in range(40)]
    code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
    quick = [BlockGen(h.cg, code_addr, 0x20000, quick=True).run_quick(b.ops) is not None
             for b in plain]
    assert any(quick) and not all(quick)
    assert max(b.ntemps for b, q in zip(plain, quick) if q) > len(TEMP_REGS)   # slots too
    assert all(BlockGen(h.cg, code_addr, 0x20000, quick=True).run_quick(b.ops) is not None
               for b in _random_insn_blocks())


def _check_random_block(h, seed, lo, hi, quick, **kw):
    rng = random.Random(1000 + seed)
    b = random_block(rng, rng.randint(lo, hi), **kw)
    pc, res, _ = h.commit(b, quick=quick)
    for _ in range(6):
        inputs = {g: rand_val(rng, g.type) for g in X[:6] + Y[:6]}
        window = bytes(rng.getrandbits(8) for _ in range(0x1000))
        h.mem.write(MEM_BASE + 0x800, window)
        assert h.run(pc, inputs) == EXIT_HALT
        ref = RefMachine({g.offset: v for g, v in _poisoned(inputs).items()},
                         mem=bytearray(window), mem_base=MEM_BASE + 0x800)
        ref.run(b.ops, REF_HELPERS)
        got = h.globals()
        for g in X + Y:
            assert got[g.offset] == ref.get_global(g), f"{g.name}\n{b.dump()}"
        assert h.mem.read(MEM_BASE + 0x800, 0x1000) == bytes(ref.mem)

"""The IR optimizer (usermode/translate/optimize.py).

* Random blocks (globals, temps redefined on some paths, constants, forward
  branches, guest loads/stores, helper calls that read or write the CPU
  state, an op the optimizer does not know) give the same final state and
  memory in tests/ir_ref.py before and after optimization, AND the same CPU
  state at every point where something could observe it (each guest memory
  access, which may fault; each call of a helper that reads the state; each
  unknown op; the exit).
* The same random blocks, optimized, compiled by the x86 back end and run
  natively, match the reference run of the original IR.
* Unit checks of each transformation on small blocks and on real ARM code:
  dead flags are not stored, a global read twice is loaded once, constants
  fold, writes before a memory access are kept, cached values are dropped
  after a helper that writes the state.

Run:  python -m pytest tests/test_optimize.py
"""
import random

import pytest

from usermode.translate.helpers import (HF_DEFAULT, HF_NO_GLOBALS, HF_READS_GLOBALS, UDIV64,
                                        Helper)
from usermode.translate.ir import (EXIT_HALT, I32, I64, Cond, Const, Global, IRBuilder,
                                   MemOp, Op, Temp)
from usermode.translate.optimize import F_UNKNOWN, INFO, fold, optimize

from ir_ref import RefMachine

X = [Global(f"x{i}", 64 + 4 * i, I32) for i in range(8)]
Y = [Global(f"y{i}", 96 + 8 * i, I64) for i in range(8)]
WIN = 0x10800
MEMOPS = [MemOp(1), MemOp(1, True), MemOp(2), MemOp(2, True), MemOp(4), MemOp(4, True),
          MemOp(8)]
EDGE = [0, 1, 2, 31, 32, 63, 0x7F, 0x80, 0xFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
        0x8000000000000000, 0xFFFFFFFFFFFFFFFF, 0x123456789ABCDEF0]

H_PURE = Helper("t_pure", I64, (I64, I64), flags=HF_NO_GLOBALS, pass_env=False)
H_READ = Helper("t_read", I64, (I64,), flags=HF_READS_GLOBALS)
H_RW = Helper("t_rw", None, (I32,), flags=HF_DEFAULT)


def rand_val(rng, ty):
    if rng.random() < 0.4:
        return rng.choice(EDGE) & ty.mask
    return rng.getrandbits(ty.bits)


class TraceMachine(RefMachine):
    """The reference machine, recording the CPU state wherever it is observable:
    at each guest memory access, each call of a state-reading helper, each
    unknown op ('xswap': swaps two globals, done through a helper here)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.trace = []

    def snap(self, what):
        self.trace.append((what, tuple(sorted((k, v) for k, v in self.g.items()))))

    def load(self, addr, size, signed):
        self.snap(("ld", addr, size))
        return super().load(addr, size, signed)

    def store(self, addr, size, v):
        self.snap(("st", addr, size, v & ((1 << (8 * size)) - 1)))
        super().store(addr, size, v)

    def helpers(self):
        g = self.g

        rd, wr = self.read_global, self.write_global

        def t_read(a):
            self.snap("t_read")
            return (a + rd(X[0]) * 7 + rd(Y[1])) & (2 ** 64 - 1)

        def t_rw(a):
            self.snap("t_rw")
            wr(X[1], (rd(X[1]) + a) & 0xFFFFFFFF)
            wr(Y[2], rd(Y[2]) ^ rd(X[3]))

        def xswap(i, j):
            self.snap("xswap")
            a, b = rd(X[i]), rd(X[j])
            wr(X[i], b)
            wr(X[j], a)

        return {"t_pure": lambda a, b: (a * 3 + b) & (2 ** 64 - 1), "t_read": t_read,
                "t_rw": t_rw, "udiv64": lambda a, b: a // b if b else 0, "xswap": xswap}

    def run_block(self, ops):
        """Run ops; the unknown 'xswap i, j' op is executed as a helper call."""
        conv = []
        for op in ops:
            if op.name == "xswap":
                conv.append(Op("call", (Helper("xswap", None, (I32, I32)), None,
                                        (Const(op.args[0]), Const(op.args[1])))))
            else:
                conv.append(op)
        r = self.run(conv, self.helpers())
        self.snap(("exit", r))
        return r


class ByteStateMachine(TraceMachine):
    """TraceMachine whose CPU state is memory (4-byte chunks): globals may
    overlap, like a VFP D register and its two S halves (S below)."""

    def read_global(self, g):
        v = self.g.get(g.offset, 0)
        if g.type is I64:
            v |= self.g.get(g.offset + 4, 0) << 32
        return v

    def write_global(self, g, value):
        self.g[g.offset] = value & 0xFFFFFFFF
        if g.type is I64:
            self.g[g.offset + 4] = (value >> 32) & 0xFFFFFFFF


# I32 views of the halves of y0..y2 (as s0..s5 are of d0..d2)
S = [Global(f"s{i}", Y[i >> 1].offset + 4 * (i & 1), I32) for i in range(6)]


def random_block(rng, nops, *, native=False, alias=False):
    """Random IR over x/y globals: values flow through temps (some redefined,
    some on one path only), constants, and repeated writes of the same globals.
    alias: the block also reads and writes S, the halves of y0..y2."""
    b = IRBuilder()
    live = {I32: list(X[:6]) + (S if alias else []), I64: list(Y[:6])}
    multi = {I32: [], I64: []}              # temps defined on every path: may be redefined
    pending = []

    def src(ty):
        r = rng.random()
        if r < 0.25:
            return Const(rand_val(rng, ty), ty)
        return rng.choice(live[ty])

    def new_temp(ty):
        t = b.temp(ty)
        if not pending:
            live[ty].append(t)
            multi[ty].append(t)
        return t

    def dst(ty):
        r = rng.random()
        if r < 0.35:
            return new_temp(ty)
        if r < 0.5 and multi[ty]:
            return rng.choice(multi[ty])      # a redefinition
        return rng.choice((X[:6] + (S if alias else []) if ty is I32 else Y[:6]))

    binops = ["add", "sub", "mul", "and", "or", "xor", "andc", "shl", "shr", "sar", "rotl",
              "rotr", "divu", "divs", "remu", "rems"]
    unops = ["mov", "mov", "mov", "neg", "not", "ext8s", "ext8u", "ext16s", "ext16u", "clz",
             "ctz", "popcnt", "bswap16", "bswap32"]
    kinds = binops + unops + ["ext32u", "extrh", "concat", "mulu2", "setcond", "movcond",
                              "brcond", "ld", "st", "call", "flags"]
    if not native:
        kinds += ["unknown", "call_rw", "call_read"]
    for _ in range(nops):
        if pending and rng.random() < 0.15:
            b.set_label(pending.pop(rng.randrange(len(pending))))
        k = rng.choice(kinds)
        ty = rng.choice([I32, I64])
        if k in binops:
            x, y = src(ty), src(ty)
            if rng.random() < 0.2:
                y = x
            getattr(b, k + "_" if k in ("and", "or") else k)(dst(ty), x, y)
        elif k in unops:
            x = src(ty)
            getattr(b, k + "_" if k == "not" else k)(dst(ty), x)
        elif k == "ext32u":
            x = src(I32)
            b.ext32u(dst(I64), x)
        elif k == "extrh":
            x = src(I64)
            b.extrh(dst(I32), x)
        elif k == "concat":
            x, y = src(I32), src(I32)
            b.concat(dst(I64), x, y)
        elif k == "mulu2":
            x, y = src(ty), src(ty)
            b.mulu2(dst(ty), new_temp(ty), x, y)
        elif k == "setcond":
            x, y = src(ty), src(ty)
            b.setcond(rng.choice(list(Cond)), dst(I32), x, y)
        elif k == "movcond":
            x, y, v1, v2 = src(ty), src(ty), src(I32), src(I32)
            b.movcond(rng.choice(list(Cond)), dst(I32), x, y, v1, v2)
        elif k == "brcond":
            x, y = src(ty), src(ty)
            l = b.label()
            b.brcond(rng.choice(list(Cond)), x, y if rng.random() < 0.8 else x, l)
            pending.append(l)
        elif k == "flags":                    # ARM-like: several flag words, then maybe again
            x, y = src(I32), src(I32)
            r = b.temp(I32)
            b.sub(r, x, y)
            b.mov(X[4], r)
            b.mov(X[5], r)
            b.setcond(Cond.GEU, X[3], x, y)
        elif k in ("ld", "st"):
            m = rng.choice(MEMOPS)
            x = src(I32)
            a = b.temp(I32)
            b.and_(a, x, Const(0xFF8))
            b.add(a, a, Const(WIN))
            if k == "ld":
                b.ld(m, dst(I64 if m.size == 8 else ty), a)
            else:
                b.st(m, src(I64 if m.size == 8 else I32), a)
        elif k == "call":
            x, y = src(I64), src(I64)
            if native:
                b.call(UDIV64, dst(I64), x, y)
            else:
                b.call(H_PURE, dst(I64), x, y)
        elif k == "call_read":
            x = src(I64)
            b.call(H_READ, dst(I64), x)
        elif k == "call_rw":
            b.call(H_RW, None, src(I32))
        elif k == "unknown":
            b.emit("xswap", rng.randrange(6), rng.randrange(6))
    for l in pending:
        b.set_label(l)
    b.exit_tb(EXIT_HALT)
    return b


def run_ref(ops, inputs, window, machine=TraceMachine):
    if machine is TraceMachine:
        m = TraceMachine({g.offset: v for g, v in inputs.items()}, mem=bytearray(window),
                         mem_base=WIN)
    else:
        m = machine(mem=bytearray(window), mem_base=WIN)
        for g, v in inputs.items():
            m.write_global(g, v)
    m.run_block(ops)
    return m


def random_inputs(rng):
    return {g: rand_val(rng, g.type) for g in X + Y}


def test_unknown_ops_are_unknown():
    assert "xswap" not in INFO and "vop" not in INFO


@pytest.mark.parametrize("seed", range(150))
def test_random_blocks_same_state_everywhere_observable(seed):
    rng = random.Random(seed)
    b = random_block(rng, rng.randint(5, 90))
    ops, nt = optimize(b.ops, b.ntemps)
    assert nt >= b.ntemps
    again, _ = optimize(ops, nt)
    for _ in range(5):
        inputs = random_inputs(rng)
        window = bytes(rng.getrandbits(8) for _ in range(0x1000))
        want = run_ref(b.ops, inputs, window)
        for variant in (ops, again):
            got = run_ref(variant, inputs, window)
            assert got.trace == want.trace, f"\n{b.dump()}\n-- optimized --\n{_dump(variant)}"
            assert got.mem == want.mem


@pytest.mark.parametrize("seed", range(150))
def test_random_blocks_with_overlapping_globals(seed):
    """Same, with I32 globals overlapping the halves of I64 ones (VFP S and D
    registers) and a CPU state that is bytes: a write of one view changes the
    other, a read of one view must see the other's writes."""
    rng = random.Random(90000 + seed)
    b = random_block(rng, rng.randint(5, 90), alias=True)
    ops, nt = optimize(b.ops, b.ntemps)
    again, _ = optimize(ops, nt)
    for _ in range(5):
        inputs = random_inputs(rng)
        window = bytes(rng.getrandbits(8) for _ in range(0x1000))
        want = run_ref(b.ops, inputs, window, ByteStateMachine)
        for variant in (ops, again):
            got = run_ref(variant, inputs, window, ByteStateMachine)
            assert got.trace == want.trace, f"\n{b.dump()}\n-- optimized --\n{_dump(variant)}"
            assert got.mem == want.mem


def _dump(ops):
    b = IRBuilder()
    b.ops = ops
    return b.dump()


# ------------------------------------------------------------ natively
@pytest.fixture(scope="module")
def h():
    from test_codegen import Harness
    harness = Harness()
    yield harness
    harness.close()


@pytest.mark.parametrize("seed", range(40))
def test_random_blocks_optimized_and_compiled(h, seed):
    """Optimized, compiled and run natively == the reference of the original."""
    from test_codegen import MEM_BASE, _poisoned
    import test_codegen as tc
    rng = random.Random(5000 + seed)
    b = random_block(rng, rng.randint(10, 80), native=True)
    # the harness's globals are x0..x7/y0..y7 of its own layout: map ours onto them
    gmap = {g.offset: tc.X[i] for i, g in enumerate(X)}
    gmap.update({g.offset: tc.Y[i] for i, g in enumerate(Y)})
    b.ops = [_remap(op, gmap) for op in b.ops]
    ops, nt = optimize(b.ops, b.ntemps)
    ob = IRBuilder()
    ob.ops, ob._ntemps = ops, nt
    pc, _, _ = h.commit(ob)
    for _ in range(4):
        inputs = {g: tc.rand_val(rng, g.type) for g in tc.X[:6] + tc.Y[:6]}
        window = bytes(rng.getrandbits(8) for _ in range(0x1000))
        h.mem.write(WIN, window)
        assert h.run(pc, inputs) == EXIT_HALT
        ref = RefMachine({g.offset: v for g, v in _poisoned(inputs).items()},
                         mem=bytearray(window), mem_base=WIN)
        ref.run(b.ops, {"udiv64": lambda a, c: a // c if c else 0})
        got = h.globals()
        for g in tc.X + tc.Y:
            assert got[g.offset] == ref.get_global(g), f"{g.name}\n{b.dump()}\n--\n{_dump(ops)}"
        assert h.mem.read(WIN, 0x1000) == bytes(ref.mem)
    assert MEM_BASE <= WIN < WIN + 0x1000 <= MEM_BASE + 0x10000


def _remap(op, gmap):
    def m(x):
        if isinstance(x, Global):
            return gmap[x.offset]
        if isinstance(x, tuple):
            return tuple(m(y) for y in x)
        return x
    return Op(op.name, tuple(m(a) for a in op.args))


# ------------------------------------------------------------ unit checks
def names(ops):
    return [op.name for op in ops if op.name != "insn_start"]


def stores_to(ops, g):
    return [op for op in ops if op.name == "mov" and op.args[0] is g]


def test_dead_flag_writes_are_dropped():
    b = IRBuilder()
    NF, ZF = X[4], X[5]
    t = b.temp()
    b.xor(t, X[0], X[1])            # eors: NF, ZF
    b.mov(NF, t)
    b.mov(ZF, t)
    u = b.temp()
    b.sub(u, X[2], X[3])            # cmp: NF, ZF again
    b.mov(NF, u)
    b.mov(ZF, u)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len(stores_to(ops, NF)) == 1 and stores_to(ops, NF)[0].args[1] is u
    assert "xor" not in names(ops)  # its only uses were the dead flag writes


def test_dead_computation_into_a_global_is_dropped():
    b = IRBuilder()
    b.and_(X[4], X[0], X[1])        # like a VF computation overwritten before any read
    b.sub(X[4], X[2], X[3])
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert "and" not in names(ops) and "sub" in names(ops)


def test_store_overwritten_after_a_cached_read_is_dropped():
    """The read of x0 between the two stores is served by the temp, so the first
    store is dead (nothing reads memory or observes the state in between)."""
    b = IRBuilder()
    t, u = b.temp(), b.temp()
    b.add(t, X[1], Const(1))
    b.mov(X[0], t)
    b.xor(u, X[0], X[2])            # reads x0: the cached t
    b.mov(X[0], u)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert [op.args[1] for op in stores_to(ops, X[0])] == [u]
    m = run_ref(ops, {X[1]: 4, X[2]: 1}, bytes(0x1000))
    assert m.g[X[0].offset] == 4


def test_cached_read_then_memory_access_keeps_the_store():
    """Same, but a load (which may fault) between: the state there must be exact."""
    b = IRBuilder()
    t, u, v = b.temp(), b.temp(), b.temp()
    b.add(t, X[1], Const(1))
    b.mov(X[0], t)
    b.xor(u, X[0], X[2])
    b.ld(MemOp(4), v, Const(WIN))
    b.mov(X[0], u)
    b.mov(X[3], v)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len(stores_to(ops, X[0])) == 2


def test_cached_read_then_state_reading_helper_keeps_the_store():
    b = IRBuilder()
    t, u, w = b.temp(), b.temp(), b.temp(I64)
    b.add(t, X[1], Const(1))
    b.mov(X[0], t)
    b.xor(u, X[0], X[2])
    b.call(H_READ, w, Const(0, I64))          # reads x0 through env
    b.mov(X[0], u)
    b.mov(Y[0], w)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len(stores_to(ops, X[0])) == 2
    m = run_ref(ops, {X[1]: 4, X[2]: 1}, bytes(0x1000))
    assert m.read_global(Y[0]) == 5 * 7               # x0 = x1 + 1 seen by the helper


def test_cached_read_then_pure_helper_drops_the_store():
    b = IRBuilder()
    t, u, w = b.temp(), b.temp(), b.temp(I64)
    b.add(t, X[1], Const(1))
    b.mov(X[0], t)
    b.xor(u, X[0], X[2])
    b.call(H_PURE, w, Const(0, I64), Const(0, I64))
    b.mov(X[0], u)
    b.mov(Y[0], w)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len(stores_to(ops, X[0])) == 1


def test_writes_before_a_memory_access_are_kept():
    """A load may fault: the state at it must be exact, so the first write stays."""
    b = IRBuilder()
    b.mov(X[4], Const(1))
    t = b.temp()
    b.ld(MemOp(4), t, X[0])
    b.mov(X[4], t)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    st = stores_to(ops, X[4])
    assert len(st) == 2 and st[0].args[1] == Const(1)
    assert ops.index(st[0]) < [op.name for op in ops].index("ld")


def test_global_read_twice_is_loaded_once():
    b = IRBuilder()
    t1, t2, t3 = b.temp(), b.temp(), b.temp()
    b.add(t1, X[0], X[1])
    b.xor(t2, X[0], Const(5))
    b.sub(t3, X[0], t1)
    b.mov(X[2], t2)
    b.mov(X[3], t3)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    reads = [op for op in ops if any(a is X[0] for a in op.args[1:])]
    assert len(reads) == 1 and reads[0].name == "mov" and isinstance(reads[0].args[0], Temp)
    # x1 is read once: used in place (a memory operand), not loaded into a temp
    assert any(op.name == "add" and op.args[2] is X[1] for op in ops)


def test_written_global_is_read_back_from_its_temp():
    b = IRBuilder()
    t = b.temp()
    b.add(X[0], X[0], Const(4))        # like 'adds r0, r0, #4' then 'str r1, [r0]'
    b.add(t, X[0], Const(8))
    b.st(MemOp(4), X[1], t)
    b.mov(X[2], X[0])
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert sum(1 for op in ops for a in op.args[1:] if a is X[0]) == 1   # the first read only


def test_constants_fold_and_propagate():
    b = IRBuilder()
    t, u, v = b.temp(), b.temp(), b.temp(I64)
    b.mov(t, Const(0x10))
    b.shl(u, t, Const(4))
    b.add(X[0], u, Const(1))
    b.ext32u(v, X[0])
    b.mov(Y[0], v)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert names(ops) == ["mov", "mov", "exit_tb"]
    assert stores_to(ops, X[0])[0].args[1] == Const(0x101)
    assert stores_to(ops, Y[0])[0].args[1] == Const(0x101, I64)


def test_constant_branch_folds():
    b = IRBuilder()
    l1, l2 = b.label(), b.label()
    b.mov(X[0], Const(3))
    b.brcond(Cond.EQ, X[0], Const(3), l1)      # always taken
    b.mov(X[1], Const(1))
    b.set_label(l1)
    b.brcond(Cond.LTU, X[0], Const(2), l2)     # never taken
    b.mov(X[2], Const(2))
    b.set_label(l2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    # the branches fold, the skipped store is unreachable and goes, the labels too
    assert names(ops) == ["mov", "mov", "exit_tb"]
    m = run_ref(ops, {}, bytes(0x1000))
    assert m.g.get(X[1].offset) is None and m.g[X[2].offset] == 2


def test_unreachable_code_goes_but_insn_starts_stay():
    b = IRBuilder()
    l1, l2 = b.label(), b.label()
    b.insn_start(0x100)
    b.brcond(Cond.EQ, X[0], Const(1), l1)
    b.br(l2)
    b.insn_start(0x104)                       # unreachable guest instruction
    b.mov(X[1], Const(5))
    b.set_label(l1)
    b.mov(X[2], Const(6))
    b.set_label(l2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert [op.name for op in ops] == ["insn_start", "brcond", "br", "insn_start", "label",
                                       "mov", "label", "exit_tb"]
    for x0, want in ((1, 6), (0, None)):
        m = run_ref(ops, {X[0]: x0}, bytes(0x1000))
        assert m.g.get(X[2].offset) == want and X[1].offset not in m.g


def test_algebraic_identities():
    b = IRBuilder()
    t = b.temp()
    b.add(t, X[0], Const(0))
    b.and_(X[1], t, Const(0xFFFFFFFF))
    b.xor(X[2], X[3], X[3])
    b.mul(X[4], X[5], Const(0))
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert set(names(ops)) == {"mov", "exit_tb"}
    assert stores_to(ops, X[2])[0].args[1] == Const(0)
    assert stores_to(ops, X[4])[0].args[1] == Const(0)
    m = run_ref(ops, {X[0]: 0x1234}, bytes(0x1000))
    assert m.g[X[1].offset] == 0x1234


def test_helper_that_writes_the_state_drops_cached_values():
    b = IRBuilder()
    t1, t2 = b.temp(), b.temp()
    b.add(t1, X[1], Const(1))
    b.call(H_RW, None, Const(3))             # may write x1
    b.add(t2, X[1], Const(2))
    b.mov(X[0], t1)
    b.mov(X[2], t2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    call = [op.name for op in ops].index("call")
    assert any(X[1] in op.args for op in ops[call + 1:])     # read again from memory


def test_pure_helper_keeps_cache_and_allows_dead_store():
    b = IRBuilder()
    t = b.temp(I64)
    b.mov(X[0], Const(1))                     # dead: overwritten, a pure call between
    b.call(H_PURE, t, Const(1, I64), Const(2, I64))
    b.mov(X[0], Const(2))
    b.mov(Y[0], t)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert [op.args[1] for op in stores_to(ops, X[0])] == [Const(2)]


def test_unknown_op_is_a_barrier():
    b = IRBuilder()
    t = b.temp()
    b.mov(X[0], Const(7))                     # must reach memory before the unknown op
    b.emit("xswap", 0, 1)
    b.add(t, X[0], Const(1))                  # must not use the cached 7
    b.mov(X[2], t)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = run_ref(ops, {X[1]: 40}, bytes(0x1000))
    assert m.g[X[2].offset] == 41 and m.g[X[1].offset] == 7


def test_values_agreed_by_all_paths_survive_a_label():
    b = IRBuilder()
    l = b.label()
    t1, t2 = b.temp(), b.temp()
    b.add(t1, X[0], X[1])
    b.brcond(Cond.EQ, X[2], Const(0), l)
    b.mov(X[3], Const(9))                    # x3 differs by path, x0 does not
    b.set_label(l)
    b.add(t2, X[0], X[3])
    b.mov(X[4], t1)
    b.mov(X[5], t2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    i = [op.name for op in ops].index("label")
    after = [a for op in ops[i:] for a in op.args]
    assert X[0] not in after and X[3] in after


# ---- overlapping globals (a D register and its S halves)
def _run_bytes(ops, inputs):
    return run_ref(ops, inputs, bytes(0x1000), ByteStateMachine)


def test_half_write_does_not_kill_the_wider_store():
    """vmov d0, r0, r1; vmov.f32 s0, #imm: the D store is not dead (its high half survives)."""
    b = IRBuilder()
    b.concat(Y[0], X[0], X[1])
    b.mov(S[0], Const(0x3F800000))
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len([op for op in ops if op.args and op.args[0] is Y[0]]) == 1
    m = _run_bytes(ops, {X[0]: 0x11111111, X[1]: 0x22222222})
    assert m.read_global(Y[0]) == 0x222222223F800000


def test_wider_write_kills_the_halves():
    """Both S halves written, then the whole D: the S stores are dead."""
    b = IRBuilder()
    b.mov(S[0], X[0])
    b.mov(S[1], X[1])
    b.mov(Y[0], Y[1])
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert not stores_to(ops, S[0]) and not stores_to(ops, S[1])
    m = _run_bytes(ops, {Y[1]: 0x123456789ABCDEF0})
    assert m.read_global(Y[0]) == 0x123456789ABCDEF0


def test_one_half_write_kills_only_that_half():
    """s0 then s1 then s0 again: the first s0 store is dead, s1 stays."""
    b = IRBuilder()
    b.mov(S[0], Const(1))
    b.mov(S[1], Const(2))
    b.mov(S[0], Const(3))
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert [op.args[1] for op in stores_to(ops, S[0])] == [Const(3)]
    assert [op.args[1] for op in stores_to(ops, S[1])] == [Const(2)]


def test_read_of_a_half_keeps_the_wider_store():
    """d0 = x; r = s1; d0 = y: the first D store is read through s1, so it stays."""
    b = IRBuilder()
    t = b.temp()
    b.mov(Y[0], Y[1])
    b.mov(t, S[1])
    b.mov(Y[0], Y[2])
    b.mov(X[0], t)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert len([op for op in ops if op.args and op.args[0] is Y[0]]) == 2
    m = _run_bytes(ops, {Y[1]: 0x123456789ABCDEF0, Y[2]: 5})
    assert m.read_global(X[0]) == 0x12345678 and m.read_global(Y[0]) == 5


def test_read_of_the_wider_view_keeps_the_half_store():
    b = IRBuilder()
    t = b.temp(I64)
    b.mov(S[1], Const(7))
    b.mov(t, Y[0])
    b.mov(S[1], Const(8))
    b.mov(Y[1], t)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = _run_bytes(ops, {Y[0]: 0x123456789ABCDEF0})
    assert m.read_global(Y[1]) == 0x000000079ABCDEF0


def test_cached_half_does_not_answer_the_wide_read():
    """vmov r0, s0; vmov.f64 d1, d0: the 32-bit value loaded for s0 is not d0."""
    b = IRBuilder()
    b.mov(X[0], S[0])
    b.mov(Y[1], Y[0])
    b.mov(X[1], S[0])
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = _run_bytes(ops, {Y[0]: 0xAAAAAAAABBBBBBBB})
    assert m.read_global(Y[1]) == 0xAAAAAAAABBBBBBBB
    assert m.read_global(X[0]) == m.read_global(X[1]) == 0xBBBBBBBB


def test_write_of_a_half_drops_the_cached_wide_value():
    """d0 read (and cached), s1 written, d0 read again: from memory, not the cache."""
    b = IRBuilder()
    t1, t2 = b.temp(I64), b.temp(I64)
    b.mov(t1, Y[0])
    b.mov(S[1], Const(0x55))
    b.mov(t2, Y[0])
    b.mov(Y[1], t1)
    b.mov(Y[2], t2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = _run_bytes(ops, {Y[0]: 0x1111111122222222})
    assert m.read_global(Y[1]) == 0x1111111122222222
    assert m.read_global(Y[2]) == 0x0000005522222222


def test_write_of_the_wide_view_drops_the_cached_halves():
    b = IRBuilder()
    t1, t2 = b.temp(), b.temp()
    b.add(t1, S[0], S[1])
    b.mov(Y[0], Const(0x0000000300000004, I64))
    b.add(t2, S[0], S[1])
    b.mov(X[0], t1)
    b.mov(X[1], t2)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = _run_bytes(ops, {Y[0]: 0x0000000100000002})
    assert m.read_global(X[0]) == 3 and m.read_global(X[1]) == 7


def test_dse_keeps_a_wide_store_read_through_its_half():
    """d0 = t (cached), s0 read back from memory?  No: s0 != d0's cached value,
    so the s0 read goes to memory and the d0 store must stay, though d0 itself
    is read from the cache before being stored again."""
    b = IRBuilder()
    t, u, v = b.temp(I64), b.temp(I64), b.temp()
    b.concat(t, X[0], X[1])
    b.mov(Y[0], t)
    b.add(u, Y[0], Const(1, I64))             # served from the cache
    b.mov(v, S[1])                            # reads half of the stored d0 from memory
    b.mov(Y[0], u)
    b.mov(X[2], v)
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    m = _run_bytes(ops, {X[0]: 5, X[1]: 9})
    assert m.read_global(X[2]) == 9 and m.read_global(Y[0]) == (9 << 32) + 6


def test_dse_drops_the_halves_under_a_wide_store():
    b = IRBuilder()
    t, u = b.temp(), b.temp()
    b.add(t, X[0], Const(1))
    b.mov(S[0], t)
    b.add(u, S[0], Const(1))                  # served from the cache
    b.mov(S[1], u)
    b.mov(X[1], S[1])                         # served from the cache
    b.mov(Y[0], Y[1])                         # covers s0 and s1
    b.exit_tb(EXIT_HALT)
    ops, _ = optimize(b.ops, b.ntemps)
    assert not stores_to(ops, S[0]) and not stores_to(ops, S[1])
    m = _run_bytes(ops, {X[0]: 1, Y[1]: 0x1234})
    assert m.read_global(X[1]) == 3 and m.read_global(Y[0]) == 0x1234


def test_fold_matches_reference_semantics():
    rng = random.Random(7)
    from ir_ref import BINOPS, UNOPS
    for _ in range(3000):
        ty = rng.choice([I32, I64])
        a, c = Const(rand_val(rng, ty), ty), Const(rand_val(rng, ty), ty)
        name = rng.choice(list(BINOPS))
        d = Temp(0, ty)
        assert fold(name, d, (a, c)) & ty.mask == BINOPS[name](a.value, c.value, ty.bits) & ty.mask
        name = rng.choice([n for n in UNOPS if n not in ("ext32s", "ext32u", "extrl", "extrh")])
        assert fold(name, d, (a,)) & ty.mask == UNOPS[name](a.value, ty.bits) & ty.mask


# ------------------------------------------------------------ real ARM code
def _arm_block(words, pc=0x10000, thumb=True):
    from usermode.translate.arm.translate import translate_block
    code = b"".join(w.to_bytes(2 if thumb and w < 0x10000 else 4, "little") if not
                    (thumb and w >= 0x10000) else
                    (w >> 16).to_bytes(2, "little") + (w & 0xFFFF).to_bytes(2, "little")
                    for w in words)

    def read(addr, n):
        off = addr - pc
        if not 0 <= off <= len(code) - n:
            raise IndexError(addr)
        return code[off:off + n]
    return translate_block(read, pc, 1 if thumb else 0)


def test_arm_crc_loop_block():
    """ldrb r2,[r4],#1; eors r2,r6; cmp r4,r5; uxtb r2,r2; ldr.w r2,[r7,r2,lsl #2];
    eor.w r6,r2,r6,lsr #8; bne: the NZ of eors are dead (cmp overwrites them),
    r4 and r6 are loaded once, and only the last value of NF/ZF is stored."""
    from usermode.translate.arm.cpu import FLAG_NF, FLAG_ZF, REG
    blk = _arm_block([0xF8142B01, 0x4072, 0x42AC, 0xB2D2, 0xF8572022, 0xEA822616, 0xD1F5])
    ops, _ = optimize(blk.ir.ops, blk.ir.ntemps)
    assert len(stores_to(ops, FLAG_NF)) == 1 and len(stores_to(ops, FLAG_ZF)) == 1
    assert len(stores_to(blk.ir.ops, FLAG_NF)) == 2
    for r in (4, 6):
        assert sum(1 for op in ops for a in op.args[1:] if a is REG[r]) == 1
    assert len(ops) < len(blk.ir.ops) + 4


def test_fp_slow_path_drops_only_the_global_its_mode_writes():
    """An fp op whose FPMode names the one global its slow path writes
    (ARM: the FPSCR word) keeps the other cached values (D registers) and
    drops that global's; with no `writes`, every cached value goes."""
    from usermode.translate.ir import FPMode
    status = X[7]
    for writes, kept in ((status, True), (None, False)):
        m = FPMode("t", H_RW, guard=status, guard_mask=1, writes=writes)
        b = IRBuilder()
        t1, t2, t3 = b.temp(I64), b.temp(I64), b.temp()
        b.add(t3, status, Const(1))               # caches the status word
        b.fadd(Y[0], Y[1], Y[2], m)
        b.fmul(t1, Y[1], Y[0], m)                 # Y[1], Y[0]: cached?
        b.add(t2, status, Const(2))               # never from the cache
        b.mov(X[0], t3)
        b.mov(Y[3], t1)
        b.mov(X[1], t2)
        b.exit_tb(EXIT_HALT)
        ops, _ = optimize(b.ops, b.ntemps)
        fmul = next(op for op in ops if op.name == "fmul")
        assert (Y[1] not in fmul.args and Y[0] not in fmul.args) is kept, ops
        i = ops.index(fmul)
        assert any(status in op.args[1:] for op in ops[i:]), ops   # re-read from memory

"""x86/addrfold.py: an add of a constant offset right before a load or store
becomes the access's displacement.  Which pairs fold (IR level), and that
folded accesses read and write what the unfolded ones do (run natively)."""
import pytest

from usermode.translate.ir import EXIT_HALT, I32, I64, MO_UB, MO_UL, Const, IRBuilder, MemOp
from usermode.translate.x86.addrfold import MAX_DISP, fold_addresses

from test_codegen import HIGH_PAGE, MEM_BASE, X, Y, Harness


def names(ops):
    return [op.name for op in ops]


def test_add_then_load_folds():
    b = IRBuilder()
    t = b.temp(I32)
    b.add(t, X[0], Const(8))
    b.ld(MO_UL, X[1], t)
    b.exit_tb(EXIT_HALT)
    out = fold_addresses(b.ops)
    assert names(out) == ["ld_disp", "exit_tb"]
    assert out[0].args == (MO_UL, X[1], X[0], 8)


def test_add_then_store_folds():
    b = IRBuilder()
    t = b.temp(I32)
    b.add(t, X[0], Const(MAX_DISP - 1))
    b.st(MO_UB, X[1], t)
    b.exit_tb(EXIT_HALT)
    assert fold_addresses(b.ops)[0].args == (MO_UB, X[1], X[0], MAX_DISP - 1)


@pytest.mark.parametrize("case", ["negative", "too_far", "used_again", "not_adjacent",
                                  "stored_value", "i64", "const_base"])
def test_what_does_not_fold(case):
    b = IRBuilder()
    ty = I64 if case == "i64" else I32
    t = b.temp(ty)
    off = {"negative": 0xFFFFFFFC, "too_far": MAX_DISP}.get(case, 4)
    base = Const(0x1000) if case == "const_base" else (Y[0] if ty is I64 else X[0])
    b.add(t, base, Const(off, ty))
    if case == "not_adjacent":
        b.mov(X[3], Const(1))
    if case == "stored_value":
        b.st(MO_UL, t, t)
    else:
        b.ld(MO_UL, X[1], t)
    if case == "used_again":
        b.mov(X[2], t)
    b.exit_tb(EXIT_HALT)
    assert fold_addresses(b.ops) == b.ops


@pytest.fixture(scope="module")
def h():
    harness = Harness()
    yield harness
    harness.close()


@pytest.mark.parametrize("m", [MemOp(1), MemOp(2, True), MemOp(4), MemOp(8)], ids=str)
def test_folded_accesses_run(h, m):
    """Loads and stores at base + offset, offsets up to MAX_DISP, bases in
    registers (zero-extended: >= 2^31 too) and in memory (globals)."""
    data = bytes((i * 37 + 11) & 0xFF for i in range(0x1000))
    h.mem.write(MEM_BASE, data)
    h.mem.write(HIGH_PAGE, data[:0x1000])
    offsets = [0, 1, 7, 0x7F0, 0xFF0]
    b = IRBuilder()
    base = b.temp(I32)
    b.mov(base, X[0])                          # a temp base (in a host register)
    for k, off in enumerate(offsets[:3]):
        t = b.temp(I32)
        b.add(t, base, Const(off))
        b.ld(m, Y[k] if m.size == 8 else X[k + 1], t)
    t = b.temp(I32)
    b.add(t, X[7], Const(offsets[3]))          # a global base, >= 2^31
    b.ld(m, Y[4] if m.size == 8 else X[4], t)
    t = b.temp(I32)
    b.add(t, base, Const(offsets[4]))
    b.st(m, Y[5] if m.size == 8 else X[5], t)  # store, then read back through the mem map
    b.exit_tb(EXIT_HALT)
    assert names(fold_addresses(b.ops)).count("ld_disp") == 4
    pc, _, _ = h.commit(b)
    assert h.run(pc, {X[0]: MEM_BASE, X[7]: HIGH_PAGE, X[5]: 0x8899AABB,
                      Y[5]: 0x1122334455667788}) == EXIT_HALT

    def mem_value(raw):
        v = int.from_bytes(raw, "little")
        if m.signed and v >> (8 * m.size - 1):
            v -= 1 << (8 * m.size)
        return v

    def got(k):
        return h.st.get("y", k) if m.size == 8 else h.st.get("x", k + 1)
    for k, off in enumerate(offsets[:3]):
        assert got(k) & 0xFFFFFFFF == mem_value(data[off:off + m.size]) & 0xFFFFFFFF
    assert got(4 if m.size == 8 else 3) & 0xFFFFFFFF == \
        mem_value(data[offsets[3]:offsets[3] + m.size]) & 0xFFFFFFFF
    stored = (0x1122334455667788 if m.size == 8 else 0x8899AABB) & ((1 << (8 * m.size)) - 1)
    assert int.from_bytes(h.mem.read(MEM_BASE + offsets[4], m.size), "little") == stored

"""The IR's vector op table and the C reference implementation agree
(numbering shared by ir.vec_opcode and neon_helpers.c), and spot checks of
the reference on known values, called directly through cffi on a fake CPU
state (no guest, no code generator)."""
import struct

import pytest

from usermode.translate.ir import VEC_OPS, vec_opcode

rt = pytest.importorskip("usermode.translate._runtime", reason="the native runtime is not built")
ffi, lib = rt.ffi, rt.lib
FPSCR, QC = 8, 1 << 27           # where the fake state keeps its FPSCR word


def test_numbering_matches_the_c_reference():
    assert lib.neon_op_count() == len(VEC_OPS)
    for k, name in enumerate(VEC_OPS):
        assert ffi.string(lib.neon_op_name(k)).decode() == name


def run(op, e, n, a, b=b"", d=b"", i=0):
    """neon_vop on a 256-byte state: a at 64, b at 96, d at 128."""
    buf = ffi.new("uint8_t[256]")
    mem = ffi.buffer(buf)
    mem[64:64 + len(a)] = a
    mem[96:96 + len(b)] = b
    mem[128:128 + len(d)] = d
    lib.neon_configure(FPSCR, QC, 1 << 7)
    try:
        lib.neon_vop(buf, vec_opcode(op, e, n), 128, 64, 96 if b else 0, i)
    finally:
        lib.neon_configure(0, QC, 1 << 7)
    fpscr = struct.unpack_from("<I", mem, FPSCR)[0]
    return bytes(mem[128:128 + 16]), fpscr


def h(*vals, size=2):
    return b"".join((v & ((1 << 8 * size) - 1)).to_bytes(size, "little") for v in vals)


def test_saturating_add_sets_qc():
    out, fpscr = run("qadd_s", 2, 8, h(0x7FFF, 1, -5, -0x8000), h(1, 2, 3, -1))
    assert out[:8] == h(0x7FFF, 3, -2, -0x8000)
    assert fpscr & QC


def test_rounding_shift_by_register():
    out, fpscr = run("rshl_s", 1, 8, bytes([0x7F, 0x81, 5, 6, 7, 8, 9, 10]),
                     bytes([0xFF, 0xFF, 0xFE, 7, 8, 0x80, 0, 0xF8]))
    assert out[:8] == bytes([0x40, 0xC1, 1, 0, 0, 0, 9, 0]) and not fpscr & QC


def test_qdmulh_min_times_min():
    out, fpscr = run("qdmulh", 4, 8, h(-0x80000000, 0x40000000, size=4),
                     h(-0x80000000, 0x40000000, size=4))
    assert out[:8] == h(0x7FFFFFFF, 0x20000000, size=4) and fpscr & QC


def test_table_lookup():
    table = bytes(range(100, 124))
    out, _ = run("tbx", 1, 8, bytes([0, 23, 24, 255, 5, 16, 1, 2]), table,
                 d=bytes([9] * 8), i=24)
    assert out[:8] == bytes([100, 123, 9, 9, 105, 116, 101, 102])


def test_standard_fp_flushes_denormals():
    f = lambda *v: struct.pack(f"<{len(v)}f", *v)
    out, fpscr = run("fadd", 4, 8, struct.pack("<II", 0x00000001, 0x3F800000), f(0.0, 1.0))
    assert out[:8] == struct.pack("<II", 0, 0x40000000)
    assert fpscr & (1 << 7)                   # IDC

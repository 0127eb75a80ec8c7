"""The ARM block loop prefetches a block's code with one read_code call; the
IR and the place of a fetch fault must be what per-instruction reads give."""
import pytest

from usermode.translate.arm.translate import translate_block

NOP_A32 = bytes.fromhex("0000a0e1")      # mov r0, r0
NOP_T16 = bytes.fromhex("00bf")          # nop
BL_T32 = bytes.fromhex("00f000f8")       # bl (a 32-bit Thumb encoding)


def reader(base, code, calls=None):
    """read_code over code at base: faults outside it (like the engine)."""
    def read(addr, n):
        if calls is not None:
            calls.append((addr, n))
        if addr < base or addr + n > base + len(code):
            raise OSError(f"fault at {addr:#x}")
        return code[addr - base:addr - base + n]
    return read


def per_insn(read):
    """The same reader refusing reads longer than one instruction: no prefetch."""
    def r(addr, n):
        if n > 4:
            raise OSError("no prefetch")
        return read(addr, n)
    return r


@pytest.mark.parametrize("thumb,code", [(0, NOP_A32 * 3), (1, NOP_T16 * 5),
                                        (1, NOP_T16 + BL_T32[:2])])
def test_fetch_fault_ends_the_block_where_it_did(thumb, code):
    base = 0x10000
    calls = []
    blk = translate_block(reader(base, code, calls), base, thumb, lookup=False)
    ref = translate_block(per_insn(reader(base, code)), base, thumb, lookup=False)
    assert blk.insns == ref.insns and blk.end == ref.end
    assert blk.ir.dump() == ref.ir.dump()
    assert calls[0][1] > 4          # the prefetch was tried


def test_t32_straddling_a_page_end_reads_its_second_halfword():
    page = 0x11000
    code = NOP_T16 * 3 + BL_T32[:2]
    base = page - len(code)
    calls = []
    read = reader(base, code + BL_T32[2:], calls)
    blk = translate_block(read, base, 1, lookup=False)
    ref = translate_block(per_insn(read), base, 1, lookup=False)
    assert blk.insns == ref.insns and blk.ir.dump() == ref.ir.dump()
    assert blk.insns[-1] == (page - 2, 0xF000F800, 4)
    assert calls[0] == (base, len(code))            # the prefetch stops at the page end
    assert (page, 2) in calls


def test_first_insn_fault_is_an_exec_fault():
    blk = translate_block(reader(0x20000, b""), 0x20000, 0, lookup=False)
    ref = translate_block(per_insn(reader(0x20000, b"")), 0x20000, 0, lookup=False)
    assert blk.insns == [] and blk.ir.dump() == ref.ir.dump()

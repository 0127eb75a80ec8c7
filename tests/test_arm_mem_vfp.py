"""VFP register moves, loads and stores (trans_vfp_move) in A32 and T32, run
under qemu-arm and pyqemu and compared (see test_arm_mem_harness.py)."""
from __future__ import annotations

from test_arm_mem_harness import MemCase, check_batch, needs_tools

from usermode.translate.arm.trans_vfp_move import vfp_expand_imm

REGS = {"r1": "buf+64", "r2": 8, "r4": 0x3FC00000, "r5": 0x80000001, "r6": 0xF3C00000}

COMMON = [
    "vldr s0, [r1]", "vldr s1, [r1, #-4]", "vldr s31, [r1, #1020]", "vldr d2, [r1, #8]",
    "vldr d17, [r1, #-16]", "vldr d31, [r1, #4]", "vstr s3, [r1, #12]", "vstr s30, [r1, #-12]",
    "vstr d1, [r1, #-8]", "vstr d16, [r1, #16]", "vldr s2, [sp, #8]",
    "vldr d0, 1f\n b 2f\n .align 3\n1: .word 0x11111111, 0x22222222\n2:",
    "vldr s5, 1f\n b 2f\n .align 2\n1: .word 0x3f800000\n2:",
    "nop\n vldr d3, 1f\n b 2f\n .align 3\n1: .word 0x33333333, 0x44444444\n2:",
    "vldmia r1, {s0-s3}", "vldmia r1!, {s7-s12}", "vldmia r1!, {d4-d7}", "vldmia r1, {d30-d31}",
    "vldmdb r1!, {s5-s9}", "vldmdb r1!, {d0-d15}", "vldmia r1!, {d16-d31}",
    "vstmia r1, {s1-s2}", "vstmia r1!, {d16-d19}", "vstmdb r1!, {s2}", "vstmdb r1!, {d8-d9}",
    "vpush {d8-d11}", "vpop {d8-d9}", "vpush {s1-s3}\n vpop {s5-s7}", "vpush {d0}\n vpop {d31}",
    "vmov r0, s3", "vmov r0, s31", "vmov s4, r4", "vmov s17, r5", "vmov r0, r2, d5",
    "vmov r3, r0, d31", "vmov d6, r4, r5", "vmov d20, r5, r4", "vmov r6, r7, s6, s7",
    "vmov r7, r6, s30, s31", "vmov s8, s9, r4, r5", "vmov s29, s30, r5, r4",
    "vmov.f32 s0, s1", "vmov.f32 s31, s4", "vmov.f64 d0, d17", "vmov.f64 d30, d2",
    "vmov.f32 s0, #1.5", "vmov.f32 s31, #-0.125", "vmov.f64 d1, #-2.0", "vmov.f64 d18, #31.0",
    "vmrs r0, fpscr", "vmsr fpscr, r6\n vmrs r3, fpscr", "vmsr fpscr, r6\n vmrs APSR_nzcv, fpscr",
    "vmrs APSR_nzcv, fpscr",
    "vmov.32 r0, d3[1]", "vmov.32 r0, d3[0]", "vmov.32 r0, d20[1]", "vmov.32 d3[0], r4",
    "vmov.32 d19[1], r5", "vmov.u8 r0, d2[5]", "vmov.s8 r0, d2[7]", "vmov.u8 r0, d17[0]",
    "vmov.s16 r0, d2[3]", "vmov.u16 r0, d31[1]", "vmov.s16 r0, d5[0]", "vmov.8 d2[7], r5",
    "vmov.8 d2[0], r4", "vmov.16 d2[2], r5", "vmov.16 d25[3], r4",
]
ARM_ONLY = [
    "vldr d2, [pc, #-4]", "fldmiax r1!, {d0-d2}", "fstmdbx r1!, {d3-d4}", "fstmiax r1, {d5}",
    "vmoveq.f64 d0, d1", "vldrne s0, [r1]", "vmovcs r0, r2, d5",
]
THUMB_ONLY = [
    "it eq\n vmoveq.f64 d0, d1", "it ne\n vldrne s0, [r1]", "ite cs\n vmovcs r0, r2, d5\n vmovcc d4, r5, r6",
]


def mk(snippets, thumb):
    out = []
    for s in snippets:
        for apsr, fpscr in ((0, 0), (0x60000000, 0xA0000000)):
            out.append(MemCase(s, thumb=thumb, apsr=apsr, fpscr=fpscr, regs=dict(REGS)))
    return out


@needs_tools
def test_vfp_moves_arm():
    check_batch(mk(COMMON + ARM_ONLY, False))


@needs_tools
def test_vfp_moves_thumb():
    check_batch(mk(COMMON + THUMB_ONLY, True))


def test_vfp_expand_imm():
    import struct
    for imm8, value in ((0x78, 1.5), (0x00, 2.0), (0x80, -2.0), (0xC0, -0.125), (0x70, 1.0), (0x3F, 31.0),
                        (0x40, 0.125)):
        assert struct.unpack("<f", struct.pack("<I", vfp_expand_imm(imm8, False)))[0] == value
        assert struct.unpack("<d", struct.pack("<Q", vfp_expand_imm(imm8, True)))[0] == value

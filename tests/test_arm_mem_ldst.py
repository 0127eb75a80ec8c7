"""Loads and stores (single, dual, multiple, exclusive, swap) in A32, T32 and
T16: each snippet runs under qemu-arm and under pyqemu's engine and the
final registers, flags, VFP registers and memory must agree
(see test_arm_mem_harness.py)."""
from __future__ import annotations

from test_arm_mem_harness import MemCase, check_batch, needs_tools

B = {"r1": "buf+64", "r2": 8, "r3": "buf+128", "r4": 3, "r5": -4}


def cases(snippets, thumb, regs=B):
    """{T} in a snippet is the Thumb bit of a code address in that state."""
    return [MemCase(s.replace("{T}", "1" if thumb else "0"), thumb=thumb, regs=dict(regs))
            for s in snippets]


# unified syntax valid in ARM and Thumb
COMMON = [
    "ldr r0, [r1]", "ldr r0, [r1, #4]", "ldr r0, [r1, #-4]", "ldr r0, [r1, #4]!",
    "ldr r0, [r1], #4", "ldr r0, [r1], #-8", "ldr r0, [r1, #-12]!", "ldr r0, [r1, r2]",
    "ldr r0, [r1, r4, lsl #2]", "ldr r0, [r1, #1]", "ldr r0, [r1, #3]",
    "ldrb r0, [r1]", "ldrb r0, [r1, #5]", "ldrb r0, [r1, #-5]", "ldrb r0, [r1, #1]!",
    "ldrb r0, [r1], #1", "ldrb r0, [r1, r2]", "ldrb r0, [r1, r4, lsl #1]",
    "ldrh r0, [r1, #6]", "ldrh r0, [r1, #-6]", "ldrh r0, [r1, #2]!", "ldrh r0, [r1], #-2",
    "ldrh r0, [r1, r2]", "ldrh r0, [r1, #1]",
    "ldrsb r0, [r1, #7]", "ldrsb r0, [r1, #-7]", "ldrsb r0, [r1, r2]", "ldrsb r0, [r1], #3",
    "ldrsh r0, [r1, #10]", "ldrsh r0, [r1, #-10]!", "ldrsh r0, [r1, r2]", "ldrsh r0, [r1], #2",
    "str r0, [r1]", "str r0, [r1, #8]", "str r0, [r1, #-8]", "str r0, [r1, #4]!",
    "str r0, [r1], #-4", "str r0, [r1, r2]", "str r0, [r1, r4, lsl #3]", "str r0, [r1, #2]",
    "strb r0, [r1, #3]", "strb r0, [r1, #-3]!", "strb r0, [r1], #1", "strb r0, [r1, r2]",
    "strh r0, [r1, #6]", "strh r0, [r1, #-6]", "strh r0, [r1, #2]!", "strh r0, [r1], #2",
    "strh r0, [r1, r2]", "strh r0, [r1, #1]",
    "ldrd r6, r7, [r1]", "ldrd r6, r7, [r1, #8]", "ldrd r6, r7, [r1, #-8]",
    "ldrd r6, r7, [r1, #16]!", "ldrd r6, r7, [r1], #-16", "ldrd r6, r7, [r1, #4]",
    "strd r6, r7, [r1]", "strd r6, r7, [r1, #8]", "strd r6, r7, [r1, #-8]!",
    "strd r6, r7, [r1], #24",
    "ldr r0, [sp]", "ldr r0, [sp, #8]", "str r1, [sp, #-4]!", "ldr r0, [sp], #4",
    "push {r3}", "pop {r3}",
    # literals (r15 base; Thumb uses Align(PC, 4))
    "ldr r0, 1f\n b 2f\n .align 2\n1: .word 0xcafef00d\n2:",
    "ldrh r0, 1f\n b 2f\n .align 2\n1: .word 0xcafef00d\n2:",
    "ldrsb r0, 1f\n b 2f\n .align 2\n1: .word 0xcafef08d\n2:",
    "ldrsh r0, 1f\n b 2f\n .align 2\n1: .word 0xcafe808d\n2:",
    "ldrb r0, 1f\n b 2f\n .align 2\n1: .word 0xcafef00d\n2:",
    "ldrd r6, r7, 1f\n b 2f\n .align 3\n1: .word 0x11223344, 0x55667788\n2:",
    "nop\n ldr r0, 1f\n b 2f\n .align 2\n1: .word 0x12345678\n2:",
    "ldr r0, =0x87654321",
    # loads into pc: interworking branch
    "ldr r2, =1f+{T}\n str r2, [r1]\n ldr pc, [r1]\n ldr r0, =0xdead\n1:",
    "ldr r2, =1f+{T}\n str r2, [r1, #4]\n ldr pc, [r1, #4]!\n ldr r0, =0xdead\n1:",
]

ARM_ONLY = [
    "ldr r0, [r1, -r2]", "ldr r0, [r1, -r2]!", "ldr r0, [r1], r2", "ldr r0, [r1], -r2",
    "ldr r0, [r1, r2, lsr #1]", "ldr r0, [r1, r5, asr #1]", "ldr r0, [r1, r2, ror #31]",
    "ldr r0, [r1, r2, rrx]", "ldr r0, [r1, r4, lsl #2]!", "ldr r0, [r1, r4, lsr #32]",
    "ldrb r0, [r1, -r2]", "ldrb r0, [r1], -r4", "strb r0, [r1, r4, lsl #4]!",
    "ldrh r0, [r1, -r2]", "ldrh r0, [r1, r2]!", "ldrh r0, [r1], -r2",
    "ldrsb r0, [r1, -r2]!", "ldrsh r0, [r1], r2", "strh r0, [r1, -r2]!", "strh r0, [r1], r4",
    "ldrd r6, r7, [r1, r2]", "ldrd r6, r7, [r1, -r2]!", "ldrd r6, r7, [r1], r2",
    "strd r6, r7, [r1, r2]", "strd r6, r7, [r1, -r2]", "strd r6, r7, [r1], -r2",
    "str pc, [r1]", "str pc, [r1, #4]!",
    "ldrt r0, [r1], #4", "ldrt r0, [r1], -r2", "ldrbt r0, [r1], #-3", "strt r0, [r1], #8",
    "strbt r0, [r1], r2", "ldrht r0, [r1], #2", "ldrsbt r0, [r1], #-1", "ldrsht r0, [r1], r2",
    "strht r0, [r1], #-2",
    "ldr r0, [r1, #4095]", "ldrb r0, [r1, #-4095]",
    # the loaded value wins over the writeback
    "ldr r1, [r1, #4]!", "ldr r1, [r1], #4",
    "ldr r0, [r15, #-8]", "ldr r0, [pc, r2]",
    "ldrd r6, r7, [pc, #-8]",
    "ldr r2, =1f+1\n str r2, [r1]\n ldr pc, [r1]\n .thumb\n1: ldr r0, =0xbeef\n"
    " .align 2\n bx pc\n nop\n .arm\n",
]

THUMB_ONLY = [
    # T16 forms
    "ldr r0, [r1, #124]", "ldrb r0, [r1, #31]", "ldrh r0, [r1, #62]", "str r0, [r1, #124]",
    "strb r0, [r1, #31]", "strh r0, [r1, #62]", "ldr r0, [sp, #1020]", "str r0, [sp, #16]",
    "ldr r0, [r3, r2]", "ldrsh r0, [r3, r2]", "strh r0, [r3, r2]",
    # T32 immediate forms
    "ldr.w r0, [r1, #4095]", "ldr r0, [r1, #-255]", "ldrb.w r0, [r1, #2000]",
    "ldrsb.w r0, [r1, #-100]", "ldrsh.w r0, [r1, #-30]", "ldrh.w r0, [r1, #1000]",
    "str.w r0, [r1, #-255]!", "strh.w r0, [r1], #255", "strb.w r0, [r1, #-1]",
    "ldr r0, [r1, r2, lsl #3]", "ldrsh.w r0, [r1, r2, lsl #1]", "strb.w r0, [r1, r4, lsl #2]",
    # unprivileged forms: [rn, #imm8], no writeback
    "ldrt r0, [r1, #4]", "ldrbt r0, [r1, #3]", "ldrht r0, [r1, #2]", "ldrsbt r0, [r1, #1]",
    "ldrsht r0, [r1, #6]", "strt r0, [r1, #8]", "strbt r0, [r1, #9]", "strht r0, [r1, #10]",
    # the loaded value wins over the writeback (raw encodings: gas refuses them)
    ".inst.w 0xf8511f04", ".inst.w 0xf8511b04", ".inst.w 0xf8311d02",
    "ldrd r6, r8, [r1, #-1020]", "strd r6, r8, [r1, #1020]", "ldrd r0, r1, [r1]",
    "ldr.w r0, 1f\n b 2f\n .align 2\n1: .word 0x0badf00d\n2:",
    "ldr r0, [pc, #-0]\n b 2f\n .align 2\n .word 0x0badf00d\n2:",
    "ldr.w r0, [pc, #-4]\n b 2f\n .align 2\n .word 0x0badf00d\n2:",
    # load to pc switching to ARM and back
    "ldr r2, =1f\n str r2, [r1]\n ldr pc, [r1]\n .arm\n .align 2\n1: ldr r0, =0xbeef\n"
    " ldr r2, =2f+1\n bx r2\n .thumb\n2:",
]

LDM_COMMON = [
    "ldmia r1!, {r2, r4, r6}", "ldmia r1, {r0, r2-r7}", "ldmdb r1!, {r2-r5}", "ldmdb r1, {r6, r7}",
    "stmia r1!, {r2-r4}", "stmia r1, {r0, r2, r4, r6}", "stmdb r1!, {r2-r7}", "stmdb r1, {r3}",
    "push {r0-r3, lr}", "pop {r4-r7}", "push {r0}\n pop {r2}",
    "push {r4-r11, lr}\n ldr r4, =0\n pop {r4-r11}\n pop {r0}",
    "ldm r1, {r0, r1, r2}", "ldm r1, {r1, r2}",
    "ldr r0, =1f+{T}\n push {r0}\n pop {pc}\n ldr r0, =0xdead\n1:",
    "ldr r2, =1f+{T}\n push {r0-r2}\n pop {r0, r1, pc}\n ldr r0, =0xdead\n1:",
]

LDM_ARM_ONLY = [
    "ldmib r1!, {r2-r5}", "ldmib r1, {r0, r7}", "ldmda r1!, {r2-r5}", "ldmda r1, {r0, r7}",
    "stmib r1!, {r2-r4}", "stmda r1!, {r2-r4}", "stmda r1, {r0, r7, r12}",
    "stmia r1, {r0, pc}", "stmia r1!, {r0, r1}", "stmia r1!, {r1, r2}",
    "stmdb sp!, {r0-r12, lr}\n ldmia sp!, {r0-r12, lr}",
    "ldr r0, =1f+1\n push {r0}\n pop {pc}\n .thumb\n1: ldr r0, =0xbeef\n"
    " .align 2\n bx pc\n nop\n .arm\n",
]

LDM_THUMB_ONLY = [
    "ldmia r1!, {r2, r3}", "ldmia r1, {r1, r2, r3}", "stmia r1!, {r0, r2}",
    "ldmia.w r1!, {r2-r9}", "stmdb.w r1!, {r2-r12, lr}", "ldmdb.w r1, {r0, r8}",
    "push.w {r4-r11, lr}\n pop.w {r4-r11}\n pop {r0}", "push.w {r8}\n pop.w {r9}",
    "ldr r0, =1f\n push {r0}\n pop {pc}\n .arm\n .align 2\n1: ldr r0, =0xbeef\n"
    " ldr r2, =2f+1\n bx r2\n .thumb\n2:",
]

EXCL_COMMON = [
    "ldrex r0, [r1]\n strex r2, r4, [r1]",
    "ldrex r0, [r1]\n add r1, r1, #4\n strex r2, r4, [r1]",
    "clrex\n strex r2, r4, [r1]",
    "ldrex r0, [r1]\n clrex\n strex r2, r4, [r1]",
    "ldrex r0, [r1]\n str r4, [r1]\n strex r2, r5, [r1]",
    "ldrex r0, [r1]\n str r0, [r1]\n strex r2, r5, [r1]",
    "ldrex r0, [r1]\n strex r2, r4, [r1]\n strex r6, r5, [r1]",
    "ldrexb r0, [r1]\n strexb r2, r4, [r1]", "ldrexh r0, [r1]\n strexh r2, r5, [r1]",
    "ldrexb r0, [r3]\n strexb r2, r4, [r3]",
    "ldrexd r6, r7, [r1]\n strexd r2, r4, r5, [r1]",
    "ldrexd r6, r7, [r1]\n str r4, [r1, #4]\n strexd r2, r4, r5, [r1]",
    "ldrex r0, [r1]\n strexh r2, r5, [r1]",
    "dmb ish\n dsb sy\n isb",
    "dmb\n ldrex r0, [r1]\n dmb\n strex r2, r4, [r1]\n dmb",
]

EXCL_ARM_ONLY = [
    "swp r0, r4, [r1]", "swpb r0, r4, [r1]", "swp r0, r0, [r1]",
    "mcr p15, 0, r0, c7, c10, 5\n mcr p15, 0, r0, c7, c10, 4\n mcr p15, 0, r0, c7, c5, 4",
]

EXCL_THUMB_ONLY = [
    "ldrex r0, [r1, #8]\n strex r2, r4, [r1, #8]", "ldrex r0, [r1, #1020]\n strex r2, r4, [r1, #1020]",
]


@needs_tools
def test_ldst_arm():
    check_batch(cases(COMMON + ARM_ONLY, False))


@needs_tools
def test_ldst_thumb():
    check_batch(cases(COMMON + THUMB_ONLY, True))


@needs_tools
def test_ldm_arm():
    check_batch(cases(LDM_COMMON + LDM_ARM_ONLY, False))


@needs_tools
def test_ldm_thumb():
    check_batch(cases(LDM_COMMON + LDM_THUMB_ONLY, True))


@needs_tools
def test_exclusive_arm():
    check_batch(cases(EXCL_COMMON + EXCL_ARM_ONLY, False))


@needs_tools
def test_exclusive_thumb():
    check_batch(cases(EXCL_COMMON + EXCL_THUMB_ONLY, True))

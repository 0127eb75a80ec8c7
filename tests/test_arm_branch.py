"""Branches (B, BL, BLX, BX, BXJ, CBZ/CBNZ, TBB/TBH, conditional forms) and
IT blocks, in A32, T32 and T16: each snippet runs under qemu-arm and under
pyqemu (IR interpreter and real engine) and the final state must agree
(see test_arm_mem_harness.py)."""
from __future__ import annotations

from test_arm_mem_harness import MemCase, check_batch, needs_tools

N, Z, C, V = 1 << 31, 1 << 30, 1 << 29, 1 << 28
FLAG_SETS = [0, N | Z | C | V, C, N, Z | V]     # every condition both true and false
CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"]
REGS = {"r1": "buf+64", "r4": 0, "r5": 3}


def mk(snippets, thumb, apsr=0, regs=REGS):
    return [MemCase(s.replace("{T}", "1" if thumb else "0"), thumb=thumb, apsr=apsr,
                    regs=dict(regs)) for s in snippets]


DEAD = "\n ldr r0, =0xdead\n"
COMMON = [
    "b 1f" + DEAD + "1:",
    "bl 1f" + DEAD + "1:",
    "ldr r2, =1f+{T}\n bx r2" + DEAD + "1:",
    "ldr r2, =1f+{T}\n blx r2" + DEAD + "1:",
    "ldr lr, =1f+{T}\n blx lr" + DEAD + "1:",
    "b 2f\n1: ldr r0, =0x1234\n b 3f\n2: b 1b\n3:",
    "bl 1f\n b 2f\n1: ldr r3, =0x77\n bx lr\n2:",
]
ARM_ONLY = [
    "blx 1f" + DEAD + " .thumb\n1: ldr r0, =0xbeef\n .align 2\n bx pc\n nop\n .arm\n",
    "ldr r2, =1f\n bxj r2" + DEAD + "1:",
    "ldr r2, =1f+1\n bx r2" + DEAD + " .thumb\n1: ldr r0, =0xbeef\n .align 2\n bx pc\n nop\n .arm\n",
]
THUMB_ONLY = [
    "b.n 1f" + DEAD + "1:",
    "b.w 1f" + DEAD + "1:",
    "b.w 1f\n .space 3000\n1:",
    "bl 1f\n .space 3000\n1:",
    "b 1f\n .space 3000\n1:",
    "blx 1f" + DEAD + " .arm\n .align 2\n1: ldr r0, =0xbeef\n ldr r2, =2f+1\n bx r2\n .thumb\n2:",
    "ldr r2, =1f\n bx r2" + DEAD + " .arm\n .align 2\n1: ldr r0, =0xbeef\n ldr r2, =2f+1\n bx r2\n .thumb\n2:",
    ".align 2\n bx pc\n nop\n .arm\n ldr r0, =0xbeef\n ldr r2, =2f+1\n bx r2\n .thumb\n2:",
    "cbz r4, 1f" + DEAD + "1:", "cbnz r4, 1f" + DEAD + "1:",
    "cbz r5, 1f" + DEAD + "1:", "cbnz r5, 1f" + DEAD + "1:",
]
for k in range(4):
    THUMB_ONLY.append(
        f"ldr r4, ={k}\n tbb [pc, r4]\n1: .byte (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, (5f-1b)/2\n"
        "2: ldr r0, =1\n b 6f\n3: ldr r0, =2\n b 6f\n4: ldr r0, =3\n b 6f\n5: ldr r0, =4\n6:")
    THUMB_ONLY.append(
        f"ldr r4, ={k}\n tbh [pc, r4, lsl #1]\n1: .hword (2f-1b)/2, (3f-1b)/2, (4f-1b)/2, (5f-1b)/2\n"
        "2: ldr r0, =1\n b 6f\n3: ldr r0, =2\n b 6f\n4: ldr r0, =3\n b 6f\n5: ldr r0, =4\n6:")
    THUMB_ONLY.append(
        f"ldr r4, ={k}\n adr r3, 1f\n tbb [r3, r4]\n b 6f\n .align 2\n"
        "1: .byte (2f-7f)/2, (3f-7f)/2, (4f-7f)/2, (5f-7f)/2\n"
        "7:\n2: ldr r0, =1\n b 6f\n3: ldr r0, =2\n b 6f\n4: ldr r0, =3\n b 6f\n5: ldr r0, =4\n6:")


def cond_cases(thumb):
    out = []
    for apsr in FLAG_SETS:
        for cc in CONDS:
            if thumb:
                s = [f"b{cc} 1f" + DEAD + "1:", f"b{cc}.w 1f" + DEAD + "1:",
                     f"it {cc}\n ldr{cc} r0, [r1]",
                     f"ite {cc}\n ldr{cc} r0, [r1]\n str{_inv(cc)} r1, [r1, #4]",
                     f"itet {cc}\n ldr{cc} r0, [r1]\n ldr{_inv(cc)} r2, [r1, #8]\n push{cc} {{r5}}",
                     f"it {cc}\n b{cc} 1f" + DEAD + "1:",
                     f"it {cc}\n bl{cc} 1f" + DEAD + "1:",
                     f"ldr r2, =1f+1\n it {cc}\n bx{cc} r2" + DEAD + "1:",
                     f"ldr r2, =1f+1\n it {cc}\n ldr{cc} pc, =1f+1" + DEAD + "1:"]
            else:
                s = [f"b{cc} 1f" + DEAD + "1:", f"bl{cc} 1f" + DEAD + "1:",
                     f"ldr r2, =1f\n bx{cc} r2" + DEAD + "1:",
                     f"ldr{cc} r0, [r1]\n str{cc} r5, [r1, #4]\n ldm{cc} r1, {{r6, r7}}",
                     f"ldr{cc} r0, =1f\n push{cc} {{r0}}\n pop{cc} {{pc}}\n b 2f\n1: ldr r3, =0x55\n2:"]
            out += mk(s, thumb, apsr)
    return out


def _inv(cc):
    i = CONDS.index(cc)
    return CONDS[i ^ 1]


@needs_tools
def test_branch_arm():
    check_batch(mk(COMMON + ARM_ONLY, False))


@needs_tools
def test_branch_thumb():
    check_batch(mk(COMMON + THUMB_ONLY, True))


@needs_tools
def test_conditional_arm():
    check_batch(cond_cases(False))


@needs_tools
def test_conditional_and_it_thumb():
    check_batch(cond_cases(True))

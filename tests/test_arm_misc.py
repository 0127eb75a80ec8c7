"""System and miscellaneous instructions (MRS/MSR, MRC/MCR TPIDR*, hints,
preloads, barriers, CPS, SETEND LE) in A32, T32 and T16, run under qemu-arm
and pyqemu and compared (see test_arm_mem_harness.py); the ones that stop
the program (SVC, BKPT, UDF) are checked on the IR."""
from __future__ import annotations

from test_arm_mem_harness import MemCase, check_batch, needs_tools

from usermode.translate.arm.translate import translate_block
from usermode.translate.cpustate import EXCP_BREAK, EXCP_UNDEF
from usermode.translate.ir import EXIT_EXCEPTION, EXIT_SYSCALL

REGS = {"r1": "buf+64", "r2": 8, "r4": 0xF80F0000, "r5": 0x5A5A5A5A, "r6": 0x90050000}
APSRS = [0, 0xF80F0000, 0x60050000, 0x98020000]

COMMON = [
    "mrs r0, apsr", "msr APSR_nzcvq, r4", "msr APSR_g, r4", "msr APSR_nzcvqg, r6",
    "msr APSR_nzcvq, r6\n mrs r0, apsr", "msr APSR_g, r6\n mrs r3, apsr",
    "msr CPSR_f, r6", "msr CPSR_fs, r4", "msr CPSR_fsxc, r6",
    "mrc p15, 0, r0, c13, c0, 3",
    "mcr p15, 0, r5, c13, c0, 2\n mrc p15, 0, r0, c13, c0, 2",
    "nop", "yield", "wfe", "sev",
    "pld [r1]", "pld [r1, #-4]", "pld [r1, r2]", "pld [r1, #100]", "pldw [r1]", "pldw [r1, r2]",
    "pli [r1]", "pli [r1, #-8]", "pli [r1, r2]",
    "dmb ish", "dmb sy", "dsb", "isb sy", "dmb oshst",
    "setend le", "cpsie i", "cpsid if",
]
ARM_ONLY = [
    "msr APSR_nzcvq, #0x80000000", "msr APSR_nzcvqg, #0x000f0000", "msr CPSR_f, #0x50000000",
    "mcr p15, 0, r0, c7, c10, 5", "mcr p15, 0, r0, c7, c10, 4", "mcr p15, 0, r0, c7, c5, 4",
    "pld [r1, -r2]", "pld [r1, r2, lsl #2]", "pld [pc, #8]", "pli [r1, -r2, lsr #1]",
    "mrsne r0, apsr", "msreq APSR_nzcvq, r4",
]
THUMB_ONLY = [
    "nop.w", "yield.w", "wfe.w", "sev.w", "pld [r1, #4095]", "pld [r1, r2, lsl #3]",
    "pli [r1, #4000]", "pldw [r1, #-200]", "pld 1f\n1:",
    "it eq\n mrseq r0, apsr", "ite ne\n msrne APSR_nzcvq, r4\n msreq APSR_g, r4",
]


def mk(snippets, thumb):
    return [MemCase(s, thumb=thumb, apsr=a, regs=dict(REGS)) for s in snippets for a in APSRS]


@needs_tools
def test_misc_arm():
    check_batch(mk(COMMON + ARM_ONLY, False))


@needs_tools
def test_misc_thumb():
    check_batch(mk(COMMON + THUMB_ONLY, True))


# ---- instructions that leave the block: checked on the IR -------------------------------
def _block(code: bytes, thumb: bool, pc: int = 0x8000):
    def read(addr, n):
        return code[addr - pc:addr - pc + n]
    return translate_block(read, pc, 1 if thumb else 0)


def _exit_of(blk):
    ops = blk.ir.ops
    exits = [op for op in ops if op.name in ("exit_tb", "goto_tb", "goto_ptr")]
    movs = {op.args[0].name: op.args[1].value for op in ops
            if op.name == "mov" and hasattr(op.args[0], "name") and hasattr(op.args[1], "value")}
    return exits[0], movs


def test_svc_exits_with_syscall():
    for code, thumb, size in ((b"\x00\x00\x00\xef", False, 4), (b"\x00\xdf", True, 2)):
        ex, movs = _exit_of(_block(code, thumb))
        assert ex.name == "exit_tb" and ex.args[0] == EXIT_SYSCALL
        assert movs["pc"] == 0x8000 + size


def test_bkpt_and_udf_raise():
    cases = [(b"\x70\x00\x20\xe1", False, EXCP_BREAK),           # bkpt #0
             (b"\x00\xbe", True, EXCP_BREAK),                    # bkpt #0 (T16)
             (b"\xf0\x01\xf0\xe7", False, EXCP_UNDEF),           # udf #16 (kernel's BREAKINST)
             (b"\x01\xde", True, EXCP_UNDEF),                    # udf #1 (T16)
             (b"\xf0\xf7\x00\xa0", True, EXCP_UNDEF)]            # udf.w #0 (T32)
    for code, thumb, excp in cases:
        ex, movs = _exit_of(_block(code, thumb))
        assert ex.name == "exit_tb" and ex.args[0] == EXIT_EXCEPTION
        assert movs["exception"] == excp and movs["pc"] == 0x8000


def test_rejected_encodings_are_undefined():
    cases = [("ee0d0f70", False),   # mcr p15, 0, r0, c13, c0, 3: TPIDRURO is read-only
             ("e14f0000", False),   # mrs r0, spsr
             ("f1010200", False),   # setend be
             ("eef8ba10", False),   # vmrs r11, fpexc: not at PL0
             ("ee170f10", False),   # mrc p15, 0, r0, c7, c0, 0: not user-visible
             ("e8f10006", False),   # ldm r1!, {r1, r2}^ (S bit): not in User mode
             ("bff8", True),        # it nv
             ("bfe3", True),        # it al with a 2-instruction mask
             ("e7f000f0", False)]   # udf
    for enc, thumb in cases:
        code = int(enc, 16).to_bytes(len(enc) // 2, "little")
        ex, movs = _exit_of(_block(code, thumb))
        assert ex.name == "exit_tb" and movs.get("exception") == EXCP_UNDEF, enc

"""Where the ARM risu image lives in the guest address space, and the record
layout shared with runner.S (passed to it as -D macros, so this file is the
one source of truth).

Every region is mapped at a fixed address, so pointers (the scratch window,
the PC read by PC-relative instructions) are the same under both emulators:

    CTRL      0x20000000  1 page  routine slots, the register restore block
    RUNNER    0x20080000          the runner's own text (within branch range of CODE)
    MEM_PAGE  0x20010000  2 pages the scratch window MEM (MEM_SIZE bytes) inside
    CODE      0x20100000          the generated code (CODE_PAD bytes of random
                                  data before and after, for literal loads)
    TRACE     0x21000000          the trace buffer (flushed to stdout when full)
    DATA      0x22000000          initial-state records, then the return table

A record (dumped after each step, and the format of initial states):

    0   r0..r14        15 words
    60  APSR & 0xf80f0000 (N Z C V Q, GE[3:0])
    64  FPSCR
    68  call index (which routine call wrote it; a sanity check)
    72  D0..D31        32 doublewords
    328 the scratch window, MEM_SIZE bytes

Usage::

    from usermode.risu.arm import layout as L
    L.RECORD_SIZE, hex(L.MEM)        # (584, '0x20010800')
"""
from __future__ import annotations

CTRL = 0x20000000
MEM_PAGE = 0x20010000
MEM_PAGE_SIZE = 0x2000
MEM = 0x20010800
MEM_SIZE = 256
RUNNER = 0x20080000
CODE = 0x20100000
CODE_MAX = 0x00E00000              # B.W reaches +-16 MiB from the code to the runner
CODE_PAD = 0x1000
TRACE = 0x21000000
TRACE_SIZE = 1 << 20
DATA = 0x22000000

# CTRL slots (runner.S C_*)
C_TPTR, C_TBASE, C_TLIMIT, C_IPTR, C_CALLIDX, C_RETTAB = 0, 4, 8, 12, 16, 20
CTRL_SIZE = 0x1000

# record fields (runner.S R_*)
R_REGS, R_APSR, R_FPSCR, R_IDX, R_D, R_MEM = 0, 60, 64, 68, 72, 328
RECORD_SIZE = R_MEM + MEM_SIZE
APSR_MASK = 0xF80F0000

PROT_R, PROT_W, PROT_X = 1, 2, 4

DEFINES = {"RISU_CTRL": CTRL, "RISU_MEM": MEM, "RISU_MEM_SIZE": MEM_SIZE,
           "RISU_RECORD": RECORD_SIZE}

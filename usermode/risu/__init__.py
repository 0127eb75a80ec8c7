"""risu-style instruction-level differential testing of pyqemu against qemu-arm.

Random valid guest instructions, generated from per-ISA description tables,
run on both emulators inside one small static guest program; the whole
architectural state (core registers, NZCVQ/GE, FPSCR, D0-D31, a scratch
memory window) is dumped after every instruction or short group and
compared; a difference is minimised to the single step that shows it and
reported with its encoding, capstone disassembly, input state and both
outputs.

    python -m usermode.risu --isa all --seed 1 --count 100000 --jobs 2
    python -m usermode.risu --isa t32 --only mem,ldm --count 20000
    python -m pytest tests/test_risu_quick.py        # the quick mode

ISA-neutral core (this package):

    describe.py   description notation: encoding diagrams + field domains,
                  UNPREDICTABLE/unsafe predicates, memory accesses (Mem)
    generate.py   steps, register presets that keep accesses in the window
    batch.py      run a batch on both emulators, find, shrink and re-run
    emulators.py  how qemu-arm and pyqemu are started
    report.py     printing, regression-data form of a mismatch
    regress.py    regression cases and seeds (tests/risu_regressions/)
    cli.py        the command line

ARM (arm/): layout.py (fixed guest addresses, record format), runner.S and
runner.py (the guest program, built once with arm-linux-gnueabihf-gcc),
image.py (code layout), steps.py (IT blocks, pairs, sequences), state.py
(records), target.py (what the core needs), known.py (qemu-arm deviations
from the architecture, pinned), and the tables: a32.py, t32.py, t16.py,
vfp.py, vfp_arith.py.  An AArch64 or RISC-V front end adds the same set.

How a batch runs: the runner reads an image on stdin (the generated code,
the initial states, a return table) and maps it at fixed addresses.  The
code is a chain of steps; each ends with a branch to the dump routine, which
saves the state to a trace buffer (flushed to stdout) and returns through
the return table with "ldm {r0-pc}", so no register is reserved and the
PC-relative values are the same under both emulators.  Memory operands get
their base (and index) registers from a literal pool just before the step.

Usage::

    from usermode.risu.arm.target import ArmTarget
    from usermode.risu.batch import run_batch
    res = run_batch(ArmTarget("a32"), seed=1, count=2000)
    assert res.mismatch is None
"""

"""VLD1-VLD4 / VST1-VST4 in every form (multiple structures with 1-4
registers and spacing 1/2, all lanes, single lane; every element size;
no writeback, writeback by the size (!) and by a register; ARM and Thumb)
against qemu-arm, through the NEON snippet harness."""
import pytest

from test_neon_harness import NeonCase, check, needs_tools

SIZES = (8, 16, 32)
MULTI = [  # (mnemonic, register list) for multiple structures
    ("vld1", "{d0}"), ("vld1", "{d1-d2}"), ("vld1", "{d3-d5}"), ("vld1", "{d28-d31}"),
    ("vld2", "{d0-d1}"), ("vld2", "{d2, d4}"), ("vld2", "{d4-d7}"),
    ("vld3", "{d0-d2}"), ("vld3", "{d1, d3, d5}"),
    ("vld4", "{d0-d3}"), ("vld4", "{d10, d12, d14, d16}"),
]


def _cases(thumb):
    out = []
    for op, regs in MULTI:
        for size in SIZES + ((64,) if op == "vld1" else ()):
            for wb, extra in (("", {}), ("!", {}), (", r2", {"r2": 24})):
                for kind in ("ld", "st"):
                    mn = op.replace("ld", kind)
                    asm = f"{mn}.{size} {regs}, [r0]{wb}"
                    out.append(NeonCase(asm, thumb, {"r0": "buf+16", **extra}))
    return out


@needs_tools
@pytest.mark.parametrize("thumb", [False, True], ids=["arm", "thumb"])
def test_multiple_structures(thumb):
    check(_cases(thumb))


@needs_tools
def test_all_lanes():
    cases = []
    for size in SIZES:
        for regs in ("{d0[]}", "{d1[], d2[]}"):
            cases.append(NeonCase(f"vld1.{size} {regs}, [r0]!", regs={"r0": "buf+3"}))
        cases += [NeonCase(f"vld2.{size} {{d0[], d1[]}}, [r0]", regs={"r0": "buf+5"}),
                  NeonCase(f"vld2.{size} {{d0[], d2[]}}, [r0], r2", regs={"r0": "buf+5", "r2": 7}),
                  NeonCase(f"vld3.{size} {{d3[], d4[], d5[]}}, [r0]!", regs={"r0": "buf+9"}),
                  NeonCase(f"vld3.{size} {{d3[], d5[], d7[]}}, [r0]", regs={"r0": "buf+9"}),
                  NeonCase(f"vld4.{size} {{d0[], d1[], d2[], d3[]}}, [r0]", regs={"r0": "buf+1"}),
                  NeonCase(f"vld4.{size} {{d8[], d10[], d12[], d14[]}}, [r0]!",
                           thumb=True, regs={"r0": "buf+1"})]
    check(cases)


@needs_tools
def test_single_lane():
    cases = []
    for size, lanes in ((8, (0, 5, 7)), (16, (0, 3)), (32, (0, 1))):
        for lane in lanes:
            for kind in ("ld", "st"):
                cases += [
                    NeonCase(f"v{kind}1.{size} {{d3[{lane}]}}, [r0]", regs={"r0": "buf+6"}),
                    NeonCase(f"v{kind}2.{size} {{d3[{lane}], d4[{lane}]}}, [r0]!",
                             regs={"r0": "buf+6"}),
                    NeonCase(f"v{kind}3.{size} {{d3[{lane}], d4[{lane}], d5[{lane}]}}, [r0], r2",
                             regs={"r0": "buf+6", "r2": -3}),
                    NeonCase(f"v{kind}4.{size} {{d0[{lane}], d1[{lane}], d2[{lane}], d3[{lane}]}}, [r0]",
                             thumb=True, regs={"r0": "buf+6"}),
                ]
                if size > 8:
                    cases.append(NeonCase(
                        f"v{kind}2.{size} {{d3[{lane}], d5[{lane}]}}, [r0]", regs={"r0": "buf+6"}))
                    cases.append(NeonCase(
                        f"v{kind}4.{size} {{d1[{lane}], d3[{lane}], d5[{lane}], d7[{lane}]}}, [r0]!",
                        regs={"r0": "buf+6"}))
    check(cases)


ALIGN = "add r0, r0, #31\n bic r0, r0, #31\n "


@needs_tools
def test_aligned_forms():
    """Alignment qualifiers on aligned addresses (a misaligned one is SIGBUS
    in qemu-arm: see test_misaligned_is_sigbus)."""
    check([NeonCase(ALIGN + "vld1.64 {d0-d1}, [r0:128]!", regs={"r0": "buf+32"}),
           NeonCase(ALIGN + "vst1.64 {d2-d5}, [r0:256]", regs={"r0": "buf+64"}),
           NeonCase(ALIGN + "vld2.16 {d0-d3}, [r0:128]", regs={"r0": "buf+16"}),
           NeonCase(ALIGN + "vld4.32 {d0[1], d1[1], d2[1], d3[1]}, [r0:128]", regs={"r0": "buf+16"}),
           NeonCase(ALIGN + "vld1.32 {d0[], d1[]}, [r0:32]", regs={"r0": "buf+4"})])


@needs_tools
@pytest.mark.parametrize("asm", [
    "vld1.64 {d0-d1}, [r0:128]", "vst1.8 {d0}, [r0:64]!", "vld2.16 {d0-d3}, [r0:256]",
    "vld1.32 {d0[], d1[]}, [r0:32]", "vld4.8 {d0[], d1[], d2[], d3[]}, [r0:32]",
    "vst2.16 {d0[1], d1[1]}, [r0:32]", "vld4.32 {d0[1], d1[1], d2[1], d3[1]}, [r0:128]",
])
def test_misaligned_is_sigbus(asm):
    """An alignment qualifier on a misaligned address: SIGBUS (BUS_ADRALN) at
    that instruction, in qemu-arm and pyqemu alike (the state dumped before
    the fault must agree too)."""
    import subprocess
    import sys
    import tempfile
    from test_arm_mem_harness import ROOT, build_elf, run_qemu
    cases = [NeonCase("mov r1, #1"), NeonCase(ALIGN + "add r0, r0, #2\n " + asm, regs={"r0": "buf"})]
    with tempfile.TemporaryDirectory() as wd:
        elf = build_elf(cases, wd)
        want, qrc, _ = run_qemu(elf)
        r = subprocess.run([sys.executable, "-m", "usermode", elf], capture_output=True,
                           timeout=120, cwd=ROOT)
        got, prc, perr = r.stdout, r.returncode, r.stderr.decode(errors="replace")
    assert qrc == -7, f"qemu-arm status {qrc}"
    assert prc == -7, f"pyqemu status {prc}: {perr[-600:]}"
    assert got == want

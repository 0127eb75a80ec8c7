"""Advanced SIMD integer instructions against qemu-arm: every 3-same, shift,
3-different, by-scalar and two-register-misc integer form, each element
size, D and Q registers, ARM and Thumb, run both with the inline SSE code and
with every op forced through the C reference (test_neon_harness.check).
Operands are the harness's pseudo-random D0-D31 plus explicit edge values
(saturation limits, zero, -1, MIN) loaded where an op has corner cases."""
import pytest

from test_neon_harness import NeonCase, check, load_q, needs_tools

SZ = {"8": 0, "16": 1, "32": 2, "64": 3}
EDGE8 = [0x7F, 0x80, 0xFF, 0x00, 0x01, 0x7E, 0x81, 0x40, 0xC0, 0x3F, 0xFE, 0x02, 0x80, 0x7F, 0x10, 0xF0]
EDGE16 = [0x7FFF, 0x8000, 0xFFFF, 0, 1, 0x7FFE, 0x8001, 0x4000]
EDGE32 = [0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0]
EDGE64 = [0x7FFFFFFFFFFFFFFF, 0x8000000000000000]
EDGES = {8: (EDGE8, 1), 16: (EDGE16, 2), 32: (EDGE32, 4), 64: (EDGE64, 8)}


def edge_setup(size: int) -> str:
    """q8 = edge values, q9 = the same reversed, q10 = -1/1 mix."""
    lanes, e = EDGES[size]
    return load_q(8, lanes, e) + load_q(9, lanes[::-1], e) + \
        load_q(10, [(-1 if k % 2 else 1) for k in range(16 // e)], e)


def both(asm_d: str, asm_q: str, thumb_too=True):
    out = [NeonCase(asm_d), NeonCase(asm_q)]
    if thumb_too:
        out.append(NeonCase(asm_q, thumb=True))
    return out


THREE_SAME = {  # mnemonic: allowed sizes (dt prefix)
    "vhadd": ("s8 s16 s32 u8 u16 u32"), "vrhadd": "s8 s16 s32 u8 u16 u32",
    "vhsub": "s8 s16 s32 u8 u16 u32", "vqadd": "s8 s16 s32 s64 u8 u16 u32 u64",
    "vqsub": "s8 s16 s32 s64 u8 u16 u32 u64", "vcgt": "s8 s16 s32 u8 u16 u32",
    "vcge": "s8 s16 s32 u8 u16 u32", "vmax": "s8 s16 s32 u8 u16 u32",
    "vmin": "s8 s16 s32 u8 u16 u32", "vabd": "s8 s16 s32 u8 u16 u32",
    "vaba": "s8 s16 s32 u8 u16 u32", "vadd": "i8 i16 i32 i64", "vsub": "i8 i16 i32 i64",
    "vtst": "8 16 32", "vceq": "i8 i16 i32", "vmla": "i8 i16 i32", "vmls": "i8 i16 i32",
    "vmul": "i8 i16 i32 p8", "vqdmulh": "s16 s32", "vqrdmulh": "s16 s32",
}
SHIFT_REG = {"vshl": "s8 s16 s32 s64 u8 u16 u32 u64", "vrshl": "s8 s16 s32 s64 u8 u16 u32 u64",
             "vqshl": "s8 s16 s32 s64 u8 u16 u32 u64", "vqrshl": "s8 s16 s32 s64 u8 u16 u32 u64"}
PAIRWISE = {"vpadd": "i8 i16 i32", "vpmax": "s8 s16 s32 u8 u16 u32",
            "vpmin": "s8 s16 s32 u8 u16 u32"}
LOGIC = ["vand", "vbic", "vorr", "vorn", "veor", "vbsl", "vbit", "vbif"]


@needs_tools
def test_three_same():
    cases = []
    for mn, dts in THREE_SAME.items():
        for dt in dts.split():
            cases += both(f"{mn}.{dt} d0, d5, d9", f"{mn}.{dt} q1, q3, q6")
            bits = int(dt[1:]) if dt[0] in "siup" else int(dt)
            if mn in ("vqadd", "vqsub", "vqdmulh", "vqrdmulh", "vmul", "vabd", "vhadd", "vhsub",
                      "vrhadd", "vcgt", "vcge", "vmax", "vmin"):
                cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q0, q8, q9"))
                cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q0, q8, q8"))
                cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q0, q8, q10"))
    check(cases)


@needs_tools
def test_shift_by_register():
    cases = []
    for mn, dts in SHIFT_REG.items():
        for dt in dts.split():
            bits = int(dt[1:])
            cases += both(f"{mn}.{dt} d0, d5, d9", f"{mn}.{dt} q1, q3, q6")
            counts = [-(bits + 1), -bits, -bits + 1, -1, 0, 1, bits - 1, bits, bits + 1, 127, -128]
            lanes, e = EDGES[bits]
            cnt = [counts[k % len(counts)] & 0xFF for k in range(16 // e)]
            cases.append(NeonCase(load_q(8, lanes, e) + load_q(11, cnt, e)
                                  + f"{mn}.{dt} q0, q8, q11"))
            cases.append(NeonCase(load_q(8, lanes[::-1], e) + load_q(11, cnt[::-1], e)
                                  + f"{mn}.{dt} q0, q8, q11"))
    check(cases)


@needs_tools
def test_logic_and_pairwise():
    cases = []
    for mn in LOGIC:
        cases += both(f"{mn} d0, d5, d9", f"{mn} q1, q3, q6")
        cases.append(NeonCase(f"{mn} q1, q1, q6"))
    for mn, dts in PAIRWISE.items():
        for dt in dts.split():
            cases.append(NeonCase(f"{mn}.{dt} d0, d5, d9"))
            cases.append(NeonCase(f"{mn}.{dt} d5, d5, d5", thumb=True))
    for imm in ("vmov.i8 q0, #0xab", "vmov.i16 d1, #0x1200", "vmov.i32 q2, #0x450000",
                "vmov.i32 d3, #0x12ffff", "vmov.i64 q4, #0xff00ff0000ffff00",
                "vmvn.i32 q5, #0x3400", "vmvn.i16 d6, #0x12", "vorr.i32 q7, #0x5600",
                "vbic.i16 d8, #0xff", "vmov.f32 q9, #-1.5", "vmvn.i32 d10, #0x45ffff"):
        cases.append(NeonCase(imm))
    check(cases)


SHIFT_IMM = [  # (mnemonic, dts, shift range kind)
    ("vshr", "s8 s16 s32 s64 u8 u16 u32 u64", "r"), ("vsra", "s8 s16 s32 s64 u8 u16 u32 u64", "r"),
    ("vrshr", "s8 s16 s32 s64 u8 u16 u32 u64", "r"), ("vrsra", "s8 s16 s32 s64 u8 u16 u32 u64", "r"),
    ("vsri", "8 16 32 64", "r"), ("vshl", "i8 i16 i32 i64", "l"), ("vsli", "8 16 32 64", "l"),
    ("vqshl", "s8 s16 s32 s64 u8 u16 u32 u64", "l"), ("vqshlu", "s8 s16 s32 s64", "l"),
]
NARROW = [("vshrn", "i16 i32 i64"), ("vrshrn", "i16 i32 i64"), ("vqshrn", "s16 s32 s64 u16 u32 u64"),
          ("vqrshrn", "s16 s32 s64 u16 u32 u64"), ("vqshrun", "s16 s32 s64"),
          ("vqrshrun", "s16 s32 s64")]


@needs_tools
def test_shift_by_immediate():
    cases = []
    for mn, dts, kind in SHIFT_IMM:
        for dt in dts.split():
            bits = int(dt.lstrip("siu"))
            shifts = (1, 3, bits - 1, bits) if kind == "r" else (0, 1, 5 % bits, bits - 1)
            for sh in shifts:
                cases.append(NeonCase(f"{mn}.{dt} q1, q3, #{sh}"))
            cases.append(NeonCase(f"{mn}.{dt} d2, d7, #{shifts[1]}", thumb=True))
            cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q8, q9, #{shifts[2]}"))
    for mn, dts in NARROW:
        for dt in dts.split():
            bits = int(dt.lstrip("siu"))
            for sh in (1, bits // 4, bits // 2):
                cases.append(NeonCase(f"{mn}.{dt} d1, q3, #{sh}"))
            cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} d2, q8, #1"))
    for dt in ("s8", "s16", "s32", "u8", "u16", "u32"):
        bits = int(dt[1:])
        cases += [NeonCase(f"vshll.{dt} q1, d3, #{bits - 1}"), NeonCase(f"vmovl.{dt} q2, d5"),
                  NeonCase(f"vshll.{dt[0]}{bits} q3, d3, #1", thumb=True),
                  NeonCase(f"vshll.i{bits} q4, d7, #{bits}")]
    check(cases)


LONG = {"vaddl": "s8 s16 s32 u8 u16 u32", "vsubl": "s8 s16 s32 u8 u16 u32",
        "vabdl": "s8 s16 s32 u8 u16 u32", "vabal": "s8 s16 s32 u8 u16 u32",
        "vmull": "s8 s16 s32 u8 u16 u32 p8", "vmlal": "s8 s16 s32 u8 u16 u32",
        "vmlsl": "s8 s16 s32 u8 u16 u32", "vqdmull": "s16 s32", "vqdmlal": "s16 s32",
        "vqdmlsl": "s16 s32"}
WIDE = {"vaddw": "s8 s16 s32 u8 u16 u32", "vsubw": "s8 s16 s32 u8 u16 u32"}
NARROWHI = {"vaddhn": "i16 i32 i64", "vraddhn": "i16 i32 i64", "vsubhn": "i16 i32 i64",
            "vrsubhn": "i16 i32 i64"}


@needs_tools
def test_three_different():
    cases = []
    for mn, dts in LONG.items():
        for dt in dts.split():
            cases.append(NeonCase(f"{mn}.{dt} q1, d5, d9"))
            cases.append(NeonCase(f"{mn}.{dt} q2, d4, d4", thumb=True))
            bits = int(dt[1:])
            cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q0, d16, d18"))
            cases.append(NeonCase(edge_setup(bits) + f"{mn}.{dt} q0, d16, d16"))
    for mn, dts in WIDE.items():
        for dt in dts.split():
            cases.append(NeonCase(f"{mn}.{dt} q1, q3, d9"))
            cases.append(NeonCase(f"{mn}.{dt} q4, q4, d9", thumb=True))
    for mn, dts in NARROWHI.items():
        for dt in dts.split():
            cases.append(NeonCase(f"{mn}.{dt} d1, q3, q6"))
            cases.append(NeonCase(f"{mn}.{dt} d8, q4, q4", thumb=True))
    check(cases)


BY_SCALAR = [("vmla", "i16 i32"), ("vmls", "i16 i32"), ("vmul", "i16 i32"),
             ("vqdmulh", "s16 s32"), ("vqrdmulh", "s16 s32")]
BY_SCALAR_LONG = [("vmlal", "s16 s32 u16 u32"), ("vmlsl", "s16 s32 u16 u32"),
                  ("vmull", "s16 s32 u16 u32"), ("vqdmlal", "s16 s32"), ("vqdmlsl", "s16 s32"),
                  ("vqdmull", "s16 s32")]


@needs_tools
def test_by_scalar():
    cases = []
    for mn, dts in BY_SCALAR:
        for dt in dts.split():
            bits = int(dt[1:])
            lane = 3 if bits == 16 else 1
            hi = "d7" if bits == 16 else "d15"
            cases += [NeonCase(f"{mn}.{dt} q1, q3, d2[{lane}]"), NeonCase(f"{mn}.{dt} d1, d3, d7[0]"),
                      NeonCase(f"{mn}.{dt} q1, q1, {hi}[{lane}]", thumb=True)]
            cases.append(NeonCase(edge_setup(bits) + f"vmov d7, d17\n {mn}.{dt} q0, q8, d7[1]"))
    for mn, dts in BY_SCALAR_LONG:
        for dt in dts.split():
            bits = int(dt[1:])
            cases += [NeonCase(f"{mn}.{dt} q1, d5, d2[1]"), NeonCase(f"{mn}.{dt} q2, d6, d7[0]")]
            cases.append(NeonCase(edge_setup(bits) + f"vmov d7, d17\n {mn}.{dt} q0, d16, d7[1]"))
    check(cases)


MISC = {"vrev64": "8 16 32", "vrev32": "8 16", "vrev16": "8", "vpaddl": "s8 s16 s32 u8 u16 u32",
        "vpadal": "s8 s16 s32 u8 u16 u32", "vcls": "s8 s16 s32", "vclz": "i8 i16 i32",
        "vcnt": "8", "vmvn": "", "vqabs": "s8 s16 s32", "vqneg": "s8 s16 s32",
        "vabs": "s8 s16 s32", "vneg": "s8 s16 s32"}
CMP0 = ["vcgt", "vcge", "vceq", "vcle", "vclt"]


@needs_tools
def test_two_register_misc():
    cases = []
    for mn, dts in MISC.items():
        for dt in (dts.split() or [""]):
            sfx = f".{dt}" if dt else ""
            cases += both(f"{mn}{sfx} d0, d5", f"{mn}{sfx} q1, q3")
            if dt and dt[0] in "si":
                cases.append(NeonCase(edge_setup(int(dt[1:])) + f"{mn}{sfx} q0, q8"))
    for mn in CMP0:
        for dt in ("s8", "s16", "s32"):
            cases += [NeonCase(f"{mn}.{dt} q1, q3, #0"), NeonCase(edge_setup(int(dt[1:]))
                                                                   + f"{mn}.{dt} d0, d16, #0")]
    for dt in ("i16", "i32", "i64"):
        cases += [NeonCase(f"vmovn.{dt} d1, q3")]
    for dt in ("s16", "s32", "s64", "u16", "u32", "u64"):
        cases += [NeonCase(f"vqmovn.{dt} d1, q3"),
                  NeonCase(edge_setup(int(dt[1:])) + f"vqmovn.{dt} d1, q8")]
    for dt in ("s16", "s32", "s64"):
        cases += [NeonCase(f"vqmovun.{dt} d1, q3"),
                  NeonCase(edge_setup(int(dt[1:])) + f"vqmovun.{dt} d2, q9", thumb=True)]
    cases += [NeonCase("vrecpe.u32 q0, q3"), NeonCase("vrsqrte.u32 d0, d3"),
              NeonCase(load_q(8, [0x7FFFFFFF, 0x80000000, 0xC0000000, 0x3FFFFFFF]) +
                       "vrecpe.u32 q1, q8\n vrsqrte.u32 q2, q8")]
    check(cases)


@needs_tools
def test_permutes():
    cases = []
    for mn, dts in (("vzip", "8 16 32"), ("vuzp", "8 16 32"), ("vtrn", "8 16 32")):
        for dt in dts.split():
            if dt != "32" or mn == "vtrn":
                cases.append(NeonCase(f"{mn}.{dt} d1, d6"))
            cases.append(NeonCase(f"{mn}.{dt} q1, q6"))
            cases.append(NeonCase(f"{mn}.{dt} q5, q2", thumb=True))
    cases += [NeonCase("vswp d1, d6"), NeonCase("vswp q1, q6"), NeonCase("vswp q7, q0", thumb=True)]
    for imm in (0, 1, 3, 7):
        cases.append(NeonCase(f"vext.8 d1, d3, d6, #{imm}"))
    for imm in (0, 1, 5, 8, 15):
        cases.append(NeonCase(f"vext.8 q1, q3, q6, #{imm}"))
        cases.append(NeonCase(f"vext.8 q3, q3, q3, #{imm}", thumb=True))
    cases += [NeonCase("vext.16 q1, q2, q3, #3"), NeonCase("vext.32 d1, d2, d3, #1")]
    idx = [0, 1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 40, 128, 255, 3]
    for n in range(1, 5):
        regs = ", ".join(f"d{k}" for k in range(4, 4 + n))
        cases.append(NeonCase(load_q(8, idx, 1) + f"vtbl.8 d0, {{{regs}}}, d16\n"
                              f"vtbx.8 d1, {{{regs}}}, d17"))
        cases.append(NeonCase(f"vtbl.8 d0, {{{regs}}}, d20\n vtbx.8 d2, {{{regs}}}, d21",
                              thumb=True))
    for dt, lanes in (("8", (0, 5, 7)), ("16", (0, 3)), ("32", (0, 1))):
        for lane in lanes:
            cases += [NeonCase(f"vdup.{dt} q1, d7[{lane}]"), NeonCase(f"vdup.{dt} d1, d1[{lane}]")]
        cases += [NeonCase(f"ldr r3, =0x12345678\n vdup.{dt} q2, r3"),
                  NeonCase(f"ldr r3, =0x9abcdef0\n vdup.{dt} d2, r3", thumb=True)]
    check(cases)

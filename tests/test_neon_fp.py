"""Advanced SIMD floating point against qemu-arm: every f32 form (3-same,
by scalar, compares with zero, estimates and steps, conversions to and from
integers, fixed point and binary16) over special values -- +-0, +-inf, quiet
and signalling NaNs with payloads, denormals (flushed: the standard FPSCR
value), the smallest normal and products rounding to it, the largest finite
values -- in every lane position, D and Q, ARM and Thumb; the inline SSE code
and the C reference both.

Cumulative IEEE flags are compared too (VMRS reads FPSCR as the word |
the host's accumulated flags, gen_vfp.gen_vmrs_fpscr)."""
import itertools

import pytest

from test_neon_harness import NeonCase, check, f32, load_q, needs_tools

VALUES = [0x00000000, 0x80000000, 0x3F800000, 0xBFC00000, 0x40400000, 0x3EAAAAAB, 0x7F7FFFFF,
          0xFF7FFFFF, 0x00800000, 0x80800000, 0x00000001, 0x807FFFFF, 0x7F800000, 0xFF800000,
          0x7FC00000, 0xFFC12345, 0x7F800001, 0xFF812345, 0x3F7FFFFF, 0x00800001, 0x4B800001,
          0x3F000000, 0x4F000000, 0xCF000000, 0x4F800000, 0x3F7FFFFE, 0x5F000000, 0x00400000]


MASK = 0xFFFFFFFF          # the harness routes VMRS through gen_vfp (all flags compared)


def groups(n=4):
    """(q8 lanes, q9 lanes) pairs covering many value pairs in every lane."""
    vals = VALUES
    out = []
    for shift in (0, 1, 3, 7, 11, 13):
        a = [vals[(k) % len(vals)] for k in range(len(vals))]
        b = [vals[(k * 5 + shift) % len(vals)] for k in range(len(vals))]
        for i in range(0, len(vals), n):
            out.append((a[i:i + n], b[i:i + n]))
    return out


def setup(a, b):
    return load_q(8, a) + load_q(9, b)


THREE = ["vadd", "vsub", "vabd", "vmul", "vmla", "vmls", "vceq", "vcge", "vcgt", "vacge", "vacgt",
         "vmax", "vmin", "vrecps", "vrsqrts", "vfma", "vfms"]
PAIR = ["vpadd", "vpmax", "vpmin"]


@needs_tools
@pytest.mark.parametrize("mn", THREE)
def test_three_same(mn):
    cases = [NeonCase(f"{mn}.f32 q1, q3, q6"), NeonCase(f"{mn}.f32 d1, d3, d6", thumb=True)]
    for a, b in groups():
        cases.append(NeonCase(setup(a, b) + f"vmov q0, q9\n {mn}.f32 q0, q8, q9"))
    for x, y in [(0x3F7FFFFF, 0x00800000), (0x00800000, 0x3F7FFFFF), (0x3F000000, 0x00800001),
                 (0x3F800001, 0x007FFFFF), (0x7F7FFFFF, 0x40000000), (0x00FFFFFF, 0x3F000000)]:
        cases.append(NeonCase(setup([x, y, x, f32(1.5)], [y, x, 0x3F800000, f32(-0.25)])
                              + f"vmov q0, q8\n {mn}.f32 q0, q8, q9"))
    check(cases, fpscr_mask=MASK)


@needs_tools
def test_pairwise_and_scalar():
    cases = []
    for mn in PAIR:
        cases.append(NeonCase(f"{mn}.f32 d1, d3, d6"))
        for a, b in groups(2)[:12]:
            cases.append(NeonCase(setup(a + a, b + b) + f"{mn}.f32 d0, d16, d18"))
    for mn in ("vmul", "vmla", "vmls"):
        cases += [NeonCase(f"{mn}.f32 q1, q3, d2[1]"), NeonCase(f"{mn}.f32 d1, d3, d15[0]", thumb=True)]
        for a, b in groups()[:10]:
            cases.append(NeonCase(setup(a, b) + f"vmov d7, d18\n vmov q0, q9\n {mn}.f32 q0, q8, d7[1]"))
    check(cases, fpscr_mask=MASK)


UNARY = ["vabs.f32 {d}, {m}", "vneg.f32 {d}, {m}", "vcgt.f32 {d}, {m}, #0", "vcge.f32 {d}, {m}, #0",
         "vceq.f32 {d}, {m}, #0", "vcle.f32 {d}, {m}, #0", "vclt.f32 {d}, {m}, #0",
         "vrecpe.f32 {d}, {m}", "vrsqrte.f32 {d}, {m}", "vcvt.s32.f32 {d}, {m}",
         "vcvt.u32.f32 {d}, {m}", "vcvt.f32.s32 {d}, {m}", "vcvt.f32.u32 {d}, {m}",
         "vcvt.s32.f32 {d}, {m}, #1", "vcvt.u32.f32 {d}, {m}, #16", "vcvt.s32.f32 {d}, {m}, #32",
         "vcvt.f32.s32 {d}, {m}, #3", "vcvt.f32.u32 {d}, {m}, #32"]


@needs_tools
@pytest.mark.parametrize("form", UNARY, ids=[u.split()[0] + u.split()[-1] for u in UNARY])
def test_unary(form):
    cases = [NeonCase(form.format(d="q1", m="q3")), NeonCase(form.format(d="d1", m="d7"), thumb=True)]
    extra = [f32(x) for x in (0.5, -0.5, 1.5, 2.5, -1.0, 65535.5, 2147483647.0, 2147483648.0,
                              -2147483648.0, -2147483904.0, 4294967040.0, 4294967296.0, 1e-3,
                              3e9, -3e9, 123456.789)]
    for a, _b in groups() + [(extra[i:i + 4], None) for i in range(0, len(extra), 4)]:
        cases.append(NeonCase(load_q(8, a) + form.format(d="q0", m="q8")))
    ints = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x01000001, 0x00FFFFFF, 0x12345679]
    cases.append(NeonCase(load_q(8, ints[:4]) + form.format(d="q0", m="q8")))
    cases.append(NeonCase(load_q(8, ints[4:]) + form.format(d="q0", m="q8")))
    check(cases, fpscr_mask=MASK)


@needs_tools
def test_half_precision():
    cases = [NeonCase("vcvt.f16.f32 d1, q3"), NeonCase("vcvt.f32.f16 q1, d3")]
    for a, _b in groups():
        cases.append(NeonCase(load_q(8, a) + "vcvt.f16.f32 d0, q8"))
    halves = [0x0000, 0x8000, 0x3C00, 0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, 0xFC00, 0x7E00,
              0x7C01, 0xFD23, 0x3555, 0xC000, 0x8001, 0x7FFF]
    for k in range(0, 16, 4):
        lanes = halves[k:k + 4] * 2
        cases.append(NeonCase(load_q(8, lanes, 2) + "vcvt.f32.f16 q0, d16"))
        cases.append(NeonCase(load_q(8, lanes, 2) + "vcvt.f32.f16 q0, d16", fpscr=1 << 26))
    check(cases, fpscr_mask=MASK)


@needs_tools
def test_rounding_mode_is_ignored():
    """Vector float ops use round-to-nearest whatever FPSCR.RMode says, and
    flush denormals whatever FPSCR.FZ says."""
    cases = []
    for mode in (1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25):
        for mn in ("vadd", "vmul", "vsub", "vmla"):
            cases.append(NeonCase(setup([f32(1 / 3), f32(2 / 3), 0x00000001, f32(1e30)],
                                        [f32(1 / 7), f32(-1 / 9), 0x3F800000, f32(1e10)])
                                  + f"{mn}.f32 q0, q8, q9", fpscr=mode))
        cases.append(NeonCase(setup([f32(2.5), f32(-2.5), f32(1.7), f32(-1.2)], [0, 0, 0, 0])
                              + "vcvt.s32.f32 q0, q8\n vcvt.f32.s32 q1, q8", fpscr=mode))
    check(cases, fpscr_mask=MASK)


V8 = ["vrintn.f32 {d}, {m}", "vrintx.f32 {d}, {m}", "vrinta.f32 {d}, {m}", "vrintz.f32 {d}, {m}",
      "vrintm.f32 {d}, {m}", "vrintp.f32 {d}, {m}", "vcvta.s32.f32 {d}, {m}",
      "vcvta.u32.f32 {d}, {m}", "vcvtn.s32.f32 {d}, {m}", "vcvtn.u32.f32 {d}, {m}",
      "vcvtp.s32.f32 {d}, {m}", "vcvtp.u32.f32 {d}, {m}", "vcvtm.s32.f32 {d}, {m}",
      "vcvtm.u32.f32 {d}, {m}"]
V8_HEADER = ".arch armv8-a\n .fpu neon-fp-armv8\n"


@needs_tools
def test_armv8_rounding_and_maxnm():
    """The ARMv8 AArch32 additions: VRINT*, VCVT{A,N,P,M}, VMAXNM/VMINNM."""
    extra = [f32(v) for v in (0.5, -0.5, 1.5, 2.5, -2.5, -0.3, 0.7, 1e9, -3.5, 4294967040.0,
                              2147483520.0, -2147483904.0, 8388609.0, 0.49999997, 3e9, -0.0)]
    cases = []
    for form in V8:
        cases.append(NeonCase(V8_HEADER + form.format(d="q1", m="q3")))
        for a, _b in groups()[:8] + [(extra[i:i + 4], None) for i in range(0, 16, 4)]:
            cases.append(NeonCase(V8_HEADER + load_q(8, a) + form.format(d="q0", m="q8")))
    for mn in ("vmaxnm", "vminnm"):
        cases.append(NeonCase(V8_HEADER + f"{mn}.f32 q1, q3, q6", thumb=True))
        for a, b in groups():
            cases.append(NeonCase(V8_HEADER + setup(a, b) + f"{mn}.f32 q0, q8, q9"))
    check(cases, fpscr_mask=MASK)

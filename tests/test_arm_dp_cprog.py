"""End to end: a C program exercising the integer ALU, multiplies and the
ACLE DSP/SIMD intrinsics, compiled by arm-linux-gnueabihf-gcc (-marm and
-mthumb), must print the same checksum under pyqemu as under qemu-arm."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test_arm_dp_harness import engine_available, needs_tools

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SOURCE = r"""
#include <stdio.h>
#include <stdint.h>
#include <arm_acle.h>

static uint64_t st = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void) { st ^= st << 13; st ^= st >> 7; st ^= st << 17; return (uint32_t)st; }
struct bf { unsigned a:3, b:7, c:13; signed d:9; };
#define ASM1(op, x) ({ uint32_t r_; __asm__(op " %0, %1" : "=r"(r_) : "r"(x)); r_; })
static uint32_t h = 2166136261u;
static void mix(uint32_t v) { h = (h ^ v) * 16777619u; }

int main(void) {
    for (int i = 0; i < 20000; i++) {
        uint32_t a = rnd(), b = rnd(), c = rnd();
        int32_t sa = (int32_t)a, sb = (int32_t)b;
        unsigned sh = b & 63;
        mix(a + b); mix(a - (b << 3)); mix((a >> (sh & 31)) | (b << 5)); mix(sa >> (b & 31));
        mix(a & ~b); mix(a | (b >> 7)); mix(a ^ (uint32_t)(sa >> 2));
        mix(sh < 32 ? a << sh : 0);
        mix(a * b); mix(a * b + c); mix(c - a * b);
        uint64_t u = (uint64_t)a * b; mix((uint32_t)u); mix((uint32_t)(u >> 32));
        int64_t s = (int64_t)sa * sb + (int64_t)(int32_t)c; mix((uint32_t)s); mix((uint32_t)(s >> 32));
        mix(b ? a / b : 0); mix(sb ? (uint32_t)(sa / sb) : 0); mix(b ? a % b : 0);
        mix(__builtin_clz(a | 1)); mix(ASM1("rbit", a)); mix(__builtin_bswap32(a)); mix(ASM1("rev16", a)); mix(ASM1("revsh", a));
        struct bf x = { a, b, c, (int)a }; x.b = c; x.d = (int)b;
        mix(x.a + x.b + x.c + (uint32_t)x.d);
        mix((uint32_t)__qadd(sa, sb)); mix((uint32_t)__qsub(sa, sb)); mix((uint32_t)__qdbl(sa));
        mix((uint32_t)__ssat(sa >> (b & 15), 9)); mix(__usat(sa >> (b & 15), 12));
        mix((uint32_t)__sadd16(a, b)); mix(__sel(a, b)); mix((uint32_t)__qsub8(a, b)); mix(__uhadd8(a, b));
        mix((uint32_t)__shasx(a, b)); mix(__uqsax(a, b)); mix(__usada8(a, b, c)); mix(__usub16(a, b)); mix(__sel(b, c));
        mix((uint32_t)__smlad(a, b, (int32_t)c)); mix((uint32_t)__smuadx(a, b)); mix((uint32_t)__smusd(a, b));
        mix((uint32_t)__smlsldx(a, b, s)); mix((uint32_t)__smlabt(sa, sb, (int32_t)c)); mix((uint32_t)__smlawb(sa, sb, (int32_t)c));
        mix((uint32_t)__ssat16(a, 7)); mix(__usat16(a, 5)); mix(__uxtb16(a)); mix((uint32_t)__sxtab16(a, b));
        mix((uint32_t)(int8_t)a + (uint32_t)(int16_t)b + (uint8_t)c + (uint16_t)(a >> 16));
        mix((a & 0xffff) | (b << 16)); mix((a & 0xffff0000) | (uint32_t)((int32_t)b >> 16) & 0xffff);
    }
    printf("%08x\n", h);
    return 0;
}
"""


@needs_tools
@pytest.mark.skipif(not engine_available(), reason="no engine yet")
@pytest.mark.parametrize("mode", ["arm", "thumb"])
def test_dsp_program_matches_qemu(tmp_path, mode):
    c = tmp_path / "dsp.c"
    c.write_text(SOURCE)
    exe = tmp_path / f"dsp_{mode}"
    subprocess.run(["arm-linux-gnueabihf-gcc", "-O2", f"-m{mode}", "-march=armv7ve+fp", "-static",
                    "-o", str(exe), str(c)], check=True, capture_output=True)
    want = subprocess.run(["qemu-arm", str(exe)], capture_output=True, text=True, timeout=120)
    got = subprocess.run([sys.executable, "-m", "usermode", str(exe)], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert want.returncode == 0 and want.stdout.strip()
    assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr[-2000:]

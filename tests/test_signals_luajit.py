"""A real guest JIT: Debian's armhf LuaJIT 2.1 running a numeric script.

LuaJIT writes ARM machine code for its hot loops into mmap'd pages (toggling
them between RW and RX with mprotect) and jumps into it; after ``jit.flush()``
it writes new traces over the same addresses.  Under pyqemu that code must be
translated as written each time (page-protection invalidation, the cacheflush
syscall), so every result must be what the arithmetic says: the expected
values are computed here in Python with the same operations in the same
order (IEEE doubles), and the whole output must also match qemu-arm's.

The luajit package comes from the archive like the other real programs
(tests/debian_sysroot.py, PACKAGES["luajit"]).

    python -m pytest tests/test_signals_luajit.py
"""
from __future__ import annotations

import pytest

from debian_sysroot import Unavailable, ensure_sysroot, explain, run_both

SCRIPT = r"""
local bit = require("bit")
local util = require("jit.util")
print("jit", jit.arch, (jit.status()))

local function basel(n)
  local s = 0.0
  for i = 1, n do s = s + 1 / (i * i) end
  return s
end

local function lcg(x, n)
  for _ = 1, n do
    x = bit.band(bit.bxor(x * 69069 + 1, bit.rshift(x, 5)), 0xffffff)
  end
  return x
end

local function mandel(w, h, iters)
  local inside = 0
  for py = 0, h - 1 do
    local ci = -1.0 + 2.0 * py / h
    for px = 0, w - 1 do
      local cr = -2.0 + 2.5 * px / w
      local zr, zi, k = 0.0, 0.0, 0
      while k < iters and zr * zr + zi * zi <= 4.0 do
        zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
        k = k + 1
      end
      if k == iters then inside = inside + 1 end
    end
  end
  return inside
end

local function sieve(n)
  local comp, count = {}, 0
  for i = 2, n do
    if not comp[i] then
      count = count + 1
      for j = i * i, n, i do comp[j] = true end
    end
  end
  return count
end

local function mixed(n)
  local t = {}
  for i = 1, n do t[i] = (i % 3 == 0) and i + 0.25 or i end
  local s = 0
  for i = 1, n do s = s + t[i] end
  return s
end

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function all(round)
  print(round, string.format("basel %.15f", basel(100000)))
  print(round, "lcg", lcg(12345, 100000))
  print(round, "mandel", mandel(48, 32, 200))
  print(round, "primes", sieve(50000))
  print(round, "mixed", string.format("%.2f", mixed(30000)))
  print(round, "fib", fib(22))
end

all(1)
local traces = 0
while util.traceinfo(traces + 1) do traces = traces + 1 end
print("traces compiled", traces > 5)
jit.flush()                 -- machine code thrown away: new traces reuse the area
all(2)
"""


def expected() -> list:
    """What the script must print, computed independently."""
    s = 0.0
    for i in range(1, 100001):
        s = s + 1 / (i * i)
    x = 12345
    for _ in range(100000):
        x = ((x * 69069 + 1) ^ (x >> 5)) & 0xffffff
    inside = 0
    for py in range(32):
        ci = -1.0 + 2.0 * py / 32
        for px in range(48):
            cr = -2.0 + 2.5 * px / 48
            zr = zi = 0.0
            k = 0
            while k < 200 and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                k += 1
            inside += k == 200
    comp = bytearray(50001)
    primes = 0
    for i in range(2, 50001):
        if not comp[i]:
            primes += 1
            comp[i * i::i] = b"\x01" * len(range(i * i, 50001, i))
    mixed = sum(i + 0.25 if i % 3 == 0 else i for i in range(1, 30001))
    fib = [0, 1]
    while len(fib) <= 22:
        fib.append(fib[-1] + fib[-2])

    def block(r):
        return [f"{r}\tbasel {s:.15f}", f"{r}\tlcg\t{x}", f"{r}\tmandel\t{inside}",
                f"{r}\tprimes\t{primes}", f"{r}\tmixed\t{mixed:.2f}", f"{r}\tfib\t{fib[22]}"]
    return ["jit\tarm\ttrue"] + block(1) + ["traces compiled\ttrue"] + block(2)


@pytest.fixture(scope="module")
def sysroot():
    try:
        return ensure_sysroot()
    except Unavailable as e:
        pytest.skip(str(e))


def test_luajit_numeric_script(sysroot, tmp_path):
    (tmp_path / "num.lua").write_text(SCRIPT)
    ref, got = run_both(sysroot, ["/usr/bin/luajit", "num.lua"], cwd=tmp_path)
    assert ref.returncode == 0, f"reference run failed: {ref}"
    assert got == ref, explain(ref, got)
    assert got.stdout.decode().splitlines() == expected()

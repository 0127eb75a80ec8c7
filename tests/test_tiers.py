"""Translation tiers (engine.py, runtime.c: TB.hot, EXIT_HOT).

A new block is translated quickly: no optimizer, no address folding, and its
code counts its entries down in its TB from PYQEMU_HOT (10000 by default).
At 0 it returns EXIT_HOT and the engine translates the block again,
optimized, and retires the quick one (unchained, never looked up again).

Checked here, on whole guest programs:
  * the threshold counts entries of a block: a loop run 600 times with
    PYQEMU_HOT=500 makes more blocks hot than the same loop run 400 times;
  * a hot block is translated again once, however long it keeps running,
    and the output is qemu-arm's;
  * no quick tier (PYQEMU_HOT=0, or the optimizer off): nothing becomes hot;
  * the persistent translation cache keeps the optimized translation: a
    second run translates nothing and finds nothing hot;
  * threads that run, chain and invalidate code while blocks become hot
    and are retired (PYQEMU_HOT=1: every block's second entry), also across
    code-buffer flushes, print what they print under qemu-arm.

The programs are tests/guest_sys/cli_env.c (loop:N) and tests/guest_threads/.
"""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sys"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_threads"))
import sysharness as H  # noqa: E402
import thharness as TH  # noqa: E402
from guestbuild import run_guest  # noqa: E402

pytestmark = pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))

DRIVER = r'''
import json, sys
import usermode.translate.engine as E
from usermode.translate import tcache
orig_run = E.Engine.run

def run(self):
    status = orig_run(self)
    tc = tcache._state.get("cache")
    sys.stderr.write("TIERS " + json.dumps({
        "hot": self.nhot, "insns": self.ntranslated,
        "misses": tc.misses if tc else None, "stored": tc.stored if tc else None}) + "\n")
    return status

E.Engine.run = run
from usermode.cli import main
main(sys.argv[1:])
'''


def drive(args, **env):
    """cli_env with args under pyqemu (env added): its stdout and the TIERS counts."""
    exe = H.build("cli_env", "thumb")
    full = H.environment()
    full.setdefault("PYQEMU_TCACHE", "0")
    full.update(env)
    r = subprocess.run([sys.executable, "-c", DRIVER, str(exe), *args], cwd=H.REPO, env=full,
                       capture_output=True, text=True, timeout=H.TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    line = [l for l in r.stderr.splitlines() if l.startswith("TIERS ")]
    assert len(line) == 1, r.stderr
    return r.stdout, json.loads(line[0][len("TIERS "):])


def test_threshold_counts_entries():
    _, few = drive(["loop:400"], PYQEMU_HOT="500")
    _, many = drive(["loop:600"], PYQEMU_HOT="500")
    # the same program and path; only the loop's blocks run 400 vs 600 times
    assert many["hot"] > few["hot"], (few, many)


def test_hot_blocks_are_translated_again_once():
    short_out, short = drive(["loop:20000"], PYQEMU_HOT="1000")
    long_out, long_ = drive(["loop:300000"], PYQEMU_HOT="1000")
    q = H.run("qemu", H.build("cli_env", "thumb"), ["loop:300000"])
    assert long_out == q.stdout
    assert "loop 20000: " in short_out
    assert short["hot"] > 0
    assert long_["hot"] == short["hot"]            # once each, not once per 1000 entries


@pytest.mark.parametrize("env", [{"PYQEMU_HOT": "0"}, {"PYQEMU_OPT": "0"}],
                         ids=["PYQEMU_HOT=0", "PYQEMU_OPT=0"])
def test_no_quick_tier(env):
    out, c = drive(["loop:300000"], **env)
    assert c["hot"] == 0
    assert out == H.run("qemu", H.build("cli_env", "thumb"), ["loop:300000"]).stdout


def test_translation_cache_keeps_the_optimized_block(tmp_path):
    env = {"PYQEMU_TCACHE": "1", "PYQEMU_TCACHE_DIR": str(tmp_path), "PYQEMU_HOT": "1000"}
    out1, cold = drive(["loop:50000"], **env)
    out2, warm = drive(["loop:50000"], **env)
    assert out1 == out2
    assert cold["hot"] > 0 and cold["stored"] > 0
    assert warm["hot"] == 0 and warm["misses"] == 0 and warm["stored"] == 0, warm


@pytest.mark.parametrize("name,buffer_kb", [("th_sync", None), ("th_jit", None), ("th_sync", "64")],
                         ids=["th_sync", "th_jit", "th_sync-flushes"])
def test_threads_with_every_block_hot(name, buffer_kb):
    ref = run_guest("qemu", TH.build(name))
    env = {"PYQEMU_HOT": "1"}
    if buffer_kb:
        env["PYQEMU_CODE_BUFFER_KB"] = buffer_kb
    got = run_guest("pyqemu", TH.build(name), env=env)
    assert got.stderr == b"", got.stderr[-2000:]
    assert (got.returncode, got.stdout) == (ref.returncode, ref.stdout)


def test_quick_block_code_counts_its_entries():
    """The code of a quick block (codegen.gen_block quick=True), run natively:
    with a threshold of 3 its third entry leaves with EXIT_HOT before any of
    its guest instructions, the block's pc stored; the other entries run it."""
    from test_codegen import TEST_FLAGS, X, Harness
    from usermode.translate import _runtime
    from usermode.translate.engine import hot_threshold
    from usermode.translate.ir import EXIT_HALT, EXIT_HOT, Const, IRBuilder
    ffi, lib = _runtime.ffi, _runtime.lib
    h = Harness()
    lib.rt_set_hot_threshold(3)
    try:
        pc = h.next_pc
        b = IRBuilder()
        b.insn_start(pc)
        b.add(X[0], X[0], Const(1))
        b.exit_tb(EXIT_HALT)
        tb = lib.rt_tb_alloc(pc, TEST_FLAGS)
        assert tb.hot == 3
        code_addr = int(ffi.cast("uintptr_t", lib.rt_code_ptr()))
        res = h.cg.gen_block(b.ops, b.ntemps, code_addr, int(ffi.cast("uintptr_t", tb)), quick=True)
        assert res.quick
        assert lib.rt_tb_commit(tb, res.code, len(res.code), 0xFFFFFFFF, 0, 0xFFFFFFFF, 0,
                                pc + 4) == 0
        got = []
        for _ in range(5):
            r = h.run(pc, {X[0]: 10})
            got.append((r, h.st.get("x", 0), h.st.get("pc"), int(tb.hot)))
        assert got == [(EXIT_HALT, 11, pc, 2), (EXIT_HALT, 11, pc, 1), (EXIT_HOT, 10, pc, 0),
                       (EXIT_HALT, 11, pc, 0xFFFFFFFF), (EXIT_HALT, 11, pc, 0xFFFFFFFE)]
        # optimized code (quick=False) has no counter
        res2 = h.cg.gen_block(b.ops, b.ntemps, code_addr, int(ffi.cast("uintptr_t", tb)))
        assert not res2.quick and len(res2.code) < len(res.code)
    finally:
        lib.rt_set_hot_threshold(hot_threshold())
        h.close()

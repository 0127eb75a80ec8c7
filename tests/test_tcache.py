"""The persistent translation cache (usermode/translate/tcache.py).

* Relocation is exact: a block cached from one place (code address, TB
  address) and relocated to another is byte for byte what the code generator
  produces there directly.
* Never stale: a changed guest byte in the block, in its page, or past the
  page end (a block may end there) makes the lookup miss; a different
  translator configuration (PYQEMU_* variable) uses a different directory.
* Page files survive concurrent appends by several processes and ignore a
  torn or corrupt tail.
* End to end: programs run twice give the same output, the second run
  translates nothing (every block comes from the cache), also after several
  processes filled the cache at once; PYQEMU_TCACHE=0 writes nothing.

Run:  python -m pytest tests/test_tcache.py
"""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from usermode.translate import _runtime, tcache
from usermode.translate.arm.translate import translate_block
from usermode.translate.x86.codegen import CodeGen

ffi, lib = _runtime.ffi, _runtime.lib
REPO = Path(__file__).resolve().parent.parent
HELLO = REPO / "examples" / "hello-arm"
PAGE = 4096


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "tc"
    monkeypatch.setenv("PYQEMU_TCACHE_DIR", str(d))
    monkeypatch.delenv("PYQEMU_TCACHE", raising=False)
    tcache.reset()
    yield d
    tcache.reset()


class GuestCode:
    """Guest code pages as a read_code function (what the engine passes)."""

    def __init__(self, base, data):
        self.base, self.data = base, bytearray(data)

    def __call__(self, addr, n):
        off = addr - self.base
        if off < 0 or off + n > len(self.data):
            raise IndexError(hex(addr))
        return bytes(self.data[off:off + n])


def thumb(*hws):
    return b"".join(h.to_bytes(2, "little") for h in hws)


# a Thumb loop body with a load, flags, a helper-free branch; then filler
LOOP = thumb(0xF814, 0x2B01, 0x4072, 0x42AC, 0xB2D2, 0xF857, 0x2022, 0xEA82, 0x2616, 0xD1F5)
# a block calling a runtime helper: udiv (sdiv/udiv use inline code, so use
# bx lr, which goes through the native lookup helper)
BXLR = thumb(0x3001, 0x4770)                # adds r0, #1; bx lr


def _codegen():
    cg = CodeGen()
    cg.set_epilogue(int(ffi.cast("uintptr_t", lib.rt_code_start())) + 64)
    return cg


@pytest.fixture(scope="module", autouse=True)
def code_buffer():
    if lib.rt_code_start() == ffi.NULL:
        assert lib.rt_code_init(16 << 20) == 0


def _at():
    return int(ffi.cast("uintptr_t", lib.rt_code_start())) + 0x40000


def _translate(code, pc, flags=1):
    blk = translate_block(code, pc, flags)
    return blk


@pytest.mark.parametrize("body", [LOOP, BXLR], ids=["loop", "bx_lr"])
def test_relocated_code_equals_fresh_code(cache_dir, body):
    code = GuestCode(0x10000, body + bytes(PAGE - len(body)))
    cg = _codegen()
    blk = _translate(code, 0x10000)
    assert tcache.cached_entry(blk.ir.ops) is None
    base = int(ffi.cast("uintptr_t", lib.rt_code_start()))
    a1, t1 = base + 0x12340, 0x5555_0000_1000
    first = cg.gen_block(blk.ir.ops, blk.ir.ntemps, a1, t1)      # stored in the cache
    assert list(cache_dir.rglob("*.tc"))
    tcache.reset()                                                 # a new process
    cg = _codegen()
    hit = _translate(code, 0x10000)
    assert tcache.cached_entry(hit.ir.ops) is not None
    assert hit.end == blk.end and hit.insns == blk.insns and hit.insn_flags == blk.insn_flags
    a2, t2 = base + 0x88880, 0x5555_7777_0040
    cached = cg.gen_block(hit.ir.ops, hit.ir.ntemps, a2, t2)
    fresh = CodeGen(optimize=cg.optimize)
    fresh.set_epilogue(cg.epilogue_addr)
    tcache.reset()
    os.environ["PYQEMU_TCACHE"] = "0"
    try:
        blk2 = _translate(code, 0x10000)
        want = fresh.gen_block(blk2.ir.ops, blk2.ir.ntemps, a2, t2)
    finally:
        del os.environ["PYQEMU_TCACHE"]
    assert cached.code == want.code
    assert cached.insn_map == want.insn_map == first.insn_map
    assert cached.jmp_insn == want.jmp_insn and cached.jmp_reset == want.jmp_reset


def test_changed_bytes_miss(cache_dir):
    data = bytearray(LOOP + bytes(PAGE - len(LOOP)))
    code = GuestCode(0x20000, data)
    cg = _codegen()
    blk = _translate(code, 0x20000)
    cg.gen_block(blk.ir.ops, blk.ir.ntemps, _at(), 0x5000_0000_0000)
    tcache.reset()
    assert tcache.cached_entry(_translate(code, 0x20000).ir.ops) is not None
    # a byte elsewhere in the page: another page file, so a miss
    code.data[PAGE - 8] ^= 1
    tcache.reset()
    assert tcache.cached_entry(_translate(code, 0x20000).ir.ops) is None
    code.data[PAGE - 8] ^= 1
    # a byte of the block itself, found in the page already loaded
    tcache.reset()
    tc = tcache.get()
    assert tc.lookup(0x20000, 1, code) is not None
    code.data[2] ^= 0x10
    assert tc.lookup(0x20000, 1, code) is None
    # other tb_flags (ARM state) never match a Thumb entry
    code.data[2] ^= 0x10
    assert tc.lookup(0x20000, 0, code) is None and tc.lookup(0x20000, 1, code) is not None


def test_block_ending_past_its_page(cache_dir):
    """A 32-bit Thumb insn straddling the page end: the entry's own hash covers
    the bytes in the next page."""
    pc = 0x30000 + PAGE - 4
    data = bytearray(2 * PAGE)
    data[PAGE - 4:PAGE + 4] = thumb(0x3001, 0xF814, 0x2B01, 0xE7FC)  # adds; ldrb.w (straddles); b
    code = GuestCode(0x30000, data)
    blk = _translate(code, pc)
    assert blk.end > 0x30000 + PAGE
    _codegen().gen_block(blk.ir.ops, blk.ir.ntemps, _at(), 0x5000_0000_0000)
    tcache.reset()
    assert tcache.get().lookup(pc, 1, code) is not None
    code.data[PAGE] ^= 0x01                      # the insn's second half, in the next page
    tcache.reset()
    assert tcache.get().lookup(pc, 1, code) is None


def test_version_depends_on_configuration(cache_dir, monkeypatch):
    so = tcache._runtime_so()[0]
    v1 = tcache.translator_version(so)
    monkeypatch.setenv("PYQEMU_OPT", "0")
    assert tcache.translator_version(so) != v1
    monkeypatch.delenv("PYQEMU_OPT")
    monkeypatch.setenv("PYQEMU_TCACHE_DIR", "/elsewhere")         # where, not what
    assert tcache.translator_version(so) == v1


def test_a_hit_still_shows_its_ir(cache_dir):
    """Readers of a hit's IR (logs, tests) get the real ops, translated on demand;
    the code generator then compiles them (no longer the cached code)."""
    code = GuestCode(0x40000, LOOP + bytes(PAGE - len(LOOP)))
    blk = _translate(code, 0x40000)
    want = [repr(op) for op in blk.ir.ops]
    _codegen().gen_block(blk.ir.ops, blk.ir.ntemps, _at(), 0x5000_0000_0000)
    tcache.reset()
    hit = _translate(code, 0x40000)
    assert hit.ir.ntemps == 0 and tcache.cached_entry(hit.ir.ops) is not None
    assert [repr(op) for op in hit.ir.ops] == want             # materialized
    assert tcache.cached_entry(hit.ir.ops) is None and hit.ir.ntemps == blk.ir.ntemps
    assert hit.ir.dump() == blk.ir.dump()


def test_old_versions_are_removed(tmp_path):
    import time
    for i in range(6):
        tcache._use_version(str(tmp_path), f"v{i}")
        os.utime(tmp_path / f"v{i}" / ".used", (time.time() - 100 + i, time.time() - 100 + i))
    tcache._use_version(str(tmp_path), "v2")                         # used again: kept
    tcache._use_version(str(tmp_path), "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "v2", "v4", "v5"]


def test_disabled(cache_dir, monkeypatch):
    monkeypatch.setenv("PYQEMU_TCACHE", "0")
    tcache.reset()
    assert tcache.get() is None


def _entry(i):
    return tcache.Entry(0x10000 + 2 * i, 1, 0x10004 + 2 * i, b"\x70\x47\x00\xbf", 0,
                        [(0x10000 + 2 * i, 0x4770, 2)], [1], [(tcache.R_EPI, 3, 0)],
                        bytes([i & 0xFF]) * (40 + i % 50), (9, 14, tcache.NO_JMP, tcache.NO_JMP),
                        [(0, 0x10000 + 2 * i)])


def test_records_roundtrip_and_torn_tail():
    recs = [_entry(i) for i in range(5)]
    data = b"".join(e.pack() for e in recs)
    got = tcache.parse_records(data)
    assert [(e.pc, e.code, e.relocs, e.insns, e.insn_flags, e.jmp, e.insn_map, e.guest)
            for e in got] == [(e.pc, e.code, e.relocs, e.insns, e.insn_flags, e.jmp, e.insn_map,
                               e.guest) for e in recs]
    assert len(tcache.parse_records(data[:-1])) == 4               # torn last record
    bad = bytearray(data)
    bad[len(recs[0].pack()) + 30] ^= 0xFF                         # corrupt the second
    assert len(tcache.parse_records(bytes(bad))) == 1


def test_concurrent_appends(tmp_path):
    """Eight processes append 300 records each to one page file at once."""
    path = tmp_path / "page.tc"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r}); sys.path.insert(0, {str(REPO / 'tests')!r})
        from test_tcache import _entry
        k = int(sys.argv[1])
        for i in range(300):
            rec = _entry(k * 1000 + i).pack()
            fd = os.open({str(path)!r}, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            os.write(fd, rec)
            os.close(fd)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(k)]) for k in range(8)]
    assert all(p.wait() == 0 for p in procs)
    got = tcache.parse_records(path.read_bytes())
    assert sorted(e.pc for e in got) == sorted(0x10000 + 2 * (k * 1000 + i)
                                               for k in range(8) for i in range(300))


# ------------------------------------------------------------ end to end
DRIVER = textwrap.dedent("""
    import os, sys
    sys.argv = ["pyqemu-arm"] + sys.argv[1:]
    import usermode.cli as cli
    from usermode.translate import tcache
    real_exit = os._exit
    def _exit(status):
        sys.stdout.flush()
        sys.stderr.write("\\n" + tcache.stats() + "\\n")
        sys.stderr.flush()
        real_exit(status)
    cli.os._exit = _exit
    sys.exit(cli.main())
""")


def run_pyqemu(args, env):
    p = subprocess.run([sys.executable, "-c", DRIVER, *map(str, args)], capture_output=True,
                       cwd=REPO, env=env, timeout=600)
    line = p.stderr.decode().strip().splitlines()[-1]
    hits = misses = stored = None
    if line.startswith("tcache:") and "off" not in line:
        w = line.split()
        hits, misses, stored = int(w[1]), int(w[3]), int(w[5])
    return p.returncode, p.stdout, (hits, misses, stored)


def _env(d, **kw):
    env = dict(os.environ, PYQEMU_TCACHE_DIR=str(d), PYTHONPATH=str(REPO), **kw)
    env.pop("PYQEMU_TCACHE", None)
    env.update(kw)
    return env


def test_second_run_translates_nothing(tmp_path):
    env = _env(tmp_path / "tc")
    rc1, out1, (h1, m1, s1) = run_pyqemu([HELLO, "x"], env)
    assert rc1 == 0 and h1 == 0 and m1 > 100 and s1 == m1
    rc2, out2, (h2, m2, s2) = run_pyqemu([HELLO, "x"], env)
    assert (rc2, out2) == (rc1, out1)
    assert m2 == 0 and s2 == 0 and h2 == m1


def test_parallel_first_runs_then_all_hits(tmp_path):
    env = _env(tmp_path / "tc")
    procs = [subprocess.Popen([sys.executable, "-c", DRIVER, str(HELLO), str(k)], cwd=REPO,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for k in range(4)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    for k, (out, _) in enumerate(outs):
        assert f"argv[1] = {k}".encode() in out
    rc, out, (h, m, s) = run_pyqemu([HELLO, "0"], env)
    assert rc == 0 and out == outs[0][0] and m == 0 and h > 100


def test_disabled_writes_nothing(tmp_path):
    d = tmp_path / "tc"
    rc, out, stats = run_pyqemu([HELLO], _env(d, PYQEMU_TCACHE="0"))
    assert rc == 0 and b"Hello" in out and stats == (None, None, None)
    assert not d.exists()


MODULES_DRIVER = DRIVER.replace(
    'sys.stderr.write("\\n" + tcache.stats() + "\\n")',
    'sys.stderr.write("\\nmodules: " + " ".join(sorted(m for m in sys.modules'
    ' if m.startswith("usermode"))) + "\\n")')


def _modules_of_run(env):
    p = subprocess.run([sys.executable, "-c", MODULES_DRIVER, str(HELLO)], capture_output=True,
                       cwd=REPO, env=env, timeout=600)
    assert p.returncode == 0 and b"Hello" in p.stdout, p.stderr[-2000:]
    line = p.stderr.decode().strip().splitlines()[-1]
    assert line.startswith("modules: ")
    return set(line.split()[1:])


TRANSLATOR_MODULES = {"usermode.translate.x86.codegen", "usermode.translate.x86.encoder",
                      "usermode.translate.arm.translate", "usermode.translate.decodetree"}


def test_warm_run_loads_no_decoder_or_code_generator(tmp_path):
    """Start-up: with every block (and the entry stub) in the cache, nothing is
    decoded or compiled, so the decoder and code generator are never imported."""
    env = _env(tmp_path / "tc")
    cold = _modules_of_run(env)
    assert TRANSLATOR_MODULES <= cold
    warm = _modules_of_run(env)
    assert not (TRANSLATOR_MODULES & warm), sorted(TRANSLATOR_MODULES & warm)
    # a damaged stub file is not used: the stub is generated again
    stub, = (tmp_path / "tc").rglob("stub.bin")
    data = bytearray(stub.read_bytes())
    data[20] ^= 0xFF
    stub.write_bytes(bytes(data))
    assert "usermode.translate.x86.codegen" in _modules_of_run(env)
    rc, out, (h, m, s) = run_pyqemu([HELLO], env)
    assert rc == 0 and m == 0 and h > 100


def test_entry_stub_does_not_depend_on_its_address():
    """tcache keeps the stub's bytes: they must be the same wherever it is placed."""
    from usermode.translate.x86.codegen import gen_stub
    a, b = gen_stub(0x7f0000000000), gen_stub(0x1000)
    assert (a.code, a.prologue, a.ret0, a.epilogue) == (b.code, b.prologue, b.ret0, b.epilogue)
    assert a.ret0 < a.epilogue < len(a.code)


def test_version_stamp_keeps_the_sources_digest(tmp_path):
    so = tcache._runtime_so()[0]
    stamp = str(tmp_path / tcache.STAMP)
    v = tcache.translator_version(so)
    assert tcache.translator_version(so, stamp) == v            # hashed, stamp written
    with open(stamp, "rb") as f:
        key = f.read()[:16]
    with open(stamp, "wb") as f:                                 # same stat: believed
        f.write(key + b"x" * 20)
    assert tcache.translator_version(so, stamp) != v
    with open(stamp, "wb") as f:                                 # other stat: hashed again
        f.write(b"\0" * 16 + b"x" * 20)
    assert tcache.translator_version(so, stamp) == v


def test_page_hash_follows_the_page_content(tmp_path):
    tc = tcache.TranslationCache(str(tmp_path), 0, 0, 0)
    page = bytearray(tcache.PAGE)
    read = lambda addr, n: bytes(page[:n])          # noqa: E731
    h = tc._page_hash(read, 0x10000)
    assert tc._page_hash(read, 0x10000) == h == tcache._h16(bytes(page))
    page[5] = 1
    assert tc._page_hash(read, 0x10000) == tcache._h16(bytes(page)) != h

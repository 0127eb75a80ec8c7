"""Whole guest programs against the runtime's promises (issue 2):

  * the ARM kuser helpers at 0xffff0f60..0xffff0ffc really execute (cmpxchg,
    cmpxchg64, memory_barrier, get_tls, the version word), from ARM and
    from Thumb code, with the output of qemu-arm;
  * an undefined instruction says which encoding at which pc and kills the
    process by SIGILL, as under qemu-arm;
  * the guest address space is one reserved 4 GiB host region, and guest
    mappings (even at 0xf0000000) land inside it, away from the code buffer;
  * in steady state the guest runs without Python: returns from the native
    dispatcher and translations do not grow with the number of iterations.

The programs are tests/guest_sys/{kuser,undef,cli_env}.c, built by sysharness.
"""
import json
import os
import re
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sys"))
import sysharness as H  # noqa: E402

pytestmark = pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))
ISAS = ["arm", "thumb"]


@pytest.mark.parametrize("isa", ISAS)
def test_kuser_helpers(isa):
    exe = H.build("kuser", isa)
    q, p = H.run("qemu", exe), H.run("pyqemu", exe)
    assert q.rc == 0, q.stdout + q.stderr
    assert p.rc == 0, p.stdout + p.stderr
    assert re.search(r"^kuser: \d+ checks, 0 failed$", p.stdout, re.M), p.stdout
    assert p.stdout == q.stdout
    lines = p.stdout.splitlines()
    for want in ("version >= 5: 1", "get_tls == __builtin_thread_pointer: 1", "tls_var via tp: 5",
                 "memory_barrier returned", "cmpxchg(10->20) on 10: r=0 word=20",
                 "cmpxchg(10->30) on 20: r!=0 1 word=20", "counter: 3000",
                 "cmpxchg64 success: r=0 big=fffffffffffffffe",
                 "cmpxchg64 failure: r!=0 1 big=fffffffffffffffe",
                 "cmpxchg64 high-word mismatch: r!=0 1 big=fffffffffffffffe"):
        assert want in lines, want


def _objdump_pc(exe, pattern):
    """The address of the (unique) instruction whose objdump line matches."""
    dump = subprocess.run(["arm-linux-gnueabihf-objdump", "-d", str(exe)], capture_output=True,
                          text=True, check=True).stdout
    hits = [l for l in dump.splitlines() if re.search(pattern, l)]
    assert len(hits) == 1, hits
    return int(hits[0].split(":")[0], 16)


UNDEF = [
    # (isa, argument, objdump pattern, encoding as pyqemu prints it, kind)
    ("arm", [], r":\s+e7f000f5\s+udf", "e7f000f5", "A32"),
    ("thumb", [], r":\s+f7f0 a0f5\s+udf", "f7f0 a0f5", "T32"),
    ("thumb", ["t16"], r":\s+de05\s+udf", "de05", "T16"),
]


@pytest.mark.parametrize("isa,args,pattern,enc,kind", UNDEF, ids=["A32", "T32", "T16"])
def test_undefined_instruction(isa, args, pattern, enc, kind):
    exe = H.build("undef", isa)
    pc = _objdump_pc(exe, pattern)
    q, p = H.run("qemu", exe, args), H.run("pyqemu", exe, args)
    assert q.rc == -4                                  # SIGILL, as a real CPU
    assert p.rc == q.rc, p
    assert p.stdout == q.stdout == "about to execute an undefined instruction\n"
    assert "still alive" not in p.stdout
    lines = p.stderr.splitlines()
    assert "Traceback" not in p.stderr
    assert lines[0] == f"pyqemu-arm: undefined instruction {enc} ({kind}) at pc {pc:#010x}"
    # then qemu's own report of the fatal signal
    assert lines[1:] == [l.replace("qemu:", "pyqemu-arm:") for l in q.stderr.splitlines()]


# ---- running the engine inside a Python process we can look into -------------------

DRIVER = r'''
import json, sys
import usermode.translate.engine as E
counts = {"exec": 0, "translate": 0}
real = E.lib

class Counting:
    """the runtime library, counting the returns from the native dispatcher"""
    def __getattr__(self, name):
        return getattr(real, name)
    def rt_cpu_exec(self, env):
        counts["exec"] += 1
        return real.rt_cpu_exec(env)

E.lib = Counting()
orig_translate, orig_run = E.Engine.translate, E.Engine.run

def translate(self, *a, **k):
    counts["translate"] += 1
    return orig_translate(self, *a, **k)

def run(self):
    status = orig_run(self)
    mem = self.proc.mem
    counts.update(lookups=real.rt_stat_lookups(), base=mem.base, size=mem.size,
                  code_start=int(E.ffi.cast("uintptr_t", real.rt_code_start())),
                  code_used=int(real.rt_code_used()),
                  maps=open("/proc/self/maps").read())
    sys.stderr.write("COUNTS " + json.dumps(counts) + "\n")
    return status

E.Engine.translate, E.Engine.run = translate, run
from usermode.cli import main
main(sys.argv[1:])
'''


def drive(args, isa="arm"):
    exe = H.build("cli_env", isa)
    r = subprocess.run([sys.executable, "-c", DRIVER, str(exe), *args], cwd=H.REPO,
                       env=H.environment(), capture_output=True, text=True, timeout=H.TIMEOUT)
    assert r.returncode == 0, r.stdout + r.stderr
    line = [l for l in r.stderr.splitlines() if l.startswith("COUNTS ")]
    assert len(line) == 1, r.stderr
    return r.stdout, json.loads(line[0][len("COUNTS "):])


def _host_maps(text):
    out = []
    for line in text.splitlines():
        rng, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in rng.split("-"))
        out.append((lo, hi, perms))
    return out


def test_guest_space_is_one_reserved_4gib_region():
    out, c = drive(["mmap:0xf0000000", "mmap:0x20000000"])
    assert "mmap 0xf0000000: at 0xf0000000, last byte 0x5a" in out
    assert "mmap 0x20000000: at 0x20000000, last byte 0x5a" in out
    base, size = c["base"], c["size"]
    assert size == 1 << 32
    assert base % 4096 == 0
    end = base + size + 0x10000                    # plus the guard region past 4 GiB
    maps = _host_maps(c["maps"])
    inside = [m for m in maps if m[0] < end and m[1] > base]
    # the region is covered, without a hole, by mappings that all lie inside it
    assert all(base <= lo and hi <= end for lo, hi, _ in inside), [hex(x) for m in inside for x in m[:2]]
    assert inside[0][0] == base and inside[-1][1] == end
    assert all(a[1] == b[0] for a, b in zip(inside, inside[1:]))
    # nothing in it is host-executable: guest code only runs translated
    assert not any("x" in perms for _, _, perms in inside)

    def perms_at(guest_addr):
        h = base + guest_addr
        hit = [perms for lo, hi, perms in inside if lo <= h < hi]
        assert len(hit) == 1, hex(guest_addr)
        return hit[0]
    # the guest's own mappings are there: its text, the high mmaps, the kuser page
    assert perms_at(0x10000).startswith("r")
    assert perms_at(0xF0000000).startswith("rw")
    assert perms_at(0xF000FFFF).startswith("rw")
    assert perms_at(0x20000000).startswith("rw")
    assert perms_at(0xFFFF0000).startswith("r")
    assert perms_at(0x80000000).startswith("---")   # reserved, unmapped for the guest
    # the translated code lives outside the region
    cs = c["code_start"]
    assert cs + c["code_used"] <= base or cs >= end


def test_steady_state_runs_without_python():
    """A guest loop of a few blocks: the number of returns from the native
    dispatcher to Python, of translations and of dispatcher hash lookups must
    not depend on the iteration count (chained blocks run in native code)."""
    small_out, small = drive(["loop:1000"])
    big_out, big = drive(["loop:300000"])
    q = H.run("qemu", H.build("cli_env", "arm"), ["loop:300000"])
    assert big_out == q.stdout
    assert "loop 1000: ff45ac09" in small_out
    for key in ("exec", "translate"):
        assert small[key] < 3000, small
        assert abs(big[key] - small[key]) <= 10, (key, small[key], big[key])
    assert abs(big["lookups"] - small["lookups"]) <= 30, (small["lookups"], big["lookups"])


@pytest.mark.parametrize("isa", ISAS)
def test_register_plus_offset_accesses_wrap_like_arm(isa):
    """ldr/str [rN, #imm] become one x86 addressing mode (x86/addrfold.py); a
    sum past 4 GiB must still fault at the wrapped address, as on ARM."""
    exe = H.build("addr_wrap", isa)
    q, p = H.run("qemu", exe), H.run("pyqemu", exe)
    assert q.rc == 0, q.stdout + q.stderr
    assert (p.rc, p.stdout) == (q.rc, q.stdout), p.stderr
    assert "load8(0xfffffffc): SIGSEGV at 0x4" in p.stdout.splitlines()
    assert "store4092(0xfffff010): SIGSEGV at 0xc" in p.stdout.splitlines()
    assert "words[1023] = 0x5555" in p.stdout.splitlines()

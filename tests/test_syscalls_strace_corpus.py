"""`pyqemu-arm -strace` of real programs against `qemu-arm -strace`: the corpus
of tests/guest (every program but "signals", whose signal delivery is the
signals issue's) and the syscall family programs of tests/guest_sys.

Every line must be the same once what legitimately differs between two
processes is masked: pids and the leading pid column, addresses (stack and
mmap placement differ), numbers of five digits or more (pointers printed as
decimals), times, and mkstemp names.  Deliberate differences from qemu-arm,
where we do what a real ARM kernel does, are listed in KNOWN (each a
(qemu line, our line) pair after masking).  Programs that fork print from
two processes at once, so their lines are compared as multisets.
"""
import os
import re
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sys"))
import guestbuild  # noqa: E402
import sysharness as H  # noqa: E402

pytestmark = pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))

PID_RESULTS = ("getpid", "gettid", "set_tid_address", "getppid", "fork", "clone", "vfork",
               "wait4", "getpgrp", "getsid", "getpgid", "setsid")
KNOWN = {
    # qemu 7.2 does not implement set_robust_list; the kernel does
    ("set_robust_list(NUM,12,NUM,1,NUM,NUM) = -1 errno=38 (Function not implemented)",
     "set_robust_list(NUM,12,NUM,1,NUM,NUM) = 0"),
    ("set_robust_list(NUM,12,0,0,NUM,NUM) = -1 errno=38 (Function not implemented)",
     "set_robust_list(NUM,12,0,0,NUM,NUM) = 0"),
}
CORPUS = [c for c in guestbuild.CASES if c not in ("signals",)]
# program -> whether it takes a scratch directory argument.  (procfs reads files whose
# contents differ by design: see test_syscalls_guest.py.)
FAMILIES = {"mem_ops": True, "time_ops": False, "net_ops": False}
# calls only qemu-arm makes: glibc's fallbacks after qemu's ENOSYS for a time64 call
QEMU_ONLY_CALLS = {"recvmmsg(4,NUM,3,NUM,NUM,NUM)"}
TIMER_CALLS = ("timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete")
CALL = re.compile(r"[a-z_0-9]+\([^()]*\)|Unknown syscall \d+")


def pids_in(text):
    """Every pid of the run: the leading column, and what pid-returning calls returned."""
    pids = set(re.findall(r"^(\d+) ", text, re.M))
    for name, ret in re.findall(r"\b(\w+)\([^()]*\)\s*= (\d+)$", text, re.M):
        if name in PID_RESULTS:
            pids.add(ret)
    return {p for p in pids if int(p) > 1}


def mask(text):
    pids = pids_in(text)
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\d+ ", "", line)
        line = re.sub(r"(?<!\w)\d+(?!\w)", lambda m: "PID" if m.group(0) in pids else m.group(0),
                      line)
        line = re.sub(r"\{tv_sec = -?\d+,tv_nsec = -?\d+\}", "{TS}", line)
        line = re.sub(r"\{tv_sec = -?\d+,tv_usec = -?\d+\}", "{TV}", line)
        line = re.sub(r"pyqemu-sysio-\w{6}", "pyqemu-sysio-XXXXXX", line)
        line = re.sub(r"0x[0-9a-f]{5,8}\b", "ADDR", line)
        line = re.sub(r"(?<![\w.])-?\d{5,}\b", "NUM", line)
        m = re.match(r"(\w+)\(", line)
        if m and m.group(1).startswith(TIMER_CALLS):
            # qemu numbers timers its own way (the kernel: 0, 1...), and registers
            # left over from handling the id differ with it
            line = re.sub(r"^(\w+)\([^)]*\)", r"\1(TIMER...)", line)
        if line.startswith("getrandom(") and out and out[-1] == line:
            # glibc's mkstemp draws again when a random word falls in the unfair
            # top range (rejection sampling): one or two calls, by chance
            continue
        out.append(line)
    return out


def compare(theirs, ours, as_multiset=False):
    t, o = mask(theirs), mask(ours)
    for q, p in KNOWN:
        t = [p if line == q else line for line in t]
    if as_multiset:
        # two processes write at once, even between a call and its result:
        # compare the calls made, with their arguments
        tc = Counter(c for l in t for c in CALL.findall(l) if c not in QEMU_ONLY_CALLS)
        oc = Counter(c for l in o for c in CALL.findall(l))
        assert oc == tc, (tc - oc, oc - tc)
    else:
        assert o == t


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_strace_matches_qemu(name):
    case = guestbuild.CASES[name]
    exe = guestbuild.build_one(name, "O2", "arm")
    env = dict(case.env)
    res = {r: H.run(r, exe, list(case.args), options=["-strace"], env=env,
                    stdin=case.stdin or b"") for r in ("qemu", "pyqemu")}
    q, p = res["qemu"], res["pyqemu"]
    assert p.rc == q.rc and p.stdout == q.stdout
    if name == "segv":
        # how a fatal signal is reported ("--- SIGSEGV ..." and qemu's "qemu: uncaught
        # target signal") belongs to the signal layer, not to the syscall trace
        def drop(t):
            return "\n".join(l for l in t.splitlines()
                             if not l.startswith("--- SIG") and "uncaught target signal" not in l)
        q, p = q._replace(stderr=drop(q.stderr)), p._replace(stderr=drop(p.stderr))
    compare(q.stderr, p.stderr)


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_strace_matches_qemu(name, tmp_path):
    exe = H.build(name)
    res = {}
    for r in ("qemu", "pyqemu"):
        d = tmp_path / r
        d.mkdir()
        args = [str(d)] if FAMILIES[name] else []
        res[r] = H.run(r, exe, args, cwd=d, options=["-strace"])
    q, p = res["qemu"], res["pyqemu"]
    assert p.rc == 0, p.stdout + p.stderr
    forks = "fork(" in q.stderr or "clone(" in q.stderr
    compare(q.stderr.replace(str(tmp_path / "qemu"), "DIR"),
            p.stderr.replace(str(tmp_path / "pyqemu"), "DIR"), as_multiset=forks)

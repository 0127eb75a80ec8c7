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

Independently of qemu's output, every line pyqemu prints is also parsed as
qemu's format (check_format): "PID name(args) = result" with a name qemu
7.2's -strace knows for some ARM syscall, "PID Unknown syscall N" only for a
number qemu does not know, results as qemu prints them (a decimal, an
address, "-1 errno=N (strerror)", or a decimal with the decoded structure),
nothing of Python's own (None, b'...', <...>, Traceback).  The programs
whose output is not compared with qemu's line by line (the corpus's
"signals", fs_ops, proc_ops, procfs) get this check alone.
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
from usermode.syscalls import strace as S  # noqa: E402
from usermode.syscalls.arm_names import QEMU_ARM_STRACE  # noqa: E402

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
FAMILIES = {"mem_ops": True, "time_ops": False, "net_ops": False, "xattr_ops": True}
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
        if line.startswith("getrandom(") and out and (
                out[-1] == line or out[-1].startswith("clock_gettime64(CLOCK_MONOTONIC,")):
            # glibc's mkstemp makes its name from a clock reading and draws again,
            # with getrandom, when the word falls in the unfair top range
            # (rejection sampling): none, one or two calls, by chance
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


# qemu's names; arm_names.py was generated by probing, which cannot record the calls
# that end or replace the probing process (qemu prints them under these names)
QEMU_NAMES = ({name for name, _spec in QEMU_ARM_STRACE.values() if name}
              | {"exit", "exit_group", "fork", "vfork", "clone", "execve"})
# one record: "PID name(args)" and its result (" = ...", absent for exit/exit_group)
RECORD = re.compile(r"(?P<pid>\d+) (?:Unknown syscall (?P<nr>\d+)(?=\n|$)"
                    r"|(?P<name>[a-z_0-9]+)\((?P<args>.*?)\)(?P<res> = [^\n]*)?(?=\n|$))")
RESULT = re.compile(r" = (?:-1 errno=(?P<err>\d+) \((?P<text>[^)]*)\)|0x[0-9a-f]{8}"
                    r"|-?\d+(?: \(.*\))?)$")
NOT_QEMU = re.compile(r"\bNone\b|\bb'|\bb\"|<[a-z_.]+[ >]|Traceback|0x[0-9a-f]{9,}")


def drop_guest_stderr(text):
    """The trace without what the guest itself wrote to stderr: the n bytes after
    each 'write(2,ADDR,n)' call part (they land between the call and its result)."""
    out, pos = [], 0
    for m in re.finditer(r"write\(2,(?:0x[0-9a-f]+|NULL),(\d+)\)", text):
        if m.start() < pos:
            continue
        out.append(text[pos:m.end()])
        pos = m.end() + int(m[1])
    out.append(text[pos:])
    return "".join(out)


def check_format(text):
    """Every line of a pyqemu -strace stderr is qemu's format; returns the records."""
    text = drop_guest_stderr(text)
    pids = "|".join(sorted(pids_in(text), key=len, reverse=True))
    if pids:
        # two processes write at once: a record may start in the middle of a line
        text = re.sub(rf"(?<=[^\n])(?=(?:{pids}) (?:[a-z_0-9]+\(|Unknown syscall))", "\n", text)
    signal_line = re.compile(r"^--- SIG[A-Z0-9+]+ \{si_signo=SIG[A-Z0-9+]+, si_code=[A-Z_0-9-]+"
                             r"(, [a-z_]+=[0-9a-fx-]+)*\} ---$|^pyqemu-arm: uncaught target signal")
    bad, records = [], []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line or signal_line.match(line):
            continue
        if (line.startswith(" = ") and RESULT.match(line)):
            continue                      # the result half after interleaved output
        m = RECORD.fullmatch(line)
        if not m:
            bad.append(f"not a strace line: {line!r}")
            continue
        records.append(m)
        if m["nr"] is not None:
            if int(m["nr"]) in QEMU_ARM_STRACE:
                bad.append(f"qemu knows syscall {m['nr']} by name: {line!r}")
            continue
        if m["name"] not in QEMU_NAMES:
            bad.append(f"{m['name']!r} is not a name qemu -strace prints: {line!r}")
        if NOT_QEMU.search(line):
            bad.append(f"Python-side text: {line!r}")
        res = m["res"]
        if res is not None:
            r = RESULT.match(res)
            if not r:
                bad.append(f"result not in qemu's form: {line!r}")
            elif r["err"] and r["text"] != S.errstr(int(r["err"])):
                bad.append(f"errno text: {line!r}")
    assert not bad, "\n".join(bad[:30])
    return records


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
    check_format(p.stderr)
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
    if not forks:
        check_format(p.stderr)
    compare(q.stderr.replace(str(tmp_path / "qemu"), "DIR"),
            p.stderr.replace(str(tmp_path / "pyqemu"), "DIR"), as_multiset=forks)


# (program, scratch directory argument, extra arguments): not compared with qemu line
# by line above (fs_ops, proc_ops and procfs differ from qemu-arm by design, see
# test_syscalls_guest.py; "signals" is the signal layer's), so checked for the format
FORMAT_ONLY = {"fs_ops": (True, ()), "proc_ops": (False, ()), "procfs": (False, ("x", "y z"))}


@pytest.mark.parametrize("name", ["signals"] + sorted(FORMAT_ONLY))
def test_every_line_in_qemu_format(name, tmp_path):
    if name in FORMAT_ONLY:
        scratch, extra = FORMAT_ONLY[name]
        exe = H.build(name)
        p = H.run("pyqemu", exe, ([str(tmp_path)] if scratch else []) + list(extra),
                  cwd=tmp_path, options=["-strace"])
        assert p.rc == 0, p.stdout + p.stderr
    else:
        case = guestbuild.CASES[name]
        exe = guestbuild.build_one(name, "O2", "arm")
        p = H.run("pyqemu", exe, list(case.args), options=["-strace"], env=dict(case.env),
                  stdin=case.stdin or b"")
        assert p.rc == 0, p.stdout + p.stderr
    records = check_format(p.stderr)
    assert len(records) > 20 and records[-1]["name"] == "exit_group", p.stderr[-2000:]


@pytest.mark.parametrize("line", [
    "123 syscall_999(1,2,3,4,5,6) = 0",                   # our fallback name
    "123 Unknown syscall 3",                                # qemu knows 3: read
    "123 read(3,0x1000,5) = None",                          # a Python value
    "123 openat(AT_FDCWD,b'/etc',O_RDONLY) = 3",           # Python bytes repr
    "123 close(3) = -1 errno=9 (EBADF)",                   # not strerror's text
    "123 mmap2(NULL,4096,PROT_READ,MAP_PRIVATE,-1,0) = 0x7f0012345000",   # a host address
    "Traceback (most recent call last):",
])
def test_check_format_rejects(line):
    with pytest.raises(AssertionError):
        check_format("123 getpid() = 123\n" + line + "\n123 exit_group(0)\n")


def test_check_format_skips_the_guests_own_stderr():
    text = "123 write(2,0x0004ef24,6)oops!\n = 6\n123 exit_group(1)\n"
    assert [m["name"] for m in check_format(text)] == ["write", "exit_group"]
    with pytest.raises(AssertionError):          # more text than the write's count
        check_format("123 write(2,0x0004ef24,2)oops!\n = 2\n123 exit_group(1)\n")


def test_check_format_accepts_qemu_lines():
    text = ("123 read(3,0x1000,5) = 5\n123 close(9) = -1 errno=9 (Bad file descriptor)\n"
            "123 mmap2(NULL,4096,PROT_READ,MAP_PRIVATE,-1,0) = 0x40001000\n"
            "123 clock_gettime64(CLOCK_MONOTONIC,0xfffdf208) = 0 ({tv_sec = 1,tv_nsec = 2})\n"
            "123 Unknown syscall 398\n"
            "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=123, si_uid=0} ---\n"
            "123 rt_sigreturn(0,1,0,0,0,5) = -1 errno=513 (Successful exit from sigreturn)\n"
            "123 exit_group(0)\n")
    assert len(check_format(text)) == 7

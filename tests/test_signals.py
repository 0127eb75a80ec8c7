"""Signals end to end: the programs of tests/guest_sig/ under pyqemu and under
qemu-arm (the reference) must print the same and end the same way, except
where qemu-arm is wrong and a real ARM Linux machine is not; those lines are
pinned here to what the real machine prints:

  * sigcontext trap_no / error_code / fault_address of a data abort (14, the
    FSR, the address) and of an undefined instruction (6): qemu-arm zeroes
    them;
  * SIGILL's si_code is ILL_ILLOPC (arch/arm/kernel/traps.c); qemu-arm says
    ILL_ILLOPN;
  * SIGBUS past the end of a mapped file has si_addr = the faulting address;
    qemu-arm reports another one;
  * every real-time signal up to SIGRTMAX (64) works; qemu-arm 7.2 cannot
    send the last two (and a sigwaitinfo for SIGRTMAX never returns).

Signals sent from outside (kill, a terminal's Ctrl-C to the process group)
must reach a guest spinning in translated code or sleeping in a system call.
"""
import os
import re
import signal
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sig"))
import sigharness as H  # noqa: E402

pytestmark = pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))
VARIANTS = [("arm", "O2"), ("thumb", "O2"), ("arm", "O0"), ("thumb", "O0")]
IDS = [f"{i}-{o}" for i, o in VARIANTS]


def both(name, isa="arm", opt="O2", args=()):
    exe = H.build(name, isa, opt)
    return exe, H.run("qemu", exe, args), H.run("pyqemu", exe, args)


def clean(name, r):
    assert re.search(rf"^{name}: \d+ checks, 0 failed$", r.stdout, re.M), r.stdout + r.stderr
    assert "FAIL" not in r.stdout and "Traceback" not in r.stderr, r.stdout + r.stderr


def without(text, patterns):
    return [ln for ln in text.splitlines() if not any(re.match(p, ln) for p in patterns)]


@pytest.mark.parametrize("isa,opt", VARIANTS, ids=IDS)
def test_handlers_and_masks(isa, opt):
    _, q, p = both("sig_handlers", isa, opt)
    assert q.rc == 0, "reference run failed: " + q.stdout + q.stderr
    clean("sig_handlers", p)
    assert (p.rc, p.stdout) == (q.rc, q.stdout)


@pytest.mark.parametrize("isa,opt", VARIANTS, ids=IDS)
def test_faults(isa, opt):
    _, q, p = both("sig_faults", isa, opt)
    assert q.rc == 0, "reference run failed: " + q.stdout + q.stderr
    clean("sig_faults", p)
    lines = p.stdout.splitlines()
    # pinned: what the ARM kernel reports
    assert "arm-kernel: trap_no=14 error_code=0x805 fault_address_ok=1" in lines   # write, MAPERR
    assert "arm-kernel: trap_no=14 error_code=0x80f fault_address_ok=1" in lines   # write, ACCERR
    assert "arm-kernel: sigill code=1 trap_no=6" in lines
    assert "sigbus: sig=7 code=ADRERR addr_ok=1" in lines
    skip = [r"^arm-kernel: ", r"^sigbus: "]
    assert without(p.stdout, skip) == without(q.stdout, skip)
    assert p.rc == q.rc


@pytest.mark.parametrize("isa", ["arm", "thumb"])
def test_faults_in_blocks_from_the_translation_cache(isa, tmp_path, monkeypatch):
    """A warm run installs blocks from the persistent translation cache
    without unpacking them in Python (rt_tb_install_cached); a fault inside
    one must still map to the right guest instruction, registers and IT
    state (the handlers read and edit them): the same output as cold."""
    exe = H.build("sig_faults", isa)
    env = dict(H.environment(), PYQEMU_TCACHE_DIR=str(tmp_path))
    monkeypatch.setattr(H, "environment", lambda: env)
    cold, warm = H.run("pyqemu", exe), H.run("pyqemu", exe)
    clean("sig_faults", cold)
    assert any(tmp_path.rglob("*.tc")), "nothing was cached"
    assert (warm.rc, warm.stdout) == (cold.rc, cold.stdout), warm.stderr


@pytest.mark.parametrize("isa", ["arm", "thumb"])
def test_timers_and_interrupted_syscalls(isa):
    _, q, p = both("sig_timers", isa)
    assert q.rc == 0, "reference run failed: " + q.stdout + q.stderr
    clean("sig_timers", p)
    assert (p.rc, p.stdout) == (q.rc, q.stdout)


@pytest.mark.parametrize("isa,opt", VARIANTS, ids=IDS)
def test_generated_code(isa, opt):
    _, q, p = both("sig_jit", isa, opt)
    assert q.rc == 0, "reference run failed: " + q.stdout + q.stderr
    clean("sig_jit", p)
    assert (p.rc, p.stdout) == (q.rc, q.stdout)
    for want in ("arm jit: 1 2 3", "versions: sum=1225", "thumb jit: 7 9",
                 "patch on own page: 10 20 30", "patch ahead + cacheflush: 100 55",
                 "after mremap: 40 41 42 moved=1", "rewritten 200 times: ok=200 total=80300"):
        assert want in p.stdout.splitlines()


def test_all_realtime_signals_up_to_sigrtmax():
    r = H.run("pyqemu", H.build("sig_rtmax"), timeout=120)          # pinned, see above
    clean("sig_rtmax", r)
    assert r.stdout.splitlines()[:2] == [
        "SIGRTMIN=34 SIGRTMAX=64 installed=31 sent=31 delivered=31",
        "sigwaitinfo(SIGRTMAX): 64 value=99"]


@pytest.mark.parametrize("isa", ["arm", "thumb"])
def test_vfp_state_in_the_frame(isa):
    _, q, p = both("sig_vfp", isa)
    assert q.rc == 0, "reference run failed: " + q.stdout + q.stderr
    clean("sig_vfp", p)
    assert (p.rc, p.stdout) == (q.rc, q.stdout)
    assert "vfp frame: magic=0x56465001 size=288" in p.stdout.splitlines()


@pytest.mark.parametrize("mode,status", [("term", 143), ("segv", 139), ("abort", 134),
                                         ("blocked", 143), ("ignored", 0)])
def test_default_actions_in_a_shell(mode, status):
    exe = H.build("sig_term")
    q = H.shell_status("qemu", exe, [mode])
    p = H.shell_status("pyqemu", exe, [mode])
    assert p.stdout == q.stdout
    assert p.stdout.splitlines()[-1] == f"status={status}"
    assert "Traceback" not in p.stderr, p.stderr
    # the only thing pyqemu-arm says is qemu's line (its own name in front)
    q_err = [ln for ln in q.stderr.splitlines() if ln.startswith("qemu:")]
    p_err = [ln for ln in p.stderr.splitlines() if ln.startswith("pyqemu-arm:")]
    assert [ln.split(":", 1)[1] for ln in p_err] == [ln.split(":", 1)[1] for ln in q_err]


def test_children_ended_stopped_continued():
    exe = H.build("sig_term")
    q, p = H.run("qemu", exe, ["children"]), H.run("pyqemu", exe, ["children"])
    assert q.rc == 0
    assert (p.rc, p.stdout) == (q.rc, q.stdout)
    assert "child 15: killed by signal 15" in p.stdout.splitlines()


def _wait_line(proc, want, timeout=60.0):
    """Read stdout lines until `want` (the guest's readiness)."""
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        line = proc.stdout.readline().decode()
        if not line:
            break
        seen.append(line)
        if line.strip() == want:
            return seen
    os.killpg(proc.pid, signal.SIGKILL)
    raise AssertionError(f"no {want!r} line: {seen}")


@pytest.mark.parametrize("runner", ["qemu", "pyqemu"])
def test_kill_and_ctrl_c_reach_a_spinning_guest(runner):
    exe = H.build("sig_term")
    proc = H.start(runner, exe, ["spin"])
    try:
        out = _wait_line(proc, "ready")
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGUSR1)                # kill from outside
        out += _wait_line(proc, "ready again")
        time.sleep(0.3)
        os.killpg(proc.pid, signal.SIGINT)               # what Ctrl-C does
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:                          # a failed wait: never leave it spinning
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert "spin: got signal 10\n" in out
    assert proc.returncode == -signal.SIGINT, err.decode()
    assert b"Traceback" not in err


LATENCY_SPEC = 0.1        # seconds: the requirement on an idle machine
LATENCY_LIMIT = 1.0       # what the test asserts (the test machine is shared and loaded)


@pytest.mark.parametrize("runner", ["qemu", "pyqemu"])
def test_outside_signals_reach_the_handler_of_a_spinning_guest(runner, record_property):
    """SIGUSR1, SIGINT and SIGTERM sent with kill(2) while the guest spins in a
    loop without system calls: each reaches its guest handler.  The time from
    kill to the handler's write arriving is measured and recorded (property
    latency_ms_SIGxxx, also printed with -s); the assertion allows LATENCY_LIMIT
    rather than the specified 100 ms because the test machine is shared."""
    exe = H.build("sig_term")
    proc = H.start(runner, exe, ["handlers"])
    figures = {}
    try:
        for sig in (signal.SIGUSR1, signal.SIGINT, signal.SIGTERM):
            _wait_line(proc, "ready")
            time.sleep(0.5)                     # well inside the translated loop by now
            t0 = time.monotonic()
            os.kill(proc.pid, sig)
            _wait_line(proc, f"handler {int(sig):02d}")
            figures[sig.name] = time.monotonic() - t0
            _wait_line(proc, f"spun until signal {int(sig)}")
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err
    for name, secs in figures.items():
        record_property(f"latency_ms_{name}", round(secs * 1000, 1))
    print(f"{runner}: kill -> guest handler: "
          + ", ".join(f"{n} {s * 1000:.1f} ms" for n, s in figures.items())
          + f" (spec {LATENCY_SPEC * 1000:.0f} ms)")
    slow = {n: s for n, s in figures.items() if s >= LATENCY_LIMIT}
    assert not slow, f"signals reached the handler only after {slow} s"


@pytest.mark.parametrize("runner", ["qemu", "pyqemu"])
def test_kill_interrupts_a_blocking_syscall(runner):
    exe = H.build("sig_term")
    proc = H.start(runner, exe, ["sleep"])
    out = _wait_line(proc, "ready")
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGUSR1)
    out += _wait_line(proc, "ready again")
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGUSR1)                    # SA_RESTART: read goes on
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGTERM)
    rest, err = proc.communicate(timeout=60)
    assert "sleep: read=-1 errno=EINTR got=10\n" in out
    assert rest == b""                                   # the restarted read never returned
    assert proc.returncode == -signal.SIGTERM, err.decode()

"""The signal layer piece by piece, without running guest code: frame and
siginfo layouts against the ARM toolchain's headers, siginfo conversions,
the pending queue's order, frame build and sigreturn on a real
GuestProcess, the signal syscalls' checks, and the syscall rows."""
import os
import struct
import sys

import pytest

from usermode.memory import MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_READ, PROT_WRITE
from usermode.process import GuestProcess
from usermode.signals import frame, siginfo, tables
from usermode.signals.deliver import Action, Pending, Signals
from usermode.syscalls.state import state_of

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sig"))
import sigharness as H  # noqa: E402

STACK = 0x30000000          # a 64 KiB guest stack for the frame tests


# ---------------------------------------------------------------- layouts
@pytest.mark.skipif(H.missing_tools() is not None, reason=str(H.missing_tools()))
def test_layouts_match_the_arm_headers():
    out = H.run("qemu", H.build("sig_layout")).stdout
    got = {k: int(v) for k, v in (ln.split() for ln in out.splitlines())}
    mc = frame.UC_MCONTEXT
    assert got["uc_flags"] == frame.UC_FLAGS and got["uc_link"] == frame.UC_LINK
    assert got["uc_stack"] == frame.UC_STACK and got["uc_mcontext"] == mc
    assert got["uc_sigmask"] == frame.UC_SIGMASK
    assert got["uc_regspace"] == frame.UC_REGSPACE
    assert got["sizeof_ucontext"] == frame.UCONTEXT_SIZE
    assert got["sc_trap_no"] == frame.SC_TRAP_NO and got["sc_error_code"] == frame.SC_ERROR_CODE
    assert got["sc_oldmask"] == frame.SC_OLDMASK and got["sc_r0"] == frame.SC_R0
    assert got["sc_pc"] == frame.SC_PC and got["sc_cpsr"] == frame.SC_CPSR
    assert got["sc_fault_address"] == frame.SC_FAULT_ADDRESS
    assert got["sizeof_siginfo"] == siginfo.SIGINFO_SIZE
    union = siginfo.GUEST_UNION
    for layout, fields in siginfo.LAYOUTS.items():
        for name, _, _, goff, _, _ in fields:
            key = {"tid": "si_timerid", "value": "si_value"}.get(name, f"si_{name}")
            assert got[key] == union + goff, (layout, name)
    assert got["sizeof_stack_t"] == 12


# ---------------------------------------------------------------- tables
def test_tables_cover_every_signal():
    for sig in range(1, tables.NSIG + 1):
        assert tables.DEFAULT_ACTION[sig] in (tables.TERM, tables.CORE, tables.IGN,
                                               tables.STOP, tables.CONT)
        assert tables.host_to_guest_sig(tables.guest_to_host_sig(sig)) == sig
    assert set(tables.SIGNAL_NAMES) == set(range(1, 32))
    assert tables.CORE_MESSAGE_SIGNALS <= {s for s, a in tables.DEFAULT_ACTION.items()
                                           if a == tables.CORE}


def test_siginfo_round_trips_per_layout():
    cases = [
        (11, 1, {"addr": 0xDEADBEEC, "addr_lsb": 0}),               # fault
        (17, 1, {"pid": 1234, "uid": 1000, "status": 7, "utime": 12, "stime": -3}),  # chld
        (34, -1, {"pid": 5, "uid": 6, "value": 0x12345678}),         # sigqueue (rt)
        (34, -2, {"tid": 3, "overrun": 1, "value": 42}),             # timer
        (29, 1, {"band": -5, "fd": 9}),                              # poll
        (10, 0, {"pid": 77, "uid": 0}),                              # kill
        (31, 1, {"call_addr": 0x10000, "syscall": 99, "arch": 0x40000028}),  # seccomp
    ]
    for sig, code, vals in cases:
        g = siginfo.make_guest(sig, 0, code, **vals)
        h = siginfo.guest_to_host(g)
        assert struct.unpack_from("<iii", h) == (sig, 0, code)
        back = siginfo.host_to_guest(h)
        assert back == g
        f = siginfo.fields(back)
        assert {k: f[k] for k in vals} == vals


def test_host_siginfo_offsets():
    """x86-64 siginfo_t: the union at 16, 8-byte pointers and clock_t."""
    h = bytearray(128)
    struct.pack_into("<iii", h, 0, 17, 0, 1)
    struct.pack_into("<iIiiqq", h, 16, 42, 1000, 3, 0, 10, 20)     # pid uid status pad utime stime
    f = siginfo.fields(siginfo.host_to_guest(bytes(h)))
    assert (f["pid"], f["uid"], f["status"], f["utime"], f["stime"]) == (42, 1000, 3, 10, 20)


def test_pending_order():
    p = Pending()
    for sig in (34, 10, 11, 34, 2):
        p.add(sig, bytes([sig]) * 128)
    assert p.next(0) == 11                     # synchronous first
    assert p.next(tables.sigbit(11)) == 2      # then the lowest unblocked
    p.take(11)
    p.take(2)
    p.take(10)
    assert p.next(0) == 34 and p.take(34) and p.next(0) == 34     # queued twice
    p.add(12, b"a" * 128, coalesce=True)
    p.add(12, b"b" * 128, coalesce=True)
    assert p.queues[12] == [b"a" * 128]        # a blocked standard signal: once


# ---------------------------------------------------------------- frames
@pytest.fixture
def proc():
    p = GuestProcess("arm", "/bin/true", ["true"], [])
    assert p.mem.mmap(STACK, 0x10000, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == STACK
    yield p
    p.mem.munmap(STACK, 0x10000)


def _set_regs(cpu):
    for i in range(15):
        cpu.set("r", i, 0x1000 * i + i)
    cpu.set("r", 13, STACK + 0x8004)           # not 8-aligned: the frame is
    cpu.set("pc", 0x10200)
    cpu.set("tb_flags", 1 | (0x0C << 8))       # Thumb, in an IT block
    cpu.set("NF", 0x80000000)
    cpu.set("ZF", 0)
    cpu.set("CF", 1)
    cpu.set("VF", 0)
    cpu.set("GE", 5)
    for i in range(32):
        cpu.set("d", i, 0x0101010101010101 * (i + 1))


@pytest.mark.parametrize("rt", [False, True])
def test_frame_round_trip(proc, rt):
    cpu = proc.cpu
    _set_regs(cpu)
    before = {f"r{i}": cpu.get("r", i) for i in range(15)}
    before.update(pc=cpu.get("pc"), flags=cpu.get("tb_flags"), cpsr=frame.cpsr_read(cpu),
                  d=[cpu.get("d", i) for i in range(32)], fpscr=frame.fpscr_get(cpu))
    info = siginfo.make_guest(10, 0, 0, pid=1, uid=2)
    flags = tables.SA_SIGINFO if rt else 0
    req = frame.FrameRequest(10, 0x20001, flags | tables.SA_RESTORER, 0x20100, info,
                             saved_mask=0x1234, fault=(14, 0x805, 0x99))
    frame.setup_frame(proc, req)
    size = frame.RT_SIGFRAME_SIZE if rt else frame.SIGFRAME_SIZE
    sp = cpu.get("r", 13)
    assert sp == (STACK + 0x8004 - size) & ~7
    assert cpu.get("r", 0) == 10 and cpu.get("r", 14) == 0x20100
    assert cpu.get("pc") == 0x20000 and cpu.get("tb_flags") == 1     # Thumb handler, IT clear
    assert frame.cpsr_read(cpu) & 0xF8000000 == 0                    # NZCVQ cleared
    uc = sp + (siginfo.SIGINFO_SIZE if rt else 0)
    if rt:
        assert (cpu.get("r", 1), cpu.get("r", 2)) == (sp, uc)
        assert proc.mem.read(sp, 128) == info
    mem = proc.mem
    assert mem.read_u32(uc) == (0 if rt else frame.UC_FLAGS_SIGFRAME)
    mc = uc + frame.UC_MCONTEXT
    assert struct.unpack("<III", mem.read(mc, 12)) == (14, 0x805, 0x1234)
    assert mem.read_u32(mc + frame.SC_PC) == 0x10200
    assert mem.read_u32(mc + frame.SC_CPSR) == before["cpsr"]
    assert mem.read_u32(mc + frame.SC_FAULT_ADDRESS) == 0x99
    assert struct.unpack("<II", mem.read(uc + frame.UC_REGSPACE, 8)) == (frame.VFP_MAGIC, 288)
    assert mem.read_u32(uc + frame.UC_REGSPACE + 288) == 0                  # end marker
    # the handler runs, sigreturn comes back
    for i in range(13):
        cpu.set("r", i, 0)
    state_of(proc).sigmask = 0xFFFF
    res = frame.restore_frame(proc, rt)
    assert res is not None and res.mask == 0x1234 and state_of(proc).sigmask == 0x1234
    assert {f"r{i}": cpu.get("r", i) for i in range(15)} == {k: v for k, v in before.items()
                                                            if k.startswith("r")}
    assert (cpu.get("pc"), cpu.get("tb_flags"), frame.cpsr_read(cpu)) == \
        (before["pc"], before["flags"], before["cpsr"])
    assert [cpu.get("d", i) for i in range(32)] == before["d"]


def test_bad_frames(proc):
    cpu = proc.cpu
    _set_regs(cpu)
    cpu.set("r", 13, STACK + 0x101)
    assert frame.restore_frame(proc, True) is None                # misaligned
    cpu.set("r", 13, STACK + 0x10000 - 8)
    assert frame.restore_frame(proc, True) is None                # runs off the stack
    cpu.set("r", 13, STACK + 0x100)
    uc = STACK + 0x100
    proc.mem.write(uc + frame.UC_MCONTEXT + frame.SC_CPSR, struct.pack("<I", 0x13))   # SVC mode
    proc.mem.write(uc + frame.UC_MCONTEXT + frame.SC_R0 + 13 * 4, struct.pack("<I", uc))
    proc.mem.write(uc + frame.UC_REGSPACE, struct.pack("<II", frame.VFP_MAGIC, 288))
    assert frame.restore_frame(proc, False) is None
    proc.mem.write(uc + frame.UC_MCONTEXT + frame.SC_CPSR, struct.pack("<I", 0x10))
    assert frame.restore_frame(proc, False) is not None
    proc.mem.write(uc + frame.UC_REGSPACE, struct.pack("<II", frame.VFP_MAGIC, 280))  # size
    assert frame.restore_frame(proc, False) is None


def test_frame_on_the_alternate_stack(proc):
    cpu = proc.cpu
    _set_regs(cpu)
    cpu.set("r", 13, 0x7000)                   # somewhere unmapped: must not be used
    state_of(proc).altstack = (STACK + 0x1000, 0, 0x4000)
    req = frame.FrameRequest(11, 0x20000, tables.SA_SIGINFO | tables.SA_ONSTACK, 0, None,
                             0, (0, 0, 0))
    frame.setup_frame(proc, req)
    sp = cpu.get("r", 13)
    assert STACK + 0x1000 <= sp < STACK + 0x5000
    uc = sp + siginfo.SIGINFO_SIZE
    assert struct.unpack("<IiI", proc.mem.read(uc + frame.UC_STACK, 12)) == \
        (STACK + 0x1000, 0, 0x4000)
    assert cpu.get("r", 14) == frame.SIGRETURN_PAGE_ADDR + (3 << 2)  # ARM rt trampoline
    assert struct.unpack("<II", proc.mem.read(uc + frame.UCONTEXT_SIZE, 8)) == \
        frame.SIGRETURN_CODES[3:5]
    # already on the alternate stack: the next frame goes below, still on it
    frame.setup_frame(proc, req)
    assert STACK + 0x1000 <= cpu.get("r", 13) < sp


def test_frame_that_cannot_be_written(proc):
    from usermode.memory import GuestFault
    cpu = proc.cpu
    _set_regs(cpu)
    cpu.set("r", 13, STACK + 0x100)            # 256 bytes left: too small
    with pytest.raises(GuestFault):
        frame.setup_frame(proc, frame.FrameRequest(10, 0x20000, 0, 0, None, 0, (0, 0, 0)))


# ---------------------------------------------------------------- syscalls
def test_sigaction_keeps_known_flags_and_drops_kill_stop_from_mask(proc):
    sg = Signals(proc)
    sg.set_action(10, Action(0x1234, 0xFFFFFFFF, 0x20, (1 << 64) - 1))
    a = sg.action(10)
    assert a.flags == tables.SA_KEPT
    assert a.mask == ((1 << 64) - 1) & ~tables.UNBLOCKABLE_MASK


def test_sigaltstack_rules(proc):
    from usermode.signals.altstack import do_sigaltstack
    assert do_sigaltstack(proc, None, 0x1000) == (0, tables.SS_DISABLE, 0)
    assert do_sigaltstack(proc, (0x40000, 0, 100), 0x1000) == -12           # ENOMEM
    assert do_sigaltstack(proc, (0x40000, 7, 8192), 0x1000) == -22          # EINVAL
    assert do_sigaltstack(proc, (0x40000, 0, 8192), 0x1000) == (0, tables.SS_DISABLE, 0)
    assert do_sigaltstack(proc, None, 0x41000) == (0x40000, tables.SS_ONSTACK, 8192)
    assert do_sigaltstack(proc, (0, tables.SS_DISABLE, 0), 0x41000) == -1    # EPERM on it
    assert do_sigaltstack(proc, (0, tables.SS_DISABLE, 0), 0x1000) == (0x40000, 0, 8192)

"""Handlers of the process, network, timer, multiplexing and /proc calls run
through do_syscall on a real GuestProcess: registers in, r0 and guest memory
out, real host objects underneath.  Every guest pointer a call touches is
checked: a bad one is -EFAULT, never a crash of the translator."""
import errno
import os
import socket
import struct
import sys

import pytest

from usermode.memory import MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_READ, PROT_WRITE
from usermode.process import GuestProcess
from usermode.syscalls import do_syscall
from usermode.syscalls.sys_dirent import COOKIE_BASE, COOKIES
from usermode.syscalls.sys_exec import exec_plan, option_args, translator_command
from usermode.syscalls.sys_procfs import cpuinfo_text, maps_text

B = 0x20000000
AT_FDCWD = -100
BAD = (0x10, 0xFFFFFFF0)          # unmapped, and one that runs off the 4 GiB region


@pytest.fixture
def proc():
    p = GuestProcess("arm", "/bin/true", ["true"], [])
    p.mem.munmap(B, 0x10000)
    assert p.mem.mmap(B, 0x10000, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED) == B
    yield p
    p.mem.munmap(B, 0x10000)


def call(p, nr, *args):
    regs = list(args) + [0] * (6 - len(args))
    for i, v in enumerate(regs):
        p.cpu.set("r", i, v & 0xFFFFFFFF)
    p.cpu.set("r", 7, nr)
    do_syscall(p)
    r = p.cpu.get("r", 0)
    return r - (1 << 32) if r & 0x80000000 else r


def put(p, addr, data):
    p.mem.write(addr, data)
    return addr


def cstr(p, addr, s):
    return put(p, addr, os.fsencode(s) + b"\0")


def test_bad_pointers_are_efault(proc, tmp_path):
    f = tmp_path / "f"
    f.write_bytes(b"x")
    path = cstr(proc, B + 0x100, f)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ep = call(proc, 357, 0)
    tfd = call(proc, 350, 1, 0)
    ino = call(proc, 360, 0)
    fd = os.open(f, os.O_RDONLY)
    lenp = put(proc, B + 0x80, struct.pack("<I", 16))
    xname = cstr(proc, B + 0x200, "user.pyqemu")
    try:
        for bad in BAD:
            cases = [
                (288, 1, 1, 0, bad),                   # socketpair
                (282, s.fileno(), bad, 16),            # bind
                (296, s.fileno(), bad, 0),             # sendmsg
                (297, s.fileno(), bad, 0),             # recvmsg
                (286, s.fileno(), bad, lenp),          # getsockname
                (295, s.fileno(), 1, 3, bad, lenp),    # getsockopt SO_TYPE
                (104, 0, bad, 0), (105, 0, bad),       # setitimer, getitimer
                (257, 1, bad, B), (257, 1, 0, bad),    # timer_create
                (251, ep, 1, fd, bad), (252, ep, bad, 1, 0),     # epoll_ctl/wait
                (168, bad, 1, 0), (142, 1, bad, 0, 0, 0),        # poll, _newselect
                (336, bad, 1, 0, 0, 8),                          # ppoll
                (348, AT_FDCWD, path, bad, 0),                   # utimensat
                (412, AT_FDCWD, path, bad, 0),                   # utimensat_time64
                (11, bad, 0, 0), (11, path, bad, 0),             # execve
                (241, 0, 8, bad), (209, bad, B, B),              # sched_setaffinity, getresuid32
                (385, bad, 0), (317, ino, bad, 0x100),           # memfd_create, inotify_add_watch
                (353, tfd, 0, bad, 0), (354, tfd, bad),          # timerfd_settime/gettime
                (219, B, 4096, bad),                             # mincore
                (239, fd, fd, bad, 1), (391, fd, bad, fd, 0, 1, 0),   # sendfile64, copy_file_range
                (217, fd, bad, 4096),                            # getdents64
                (14, bad, 0o10600, 0), (325, AT_FDCWD, bad, 0, 0, 0),    # mknod, fchownat
                (229, bad, xname, B, 16), (229, path, bad, B, 16),      # getxattr
                (231, fd, bad, B, 16), (232, bad, B, 16),               # fgetxattr, listxattr
                (226, path, xname, bad, 4, 0), (236, path, bad),        # setxattr, lremovexattr
            ]
            for nr, *args in cases:
                assert call(proc, nr, *args) == -errno.EFAULT, (nr, hex(bad))
    finally:
        os.close(fd)
        s.close()
        for x in (ep, tfd, ino):
            os.close(x)


def test_fork_and_wait4(proc):
    pid = call(proc, 2)                        # fork
    if pid == 0:
        os._exit(7)
    assert pid > 0
    assert call(proc, 114, pid, B, 0, B + 0x100) == pid
    status = struct.unpack("<i", proc.mem.read(B, 4))[0]
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 7
    assert call(proc, 114, -1, B, 1, 0) == -errno.ECHILD
    # clone: CLONE_VM without CLONE_VFORK must be a whole thread (CLONE_THREAD|CLONE_SIGHAND),
    # as in qemu-user (tests/test_threads.py); CLONE_THREAD alone is invalid
    assert call(proc, 120, 0x100 | 17) == -errno.EINVAL
    assert call(proc, 120, 0x10000 | 17) == -errno.EINVAL


def test_wait_bad_pointers(proc):
    for nr, args in ((114, (B + 0x10000 - 2, 0, 0)), (114, (0, 0, 0x10)), (280, (0x10, 4, 0))):
        pid = call(proc, 2)
        if pid == 0:
            os._exit(0)
        full = (pid,) + args if nr == 114 else (1, pid) + args
        assert call(proc, nr, *full) == -errno.EFAULT, nr
        assert call(proc, 114, pid, 0, 0, 0) == -errno.ECHILD      # reaped all the same


def test_waitid_siginfo(proc):
    pid = call(proc, 2)
    if pid == 0:
        os._exit(3)
    assert call(proc, 280, 1, pid, B, 4, 0) == 0          # P_PID, WEXITED
    signo, _errno, code, spid, _uid, st = struct.unpack("<6i", proc.mem.read(B, 24))
    assert (signo, code, spid, st) == (17, 1, pid, 3)       # SIGCHLD, CLD_EXITED


def _arm_program():
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sys"))
    import sysharness
    return None if sysharness.missing_tools(need_qemu=False) else str(sysharness.build("fs_ops"))


def test_exec_plan(proc, tmp_path):
    arm = _arm_program()
    sh = tmp_path / "s.sh"
    sh.write_bytes(b"#!/bin/sh  -e  \necho hi\n")
    sh.chmod(0o755)
    prog, argv = exec_plan(proc, os.fsencode(sh), [b"x", b"a"])
    assert prog == b"/bin/sh" and argv == [b"/bin/sh", b"-e", os.fsencode(sh), b"a"]
    prog, argv = exec_plan(proc, b"/bin/true", [b"true"])
    assert prog == b"/bin/true" and argv == [b"true"]                  # a host program: native
    loop = tmp_path / "loop.sh"
    loop.write_bytes(b"#!" + os.fsencode(loop) + b"\n")
    loop.chmod(0o755)
    with pytest.raises(Exception) as e:
        exec_plan(proc, os.fsencode(loop), [b"l"])
    assert e.value.errno == errno.ELOOP
    junk = tmp_path / "junk"
    junk.write_bytes(b"\0\1\2garbage")
    junk.chmod(0o755)
    for path, err in ((junk, errno.ENOEXEC), (tmp_path / "missing", errno.ENOENT)):
        with pytest.raises(Exception) as e:
            exec_plan(proc, os.fsencode(path), [b"x"])
        assert e.value.errno == err
    noexec = tmp_path / "noexec"
    noexec.write_bytes(b"#!/bin/sh\n")
    noexec.chmod(0o644)
    if os.geteuid() != 0:
        with pytest.raises(Exception) as e:
            exec_plan(proc, os.fsencode(noexec), [b"x"])
        assert e.value.errno == errno.EACCES
    # an ARM program: this translator again, same options, -0 for argv[0]
    if arm is not None:
        proc.options.strace = True
        proc.options.ld_prefix = "/usr/arm-linux-gnueabihf"
        prog, argv = exec_plan(proc, os.fsencode(arm), [b"name0", b"arg"])
        cmd = [os.fsencode(a) for a in translator_command()]
        assert argv[:len(cmd)] == cmd
        assert argv[len(cmd):] == [b"-L", b"/usr/arm-linux-gnueabihf", b"-strace", b"-0",
                                   b"name0", os.fsencode(arm), b"arg"]
    assert option_args(proc.options)[:2] == ["-L", "/usr/arm-linux-gnueabihf"]


def test_execve_failure_returns(proc):
    argv = put(proc, B + 0x200, struct.pack("<II", cstr(proc, B + 0x300, "x"), 0))
    assert call(proc, 11, cstr(proc, B, "/nonexistent/x"), argv, 0) == -errno.ENOENT
    assert call(proc, 387, AT_FDCWD, cstr(proc, B, "/etc/passwd"), argv, 0, 0) == -errno.EACCES


def test_directory_cookies(proc, tmp_path):
    key = ("dev", "ino")
    assert COOKIES.to_guest(key, 12) == 12                   # small ones pass through
    big = [(1 << 62) + 5, (1 << 40) + 9, 0x7FFFFFFFFFFFFFFF]
    small = [COOKIES.to_guest(key, c) for c in big]
    assert all(COOKIE_BASE <= s <= 0x7FFFFFFF for s in small)
    assert len(set(small)) == 3 and COOKIES.to_guest(key, big[1]) == small[1]
    # a real directory through getdents64 and lseek
    for i in range(30):
        (tmp_path / f"e{i}").write_bytes(b"")
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        n = call(proc, 217, fd, B, 0x1000)
        assert n > 0
        raw, pos, names, offs = proc.mem.read(B, n), 0, [], []
        while pos < n:
            d_off, reclen = struct.unpack_from("<qH", raw, pos + 8)
            names.append(raw[pos + 19:pos + reclen].split(b"\0")[0])
            offs.append(d_off)
            pos += reclen
        assert sorted(names) == sorted([b".", b".."] + [b"e%d" % i for i in range(30)])
        assert all(0 <= o <= 0x7FFFFFFF for o in offs)
        # seek back to the cookie after the 5th entry: the 6th comes next
        assert call(proc, 19, fd, offs[4], 0) == offs[4]
        n2 = call(proc, 217, fd, B, 0x1000)
        assert n2 > 0 and proc.mem.read(B + 19, len(names[5])) == names[5]
    finally:
        os.close(fd)


def test_proc_files(proc):
    text = maps_text(proc)
    line = next(l for l in text.splitlines() if l.startswith(f"{B:08x}-{B + 0x10000:08x}"))
    assert " rw-p 00000000 00:00 0" in line
    info = cpuinfo_text(proc)
    assert "model name\t: ARMv7 Processor" in info and "CPU architecture: 7" in info
    assert "Features\t: swp half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32" in info
    fd = call(proc, 5, cstr(proc, B, "/proc/self/cmdline"), 0, 0)
    assert os.read(fd, 100) == b"true\0"
    os.close(fd)
    fd = call(proc, 5, cstr(proc, B, "/proc/cpuinfo"), 0, 0)
    assert os.read(fd, 1 << 16).decode() == info
    os.close(fd)


def test_socketpair_scm_rights_roundtrip(proc):
    assert call(proc, 288, 1, 1, 0, B) == 0
    a, b = struct.unpack("<ii", proc.mem.read(B, 8))
    r, w = os.pipe()
    try:
        # sendmsg: one byte, SCM_RIGHTS with the pipe's read end
        data = put(proc, B + 0x100, b"Z")
        iov = put(proc, B + 0x110, struct.pack("<II", data, 1))
        ctl = put(proc, B + 0x120, struct.pack("<Iiii", 16, 1, 1, r))
        msg = put(proc, B + 0x140, struct.pack("<7I", 0, 0, iov, 1, ctl, 16, 0))
        assert call(proc, 296, a, msg, 0) == 1
        # recvmsg into fresh buffers
        rdata = B + 0x200
        riov = put(proc, B + 0x210, struct.pack("<II", rdata, 8))
        rmsg = put(proc, B + 0x240, struct.pack("<7I", 0, 0, riov, 1, B + 0x300, 64, 0))
        assert call(proc, 297, b, rmsg, 0) == 1
        fields = struct.unpack("<7I", proc.mem.read(rmsg, 28))
        assert fields[5] == 16 and fields[6] == 0                 # controllen, flags
        ln, level, typ, newfd = struct.unpack("<Iiii", proc.mem.read(B + 0x300, 16))
        assert (ln, level, typ) == (16, 1, 1)
        os.write(w, b"via passed fd")
        assert os.read(newfd, 100) == b"via passed fd"
        os.close(newfd)
    finally:
        for x in (a, b, r, w):
            os.close(x)


def test_epoll_event_layout(proc):
    r, w = os.pipe()
    ep = call(proc, 357, 0)
    try:
        ev = put(proc, B, struct.pack("<I4xQ", 1, 0x0102030405060708))
        assert call(proc, 251, ep, 1, r, ev) == 0
        os.write(w, b"x")
        assert call(proc, 252, ep, B + 0x100, 4, 1000) == 1
        assert struct.unpack("<I4xQ", proc.mem.read(B + 0x100, 16)) == (1, 0x0102030405060708)
        assert call(proc, 252, ep, B + 0x100, 0, 0) == -errno.EINVAL
    finally:
        for x in (r, w, ep):
            os.close(x)


def test_select_fdset_widths(proc):
    r, w = os.pipe()
    try:
        nfds = max(r, w) + 1
        put(proc, B, (1 << w).to_bytes(4 * ((nfds + 31) // 32), "little"))
        put(proc, B + 0x40, struct.pack("<ii", 1, 0))
        assert call(proc, 142, nfds, 0, B, 0, B + 0x40) == 1
        assert int.from_bytes(proc.mem.read(B, 4), "little") == 1 << w
    finally:
        os.close(r)
        os.close(w)

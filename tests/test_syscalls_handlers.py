"""Syscall handlers run through do_syscall on a real GuestProcess: registers in,
r0 and guest memory out, real host files/pipes underneath."""
import errno
import os
import stat
import struct
import threading

import pytest

from usermode.memory import MAP_ANONYMOUS, MAP_FIXED, MAP_PRIVATE, PROT_READ, PROT_WRITE
from usermode.process import GuestExit, GuestProcess
from usermode.syscalls import do_syscall
from usermode.syscalls.state import state_of
from usermode.syscalls.structs import STAT64, STATFS64, SYSINFO32, TIMESPEC32, UTSNAME

B = 0x20000000          # a 64 KiB read/write guest buffer for every test
AT_FDCWD = -100


@pytest.fixture
def proc():
    p = GuestProcess("arm", "/bin/true", ["true", "x"], [])
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


def put_str(p, addr, s):
    p.mem.write(addr, os.fsencode(s) + b"\0")
    return addr


def test_write_to_pipe(proc):
    r, w = os.pipe()
    try:
        proc.mem.write(B, b"hello")
        assert call(proc, 4, w, B, 5) == 5
        assert os.read(r, 10) == b"hello"
    finally:
        os.close(r)
        os.close(w)


def test_openat_read_close_tempfile(proc, tmp_path):
    f = tmp_path / "data.txt"
    f.write_bytes(b"0123456789")
    fd = call(proc, 322, AT_FDCWD, put_str(proc, B, f), os.O_RDONLY, 0)
    assert fd >= 0
    assert call(proc, 3, fd, B + 0x100, 4) == 4
    assert proc.mem.read(B + 0x100, 4) == b"0123"
    # pread64: 64-bit offset in the r4:r5 pair
    assert call(proc, 180, fd, B + 0x200, 3, 0, 7, 0) == 3
    assert proc.mem.read(B + 0x200, 3) == b"789"
    # _llseek: hi, lo, result pointer, whence
    assert call(proc, 140, fd, 0, 2, B + 0x300, 0) == 0
    assert struct.unpack("<q", proc.mem.read(B + 0x300, 8))[0] == 2
    assert call(proc, 6, fd) == 0
    assert call(proc, 6, fd) == -errno.EBADF


def test_open_arm_flags_translated(proc, tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    # ARM O_DIRECTORY (0o40000) on a directory works; on a file it is ENOTDIR
    fd = call(proc, 5, put_str(proc, B, d), 0o40000, 0)
    assert fd >= 0 and stat.S_ISDIR(os.fstat(fd).st_mode)
    f = tmp_path / "file"
    f.write_bytes(b"x")
    assert call(proc, 5, put_str(proc, B, f), 0o40000, 0) == -errno.ENOTDIR
    # F_GETFL reports guest flag values
    fd2 = call(proc, 5, put_str(proc, B, f), 0o2 | 0o4000, 0)       # O_RDWR|O_NONBLOCK
    assert call(proc, 221, fd2, 3) == 0o2 | 0o4000
    assert call(proc, 221, fd2, 4, 0o2000) == 0                      # F_SETFL O_APPEND
    assert call(proc, 221, fd2, 3) & 0o2000
    os.close(fd)
    os.close(fd2)


def test_fstat64_matches_os_stat(proc, tmp_path):
    f = tmp_path / "s"
    f.write_bytes(b"abcdefg")
    st = os.stat(f)
    fd = os.open(f, os.O_RDONLY)
    try:
        assert call(proc, 197, fd, B + 0x400) == 0
    finally:
        os.close(fd)
    g = STAT64.unpack(proc.mem.read(B + 0x400, STAT64.size))
    assert g["st_size"] == 7 and g["st_mode"] == st.st_mode
    assert g["st_ino"] == st.st_ino and g["st_nlink"] == st.st_nlink
    assert g["st_uid"] == st.st_uid and g["st_mtime"] == int(st.st_mtime)
    assert g["st_mtime_nsec"] == st.st_mtime_ns % 10**9
    # stat64 and fstatat64 (AT_SYMLINK_NOFOLLOW on a symlink) by path
    assert call(proc, 195, put_str(proc, B, f), B + 0x400) == 0
    assert STAT64.unpack(proc.mem.read(B + 0x400, STAT64.size))["st_ino"] == st.st_ino
    link = tmp_path / "l"
    os.symlink(f, link)
    assert call(proc, 327, AT_FDCWD, put_str(proc, B, link), B + 0x400, 0x100) == 0
    assert stat.S_ISLNK(STAT64.unpack(proc.mem.read(B + 0x400, STAT64.size))["st_mode"])


def test_statx_and_statfs64(proc, tmp_path):
    f = tmp_path / "x"
    f.write_bytes(b"12345")
    assert call(proc, 397, AT_FDCWD, put_str(proc, B, f), 0, 0x7FF, B + 0x400) == 0
    stx_size = struct.unpack_from("<Q", proc.mem.read(B + 0x400 + 40, 8))[0]
    assert stx_size == 5
    assert call(proc, 266, put_str(proc, B, tmp_path), STATFS64.size, B + 0x400) == 0
    sf = STATFS64.unpack(proc.mem.read(B + 0x400, STATFS64.size))
    assert sf["f_bsize"] == os.statvfs(tmp_path).f_bsize
    assert call(proc, 266, B, 64, B + 0x400) == -errno.EINVAL


def test_bad_pointers_are_efault(proc):
    assert call(proc, 4, 1, 0x10, 3) == -errno.EFAULT            # unmapped page
    assert call(proc, 3, 0, 0xFFFFFFF0, 0x100) == -errno.EFAULT  # would leave the region
    assert call(proc, 5, 0, 0, 0) == -errno.EFAULT               # NULL path
    assert call(proc, 197, 0, 0x30000000) == -errno.EFAULT       # unmapped stat buffer
    assert call(proc, 122, 0x30000000) == -errno.EFAULT
    assert call(proc, 263, 1, 0) == -errno.EFAULT
    assert call(proc, 146, 1, 0x30000000, 1) == -errno.EFAULT    # unreadable iovec array


def test_unknown_syscall_is_enosys(proc):
    assert call(proc, 9999) == -errno.ENOSYS
    assert call(proc, 398) == -errno.ENOSYS                      # rseq


def test_uname_machine(proc):
    assert call(proc, 122, B) == 0
    u = UTSNAME.unpack(proc.mem.read(B, UTSNAME.size))
    assert u["machine"].rstrip(b"\0") == b"armv7l"
    assert u["sysname"].rstrip(b"\0") == b"Linux"
    assert u["release"].rstrip(b"\0") == os.uname().release.encode()


def test_readlink_proc_self_exe(proc):
    n = call(proc, 85, put_str(proc, B, "/proc/self/exe"), B + 0x100, 200)
    want = os.path.realpath("/bin/true").encode()
    assert proc.mem.read(B + 0x100, n) == want
    n = call(proc, 332, AT_FDCWD, put_str(proc, B, "/proc/%d/exe" % os.getpid()), B + 0x100, 4)
    assert n == 4 and proc.mem.read(B + 0x100, 4) == want[:4]


def test_open_proc_self_exe_and_cmdline(proc):
    fd = call(proc, 322, AT_FDCWD, put_str(proc, B, "/proc/self/exe"), 0, 0)
    assert fd >= 0 and os.fstat(fd).st_ino == os.stat("/bin/true").st_ino
    os.close(fd)
    fd = call(proc, 5, put_str(proc, B, "/proc/self/cmdline"), 0, 0)
    assert os.read(fd, 100) == b"true\0x\0"
    os.close(fd)


def test_writev_readv_iovec_conversion(proc):
    r, w = os.pipe()
    try:
        proc.mem.write(B, b"abcXYZ")
        proc.mem.write(B + 0x100, struct.pack("<4I", B, 3, B + 3, 3))
        assert call(proc, 146, w, B + 0x100, 2) == 6
        assert os.read(r, 10) == b"abcXYZ"
        os.write(w, b"123456")
        proc.mem.write(B + 0x100, struct.pack("<4I", B + 0x200, 2, B + 0x300, 4))
        assert call(proc, 145, r, B + 0x100, 2) == 6
        assert proc.mem.read(B + 0x200, 2) == b"12" and proc.mem.read(B + 0x300, 4) == b"3456"
        assert call(proc, 146, w, B + 0x100, 5000) == -errno.EINVAL
    finally:
        os.close(r)
        os.close(w)


def test_pipe2_dup3_fcntl(proc):
    assert call(proc, 359, B, 0o2000000) == 0                    # O_CLOEXEC
    r, w = struct.unpack("<2i", proc.mem.read(B, 8))
    assert call(proc, 221, r, 1) == 1                            # F_GETFD: FD_CLOEXEC
    new = call(proc, 221, w, 1030, 100)                          # F_DUPFD_CLOEXEC
    assert new >= 100
    assert call(proc, 358, w, new, 0) == new
    assert call(proc, 221, new, 1) == 0
    assert call(proc, 359, B, 0o100) == -errno.EINVAL
    for fd in (r, w, new):
        os.close(fd)


def test_mmap2_munmap_mprotect(proc, tmp_path):
    a = call(proc, 192, 0, 8192, 3, 0x22, -1, 0)
    assert a > 0 and proc.mem.check(a, 8192, PROT_WRITE)
    proc.mem.write(a, b"zz")
    assert call(proc, 125, a, 4096, PROT_READ) == 0
    assert not proc.mem.check(a, 1, PROT_WRITE)
    assert call(proc, 91, a, 8192) == 0 and not proc.mem.is_mapped(a)
    # file-backed, offset in 4096-byte units
    f = tmp_path / "m"
    f.write_bytes(b"A" * 4096 + b"B" * 4096)
    fd = os.open(f, os.O_RDONLY)
    a = call(proc, 192, 0, 4096, PROT_READ, 0x02, fd, 1)
    os.close(fd)
    assert proc.mem.read(a, 4) == b"BBBB"
    assert call(proc, 192, 0, 4096, 0x10, 0x22, -1, 0) == -errno.EINVAL   # bad prot
    assert call(proc, 192, 0, 4096, 3, 0x20, -1, 0) == -errno.EINVAL      # no map type


def test_exec_changes_invalidate_code(proc):
    seen = []
    proc.invalidate_code = lambda s, e: seen.append((s, e))
    a = call(proc, 192, 0, 4096, 5, 0x22, -1, 0)
    assert call(proc, 125, a, 4096, 3) == 0
    assert call(proc, 0xF0002, a, a + 64, 0) == 0                 # cacheflush
    assert call(proc, 91, a, 4096) == 0
    assert (a, a + 4096) in seen and (a, a + 64) in seen and len(seen) == 3


def test_madvise_dontneed_zeroes(proc):
    a = call(proc, 192, 0, 8192, 3, 0x22, -1, 0)
    proc.mem.write(a, b"data")
    assert call(proc, 220, a, 8192, 4) == 0
    assert proc.mem.read(a, 4) == b"\0\0\0\0"
    assert call(proc, 220, a + 1, 4096, 4) == -errno.EINVAL
    assert call(proc, 220, 0x30000000, 4096, 4) == -errno.ENOMEM
    assert call(proc, 220, a, 4096, 100) == -errno.EPERM        # no page poisoning


def test_mremap_grow_in_place_and_move(proc):
    a = call(proc, 192, 0, 4096, 3, 0x22, -1, 0)
    proc.mem.write(a, b"keep")
    assert call(proc, 163, a, 4096, 8192, 0, 0) == a              # next page free
    assert proc.mem.check(a, 8192, PROT_WRITE) and proc.mem.read(a, 4) == b"keep"
    blocker = call(proc, 192, a + 8192, 4096, 3, 0x32, -1, 0)     # MAP_FIXED right after
    assert blocker == a + 8192
    assert call(proc, 163, a, 8192, 16384, 0, 0) == -errno.ENOMEM
    b = call(proc, 163, a, 8192, 16384, 1, 0)                     # MREMAP_MAYMOVE
    assert b not in (a, -errno.ENOMEM) and b > 0
    assert proc.mem.read(b, 4) == b"keep" and proc.mem.check(b, 16384, PROT_WRITE)
    assert not proc.mem.is_mapped(a)
    assert call(proc, 163, b, 16384, 4096, 0, 0) == b             # shrink
    assert not proc.mem.is_mapped(b + 4096)


def test_brk(proc):
    proc.mem.set_brk(0x00800000)
    assert call(proc, 45, 0) == 0x00800000
    assert call(proc, 45, 0x00802000) == 0x00802000
    proc.mem.write(0x00801000, b"heap")


def test_getrandom_time_and_ids(proc):
    assert call(proc, 384, B, 32, 0) == 32
    assert call(proc, 263, 0, B) == 0
    t = TIMESPEC32.unpack(proc.mem.read(B, 8))
    import time
    assert abs(t["tv_sec"] - time.time()) < 5
    assert call(proc, 403, 1, B) == 0                            # clock_gettime64
    assert call(proc, 78, B, 0) == 0 and abs(struct.unpack("<i", proc.mem.read(B, 4))[0] - time.time()) < 5
    assert call(proc, 264, 1, B) == 0 and TIMESPEC32.unpack(proc.mem.read(B, 8))["tv_sec"] == 0
    assert call(proc, 20) == os.getpid() and call(proc, 64) == os.getppid()
    assert call(proc, 224) == call(proc, 256, B) == threading.get_native_id()
    assert call(proc, 199) == os.getuid() and call(proc, 202) == os.getegid()
    assert call(proc, 338, B, 12) == 0 and call(proc, 338, B, 24) == -errno.EINVAL


def test_limits_usage_sysinfo(proc):
    import resource
    assert call(proc, 191, resource.RLIMIT_NOFILE, B) == 0
    cur, mx = struct.unpack("<2I", proc.mem.read(B, 8))
    assert cur == min(resource.getrlimit(resource.RLIMIT_NOFILE)[0], 0xFFFFFFFF)
    assert call(proc, 369, 0, resource.RLIMIT_NOFILE, 0, B) == 0
    assert struct.unpack("<Q", proc.mem.read(B, 8))[0] == resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert call(proc, 191, 99, B) == -errno.EINVAL
    assert call(proc, 116, B) == 0
    si = SYSINFO32.unpack(proc.mem.read(B, SYSINFO32.size))
    assert si["procs"] > 0 and si["totalram"] * si["mem_unit"] > 64 << 20
    assert call(proc, 77, 0, B) == 0
    assert call(proc, 43, B) > 0
    assert call(proc, 242, 0, 4, B) == 4                          # ARM mask of 4 bytes
    assert int.from_bytes(proc.mem.read(B, 4), "little") & 1 or os.sched_getaffinity(0)


def test_prctl_name(proc):
    old = open("/proc/thread-self/comm", "rb").read().strip()
    try:
        assert call(proc, 172, 15, put_str(proc, B, "guestname")) == 0
        assert call(proc, 172, 16, B + 0x100) == 0
        assert proc.mem.read_cstr(B + 0x100) == b"guestname"
        assert call(proc, 172, 22, 0) == -errno.EINVAL            # PR_SET_SECCOMP refused
    finally:
        proc.mem.write(B, old + b"\0")
        call(proc, 172, 15, B)


def test_signal_state_recorded(proc):
    act = struct.pack("<IIIQ", 0x1234, 0x04000000, 0x5678, 1 << 3)
    proc.mem.write(B, act)
    assert call(proc, 174, 2, B, 0, 8) == 0
    assert call(proc, 174, 2, 0, B + 0x100, 8) == 0
    assert proc.mem.read(B + 0x100, 20) == act
    assert call(proc, 174, 9, B, 0, 8) == -errno.EINVAL           # SIGKILL
    assert call(proc, 174, 2, B, 0, 4) == -errno.EINVAL           # sigsetsize
    proc.mem.write(B, struct.pack("<Q", 1 << 1))
    assert call(proc, 175, 0, B, 0, 8) == 0
    assert call(proc, 175, 2, 0, B + 0x100, 8) == 0
    assert struct.unpack("<Q", proc.mem.read(B + 0x100, 8))[0] == 2
    assert state_of(proc).sigmask == 2
    proc.mem.write(B, struct.pack("<IiI", 0x30000000, 0, 8192))
    assert call(proc, 186, B, B + 0x100) == 0
    assert struct.unpack("<IiI", proc.mem.read(B + 0x100, 12)) == (0, 2, 0)
    assert call(proc, 186, 0, B + 0x100) == 0
    assert struct.unpack("<IiI", proc.mem.read(B + 0x100, 12)) == (0x30000000, 0, 8192)


def test_paths_cwd_mkdir_unlink(proc, tmp_path):
    d = tmp_path / "sub"
    assert call(proc, 39, put_str(proc, B, d), 0o755) == 0 and d.is_dir()
    assert call(proc, 39, B, 0o755) == -errno.EEXIST
    assert call(proc, 33, B, 4) == 0 and call(proc, 334, AT_FDCWD, B, 4, 0) == 0
    cwd = os.getcwd()
    try:
        assert call(proc, 12, B) == 0
        n = call(proc, 183, B + 0x100, 4096)
        assert proc.mem.read_cstr(B + 0x100) == os.fsencode(d) and n == len(os.fsencode(d)) + 1
    finally:
        os.chdir(cwd)
    f = d / "f"
    f.write_bytes(b"")
    assert call(proc, 10, put_str(proc, B, f)) == 0 and not f.exists()
    assert call(proc, 328, AT_FDCWD, put_str(proc, B, d), 0x200) == 0 and not d.exists()
    assert call(proc, 60, 0o22) >= 0 and call(proc, 60, 0o22) == 0o22


def test_ioctl_tcgets_on_non_tty_and_unknown(proc, tmp_path):
    r, w = os.pipe()
    try:
        assert call(proc, 54, r, 0x5401, B) == -errno.ENOTTY
        os.write(w, b"abc")
        assert call(proc, 54, r, 0x541B, B) == 0                  # FIONREAD
        assert struct.unpack("<i", proc.mem.read(B, 4))[0] == 3
        assert call(proc, 54, r, 0x12345678, B) == -errno.ENOTTY
    finally:
        os.close(r)
        os.close(w)


def test_ioctl_on_pty(proc):
    import pty
    m, s = pty.openpty()
    try:
        proc.mem.write(B, struct.pack("<4H", 24, 80, 0, 0))
        assert call(proc, 54, s, 0x5414, B) == 0                  # TIOCSWINSZ
        assert call(proc, 54, s, 0x5413, B + 0x100) == 0          # TIOCGWINSZ
        assert struct.unpack("<4H", proc.mem.read(B + 0x100, 8)) == (24, 80, 0, 0)
        assert call(proc, 54, s, 0x5401, B + 0x200) == 0          # TCGETS
        import termios
        assert struct.unpack("<I", proc.mem.read(B + 0x200 + 12, 4))[0] == termios.tcgetattr(s)[3]
    finally:
        os.close(m)
        os.close(s)


def test_set_tls_and_get_tls(proc):
    assert call(proc, 0xF0005, 0xCAFE0000) == 0
    assert proc.cpu.get("tpidruro") == 0xCAFE0000
    assert call(proc, 0xF0006) & 0xFFFFFFFF == 0xCAFE0000


def test_exit_group_raises_guest_exit(proc):
    with pytest.raises(GuestExit) as e:
        call(proc, 248, 3)
    assert e.value.status == 3
    with pytest.raises(GuestExit) as e:
        call(proc, 1, 0x1FF)
    assert e.value.status == 0xFF


def test_futex_wake_and_wait_mismatch(proc):
    proc.mem.write(B, struct.pack("<i", 5))
    assert call(proc, 240, B, 1 | 128, 1, 0, 0, 0) == 0          # FUTEX_WAKE_PRIVATE
    assert call(proc, 240, B, 0 | 128, 4, 0, 0, 0) == -errno.EAGAIN
    proc.mem.write(B + 0x10, struct.pack("<ii", 0, 1000))
    assert call(proc, 240, B, 0 | 128, 5, B + 0x10, 0, 0) == -errno.ETIMEDOUT


def test_nanosleep(proc):
    proc.mem.write(B, struct.pack("<ii", 0, 1000000))
    assert call(proc, 162, B, 0) == 0
    assert call(proc, 265, 1, 0, B, 0) == 0
    proc.mem.write(B, struct.pack("<ii", 0, 2000000000))
    assert call(proc, 162, B, 0) == -errno.EINVAL

"""Process syscalls: exit, ids, uname, limits, usage, affinity, kill, prctl,
getrandom, set_tid_address (futex and robust lists: sys_futex.py).

exit ends the calling guest thread (usermode/threads.py; the whole process
when it is the last one); exit_group ends the process by raising
GuestExit(status & 0xff), which the engine lets propagate (nothing is
flushed here).

Usage::

    from usermode.syscalls.sys_proc import sys_uname
    sys_uname(proc, buf, 0, 0, 0, 0, 0)      # machine "armv7l"
"""
from __future__ import annotations

import errno
import os

from ..process import GuestExit
from .hostsys import H, HostBuf, cstr, hbuf, hsys, s32
from .state import state_of
from .structs import (HOST_RUSAGE, HOST_SYSINFO, RLIMIT64, UTSNAME, rlimit_from_guest32,
                      rlimit_to_guest32, rusage_to_guest, sysinfo_to_guest)

UNAME_MACHINE = b"armv7l"
# limits the translator keeps for itself: setting them would starve the host process
RLIMIT_CPU, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_AS = 0, 2, 3, 9
PROTECTED_RLIMITS = {RLIMIT_DATA, RLIMIT_STACK, RLIMIT_AS}

PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE = 1, 2, 3, 4
PR_SET_NAME, PR_GET_NAME, PR_GET_SECCOMP = 15, 16, 21
PR_CAPBSET_READ, PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = 23, 38, 39
PR_GET_KEEPCAPS, PR_SET_KEEPCAPS, PR_SET_SECCOMP = 7, 8, 22
PR_SET_TIMERSLACK, PR_GET_TIMERSLACK = 29, 30
PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER = 36, 37
PR_SET_THP_DISABLE, PR_GET_THP_DISABLE = 41, 42
# options whose arguments are plain integers, passed to the host as they are
PRCTL_INT_OPTIONS = {PR_SET_PDEATHSIG, PR_GET_DUMPABLE, PR_SET_DUMPABLE, PR_GET_SECCOMP,
                     PR_CAPBSET_READ, PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS,
                     PR_GET_KEEPCAPS, PR_SET_KEEPCAPS, PR_SET_TIMERSLACK, PR_GET_TIMERSLACK,
                     PR_SET_CHILD_SUBREAPER, PR_SET_THP_DISABLE, PR_GET_THP_DISABLE}
# options that write one int through the pointer in arg2
PRCTL_INT_OUT_OPTIONS = {PR_GET_PDEATHSIG, PR_GET_CHILD_SUBREAPER}



def sys_exit(proc, status, *_):
    from ..threads import thread_exit
    thread_exit(proc, status)
    raise GuestExit(status & 0xFF)


def sys_exit_group(proc, status, *_):
    raise GuestExit(status & 0xFF)


def sys_getpid(proc, *_):
    return hsys(H["getpid"])


def sys_getppid(proc, *_):
    return hsys(H["getppid"])


def sys_gettid(proc, *_):
    return hsys(H["gettid"])


def sys_getuid32(proc, *_):
    return hsys(H["getuid"])


def sys_geteuid32(proc, *_):
    return hsys(H["geteuid"])


def sys_getgid32(proc, *_):
    return hsys(H["getgid"])


def sys_getegid32(proc, *_):
    return hsys(H["getegid"])


def _low16(v):
    return 65534 if v > 0xFFFF else v          # the kernel's high2lowuid


def sys_getuid(proc, *_):
    return _low16(hsys(H["getuid"]))


def sys_geteuid(proc, *_):
    return _low16(hsys(H["geteuid"]))


def sys_getgid(proc, *_):
    return _low16(hsys(H["getgid"]))


def sys_getegid(proc, *_):
    return _low16(hsys(H["getegid"]))


def sys_getpgrp(proc, *_):
    return hsys(H["getpgrp"])


def sys_getpgid(proc, pid, *_):
    return hsys(H["getpgid"], s32(pid))


def sys_getsid(proc, pid, *_):
    return hsys(H["getsid"], s32(pid))


def sys_setpgid(proc, pid, pgid, *_):
    return hsys(H["setpgid"], s32(pid), s32(pgid))


def sys_setsid(proc, *_):
    return hsys(H["setsid"])


def sys_uname(proc, buf, *_):
    u = os.uname()
    enc = os.fsencode
    proc.mem.write(buf, UTSNAME.pack(
        sysname=enc(u.sysname), nodename=enc(u.nodename), release=enc(u.release),
        version=enc(u.version), machine=UNAME_MACHINE,
        domainname=_domainname()))
    return 0


def _domainname() -> bytes:
    try:
        with open("/proc/sys/kernel/domainname", "rb") as f:
            return f.read().strip()[:64]
    except OSError:
        return b"(none)"


def sys_getrandom(proc, buf, count, flags, *_):
    return hsys(H["getrandom"], hbuf(proc, buf, count), count, flags)


def sys_set_tid_address(proc, tidptr, *_):
    state_of(proc).clear_child_tid = tidptr
    return hsys(H["gettid"])


def sys_rseq(proc, *_):
    return -errno.ENOSYS


# ---- limits and usage --------------------------------------------------------------
def _prlimit(resource, new_addr, old_addr):
    return hsys(H["prlimit64"], 0, resource, new_addr, old_addr)


def sys_ugetrlimit(proc, resource, rlim, *_):
    tmp = HostBuf(RLIMIT64.size)
    r = _prlimit(resource, 0, tmp.addr)
    if r < 0:
        return r
    d = RLIMIT64.unpack(tmp.bytes())
    proc.mem.write(rlim, rlimit_to_guest32(d["rlim_cur"], d["rlim_max"]))
    return 0


def sys_setrlimit(proc, resource, rlim, *_):
    cur, lim = rlimit_from_guest32(proc.mem.read(rlim, 8))
    if resource in PROTECTED_RLIMITS:
        return 0
    new = HostBuf(RLIMIT64.pack(rlim_cur=cur, rlim_max=lim))
    return _prlimit(resource, new.addr, 0)


def sys_prlimit64(proc, pid, resource, new, old, *_):
    if new and resource in PROTECTED_RLIMITS and s32(pid) in (0, os.getpid()):
        proc.mem.read(new, RLIMIT64.size)          # still -EFAULT for a bad pointer
        new_h = 0
    else:
        new_h = hbuf(proc, new, RLIMIT64.size) if new else 0
    return hsys(H["prlimit64"], s32(pid), resource, new_h,
                hbuf(proc, old, RLIMIT64.size) if old else 0)


def sys_getrusage(proc, who, buf, *_):
    tmp = HostBuf(HOST_RUSAGE.size)
    r = hsys(H["getrusage"], s32(who), tmp.addr)
    if r < 0:
        return r
    proc.mem.write(buf, rusage_to_guest(HOST_RUSAGE.unpack(tmp.bytes())))
    return 0


def sys_sysinfo(proc, buf, *_):
    tmp = HostBuf(HOST_SYSINFO.size)
    r = hsys(H["sysinfo"], tmp.addr)
    if r < 0:
        return r
    proc.mem.write(buf, sysinfo_to_guest(HOST_SYSINFO.unpack(tmp.bytes())))
    return 0


def sys_sched_yield(proc, *_):
    return hsys(H["sched_yield"])


def sys_sched_getaffinity(proc, pid, size, mask, *_):
    size = s32(size)
    if size <= 0:
        return -errno.EINVAL
    hsize = (size + 7) & ~7
    tmp = HostBuf(hsize)
    r = hsys(H["sched_getaffinity"], s32(pid), hsize, tmp.addr)
    if r < 0:
        return r
    if r > size:
        if (os.cpu_count() or 1) > size * 8:
            return -errno.EINVAL
        r = size
    proc.mem.write(mask, tmp.bytes(r))
    return r


def sys_sched_setaffinity(proc, pid, size, mask, *_):
    size = s32(size)
    if size < 0:
        return -errno.EINVAL
    data = proc.mem.read(mask, size) if size else b""
    tmp = HostBuf(data + bytes(-len(data) % 8))
    return hsys(H["sched_setaffinity"], s32(pid), tmp.size, tmp.addr)


# ---- signals sent, prctl ------------------------------------------------------------
def sys_kill(proc, pid, sig, *_):
    return hsys(H["kill"], s32(pid), s32(sig))


def sys_tkill(proc, tid, sig, *_):
    return hsys(H["tkill"], s32(tid), s32(sig))


def sys_tgkill(proc, tgid, tid, sig, *_):
    return hsys(H["tgkill"], s32(tgid), s32(tid), s32(sig))


def sys_prctl(proc, option, a2, a3, a4, a5, *_):
    if option == PR_SET_NAME:
        name = proc.mem.read_cstr(a2, 1 << 12)[:15]
        return hsys(H["prctl"], PR_SET_NAME, cstr(name).addr)
    if option == PR_GET_NAME:
        tmp = HostBuf(16)
        r = hsys(H["prctl"], PR_GET_NAME, tmp.addr)
        if r >= 0:
            proc.mem.write(a2, tmp.bytes())
        return r
    if option in PRCTL_INT_OUT_OPTIONS:
        tmp = HostBuf(4)
        r = hsys(H["prctl"], option, tmp.addr)
        if r >= 0:
            proc.mem.write(a2, tmp.bytes())
        return r
    if option in PRCTL_INT_OPTIONS:
        return hsys(H["prctl"], option, a2, a3, a4, a5)
    return -errno.EINVAL

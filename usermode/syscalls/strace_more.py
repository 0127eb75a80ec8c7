"""-strace printers (qemu 7.2's format) for the irregular process, network,
select and file-node calls: execve, clone, socket, bind, fallocate,
_newselect, futimesat, mknod(at).  Registered into strace.CALL_PRINTERS
and strace.RESULT_PRINTERS by strace.py.

Usage::

    from usermode.syscalls.strace_more import print_socket
    print_socket(proc, (2, 1, 0))        # 'PF_INET,SOCK_STREAM,IPPROTO_IP'
"""
from __future__ import annotations

import struct

from . import strace_tables as T
from .strace import (Unclosed, _read, fmt_dirfd, fmt_file_mode, fmt_flags, fmt_pointer, fmt_string,
                     fmt_timeval, guest_cstr, s32)


def print_execve(proc, args):
    out = fmt_string(proc, args[0]) + ",{"
    addr = args[1] & 0xFFFFFFFF
    while True:
        raw = _read(proc, addr, 4)
        if raw is None:
            return Unclosed(out)               # qemu stops right there
        p = int.from_bytes(raw, "little")
        if not p:
            break
        s = guest_cstr(proc, p)
        if s is not None:
            out += '"' + s.decode("latin-1") + '",'
        addr += 4
    return out + "NULL}"


def print_clone(proc, args):
    # ARM is CLONE_BACKWARDS: flags, child_stack, parent_tidptr, tls, child_tidptr
    return (fmt_flags(T.CLONE_FLAGS, args[0]) +
            "".join(f",{n}=0x{args[i] & 0xFFFFFFFF:08x}" for i, n in
                    ((1, "child_stack"), (2, "parent_tidptr"), (3, "tls"), (4, "child_tidptr"))))


def _socket_type(t):
    t &= 0xFFFFFFFF
    base = T.SOCKET_TYPES.get(t & 0xF, str(t & 0xF))
    for name, bit in T.SOCKET_TYPE_FLAGS:
        if t & bit:
            base += "|" + name
    return base


def _socket_protocol(domain, typ, proto):
    if domain == 17 or domain == 2 and typ & 0xF == 10:          # AF_PACKET
        return "ETH_P_ALL" if proto == 3 else str(proto)
    if domain == 16:
        return T.NETLINK_PROTOCOLS.get(proto, str(proto))
    return T.IP_PROTOCOLS.get(proto, str(proto))


def print_socket(proc, args):
    domain, typ, proto = s32(args[0]), args[1], s32(args[2])
    return (T.SOCKET_DOMAINS.get(domain, str(domain)) + "," + _socket_type(typ) + "," +
            _socket_protocol(domain, typ, proto))


def fmt_sockaddr(proc, addr, length):
    length &= 0xFFFFFFFF
    raw = _read(proc, addr, length) if addr and length else None
    if raw is None or length < 2:
        return f"0x{addr & 0xFFFFFFFF:08x},, {length}"
    fam = struct.unpack_from("<H", raw)[0]
    if fam == 1:
        path = raw[2:length].split(b"\0", 1)[0]
        body = '{sun_family=AF_UNIX,sun_path="' + path.decode("latin-1") + '"}'
    elif fam == 2 and length >= 8:
        port = struct.unpack_from(">H", raw, 2)[0]
        import socket                        # here: a 40 ms import at start-up otherwise
        ip = socket.inet_ntoa(raw[4:8])
        body = f'{{sin_family=AF_INET,sin_port=htons({port}),sin_addr=inet_addr("{ip}")}}'
    elif fam == 16 and length >= 12:
        pid, groups = struct.unpack_from("<II", raw, 4)
        body = f"{{nl_family=AF_NETLINK,nl_pid={pid},nl_groups={groups}}}"
    else:
        data = (raw[2:16] + bytes(14))[:14]
        body = f"{{sa_family={fam}, sa_data={{" + ", ".join(f"{b:02x}" for b in data) + "}}"
    return f"{body}, {length}"


def print_bind(proc, args):
    return f"{s32(args[0])}," + fmt_sockaddr(proc, args[1], args[2])


def print_fallocate(proc, args):
    off = (args[2] & 0xFFFFFFFF) | (args[3] & 0xFFFFFFFF) << 32
    ln = (args[4] & 0xFFFFFFFF) | (args[5] & 0xFFFFFFFF) << 32
    off -= (1 << 64) if off >> 63 else 0
    ln -= (1 << 64) if ln >> 63 else 0
    return f"{s32(args[0])},{fmt_flags(T.FALLOC_FLAGS, args[1])},{off},{ln}"


def fmt_fdset(proc, n, addr):
    if not addr & 0xFFFFFFFF:
        return "[]"
    n = s32(n)
    raw = _read(proc, addr, 4 * (max(n, 0) // 32 + 1))
    if raw is None:
        return "["
    bits = int.from_bytes(raw, "little")
    return "[" + ",".join(str(i) for i in range(n, -1, -1) if bits >> i & 1) + "]"


def _select_sets(proc, args):
    return ",".join([fmt_fdset(proc, args[0], args[1]), fmt_fdset(proc, args[0], args[2]),
                     fmt_fdset(proc, args[0], args[3]), fmt_timeval(proc, args[4])])


def print_newselect(proc, args):
    return _select_sets(proc, args)


def result_newselect(proc, ret, args):
    return f" =  = 0x{ret & 0xFFFFFFFF:08x} ({_select_sets(proc, args)})"


def print_futimesat(proc, args):
    return ",".join([fmt_dirfd(proc, args[0]), fmt_string(proc, args[1]),
                     fmt_timeval(proc, args[2]), fmt_timeval(proc, (args[2] + 8) & 0xFFFFFFFF)])


def _makedev(mode, dev):
    fmt = mode & 0o170000
    if fmt not in (0o20000, 0o60000):
        return ""
    dev &= 0xFFFFFFFF
    return f",makedev({(dev >> 8) & 0xFFF},{(dev & 0xFF) | ((dev >> 12) & 0xFFF00)})"


def print_mknod(proc, args):
    return fmt_string(proc, args[0]) + "," + fmt_file_mode(proc, args[1]) + \
        _makedev(args[1], args[2])


def print_mknodat(proc, args):
    return fmt_dirfd(proc, args[0]) + "," + print_mknod(proc, args[1:])


def print_mlockall(proc, args):
    return fmt_flags(T.MLOCKALL_FLAGS, args[0])


ITIMER_WHICH = {0: "ITIMER_REAL", 1: "ITIMER_VIRTUAL", 2: "ITIMER_PROF"}


def fmt_itimerval(proc, addr):
    if not addr & 0xFFFFFFFF:
        return "NULL"
    if _read(proc, addr, 16) is None:
        return fmt_pointer(proc, addr)
    return (f"{{it_interval={fmt_timeval(proc, addr)},"
            f"it_value={fmt_timeval(proc, (addr + 8) & 0xFFFFFFFF)},}}")


def _which(v):
    v &= 0xFFFFFFFF
    return ITIMER_WHICH.get(v) or f"{v:#x}"


def print_setitimer(proc, args):
    return f"{_which(args[0])},{fmt_itimerval(proc, args[1])},{fmt_pointer(proc, args[2])}"


def result_setitimer(proc, ret, args):
    return f" = {s32(ret)} (old_value = {fmt_itimerval(proc, args[2])})"


def print_getitimer(proc, args):
    return f"{_which(args[0])},{fmt_pointer(proc, args[1])}"


def result_getitimer(proc, ret, args):
    return f" = {s32(ret)} ({fmt_itimerval(proc, args[1])})"


CALL_PRINTERS = {"execve": print_execve, "clone": print_clone, "socket": print_socket,
                 "bind": print_bind, "fallocate": print_fallocate,
                 "newselect": print_newselect, "futimesat": print_futimesat,
                 "mknod": print_mknod, "mknodat": print_mknodat, "mlockall": print_mlockall,
                 "setitimer": print_setitimer, "getitimer": print_getitimer}
def result_listxattr(proc, ret, args):
    """qemu's print_syscall_ret_listxattr: ' = N (list = "a","b")' (an empty list:
    '(list = )'), a NULL buffer: '(list = NULL)'; the names are read from guest memory."""
    n = s32(ret)
    addr = args[1] & 0xFFFFFFFF
    if not addr:
        return f" = {n} (list = NULL)"
    names, left = [], n
    while left > 0:
        name = guest_cstr(proc, addr)
        names.append(fmt_string(proc, addr))
        step = len(name) + 1 if name is not None else left
        left -= step
        addr += step
    return f" = {n} (list = " + ",".join(names) + ")"


RESULT_PRINTERS = {"listxattr": result_listxattr, "newselect": result_newselect,
                   "setitimer": result_setitimer,
                   "getitimer": result_getitimer}

__all__ = ["CALL_PRINTERS", "RESULT_PRINTERS", "fmt_pointer"]

"""Extended attributes: set/get/list/remove xattr in their path, l(ink) and
f(d) variants.  The layouts are the same on ARM and x86-64 (names are C
strings, values byte buffers), so each call passes through to the host with
the -L path rule applied and the guest buffers range-checked.

Usage::

    from usermode.syscalls.sys_xattr import sys_getxattr
    sys_getxattr(proc, path_addr, name_addr, buf_addr, size)   # -> length or -errno
"""
from __future__ import annotations

import errno

from .hostsys import cstr, guest_path_arg, hbuf, hsys, s32

XATTR_NAME_MAX = 255

# host (x86-64) numbers, by the kind of first argument: path, link (no follow), fd
HOST = {
    "set": {"path": 188, "link": 189, "fd": 190},
    "get": {"path": 191, "link": 192, "fd": 193},
    "list": {"path": 194, "link": 195, "fd": 196},
    "remove": {"path": 197, "link": 198, "fd": 199},
}


def _target(proc, kind: str, arg: int):
    """First argument for the host: a host path buffer (kept alive) or an fd."""
    if kind == "fd":
        return None, s32(arg)
    hp = guest_path_arg(proc, arg)
    return hp, hp.addr


def _name(proc, addr: int):
    name = proc.mem.read_cstr(addr, XATTR_NAME_MAX + 2)
    if len(name) > XATTR_NAME_MAX:
        raise OverflowError
    return cstr(name)


def _call(op: str, kind: str):
    nr = HOST[op][kind]

    def handler(proc, a0, a1, a2=0, a3=0, a4=0, *_):
        keep, first = _target(proc, kind, a0)
        if op == "list":
            return hsys(nr, first, hbuf(proc, a1, a2) if a2 else 0, a2)
        try:
            name = _name(proc, a1)
        except OverflowError:
            return -errno.ERANGE
        if op == "remove":
            return hsys(nr, first, name.addr)
        if op == "get":
            return hsys(nr, first, name.addr, hbuf(proc, a2, a3) if a3 else 0, a3)
        return hsys(nr, first, name.addr, hbuf(proc, a2, a3), a3, s32(a4))

    handler.__name__ = f"sys_{'' if kind == 'path' else kind[0]}{op}xattr"
    return handler


sys_setxattr, sys_lsetxattr, sys_fsetxattr = (_call("set", k) for k in ("path", "link", "fd"))
sys_getxattr, sys_lgetxattr, sys_fgetxattr = (_call("get", k) for k in ("path", "link", "fd"))
sys_listxattr, sys_llistxattr, sys_flistxattr = (_call("list", k) for k in ("path", "link", "fd"))
sys_removexattr, sys_lremovexattr, sys_fremovexattr = (
    _call("remove", k) for k in ("path", "link", "fd"))

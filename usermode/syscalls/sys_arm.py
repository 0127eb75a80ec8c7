"""ARM-private syscalls (0xf0000 + n): cacheflush, set_tls, get_tls.

qemu handles these outside its syscall layer, so -strace prints nothing for
them; the dispatcher does the same (their rows have no strace spec).

Usage::

    from usermode.syscalls.sys_arm import sys_set_tls
    sys_set_tls(proc, 0x12345678, 0, 0, 0, 0, 0)   # proc.cpu "tpidruro" = value
"""
from __future__ import annotations

import errno

ARM_NR_BASE = 0xF0000
ARM_NR_breakpoint = ARM_NR_BASE + 1
ARM_NR_cacheflush = ARM_NR_BASE + 2
ARM_NR_usr26 = ARM_NR_BASE + 3
ARM_NR_usr32 = ARM_NR_BASE + 4
ARM_NR_set_tls = ARM_NR_BASE + 5
ARM_NR_get_tls = ARM_NR_BASE + 6
ARM_NR_LAST_PRIVATE = ARM_NR_BASE + 0x7FF     # 0xf0000..0xf07ff: -ENOSYS if unknown


def sys_cacheflush(proc, start, end, flags, *_):
    if end < start:
        return -errno.EINVAL
    proc.invalidate_code(start, end)
    return 0


def sys_set_tls(proc, value, *_):
    proc.cpu.set("tpidruro", value)
    return 0


def sys_get_tls(proc, *_):
    return proc.cpu.get("tpidruro")

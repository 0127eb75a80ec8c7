"""Syscall layer data: struct layouts against the ARM compiler, flag tables both
ways (with leftover bits), syscall numbers against the kernel headers."""
import ast
import os
import re
import shutil
import subprocess

import pytest

from usermode.syscalls import arm_table, structs as S
from usermode.syscalls.arm_table import ROWS, SYSCALLS, _Handler, lookup
from usermode.syscalls.hostsys import H
from usermode.syscalls.xlat import (BitTable, MMAP_FLAGS, OPEN_FLAGS, PIPE2_FLAGS,
                                    PROT_FLAGS, bit)

CC = "arm-linux-gnueabihf-gcc"
QEMU = "qemu-arm"
ARM_UNISTD = "/usr/arm-linux-gnueabihf/include/asm/unistd-eabi.h"
HOST_UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
BUILD = os.path.join(os.path.dirname(__file__), "build", "syscalls")

needs_arm = pytest.mark.skipif(not (shutil.which(CC) and shutil.which(QEMU)),
                               reason="needs arm-linux-gnueabihf-gcc and qemu-arm")

LAYOUT_C = r"""
#include <stdio.h>
#include <stddef.h>
#include <asm/stat.h>
#include <asm/statfs.h>
#include <sys/sysinfo.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/uio.h>
#include <asm/termbits.h>
#include <linux/time_types.h>
#include <signal.h>
#include <asm/fcntl.h>
#include <sys/utsname.h>
#define O(s,f) printf(#s " " #f " %zu %zu\n", offsetof(struct s, f), sizeof(((struct s*)0)->f))
#define Z(s) printf(#s " sizeof %zu 0\n", sizeof(struct s))
int main(void) {
  Z(stat64); O(stat64,st_dev); O(stat64,__st_ino); O(stat64,st_mode); O(stat64,st_nlink);
  O(stat64,st_uid); O(stat64,st_gid); O(stat64,st_rdev); O(stat64,st_size);
  O(stat64,st_blksize); O(stat64,st_blocks); O(stat64,st_atime); O(stat64,st_atime_nsec);
  O(stat64,st_mtime); O(stat64,st_mtime_nsec); O(stat64,st_ctime); O(stat64,st_ctime_nsec);
  O(stat64,st_ino);
  Z(statfs64); O(statfs64,f_type); O(statfs64,f_bsize); O(statfs64,f_blocks);
  O(statfs64,f_bfree); O(statfs64,f_bavail); O(statfs64,f_files); O(statfs64,f_ffree);
  O(statfs64,f_fsid); O(statfs64,f_namelen); O(statfs64,f_frsize); O(statfs64,f_flags);
  O(statfs64,f_spare);
  Z(sysinfo); O(sysinfo,uptime); O(sysinfo,loads); O(sysinfo,totalram); O(sysinfo,freeram);
  O(sysinfo,sharedram); O(sysinfo,bufferram); O(sysinfo,totalswap); O(sysinfo,freeswap);
  O(sysinfo,procs); O(sysinfo,totalhigh); O(sysinfo,freehigh); O(sysinfo,mem_unit);
  Z(rusage); O(rusage,ru_utime); O(rusage,ru_stime); O(rusage,ru_maxrss); O(rusage,ru_nivcsw);
  Z(tms); O(tms,tms_utime); O(tms,tms_cstime);
  Z(iovec); O(iovec,iov_base); O(iovec,iov_len);
  Z(termios); O(termios,c_iflag); O(termios,c_lflag); O(termios,c_line); O(termios,c_cc);
  Z(timespec); O(timespec,tv_sec); O(timespec,tv_nsec);
  Z(__kernel_timespec); O(__kernel_timespec,tv_nsec);
  Z(timeval); O(timeval,tv_usec);
  Z(rlimit); O(rlimit,rlim_max);
  Z(flock); O(flock,l_type); O(flock,l_whence); O(flock,l_start); O(flock,l_len); O(flock,l_pid);
  Z(flock64); O(flock64,l_start); O(flock64,l_len); O(flock64,l_pid);
  Z(utsname); O(utsname,machine); printf("utsname domainname %zu %zu\n", offsetof(struct utsname, __domainname), sizeof(((struct utsname*)0)->__domainname));
  printf("stack_t sizeof %zu 0\n", sizeof(stack_t));
  return 0;
}
"""

# our declaration <- the C struct name it must match
STRUCTS = {
    "stat64": S.STAT64, "statfs64": S.STATFS64, "sysinfo": S.SYSINFO32,
    "rusage": S.RUSAGE32, "tms": S.TMS32, "iovec": S.IOVEC32, "termios": S.TERMIOS,
    "timespec": S.TIMESPEC32, "__kernel_timespec": S.TIMESPEC64, "timeval": S.TIMEVAL32,
    "rlimit": S.RLIMIT32, "flock": S.FLOCK32, "flock64": S.FLOCK64, "utsname": S.UTSNAME,
    "stack_t": S.STACK32,
}


@pytest.fixture(scope="module")
def arm_layout():
    os.makedirs(BUILD, exist_ok=True)
    src, exe = os.path.join(BUILD, "layout.c"), os.path.join(BUILD, "layout")
    with open(src, "w") as f:
        f.write(LAYOUT_C)
    subprocess.run([CC, "-O1", "-o", exe, src], check=True)
    out = subprocess.run([QEMU, "-L", "/usr/arm-linux-gnueabihf", exe], check=True,
                         capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        s, field, off, size = line.split()
        rows[(s, field)] = (int(off), int(size))
    return rows


@needs_arm
def test_struct_layouts_match_arm_gcc(arm_layout):
    checked = 0
    for (sname, field), (off, size) in arm_layout.items():
        ours = STRUCTS[sname]
        if field == "sizeof":
            assert ours.size == off, sname
        else:
            assert (ours.offset(field), ours.field_size(field)) == (off, size), (sname, field)
        checked += 1
    assert checked > 60
    assert S.STAT64.size == 104


def test_host_struct_sizes():
    # x86-64 kernel layouts (asm/stat.h, asm/statfs.h, linux/sysinfo.h ...)
    assert S.HOST_STAT.size == 144 and S.HOST_STAT.offset("st_size") == 48
    assert S.HOST_STAT.offset("st_mode") == 24 and S.HOST_STAT.offset("st_ctime_nsec") == 112
    assert S.HOST_STATFS.size == 120 and S.HOST_STATFS.offset("f_spare") == 88
    assert S.HOST_SYSINFO.size == 112 and S.HOST_SYSINFO.offset("mem_unit") == 104
    assert S.HOST_SYSINFO.offset("totalhigh") == 88
    assert S.HOST_RUSAGE.size == 144 and S.HOST_IOVEC.size == 16


def test_stat_conversion_both_fields():
    host = dict(st_dev=0x803, st_ino=0x1_2345_6789, st_nlink=3, st_mode=0o100644,
                st_uid=1000, st_gid=100, st_rdev=0, st_size=1 << 33, st_blksize=4096,
                st_blocks=17, st_atime=1700000000, st_atime_nsec=5, st_mtime=1700000001,
                st_mtime_nsec=6, st_ctime=1700000002, st_ctime_nsec=7)
    raw = S.HOST_STAT.pack(**host)
    g = S.STAT64.unpack(S.stat_to_guest(S.HOST_STAT.unpack(raw)))
    assert g["st_ino"] == 0x1_2345_6789 and g["__st_ino"] == 0x2345_6789   # truncated
    assert g["st_size"] == 1 << 33 and g["st_mode"] == 0o100644
    assert (g["st_mtime"], g["st_mtime_nsec"], g["st_blocks"]) == (1700000001, 6, 17)


def test_rlimit_and_sysinfo_conversions():
    inf = S.RLIM64_INFINITY
    assert S.RLIMIT32.unpack(S.rlimit_to_guest32(inf, 1 << 40)) == \
        {"rlim_cur": 0xFFFFFFFF, "rlim_max": 0xFFFFFFFF}
    assert S.rlimit_from_guest32(S.RLIMIT32.pack(rlim_cur=8 << 20, rlim_max=0xFFFFFFFF)) == \
        (8 << 20, inf)
    big = dict(uptime=5, loads=(1, 2, 3), totalram=24 << 30, freeram=10 << 30, sharedram=0,
               bufferram=1 << 20, totalswap=0, freeswap=0, procs=9, totalhigh=0, freehigh=0,
               mem_unit=1)
    g = S.SYSINFO32.unpack(S.sysinfo_to_guest(big))
    assert g["mem_unit"] == 4096 and g["totalram"] * 4096 == 24 << 30 and g["procs"] == 9
    small = dict(big, totalram=1 << 30, freeram=1 << 29)
    g = S.SYSINFO32.unpack(S.sysinfo_to_guest(small))
    assert g["mem_unit"] == 1 and g["totalram"] == 1 << 30


def test_timespec_flock_roundtrip():
    raw = S.timespec_from_guest32(S.TIMESPEC32.pack(tv_sec=-1, tv_nsec=999))
    assert S.TIMESPEC64.unpack(raw) == {"tv_sec": -1, "tv_nsec": 999}
    g = S.FLOCK32.pack(l_type=1, l_whence=0, l_start=100, l_len=-1, l_pid=7)
    h = S.FLOCK64.unpack(S.flock_from_guest32(g))
    assert (h["l_start"], h["l_len"], h["l_pid"]) == (100, -1, 7)
    assert S.flock_to_guest32(S.flock_from_guest32(g)) == g


def test_open_flags_translate_both_ways():
    arm = {"O_DIRECTORY": 0o40000, "O_NOFOLLOW": 0o100000, "O_DIRECT": 0o200000}
    x86 = {"O_DIRECTORY": 0o200000, "O_NOFOLLOW": 0o400000, "O_DIRECT": 0o40000}
    for name in arm:
        assert OPEN_FLAGS.to_host(arm[name]) == x86[name], name
        assert OPEN_FLAGS.to_guest(x86[name]) == arm[name], name
    same = 0o2 | 0o100 | 0o200 | 0o1000 | 0o2000 | 0o4000 | 0o2000000 | 0o10000000
    assert OPEN_FLAGS.to_host(same) == same and OPEN_FLAGS.to_guest(same) == same
    # O_LARGEFILE: dropped both ways (qemu never reports it)
    assert OPEN_FLAGS.to_host(0o400000 | 1) == 1
    assert OPEN_FLAGS.to_guest(0o100000 | 1) == 1
    # leftover bits: dropped, as qemu does for open
    assert OPEN_FLAGS.to_host(0x80000000 | 0o100) == 0o100


def test_leftover_policies():
    rows = [bit("A", 1, 0x10), ("B", 2, 2, 0, 0)]
    assert BitTable(rows, "drop").to_host(1 | 2 | 0x100) == 0x10
    assert BitTable(rows, "pass").to_host(1 | 0x100) == 0x110
    with pytest.raises(ValueError):
        BitTable(rows, "reject").to_host(0x100)
    assert BitTable(rows, "reject").to_guest(0x10) == 1
    with pytest.raises(ValueError):
        PROT_FLAGS.to_host(0x10)
    assert PROT_FLAGS.to_host(7 | 8) == 7                     # PROT_SEM accepted, not applied
    with pytest.raises(ValueError):
        PIPE2_FLAGS.to_host(0o100)                           # O_CREAT is no pipe2 flag
    assert PIPE2_FLAGS.to_host(0o200000 | 0o2000000) == 0o40000 | 0o2000000


def test_mmap_flags():
    assert MMAP_FLAGS.to_host(0x22) == 0x22
    assert MMAP_FLAGS.to_host(0x02 | 0x100 | 0x800) == 0x02      # GROWSDOWN/DENYWRITE dropped
    assert MMAP_FLAGS.to_host(0x03) == 0x03                      # MAP_SHARED_VALIDATE
    assert MMAP_FLAGS.to_host(0x01 | 0x100000) == 0x100001


def _defines(path, pattern):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(pattern, line)
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


@pytest.mark.skipif(not os.path.exists(ARM_UNISTD), reason="no ARM cross headers")
def test_arm_numbers_match_kernel_header():
    nrs = _defines(ARM_UNISTD, r"#define __NR_(\w+)\s+\(__NR_SYSCALL_BASE \+ (\d+)\)")
    for row in ROWS:
        if row.nr >= 0xF0000:
            continue
        assert nrs[row.name] == row.nr, row.name
    assert "time" not in nrs and "getrlimit" not in nrs      # not on EABI: ENOSYS
    assert lookup(13).handler(None) == -38


@pytest.mark.skipif(not os.path.exists(HOST_UNISTD), reason="no x86-64 kernel headers")
def test_host_numbers_match_kernel_header():
    nrs = _defines(HOST_UNISTD, r"#define __NR_(\w+)\s+(\d+)")
    for name, nr in H.items():
        assert nrs[name] == nr, name


def test_private_arm_calls_are_rows():
    assert SYSCALLS[0xF0002].name == "cacheflush" and SYSCALLS[0xF0005].name == "set_tls"
    assert lookup(0xF0010).handler(None) == -38


def test_every_handler_resolves():
    # the table names its handlers; a misspelt one would only fail when called
    for row in ROWS:
        h = row.handler.resolve() if isinstance(row.handler, _Handler) else row.handler
        assert callable(h), row.name
    assert lookup(4).handler.__name__ == "sys_write" and SYSCALLS[4].handler is lookup(4).handler


def test_table_has_no_duplicate_numbers():
    # TABLE is a dict display: a repeated number would silently replace an entry
    tree = ast.parse(open(arm_table.__file__).read())
    table, = (n.value for n in tree.body
              if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", None) == "TABLE")
    keys = [ast.unparse(k) for k in table.keys]
    assert len(keys) == len(set(keys)) == len(arm_table.TABLE) == len(SYSCALLS) == len(ROWS)

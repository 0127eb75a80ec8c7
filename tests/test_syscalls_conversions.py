"""Structure layouts and conversions added for the process, network, timer
and multiplexing calls, checked both ways.

Layouts are compared with the compilers themselves: the ARM declarations
with what arm-linux-gnueabihf-gcc says (the program runs under qemu-arm),
the x86-64 ones with what the host gcc says.  Conversions are checked as
round trips and against hand-made bytes.
"""
import os
import shutil
import struct
import subprocess

import pytest

from usermode.syscalls import structs as S
from usermode.syscalls.sys_fdkind import EFD_FLAGS, IN_INIT_FLAGS, MFD_FLAGS, TFD_SETTIME_FLAGS
from usermode.syscalls.sys_fsattr import low2high
from usermode.syscalls.sys_ids import high2low
from usermode.syscalls.sys_sockmsg import cmsgs_to_guest, cmsgs_to_host
from usermode.syscalls.xlat import PIPE2_FLAGS

BUILD = os.path.join(os.path.dirname(__file__), "build", "syscalls")

LAYOUT_C = r"""
#define _GNU_SOURCE
#include <stdio.h>
#include <stddef.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#define O(s,f) printf(#s " " #f " %zu %zu\n", offsetof(s, f), sizeof(((s*)0)->f))
#define Z(s) printf(#s " sizeof %zu 0\n", sizeof(s))
int main(void) {
  Z(struct epoll_event); O(struct epoll_event, events); O(struct epoll_event, data);
  Z(struct msghdr); O(struct msghdr, msg_name); O(struct msghdr, msg_namelen);
  O(struct msghdr, msg_iov); O(struct msghdr, msg_iovlen); O(struct msghdr, msg_control);
  O(struct msghdr, msg_controllen); O(struct msghdr, msg_flags);
  Z(struct mmsghdr); O(struct mmsghdr, msg_len);
  Z(struct cmsghdr); O(struct cmsghdr, cmsg_len); O(struct cmsghdr, cmsg_level);
  O(struct cmsghdr, cmsg_type);
  Z(struct itimerspec); O(struct itimerspec, it_interval); O(struct itimerspec, it_value);
  Z(struct itimerval); O(struct itimerval, it_interval); O(struct itimerval, it_value);
  Z(struct sigevent); O(struct sigevent, sigev_value); O(struct sigevent, sigev_signo);
  O(struct sigevent, sigev_notify); printf("struct sigevent sigev_tid %zu 4\n",
      offsetof(struct sigevent, _sigev_un._tid));
  Z(siginfo_t); O(siginfo_t, si_signo); O(siginfo_t, si_errno); O(siginfo_t, si_code);
  O(siginfo_t, si_pid); O(siginfo_t, si_uid); O(siginfo_t, si_status);
  O(siginfo_t, si_utime); O(siginfo_t, si_stime);
  return 0;
}
"""
# C name -> (ARM declaration, x86-64 declaration); fields named alike in both
STRUCTS = {
    "struct epoll_event": (S.EPOLL_EVENT32, S.HOST_EPOLL_EVENT),
    "struct msghdr": (S.MSGHDR32, S.HOST_MSGHDR),
    "struct mmsghdr": (S.MMSGHDR32, S.HOST_MMSGHDR),
    "struct cmsghdr": (S.CMSGHDR32, S.HOST_CMSGHDR),
    "struct itimerspec": (S.ITIMERSPEC32, S.HOST_ITIMERSPEC),
    "struct itimerval": (S.ITIMERVAL32, S.HOST_ITIMERVAL),
    "struct sigevent": (S.SIGEVENT32, S.HOST_SIGEVENT),
    "siginfo_t": (S.SIGINFO32_CHLD, S.HOST_SIGINFO_CHLD),
}


def _layout(cc, runner):
    os.makedirs(BUILD, exist_ok=True)
    tag = "arm" if runner else "host"
    src, exe = os.path.join(BUILD, f"layout2_{tag}.c"), os.path.join(BUILD, f"layout2_{tag}")
    with open(src, "w") as f:
        f.write(LAYOUT_C)
    subprocess.run([cc, "-O1", "-static", "-o", exe, src], check=True)
    out = subprocess.run(runner + [exe], check=True, capture_output=True, text=True).stdout
    rows = {}
    for line in out.splitlines():
        *name, field, off, size = line.split()
        rows[(" ".join(name), field)] = (int(off), int(size))
    return rows


def _check(rows, which):
    checked = 0
    for (cname, field), (off, size) in rows.items():
        ours = STRUCTS[cname][which]
        if field == "sizeof":
            assert ours.size == off, cname
        elif field in ("si_utime", "si_stime") or cname == "struct sigevent" and field == "sigev_value":
            assert ours.offset(field) == off, (cname, field)      # clock_t / sigval: width checked by size
        else:
            assert (ours.offset(field), ours.field_size(field)) == (off, size), (cname, field)
        checked += 1
    assert checked >= 30


@pytest.mark.skipif(not (shutil.which("arm-linux-gnueabihf-gcc") and shutil.which("qemu-arm")),
                    reason="needs arm-linux-gnueabihf-gcc and qemu-arm")
def test_arm_layouts_match_gcc():
    _check(_layout("arm-linux-gnueabihf-gcc", ["qemu-arm"]), 0)


@pytest.mark.skipif(not shutil.which("gcc"), reason="needs the host gcc")
def test_host_layouts_match_gcc():
    _check(_layout("gcc", []), 1)


def test_epoll_event_both_ways():
    arm = struct.pack("<I4xQ", 0x2001, 0x1122334455667788) + struct.pack("<I4xQ", 1, 42)
    host = S.epoll_events_to_host(arm, 2)
    assert host == struct.pack("<IQ", 0x2001, 0x1122334455667788) + struct.pack("<IQ", 1, 42)
    assert S.epoll_events_to_guest(host, 2) == arm


def test_itimer_both_ways():
    arm = struct.pack("<4i", 1, 500, -1, 999999999)
    host = S.itimer_to_host(S.ITIMERSPEC32, S.HOST_ITIMERSPEC, arm)
    assert host == struct.pack("<4q", 1, 500, -1, 999999999)
    assert S.itimer_to_guest(S.ITIMERSPEC32, S.HOST_ITIMERSPEC, host) == arm
    tv = struct.pack("<4i", 0, 0, 100, 5)
    assert S.itimer_to_guest(S.ITIMERVAL32, S.HOST_ITIMERVAL,
                             S.itimer_to_host(S.ITIMERVAL32, S.HOST_ITIMERVAL, tv)) == tv


def test_timespec64_upper_nsec_ignored():
    raw = struct.pack("<qQ", 5, 0xDEADBEEF_00000007) + struct.pack("<qQ", -1, 3)
    assert S.timespec64_from_guest(raw) == struct.pack("<qQ", 5, 7) + struct.pack("<qQ", -1, 3)


def test_sigevent_and_siginfo():
    arm = S.SIGEVENT32.pack(sigev_value=0xABCD, sigev_signo=14, sigev_notify=4, sigev_tid=77)
    d = S.HOST_SIGEVENT.unpack(S.sigevent_to_host(arm))
    assert (d["sigev_value"], d["sigev_signo"], d["sigev_notify"], d["sigev_tid"]) == \
        (0xABCD, 14, 4, 77)
    host = S.HOST_SIGINFO_CHLD.pack(si_signo=17, si_code=2, si_pid=1234, si_uid=1000,
                                    si_status=15, si_utime=3, si_stime=4)
    g = S.SIGINFO32_CHLD.unpack(S.siginfo_chld_to_guest(host))
    assert (g["si_signo"], g["si_code"], g["si_pid"], g["si_uid"], g["si_status"],
            g["si_utime"], g["si_stime"]) == (17, 2, 1234, 1000, 15, 3, 4)
    assert len(S.siginfo_chld_to_guest(host)) == 128


def test_cmsgs_both_ways():
    rights = struct.pack("<IiI", 12 + 8, 1, 1) + struct.pack("<ii", 5, 6)
    creds = struct.pack("<Iii", 12 + 12, 1, 2) + struct.pack("<iII", 100, 0, 0)
    guest = rights + creds
    host = cmsgs_to_host(guest)
    # x86-64: 16-byte headers, 8-aligned payloads
    assert host[:16] == struct.pack("<Qii", 16 + 8, 1, 1) and host[16:24] == struct.pack("<ii", 5, 6)
    assert host[24:40] == struct.pack("<Qii", 16 + 12, 1, 2)
    back, cut = cmsgs_to_guest(host, 1024)
    assert back == guest and not cut
    # too little room: as many descriptors as fit, MSG_CTRUNC
    part, cut = cmsgs_to_guest(cmsgs_to_host(rights), 16)
    assert cut and part == struct.pack("<IiI", 16, 1, 1) + struct.pack("<i", 5)
    # old-style timestamps change size: timeval 16 bytes on x86-64, 8 on ARM
    ts = struct.pack("<Iii", 12 + 8, 1, 29) + struct.pack("<ii", 7, 8)
    h = cmsgs_to_host(ts)
    assert h == struct.pack("<Qii", 32, 1, 29) + struct.pack("<qq", 7, 8)
    assert cmsgs_to_guest(h, 64) == (ts, False)


def test_fd_flag_tables_both_ways_and_leftovers():
    assert EFD_FLAGS.to_host(0o2004001) == 0o2004001
    assert EFD_FLAGS.to_guest(0o2004001) == 0o2004001
    assert MFD_FLAGS.to_host(3) == 3 and IN_INIT_FLAGS.to_host(0o4000) == 0o4000
    assert TFD_SETTIME_FLAGS.to_host(1) == 1
    assert PIPE2_FLAGS.to_host(0o200000) == 0o40000 and PIPE2_FLAGS.to_guest(0o40000) == 0o200000
    for table, bad in ((EFD_FLAGS, 2), (MFD_FLAGS, 0x20), (IN_INIT_FLAGS, 1),
                       (TFD_SETTIME_FLAGS, 4), (PIPE2_FLAGS, 1)):
        with pytest.raises(ValueError):
            table.to_host(bad)


def test_16bit_ids():
    assert low2high(0xFFFF) == 0xFFFFFFFF and low2high(0x1FFFF) == 0xFFFFFFFF
    assert low2high(1000) == 1000
    assert high2low(70000) == 65534 and high2low(1000) == 1000

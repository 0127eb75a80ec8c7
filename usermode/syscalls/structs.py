"""Guest (ARM EABI) and host (x86-64) structures, declared once as data.

Each structure is a list of (field, struct-format) with every pad written out
("<" formats: no implicit alignment), so offsets and sizes are exactly the
ABI's; the tests compare them with what arm-linux-gnueabihf-gcc says.
A field whose format has a repeat count (other than "s") is a tuple.

Usage::

    from usermode.syscalls.structs import STAT64, HOST_STAT, stat_to_guest
    STAT64.size                     # 104
    STAT64.offset("st_size")        # 48
    raw = STAT64.pack(st_mode=0o100644, st_size=5)      # missing fields are 0
    STAT64.unpack(raw)["st_size"]   # 5
    stat_to_guest(HOST_STAT.unpack(host_bytes))         # -> ARM stat64 bytes
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Dict, List, Tuple

# ---- declarations: ARM EABI guest structures -----------------------------------------
STAT64_FIELDS = [  # struct stat64, arch/arm/include/uapi/asm/stat.h
    ("st_dev", "Q"), ("__pad0", "4x"), ("__st_ino", "I"), ("st_mode", "I"),
    ("st_nlink", "I"), ("st_uid", "I"), ("st_gid", "I"), ("st_rdev", "Q"),
    ("__pad3", "8x"), ("st_size", "q"), ("st_blksize", "I"), ("__pad4", "4x"),
    ("st_blocks", "Q"), ("st_atime", "I"), ("st_atime_nsec", "I"),
    ("st_mtime", "I"), ("st_mtime_nsec", "I"), ("st_ctime", "I"),
    ("st_ctime_nsec", "I"), ("st_ino", "Q"),
]
STATFS64_FIELDS = [  # struct statfs64, packed, aligned(4) on ARM EABI: 84 bytes
    ("f_type", "I"), ("f_bsize", "I"), ("f_blocks", "Q"), ("f_bfree", "Q"),
    ("f_bavail", "Q"), ("f_files", "Q"), ("f_ffree", "Q"), ("f_fsid", "2i"),
    ("f_namelen", "I"), ("f_frsize", "I"), ("f_flags", "I"), ("f_spare", "4I"),
]
UTSNAME_FIELDS = [(n, "65s") for n in
                  ("sysname", "nodename", "release", "version", "machine", "domainname")]
TIMESPEC32_FIELDS = [("tv_sec", "i"), ("tv_nsec", "i")]
TIMESPEC64_FIELDS = [("tv_sec", "q"), ("tv_nsec", "q")]     # also the host's
TIMEVAL32_FIELDS = [("tv_sec", "i"), ("tv_usec", "i")]
TIMEZONE_FIELDS = [("tz_minuteswest", "i"), ("tz_dsttime", "i")]  # same on host
RLIMIT32_FIELDS = [("rlim_cur", "I"), ("rlim_max", "I")]
RLIMIT64_FIELDS = [("rlim_cur", "Q"), ("rlim_max", "Q")]      # also the host's
IOVEC32_FIELDS = [("iov_base", "I"), ("iov_len", "I")]
WINSIZE_FIELDS = [("ws_row", "H"), ("ws_col", "H"), ("ws_xpixel", "H"), ("ws_ypixel", "H")]
TERMIOS_FIELDS = [  # asm-generic/termbits.h struct termios: same on ARM and x86-64
    ("c_iflag", "I"), ("c_oflag", "I"), ("c_cflag", "I"), ("c_lflag", "I"),
    ("c_line", "B"), ("c_cc", "19s"),
]
SYSINFO32_FIELDS = [
    ("uptime", "i"), ("loads", "3I"), ("totalram", "I"), ("freeram", "I"),
    ("sharedram", "I"), ("bufferram", "I"), ("totalswap", "I"), ("freeswap", "I"),
    ("procs", "H"), ("pad", "H"), ("totalhigh", "I"), ("freehigh", "I"),
    ("mem_unit", "I"), ("_f", "8x"),
]
TMS32_FIELDS = [("tms_utime", "i"), ("tms_stime", "i"), ("tms_cutime", "i"), ("tms_cstime", "i")]
RUSAGE_LONGS = ("ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
                "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv",
                "ru_nsignals", "ru_nvcsw", "ru_nivcsw")
RUSAGE32_FIELDS = [("ru_utime", "2i"), ("ru_stime", "2i")] + [(n, "i") for n in RUSAGE_LONGS]
FLOCK32_FIELDS = [("l_type", "h"), ("l_whence", "h"), ("l_start", "i"), ("l_len", "i"),
                  ("l_pid", "i")]
FLOCK64_FIELDS = [("l_type", "h"), ("l_whence", "h"), ("__pad", "4x"), ("l_start", "q"),
                  ("l_len", "q"), ("l_pid", "i"), ("__pad2", "4x")]  # ARM flock64 == host flock
STACK32_FIELDS = [("ss_sp", "I"), ("ss_flags", "i"), ("ss_size", "I")]
SIGACTION32_FIELDS = [("sa_handler", "I"), ("sa_flags", "I"), ("sa_restorer", "I"),
                      ("sa_mask", "Q")]
ITIMERSPEC32_FIELDS = [("it_interval", "2i"), ("it_value", "2i")]     # 2 x timespec32
ITIMERVAL32_FIELDS = [("it_interval", "2i"), ("it_value", "2i")]      # 2 x timeval32
EPOLL_EVENT32_FIELDS = [("events", "I"), ("__pad", "4x"), ("data", "Q")]   # 8-aligned u64
MSGHDR32_FIELDS = [("msg_name", "I"), ("msg_namelen", "I"), ("msg_iov", "I"),
                   ("msg_iovlen", "I"), ("msg_control", "I"), ("msg_controllen", "I"),
                   ("msg_flags", "i")]
MMSGHDR32_FIELDS = MSGHDR32_FIELDS + [("msg_len", "I")]
CMSGHDR32_FIELDS = [("cmsg_len", "I"), ("cmsg_level", "i"), ("cmsg_type", "i")]
SIGEVENT32_FIELDS = [("sigev_value", "I"), ("sigev_signo", "i"), ("sigev_notify", "i"),
                     ("sigev_tid", "i"), ("_pad", "48x")]
SIGINFO32_CHLD_FIELDS = [("si_signo", "i"), ("si_errno", "i"), ("si_code", "i"),
                         ("si_pid", "i"), ("si_uid", "I"), ("si_status", "i"),
                         ("si_utime", "i"), ("si_stime", "i"), ("_pad", "96x")]

# ---- declarations: x86-64 host structures (kernel layouts) ---------------------------
HOST_STAT_FIELDS = [
    ("st_dev", "Q"), ("st_ino", "Q"), ("st_nlink", "Q"), ("st_mode", "I"),
    ("st_uid", "I"), ("st_gid", "I"), ("__pad0", "4x"), ("st_rdev", "Q"),
    ("st_size", "q"), ("st_blksize", "q"), ("st_blocks", "q"),
    ("st_atime", "q"), ("st_atime_nsec", "Q"), ("st_mtime", "q"),
    ("st_mtime_nsec", "Q"), ("st_ctime", "q"), ("st_ctime_nsec", "Q"),
    ("__unused", "24x"),
]
HOST_STATFS_FIELDS = [
    ("f_type", "q"), ("f_bsize", "q"), ("f_blocks", "Q"), ("f_bfree", "Q"),
    ("f_bavail", "Q"), ("f_files", "Q"), ("f_ffree", "Q"), ("f_fsid", "2i"),
    ("f_namelen", "q"), ("f_frsize", "q"), ("f_flags", "q"), ("f_spare", "4q"),
]
HOST_TIMEVAL_FIELDS = [("tv_sec", "q"), ("tv_usec", "q")]
HOST_IOVEC_FIELDS = [("iov_base", "Q"), ("iov_len", "Q")]
HOST_SYSINFO_FIELDS = [
    ("uptime", "q"), ("loads", "3Q"), ("totalram", "Q"), ("freeram", "Q"),
    ("sharedram", "Q"), ("bufferram", "Q"), ("totalswap", "Q"), ("freeswap", "Q"),
    ("procs", "H"), ("pad", "H"), ("__pad", "4x"), ("totalhigh", "Q"), ("freehigh", "Q"),
    ("mem_unit", "I"), ("_f", "4x"),
]
HOST_TMS_FIELDS = [("tms_utime", "q"), ("tms_stime", "q"), ("tms_cutime", "q"),
                   ("tms_cstime", "q")]
HOST_RUSAGE_FIELDS = [("ru_utime", "2q"), ("ru_stime", "2q")] + [(n, "q") for n in RUSAGE_LONGS]
HOST_ITIMERSPEC_FIELDS = [("it_interval", "2q"), ("it_value", "2q")]
HOST_ITIMERVAL_FIELDS = [("it_interval", "2q"), ("it_value", "2q")]
HOST_EPOLL_EVENT_FIELDS = [("events", "I"), ("data", "Q")]          # packed on x86-64
HOST_MSGHDR_FIELDS = [("msg_name", "Q"), ("msg_namelen", "I"), ("__pad", "4x"),
                      ("msg_iov", "Q"), ("msg_iovlen", "Q"), ("msg_control", "Q"),
                      ("msg_controllen", "Q"), ("msg_flags", "i"), ("__pad2", "4x")]
HOST_MMSGHDR_FIELDS = HOST_MSGHDR_FIELDS + [("msg_len", "I"), ("__pad3", "4x")]
HOST_CMSGHDR_FIELDS = [("cmsg_len", "Q"), ("cmsg_level", "i"), ("cmsg_type", "i")]
HOST_SIGEVENT_FIELDS = [("sigev_value", "Q"), ("sigev_signo", "i"), ("sigev_notify", "i"),
                        ("sigev_tid", "i"), ("_pad", "44x")]
HOST_SIGINFO_CHLD_FIELDS = [("si_signo", "i"), ("si_errno", "i"), ("si_code", "i"),
                            ("__pad", "4x"), ("si_pid", "i"), ("si_uid", "I"),
                            ("si_status", "i"), ("__pad2", "4x"), ("si_utime", "q"),
                            ("si_stime", "q"), ("_pad", "80x")]

def _count_code(fmt: str) -> Tuple[str, str]:
    """A field's struct format "4x", "16s", "I": (repeat count or "", code)."""
    count, code = fmt[:-1], fmt[-1:]
    if not (count.isdigit() or not count) or not (code.isalpha() or code == "?"):
        raise ValueError(f"bad field format {fmt!r}")
    return count, code


class CStruct:
    """A C structure with explicit layout (see the module docstring)."""

    def __init__(self, name: str, fields: List[Tuple[str, str]]):
        self.name = name
        self.fields = fields
        self.st = struct.Struct("<" + "".join(f for _, f in fields))
        self.size = self.st.size

    def __getattr__(self, name: str):
        """_offsets (field -> (offset, size)) and _slots ((field, number of
        values), pads skipped), worked out on first use: a run uses few of
        the module's structures."""
        if name not in ("_offsets", "_slots"):
            raise AttributeError(name)
        offsets: Dict[str, Tuple[int, int]] = {}
        slots: List[Tuple[str, int]] = []
        off = 0
        for fname, fmt in self.fields:
            n = struct.calcsize("<" + fmt)
            offsets[fname] = (off, n)
            off += n
            count, code = _count_code(fmt)
            if code == "x":
                continue
            slots.append((fname, 1 if code == "s" or not count else int(count)))
        self._offsets, self._slots = offsets, slots
        return getattr(self, name)

    def offset(self, field: str) -> int:
        return self._offsets[field][0]

    def field_size(self, field: str) -> int:
        return self._offsets[field][1]

    def pack(self, **values) -> bytes:
        unknown = set(values) - {n for n, _ in self._slots}
        if unknown:
            raise KeyError(f"{self.name}: no field {sorted(unknown)}")
        flat = []
        for fname, n in self._slots:
            fmt = self._fmt_of(fname)
            v = values.get(fname)
            if fmt.endswith("s"):
                flat.append(bytes(v or b""))
            elif n == 1:
                flat.append(_wrap(v or 0, fmt))
            else:
                flat.extend(_wrap(x, fmt) for x in (v or (0,) * n))
        return self.st.pack(*flat)

    def unpack(self, data: bytes) -> dict:
        vals = self.st.unpack(bytes(data[:self.size]))
        out, i = {}, 0
        for fname, n in self._slots:
            out[fname] = vals[i] if n == 1 else tuple(vals[i:i + n])
            i += n
        return out

    def _fmt_of(self, fname: str) -> str:
        for n, f in self.fields:
            if n == fname:
                return f
        raise KeyError(fname)


def _wrap(v: int, fmt: str) -> int:
    """Truncate an int to the field's width (C assignment semantics)."""
    code = fmt[-1]
    bits = {"b": 8, "B": 8, "h": 16, "H": 16, "i": 32, "I": 32, "q": 64, "Q": 64}.get(code)
    if bits is None:
        return v
    v &= (1 << bits) - 1
    if code.islower() and v >> (bits - 1):
        v -= 1 << bits
    return v


STAT64 = CStruct("stat64", STAT64_FIELDS)
STATFS64 = CStruct("statfs64", STATFS64_FIELDS)
UTSNAME = CStruct("utsname", UTSNAME_FIELDS)
TIMESPEC32 = CStruct("timespec32", TIMESPEC32_FIELDS)
TIMESPEC64 = CStruct("timespec64", TIMESPEC64_FIELDS)
TIMEVAL32 = CStruct("timeval32", TIMEVAL32_FIELDS)
TIMEZONE = CStruct("timezone", TIMEZONE_FIELDS)
RLIMIT32 = CStruct("rlimit", RLIMIT32_FIELDS)
RLIMIT64 = CStruct("rlimit64", RLIMIT64_FIELDS)
IOVEC32 = CStruct("iovec", IOVEC32_FIELDS)
WINSIZE = CStruct("winsize", WINSIZE_FIELDS)
TERMIOS = CStruct("termios", TERMIOS_FIELDS)
SYSINFO32 = CStruct("sysinfo", SYSINFO32_FIELDS)
TMS32 = CStruct("tms", TMS32_FIELDS)
RUSAGE32 = CStruct("rusage", RUSAGE32_FIELDS)
FLOCK32 = CStruct("flock", FLOCK32_FIELDS)
FLOCK64 = CStruct("flock64", FLOCK64_FIELDS)
STACK32 = CStruct("stack_t", STACK32_FIELDS)
SIGACTION32 = CStruct("sigaction", SIGACTION32_FIELDS)
ITIMERSPEC32 = CStruct("itimerspec", ITIMERSPEC32_FIELDS)
ITIMERVAL32 = CStruct("itimerval", ITIMERVAL32_FIELDS)
EPOLL_EVENT32 = CStruct("epoll_event", EPOLL_EVENT32_FIELDS)
MSGHDR32 = CStruct("msghdr", MSGHDR32_FIELDS)
MMSGHDR32 = CStruct("mmsghdr", MMSGHDR32_FIELDS)
CMSGHDR32 = CStruct("cmsghdr", CMSGHDR32_FIELDS)
SIGEVENT32 = CStruct("sigevent", SIGEVENT32_FIELDS)
SIGINFO32_CHLD = CStruct("siginfo_t (SIGCHLD)", SIGINFO32_CHLD_FIELDS)

HOST_STAT = CStruct("host stat", HOST_STAT_FIELDS)
HOST_STATFS = CStruct("host statfs", HOST_STATFS_FIELDS)
HOST_TIMEVAL = CStruct("host timeval", HOST_TIMEVAL_FIELDS)
HOST_IOVEC = CStruct("host iovec", HOST_IOVEC_FIELDS)
HOST_SYSINFO = CStruct("host sysinfo", HOST_SYSINFO_FIELDS)
HOST_TMS = CStruct("host tms", HOST_TMS_FIELDS)
HOST_RUSAGE = CStruct("host rusage", HOST_RUSAGE_FIELDS)
HOST_ITIMERSPEC = CStruct("host itimerspec", HOST_ITIMERSPEC_FIELDS)
HOST_ITIMERVAL = CStruct("host itimerval", HOST_ITIMERVAL_FIELDS)
HOST_EPOLL_EVENT = CStruct("host epoll_event", HOST_EPOLL_EVENT_FIELDS)
HOST_MSGHDR = CStruct("host msghdr", HOST_MSGHDR_FIELDS)
HOST_MMSGHDR = CStruct("host mmsghdr", HOST_MMSGHDR_FIELDS)
HOST_CMSGHDR = CStruct("host cmsghdr", HOST_CMSGHDR_FIELDS)
HOST_SIGEVENT = CStruct("host sigevent", HOST_SIGEVENT_FIELDS)
HOST_SIGINFO_CHLD = CStruct("host siginfo_t (SIGCHLD)", HOST_SIGINFO_CHLD_FIELDS)
HOST_TIMESPEC = TIMESPEC64
HOST_RLIMIT = RLIMIT64
HOST_FLOCK = FLOCK64

RLIM32_INFINITY = 0xFFFFFFFF
RLIM64_INFINITY = 0xFFFFFFFFFFFFFFFF


# ---- conversions (host -> guest) --------------------------------------------------------
def stat_to_guest(h: dict) -> bytes:
    """x86-64 struct stat fields -> ARM struct stat64 bytes (as the ARM kernel's
    cp_new_stat64: 32-bit fields truncated, the full inode in st_ino)."""
    return STAT64.pack(
        st_dev=h["st_dev"], __st_ino=h["st_ino"], st_mode=h["st_mode"],
        st_nlink=h["st_nlink"], st_uid=h["st_uid"], st_gid=h["st_gid"],
        st_rdev=h["st_rdev"], st_size=h["st_size"], st_blksize=h["st_blksize"],
        st_blocks=h["st_blocks"], st_atime=h["st_atime"],
        st_atime_nsec=h["st_atime_nsec"], st_mtime=h["st_mtime"],
        st_mtime_nsec=h["st_mtime_nsec"], st_ctime=h["st_ctime"],
        st_ctime_nsec=h["st_ctime_nsec"], st_ino=h["st_ino"])


def statfs_to_guest(h: dict) -> bytes:
    return STATFS64.pack(**{k: h[k] for k in (
        "f_type", "f_bsize", "f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree",
        "f_fsid", "f_namelen", "f_frsize", "f_flags")})


def rlimit_to_guest32(cur: int, lim: int) -> bytes:
    """Host rlimit64 values -> ARM struct rlimit (values that do not fit read
    as RLIM_INFINITY, as qemu and the compat kernel do)."""
    def clamp(v):
        return RLIM32_INFINITY if v >= RLIM32_INFINITY else v
    return RLIMIT32.pack(rlim_cur=clamp(cur), rlim_max=clamp(lim))


def rlimit_from_guest32(raw: bytes) -> Tuple[int, int]:
    d = RLIMIT32.unpack(raw)

    def widen(v):
        return RLIM64_INFINITY if v == RLIM32_INFINITY else v
    return widen(d["rlim_cur"]), widen(d["rlim_max"])


def sysinfo_to_guest(h: dict) -> bytes:
    """As the kernel's compat sysinfo: if a memory size does not fit in 32 bits,
    scale all of them by raising mem_unit (up to the page size)."""
    ram_fields = ("totalram", "freeram", "sharedram", "bufferram", "totalswap",
                  "freeswap", "totalhigh", "freehigh")
    h = dict(h)
    if h["totalram"] >> 32 or h["totalswap"] >> 32:
        shift = 0
        unit = h["mem_unit"] or 1
        while unit < 4096:
            unit <<= 1
            shift += 1
        h["mem_unit"] = unit
        for f in ram_fields:
            h[f] >>= shift
    return SYSINFO32.pack(**{k: h[k] for k in (
        "uptime", "loads", "procs") + ram_fields + ("mem_unit",)})


def rusage_to_guest(h: dict) -> bytes:
    vals = {n: h[n] for n in RUSAGE_LONGS}
    return RUSAGE32.pack(ru_utime=h["ru_utime"], ru_stime=h["ru_stime"], **vals)


def tms_to_guest(h: dict) -> bytes:
    return TMS32.pack(**h)


def timespec_to_guest32(sec: int, nsec: int) -> bytes:
    return TIMESPEC32.pack(tv_sec=sec, tv_nsec=nsec)


def timespec_from_guest32(raw: bytes) -> bytes:
    """ARM 32-bit timespec -> host timespec bytes (tv_nsec sign-extended)."""
    d = TIMESPEC32.unpack(raw)
    return TIMESPEC64.pack(tv_sec=d["tv_sec"], tv_nsec=d["tv_nsec"])


def timeval_to_guest32(sec: int, usec: int) -> bytes:
    return TIMEVAL32.pack(tv_sec=sec, tv_usec=usec)


def flock_from_guest32(raw: bytes) -> bytes:
    d = FLOCK32.unpack(raw)
    return FLOCK64.pack(**d)


def flock_to_guest32(raw: bytes) -> bytes:
    return FLOCK32.pack(**FLOCK64.unpack(raw))


def itimer_to_host(st32: "CStruct", host: "CStruct", raw: bytes) -> bytes:
    """ARM itimerspec/itimerval (four int32) -> the host's (four int64)."""
    d = st32.unpack(raw)
    return host.pack(it_interval=d["it_interval"], it_value=d["it_value"])


def itimer_to_guest(st32: "CStruct", host: "CStruct", raw: bytes) -> bytes:
    d = host.unpack(raw)
    return st32.pack(it_interval=d["it_interval"], it_value=d["it_value"])


def epoll_events_to_host(raw: bytes, n: int) -> bytes:
    """n ARM epoll_events (16 bytes, data 8-aligned) -> x86-64's packed 12 bytes."""
    return b"".join(HOST_EPOLL_EVENT.pack(**EPOLL_EVENT32.unpack(raw[i * 16:i * 16 + 16]))
                    for i in range(n))


def epoll_events_to_guest(raw: bytes, n: int) -> bytes:
    return b"".join(EPOLL_EVENT32.pack(**HOST_EPOLL_EVENT.unpack(raw[i * 12:i * 12 + 12]))
                    for i in range(n))


def sigevent_to_host(raw: bytes) -> bytes:
    d = SIGEVENT32.unpack(raw)
    return HOST_SIGEVENT.pack(**d)


def siginfo_chld_to_guest(raw: bytes) -> bytes:
    """x86-64 siginfo_t of a child-state change (waitid) -> ARM siginfo_t."""
    return SIGINFO32_CHLD.pack(**HOST_SIGINFO_CHLD.unpack(raw))


def timespec64_from_guest(raw: bytes) -> bytes:
    """ARM struct __kernel_timespec(s) -> host ones.  As for any 32-bit task,
    the kernel ignores the upper half of tv_nsec (glibc leaves it as padding,
    unset), so it is cleared here; works on arrays (itimerspec, utimensat)."""
    out = b""
    for i in range(0, len(raw) - len(raw) % 16, 16):
        sec, nsec = struct.unpack_from("<qQ", raw, i)
        out += struct.pack("<qQ", sec, nsec & 0xFFFFFFFF)
    return out

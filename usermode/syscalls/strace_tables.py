"""Name tables for -strace output, in qemu-user 7.2's order (data only).

Flag tables are lists of (name, value) printed with qemu 7.2's print_flags
rule (see strace.fmt_flags): a zero-valued first entry names the value 0,
every other entry is printed when all its bits are set, leftovers in hex.
Values are the ARM EABI (guest) ones.  Checked against qemu-arm -strace by
tests/test_syscalls_strace.py.
"""

OPEN_ACCESS = [("O_RDONLY", 0), ("O_WRONLY", 0o1), ("O_RDWR", 0o2)]
OPEN_FLAGS = [
    ("O_APPEND", 0o2000), ("O_CREAT", 0o100), ("O_DIRECTORY", 0o40000),
    ("O_EXCL", 0o200), ("O_LARGEFILE", 0o400000), ("O_NOCTTY", 0o400),
    ("O_NOFOLLOW", 0o100000), ("O_NONBLOCK", 0o4000), ("O_DSYNC", 0o10000),
    ("__O_SYNC", 0o4000000), ("O_TRUNC", 0o1000), ("O_DIRECT", 0o200000),
    ("O_NOATIME", 0o1000000), ("O_CLOEXEC", 0o2000000), ("O_PATH", 0o10000000),
    ("O_TMPFILE", 0o20040000), ("__O_TMPFILE", 0o20000000),
]
MMAP_PROT = [
    ("PROT_NONE", 0), ("PROT_EXEC", 4), ("PROT_READ", 1), ("PROT_WRITE", 2),
    ("PROT_SEM", 8), ("PROT_GROWSDOWN", 0x01000000), ("PROT_GROWSUP", 0x02000000),
]
MMAP_FLAGS = [
    ("MAP_SHARED", 0x1), ("MAP_PRIVATE", 0x2), ("MAP_ANONYMOUS", 0x20),
    ("MAP_DENYWRITE", 0x800), ("MAP_FIXED", 0x10), ("MAP_GROWSDOWN", 0x100),
    ("MAP_EXECUTABLE", 0x1000), ("MAP_LOCKED", 0x2000), ("MAP_NONBLOCK", 0x10000),
    ("MAP_NORESERVE", 0x4000), ("MAP_POPULATE", 0x8000),
    ("MAP_UNINITIALIZED", 0x4000000),
]
ACCESS_FLAGS = [("F_OK", 0), ("R_OK", 4), ("W_OK", 2), ("X_OK", 1)]
AT_FILE_FLAGS = [("AT_EACCESS", 0x200), ("AT_SYMLINK_NOFOLLOW", 0x100)]
UNLINKAT_FLAGS = [("AT_REMOVEDIR", 0x200)]
STATX_FLAGS = [
    ("AT_EMPTY_PATH", 0x1000), ("AT_NO_AUTOMOUNT", 0x800),
    ("AT_SYMLINK_NOFOLLOW", 0x100), ("AT_STATX_SYNC_AS_STAT", 0),
    ("AT_STATX_FORCE_SYNC", 0x2000), ("AT_STATX_DONT_SYNC", 0x4000),
]
STATX_MASK = [
    ("STATX_ALL", 0xFFF), ("STATX_BASIC_STATS", 0x7FF), ("STATX_TYPE", 0x1),
    ("STATX_MODE", 0x2), ("STATX_NLINK", 0x4), ("STATX_UID", 0x8),
    ("STATX_GID", 0x10), ("STATX_ATIME", 0x20), ("STATX_MTIME", 0x40),
    ("STATX_CTIME", 0x80), ("STATX_INO", 0x100), ("STATX_SIZE", 0x200),
    ("STATX_BLOCKS", 0x400), ("STATX_BTIME", 0x800),
]
FILE_TYPES = [  # print_file_mode: the first type whose bits are all set
    ("S_IFSOCK", 0o140000), ("S_IFLNK", 0o120000), ("S_IFREG", 0o100000),
    ("S_IFBLK", 0o60000), ("S_IFDIR", 0o40000), ("S_IFCHR", 0o20000),
    ("S_IFIFO", 0o10000),
]
CLOCK_IDS = {
    0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID",
    3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW",
    5: "CLOCK_REALTIME_COARSE", 6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
    8: "CLOCK_REALTIME_ALARM", 9: "CLOCK_BOOTTIME_ALARM", 10: "CLOCK_SGI_CYCLE",
    11: "CLOCK_TAI",
}
MADVISE = {
    0: "MADV_NORMAL", 1: "MADV_RANDOM", 2: "MADV_SEQUENTIAL", 3: "MADV_WILLNEED",
    4: "MADV_DONTNEED", 8: "MADV_FREE", 9: "MADV_REMOVE", 10: "MADV_DONTFORK",
    11: "MADV_DOFORK", 12: "MADV_MERGEABLE", 13: "MADV_UNMERGEABLE",
    14: "MADV_HUGEPAGE", 15: "MADV_NOHUGEPAGE", 16: "MADV_DONTDUMP",
    17: "MADV_DODUMP", 18: "MADV_WIPEONFORK", 19: "MADV_KEEPONFORK",
    20: "MADV_COLD", 21: "MADV_PAGEOUT", 22: "MADV_POPULATE_READ",
    23: "MADV_POPULATE_WRITE", 24: "MADV_DONTNEED_LOCKED",
}
SIGNALS = {
    1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGIOT",
    7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV",
    12: "SIGUSR2", 13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT",
    17: "SIGCHLD", 18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN",
    22: "SIGTTOU", 23: "SIGURG", 24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM",
    27: "SIGPROF", 28: "SIGWINCH", 29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS",
}
SEEK = {0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE"}
SIGPROCMASK_HOW = {0: "SIG_BLOCK", 1: "SIG_UNBLOCK", 2: "SIG_SETMASK"}

# fcntl: cmd -> (name, how the third argument is printed)
#   None: not printed; "d": %d; "d,": %d and a stray comma (qemu 7.2 does so);
#   "oflags": open flags; "p": pointer; "x8": 0x%08x
FCNTL_CMDS = {
    0: ("F_DUPFD", "d"), 1: ("F_GETFD", None), 2: ("F_SETFD", "d"),
    3: ("F_GETFL", None), 4: ("F_SETFL", "oflags"), 5: ("F_GETLK", "p"),
    6: ("F_SETLK", "p"), 7: ("F_SETLKW", "p"), 8: ("F_SETOWN", "d,"),
    9: ("F_GETOWN", None), 10: ("F_SETSIG", "d,"), 11: ("F_GETSIG", None),
    12: ("F_GETLK64", "p"), 13: ("F_SETLK64", "p"), 14: ("F_SETLKW64", "p"),
    15: ("F_SETOWN_EX", "p"), 16: ("F_GETOWN_EX", "p"), 36: ("F_OFD_GETLK", "p"),
    37: ("F_OFD_SETLK", "p"), 38: ("F_OFD_SETLKW", "p"), 1024: ("F_SETLEASE", "d"),
    1025: ("F_GETLEASE", None), 1026: ("F_NOTIFY", "d"), 1030: ("F_DUPFD_CLOEXEC", "d"),
    1031: ("F_SETPIPE_SZ", "d"), 1032: ("F_GETPIPE_SZ", None),
    1033: ("F_ADD_SEALS", "x8"), 1034: ("F_GET_SEALS", None),
}

# ioctl: request -> (name, access, type) as qemu's ioctls.h has them.
#   access "none": no argument printed; "val": the argument as %d;
#   "R": pointer printed, the result shows the struct; "W": the struct read
#   from guest memory is printed in the call.
IOCTLS = {
    0x5401: ("TCGETS", "R", "termios"), 0x5402: ("TCSETS", "W", "termios"),
    0x5403: ("TCSETSW", "W", "termios"), 0x5404: ("TCSETSF", "W", "termios"),
    0x5409: ("TCSBRK", "val", "int"), 0x540A: ("TCXONC", "val", "int"),
    0x540B: ("TCFLSH", "val", "int"), 0x540E: ("TIOCSCTTY", "val", "int"),
    0x540F: ("TIOCGPGRP", "R", "int"), 0x5410: ("TIOCSPGRP", "W", "int"),
    0x5411: ("TIOCOUTQ", "R", "int"), 0x5413: ("TIOCGWINSZ", "R", "winsize"),
    0x5414: ("TIOCSWINSZ", "W", "winsize"), 0x541B: ("FIONREAD", "R", "int"),
    0x5421: ("FIONBIO", "W", "int"), 0x5422: ("TIOCNOTTY", "none", None),
    0x5429: ("TIOCGSID", "W", "int"), 0x5450: ("FIONCLEX", "none", None),
    0x5451: ("FIOCLEX", "none", None), 0x80045430: ("TIOCGPTN", "R", "int"),
    0x40045431: ("TIOCSPTLCK", "W", "int"),
}

# print_termios
TERMIOS_IFLAGS = [
    ("IGNBRK", 0o1), ("BRKINT", 0o2), ("IGNPAR", 0o4), ("PARMRK", 0o10),
    ("INPCK", 0o20), ("ISTRIP", 0o40), ("INLCR", 0o100), ("IGNCR", 0o200),
    ("ICRNL", 0o400), ("IUCLC", 0o1000), ("IXON", 0o2000), ("IXANY", 0o4000),
    ("IXOFF", 0o10000), ("IMAXBEL", 0o20000), ("IUTF8", 0o40000),
]
TERMIOS_OFLAGS = [
    ("OPOST", 0o1), ("OLCUC", 0o2), ("ONLCR", 0o4), ("OCRNL", 0o10),
    ("ONOCR", 0o20), ("ONLRET", 0o40), ("OFILL", 0o100), ("OFDEL", 0o200),
]
TERMIOS_ODELAYS = [  # (mask, {value: name}) printed in this order when nonzero
    (0o400, {0: "NL0", 0o400: "NL1"}),
    (0o3000, {0: "CR0", 0o1000: "CR1", 0o2000: "CR2", 0o3000: "CR3"}),
    (0o14000, {0: "TAB0", 0o4000: "TAB1", 0o10000: "TAB2", 0o14000: "TAB3"}),
    (0o20000, {0: "BS0", 0o20000: "BS1"}),
    (0o40000, {0: "VT0", 0o40000: "VT1"}),
    (0o100000, {0: "FF0", 0o100000: "FF1"}),
]
TERMIOS_CBAUD = (0o10017, {
    0: "B0", 1: "B50", 2: "B75", 3: "B110", 4: "B134", 5: "B150", 6: "B200",
    7: "B300", 8: "B600", 9: "B1200", 10: "B1800", 11: "B2400", 12: "B4800",
    13: "B9600", 14: "B19200", 15: "B38400", 0o10001: "B57600",
    0o10002: "B115200", 0o10003: "B230400", 0o10004: "B460800",
})
TERMIOS_CSIZE = (0o60, {0: "CS5", 0o20: "CS6", 0o40: "CS7", 0o60: "CS8"})
TERMIOS_CFLAGS = [
    ("CSTOPB", 0o100), ("CREAD", 0o200), ("PARENB", 0o400), ("PARODD", 0o1000),
    ("HUPCL", 0o2000), ("CLOCAL", 0o4000), ("CRTSCTS", 0o20000000000),
]
TERMIOS_LFLAGS = [
    ("ISIG", 0o1), ("ICANON", 0o2), ("XCASE", 0o4), ("ECHO", 0o10),
    ("ECHOE", 0o20), ("ECHOK", 0o40), ("ECHONL", 0o100), ("NOFLSH", 0o200),
    ("TOSTOP", 0o400), ("ECHOCTL", 0o1000), ("ECHOPRT", 0o2000),
    ("ECHOKE", 0o4000), ("FLUSHO", 0o10000), ("PENDIN", 0o40000),
    ("IEXTEN", 0o100000), ("EXTPROC", 0o200000),
]

# clone(2) flags, qemu 7.2's clone_flags order (the exit signal is left as hex)
CLONE_FLAGS = [
    ("CLONE_VM", 0x100), ("CLONE_FS", 0x200), ("CLONE_FILES", 0x400),
    ("CLONE_SIGHAND", 0x800), ("CLONE_PIDFD", 0x1000), ("CLONE_PTRACE", 0x2000),
    ("CLONE_VFORK", 0x4000), ("CLONE_PARENT", 0x8000), ("CLONE_THREAD", 0x10000),
    ("CLONE_NEWNS", 0x20000), ("CLONE_SYSVSEM", 0x40000), ("CLONE_SETTLS", 0x80000),
    ("CLONE_PARENT_SETTID", 0x100000), ("CLONE_CHILD_CLEARTID", 0x200000),
    ("CLONE_DETACHED", 0x400000), ("CLONE_UNTRACED", 0x800000),
    ("CLONE_CHILD_SETTID", 0x1000000), ("CLONE_NEWCGROUP", 0x2000000),
    ("CLONE_NEWUTS", 0x4000000), ("CLONE_NEWIPC", 0x8000000),
    ("CLONE_NEWUSER", 0x10000000), ("CLONE_NEWPID", 0x20000000),
    ("CLONE_NEWNET", 0x40000000), ("CLONE_IO", 0x80000000),
]
FALLOC_FLAGS = [
    ("FALLOC_FL_KEEP_SIZE", 0x1), ("FALLOC_FL_PUNCH_HOLE", 0x2),
    ("FALLOC_FL_NO_HIDE_STALE", 0x4), ("FALLOC_FL_COLLAPSE_RANGE", 0x8),
    ("FALLOC_FL_ZERO_RANGE", 0x10), ("FALLOC_FL_INSERT_RANGE", 0x20),
    ("FALLOC_FL_UNSHARE_RANGE", 0x40),
]
MLOCKALL_FLAGS = [("MCL_CURRENT", 1), ("MCL_FUTURE", 2), ("MCL_ONFAULT", 4)]
SOCKET_DOMAINS = {1: "PF_UNIX", 2: "PF_INET", 16: "PF_NETLINK", 17: "PF_PACKET"}
SOCKET_TYPES = {1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM",
                5: "SOCK_SEQPACKET", 10: "SOCK_PACKET"}
SOCKET_TYPE_FLAGS = [("SOCK_CLOEXEC", 0o2000000), ("SOCK_NONBLOCK", 0o4000)]
IP_PROTOCOLS = {0: "IPPROTO_IP", 6: "IPPROTO_TCP", 17: "IPPROTO_UDP", 255: "IPPROTO_RAW"}
NETLINK_PROTOCOLS = {
    0: "NETLINK_ROUTE", 2: "NETLINK_USERSOCK", 3: "NETLINK_FIREWALL",
    4: "NETLINK_SOCK_DIAG", 5: "NETLINK_NFLOG", 6: "NETLINK_XFRM", 7: "NETLINK_SELINUX",
    8: "NETLINK_ISCSI", 9: "NETLINK_AUDIT", 10: "NETLINK_FIB_LOOKUP",
    11: "NETLINK_CONNECTOR", 12: "NETLINK_NETFILTER", 13: "NETLINK_IP6_FW",
    14: "NETLINK_DNRTMSG", 15: "NETLINK_KOBJECT_UEVENT", 16: "NETLINK_GENERIC",
    18: "NETLINK_SCSITRANSPORT", 19: "NETLINK_ECRYPTFS", 20: "NETLINK_RDMA",
    21: "NETLINK_CRYPTO",
}

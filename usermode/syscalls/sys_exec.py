"""execve and execveat, as the kernel would do them, without binfmt_misc.

The file named by the guest (through the -L prefix; /proc/self/exe is the
guest program) decides, as the kernel's binfmt handlers do:

  * an ARM ELF (32-bit, EM_ARM): this translator runs it, in a fresh host
    process, with the same options (-L, -strace, -d, -D, -s, -cpu,
    -one-insn-per-tb) and -0 for the guest's argv[0]: TRANSLATOR + options
    + ["-0", argv[0], host_path] + argv[1:], environment = the guest's envp;
  * any other ELF: the host kernel runs it natively (x86-64 programs run;
    others fail with its ENOEXEC);
  * "#!interpreter [one-argument]": the interpreter is exec'd (by these same
    rules, up to MAX_DEPTH levels) with argv = [interpreter, (argument),
    path as given, argv[1:]...];
  * anything else: -ENOEXEC.

qemu-arm instead hands the host kernel whatever the guest asked for, so
execve("/proc/self/exe") runs qemu itself and fails with ENOEXEC; a real ARM
machine (and this layer) runs the guest program again.

Usage::

    from usermode.syscalls.sys_exec import exec_plan
    exec_plan(proc, b"/bin/busybox", [b"ls", b"-l"])
    # -> (host path to execve, host argv): e.g. (sys.executable,
    #    [python, "-m", "usermode", "-0", "ls", "/bin/busybox", "-l"])
"""
from __future__ import annotations

import errno
import os
import struct
import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Tuple

from .hostsys import H, HostBuf, SysError, cstr, host_path, hsys, read_path
from ..memory import GuestFault

MAX_DEPTH = 4                     # the kernel's binprm recursion limit
BINPRM_BUF_SIZE = 256
MAX_ARGS = 0x20000                # pointers read from argv/envp before E2BIG
AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH = 0x100, 0x1000
EM_ARM = 40
DEFAULT_STACK = 8 * 1024 * 1024


def translator_command() -> List[str]:
    """How to start this translator again: ``python -m usermode`` when the
    package is importable from a path every Python start has (site-packages,
    an installed .pth), else a -c bootstrap that puts its directory on
    sys.path first: the guest's environment, which the new process gets,
    need not keep PYTHONPATH, and its working directory may be anywhere."""
    pkg_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from_env = {os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p}
    stable = {os.path.abspath(p) for p in sys.path[1:] if p} - from_env
    if pkg_root in stable:
        return [sys.executable, "-m", "usermode"]
    boot = (f"import sys; sys.path.insert(0, {pkg_root!r}); "
            "from usermode.__main__ import main_arm; sys.exit(main_arm())")
    return [sys.executable, "-c", boot]


def option_args(opts) -> List[str]:
    """proc.options back as command-line options."""
    out: List[str] = []
    if opts.ld_prefix:
        out += ["-L", opts.ld_prefix]
    if opts.strace:
        out.append("-strace")
    if opts.log_items:
        out += ["-d", ",".join(opts.log_items)]
    if opts.log_file:
        out += ["-D", opts.log_file]
    if opts.stack_size != DEFAULT_STACK:
        out += ["-s", str(opts.stack_size)]
    if opts.cpu_model != "max":
        out += ["-cpu", opts.cpu_model]
    if opts.singlestep:
        out.append("-one-insn-per-tb")
    return out


def _is_proc_self_exe(path: bytes) -> bool:
    return path in (b"/proc/self/exe", b"/proc/%d/exe" % os.getpid())


def _read_head(hpath: bytes) -> bytes:
    if not os.access(hpath, os.X_OK) or os.path.isdir(hpath):
        if not os.path.lexists(hpath):
            raise SysError(errno.ENOENT)
        raise SysError(errno.EACCES)
    try:
        with open(hpath, "rb") as f:
            return f.read(BINPRM_BUF_SIZE)
    except OSError as e:
        raise SysError(e.errno or errno.EACCES)


def _parse_shebang(head: bytes) -> Tuple[bytes, List[bytes]]:
    line = head[2:]
    nl = line.find(b"\n")
    if nl < 0:
        # no newline in the buffer: fine only if the interpreter name ends inside it
        stripped = line.lstrip(b" \t")
        if not stripped or b" " not in stripped and b"\t" not in stripped:
            raise SysError(errno.ENOEXEC)
    else:
        line = line[:nl]
    line = line.strip(b" \t")
    if not line:
        raise SysError(errno.ENOEXEC)
    parts = line.split(None, 1)
    interp = parts[0]
    arg = parts[1].strip(b" \t") if len(parts) > 1 else b""
    return interp, ([arg] if arg else [])


def exec_plan(proc, path: bytes, argv: List[bytes], depth: int = 0):
    """(host program, host argv) for the guest's execve(path, argv)."""
    if depth > MAX_DEPTH:
        raise SysError(errno.ELOOP)
    if not path:
        raise SysError(errno.ENOENT)
    hpath = os.fsencode(proc.exe_path) if _is_proc_self_exe(path) else host_path(proc, path)
    head = _read_head(hpath)
    if head[:2] == b"#!":
        interp, arg = _parse_shebang(head)
        return exec_plan(proc, interp, [interp] + arg + [path] + argv[1:], depth + 1)
    if head[:4] == b"\x7fELF":
        if len(head) >= 20 and head[4] == 1 and head[5] == 1 and \
                int.from_bytes(head[18:20], "little") == EM_ARM:
            cmd = translator_command() + option_args(proc.options)
            argv0 = argv[0] if argv else b""
            return os.fsencode(sys.executable), \
                [os.fsencode(a) for a in cmd] + [b"-0", argv0, hpath] + argv[1:]
        return hpath, argv
    raise SysError(errno.ENOEXEC)


def read_ptr_array(proc, addr: int) -> List[bytes]:
    """The strings of a NULL-terminated guest char *[] (empty for NULL)."""
    out: List[bytes] = []
    if not addr:
        return out
    while True:
        p = proc.mem.read_u32(addr + 4 * len(out))
        if p == 0:
            return out
        if len(out) >= MAX_ARGS:
            raise SysError(errno.E2BIG)
        out.append(proc.mem.read_cstr(p, 128 * 1024 + 1))


def _c_array(items: List[bytes]):
    """A host NULL-terminated char *[] (and the buffers it points into)."""
    bufs = [cstr(x) for x in items]
    arr = HostBuf(b"".join(struct.pack("<Q", b.addr) for b in bufs) + bytes(8))
    return arr, bufs


def do_execve(proc, path: bytes, argv_addr: int, envp_addr: int) -> int:
    argv = read_ptr_array(proc, argv_addr)
    envp = read_ptr_array(proc, envp_addr)
    prog, hargv = exec_plan(proc, path, argv)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    # the raw call keeps the environment exactly as given (order, duplicates)
    hprog = cstr(prog)
    av, _keep_a = _c_array(hargv)
    ev, _keep_e = _c_array(envp)
    return hsys(H["execve"], hprog.addr, av.addr, ev.addr)     # returns only on failure


def sys_execve(proc, path, argv, envp, *_):
    return do_execve(proc, read_path(proc, path), argv, envp)


def sys_execveat(proc, dirfd, path, argv, envp, flags, *_):
    if flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH):
        return -errno.EINVAL
    p = read_path(proc, path) if path or not flags & AT_EMPTY_PATH else b""
    dirfd = dirfd - (1 << 32) if dirfd & 0x80000000 else dirfd
    if not p:
        if not flags & AT_EMPTY_PATH:
            return -errno.ENOENT
        p = b"/proc/self/fd/%d" % dirfd
    elif not p.startswith(b"/") and dirfd != -100:
        p = b"/proc/self/fd/%d/" % dirfd + p
    if flags & AT_SYMLINK_NOFOLLOW and os.path.islink(host_path(proc, p)):
        return -errno.ELOOP
    return do_execve(proc, p, argv, envp)


__all__ = ["sys_execve", "sys_execveat", "exec_plan", "translator_command", "option_args",
           "GuestFault"]

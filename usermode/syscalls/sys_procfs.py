"""/proc as the guest expects it: files that would describe the translator
are generated for the guest instead (served from a memfd, like qemu does).

    /proc/self/exe       open and readlink: the guest program
    /proc/self/cmdline   the guest's argv
    /proc/self/maps      the guest's mappings, in a 32-bit kernel's format
    /proc/self/auxv      the guest's auxiliary vector
    /proc/self/stat      the host's line with the guest's name and addresses
    /proc/cpuinfo        an ARMv7 CPU with the features AT_HWCAP advertises

/proc/<own pid>/... is the same as /proc/self/...; everything else in /proc
is the host's.

Usage::

    from usermode.syscalls.sys_procfs import proc_file, maps_text
    fd = proc_file(proc, b"/proc/self/maps", 0)     # an fd, or None: not ours
    print(maps_text(proc))
"""
from __future__ import annotations

import os
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import List, Optional, Tuple

from ..loader.hwcap import HWCAP, hwcap_names
from ..memory import PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE
from .hostsys import H, cstr, hsys
from .state import exe_realpath, state_of

O_CLOEXEC_HOST = 0o2000000
KUSER_PAGE = 0xFFFF0000
MAPS_PATH_COLUMN = 48     # 32-bit kernels: seq_setwidth(25 + 6 * sizeof(void *) - 1)

# -cpu model -> (MIDR part number, revision, variant) of /proc/cpuinfo
CPU_PARTS = {"max": (0xC0F, 4, 0x2), "any": (0xC0F, 4, 0x2), "cortex-a15": (0xC0F, 4, 0x2),
             "cortex-a7": (0xC07, 5, 0x0), "cortex-a9": (0xC09, 1, 0x3)}
CPUINFO_TAIL = "Hardware\t: Generic DT based system\nRevision\t: 0000\nSerial\t\t: 0000000000000000\n"


def _self_part(path: bytes) -> Optional[bytes]:
    """'maps' for /proc/self/maps or /proc/<our pid>/maps, else None."""
    for prefix in (b"/proc/self/", b"/proc/thread-self/", b"/proc/%d/" % os.getpid()):
        if path.startswith(prefix):
            return path[len(prefix):]
    return None


# ---- generated contents ------------------------------------------------------------------
def cpuinfo_text(proc) -> str:
    part, rev, variant = CPU_PARTS.get(getattr(proc.options, "cpu_model", "max"), CPU_PARTS["max"])
    try:
        ncpu = len(os.sched_getaffinity(0))
    except OSError:
        ncpu = os.cpu_count() or 1
    out = ""
    for i in range(ncpu):
        out += (f"processor\t: {i}\nmodel name\t: ARMv7 Processor rev {rev} (v7l)\n"
                f"BogoMIPS\t: 50.00\nFeatures\t: {' '.join(hwcap_names(HWCAP))} \n"
                f"CPU implementer\t: 0x41\nCPU architecture: 7\nCPU variant\t: {variant:#x}\n"
                f"CPU part\t: {part:#x}\nCPU revision\t: {rev}\n\n")
    return out + CPUINFO_TAIL


def _segment_offsets(info) -> dict:
    """Mapped page address -> file offset of each PT_LOAD of the program and interpreter."""
    out = {}
    for img, bias in ((info.program, info.load_bias), (info.interp, info.interp_base)):
        if img is None:
            continue
        for seg in img.loads:
            start = (seg.vaddr + bias) & ~(PAGE_SIZE - 1)
            out[start] = seg.offset - ((seg.vaddr + bias) - start)
    return out


def _named_ranges(proc) -> List[Tuple[int, int, str, int, int, int]]:
    """(start, end, name, offset, dev, ino) of every named guest range."""
    out = []
    info = getattr(proc, "load_info", None)
    if info is not None:
        offsets = _segment_offsets(info)
        for start, end, _prot, path in info.mappings or ():
            try:
                st = os.stat(path)
                dev, ino = st.st_dev, st.st_ino
            except OSError:
                dev = ino = 0
            out.append((start, end, os.path.realpath(path), offsets.get(start, 0), dev, ino))
        lo, hi = info.stack
        out.append((lo, hi, "[stack]", 0, 0, 0))
    mem = proc.mem
    if mem.brk_start and mem.brk_cur > mem.brk_start:
        top = (mem.brk_cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)
        out.append((mem.brk_start, top, "[heap]", 0, 0, 0))
    for start, (end, path, off, dev, ino) in state_of(proc).file_maps.items():
        out.append((start, end, path, off, dev, ino))
    out.append((KUSER_PAGE, KUSER_PAGE + PAGE_SIZE, "[vectors]", 0, 0, 0))
    return out


def _name_at(named, page_addr):
    for start, end, name, off, dev, ino in named:
        if start <= page_addr < end:
            return name, off + (page_addr - start), dev, ino, start
    return "", 0, 0, 0, None


def maps_text(proc) -> str:
    """The guest's /proc/self/maps: runs of pages with the same protection and
    the same backing, formatted as a 32-bit ARM kernel does."""
    pages = proc.mem.pages
    named = _named_ranges(proc)
    lines = []
    n = len(pages)
    import re                           # here: re costs start-up time
    mapped = re.compile(rb"[^\x00]")    # a mapped page's entry
    m = mapped.search(pages, 0)
    while m:
        p = m.start()
        v = pages[p]
        addr = p * PAGE_SIZE
        name, off, dev, ino, nstart = _name_at(named, addr)
        q = p + 1
        while q < n and pages[q] == v and _name_at(named, q * PAGE_SIZE)[4] == nstart:
            q += 1
        perms = ("r" if v & PROT_READ else "-") + ("w" if v & PROT_WRITE else "-") + \
                ("x" if v & PROT_EXEC else "-") + "p"
        head = (f"{addr:08x}-{q * PAGE_SIZE:08x} {perms} {off:08x} "
                f"{os.major(dev):02x}:{os.minor(dev):02x} {ino}")
        if name:
            head = head.ljust(MAPS_PATH_COLUMN) + " " + name
        lines.append(head + "\n")
        m = mapped.search(pages, q)
    return "".join(lines)


def stat_text(proc) -> str:
    """The host's /proc/self/stat with the guest's comm, code and stack addresses."""
    with open("/proc/self/stat") as f:
        host = f.read()
    pid, rest = host.split(" (", 1)
    fields = rest.rsplit(") ", 1)[1].split()       # fields 3.. of proc(5)
    comm = os.path.basename(proc.exe_path)[:15]
    info = getattr(proc, "load_info", None)
    if info is not None:
        lo = min((m[0] for m in info.mappings), default=0)
        hi = max((m[1] for m in info.mappings if m[2] & PROT_EXEC), default=0)
        fields[25 - 3] = str(lo)             # startcode
        fields[26 - 3] = str(hi)             # endcode
        fields[28 - 3] = str(info.sp)        # startstack
    return f"{pid} ({comm}) " + " ".join(fields) + "\n"


def auxv_bytes(proc) -> bytes:
    from ..loader.auxv import pack_auxv
    return pack_auxv(proc.auxv)


def _contents(proc, what: bytes) -> Optional[bytes]:
    if what == b"cmdline":
        return b"".join(os.fsencode(a) + b"\0" for a in proc.argv)
    if what == b"maps":
        return maps_text(proc).encode()
    if what == b"auxv":
        return auxv_bytes(proc)
    if what == b"stat":
        return stat_text(proc).encode()
    return None


def _memfd(name: str, data: bytes, hflags: int) -> int:
    fd = os.memfd_create(name, os.MFD_CLOEXEC if hflags & O_CLOEXEC_HOST else 0)
    os.write(fd, data)
    os.lseek(fd, 0, 0)
    return fd


def proc_file(proc, path: bytes, hflags: int) -> Optional[int]:
    """An fd for one of the generated files, -errno, or None (open it normally)."""
    if path == b"/proc/cpuinfo":
        return _memfd("cpuinfo", cpuinfo_text(proc).encode(), hflags)
    what = _self_part(path)
    if what is None:
        return None
    if what == b"exe":
        hp = cstr(os.fsencode(exe_realpath(proc)))
        return hsys(H["open"], hp.addr, hflags & (O_CLOEXEC_HOST | 3), 0)
    data = _contents(proc, what)
    if data is None:
        return None
    return _memfd(what.decode(), data, hflags)


def is_self_exe(path: bytes) -> bool:
    return _self_part(path) == b"exe"

"""Persistent on-disk translation cache: the second run of a program skips
translation (decode, optimization and code generation) of every block seen before.

What is stored: for each translated block, its final x86-64 code with the
relocations of everything that differs between processes (the TB address in
its goto_tb exits, rel32 jumps to the epilogue, calls of the native runtime's
helpers as offsets in the runtime's shared object), its insn map and exit
slots.  Where: one append-only file per guest code page *content*,

    $PYQEMU_TCACHE_DIR or $XDG_CACHE_HOME/pyqemu or ~/.cache/pyqemu
        /<translator version>/<2 hex>/<page address>-<hash of the page's 4 KiB>.tc

so a file only ever describes one exact page of guest code, and programs that
share code at the same address (static libc start-up, shared libraries)
share entries.  Only the KEEP_VERSIONS most recently used translator versions
are kept (older directories are removed when a new version starts).  Never stale: the version hashes the translator's sources
(usermode/translate/**.py), the native runtime (.so), the host CPU features
the code generator uses and every PYQEMU_* variable (sources and runtime are
read again only when one's size or modification time changed, as Python's
.pyc check does: the root's .sources file keeps their hash); each entry also carries
a hash of its own guest bytes (blocks may end past the page), checked before
use.  Safe with several processes: each new block is one O_APPEND write() of
a self-checking record (length + hash), readers skip a torn tail, duplicates
are harmless.  Nothing is needed at exit.

A block may have two records: its quick translation (the first tier, marked
in the align byte) and, once it became hot, its optimized one, which
`lookup_body` prefers; the hot path asks for an optimized one only.

``PYQEMU_TCACHE=0`` disables the cache (both reading and writing).

How it plugs in: the engine asks `lookup_body()` before anything is decoded
and hands a hit, the record's checked body, to the runtime
(`rt_tb_install_cached` in runtime.c copies, relocates and commits it), so a
warm run loads neither decoder nor code generator; the entry/exit stub is
kept too (`stub`, `store_stub`).  When a log wants the IR (-d) the engine
leaves the cache to the ARM front end: its translate_block() asks `lookup()`
and, on a hit, returns a block whose IR (`CachedIR`) has a `LazyOps` op list:
the code generator, given that list untouched, emits the relocated cached
code (`relocate`); anyone reading the list gets the real IR, translated on
first use.  After a real translation the front end calls `pending()` and the
code generator `generated()`, which appends the entry.

Usage::

    from usermode.translate import tcache
    tc = tcache.get()                        # None when disabled or unusable
    body = tc.lookup_body(pc, flags, read_code) if tc else None
    # lib.rt_tb_install_cached(body, len(body), tc.so_base, epilogue_addr)
"""
from __future__ import annotations

try:                        # _blake2 alone: hashlib would load OpenSSL (~20 ms at start-up)
    from _blake2 import blake2b as _blake2b
except ImportError:         # pragma: no cover - a Python without the builtin module
    from hashlib import blake2b as _blake2b
import os
import struct
import sys
TYPE_CHECKING = False           # typing only for annotations: importing it costs start-up time
if TYPE_CHECKING:
    from typing import Callable, Dict, List, Optional, Tuple

from . import fastsys as _fastsys

FORMAT = b"pyqemu-tcache-3"
PAGE = 4096
MAX_FILE = 8 << 20             # stop appending to a page file past this size
RECORD_MAGIC = b"PQTC"
_HDR = struct.Struct("<4sI16s")          # magic, body length, blake2b-128 of the body
_BODY = struct.Struct("<QQQBHHIIIIIHH")   # pc flags end align ninsns nrelocs code_len
#                                            ji0 jr0 ji1 jr1 nmap guest_len; then the guest bytes
_KEY = struct.Struct("<QQ")                # the body's first fields: pc, flags
_NINSNS, _NINSNS_OFFSET = struct.Struct("<H"), 25     # the body's ninsns field
_GLEN = struct.Struct("<H")                # the body header's last field: guest_len
_RELOC = struct.Struct("<BIq")           # kind, offset in code, value
R_TB, R_EPI, R_SO64, R_SO32 = 1, 2, 3, 4
NO_JMP = 0xFFFFFFFF
HASHED_PAGES = 256          # pages whose last hashed content is kept (_page_hash)
ALIGN_QUICK = 0x80          # in a body's align byte: a quick block's code (first tier)
_ALIGN_OFFSET = 24          # the body's align field

_state: Dict[str, object] = {}


def _h16(data) -> bytes:
    return _blake2b(data, digest_size=16).digest()


# ------------------------------------------------------------------ set-up
def cache_root() -> str:
    d = os.environ.get("PYQEMU_TCACHE_DIR")
    if d:
        return d
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "pyqemu")


def enabled() -> bool:
    return os.environ.get("PYQEMU_TCACHE", "1") not in ("0", "off", "no", "")


def _runtime_so() -> Tuple[str, int, int, int]:
    """(path, base, lo, hi) of the native runtime's shared object in this process."""
    from . import _runtime
    path = os.path.realpath(_runtime.__file__)
    lo = hi = base = None
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].strip() == path:
                a, b = (int(x, 16) for x in parts[0].split("-"))
                off = int(parts[2], 16)
                lo = a if lo is None else min(lo, a)
                hi = b if hi is None else max(hi, b)
                if off == 0 and base is None:
                    base = a
    if lo is None or base is None:
        raise OSError("the native runtime is not mapped from a file")
    return path, base, lo, hi


def _sources_digest(so_path: str, stamp: Optional[str] = None) -> bytes:
    """blake2b of the translator's sources (usermode/translate/**.py) and its
    native runtime.  `stamp`: a file that keeps the digest under the files'
    paths, sizes and modification times (what Python's own .pyc check looks
    at), so that a run reads and hashes the files only after they changed."""
    root = os.path.dirname(os.path.abspath(__file__))
    files = []
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x != "__pycache__")
        files += [os.path.join(d, n) for n in names if n.endswith(".py")]
    files.sort()
    key = None
    if stamp is not None:
        k = _blake2b(digest_size=16)
        for p in files + [so_path]:
            st = os.stat(p)
            k.update(f"{p}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
        key = k.digest()
        try:
            with open(stamp, "rb") as f:
                data = f.read()
            if len(data) == 36 and data[:16] == key:
                return data[16:]
        except OSError:
            pass
    h = _blake2b(FORMAT, digest_size=20)
    for p in files:
        h.update(p[len(root) + 1:].encode() + b"\0")
        with open(p, "rb") as f:
            h.update(f.read())
    with open(so_path, "rb") as f:
        h.update(f.read())
    digest = h.digest()
    if key is not None:
        tmp = f"{stamp}.{os.getpid()}"
        try:
            with open(tmp, "wb") as f:
                f.write(key + digest)
            os.replace(tmp, stamp)
        except OSError:
            pass
    return digest


def translator_version(so_path: str, stamp: Optional[str] = None) -> str:
    """Hash of everything the generated code depends on besides the guest bytes
    (`stamp`: see _sources_digest)."""
    h = _blake2b(_sources_digest(so_path, stamp), digest_size=20)
    for k in sorted(os.environ):
        if k.startswith("PYQEMU_") and not k.startswith("PYQEMU_TCACHE"):
            h.update(f"{k}={os.environ[k]}\0".encode())
    try:
        from . import _runtime
        h.update(b"features=%d" % int(_runtime.lib.fp_host_features()))
    except Exception:
        pass
    return h.hexdigest()


KEEP_VERSIONS = 4      # translator versions kept side by side (most recently used)
STAMP = ".sources"     # in the cache root: the sources' digest by their stat (_sources_digest)


def _use_version(root: str, version: str) -> str:
    """The version's directory; marks it used and, when it is new, removes all
    but the KEEP_VERSIONS most recently used versions (each edit of the
    translator makes a new one)."""
    d = os.path.join(root, version)
    mark = os.path.join(d, ".used")
    try:
        os.utime(mark)
        return d
    except FileNotFoundError:
        pass
    os.makedirs(d, exist_ok=True)
    with open(mark, "a"):
        pass
    try:
        others = []
        for e in os.scandir(root):
            if e.is_dir(follow_symlinks=False) and e.name != version:
                try:
                    others.append((os.stat(os.path.join(e.path, ".used")).st_mtime, e.path))
                except OSError:
                    others.append((0.0, e.path))
        others.sort(reverse=True)
        stale = others[KEEP_VERSIONS - 1:]
        if stale:
            import shutil           # only then: it imports re, bz2, lzma... (~15 ms)
            for _, path in stale:
                shutil.rmtree(path, ignore_errors=True)
    except OSError:
        pass
    return d


def get() -> Optional["TranslationCache"]:
    """The process's cache, or None (disabled, or the cache directory is unusable)."""
    tc = _state.get("cache", False)
    if tc is False:
        tc = None
        if enabled():
            try:
                path, base, lo, hi = _runtime_so()
                root = cache_root()
                os.makedirs(root, exist_ok=True)
                d = _use_version(root, translator_version(path, os.path.join(root, STAMP)))
                tc = TranslationCache(d, base, lo, hi)
            except OSError:
                tc = None
        _state["cache"] = tc
    return tc


def reset() -> None:
    """Forget the process's cache object (tests; after changing the environment)."""
    _state.clear()


# ------------------------------------------------------------------ entries
class Entry:
    """One cached block: guest pc, tb_flags, end and bytes; host code, its
    relocations, exit slots (jmp: insn0, reset0, insn1, reset1) and insn map."""
    __slots__ = ("pc", "flags", "end", "guest", "align", "insns", "insn_flags", "relocs",
                 "code", "jmp", "insn_map")

    def __init__(self, pc, flags, end, guest, align, insns, insn_flags, relocs, code, jmp,
                 insn_map):
        self.pc, self.flags, self.end, self.guest = pc, flags, end, guest
        self.align, self.insns, self.insn_flags = align, insns, insn_flags
        self.relocs, self.code, self.jmp, self.insn_map = relocs, code, jmp, insn_map

    @property
    def quick(self) -> bool:
        """The code of a quick block (the first tier: unoptimized, counts its entries)."""
        return bool(self.align & ALIGN_QUICK)

    def pack(self) -> bytes:
        n, m = len(self.insns), len(self.insn_map)
        body = [_BODY.pack(self.pc, self.flags, self.end, self.align, n,
                           len(self.relocs), len(self.code), *self.jmp, m,
                           len(self.guest)), self.guest,
                _arrays(n, m).pack(*(i[0] for i in self.insns), *self.insn_flags,
                                   *(i[1] for i in self.insns), *(i[2] for i in self.insns),
                                   *(x[1] for x in self.insn_map), *(x[0] for x in self.insn_map))]
        body += [_RELOC.pack(*r) for r in self.relocs]
        body.append(self.code)
        b = b"".join(body)
        return _HDR.pack(RECORD_MAGIC, len(b), _h16(b)) + b

    @classmethod
    def unpack(cls, body) -> "Entry":
        (pc, flags, end, align, n, nrel, clen, ji0, jr0, ji1, jr1, m,
         glen) = _BODY.unpack_from(body, 0)
        off = _BODY.size
        guest = bytes(body[off:off + glen])
        off += glen
        st = _arrays(n, m)
        v = st.unpack_from(body, off)
        off += st.size
        pcs, fls, encs, sizes = v[:n], list(v[n:2 * n]), v[2 * n:3 * n], v[3 * n:4 * n]
        imap = list(zip(v[4 * n + m:], v[4 * n:4 * n + m]))
        relocs = list(_RELOC.iter_unpack(body[off:off + nrel * _RELOC.size]))
        off += nrel * _RELOC.size
        code = bytes(body[off:off + clen])
        if len(code) != clen or len(guest) != glen:
            raise ValueError("short record")
        return cls(pc, flags, end, guest, align, list(zip(pcs, encs, sizes)), fls, relocs, code,
                   (ji0, jr0, ji1, jr1), imap)


def _is_quick(rec) -> bool:
    """Whether a page table's record (a checked body, or (data, body offset,
    body length, digest)) holds a quick block."""
    if rec.__class__ is bytes:
        return bool(rec[_ALIGN_OFFSET] & ALIGN_QUICK)
    return bool(rec[0][rec[1] + _ALIGN_OFFSET] & ALIGN_QUICK)


def insns_of(body: bytes) -> int:
    """The number of guest instructions of a record body."""
    return _NINSNS.unpack_from(body, _NINSNS_OFFSET)[0]


_ARRAYS: Dict[Tuple[int, int], struct.Struct] = {}


def _arrays(n: int, m: int) -> struct.Struct:
    """n insns: pcs, tb_flags (u64), encodings (u32), sizes (u8); m map
    entries: guest pcs (u64), host offsets (u32); little-endian, unpadded."""
    st = _ARRAYS.get((n, m))
    if st is None:
        st = _ARRAYS[(n, m)] = struct.Struct(f"<{2 * n}Q{n}I{n}B{m}Q{m}I")
    return st


def index_records(data: bytes) -> Dict[Tuple[int, int], List[Tuple[int, int, bytes]]]:
    """(pc, flags) -> [(body offset, body length, digest)] of every complete
    record of a page file (a torn or corrupt tail ends it); bodies are checked
    and unpacked only when used."""
    out: Dict[Tuple[int, int], List[Tuple[int, int, bytes]]] = {}
    off, n = 0, len(data)
    hdr, key = _HDR.unpack_from, _KEY.unpack_from
    while off + _HDR.size <= n:
        magic, blen, digest = hdr(data, off)
        start = off + _HDR.size
        if magic != RECORD_MAGIC or start + blen > n or blen < _BODY.size:
            break
        out.setdefault(key(data, start), []).append((start, blen, digest))
        off = start + blen
    return out


def parse_records(data: bytes) -> List[Entry]:
    """Every complete, intact record of a page file (a torn or corrupt tail ends it)."""
    out = []
    recs = sorted(r for lst in index_records(data).values() for r in lst)
    for start, blen, digest in recs:
        body = data[start:start + blen]
        if _h16(body) != digest:
            break
        try:
            out.append(Entry.unpack(body))
        except (struct.error, ValueError):
            break
    return out


# ------------------------------------------------------------------ a hit's IR
class LazyOps(list):
    """The op list of a cache hit: handed to the code generator untouched it
    stands for the cached code (see `is_cached`); anyone else who looks at it
    (a log, a test) gets the real IR, translated on first use."""

    def __init__(self, entry: Entry, materialize: Callable[[], object]):
        list.__init__(self)
        self.entry = entry
        self.filled = False
        self._materialize = materialize
        self._builder = None

    def builder(self):
        if self._builder is None:
            self._builder = self._materialize()
            list.extend(self, self._builder.ops)
            self.filled = True
        return self._builder


def _lazy(name):
    meth = getattr(list, name)

    def f(self, *a, **k):
        if not self.filled:
            self.builder()
        return meth(self, *a, **k)
    f.__name__ = name
    return f


for _name in ("__iter__", "__len__", "__getitem__", "__contains__", "__reversed__", "__eq__",
              "__ne__", "__repr__", "__bool__", "__add__", "__mul__", "__setitem__",
              "__delitem__", "__iadd__", "index", "count", "copy", "append", "extend",
              "insert", "pop", "remove", "reverse", "sort", "clear"):
    if hasattr(list, _name):
        setattr(LazyOps, _name, _lazy(_name))


class CachedIR:
    """Stands for the IRBuilder of a cache hit (``.ops`` a LazyOps; anything
    else is the real builder's, translated on demand)."""

    def __init__(self, entry: Entry, materialize: Callable[[], object]):
        self.ops = LazyOps(entry, materialize)

    @property
    def ntemps(self) -> int:
        return self.ops._builder.ntemps if self.ops.filled else 0

    def __getattr__(self, name):
        return getattr(self.ops.builder(), name)


def cached_entry(ops) -> Optional[Entry]:
    """The cache entry an op list stands for, if it is an untouched LazyOps."""
    if ops.__class__ is LazyOps and not ops.filled:
        return ops.entry
    return None


# ------------------------------------------------------------------ the cache
class TranslationCache:
    def __init__(self, directory: str, so_base: int, so_lo: int, so_hi: int):
        self.dir = directory
        self.so_base, self.so_range = so_base, (so_lo, so_hi)
        # page address -> (page hash, {(pc, flags): [Entry...]})
        self.pages: Dict[int, Tuple[bytes, Dict[Tuple[int, int], List[Entry]]]] = {}
        self.hits = self.misses = self.stored = 0
        self._pending = None
        self._hashed: Dict[int, Tuple[bytes, bytes]] = {}     # page -> (content, hash)
        self._mode = _fastsys.mode()

    # ---- files ------------------------------------------------------------------
    def _path(self, page: int, page_hash: bytes) -> str:
        hx = page_hash.hex()
        # translation modes set at run time (the native syscall fast path) are
        # part of the key too
        return os.path.join(self.dir, hx[:2], f"{page:x}-{hx}-m{_fastsys.mode()}.tc")

    def _page_hash(self, read_code, page: int) -> Optional[bytes]:
        """The hash of the page's current content (None if unreadable).  The
        content last hashed is kept for HASHED_PAGES pages: an unchanged page
        is compared, not hashed again (a first run asks at every block)."""
        try:
            data = read_code(page, PAGE)
        except Exception:
            return None
        last = self._hashed.get(page)
        if last is not None and last[0] == data:
            return last[1]
        if len(self._hashed) >= HASHED_PAGES:
            self._hashed.clear()
        h = _h16(data)
        self._hashed[page] = (data, h)
        return h

    def _load_page(self, page: int, page_hash: bytes):
        """The page file's records, indexed (pc, flags) -> [record]; a record is
        (data, body offset, body length, digest) until used, then an Entry."""
        try:
            with open(self._path(page, page_hash), "rb") as f:
                data = f.read()
        except OSError:
            data = b""
        table = {k: [(data, start, blen, dg) for start, blen, dg in recs]
                 for k, recs in index_records(data).items()}
        self.pages[page] = (page_hash, table)
        return table

    @staticmethod
    def _matches(rec, pc: int, read_code) -> Optional[bytes]:
        """The record's body if its guest bytes are those now at pc (else None).
        rec: (data, body offset, body length, digest) until checked, then the
        checked body (bytes)."""
        if rec.__class__ is bytes:
            body = rec
            glen = _GLEN.unpack_from(body, _BODY.size - 2)[0]
            g = body[_BODY.size:_BODY.size + glen]
        else:
            data, start, blen, digest = rec
            glen = _GLEN.unpack_from(data, start + _BODY.size - 2)[0]
            g0 = start + _BODY.size
            g = data[g0:g0 + glen]
            body = None
        try:
            if read_code(pc, glen) != g:
                return None
        except Exception:
            return None
        if body is None:
            body = data[start:start + blen]
            if _h16(body) != digest:
                return None
        return body

    # ---- the entry/exit stub --------------------------------------------------------
    _STUB = struct.Struct("<4sIII")          # magic, prologue, ret0, epilogue offsets

    def stub(self) -> Optional[Tuple[bytes, int, int, int]]:
        """The code generator's stub (code, prologue, ret0, epilogue offsets) kept
        by store_stub under this translator version, or None."""
        try:
            with open(os.path.join(self.dir, "stub.bin"), "rb") as f:
                data = f.read()
        except OSError:
            return None
        st = self._STUB
        if len(data) < st.size + 16:
            return None
        magic, prologue, ret0, epilogue = st.unpack_from(data, 0)
        code, digest = data[st.size:-16], data[-16:]
        if magic != RECORD_MAGIC or _h16(data[:-16]) != digest or not (
                prologue < len(code) and ret0 < len(code) and epilogue < len(code)):
            return None
        return code, prologue, ret0, epilogue

    def store_stub(self, stub) -> None:
        """Keep the stub (codegen.Stub) for the next runs: written to a temporary
        file and renamed, so readers see all of it or nothing."""
        body = self._STUB.pack(RECORD_MAGIC, stub.prologue, stub.ret0, stub.epilogue) + stub.code
        tmp = os.path.join(self.dir, f".stub.{os.getpid()}")
        try:
            with open(tmp, "wb") as f:
                f.write(body + _h16(body))
            os.replace(tmp, os.path.join(self.dir, "stub.bin"))
        except OSError:
            pass

    # ---- lookup -------------------------------------------------------------------
    def lookup(self, pc: int, flags: int, read_code: Callable[[int, int], bytes]) -> Optional[Entry]:
        """The cached block for (pc, flags) whose guest bytes are those now in
        memory, as an Entry (or None)."""
        body = self.lookup_body(pc, flags, read_code)
        if body is None:
            return None
        try:
            return Entry.unpack(body)
        except (struct.error, ValueError):
            return None

    def lookup_body(self, pc: int, flags: int, read_code: Callable[[int, int], bytes],
                    optimized_only: bool = False) -> Optional[bytes]:
        """The same as a checked record body (the engine's fast path hands it
        to the runtime's rt_tb_install_cached without unpacking it here).  An
        optimized block's record is preferred to a quick block's; with
        optimized_only, a quick block's is never returned."""
        page = pc & ~(PAGE - 1)
        if self._mode != _fastsys.mode():
            self.pages.clear()
            self._mode = _fastsys.mode()
        got = self.pages.get(page)
        for attempt in range(2):
            if got is None:
                ph = self._page_hash(read_code, page)
                if ph is None:
                    return None
                table = self._load_page(page, ph)
            else:
                table = got[1]
            recs = table.get((pc, flags))
            if recs:
                # an optimized block's record wins over a quick one's (the
                # same block, translated again when it became hot)
                found = None
                for i, rec in enumerate(recs):
                    quick = _is_quick(rec)
                    if quick and (found is not None or optimized_only):
                        continue
                    body = self._matches(rec, pc, read_code)
                    if body is not None:
                        recs[i] = found = body
                        if not quick:
                            break
                if found is not None:
                    self.hits += 1
                    return found
            if got is None:
                break
            # the page may have changed since it was loaded: look again by content
            ph = self._page_hash(read_code, page)
            if ph is None or ph == got[0]:
                break
            got = None
        self.misses += 1
        return None

    # ---- storing --------------------------------------------------------------------
    def pending(self, ops, pc: int, flags: int, end: int, insns, insn_flags, read_code) -> None:
        """The front end translated the block whose IR is `ops`: remember what
        the entry needs until the code generator has compiled exactly that list."""
        if not insns or end <= pc or end - pc > 0xFFFF:
            self._pending = None
            return
        try:
            guest = read_code(pc, end - pc)
        except Exception:
            self._pending = None
            return
        self._pending = (ops, pc, flags, end, guest, list(insns), list(insn_flags), read_code)

    def generated(self, ops, res, code_addr: int, asm, tb_relocs, epilogue: int) -> None:
        """The code generator compiled `ops` into res (GenResult, res.quick for
        a quick block) at code_addr with Assembler asm: store the entry if
        `ops` is the pending block's IR."""
        p = self._pending
        if p is None or p[0] is not ops:
            return
        self._pending = None
        if asm.unrelocatable:
            return
        _, pc, flags, end, guest, insns, insn_flags, read_code = p
        lo, hi = self.so_range
        relocs = [(R_TB, pos, n) for pos, n in tb_relocs]
        for kind, pos, val in asm.relocs:
            if kind == "abs64" and lo <= val < hi:
                relocs.append((R_SO64, pos, val - self.so_base))
            elif kind == "rel32" and val == epilogue:
                relocs.append((R_EPI, pos, 0))
            elif kind == "rel32" and lo <= val < hi:
                relocs.append((R_SO32, pos, val - self.so_base))
            else:
                return                      # something we cannot relocate: not cached
        jmp = tuple(NO_JMP if x is None else x for x in
                    (res.jmp_insn[0], res.jmp_reset[0], res.jmp_insn[1], res.jmp_reset[1]))
        entry = Entry(pc, flags, end, guest, (code_addr & 15) | (ALIGN_QUICK if res.quick else 0),
                      insns, insn_flags, relocs,
                      res.code, jmp, list(res.insn_map))
        page = pc & ~(PAGE - 1)
        ph = self._page_hash(read_code, page)
        if ph is None:
            return
        rec = entry.pack()
        self._append(page, ph, rec)
        got = self.pages.get(page)
        if got is not None and got[0] == ph and self._mode == _fastsys.mode():
            got[1].setdefault((pc, flags), []).append(rec[_HDR.size:])   # a checked body

    def _append(self, page: int, page_hash: bytes, rec: bytes) -> None:
        path = self._path(page, page_hash)
        try:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                if os.fstat(fd).st_size < MAX_FILE:
                    os.write(fd, rec)          # one write: appended whole, never interleaved
                    self.stored += 1
            finally:
                os.close(fd)
        except OSError:
            pass                               # a read-only or full cache is not an error

    # ---- installing -------------------------------------------------------------------
    def relocate(self, e: Entry, code_addr: int, tb_addr: int, epilogue: int) -> bytes:
        """The entry's code for placement at code_addr as the code of TB tb_addr."""
        if code_addr & 15 != e.align & 15:
            raise ValueError("code placed at a different alignment")
        code = bytearray(e.code)
        base = self.so_base
        for kind, pos, val in e.relocs:
            if kind == R_TB:
                struct.pack_into("<Q", code, pos, tb_addr | val)
            elif kind == R_EPI:
                struct.pack_into("<i", code, pos, epilogue - (code_addr + pos + 4))
            elif kind == R_SO64:
                struct.pack_into("<Q", code, pos, base + val)
            elif kind == R_SO32:
                struct.pack_into("<i", code, pos, base + val - (code_addr + pos + 4))
            else:
                raise ValueError(f"unknown relocation kind {kind}")
        return bytes(code)


def stats() -> str:
    tc = _state.get("cache")
    if not tc:
        return "tcache: off"
    return f"tcache: {tc.hits} hits, {tc.misses} misses, {tc.stored} stored ({tc.dir})"


if __name__ == "__main__":          # python -m usermode.translate.tcache: where and what
    print(cache_root())
    print("enabled" if enabled() else "disabled (PYQEMU_TCACHE=0)", file=sys.stderr)

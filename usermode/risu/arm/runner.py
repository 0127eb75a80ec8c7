"""Build the ARM risu runner (runner.S) once and find its routines.

The runner is compiled with Debian's cross compiler into a cache directory
(``$PYQEMU_RISU_CACHE``, else ``tests/build/risu`` in a source checkout, else
``~/.cache/pyqemu-risu``) and rebuilt only when runner.S, the layout
constants or the compiler change.

Usage::

    from usermode.risu.arm.runner import runner
    r = runner()                # builds on first use
    r.path, hex(r.symbols["risu_dump"])
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional

from . import layout as L

CC = os.environ.get("PYQEMU_CROSS_CC", "arm-linux-gnueabihf-gcc")
SOURCE = Path(__file__).with_name("runner.S")
CFLAGS = ["-nostdlib", "-static", "-marm", "-march=armv7-a", "-mfpu=vfpv3", "-mfloat-abi=hard",
          "-Wl,--build-id=none", f"-Wl,-Ttext-segment={L.RUNNER:#x}"]
ROUTINES = ("risu_reload", "risu_dump", "risu_finish",
            "risu_reload_t", "risu_dump_t", "risu_finish_t")


class RunnerBuildError(Exception):
    pass


@dataclass(frozen=True)
class Runner:
    path: Path
    symbols: Dict[str, int]


def cache_dir() -> Path:
    env = os.environ.get("PYQEMU_RISU_CACHE")
    if env:
        return Path(env)
    repo_build = Path(__file__).resolve().parents[3] / "tests" / "build"
    if repo_build.parent.is_dir():
        return repo_build / "risu"
    return Path.home() / ".cache" / "pyqemu-risu"


def _flags():
    return CFLAGS + [f"-D{k}={v:#x}" for k, v in sorted(L.DEFINES.items())]


def _key(cc: str) -> str:
    h = hashlib.sha256(SOURCE.read_bytes())
    h.update(" ".join(_flags()).encode())
    out = subprocess.run([cc, "-dumpfullversion", "-dumpmachine"], capture_output=True, text=True)
    h.update((os.path.realpath(cc) + out.stdout).encode())
    return h.hexdigest()[:16]


def _symbols(path: Path) -> Dict[str, int]:
    from elftools.elf.elffile import ELFFile
    with open(path, "rb") as f:
        tab = ELFFile(f).get_section_by_name(".symtab")
        syms = {s.name: s["st_value"] for s in tab.iter_symbols() if s.name in ROUTINES}
    missing = set(ROUTINES) - set(syms)
    if missing:
        raise RunnerBuildError(f"{path}: no symbols {sorted(missing)}")
    return syms


_cached: Optional[Runner] = None


def runner() -> Runner:
    """The built runner (compiling it if needed)."""
    global _cached
    if _cached is not None and _cached.path.exists():
        return _cached
    cc = shutil.which(CC)
    if cc is None:
        raise RunnerBuildError(f"cross compiler {CC} not found (apt-get install gcc-arm-linux-gnueabihf)")
    d = cache_dir()
    d.mkdir(parents=True, exist_ok=True)
    out = d / f"risu-arm-runner-{_key(cc)}"
    if not out.exists():
        with open(d / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not out.exists():
                tmp = out.with_name(f".{out.name}.{os.getpid()}")
                cmd = [cc, *_flags(), "-o", str(tmp), str(SOURCE)]
                p = subprocess.run(cmd, capture_output=True, text=True)
                if p.returncode:
                    raise RunnerBuildError(f"{' '.join(cmd)}:\n{p.stderr}")
                os.replace(tmp, out)
    _cached = Runner(out, _symbols(out))
    return _cached

"""The real programs of the benchmark, from Debian's armhf packages.

``ensure_root()`` downloads the packages (``apt-get download PKG:armhf``, into
bench/build/debs/; .deb files the tests already fetched under tests/build/ are
reused), unpacks them with ``dpkg -x`` into bench/build/root/ and returns that
directory: the sysroot both emulators get with ``-L``.  bench/build/ is
git-ignored; nothing here is ever committed.  Needs a Debian host with the
armhf architecture added (``dpkg --add-architecture armhf && apt-get update``).

Usage::

    python bench/debian.py          # build it, print the path
    from debian import ensure_root, Unavailable
"""
from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD = HERE / "build"
DEBS = BUILD / "debs"
ROOT = BUILD / "root"
STAMP = ".bench-root"

# bookworm armhf packages: each program's run-time Depends closure
PACKAGES = {
    "busybox": ("busybox-static",),
    "libc": ("libc6", "libgcc-s1"),
    "sqlite3": ("sqlite3", "libsqlite3-0", "libreadline8", "libtinfo6", "zlib1g"),
    "lua5.4": ("lua5.4", "libreadline8", "libtinfo6"),
    "python3.11": ("python3.11-minimal", "libpython3.11-minimal", "libexpat1", "zlib1g",
                   "libssl3", "libcrypt1", "libffi8"),
}
REUSE = [REPO / "tests" / "build" / "debian-armhf" / "debs", REPO / "tests" / "build" / "busybox"]


class Unavailable(Exception):
    """The packages cannot be had here; str() says why."""


def all_packages():
    return sorted({p for pkgs in PACKAGES.values() for p in pkgs})


def _key() -> str:
    return hashlib.sha256("\n".join(["1"] + all_packages()).encode()).hexdigest()


def _deb(pkg: str):
    found = sorted(DEBS.glob(f"{pkg}_*_armhf.deb"))
    return found[-1] if found else None


def _fetch() -> None:
    DEBS.mkdir(parents=True, exist_ok=True)
    for d in REUSE:
        for f in d.glob("*_armhf.deb") if d.is_dir() else ():
            if f.name.split("_", 1)[0] in all_packages() and not (DEBS / f.name).exists():
                shutil.copy2(f, DEBS / f.name)
    want = [p for p in all_packages() if _deb(p) is None]
    if not want:
        return
    if not shutil.which("apt-get"):
        raise Unavailable("apt-get not found (not a Debian host)")
    r = subprocess.run(["apt-get", "download", "-q"] + [f"{p}:armhf" for p in want],
                       cwd=DEBS, capture_output=True, text=True)
    if r.returncode != 0:
        raise Unavailable("cannot download armhf packages: "
                          + (r.stderr.strip().splitlines() or ["?"])[-1]
                          + " (dpkg --add-architecture armhf && apt-get update)")


def ensure_root() -> Path:
    stamp = ROOT / STAMP
    if stamp.exists() and stamp.read_text().strip() == _key():
        return ROOT
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".root.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text().strip() == _key():
            return ROOT
        _fetch()
        if not shutil.which("dpkg"):
            raise Unavailable("dpkg not found")
        tmp = BUILD / "root.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for p in all_packages():
            deb = _deb(p)
            if deb is None:
                raise Unavailable(f"{p}:armhf was not downloaded")
            subprocess.run(["dpkg", "-x", str(deb), str(tmp)], check=True)
        (tmp / STAMP).write_text(_key() + "\n")
        shutil.rmtree(ROOT, ignore_errors=True)
        tmp.rename(ROOT)
    return ROOT


if __name__ == "__main__":
    try:
        print(ensure_root())
    except Unavailable as e:
        sys.exit(f"bench/debian.py: {e}")

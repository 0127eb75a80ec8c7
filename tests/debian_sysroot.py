"""A Debian armhf system root for the tests, made from the real archive packages.

``ensure_sysroot()`` downloads the packages in PACKAGES with
``apt-get download PKG:armhf`` (cached in tests/build/debian-armhf/debs/),
unpacks them with ``dpkg -x`` into tests/build/debian-armhf/root/ (git-ignored)
and finishes the installation the way Debian's maintainer scripts would:

  * /etc/ld.so.cache: the archive's own ARM ``ldconfig`` (libc-bin) run by
    ``qemu-arm`` with ``-r root`` (a chroot, so only as root; otherwise ld.so
    falls back to its default search path and everything still runs);
  * Python byte code: ``compileall`` of /usr/lib/python3.11 (what py3compile
    does in python3.11's postinst) by this interpreter when it is a 3.11 too
    (same .pyc magic), else left to the guest.

The result is reused until PACKAGES changes; several pytest-xdist workers may
ask at once (a lock file serialises them).  When apt cannot fetch armhf
packages, ``Unavailable`` says why (tests skip with that reason).

``run_both(root, argv, ...)`` runs one guest command under ``qemu-arm -L root``
(the reference) and ``pyqemu-arm -L root`` (through usermode.api.run) with the
same input, environment and working directory, and returns both results.

Usage::

    from debian_sysroot import ensure_sysroot, run_both, Unavailable
    root = ensure_sysroot()                   # Path; Unavailable(reason) if no packages
    ref, got = run_both(root, ["/bin/ls", "/"])
    assert (got.returncode, got.stdout) == (ref.returncode, ref.stdout)

    python tests/debian_sysroot.py            # build it by hand, print the path
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from usermode.api import run as pyqemu_run  # noqa: E402

# ---- tables -------------------------------------------------------------------

ARCH = "armhf"
# program -> the bookworm armhf packages it needs at run time (its Depends closure)
PACKAGES: Dict[str, Tuple[str, ...]] = {
    "libc": ("libc6", "libgcc-s1", "libc-bin"),
    "coreutils": ("coreutils", "libacl1", "libattr1", "libgmp10", "libselinux1",
                  "libpcre2-8-0"),
    "gzip": ("gzip",),
    "grep": ("grep", "libpcre2-8-0"),
    "sed": ("sed", "libacl1", "libselinux1"),
    "gawk": ("gawk", "libgmp10", "libmpfr6", "libreadline8", "libtinfo6", "libsigsegv2"),
    "sqlite3": ("sqlite3", "libsqlite3-0", "libreadline8", "libtinfo6", "zlib1g"),
    "lua5.4": ("lua5.4", "libreadline8", "libtinfo6"),
    "python3.11": ("python3.11-minimal", "libpython3.11-minimal", "libpython3.11-stdlib",
                   "libexpat1", "zlib1g", "libssl3", "libbz2-1.0", "libcrypt1", "libdb5.3",
                   "libffi8", "liblzma5", "libncursesw6", "libtinfo6", "libnsl2",
                   "libtirpc3", "libuuid1", "libsqlite3-0", "libreadline8"),
}
FORMAT = "2"                      # bump when the finishing steps change
BUILD = REPO / "tests" / "build" / "debian-armhf"
ROOT = BUILD / "root"
DEBS = BUILD / "debs"
STAMP = ".pyqemu-sysroot"
QEMU = os.environ.get("PYQEMU_QEMU_ARM", "qemu-arm")
PYTHON_LIB = "usr/lib/python3.11"

# what both emulators' guests see: small and fixed
GUEST_ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "HOME": "/nonexistent"}


class Unavailable(Exception):
    """The sysroot cannot be built here; str() is the reason (for pytest.skip)."""


class Result(NamedTuple):
    returncode: int
    stdout: bytes
    stderr: bytes


# ---- building -------------------------------------------------------------------

def all_packages() -> List[str]:
    return sorted({p for pkgs in PACKAGES.values() for p in pkgs})


def _key() -> str:
    text = FORMAT + "\n" + "\n".join(all_packages())
    return hashlib.sha256(text.encode()).hexdigest()


def _tail(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def _download(pkgs: Sequence[str]) -> None:
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        raise Unavailable("apt-get/dpkg not found: not a Debian host")
    DEBS.mkdir(parents=True, exist_ok=True)
    have = {d.name.split("_", 1)[0] for d in DEBS.glob("*_armhf.deb")}
    want = [p for p in pkgs if p not in have]
    if not want:
        return
    for attempt in range(3):            # a mirror mid-sync fails now and then
        r = subprocess.run(["apt-get", "-o", "Acquire::Retries=3", "download", "-q"]
                           + [f"{p}:{ARCH}" for p in want],
                           cwd=DEBS, capture_output=True, text=True)
        if r.returncode == 0:
            break
        time.sleep(5 * (attempt + 1))
    if r.returncode != 0:
        raise Unavailable(f"cannot download Debian {ARCH} packages ({_tail(r.stderr)}); "
                          "needs 'dpkg --add-architecture armhf && apt-get update' "
                          "and the Debian archive")


def _deb_for(pkg: str) -> Path:
    found = sorted(DEBS.glob(f"{pkg}_*_{ARCH}.deb"))
    if not found:
        raise Unavailable(f"package {pkg}:{ARCH} was not downloaded")
    return found[-1]


def _make_ld_cache(root: Path) -> None:
    """Run the archive's ARM ldconfig chrooted into root (needs root and qemu-arm)."""
    ldconfig = root / "sbin" / "ldconfig"
    if os.geteuid() != 0 or not shutil.which(QEMU) or not ldconfig.exists():
        return
    subprocess.run([QEMU, str(ldconfig), "-X", "-r", str(root)], capture_output=True,
                   timeout=300)


def _compile_python(root: Path) -> None:
    lib = root / PYTHON_LIB
    if sys.version_info[:2] != (3, 11) or not lib.is_dir():
        return
    import compileall
    import io
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        compileall.compile_dir(str(lib), quiet=2, workers=2,
                               rx=__import__("re").compile(r"/(test|idlelib|lib2to3)/"))


def _build() -> Path:
    pkgs = all_packages()
    _download(pkgs)
    tmp = BUILD / "root.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for p in pkgs:
        r = subprocess.run(["dpkg", "-x", str(_deb_for(p)), str(tmp)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Unavailable(f"dpkg -x {p} failed: {_tail(r.stderr)}")
    _make_ld_cache(tmp)
    _compile_python(tmp)
    (tmp / STAMP).write_text(_key() + "\n")
    shutil.rmtree(ROOT, ignore_errors=True)
    tmp.rename(ROOT)
    return ROOT


def ensure_sysroot() -> Path:
    """The Debian armhf root (built on first use); Unavailable(reason) if it cannot be."""
    stamp = ROOT / STAMP
    if stamp.exists() and stamp.read_text().strip() == _key():
        return ROOT
    BUILD.mkdir(parents=True, exist_ok=True)
    with open(BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text().strip() == _key():
            return ROOT
        return _build()


# ---- running --------------------------------------------------------------------

def run_qemu(root: Path, argv: Sequence[str], stdin: Optional[bytes], cwd: Path,
             env: Mapping[str, str], timeout: float) -> Result:
    r = subprocess.run([QEMU, "-L", str(root), *argv], input=stdin or b"",
                       capture_output=True, cwd=cwd, env=dict(env), timeout=timeout)
    return Result(r.returncode, r.stdout, r.stderr)


def run_pyqemu(root: Path, argv: Sequence[str], stdin: Optional[bytes], cwd: Path,
               env: Mapping[str, str], timeout: float) -> Result:
    r = pyqemu_run(list(argv), ld_prefix=root, input=stdin or b"", cwd=cwd, env=env,
                   timeout=timeout)
    return Result(r.returncode, r.stdout, r.stderr)


def guest_path(root: Path, program: str) -> str:
    """Host path of a program of the sysroot: '/usr/bin/sort' -> '<root>/usr/bin/sort'."""
    return str(root / program.lstrip("/"))


def run_both(root: Path, argv: Sequence[str], stdin: Optional[bytes] = None,
             cwd: Optional[Path] = None, env: Optional[Mapping[str, str]] = None,
             timeout: float = 600) -> Tuple[Result, Result]:
    """(qemu-arm result, pyqemu result) of argv; argv[0] is a guest path in root."""
    argv = [guest_path(root, argv[0])] + list(argv[1:])
    env = dict(GUEST_ENV if env is None else env)
    cwd = cwd or Path.cwd()
    ref = run_qemu(root, argv, stdin, cwd, env, timeout)
    got = run_pyqemu(root, argv, stdin, cwd, env, timeout)
    return ref, got


def explain(ref: Result, got: Result, limit: int = 1500) -> str:
    """A readable account of how two results differ (for assertion messages)."""
    out = []
    if ref.returncode != got.returncode:
        out.append(f"exit status: qemu-arm {ref.returncode}, pyqemu {got.returncode}")
    for name in ("stdout", "stderr"):
        a, b = getattr(ref, name), getattr(got, name)
        if a != b:
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            out.append(f"{name} differs at byte {i}:\n  qemu-arm: {a[max(0, i - 80):i + 200]!r}\n"
                       f"  pyqemu:   {b[max(0, i - 80):i + 200]!r}")
    if got.stderr and got.stderr != ref.stderr:
        out.append(f"pyqemu stderr: {got.stderr[-limit:].decode(errors='replace')}")
    return "\n".join(out)


if __name__ == "__main__":
    try:
        print(ensure_sysroot())
    except Unavailable as e:
        sys.exit(f"debian_sysroot: {e}")

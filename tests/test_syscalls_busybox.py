"""Debian's armhf busybox-static runs tests/guest_sys/busybox_script.sh (sh
with pipes, redirections and subshells, ls -l, find, sort, uniq, sed, awk,
grep, md5sum, sha256sum, tar c/x with gzip, gzip/gunzip, cp -r, mv, rm,
mkdir -p, stat, date, xargs, wc, head/tail) and must print exactly what it
prints under qemu-arm.

The busybox package is downloaded with ``apt-get download
busybox-static:armhf`` into tests/build/busybox/ (git-ignored) and unpacked
with ``dpkg -x``; the test is skipped, saying why, when that fails (the
armhf architecture must be known to apt: ``dpkg --add-architecture armhf &&
apt-get update``).

Both runs see busybox's applets on PATH, as an installed busybox provides
them: for pyqemu, symbolic links to the ARM busybox binary (executed, like
on a real ARM machine, through execve of an ARM program, which re-runs the
translator); for qemu-arm, which cannot execve ARM programs without
binfmt_misc, small host scripts that start ``qemu-arm busybox APPLET``.
Busybox itself first tries execve("/proc/self/exe"), which only pyqemu gets
right (qemu-arm: ENOEXEC, then the PATH fallback above).
"""
import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "guest_sys"))
import sysharness as H  # noqa: E402

SCRIPT = H.HERE / "busybox_script.sh"
BB_DIR = H.REPO / "tests" / "build" / "busybox"
APPLETS = ("sort uniq head tail grep wc sed awk basename tr cat find xargs md5sum sha256sum "
           "tar cmp gzip gunzip ls rm mv cp stat date sh seq touch mkdir printf").split()


def fetch_busybox():
    exe = BB_DIR / "root" / "bin" / "busybox"
    if exe.exists():
        return exe
    if not shutil.which("apt-get") or not shutil.which("dpkg"):
        pytest.skip("busybox-static:armhf: needs apt-get and dpkg to fetch it")
    BB_DIR.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["apt-get", "download", "busybox-static:armhf"], cwd=BB_DIR,
                       capture_output=True, text=True, timeout=300)
    debs = sorted(BB_DIR.glob("busybox-static_*_armhf.deb"))
    if r.returncode != 0 or not debs:
        pytest.skip("could not download busybox-static:armhf (is the armhf architecture "
                    "added to apt? dpkg --add-architecture armhf && apt-get update): "
                    + (r.stderr.strip().splitlines() or ["no output"])[-1])
    tmp = BB_DIR / f"root.tmp{os.getpid()}"
    subprocess.run(["dpkg", "-x", str(debs[-1]), str(tmp)], check=True)
    if not exe.exists():
        os.replace(tmp, BB_DIR / "root")
    return exe


def applet_dir(root, runner, busybox):
    d = root / "bin"
    d.mkdir()
    for a in APPLETS:
        p = d / a
        if runner == "qemu":
            p.write_text(f'#!/bin/sh\nexec {shutil.which(H.QEMU)} {busybox} {a} "$@"\n')
            p.chmod(0o755)
        else:
            p.symlink_to(busybox)
    return d


@pytest.mark.skipif(H.missing_tools(need_qemu=True) is not None,
                    reason=str(H.missing_tools(need_qemu=True)))
def test_busybox_script_same_as_qemu():
    busybox = fetch_busybox()
    # a scratch directory of our own: the run takes minutes, and pytest sessions
    # started meanwhile on the same machine prune old directories of the shared
    # pytest temporary root
    tmp_path = BB_DIR / f"run-{os.getpid()}"
    shutil.rmtree(tmp_path, ignore_errors=True)
    try:
        _run_both(busybox, tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _run_both(busybox, tmp_path):
    out = {}
    for runner in ("qemu", "pyqemu"):
        root = tmp_path / runner
        work = root / "work"
        work.mkdir(parents=True)
        path = applet_dir(root, runner, busybox)
        out[runner] = H.run(runner, busybox, ["sh", str(SCRIPT)], cwd=work,
                            env={"PATH": str(path)}, timeout=1200)
    q, p = out["qemu"], out["pyqemu"]
    assert q.rc == 0 and q.stdout.rstrip().endswith("== done"), q.stdout + q.stderr
    assert p.stdout == q.stdout, p.stderr
    assert p.stderr == q.stderr
    assert p.rc == 0

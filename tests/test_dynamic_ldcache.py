"""/etc/ld.so.cache comes from the -L sysroot, as under qemu-arm -L.

A small sysroot holds glibc's ld.so and libc (from the cross toolchain), a
library in a directory ld.so never searches by itself (/opt/pqdemo) and an
/etc/ld.so.conf naming it.  Debian's ARM ldconfig (libc-bin:armhf, from the
archive sysroot of tests/debian_sysroot.py) writes that root's ld.so.cache
(run by qemu-arm, chrooted with -r: needs root).  A program linked against
the library, without an rpath, then runs only if ld.so read the sysroot's
cache; without the cache it must fail the same way under both translators.

    python -m pytest tests/test_dynamic_ldcache.py
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

import usermode
from debian_sysroot import QEMU, Unavailable, ensure_sysroot

CROSS_LIB = "/usr/arm-linux-gnueabihf/lib"
CC = "arm-linux-gnueabihf-gcc"
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}

LIB_C = "int pqdemo_answer(int x) { return x * 6; }\n"
MAIN_C = r"""
#include <stdio.h>
int pqdemo_answer(int);
int main(void) { printf("answer %d\n", pqdemo_answer(7)); return 0; }
"""


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory):
    for tool in (CC, QEMU):
        if not shutil.which(tool):
            pytest.skip(f"{tool} not installed")
    if os.geteuid() != 0:
        pytest.skip("ldconfig -r needs chroot, i.e. root")
    try:
        debian = ensure_sysroot()
    except Unavailable as e:
        pytest.skip(str(e))
    top = tmp_path_factory.mktemp("ldcache")
    root = top / "root"
    for d in ("etc", "lib", "opt/pqdemo"):
        (root / d).mkdir(parents=True)
    for name in ("ld-linux-armhf.so.3", "libc.so.6"):
        shutil.copy(f"{CROSS_LIB}/{name}", root / "lib" / name)
    (top / "lib.c").write_text(LIB_C)
    (top / "main.c").write_text(MAIN_C)
    lib = root / "opt" / "pqdemo" / "libpqdemo.so.1"
    subprocess.run([CC, "-shared", "-fPIC", "-Wl,-soname,libpqdemo.so.1", str(top / "lib.c"),
                    "-o", str(lib)], check=True)
    subprocess.run([CC, str(top / "main.c"), "-o", str(top / "usedemo"), "-L", str(lib.parent),
                    "-l:libpqdemo.so.1"], check=True)
    (root / "etc" / "ld.so.conf").write_text("/opt/pqdemo\n")
    r = subprocess.run([QEMU, str(debian / "sbin" / "ldconfig"), "-X", "-r", str(root)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (root / "etc" / "ld.so.cache").exists()
    return root, top / "usedemo"


def _both(root, prog):
    ref = subprocess.run([QEMU, "-L", str(root), str(prog)], capture_output=True, env=ENV,
                         timeout=120)
    got = usermode.run([prog], ld_prefix=root, env=ENV, timeout=300)
    return ref, got


def test_library_found_through_sysroot_cache(cache_root):
    root, prog = cache_root
    ref, got = _both(root, prog)
    assert (got.returncode, got.stdout, got.stderr) == (ref.returncode, ref.stdout, ref.stderr)
    assert got.returncode == 0 and got.stdout == b"answer 42\n"


def test_without_the_cache_the_library_is_not_found(cache_root):
    root, prog = cache_root
    cache = root / "etc" / "ld.so.cache"
    saved = cache.read_bytes()
    cache.unlink()
    try:
        ref, got = _both(root, prog)
    finally:
        cache.write_bytes(saved)
    assert (got.returncode, got.stdout, got.stderr) == (ref.returncode, ref.stdout, ref.stderr)
    assert got.returncode == 127 and b"libpqdemo.so.1: cannot open shared object" in got.stderr

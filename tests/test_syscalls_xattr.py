"""Extended attributes (setxattr ... fremovexattr) behave as under qemu-arm."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "tests", "guest_sys", "xattr.c")
CC = "arm-linux-gnueabihf-gcc"

pytestmark = pytest.mark.skipif(not (shutil.which(CC) and shutil.which("qemu-arm")),
                                reason=f"{CC} or qemu-arm missing")


def test_xattr_family_same_as_qemu(tmp_path):
    exe = tmp_path / "xattr"
    subprocess.run([CC, "-static", "-O2", "-o", str(exe), SRC], check=True)
    outs = []
    for i, cmd in enumerate((["qemu-arm"], [sys.executable, "-m", "usermode"])):
        target = tmp_path / f"file{i}"
        target.write_text("x")
        r = subprocess.run(cmd + [str(exe), str(target)], cwd=ROOT, capture_output=True,
                           timeout=120)
        outs.append((r.returncode, r.stdout))
    if b"setxattr -1" in outs[0][1]:
        pytest.skip("the file system under the temp dir has no user xattrs")
    assert outs[1] == outs[0]
    assert b"getxattr 6 value1" in outs[0][1] and b"bad buffer -1" in outs[0][1]

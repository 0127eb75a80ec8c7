"""The Cargo recipe of docs/HARNESSES.md: CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER.

A crate with a unit test is built for armv7-unknown-linux-gnueabihf (linker
arm-linux-gnueabihf-gcc) and ``cargo test`` runs the test binary through
``pyqemu-arm -L /usr/arm-linux-gnueabihf``.  Needs that target's standard
library (``rustup target add armv7-unknown-linux-gnueabihf``); skipped,
saying so, without it.

    python -m pytest tests/test_harness_cargo.py
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CROSS_ROOT = "/usr/arm-linux-gnueabihf"
CC = "arm-linux-gnueabihf-gcc"
RUST_TARGET = "armv7-unknown-linux-gnueabihf"

WRAPPER = """#!{python}
import sys
sys.path.insert(0, {repo!r})
from usermode.__main__ import main_arm
sys.exit(main_arm())
"""

CARGO_TOML = """
[package]
name = "pqcargo"
version = "0.1.0"
edition = "2021"
"""

LIB_RS = """
pub fn mean(v: &[f64]) -> Option<f64> {
    if v.is_empty() { None } else { Some(v.iter().sum::<f64>() / v.len() as f64) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mean_works() {
        assert_eq!(super::mean(&[1.0, 2.0, 4.5]), Some(2.5));
        assert_eq!(super::mean(&[]), None);
        assert_eq!(std::env::consts::ARCH, "arm");
    }
}
"""


def make_runner(d: Path) -> str:
    installed = Path(sys.executable).parent / "pyqemu-arm"
    if installed.exists():
        return str(installed)
    p = d / "pyqemu-arm"
    p.write_text(WRAPPER.format(python=sys.executable, repo=str(REPO)))
    p.chmod(0o755)
    return str(p)


def _rust_target_missing() -> str:
    if not shutil.which("cargo") or not shutil.which("rustc"):
        return "cargo/rustc not installed"
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True,
                             text=True).stdout.strip()
    if not (Path(sysroot) / "lib" / "rustlib" / RUST_TARGET / "lib").is_dir():
        return (f"the {RUST_TARGET} standard library is not installed in {sysroot} "
                f"(rustup target add {RUST_TARGET}; it is not in a package registry "
                "this machine reaches)")
    return ""


def test_cargo_target_runner(tmp_path):
    why = _rust_target_missing()
    if why:
        pytest.skip(why)
    if not shutil.which(CC):
        pytest.skip(f"{CC} not installed")
    (tmp_path / "src").mkdir()
    (tmp_path / "Cargo.toml").write_text(CARGO_TOML)
    (tmp_path / "src" / "lib.rs").write_text(LIB_RS)
    var = "CARGO_TARGET_" + RUST_TARGET.upper().replace("-", "_")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QEMU_")}
    env[var + "_LINKER"] = CC
    env[var + "_RUNNER"] = f"{make_runner(tmp_path)} -L {CROSS_ROOT}"
    r = subprocess.run(["cargo", "test", "--offline", "--target", RUST_TARGET],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "test tests::mean_works ... ok" in r.stdout

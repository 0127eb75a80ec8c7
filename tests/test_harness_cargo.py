"""The Cargo recipe of docs/HARNESSES.md: CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_RUNNER.

A crate with a unit test and a main program is built for
armv7-unknown-linux-gnueabihf (linker arm-linux-gnueabihf-gcc), offline and
without dependencies; ``cargo test`` runs the test binary and ``cargo run``
the program through ``pyqemu-arm -L /usr/arm-linux-gnueabihf``.

The toolchain: Debian's own (``apt-get install rustc cargo
libstd-rust-dev:armhf``: /usr/bin/cargo and /usr/bin/rustc, whose sysroot
/usr holds the armv7 standard library), else a rustup one on PATH with
``rustup target add armv7-unknown-linux-gnueabihf``; the rustc is passed
explicitly (RUSTC) so a rustup proxy earlier on PATH cannot take over.
Skipped, saying why, when neither has the target's standard library.

The runner uses the cross toolchain's /usr/arm-linux-gnueabihf as -L, where
libtest's threaded harness dies of SIGSEGV under qemu-arm 7.2 as under
pyqemu (docs/HARNESSES.md), so the test binary is run with
``--test-threads=1`` (tests on the main thread).

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
# (cargo, rustc) pairs tried in order: Debian's packages, then whatever PATH has (rustup)
TOOLCHAINS = [("/usr/bin/cargo", "/usr/bin/rustc"), ("cargo", "rustc")]

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

MAIN_RS = """
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let v: Vec<f64> = args.iter().map(|a| a.parse().unwrap()).collect();
    println!("{} on {}: mean {:?}", env!("CARGO_PKG_NAME"), std::env::consts::ARCH,
             pqcargo::mean(&v));
    std::process::exit(v.len() as i32);
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


def find_toolchain():
    """(cargo, rustc) absolute paths of a toolchain with the target's std, or the reason."""
    reasons = []
    for cargo, rustc in TOOLCHAINS:
        cargo_p, rustc_p = shutil.which(cargo), shutil.which(rustc)
        if not cargo_p or not rustc_p:
            reasons.append(f"{cargo}/{rustc}: not installed")
            continue
        r = subprocess.run([rustc_p, "--print", "sysroot"], capture_output=True, text=True)
        sysroot = r.stdout.strip()
        if r.returncode == 0 and (Path(sysroot) / "lib" / "rustlib" / RUST_TARGET / "lib").is_dir():
            return cargo_p, rustc_p
        reasons.append(f"{rustc_p}: no {RUST_TARGET} standard library in {sysroot or '?'}")
    return ("no Rust toolchain for " + RUST_TARGET + " (apt-get install rustc cargo "
            "libstd-rust-dev:armhf, or rustup target add " + RUST_TARGET + "): "
            + "; ".join(reasons))


def test_cargo_target_runner(tmp_path):
    found = find_toolchain()
    if isinstance(found, str):
        pytest.skip(found)
    cargo, rustc = found
    if not shutil.which(CC):
        pytest.skip(f"{CC} not installed")
    (tmp_path / "src").mkdir()
    (tmp_path / "Cargo.toml").write_text(CARGO_TOML)
    (tmp_path / "src" / "lib.rs").write_text(LIB_RS)
    (tmp_path / "src" / "main.rs").write_text(MAIN_RS)
    var = "CARGO_TARGET_" + RUST_TARGET.upper().replace("-", "_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QEMU_", "CARGO", "RUST"))}
    env["RUSTC"] = rustc
    env["CARGO_HOME"] = str(tmp_path / "cargo-home")     # nothing of the user's registry
    env[var + "_LINKER"] = CC
    env[var + "_RUNNER"] = f"{make_runner(tmp_path)} -L {CROSS_ROOT}"
    common = ["--offline", "--target", RUST_TARGET]
    r = subprocess.run([cargo, "test", *common, "--", "--test-threads=1"],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=1800)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "test tests::mean_works ... ok" in r.stdout
    # it really ran through the runner, as an ARM binary
    assert f"Running unittests src/lib.rs (target/{RUST_TARGET}/debug/deps/pqcargo-" in r.stderr
    r = subprocess.run([cargo, "run", "-q", *common, "--", "1", "2", "4.5"],
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=1800)
    assert (r.returncode, r.stdout) == (3, "pqcargo on arm: mean Some(2.5)\n"), r.stderr

#!/usr/bin/env bash
# Install what the tests need (Debian packages and a virtualenv) and run them.
#   bash tests/setup-and-test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# armhf: tests/debian_sysroot.py downloads real Debian armhf programs (apt-get download)
$SUDO dpkg --add-architecture armhf
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf qemu-user \
    python3 python3-venv python3-dev gcc >/dev/null
$SUDO apt-get install -y -qq cmake meson ninja-build file >/dev/null   # tests/test_harness_*.py
# tests/test_harness_cargo.py: Debian's Rust with the armhf standard library (multiarch).
# Not fatal: a multiarch version skew (amd64 and armhf copies of a library must have
# the same version) only costs that test, which then says why it is skipped.
$SUDO apt-get install -y -qq rustc cargo libstd-rust-dev:armhf >/dev/null \
    || echo "setup-and-test.sh: rustc/cargo/libstd-rust-dev:armhf not installed; the Cargo test will be skipped" >&2
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest -q -n 2 "$@"

#!/usr/bin/env bash
# Install what the tests need (Debian packages and a virtualenv) and run them.
#   bash tests/setup-and-test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# armhf: tests/debian_sysroot.py downloads real Debian armhf programs (apt-get download)
$SUDO dpkg --add-architecture armhf
APT_OPTS=(-o Acquire::Retries=5 -o Acquire::http::Timeout=60)
# A mirror caught mid-sync makes 'apt-get update' fail for one index (seen in CI:
# "File has unexpected size ... Mirror sync in progress?").  Retry; if an index
# is still stale, go on with what was fetched: the install below fails loudly
# if a package we need is really missing.
for attempt in 1 2 3; do
    if $SUDO apt-get "${APT_OPTS[@]}" update -qq; then break; fi
    echo "setup-and-test: apt-get update failed (attempt $attempt of 3)" >&2
    [ "$attempt" -eq 3 ] && echo "setup-and-test: going on with the indexes fetched" >&2
    sleep $((attempt * 10))
done
$SUDO apt-get "${APT_OPTS[@]}" install -y -qq gcc-arm-linux-gnueabihf g++-arm-linux-gnueabihf \
    qemu-user python3 python3-venv python3-dev gcc >/dev/null
$SUDO apt-get "${APT_OPTS[@]}" install -y -qq cmake meson ninja-build file >/dev/null  # test_harness_*
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest -q -n 2 "$@"

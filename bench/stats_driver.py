"""Run pyqemu once in-process and report translation statistics (bench only).

    python bench/stats_driver.py [pyqemu options] program [args...]

Runs exactly what ``python -m usermode`` runs, and on the guest's exit prints
one JSON line to stderr, prefixed ``PYQEMU-STATS ``: guest instructions
translated, blocks, seconds spent translating (decode + optimize + code
generation + commit), instructions translated per second, cache hits.  Run
it with PYQEMU_TCACHE=0 for the translator's own speed.
"""
from __future__ import annotations

import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    sys.argv = ["pyqemu-arm"] + sys.argv[1:]
    from usermode.translate import engine as E
    from usermode.translate import tcache
    import usermode.cli as cli

    acc = {"seconds": 0.0, "blocks": 0, "engine": None}
    translate = E.Engine.translate

    def timed(self, *a, **k):
        acc["engine"] = self
        t0 = time.perf_counter()
        try:
            return translate(self, *a, **k)
        finally:
            acc["seconds"] += time.perf_counter() - t0
            acc["blocks"] += 1

    E.Engine.translate = timed
    translate_hot = E.Engine.translate_hot

    def timed_hot(self, *a, **k):          # a hot block translated again, optimized
        t0 = time.perf_counter()
        try:
            return translate_hot(self, *a, **k)
        finally:
            acc["seconds"] += time.perf_counter() - t0

    E.Engine.translate_hot = timed_hot
    real_exit = os._exit
    t_start = time.perf_counter()

    def report(status):
        eng = acc["engine"]
        insns = eng.ntranslated if eng is not None else 0
        tc = tcache._state.get("cache")
        doc = {"insns": insns, "blocks": acc["blocks"], "translate_seconds": acc["seconds"],
               "insns_per_second": insns / acc["seconds"] if acc["seconds"] else None,
               "total_seconds": time.perf_counter() - t_start,
               "hot_blocks": eng.nhot if eng is not None else 0,
               "tcache_hits": tc.hits if tc else None}
        try:
            sys.stdout.flush()
        except Exception:
            pass
        sys.stderr.write("\nPYQEMU-STATS " + json.dumps(doc) + "\n")
        sys.stderr.flush()
        real_exit(status)

    cli.os._exit = report
    sys.exit(cli.main())


if __name__ == "__main__":
    main()

"""Benchmark of the embedded gazetteer: build, open, memory and lookup latency.

Prints the machine, then (with ``--build``) the time and size of a build into a temporary file, the
time to open the gazetteer and run a first lookup in a new process, the memory after opening, and the
latency of ``Gazetteer.lookup`` over names drawn at random from the gazetteer's own ``names`` table,
next to a plain Python dict {normalized name: [ids]} built from the same names in the same run.

    python benchmarks/bench_gazetteer.py [--build] [--path FILE] [--names N] [--seed S]

Without ``--build`` or ``--path`` the embedded gazetteer is opened (``$GEOMAP_GAZETTEER`` or the
user's cache; built there first if missing or out of date).  Results are recorded in GAZETTEER.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gazetteer  # noqa: E402
from gazetteer import normalize  # noqa: E402

#: Goals the figures are compared against (this 2-core machine).
GOAL_LOOKUP_P50_US = 100.0
GOAL_OPEN_S = 1.0
GOAL_BUILD_S = 180.0

# Run in a new process: the cost a command-line run pays before its first answer.
_OPEN_SCRIPT = """
import json, sys, time
t0 = time.perf_counter()
import gazetteer
t1 = time.perf_counter()
# an empty argument: the embedded gazetteer ($GEOMAP_GAZETTEER), which also checks its sources' fingerprint
gaz = gazetteer.open_gazetteer(sys.argv[1] or None)
t2 = time.perf_counter()
gaz.lookup("Latakia")
t3 = time.perf_counter()
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(json.dumps({"import": t1 - t0, "open": t2 - t1, "first_lookup": t3 - t2, "rss_kb": rss}))
"""

_BUILD_SCRIPT = """
import json, resource, sys
from pathlib import Path
import gazetteer
r = gazetteer.build(Path(sys.argv[1]))
print(json.dumps({"seconds": r.seconds, "size": r.size_bytes, "places": r.places, "names": r.names,
                  "geometries": r.geometries, "borders": r.borders,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _rss_kb() -> int:
    """Resident set size of this process now (VmRSS), in KiB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the peak, where /proc is missing


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _run_json(script: str, *args: str, env: dict[str, str] | None = None) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        env={**_child_env(), **(env or {})},
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _percentiles(ns: list[int]) -> dict[str, float]:
    us = sorted(n / 1000 for n in ns)
    return {
        "p50": us[len(us) // 2],
        "p99": us[min(len(us) - 1, int(len(us) * 0.99))],
        "mean": statistics.fmean(us),
        "max": us[-1],
    }


def _row(label: str, value: str, goal: str = "") -> None:
    print(f"| {label} | {value} | {goal} |")


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also time a build into a temporary file")
    parser.add_argument("--path", type=Path, help="gazetteer file to measure (default: the embedded one)")
    parser.add_argument("--names", type=int, default=10_000, help="names to look up (default 10000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--opens", type=int, default=5, help="new processes timed for the open (default 5)")
    args = parser.parse_args()

    print(f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: {platform.platform()}; CPU {_cpu_model()}; nproc {os.cpu_count()}")
    print(
        f"python: {platform.python_implementation()} {platform.python_version()};"
        f" SQLite {sqlite3.sqlite_version}"
    )
    print(f"command: python {' '.join(sys.argv)}")
    print()
    print("| measure | figure | goal |")
    print("|---|---|---|")

    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        if args.build:
            out = Path(tmp) / "gazetteer.sqlite"
            started = time.perf_counter()
            rep = _run_json(_BUILD_SCRIPT, str(out))
            wall = time.perf_counter() - started
            _row(
                "build (new process, wall)",
                f"{wall:.1f} s",
                f"< {GOAL_BUILD_S:.0f} s: {_verdict(wall < GOAL_BUILD_S)}",
            )
            _row("build (inside `build()`)", f"{rep['seconds']:.1f} s")
            _row("build peak RSS", f"{rep['maxrss_kb'] / 1024:.0f} MiB")
            _row("file size", f"{rep['size'] / 2**20:.1f} MiB")
            _row(
                "rows",
                f"{rep['places']:,} places, {rep['names']:,} names, "
                f"{rep['geometries']:,} polygons, {rep['borders']:,} borders",
            )
            path = out
        elif args.path is not None:
            path = args.path
        else:
            with gazetteer.open_gazetteer() as gaz:  # builds the embedded one if needed
                path = gaz.path

        # -- open, in new processes (the OS page cache is warm after the first) --
        opens = [_run_json(_OPEN_SCRIPT, str(path)) for _ in range(args.opens)]
        first = opens[0]
        med = {
            k: statistics.median(o[k] for o in opens) for k in ("import", "open", "first_lookup", "rss_kb")
        }
        open_s = med["open"] + med["first_lookup"]
        _row(
            f"open + first lookup (new process, median of {args.opens})",
            f"{open_s * 1000:.1f} ms (open {med['open'] * 1000:.1f} ms,"
            f" first lookup {med['first_lookup'] * 1000:.1f} ms)",
            f"< {GOAL_OPEN_S:.0f} s: {_verdict(open_s < GOAL_OPEN_S)}",
        )
        _row("the same, first process of the run", f"{(first['open'] + first['first_lookup']) * 1000:.1f} ms")
        with gazetteer.open_gazetteer(path) as gaz:
            current = gaz.meta.get("fingerprint") == gazetteer.source_fingerprint()
        if current:  # else opening it as the embedded gazetteer would rebuild it
            default = [
                _run_json(_OPEN_SCRIPT, "", env={"GEOMAP_GAZETTEER": str(path)}) for _ in range(args.opens)
            ]
            default_s = statistics.median(o["open"] + o["first_lookup"] for o in default)
            _row(
                "the same as the embedded gazetteer (`open_gazetteer()`, checks the sources' fingerprint)",
                f"{default_s * 1000:.1f} ms",
                f"< {GOAL_OPEN_S:.0f} s: {_verdict(default_s < GOAL_OPEN_S)}",
            )
        _row("`import gazetteer` (shapely, numpy)", f"{med['import'] * 1000:.0f} ms")
        _row("RSS after import + open + first lookup", f"{med['rss_kb'] / 1024:.1f} MiB")

        # -- lookups, in this process --
        gc.collect()
        rss0 = _rss_kb()
        gaz = gazetteer.open_gazetteer(path)
        gaz.lookup("Latakia")
        rss_open = _rss_kb()
        con = gaz._con
        (max_rowid,) = con.execute("SELECT max(rowid) FROM names").fetchone()
        rng = random.Random(args.seed)
        rowids = rng.sample(range(1, max_rowid + 1), args.names)
        by_rowid = dict(
            con.execute(
                f"SELECT rowid, name FROM names WHERE rowid IN ({','.join(map(str, rowids))})"
            ).fetchall()
        )
        names = [by_rowid[r] for r in rowids if r in by_rowid]

        sqlite_ns, found, candidates = [], 0, 0
        for name in names:
            t0 = time.perf_counter_ns()
            hits = gaz.lookup(name)
            sqlite_ns.append(time.perf_counter_ns() - t0)
            found += bool(hits)
            candidates += len(hits)
        rss_after_lookups = _rss_kb()

        norm_ns = []
        for name in names:
            t0 = time.perf_counter_ns()
            normalize(name)
            norm_ns.append(time.perf_counter_ns() - t0)

        # -- the dict baseline, from the same names --
        gc.collect()
        rss_before_dict = _rss_kb()
        t0 = time.perf_counter()
        index: dict[str, list[int]] = {}
        for norm, place_id in con.execute("SELECT norm, place_id FROM names"):
            index.setdefault(norm, []).append(place_id)
        dict_build_s = time.perf_counter() - t0
        gc.collect()
        dict_mib = (_rss_kb() - rss_before_dict) / 1024
        dict_ns = []
        for name in names:
            t0 = time.perf_counter_ns()
            index.get(normalize(name), [])
            dict_ns.append(time.perf_counter_ns() - t0)
        gaz.close()

    s, d, n = _percentiles(sqlite_ns), _percentiles(dict_ns), _percentiles(norm_ns)
    _row("RSS growth from opening (this process)", f"{(rss_open - rss0) / 1024:.1f} MiB")
    _row(
        f"RSS growth after {len(names):,} lookups (SQLite page cache)",
        f"{(rss_after_lookups - rss0) / 1024:.1f} MiB",
    )
    _row(
        f"`lookup()` p50 / p99 / mean / max over {len(names):,} names (seed {args.seed})",
        f"{s['p50']:.0f} / {s['p99']:.0f} / {s['mean']:.0f} / {s['max']:.0f} µs",
        f"p50 < {GOAL_LOOKUP_P50_US:.0f} µs: {_verdict(s['p50'] < GOAL_LOOKUP_P50_US)}",
    )
    _row("names found / candidates per lookup", f"{found:,} / {candidates / len(names):.2f}")
    _row("`normalize()` alone p50 / p99", f"{n['p50']:.1f} / {n['p99']:.1f} µs")
    _row(
        "dict {norm: [ids]}: build / RSS growth / keys",
        f"{dict_build_s:.2f} s / {dict_mib:.0f} MiB / {len(index):,}",
    )
    _row(
        "dict `get(normalize(name))` p50 / p99 / mean",
        f"{d['p50']:.1f} / {d['p99']:.1f} / {d['mean']:.1f} µs",
    )


if __name__ == "__main__":
    main()

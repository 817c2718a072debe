"""Every core, a Dask cluster, flat memory and start-up, side by side in one run, with the machine.

    PYTHONPATH=. python benchmarks/bench_scale.py [--docs 10000] [--memory 1000,10000] [--model]
                                                  [--wait-idle 300] [--stages 3000]
                                                  [--command parse|map] [--repeat 3] [--runners "-j 1,-j 2"]

1. Start-up: ``geomap parse --no-model`` of one short report (best of 3), and the slowest imports of
   ``python -X importtime``.
2. ``geomap parse`` on ``--docs`` short wire reports (made from templates with real place names, by
   tests/wire_corpus.py) with ``-j 1``, ``-j 2`` and ``--dask local``: wall time, CPU time of every
   process of the run, documents per second, speed-up over ``-j 1`` (wall, and what the CPU times
   give on idle cores), and whether the output is byte-identical to ``-j 1``.  Without the model
   (``--no-model``) unless ``--model``: the point here is the runner, not the parser.  ``--command map``
   times ``geomap map`` (HTML, GeoJSON, CSV; the GeoJSON and CSV compared) instead; ``--repeat N`` runs
   the runners in turn N times and adds each one's medians, so that a neighbour's load falls on all.
3. ``geomap map`` (HTML, GeoJSON, CSV) on each size of ``--memory``, as a user runs it (with the model)
   with ``-j 1`` and ``-j 2``: peak resident memory of the largest process (``wait4``) and of the whole
   process tree (sampled every 50 ms), and the ratio to the first size.
4. With ``--stages N``: where the memory of ``map`` goes, in this process with ``tracemalloc``: the
   rows kept after N reports, the features built, and the peak of each writer.

Every timed run is a fresh ``python -m geomap`` process.  The load average is printed with each run:
on a shared machine wall times say more about the neighbours than about geomap, CPU times do not.
``--wait-idle S`` waits up to S seconds before each timed run for the 1-minute load to fall under
:data:`IDLE_LOAD`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from wire_corpus import write_jsonl

#: A 1-minute load average under which the machine counts as idle (2 cores).
IDLE_LOAD = 1.5


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load_text()}"
    )


def load_text() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_idle(seconds: float) -> None:
    """Wait up to ``seconds`` for the 1-minute load average to fall under :data:`IDLE_LOAD`."""
    deadline = time.monotonic() + seconds
    while os.getloadavg()[0] >= IDLE_LOAD and time.monotonic() < deadline:
        time.sleep(5)


@dataclasses.dataclass(frozen=True)
class Run:
    wall: float  # seconds
    cpu: float  # seconds: the process and what it waited for, or its process tree sampled (the larger)
    largest: int  # bytes: peak RSS of the largest process of the run
    tree: int  # bytes: peak of the sum of the RSS of the run's processes, sampled
    digest: str
    load: float  # 1-minute load average when the run started


def _tree_rss(pid: int, cpu: dict[int, float] | None = None) -> int:
    """The resident memory of ``pid`` and its descendants, from /proc (0 once it has ended).

    With ``cpu``, also records the CPU seconds each of them has used so far (its own, by pid).
    """
    import psutil  # a dependency of dask.distributed

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
            if cpu is not None:
                times = proc.cpu_times()
                cpu[proc.pid] = times.user + times.system
    return total


def run(args: list[str], outs: list[Path] | None = None, *, idle: float = 0) -> Run:
    """Run ``geomap ARGS`` in a fresh process and measure it; the SHA-256 of ``outs`` as the digest."""
    wait_idle(idle)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = [0]
    seen: dict[int, float] = {}  # CPU seconds of each process of the run, as last sampled
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid, seen))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"geomap {' '.join(args)} failed ({status}):\n{stderr}")
    digest = ""
    if outs:
        sha = hashlib.sha256()
        for out in outs:
            sha.update(out.read_bytes())
        digest = sha.hexdigest()[:16]
    # The kernel counts the process and the children it waited for; the workers of ``--dask local``
    # are forked by a fork server that this process never waits for, so their CPU is only in the
    # sampled tree (which misses each process's last 50 ms).  The larger of the two is the run's.
    waited = usage.ru_utime + usage.ru_stime
    return Run(seconds, max(waited, sum(seen.values())), usage.ru_maxrss * 1024, peak[0], digest, load)


#: The runners of section 2, by name: the flags each gives ``geomap``.
RUNNERS = {"-j 1": ["-j", "1"], "-j 2": ["-j", "2"], "--dask local": ["--dask", "local"]}


def bench_cores(
    tmp: Path, docs: int, model: list[str], idle: float, *, command: str = "parse", repeat: int = 1,
    runners: list[str] | None = None,
) -> None:  # fmt: skip
    """``geomap COMMAND`` on ``docs`` reports with each runner, ``repeat`` times in turn.

    The runners alternate (-j 1, -j 2, --dask local, -j 1, ...), so that a neighbour's load falls on
    all of them alike; each run is printed, then each runner's median.  For ``map`` the digest is of
    the GeoJSON and the CSV together (the HTML page holds folium's random ids).
    """
    names = runners or list(RUNNERS)
    corpus = write_jsonl(tmp / f"wire{docs}.jsonl", docs)
    what = "with the model" if not model else " ".join(model)
    print(f"\n2. {command} {docs:,} short wire reports ({corpus.stat().st_size / 1e6:.2f} MB), {what}")
    header = (
        f"{'runner':<14} {'wall s':>7} {'docs/s':>7} {'speed-up':>8} {'CPU s':>7} {'CPU/-j 1':>8} "
        f"{'idle est.':>9} {'load':>5}  same output as -j 1"
    )
    print(header)
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for _ in range(repeat):
        for name in names:
            out = tmp / f"{command}-{name.replace(' ', '')}"
            if command == "parse":
                args = ["parse", str(corpus), *model, "-q", *RUNNERS[name], "-o", str(out / "p.jsonl")]
                outputs = [out / "p.jsonl"]
            else:
                args = ["map", str(corpus), *model, "-q", *RUNNERS[name], "-o", str(out / "m.html"),
                        "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv")]  # fmt: skip
                outputs = [out / "p.geojson", out / "m.csv"]
            out.mkdir(exist_ok=True)
            runs[name].append(run(args, outputs, idle=idle))
            print(_row(name, runs[name][-1], runs[names[0]][0], docs), flush=True)
    if repeat > 1:
        print(f"medians of {repeat} runs:")
        medians = {name: _median(rs) for name, rs in runs.items()}
        for name in names:
            print(_row(name, medians[name], medians[names[0]], docs))
    print(
        "(CPU/-j 1: the CPU time of all the run's processes against -j 1's; idle est.: the speed-up that "
        "gives on two idle cores, 2 / that ratio)"
    )


def _median(runs: list[Run]) -> Run:
    """Each measure's median over ``runs`` (the digest of the first: they should all agree)."""

    def mid(values: list[float]) -> float:
        return statistics.median(values)

    return Run(
        mid([r.wall for r in runs]), mid([r.cpu for r in runs]), int(mid([r.largest for r in runs])),
        int(mid([r.tree for r in runs])), runs[0].digest if len({r.digest for r in runs}) == 1 else "varies",
        mid([r.load for r in runs]),
    )  # fmt: skip


def _row(name: str, r: Run, base: Run, docs: int) -> str:
    same = "yes" if r.digest == base.digest else f"NO ({r.digest} vs {base.digest})"
    ratio = r.cpu / base.cpu
    # On N idle cores a run whose processes spend R times the CPU of -j 1 is about N / R faster.
    estimate = 1.0 if name == "-j 1" else min(2, os.cpu_count() or 1) / ratio
    return (
        f"{name:<14} {r.wall:>7.1f} {docs / r.wall:>7.1f} {base.wall / r.wall:>7.2f}x {r.cpu:>7.1f} "
        f"{ratio:>7.2f}x {estimate:>8.2f}x {r.load:>5.2f}  {same}"
    )


def bench_memory(tmp: Path, sizes: list[int], model: list[str], jobs: list[str], idle: float) -> None:
    print(f"\n3. map (HTML, GeoJSON, CSV): peak resident memory, {' '.join(model) or 'with the model'}")
    print(
        f"{'-j':>3} {'documents':>10} {'wall s':>7} {'CPU s':>7} {'largest':>9} {'vs first':>8} "
        f"{'tree':>9} {'vs first':>8} {'load':>5}"
    )
    for j in jobs:
        first: Run | None = None
        for n in sizes:
            corpus = write_jsonl(tmp / f"mem{n}.jsonl", n)
            out = tmp / f"mem{n}-j{j}"
            r = run(
                ["map", str(corpus), *model, "-q", "-j", j, "-o", str(out / "m.html"),
                 "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv")], idle=idle,
            )  # fmt: skip
            first = first or r
            print(
                f"{j:>3} {n:>10,} {r.wall:>7.1f} {r.cpu:>7.1f} {r.largest / 1e6:>6.0f} MB "
                f"{r.largest / first.largest:>7.2f}x {r.tree / 1e6:>6.0f} MB {r.tree / first.tree:>7.2f}x "
                f"{r.load:>5.2f}"
            )
    print("(largest: the largest process, from wait4; tree: the sum over the run's processes, sampled)")


def bench_startup(tmp: Path, idle: float) -> None:
    report = tmp / "one.txt"
    report.write_text("Shelling hit the suburbs of Aleppo overnight, a monitoring group said.\n")
    runs = sorted(
        (r.wall, r.cpu, r.load)
        for r in (run(["parse", str(report), "--no-model", "-q"], idle=idle) for _ in range(3))
    )
    wall, cpu, load = runs[0]
    print(
        f"\n1. start-up: `geomap parse --no-model` of one short report, best of 3: {wall:.2f} s wall, "
        f"{cpu:.2f} s CPU (load {load:.2f})"
    )
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "geomap", "parse", str(report), "--no-model", "-q"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.split("|")
            rows.append((int(cumulative), name.rstrip()))
    # Top-level imports (one space of indent in importtime's output) hold all the others.
    total = sum(us for us, name in rows if len(name) - len(name.lstrip()) == 1)
    print(f"imports: {total / 1e6:.2f} s in all; slowest packages (cumulative, nested ones counted in each):")
    top = sorted((r for r in rows if "." not in r[1].strip() and r[1].strip() != "site"), reverse=True)[:10]
    for us, name in top:
        print(f"  {us / 1e6:6.3f} s  {name.strip()}")
    heavy = ("folium", "geopandas", "pyogrio", "trafilatura", "dask", "distributed", "spacy", "tqdm")
    loaded = sorted({n.strip() for _, n in rows if n.strip().split(".")[0] in heavy})
    print(f"  heavy packages imported on the parse path: {', '.join(loaded) or 'none'}")


def bench_stages(tmp: Path, docs: int, model: list[str]) -> None:
    """Where ``map``'s memory goes, stage by stage, in this process (tracemalloc: Python allocations)."""
    import gc
    import json
    import tracemalloc

    import gazetteer
    import maps
    from geo import Document
    from geomap._batch import Parsed, ParserSpec, parse_stream
    from geomap._commands import basemap_geojson
    from maps._features import FeatureBuilder, document_part

    corpus = write_jsonl(tmp / f"stages{docs}.jsonl", docs)
    with open(corpus, encoding="utf-8") as fh:
        documents = [Document(id=r["id"], text=r["text"]) for r in map(json.loads, fh)]
    spec = ParserSpec(model=not model)
    print(
        f"\n4. map's memory by stage, {docs:,} reports, {' '.join(model) or 'with the model'} (tracemalloc)"
    )
    print(f"{'stage':<28} {'held MB':>8} {'peak MB':>8} {'seconds':>8}")
    with gazetteer.open_gazetteer(None) as gaz:
        basemap = basemap_geojson(gaz)
    tracemalloc.start()
    started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
        print(f"{name:<28} {held / 1e6:>8.1f} {peak / 1e6:>8.1f} {time.perf_counter() - started:>8.1f}")
        tracemalloc.reset_peak()
        started = time.perf_counter()

    builder = FeatureBuilder()
    for outcome in parse_stream(documents, spec, transform=document_part):
        if isinstance(outcome, Parsed):
            builder.add(outcome.value)
    del documents
    stage("parsed, rows kept")
    fs = builder.build()
    del builder
    stage("features built")
    maps.write_geojson(fs, tmp / "stages.geojson")
    stage("GeoJSON written")
    maps.write_csv(fs, tmp / "stages.csv")
    stage("CSV written")
    maps.write_map(fs, tmp / "stages.html", offline=True, basemap=basemap)
    stage("HTML written")
    tracemalloc.stop()
    print(
        "(held: Python allocations alive after the stage, the parser and gazetteer included; peak: during it)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=10000, help="reports for the -j / --dask runs")
    ap.add_argument("--memory", default="1000,10000", help="document counts for the memory runs")
    ap.add_argument("--memory-jobs", default="1,2", help="-j of the memory runs")
    ap.add_argument("--model", action="store_true", help="the -j / --dask runs with the spaCy model")
    ap.add_argument("--memory-no-model", action="store_true", help="the memory runs without the model")
    ap.add_argument(
        "--wait-idle", type=float, default=0, metavar="S", help="wait up to S s for an idle machine"
    )
    ap.add_argument("--stages", type=int, default=0, metavar="N", help="also section 4 on N reports")
    ap.add_argument("--skip", default="", help="comma-separated: startup, cores, memory")
    ap.add_argument(
        "--command",
        default="parse",
        choices=("parse", "map"),
        help="what section 2 runs (map: HTML, GeoJSON, CSV)",
    )
    ap.add_argument("--repeat", type=int, default=1, help="section 2: each runner this many times, in turn")
    ap.add_argument(
        "--runners",
        default=",".join(RUNNERS),
        help=f"section 2's runners, comma-separated: {', '.join(RUNNERS)}",
    )
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    print(machine())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        if "startup" not in skip:
            bench_startup(Path(tmp), args.wait_idle)
        if "cores" not in skip:
            bench_cores(
                Path(tmp), args.docs, [] if args.model else ["--no-model"], args.wait_idle,
                command=args.command, repeat=args.repeat, runners=args.runners.split(","),
            )  # fmt: skip
        if "memory" not in skip:
            bench_memory(
                Path(tmp),
                [int(n) for n in args.memory.split(",")],
                ["--no-model"] if args.memory_no_model else [],
                args.memory_jobs.split(","),
                args.wait_idle,
            )
        if args.stages:
            bench_stages(Path(tmp), args.stages, ["--no-model"] if args.memory_no_model else [])
    print(f"\n{machine()}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"(the benchmark took {time.perf_counter() - started:.0f} s; its geomap processes used "
        f"{children.ru_utime + children.ru_stime:.0f} s of CPU)"
    )


if __name__ == "__main__":
    main()

"""Every core, a Dask cluster, flat memory and start-up, side by side in one run, with the machine.

    PYTHONPATH=. python benchmarks/bench_scale.py [--docs 2000] [--memory 1000,10000] [--model]

1. ``geomap parse`` on ``--docs`` short wire reports (made from templates with real place names, by
   tests/wire_corpus.py) with ``-j 1``, ``-j 2`` and ``--dask local``: wall time, documents per second,
   speed-up over ``-j 1``, and whether the output is byte-identical to ``-j 1``.
2. ``geomap map`` on each size of ``--memory``: peak resident memory of the process (``getrusage`` of
   the child), and the ratio between the sizes.
3. Start-up: ``geomap parse --no-model`` of one short report, and the slowest imports of
   ``python -X importtime``.

Every run is a fresh ``python -m geomap`` process, as a user runs it.  The model is left out
(``--no-model``) unless ``--model``: the point here is the runner, not the parser.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from wire_corpus import write_jsonl


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average {load}"
    )


def run(args: list[str], out: Path | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (the process and every worker it waited for), peak RSS (bytes) of the
    largest of them, and the SHA-256 of ``out`` (if given)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "geomap", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"geomap {' '.join(args)} failed ({status}):\n{stderr}")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16] if out else ""
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, digest


def bench_cores(tmp: Path, docs: int, model: list[str]) -> None:
    corpus = write_jsonl(tmp / f"wire{docs}.jsonl", docs)
    print(f"\n1. parse {docs:,} short wire reports ({corpus.stat().st_size / 1e6:.2f} MB), {' '.join(model)}")
    print(
        f"{'runner':<14} {'wall s':>7} {'docs/s':>7} {'speed-up':>8} {'CPU s':>7} {'CPU/-j 1':>8}"
        "  same output as -j 1"
    )
    base = cpu_base = 0.0
    reference = ""
    for name, flags in (("-j 1", ["-j", "1"]), ("-j 2", ["-j", "2"]), ("--dask local", ["--dask", "local"])):
        out = tmp / f"parse-{name.replace(' ', '')}.jsonl"
        seconds, cpu, _, digest = run(["parse", str(corpus), *model, "-q", *flags, "-o", str(out)], out)
        base, cpu_base = base or seconds, cpu_base or cpu
        reference = reference or digest
        same = "yes" if digest == reference else f"NO ({digest} vs {reference})"
        print(
            f"{name:<14} {seconds:>7.1f} {docs / seconds:>7.1f} {base / seconds:>7.2f}x {cpu:>7.1f} "
            f"{cpu / cpu_base:>7.2f}x  {same}"
        )
    print(
        "(CPU/-j 1: the CPU time all processes spent, against -j 1's; on N idle cores the speed-up is "
        "about N / that ratio)"
    )


def bench_memory(tmp: Path, sizes: list[int], model: list[str], jobs: str) -> None:
    print(f"\n2. map -j {jobs}: peak resident memory of the geomap process, {' '.join(model)}")
    print(f"{'documents':>10} {'seconds':>8} {'peak RSS':>10} {'vs first':>9}")
    first = None
    for n in sizes:
        corpus = write_jsonl(tmp / f"mem{n}.jsonl", n)
        out = tmp / f"mem{n}"
        seconds, _, rss, _ = run(
            ["map", str(corpus), *model, "-q", "-j", jobs, "-o", str(out / "m.html"),
             "--geojson", str(out / "p.geojson"), "--csv", str(out / "m.csv")]
        )  # fmt: skip
        first = first or rss
        print(f"{n:>10,} {seconds:>8.1f} {rss / 1e6:>8.0f} MB {rss / first:>8.2f}x")


def bench_startup(tmp: Path) -> None:
    report = tmp / "one.txt"
    report.write_text("Shelling hit the suburbs of Aleppo overnight, a monitoring group said.\n")
    runs = sorted(run(["parse", str(report), "--no-model", "-q"])[:2] for _ in range(3))
    print(
        f"\n3. start-up: `geomap parse --no-model` of one short report, best of 3: {runs[0][0]:.2f} s wall, "
        f"{runs[0][1]:.2f} s CPU"
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
    total = max(rows)[0] if rows else 0
    print(f"imports: {total / 1e6:.2f} s in all; slowest packages (cumulative, nested ones counted in each):")
    top = sorted((r for r in rows if "." not in r[1].strip() and r[1].strip() != "site"), reverse=True)[:10]
    for us, name in top:
        print(f"  {us / 1e6:6.3f} s  {name.strip()}")
    heavy = ("folium", "geopandas", "pyogrio", "trafilatura", "dask", "distributed", "spacy")
    loaded = sorted({n.strip() for _, n in rows if n.strip().split(".")[0] in heavy})
    print(f"  heavy packages imported on the parse path: {', '.join(loaded) or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--memory", default="1000,10000", help="document counts for the memory runs")
    ap.add_argument("--memory-jobs", default="2", help="-j of the memory runs")
    ap.add_argument("--model", action="store_true", help="with the spaCy model (slower)")
    ap.add_argument("--skip", default="", help="comma-separated: cores, memory, startup")
    args = ap.parse_args()
    model = [] if args.model else ["--no-model"]
    skip = set(args.skip.split(","))
    print(machine())
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        if "startup" not in skip:
            bench_startup(Path(tmp))
        if "cores" not in skip:
            bench_cores(Path(tmp), args.docs, model)
        if "memory" not in skip:
            bench_memory(Path(tmp), [int(n) for n in args.memory.split(",")], model, args.memory_jobs)
    print(f"\n{machine()}")
    print(
        f"(this process's children used {resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.0f} s of CPU)"
    )


if __name__ == "__main__":
    main()

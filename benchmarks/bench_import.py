"""Benchmark of the GeoNames dump importer on a synthetic allCountries.txt.

Writes N rows (default 200,000) in the allCountries format to a temporary directory, imports them
with ``geometries=False`` and prints rows per second, the size of the gazetteer and the machine.

    PYTHONPATH=. python benchmarks/bench_import.py [--rows N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from gazetteer._import import import_geonames

_SYLLABLES = [
    *("al", "ba", "dar", "el", "ha", "ja", "ka", "la", "ma", "na", "qa", "ra", "sha", "ta", "za"),
    *("bel", "mir", "os", "ul", "yek", "ṣa", "ḩa", "ān", "ī", "ou", "berg", "ville", "stadt"),
]
_CLASSES = [
    ("P", "PPL"),
    ("P", "PPLA"),
    ("A", "ADM2"),
    ("A", "ADM1"),
    ("H", "STM"),
    ("T", "MT"),
    ("S", "SCH"),
]
_WEIGHTS = [50, 2, 5, 1, 15, 15, 12]


def _name(rng: random.Random) -> str:
    words = [
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(rng.choice((1, 1, 1, 2)))
    ]
    return " ".join(words)


def write_all_countries(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` synthetic lines of allCountries.txt (19 tab-separated columns) to ``path``."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for gid in range(1, rows + 1):
            name = _name(rng)
            alts = ",".join(_name(rng) for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8))))
            fclass, fcode = rng.choices(_CLASSES, _WEIGHTS)[0]
            cols = [str(gid), name, name.encode("ascii", "ignore").decode(), alts,
                    f"{rng.uniform(-90, 90):.5f}", f"{rng.uniform(-180, 180):.5f}", fclass, fcode,
                    "SY", "", f"{rng.randint(1, 14):02d}", "", "", "",
                    str(rng.choice((0, 0, 0, rng.randint(100, 2_000_000)))), "", "123", "Asia/Damascus",
                    "2024-01-01"]  # fmt: skip
            fh.write("\t".join(cols) + "\n")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of allCountries.txt (default 200000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        dump = Path(tmp) / "allCountries.txt"
        write_all_countries(dump, args.rows, args.seed)
        out = Path(tmp) / "gazetteer.sqlite"
        started = time.perf_counter()
        report = import_geonames(all_countries=dump, out=out, geometries=False)
        seconds = time.perf_counter() - started
        print(f"rows:       {args.rows:,} ({dump.stat().st_size / 2**20:.1f} MiB of allCountries.txt)")
        print(f"imported:   {report.places:,} places, {report.names:,} names in {seconds:.2f} s")
        print(f"throughput: {args.rows / seconds:,.0f} rows/s")
        print(f"database:   {out.stat().st_size / 2**20:.1f} MiB")
        print(f"machine:    {platform.platform()}; {_cpu_model()}; nproc {os.cpu_count()}")
        print(f"python:     {platform.python_implementation()} {platform.python_version()}")


if __name__ == "__main__":
    main()

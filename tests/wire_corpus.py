"""Short wire reports made from templates with real place names (invented events), for scale tests.

Used by tests/test_dask.py, tests/test_memory.py, tests/test_determinism.py and
benchmarks/bench_scale.py.  Each report has a dateline, a country, towns, and now and then a ring
("the suburbs of X") or an offset ("20 km north of X"), as the wire reports geomap is for.
"""

from __future__ import annotations

import json
from pathlib import Path

TOWNS = (
    "Aleppo", "Idlib", "Homs", "Mosul", "Kirkuk", "Donetsk", "Kharkiv", "Mariupol", "Benghazi",
    "Misrata", "Sirte", "Gao", "Timbuktu", "Kandahar", "Herat", "Kunduz", "Goma", "Bunia",
)  # fmt: skip
COUNTRIES = ("Syria", "Iraq", "Ukraine", "Libya", "Mali", "Afghanistan", "Russia", "Turkey")
DATELINES = ("BEIRUT", "BAGHDAD", "KYIV", "TRIPOLI", "BAMAKO", "KABUL", "ANKARA", "MOSCOW")
SENTENCES = (
    "Shelling hit the suburbs of {a} overnight, a local official said.",
    "Fighters attacked a checkpoint 20 km north of {b}, the army said.",
    "Aid trucks left {a} for {b} on Monday, the United Nations said.",
    "Officials in {c} said talks on {a} would resume next week.",
    "Clashes broke out near {b} and spread to {a}, residents said.",
    "A drone struck a depot on the outskirts of {a}, {c}'s defence ministry said.",
)


def wire_report(i: int) -> str:
    """The i-th report: a dateline and three statements about two towns and a country."""
    a, b = TOWNS[i % len(TOWNS)], TOWNS[(7 * i + 3) % len(TOWNS)]
    c = COUNTRIES[(i // 3) % len(COUNTRIES)]
    body = " ".join(SENTENCES[(i + k) % len(SENTENCES)].format(a=a, b=b, c=c) for k in range(3))
    return f"{DATELINES[i % len(DATELINES)]}, May {1 + i % 28} (Wire) - {body}\n"


def write_jsonl(path: Path, n: int, *, start: int = 0) -> Path:
    """``n`` reports as one JSON Lines file of {id, text, date}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            record = {"id": f"w{i:07d}", "text": wire_report(i), "date": f"2026-05-{1 + i % 28:02d}"}
            fh.write(json.dumps(record) + "\n")
    return path

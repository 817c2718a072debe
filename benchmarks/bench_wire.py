"""Score geomap on wire reports written for it, in the style of the reference report (issue 10).

Issue 10 asks that on conflict wire reports "≥ 0.90 of places [are] right, no not-place mapped as a
location".  ``benchmarks/data/wire_reports.jsonl`` holds 24 short reports written for geomap (fictional,
in the style of agency copy: a dateline, places of fighting, capitals that speak or summon, organisations
whose names hold a place), each with what an analyst expects:

- ``places``: every place name of the report, with the role it plays (``location``, which a dateline also
  counts as; ``actor``; or ``any``), the place ids that are right (a GeoNames id ``gn:N``, a part or ring of
  one such as ``gn:N:north``, a border ``border:AA-BB``, a corridor or a named region) and, where the
  gazetteer lacks the place, no id and a note: such a place is counted wrong whatever geomap does, so the
  figure shows coverage too.  A name stands for each of its occurrences (``nth`` picks one);
- ``not_places``: texts that hold a place name but are no location (an organisation, a person's title);
  a mention of geomap inside one with the role ``location`` or ``dateline`` is a not-place mapped.

A place occurrence is right when a mention of ``geomap parse`` (run as users run it, with the model)
overlaps it with one of the right ids and the expected role.  Run from the project root::

    python benchmarks/bench_wire.py [--gazetteer PATH] [--details]

It prints the machine, the figures, and every error.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "wire_reports.jsonl"

#: The roles of ``geomap parse`` that draw a mention as where something happens.
LOCATION_ROLES = frozenset({"location", "dateline"})


@dataclass(frozen=True)
class Verdict:
    """One expected place occurrence, and what geomap made of it."""

    doc: str
    text: str
    start: int
    right: bool
    #: What geomap gave there: ``place_id role`` of each overlapping mention, or "nothing".
    got: str
    note: str = ""


def occurrences(text: str, name: str) -> list[int]:
    """Where ``name`` stands in ``text`` as a whole word (case as written)."""
    pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
    return [m.start() for m in pattern.finditer(text)]


def _role_fits(expected: str, role: str | None) -> bool:
    if expected == "any":
        return True
    if expected == "location":
        return role in LOCATION_ROLES
    return role == expected


def _overlapping(mentions: Iterable[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    return [m for m in mentions if m["start"] < end and start < m["end"]]


def score_report(
    report: dict[str, Any], mentions: Sequence[dict[str, Any]]
) -> tuple[list[Verdict], list[str]]:
    """The verdict on each expected place occurrence, and the not-places mapped as locations."""
    text = report["text"]
    verdicts: list[Verdict] = []
    for place in report["places"]:
        starts = occurrences(text, place["text"])
        if "nth" in place:
            starts = starts[place["nth"] - 1 : place["nth"]]
        for start in starts:
            end = start + len(place["text"])
            near = _overlapping(mentions, start, end)
            right = any(
                m.get("place_id") in place["ids"] and _role_fits(place["role"], m.get("role")) for m in near
            )
            got = "; ".join(f"{m.get('place_id')} {m.get('role')}" for m in near) or "nothing"
            verdicts.append(Verdict(report["id"], place["text"], start, right, got, place.get("note", "")))
    mapped: list[str] = []
    for name in report["not_places"]:
        for start in occurrences(text, name):
            near = _overlapping(mentions, start, start + len(name))
            mapped.extend(
                f"{report['id']}: {name!r} mapped as {m.get('place_id')} ({m['text']!r})"
                for m in near
                if m.get("role") in LOCATION_ROLES
            )
    return verdicts, mapped


def unexpected(report: dict[str, Any], mentions: Sequence[dict[str, Any]]) -> list[str]:
    """Mentions drawn as locations where the report has neither an expected place nor a not-place."""
    text = report["text"]
    spans: list[tuple[int, int]] = []
    for name in [p["text"] for p in report["places"]] + list(report["not_places"]):
        spans.extend((s, s + len(name)) for s in occurrences(text, name))
    out = []
    for m in mentions:
        if m.get("role") in LOCATION_ROLES and not any(m["start"] < e and s < m["end"] for s, e in spans):
            out.append(f"{report['id']}: {m['text']!r} drawn as {m.get('place_id')}")
    return out


def read_reports(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def parse(reports: Sequence[dict[str, Any]], gazetteer: str | None) -> dict[str, list[dict[str, Any]]]:
    """Run ``geomap parse`` (with the model, as users run it) and group its mentions by report."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if gazetteer:
        env["GEOMAP_GAZETTEER"] = gazetteer
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for r in reports:
                f.write(json.dumps({"id": r["id"], "date": r["date"], "text": r["text"]}) + "\n")
        cmd = [sys.executable, "-m", "geomap", "parse", "-q", str(src), "-o", str(out)]
        subprocess.run(cmd, check=True, env=env, cwd=ROOT)
        by_doc: dict[str, list[dict[str, Any]]] = {r["id"]: [] for r in reports}
        with out.open(encoding="utf-8") as lines:
            for line in lines:
                m = json.loads(line)
                by_doc[str(m["doc"])].append(m)
    return by_doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--gazetteer", help="the gazetteer to use (default: the embedded one)")
    parser.add_argument("--details", action="store_true", help="also list the mentions no expectation covers")
    args = parser.parse_args(argv)
    reports = read_reports(args.data)
    mentions = parse(reports, args.gazetteer)
    verdicts: list[Verdict] = []
    mapped: list[str] = []
    for report in reports:
        v, m = score_report(report, mentions[report["id"]])
        verdicts += v
        mapped += m
    right = sum(v.right for v in verdicts)
    absent = [v for v in verdicts if v.note]
    print(
        f"machine: {platform.platform()}; {platform.processor() or platform.machine()}; "
        f"Python {platform.python_version()}; {os.cpu_count()} cores"
    )
    print(
        f"reports: {len(reports)}; expected place occurrences: {len(verdicts)} "
        f"({len(absent)} of places the gazetteer lacks)"
    )
    print(
        f"places right: {right}/{len(verdicts)} = {right / len(verdicts):.3f} (goal 0.90); "
        f"of the places the gazetteer holds: {right}/{len(verdicts) - len(absent)} = "
        f"{right / max(1, len(verdicts) - len(absent)):.3f}"
    )
    print(f"not-places mapped as locations: {len(mapped)} (goal 0)")
    for v in verdicts:
        if not v.right:
            print(f"  wrong  {v.doc} {v.text!r} @{v.start}: {v.got}" + (f"  [{v.note}]" if v.note else ""))
    for line in mapped:
        print(f"  not-place  {line}")
    if args.details:
        for report in reports:
            for line in unexpected(report, mentions[report["id"]]):
                print(f"  unexpected  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

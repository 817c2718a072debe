"""benchmarks/bench_eval.py rewrites the news sections of RESULTS.md and keeps the others (the Events
section that ``--events`` writes, sections written by hand)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from bench_eval import kept_sections

OLD = """# title

## lgl: 500 documents, 1,000 characters

old lgl table

## Events

events table

## Area points

written by hand
"""

NEW = """# title

## lgl: 588 documents, 1,117,988 characters

new lgl table
"""


def test_sections_the_run_does_not_write_are_kept_in_order() -> None:
    kept = kept_sections(OLD, NEW)
    assert kept == "\n## Events\n\nevents table\n\n## Area points\n\nwritten by hand\n"
    assert "old lgl table" not in kept


def test_nothing_is_kept_from_no_file() -> None:
    assert kept_sections("", NEW) == ""

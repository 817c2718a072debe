"""Throughput of geo._statements on synthetic wire-style text.

Run from the project root::

    PYTHONPATH=. python benchmarks/bench_statements.py [megabytes]

Prints MB/s for splitting alone and for full statements (speaker, date, categories), with the
machine it ran on.  A benchmark, not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable

from geo._statements import load_vocabulary, split_statements, statements
from geo._types import Document, Statement

_PARAGRAPHS = (
    "KHARTOUM, Oct. 2. /TASS/. Army units retook two villages north of the capital, "
    "Sudanese Defence Minister Yassin Ibrahim said on Monday.",
    "- Ministry: no shelling of residential areas overnight",
    '"We will not stop until the road to the port is open. The U.S. and the U.N. have been told," '
    "Ibrahim said.",
    "Lt. Gen. Omar Hassan, head of the eastern command, said that a convoy with weapons had crossed "
    "the border at 4 a.m. and was destroyed by an air strike.",
    "According to the minister, ceasefire agreements have been signed with elders of 14 localities, "
    "despite isolated violations of the truce.",
    "Aid convoys reached the besieged district on Jan. 5, the UN refugee agency said, adding that "
    "thousands of displaced people were still sheltering in schools.",
    "Protesters rallied outside the parliament; police arrested 12 people and fired tear gas.",
    '"The talks in Jeddah are the only way forward," he told reporters.',
)


def _corpus(megabytes: float) -> list[Document]:
    body = "\n".join(_PARAGRAPHS) + "\n"
    n = max(1, int(megabytes * 1_000_000 / len(body.encode("utf-8"))))
    # many documents of a realistic size, each with its own dateline
    return [Document(id=f"doc-{i}", text=body) for i in range(n)]


def _run(label: str, docs: list[Document], fn: Callable[[Document], tuple[Statement, ...]]) -> None:
    size = sum(len(d.text.encode("utf-8")) for d in docs) / 1_000_000
    t0 = time.perf_counter()
    count = sum(len(fn(d)) for d in docs)
    elapsed = time.perf_counter() - t0
    print(f"{label:<22} {size:6.2f} MB  {elapsed:7.3f} s  {size / elapsed:7.2f} MB/s  {count} statements")


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"cpu: {platform.processor() or 'unknown'}, {os.cpu_count()} logical cores"
    )
    docs = _corpus(megabytes)
    load_vocabulary()  # read the packaged vocabulary before timing
    _run("split_statements", docs, split_statements)
    _run("statements (full)", docs, lambda d: statements(d, year=2023))
    one = Document(id="one", text="".join(d.text for d in docs[: max(1, len(docs) // 5)]))
    _run("statements (one doc)", [one], lambda d: statements(d, year=2023))


if __name__ == "__main__":
    main()

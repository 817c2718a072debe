"""Write ``geo/lang/en/common_words.txt``: the English words common enough to make a name doubtful.

geomap asks how common a one-word name is as an English word (``geo._recognize._zipf``).  wordfreq answers
that, but loading its lists costs about a second, which every ``geomap parse`` would pay at its first name.
The words that matter are few: only a Zipf frequency of :data:`geo._recognize.COMMON_WORD_ZIPF` or more
changes a decision, and about 9,500 words written in ASCII letters reach it.  This script writes them,
with wordfreq's own value, into a table that geo reads in a few milliseconds; names the table cannot answer
exactly (any character but an ASCII letter) still go to wordfreq.

Run from the project root, after changing the threshold or the pinned wordfreq version::

    .venv/bin/python benchmarks/make_common_words.py

The word frequencies are wordfreq's (Robyn Speer, https://github.com/rspeer/wordfreq), whose data is
licensed CC BY-SA 4.0; the file says so in its header.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo import _lang as lang  # noqa: E402
from geo._recognize import COMMON_WORD_ZIPF  # noqa: E402

OUT = ROOT / "geo" / "lang" / lang.LANGUAGE / "common_words.txt"


def main() -> int:
    import wordfreq

    rows = []
    for word in wordfreq.iter_wordlist(lang.LANGUAGE):
        zipf = wordfreq.zipf_frequency(word, lang.LANGUAGE)
        if zipf < COMMON_WORD_ZIPF:
            break  # the list runs from the most frequent word down
        if word.isascii() and word.isalpha():
            rows.append(f"{word} {zipf:.2f}")
    header = [
        f"# English words with a Zipf frequency of {COMMON_WORD_ZIPF} or more (written in ASCII letters),",
        "# with that frequency: the words that make a one-word place name doubtful (geo/_recognize.py).",
        f"# Made by benchmarks/make_common_words.py from wordfreq {metadata.version('wordfreq')} (Robyn",
        "# Speer, https://github.com/rspeer/wordfreq); the frequencies are wordfreq's data, CC BY-SA 4.0.",
    ]
    OUT.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(rows):,} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

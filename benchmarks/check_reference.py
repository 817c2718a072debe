"""Check geomap against the reference case: ``../shared/seed/tass-2016-05-20.txt`` and its EXPECTED.md.

The reference report is other people's text and stays out of the project, so this is not a test: run it
by hand beside the shared folder.  It prints one line per expectation and exits 1 if any fails.

    python benchmarks/check_reference.py [--seed ../shared/seed/tass-2016-05-20.txt]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gazetteer
import geo

ROOT = Path(__file__).resolve().parents[1]

#: (mention text, place kind, country code, role) that must all appear.
EXPECTED_PLACES = [
    ("MOSCOW", "city", "RU", "dateline"),
    ("Syria", "country", "SY", "location"),
    ("Syrian Arab Republic", "country", "SY", "location"),
    ("Syrian-Turkish border", "border", "SY;TR", "location"),
    ("north Latakia", "part", "SY", "location"),
    ("Aleppo province", "admin1", "SY", "location"),
    ("the suburbs of Damascus", "suburbs", "SY", "location"),
    ("Oman", "country", "OM", "location"),
    ("Geneva", "city", "CH", "location"),
    ("Russia", "country", "RU", "actor"),
    ("United States", "country", "US", "actor"),
    ("US", "country", "US", "actor"),
]
#: Texts that hold a place name but must never be mapped as a location.
NOT_PLACES = [
    "Jabhat al-Nusra",
    "Jebhat al-Nusra",
    "Islamic State",
    "International Syria Support Group",
    "UN Security Council",
    "Russian Foreign Ministry",
    "Defense Ministry",
    "Russian center for reconciliation",
    "Kremlin",
    "Sergey Shoigu",
    "Sergey Rudskoy",
    "Putin",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=ROOT.parent / "shared" / "seed" / "tass-2016-05-20.txt")
    args = parser.parse_args(argv)
    if not args.seed.is_file():
        print(f"no reference report at {args.seed}", file=sys.stderr)
        return 2
    text = args.seed.read_text(encoding="utf-8")
    gp = geo.Geoparser(gazetteer.open_gazetteer(), nlp=geo.load_model(), roles=geo.load_roles())
    result = gp.parse(text, doc_id=args.seed.stem, year=2016)
    failures = 0

    def check(ok: bool, what: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}")

    seen = {
        (r.mention.text, r.place.kind, r.place.country_code, r.role) for r in result.resolutions if r.place
    }
    for item in EXPECTED_PLACES:
        check(item in seen, f"place {item}")
    part = next(r.place for r in result.resolutions if r.mention.text == "north Latakia" and r.place)
    check(
        part.geonameid == gazetteer.open_gazetteer().lookup("Latakia", kinds=["admin1"])[0].id,
        "north Latakia is part of the governorate, not of the city",
    )
    located = [r for r in result.resolutions if r.place and r.role == "location"]
    for name in NOT_PLACES:
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(name), text)]
        hit = [r.mention.text for r in located if any(a <= r.mention.start < b for a, b in spans)]
        check(not hit, f"not a location: {name!r}" + (f" (mapped: {hit})" if hit else ""))
    for st in result.statements:
        check(st.date == dt.date(2016, 5, 20), f"statement {st.index} dated 2016-05-20")
    speakers = {st.speaker for st in result.statements}
    for who in ("Sergey Shoigu", "Sergey Rudskoy", "Russian Foreign Ministry"):
        check(who in speakers, f"speaker {who}")
    violations = next(st for st in result.statements if "north Latakia" in st.text)
    linked = {r.place.kind for r in result.resolutions if r.place and r.mention.sentence == violations.index}
    check({"part", "admin1", "suburbs"} <= linked, "the violations statement links its three places")
    check("ceasefire_violation" in violations.categories, "the violations statement is a ceasefire violation")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

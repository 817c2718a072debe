"""Speed of geomap on one core, side by side with spaCy's small NER and an Aho-Corasick scan.

Run from the project root (it pins itself to one core, core 0 unless ``--core``)::

    .venv/bin/python benchmarks/bench_speed.py [--quick] [--core N]

In one run, on the same texts, it measures:

- geomap (``geo.Geoparser`` with the embedded gazetteer, the spaCy model and the role reader, as
  ``geomap parse`` runs it; ``--no-roles``: without the role reader, as figures before 2026-12-01's
  second run were measured), with the time it spends in spaCy (the entity recogniser over the
  windows around doubtful names, the tagger and parser over the statements whose names' roles are in
  doubt) and the share of the text each reads,
- spaCy-sm NER alone (``tok2vec`` + ``ner`` of the same package, nothing else), the model geomap was
  meant to outrun,
- an Aho-Corasick scan of the text for every name of the gazetteer (pyahocorasick): finding names and
  nothing else, the ceiling of any recogniser that reads every character,

on three inputs: conflict wire reports (made here from templates: short, dense with places, rings,
wedges, parts of provinces, borders and datelines), general news (the LGL texts, read from
``../shared/eval/lgl.jsonl`` when present) and one 200 KB report.  It prints MB/s of each with the
machine, the core and the load average; times are the process's CPU seconds (see ``_timed``).  A
benchmark, not a test: nothing here asserts a speed; see
``benchmarks/SPEED.md`` for figures and what they mean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LGL = ROOT.parent / "shared" / "eval" / "lgl.jsonl"

_COUNTRIES = {
    "Syria": (
        "DAMASCUS",
        ["Damascus", "Aleppo", "Idlib", "Homs", "Hama", "Latakia", "Deir ez-Zor", "Raqqa", "Saraqib"],
        ["Idlib", "Aleppo", "Latakia", "Hama", "Daraa"],
        ["Turkey", "Iraq", "Jordan", "Lebanon"],
        "Syrian",
    ),
    "Ukraine": (
        "KYIV",
        ["Kharkiv", "Odesa", "Kherson", "Mykolaiv", "Zaporizhzhia", "Donetsk", "Sumy", "Dnipro", "Bakhmut"],
        ["Kharkiv", "Donetsk", "Zaporizhzhia", "Kherson", "Sumy"],
        ["Russia", "Belarus", "Poland"],
        "Ukrainian",
    ),
    "Sudan": (
        "KHARTOUM",
        ["Khartoum", "Omdurman", "El Fasher", "El Obeid", "Kadugli", "Nyala", "Wad Madani", "Port Sudan"],
        ["North Darfur", "South Kordofan", "Gezira", "Blue Nile"],
        ["Chad", "South Sudan", "Ethiopia", "Egypt"],
        "Sudanese",
    ),
    "Iraq": (
        "BAGHDAD",
        ["Baghdad", "Mosul", "Kirkuk", "Tikrit", "Ramadi", "Fallujah", "Basra", "Samarra", "Erbil"],
        ["Kirkuk", "Anbar", "Nineveh", "Diyala", "Salahuddin"],
        ["Syria", "Iran", "Turkey"],
        "Iraqi",
    ),
    "Yemen": (
        "ADEN",
        ["Sanaa", "Aden", "Taiz", "Hodeidah", "Marib", "Mukalla", "Saada", "Ibb"],
        ["Marib", "Taiz", "Hodeidah", "Shabwa"],
        ["Saudi Arabia", "Oman"],
        "Yemeni",
    ),
}
_DIRECTIONS = ["north", "south", "east", "west", "northeast", "southwest"]
_SENTENCES = [
    "Shelling hit the suburbs of {town} overnight, killing {n} civilians, local officials said.",
    "Clashes continued {dir} of {town2} and in the outskirts of {town3}, a monitoring group said.",
    "Fighting between {town} and {town2} forced hundreds of families to flee toward {town3}.",
    "Government forces said they had retaken two villages in {dir}ern {province} province.",
    "A convoy was struck {km} km {dir} of {town2} near the {demonym}-{neighbour_demonym} border.",
    "Air strikes were reported in {town3}, {province} and the countryside {dir} of {town}.",
    '"We will not leave {town2}," a commander told reporters in {capital_name}.',
    "Aid agencies said roads from {town} to {town3} remained closed after attacks in {province}.",
]
_NEIGHBOUR_DEMONYMS = {
    "Turkey": "Turkish",
    "Iraq": "Iraqi",
    "Jordan": "Jordanian",
    "Lebanon": "Lebanese",
    "Russia": "Russian",
    "Belarus": "Belarusian",
    "Poland": "Polish",
    "Chad": "Chadian",
    "South Sudan": "South Sudanese",
    "Ethiopia": "Ethiopian",
    "Egypt": "Egyptian",
    "Syria": "Syrian",
    "Iran": "Iranian",
    "Saudi Arabia": "Saudi",
    "Oman": "Omani",
}
#: General news to warm up on, so that the general-news figure is not charged with what geomap loads the
#: first time it reads such text (in the wire reports above no name with a hyphen or a curly apostrophe
#: asks whether it is a common English word, so wordfreq and its lists were loaded inside the measured LGL
#: run until 2026-12-02: about 0.4 s).
_NEWS_WARM_UP = [
    "Flood Waters Rise In Oak Grove As Council Weighs Budget. Mayor Linda Hart said Tuesday that the "
    "Springfield City Council would vote on the plan next week, after residents of Oak Grove and Milton "
    "told reporters they feared more flooding along the river.",
    "Police Chief Tom Bradley of Columbus, Ohio, said two men were arrested near the bus station on "
    "Main Street. The Ohio State Buckeyes beat Michigan 24-17 on Saturday in Ann Arbor.",
    "Officials in Texas and Louisiana said the storm would reach Houston and New Orleans by Friday; "
    "Governor Ann Lee asked Washington for help, and Wal-Mart closed its stores, O’Neill said.",
]
_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def conflict_reports(n: int, *, seed: int = 12) -> list[str]:
    """``n`` short wire reports (about 360 bytes each) made from the templates above."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        country = rng.choice(sorted(_COUNTRIES))
        capital, towns, provinces, neighbours, demonym = _COUNTRIES[country]
        dateline = f"{capital}, {rng.choice(_MONTHS)} {rng.randint(1, 28)} (Wire) - "
        body = []
        for template in rng.sample(_SENTENCES, 4):
            town, town2, town3 = rng.sample(towns, 3)
            body.append(
                template.format(
                    town=town,
                    town2=town2,
                    town3=town3,
                    dir=rng.choice(_DIRECTIONS),
                    province=rng.choice(provinces),
                    n=rng.randint(2, 30),
                    km=rng.choice([10, 15, 20, 30, 40]),
                    demonym=demonym,
                    neighbour_demonym=_NEIGHBOUR_DEMONYMS[rng.choice(neighbours)],
                    capital_name=capital.title(),
                )
            )
        out.append(dateline + " ".join(body))
    return out


def lgl_texts(path: Path, limit: int) -> list[str]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line, _ in zip(fh, range(limit), strict=False)]


def _mb(texts: Sequence[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def _timed(run: Callable[[], object]) -> float:
    """The process's CPU seconds for ``run``: pinned to one core, that is its wall time on an idle
    machine, and on a shared one it leaves out the turns the core gives other processes."""
    started = time.process_time()
    run()
    return time.process_time() - started


class _Metered:
    """Stands for a pipeline (spaCy's, or geo's role parser) and meters its ``pipe``: the seconds it
    takes and the characters it reads; everything else is the pipeline's own."""

    def __init__(self, nlp: Any) -> None:
        self.wrapped = nlp
        self.seconds, self.chars = 0.0, 0

    def pipe(self, texts: Iterable[str], **kwargs: Any) -> list[Any]:
        texts = list(texts)
        started = time.process_time()
        docs = list(self.wrapped.pipe(texts, **kwargs))
        self.seconds += time.process_time() - started
        self.chars += sum(len(t) for t in texts)
        return docs

    def __call__(self, text: str) -> Any:
        return self.wrapped(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)

    def reset(self) -> None:
        self.seconds, self.chars = 0.0, 0


def _machine(core: int) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.node()}: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()};"
        f" pinned to core {core}; load average {load}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller inputs (a rough figure in a minute)")
    ap.add_argument("--core", type=int, default=0, help="the core to run on (default 0)")
    ap.add_argument("--lgl", type=Path, default=LGL, help=f"LGL's JSON Lines (default {LGL})")
    ap.add_argument("--no-ceiling", action="store_true", help="skip the Aho-Corasick scan (its build: 30 s)")
    ap.add_argument("--no-roles", action="store_true", help="geomap without the role reader's parse")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})
    sys.path.insert(0, str(ROOT))

    import spacy

    import gazetteer
    import geo

    print(_machine(args.core))
    gaz = gazetteer.open_gazetteer()
    keys = "with" if Path(f"{gaz.path}.keys").is_file() else "without"
    print(f"gazetteer {gaz.path} ({keys} name keys)")
    roles = None if args.no_roles else geo.load_roles()
    parser = geo.Geoparser(gaz, nlp=geo.load_model(), roles=roles)
    models = {"NER": _Metered(parser.nlp)}
    parser.nlp = models["NER"]
    if roles is not None:
        models["parse"] = _Metered(roles.nlp)
        # the role reader is a frozen value: its pipeline is swapped for the meter the way its
        # dataclass would set it
        object.__setattr__(roles, "nlp", models["parse"])
    print(f"geomap: entity recogniser{'' if roles is None else ' and role reader (tagger, parser)'}")
    ner = spacy.load(
        geo.DEFAULT_MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )
    print(f"spaCy NER alone: {geo.DEFAULT_MODEL} with {', '.join(ner.pipe_names)}")

    n_conflict, n_lgl = (150, 120) if args.quick else (600, 588)
    conflict = conflict_reports(n_conflict)
    inputs = {"conflict wire reports": conflict, "general news (LGL)": lgl_texts(args.lgl, n_lgl)}
    big: list[str] = []
    while _mb(big) < 0.2:
        big.append(conflict[len(big) % len(conflict)])
    long_report = ["\n\n".join(big)]
    inputs["one 200 KB report"] = long_report

    def geomap_run(texts: Sequence[str]) -> Callable[[], object]:
        docs = [geo.Document(id=str(i), text=t) for i, t in enumerate(texts)]
        return lambda: sum(len(r.resolutions) for r in parser.parse_documents(docs))

    def ner_run(texts: Sequence[str]) -> Callable[[], object]:
        return lambda: sum(len(d.ents) for d in ner.pipe(texts, batch_size=64))

    automaton = None
    if not args.no_ceiling:
        import ahocorasick

        started = time.perf_counter()
        automaton = ahocorasick.Automaton()
        for (name,) in gaz._con.execute(
            "SELECT DISTINCT name FROM names WHERE name_type IN ('name', 'ascii', 'alt', 'demonym')"
        ):
            if len(name) >= 3:
                automaton.add_word(name, len(name))
        automaton.make_automaton()
        print(f"Aho-Corasick over {len(automaton):,} names, built in {time.perf_counter() - started:.0f} s")

    def scan_run(texts: Sequence[str]) -> Callable[[], object]:
        assert automaton is not None
        return lambda: sum(1 for t in texts for _ in automaton.iter(t))

    # warm both up (the model's first batch, the gazetteer's pages, and what geomap loads or compiles the
    # first time it meets general news: wordfreq's word list, regular expressions) on text not measured
    warm = conflict_reports(20, seed=1) + _NEWS_WARM_UP
    for _ in parser.parse_documents([geo.Document(id="w", text=t) for t in warm]):
        pass
    list(ner.pipe(warm))

    print(f"{'input':<24}{'MB':>7}{'geomap MB/s':>13}{'NER MB/s':>10}{'geomap/NER':>12}{'scan MB/s':>11}")
    for label, texts in inputs.items():
        if not texts:
            print(f"{label:<24} (not found: {args.lgl})")
            continue
        mb = _mb(texts)
        for meter in models.values():
            meter.reset()
        t_geo = _timed(geomap_run(texts))
        t_ner = _timed(ner_run(texts))
        scan = f"{mb / _timed(scan_run(texts)):>11.2f}" if automaton is not None else f"{'-':>11}"
        print(f"{label:<24}{mb:>7.3f}{mb / t_geo:>13.3f}{mb / t_ner:>10.3f}{t_ner / t_geo:>11.1f}x{scan}")
        if len(texts) == 1:
            print(f"{'':<24}the {mb * 1000:.0f} KB report in {t_geo:.2f} s (NER alone {t_ner:.2f} s)")
        chars = sum(len(t) for t in texts)
        spent = "; ".join(
            f"{name} {m.seconds:.2f} s on {m.chars / chars:.0%} of the text" for name, m in models.items()
        )
        rest = t_geo - sum(m.seconds for m in models.values())
        print(f"{'':<24}geomap's spaCy: {spent}; the rest {rest:.2f} s")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

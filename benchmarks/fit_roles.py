"""Fit the role classifier (``geo/_role_model.py``) on GeoWebNews-dev's typed toponyms (issue 9, item 4).

Run from the project root::

    python benchmarks/fit_roles.py [--corpus ../shared/eval/geowebnews-dev.jsonl]
                                   [--out geo/lang/en/roles.json] [--gazetteer PATH] [--regex-commit 1453a55]
                                   [--relocar-train ReLocaR_Train.xml]

What it does, deterministically (fixed fold assignment, no random draws, sorted keys):

1. Reads every typed toponym of the corpus and labels it: ``Literal``, ``Literal_Modifier``,
   ``Embedded_Literal``, ``Mixed`` (both readings: the place is there) and ``Coercion`` (a non-place used
   as one) are **location**; ``Metonymic``, ``Non_Literal_Modifier``, ``Embedded_Non_Lit`` and ``Demonym``
   (a people: "a passionate Nigerian") are **actor**.  ``Homonym`` (a shop called Iceland) and
   ``Language`` ("English") are not places and are left out, as the corpus README scores them.
2. Splits each document into sentences with spaCy's parser, parses each sentence that holds a toponym on
   its own (as geomap would parse one statement), and looks the name up in the gazetteer for its kind
   (the gold GeoNames id's entry when the gazetteer has it, else the first candidate, else ``none``).
3. Extracts the features of :func:`geo._role_model.extract_features` with the word classes kept in
   ``roles.json`` (edit them there, then re-run this script).
4. 5-fold cross-validation grouped by document (document ``i`` of the corpus sorted by id goes to fold
   ``i % 5``); inside each training part the L2 strength is chosen by a 4-fold grouped inner
   cross-validation.  Reports accuracy, precision and recall of "actor", and the share of names drawn
   as a location exactly when literal; side by side with "always location" and today's regex roles
   (``role_of`` of ``geo/_resolve.py`` at ``--regex-commit``, called on the same names in a subprocess).
5. Fits on all of it and writes the weights, the classes and the cross-validated figures to ``--out``.

Sentences written for geomap (``--extra``, ``benchmarks/data/role_examples.jsonl``: constructions
GeoWebNews has few of, such as a state addressed by a verb of speech, a place compounded with an
operation, a national body) are added to every training part, never to a held-out one, so the
cross-validated figures stay GeoWebNews' own.  ReLocaR's training set (``--relocar-train``,
Gritta et al. 2017: 1,026 Wikipedia sentences, literal or metonymic; public data read from where it lies,
never copied into the project: ``ReLocaR/ReLocaR_Train.xml`` of
https://github.com/milangritta/Minimalist-Location-Metonymy-Resolution, which states no licence, so only
the fitted weights ship, no sentence of it) is added the same way: to every training part, never held
out, so the GeoWebNews figures stay held out, and ReLocaR's test set (``bench_roles.py --relocar``) stays
unseen.  The constructions of
:func:`geo._role_model.rule_role` decide alone wherever they apply, in the figures as in geomap.

A fitting script, not a test: nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
if str(_ROOT) not in sys.path:  # run as a script from anywhere: the project's packages come first
    sys.path.insert(0, str(_ROOT))

from geo._role_model import RoleModel, extract_features, load_parser, rule_role  # noqa: E402

LOCATION_TYPES = ("Literal", "Literal_Modifier", "Embedded_Literal", "Mixed", "Coercion")
ACTOR_TYPES = ("Metonymic", "Non_Literal_Modifier", "Embedded_Non_Lit", "Demonym")
LEFT_OUT_TYPES = ("Homonym", "Language")
FOLDS = 5
INNER_FOLDS = 4
#: L2 strengths tried in the inner cross-validation.
L2_GRID = (0.3, 1.0, 3.0, 10.0)
#: A feature must be seen this often in the training part to get a weight.
MIN_COUNT = 2
DEFAULT_CORPUS = _ROOT.parent / "shared" / "eval" / "geowebnews-dev.jsonl"
DEFAULT_OUT = _ROOT / "geo" / "lang" / "en" / "roles.json"
DEFAULT_EXTRA = _HERE / "data" / "role_examples.jsonl"
_LOC = re.compile(r'<loc reading="(\w+)">(.*?)</loc>', re.S)
_SAMPLE = re.compile(r"<sample\b[^>]*>(.*?)</sample>", re.S)
#: The last commit whose ``geo/_resolve.py`` holds the regex ``role_of``.
REGEX_COMMIT = "1453a55"


@dataclass(frozen=True, slots=True)
class Example:
    """One toponym in its sentence: where it is, its kind and form, its gold type and label."""

    doc: str
    doc_text: str
    doc_start: int
    doc_end: int
    sentence: str
    start: int
    end: int
    kind: str
    form: str
    capital: bool
    type: str
    actor: bool


def _classes(path: Path) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))

    def invert(raw: dict[str, list[str]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for cls in sorted(raw):
            for w in raw[cls]:
                out.setdefault(w, cls)
        return out

    return (
        invert(data["verb_classes"]),
        invert(data["noun_classes"]),
        data["verb_classes"],
        data["noun_classes"],
    )


def place_kind(gaz: Any, name: str, geonameid: int | None) -> tuple[str, str, bool]:
    """(kind, form, capital) of a name as the gazetteer sees it."""
    cands = gaz.lookup(name, limit=25)
    if not cands:
        return "none", "name", False
    best = next((c for c in cands if geonameid is not None and c.id == geonameid), cands[0])
    form = "demonym" if best.name_type == "demonym" else "name"
    return best.kind, form, best.feature_code == "PPLC"


def sentences_of(
    nlp: Any, docs: Sequence[tuple[str, str, list[tuple[int, int, str, int | None]]]], gaz: Any
) -> list[Example]:
    """Examples for ``(doc id, text, [(start, end, type, geonameid)])``: each name in its own sentence,
    the sentence parsed on its own."""
    pending: list[tuple[str, str, int, int, int, str, int | None]] = []
    texts: list[str] = []
    for (doc_id, text, names), parsed in zip(
        docs, nlp.pipe([d[1] for d in docs], batch_size=16), strict=True
    ):
        bounds = [(s.start_char, s.end_char) for s in parsed.sents]
        for start, end, typ, gid in names:
            sent = next(((a, b) for a, b in bounds if a <= start < b), None)
            if sent is None or end > sent[1]:
                continue
            texts.append(text[sent[0] : sent[1]])
            pending.append((doc_id, text, sent[0], start, end, typ, gid))
    out: list[Example] = []
    for (doc_id, text, offset, start, end, typ, gid), sentence in zip(pending, texts, strict=True):
        kind, form, capital = place_kind(gaz, text[start:end], gid)
        out.append(
            Example(
                doc=doc_id,
                doc_text=text,
                doc_start=start,
                doc_end=end,
                sentence=sentence,
                start=start - offset,
                end=end - offset,
                kind=kind,
                form=form,
                capital=capital,
                type=typ,
                actor=typ in ACTOR_TYPES,
            )
        )
    return out


def load_corpus(path: Path) -> list[tuple[str, str, list[tuple[int, int, str, int | None]]]]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        names = [
            (t["start"], t["end"], t["type"], t.get("geonameid"))
            for t in d["toponyms"]
            if t.get("type") in LOCATION_TYPES + ACTOR_TYPES
        ]
        docs.append((d["id"], d["text"], names))
    return sorted(docs, key=lambda d: d[0])


def load_extra(path: Path) -> list[Example]:
    """The sentences written for geomap: ``{"text", "name", "kind", "form", "actor"}`` a line."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        start = r["text"].index(r["name"])
        end = start + len(r["name"])
        out.append(
            Example(
                doc=f"extra:{n}",
                doc_text=r["text"],
                doc_start=start,
                doc_end=end,
                sentence=r["text"],
                start=start,
                end=end,
                kind=r["kind"],
                form=r.get("form", "name"),
                capital=bool(r.get("capital", False)),
                type="Written",
                actor=bool(r["actor"]),
            )
        )
    return out


def read_relocar(path: Path) -> list[tuple[str, int, int, bool]]:
    """(sentence, start, end, metonymic) for each literal or metonymic sample of a ReLocaR XML file
    ("mixed" is left out, as the paper does)."""
    out = []
    for raw in _SAMPLE.findall(path.read_text(encoding="utf-8")):
        m = _LOC.search(raw)
        if m is None or m[1] not in ("lit", "met"):
            continue
        before = html.unescape(raw[: m.start()])
        name = html.unescape(m[2])
        after = html.unescape(raw[m.end() :])
        text = (before + name + after).strip()
        start = len(before) - (len(before) - len(before.lstrip()))
        out.append((text, start, start + len(name), m[1] == "met"))
    return out


def load_relocar(path: Path, gaz: Any) -> list[Example]:
    """ReLocaR's samples as examples (the kind of each name from the gazetteer, as for GeoWebNews)."""
    out = []
    for n, (text, start, end, metonymic) in enumerate(read_relocar(path)):
        kind, form, capital = place_kind(gaz, text[start:end], None)
        out.append(
            Example(
                doc=f"relocar:{n}",
                doc_text=text,
                doc_start=start,
                doc_end=end,
                sentence=text,
                start=start,
                end=end,
                kind=kind,
                form=form,
                capital=capital,
                type="ReLocaR",
                actor=metonymic,
            )
        )
    return out


def featurize(
    nlp: Any, examples: Sequence[Example], verb_classes: dict[str, str], noun_classes: dict[str, str]
) -> tuple[list[tuple[str, ...]], list[str | None]]:
    """The features of each example, and the role :func:`rule_role` gives it (``None`` mostly)."""
    feats: list[tuple[str, ...]] = []
    rules: list[str | None] = []
    for ex, doc in zip(examples, nlp.pipe([e.sentence for e in examples], batch_size=64), strict=True):
        feats.append(
            extract_features(
                doc, ex.start, ex.end, kind=ex.kind, verb_classes=verb_classes, noun_classes=noun_classes
            )
        )
        rules.append(rule_role(doc, ex.start, ex.end, verb_classes=verb_classes, noun_classes=noun_classes))
    return feats, rules


# --- logistic regression (Newton's method, L2 on the weights, not on the intercept) ---------------------


def vocabulary(feats: Sequence[Sequence[str]], *, min_count: int = MIN_COUNT) -> list[str]:
    counts = Counter(f for fs in feats for f in set(fs))
    return sorted(f for f, n in counts.items() if n >= min_count)


def matrix(feats: Sequence[Sequence[str]], vocab: Sequence[str]) -> np.ndarray:
    index = {f: i for i, f in enumerate(vocab)}
    x = np.zeros((len(feats), len(vocab) + 1))
    x[:, -1] = 1.0
    for row, fs in enumerate(feats):
        for f in fs:
            if (j := index.get(f)) is not None:
                x[row, j] = 1.0
    return x


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float, iterations: int = 25) -> np.ndarray:
    """Weights (intercept last) minimising the log loss plus ``l2/2 * |w|^2``."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def fold_of(docs: Sequence[str], k: int) -> dict[str, int]:
    return {d: i % k for i, d in enumerate(sorted(set(docs)))}


def _train_predict(
    train: Sequence[tuple[str, ...]], ytrain: np.ndarray, test: Sequence[tuple[str, ...]], *, l2: float
) -> np.ndarray:
    vocab = vocabulary(train)
    w = fit_logistic(matrix(train, vocab), ytrain, l2=l2)
    return 1.0 / (1.0 + np.exp(-(matrix(test, vocab) @ w)))


#: Extra training examples: their features and labels, added to every training part.
Extra = tuple[Sequence[tuple[str, ...]], np.ndarray]
_NO_EXTRA: Extra = ((), np.zeros(0))


def _with(feats: Sequence[tuple[str, ...]], y: np.ndarray, idx: Sequence[int], extra: Extra) -> Extra:
    return [feats[i] for i in idx] + list(extra[0]), np.concatenate([y[list(idx)], extra[1]])


def choose_l2(
    feats: Sequence[tuple[str, ...]], y: np.ndarray, docs: Sequence[str], extra: Extra = _NO_EXTRA
) -> float:
    """The L2 strength with the best grouped inner cross-validated accuracy (the smaller one on ties)."""
    folds = fold_of(docs, INNER_FOLDS)
    best = (-1.0, 0.0)
    for l2 in L2_GRID:
        right = 0
        for k in range(INNER_FOLDS):
            tr = [i for i, d in enumerate(docs) if folds[d] != k]
            te = [i for i, d in enumerate(docs) if folds[d] == k]
            p = _train_predict(*_with(feats, y, tr, extra), [feats[i] for i in te], l2=l2)
            right += int(np.sum((p >= 0.5) == (y[te] == 1)))
        if right > best[0]:
            best = (right, l2)
    return best[1]


def cross_validate(
    feats: Sequence[tuple[str, ...]], y: np.ndarray, docs: Sequence[str], extra: Extra = _NO_EXTRA
) -> tuple[np.ndarray, list[float]]:
    """Held-out probabilities of "actor" for every example, and the L2 chosen in each fold."""
    folds = fold_of(docs, FOLDS)
    out = np.zeros(len(feats))
    chosen = []
    for k in range(FOLDS):
        tr = [i for i, d in enumerate(docs) if folds[d] != k]
        te = [i for i, d in enumerate(docs) if folds[d] == k]
        l2 = choose_l2([feats[i] for i in tr], y[tr], [docs[i] for i in tr], extra)
        chosen.append(l2)
        out[te] = _train_predict(*_with(feats, y, tr, extra), [feats[i] for i in te], l2=l2)
    return out, chosen


def figures(actor_true: Sequence[bool], actor_pred: Sequence[bool]) -> dict[str, float]:
    """Accuracy (= share drawn as a location exactly when literal), precision and recall of "actor"."""
    t = np.asarray(actor_true, dtype=bool)
    p = np.asarray(actor_pred, dtype=bool)
    tp = int(np.sum(t & p))
    return {
        "n": len(t),
        "accuracy": round(float(np.mean(t == p)), 4) if len(t) else 0.0,
        "actor_precision": round(tp / int(np.sum(p)), 4) if np.sum(p) else 0.0,
        "actor_recall": round(tp / int(np.sum(t)), 4) if np.sum(t) else 0.0,
    }


# --- today's regex roles, at a commit that has them -------------------------------------------------------

_REGEX_RUNNER = """
import json, sys
try:
    from geo._resolve import role_of
except ImportError:
    from geo._roles import role_of
from geo._types import Mention
out = []
for line in sys.stdin:
    r = json.loads(line)
    name = r["text"][r["start"]:r["end"]]
    m = Mention("d", r["start"], r["end"], name, 0, name, r["form"])
    out.append(role_of(m, r["text"], r["kind"], dateline=None) if r["kind"] != "none" else "location")
print(json.dumps(out))
"""


def regex_roles(rows: Sequence[dict[str, Any]], *, commit: str = REGEX_COMMIT) -> list[str]:
    """``role_of`` of ``geo/_resolve.py`` at ``commit`` on ``{"text", "start", "end", "kind", "form"}`` rows
    (a name without a gazetteer entry stays a location, as geomap leaves it unresolved)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(_ROOT), "archive", commit, "geo"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": tmp}
        done = subprocess.run(
            [sys.executable, "-c", _REGEX_RUNNER],
            input="".join(json.dumps(r) + "\n" for r in rows),
            capture_output=True,
            text=True,
            env=env,
            check=True,
            cwd=tmp,
        )
    roles: list[str] = json.loads(done.stdout)
    return roles


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--extra", type=Path, default=DEFAULT_EXTRA, help="sentences written for geomap")
    ap.add_argument(
        "--relocar-train",
        type=Path,
        default=None,
        help="ReLocaR_Train.xml (public, not in the project): added to every training part",
    )
    ap.add_argument("--gazetteer", type=Path, default=None, help="gazetteer file (default: the embedded one)")
    ap.add_argument("--regex-commit", default=REGEX_COMMIT)
    ap.add_argument("--errors", type=Path, default=None, help="write the held-out mistakes here (JSON Lines)")
    args = ap.parse_args(argv)

    import gazetteer

    gaz = gazetteer.open_gazetteer(args.gazetteer or gazetteer.default_path())
    verb_classes, noun_classes, raw_verbs, raw_nouns = _classes(args.out)
    nlp = load_parser()
    examples = sentences_of(nlp, load_corpus(args.corpus), gaz)
    feats, rules = featurize(nlp, examples, verb_classes, noun_classes)
    y = np.array([1.0 if e.actor else 0.0 for e in examples])
    docs = [e.doc for e in examples]
    written = load_extra(args.extra) if args.extra else []
    relocar = load_relocar(args.relocar_train, gaz) if args.relocar_train else []
    written_feats, _ = featurize(nlp, written + relocar, verb_classes, noun_classes)
    extra: Extra = (written_feats, np.array([1.0 if e.actor else 0.0 for e in written + relocar]))

    held_out, chosen = cross_validate(feats, y, docs, extra)
    # where a construction of the parse decides alone, it does so in geomap: so in the figures
    held_out = np.array(
        [p if r is None else float(r == "actor") for p, r in zip(held_out, rules, strict=True)]
    )
    model_pred = [bool(p >= 0.5) for p in held_out]
    regex = regex_roles(
        [
            {"text": e.doc_text, "start": e.doc_start, "end": e.doc_end, "kind": e.kind, "form": e.form}
            for e in examples
        ],
        commit=args.regex_commit,
    )
    regex_pred = [r == "actor" for r in regex]
    truth = [e.actor for e in examples]
    gate = RoleModel.load(args.out)  # only its word lists are used here
    doubt = [
        gate.in_doubt(e.kind, form=e.form, capital=e.capital, before=e.sentence[: e.start]) for e in examples
    ]
    # as geomap runs it with a reader: the model on the names in doubt (the names it reads), the others
    # taken as locations
    gated_pred = [m and d for m, d in zip(model_pred, doubt, strict=True)]

    def subset(mask: Sequence[bool]) -> dict[str, dict[str, float]]:
        idx = [i for i, keep in enumerate(mask) if keep]
        pick = lambda seq: [seq[i] for i in idx]  # noqa: E731
        return {
            "always location": figures(pick(truth), [False] * len(idx)),
            "regex role_of": figures(pick(truth), pick(regex_pred)),
            "model": figures(pick(truth), pick(model_pred)),
            "model on names read": figures(pick(truth), pick(gated_pred)),
        }

    if args.errors is not None:
        with args.errors.open("w", encoding="utf-8") as fh:
            for e, f, p, r in zip(examples, feats, held_out, regex, strict=True):
                if (p >= 0.5) != e.actor:
                    row = {
                        "doc": e.doc,
                        "type": e.type,
                        "name": e.sentence[e.start : e.end],
                        "sentence": e.sentence,
                        "kind": e.kind,
                        "p_actor": round(float(p), 3),
                        "regex": r,
                        "features": f,
                    }
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    by_type: dict[str, dict[str, float]] = {}
    for typ in LOCATION_TYPES + ACTOR_TYPES:
        idx = [i for i, e in enumerate(examples) if e.type == typ]
        by_type[typ] = {
            "n": len(idx),
            "regex": round(float(np.mean([regex_pred[i] == truth[i] for i in idx])), 4) if idx else 0.0,
            "model": round(float(np.mean([gated_pred[i] == truth[i] for i in idx])), 4) if idx else 0.0,
        }
    by_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({e.kind for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.kind == kind]
        by_kind[kind] = {
            "n": len(idx),
            "actor_share": round(float(np.mean([truth[i] for i in idx])), 4),
            "regex": round(float(np.mean([regex_pred[i] == truth[i] for i in idx])), 4),
            "model": round(float(np.mean([model_pred[i] == truth[i] for i in idx])), 4),
        }
    cv = {
        "corpus": args.corpus.name,
        "documents": len(set(docs)),
        "folds": FOLDS,
        "l2_chosen": chosen,
        "all names": subset([True] * len(examples)),
        "names the gazetteer holds": subset([e.kind != "none" for e in examples]),
        "names in doubt": subset(doubt),
        "by_type": by_type,
        "by_kind": by_kind,
    }

    l2 = choose_l2(feats, y, docs, extra)
    every, y_every = _with(feats, y, range(len(feats)), extra)
    vocab = vocabulary(every)
    w = fit_logistic(matrix(every, vocab), y_every, l2=l2)
    doubt_actor_share = float(np.mean([t for t, d in zip(truth, doubt, strict=True) if d]))
    weights = {f: round(float(v), 4) for f, v in zip(vocab, w[:-1], strict=True) if round(float(v), 4) != 0.0}
    data = {
        "about": "Role classifier of geo/_role_model.py: logistic regression weights over parse features; "
        "written by benchmarks/fit_roles.py (edit the word classes here, then re-run it).",
        "bias": round(float(w[-1]), 4),
        "threshold": 0.5,
        "l2": l2,
        "min_count": MIN_COUNT,
        "weights": weights,
        "verb_classes": {k: sorted(set(v)) for k, v in raw_verbs.items()},
        "noun_classes": {k: sorted(set(v)) for k, v in raw_nouns.items()},
        "locative_before": sorted(gate.locative_before),
        "doubt_actor_share": round(doubt_actor_share, 4),
        "written_examples": len(written),
        "relocar_train_examples": len(relocar),
        "cross_validation": cv,
    }
    args.out.write_text(
        json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(json.dumps(cv, indent=1))
    print(
        f"{len(examples)} names, {len(written)} written sentences and {len(relocar)} of ReLocaR, "
        f"{len(weights)} weights, l2={l2}; "
        f"wrote {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

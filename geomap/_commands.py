"""Subcommands that read reports: parse, map, eval."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import shapely

import gazetteer
import geo
from geo import Document, ParseResult

from . import __version__
from ._exit import Exit
from ._inputs import InputError, read_inputs

__all__ = ["add_commands", "mention_records"]

#: Simplification (degrees) of the country outlines drawn as the offline basemap.
BASEMAP_SIMPLIFY_DEG = 0.05


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="text file (document id = file name), '-' for stdin, or .jsonl of {id, text, date?, ...}",
    )
    p.add_argument(
        "--date",
        type=_date_arg,
        metavar="YYYY-MM-DD",
        help="the reports' date where the input's metadata gives none",
    )
    p.add_argument("--year", type=int, help="the year for a dateline such as 'MOSCOW, May 20'")
    p.add_argument(
        "--no-model",
        action="store_true",
        help="recognise places from the gazetteer alone, without the spaCy model (faster)",
    )
    p.add_argument("--activities", metavar="TOML", help="an activity vocabulary of your own")
    p.add_argument(
        "--online",
        action="store_true",
        help="ask OpenStreetMap's Nominatim (network!) for names the gazetteer lacks; answers are cached",
    )
    # For tests and a self-hosted Nominatim: where --online asks.
    p.add_argument("--nominatim-url", type=_nominatim_url, help=argparse.SUPPRESS)


def _nominatim_url(value: str) -> dict[str, str]:
    """``scheme://host[:port]`` as geopy's ``scheme`` and ``domain``."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not a Nominatim URL (http[s]://host[:port]): {value!r}")
    return {"scheme": parts.scheme, "domain": parts.netloc + parts.path.rstrip("/")}


def _parser_for(args: argparse.Namespace) -> geo.Geoparser:
    gaz = gazetteer.open_gazetteer(args.gazetteer, progress=sys.stderr.isatty())
    nlp = None if args.no_model else geo.load_model()
    vocabulary = geo.load_vocabulary(args.activities) if args.activities else None
    online = None
    if getattr(args, "online", False):
        where = args.nominatim_url or {}
        online = gazetteer.OnlineGeocoder(gaz.path, user_agent=f"geomap/{__version__}", **where)
    return geo.Geoparser(gaz, nlp=nlp, vocabulary=vocabulary, online=online)


def _read(args: argparse.Namespace) -> tuple[list[Document], list[InputError]]:
    docs, errors = [], []
    for item in read_inputs(args.inputs, date=args.date):
        if isinstance(item, InputError):
            print(f"geomap: error: {item}", file=sys.stderr)
            errors.append(item)
        else:
            docs.append(item)
    return docs, errors


def _status(docs: Sequence[Document], errors: Sequence[InputError]) -> Exit:
    if not docs:
        return Exit.NO_INPUT
    return Exit.SOME_INPUTS_FAILED if errors else Exit.OK


def mention_records(result: ParseResult) -> Iterator[dict[str, Any]]:
    """One JSON-ready record per mention: the JSON Lines contract of ``geomap parse``."""
    by_index = {st.index: st for st in result.statements}
    for res in result.resolutions:
        m, place = res.mention, res.place
        st = by_index.get(m.sentence)
        yield {
            "doc": m.doc,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "sentence": m.sentence,
            "place_id": place.place_id if place else None,
            "name": place.name if place else None,
            "kind": place.kind if place else None,
            "country_code": place.country_code if place else None,
            "lat": round(place.point.lat, 6) if place else None,
            "lon": round(place.point.lon, 6) if place else None,
            "role": res.role,
            "precision": place.precision if place else None,
            "score": round(res.score, 4),
            "geonameid": place.geonameid if place else None,
            "admin1_code": place.admin1_code if place else None,
            "form": m.form,
            "head": m.head,
            "source": m.source,
            "reasons": list(res.reasons),
            "speaker": st.speaker if st else None,
            "date": st.date.isoformat() if st and st.date else None,
            "categories": list(st.categories) if st else [],
        }


def _cmd_parse(args: argparse.Namespace) -> int:
    docs, errors = _read(args)
    if not docs:
        return Exit.NO_INPUT
    parser = _parser_for(args)
    buf = io.StringIO()
    try:
        for result in parser.parse_documents(docs, year=args.year):
            for rec in mention_records(result):
                buf.write(json.dumps(rec, ensure_ascii=False, allow_nan=False) + "\n")
    except gazetteer.OnlineGeocoderError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.ONLINE
    if args.output:
        from maps._io import atomic_write_text

        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(args.output, buf.getvalue())
        except OSError as exc:
            print(f"geomap: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return Exit.OUTPUT
    else:
        sys.stdout.write(buf.getvalue())
        sys.stdout.flush()
    return _status(docs, errors)


def basemap_geojson(gaz: gazetteer.Gazetteer) -> dict[str, Any]:
    """Country outlines of the gazetteer (Natural Earth), simplified, for an offline basemap."""
    features = []
    for cc, geom in gaz.countries_geometries():
        simple = shapely.set_precision(geom.simplify(BASEMAP_SIMPLIFY_DEG, preserve_topology=True), 1e-3)
        if simple.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"country_code": cc},
                "geometry": shapely.geometry.mapping(simple),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _cmd_map(args: argparse.Namespace) -> int:
    import maps

    docs, errors = _read(args)
    if not docs:
        return Exit.NO_INPUT
    parser = _parser_for(args)
    try:
        results = list(parser.parse_documents(docs, year=args.year))
    except gazetteer.OnlineGeocoderError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.ONLINE
    fs = maps.build_features(results)
    outputs: list[tuple[str, Any]] = [(args.output, None)]
    for path, label in ((args.geojson, "geojson"), (args.gpkg, "gpkg"), (args.csv, "csv")):
        if path:
            outputs.append((path, label))
    status = _status(docs, errors)
    for path, label in outputs:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            if label is None:
                basemap = basemap_geojson(parser.gazetteer) if args.offline else None
                maps.write_map(
                    fs, path, offline=args.offline, tiles=args.tiles, basemap=basemap, title=args.title
                )
            elif label == "geojson":
                maps.write_geojson(fs, path)
            elif label == "gpkg":
                maps.write_gpkg(fs, path)
            else:
                maps.write_csv(fs, path)
        except OSError as exc:
            print(f"geomap: error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
            status = Exit.OUTPUT
            continue
        print(f"wrote {path}", file=sys.stderr)
    return status


def _cmd_eval(args: argparse.Namespace) -> int:
    from geo import evaluation as ev

    path = Path(args.corpus)
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"geomap: error: {path}: cannot read ({exc})", file=sys.stderr)
        return Exit.NO_INPUT
    corpus = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            corpus.append(ev.load_corpus_line(json.loads(line), where=f"{path}:{lineno}"))
        except (ValueError, json.JSONDecodeError) as exc:
            print(f"geomap: error: {path}:{lineno}: {exc}", file=sys.stderr)
            return Exit.BAD_DATA
        if args.limit and len(corpus) >= args.limit:
            break
    parser = _parser_for(args)
    docs = [Document(id=doc_id, text=text) for doc_id, text, _, _ in corpus]
    started = time.perf_counter()
    scored = []
    for (_, _, gold, doc_type), result in zip(corpus, parser.parse_documents(docs), strict=True):
        preds = ev.predictions(result)
        scored.append((gold, preds, doc_type))
    seconds = time.perf_counter() - started
    scores = ev.score(scored)
    chars = sum(len(d.text) for d in docs)
    print(ev.format_scores(scores))
    print(f"speed: {len(docs) / seconds:.1f} documents/s, {chars / seconds / 1e6:.3f} MB/s ({seconds:.1f} s)")
    if args.json:
        from maps._io import atomic_write_text

        payload = {
            "corpus": str(path),
            "documents": len(docs),
            "seconds": round(seconds, 2),
            "model": None if args.no_model else geo.DEFAULT_MODEL,
            **scores.to_dict(),
        }
        atomic_write_text(args.json, json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return Exit.OK


def add_commands(sub: Any) -> None:
    p = sub.add_parser("parse", help="print one JSON object per place mention (JSON Lines)")
    _add_reading_options(p)
    p.add_argument("-o", "--output", metavar="PATH", help="write to a file instead of stdout")
    p.set_defaults(func=_cmd_parse)

    m = sub.add_parser("map", help="draw a layered map (HTML) and write GIS files")
    _add_reading_options(m)
    m.add_argument(
        "-o", "--output", metavar="PATH", default="geomap.html", help="the HTML map (default: geomap.html)"
    )
    m.add_argument("--geojson", metavar="PATH", help="also write a GeoJSON FeatureCollection")
    m.add_argument("--gpkg", metavar="PATH", help="also write a GeoPackage")
    m.add_argument("--csv", metavar="PATH", help="also write the mentions table as CSV")
    m.add_argument(
        "--offline",
        action="store_true",
        help="one self-contained file: scripts inlined, a vector basemap instead of tiles",
    )
    m.add_argument("--tiles", default="OpenStreetMap", help="tile provider when not --offline")
    m.add_argument("--title", help="title of the map")
    m.set_defaults(func=_cmd_map)

    e = sub.add_parser("eval", help="score recognition and resolution on an annotated corpus")
    e.add_argument("corpus", metavar="CORPUS.jsonl")
    e.add_argument("--json", metavar="PATH", help="also write the scores as JSON")
    e.add_argument("--limit", type=int, help="only the first N documents")
    e.add_argument("--no-model", action="store_true", help="without the spaCy model")
    e.add_argument("--activities", help=argparse.SUPPRESS)
    e.set_defaults(func=_cmd_eval)

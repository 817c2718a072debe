"""Scoring: how likely each candidate is the place a mention means, and why.

Input: a mention, one of its candidates and the :class:`~geo._candidates.Evidence` of the report;
output: a :class:`Scored` value whose score is the sum of the amounts that apply and whose reasons name
each amount ("population 1,711,000 +0.26").  All amounts are one frozen :class:`Weights` value read
from ``geo/data/weights.toml``, on the 0-1 scale users see; :data:`MIN_SCORE` is on that scale too.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._candidates import Evidence, plain_name, short_form
from ._errors import WeightsError
from ._gazetteer import Candidate, point_of
from ._types import Mention

__all__ = ["MIN_SCORE", "Feature", "Scored", "Weights", "confidence", "features", "load_weights", "score"]


@dataclass(frozen=True, slots=True)
class Weights:
    """The amounts of scoring, one per line of ``geo/data/weights.toml`` (``[section] key`` is the field
    ``section_key``; ``feature_code`` is a table of GeoNames feature codes)."""

    min_score: float
    name_exact: float
    name_differs_in_case: float
    name_differs_in_accents: float
    name_folded: float
    name_loose: float
    name_alternate_only: float
    name_short_form: float
    name_other_bears_own: float
    name_other_bears_own_min_population: float
    kind_country: float
    kind_continent: float
    kind_region: float
    kind_admin1: float
    kind_admin2: float
    kind_admin1_named_like_its_city: float
    kind_admin1_named_like_its_city_min_population: float
    kind_part_of_province_named_like_its_city: float
    kind_country_name_on_another_kind: float
    population_max: float
    population_full_at_log10: float
    population_unknown: float
    feature_code: tuple[tuple[str, float], ...]
    context_focus: float
    context_named_province: float
    context_inside_named_container: float
    context_outside_named_container: float
    context_near_other_place: float
    context_near_km: float
    context_dateline_country: float
    context_across_border: float
    context_office_of_province: float
    context_office_of_town: float
    context_called_town: float
    context_near_likely_place: float
    language_main: float

    def feature_amount(self, code: str | None) -> float:
        """The amount for a town's GeoNames feature code (0 for codes the table does not list)."""
        return dict(self.feature_code).get(code or "", 0.0)

    def feature_keys(self) -> frozenset[str]:
        """The keys of the feature-code table as :func:`features` names them (``feature_code.PPLC``)."""
        return frozenset(f"feature_code.{code}" for code, _ in self.feature_code)

    def amount(self, key: str) -> float:
        """The weight a feature's key names: a field (``kind_country``) or ``feature_code.PPLC``."""
        if key.startswith("feature_code."):
            return self.feature_amount(key.removeprefix("feature_code."))
        value = getattr(self, key)
        assert isinstance(value, float), key
        return value


#: The last weights asked about and their :func:`_amounts` (scoring asks about one ``Weights`` value).
_LAST_AMOUNTS: tuple[Weights | None, Mapping[str, float]] = (None, {})


def _amounts(w: Weights) -> Mapping[str, float]:
    """Every key :meth:`Weights.amount` answers, with its amount: one dict lookup per feature instead
    of a table rebuilt for each."""
    global _LAST_AMOUNTS
    last, table = _LAST_AMOUNTS
    if last is not w:
        keys = [f.name for f in dataclasses.fields(Weights) if f.name != "feature_code"]
        table = {key: w.amount(key) for key in [*keys, *w.feature_keys()]}
        _LAST_AMOUNTS = (w, table)
    return table


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeightsError(f"{where}: must be a number, got {value!r}")
    return float(value)


def _parse_weights(raw: str, source: str) -> Weights:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise WeightsError(f"{source}: not valid TOML: {exc}") from exc
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "feature_code":
            if not isinstance(value, Mapping):
                raise WeightsError(f"{source}: [feature_code] must be a table, got {value!r}")
            values[key] = tuple(
                (code, _number(v, f"{source}: feature_code.{code}")) for code, v in value.items()
            )
        elif isinstance(value, Mapping):
            for sub, v in value.items():
                values[f"{key}_{sub}"] = _number(v, f"{source}: {key}.{sub}")
        else:
            values[key] = _number(value, f"{source}: {key}")
    fields = {f.name for f in dataclasses.fields(Weights)}
    unknown, missing = sorted(set(values) - fields), sorted(fields - set(values))
    if unknown or missing:
        raise WeightsError(f"{source}: unknown weights {unknown}, missing weights {missing}")
    return Weights(**values)


@functools.cache
def load_weights() -> Weights:
    """The packaged weights, ``geo/data/weights.toml`` (read once)."""
    resource = importlib.resources.files(__package__ or "geo") / "data" / "weights.toml"
    return _parse_weights(resource.read_text(encoding="utf-8"), "geo/data/weights.toml")


#: Below this score (0-1, as users see it) a mention is reported unresolved.
MIN_SCORE = load_weights().min_score


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate with its score (unclipped, for ranking) and the reasons, each with its amount."""

    candidate: Candidate
    score: float
    reasons: tuple[str, ...]


def confidence(score: float) -> float:
    """A score as users see it: clipped to 0..1."""
    return round(min(max(score, 0.0), 1.0), 4)


#: Kinds of places whose own name makes a town's alternate name for it doubtful.
_BEARERS = frozenset({"city", "admin1", "admin2"})


def _named_like_its_main_city(cand: Candidate, rivals: Sequence[Candidate]) -> bool:
    """True if the largest town of this name lies in the province ``cand`` (Latakia in Latakia)."""
    cities = [r for r in rivals if r.kind == "city"]
    if not cities:
        return True
    top = max(cities, key=lambda r: r.population)
    return top.country_code == cand.country_code and top.admin1_code == cand.admin1_code


def _city_bears_own(plain: str, rivals: Sequence[Candidate], min_population: float) -> bool:
    """True if a town of at least ``min_population`` among ``rivals`` bears the name (as
    :func:`~geo._candidates.plain_name` spells it) as its own name or ascii name, not as another name."""
    return any(
        r.kind == "city"
        and r.population >= min_population
        and (
            plain_name(r.name) == plain
            or (r.name_type in ("name", "ascii") and plain_name(r.matched) == plain)
        )
        for r in rivals
    )


#: Kinds of places that a town word around their name says the report does not mean.
_AREAS = frozenset({"country", "continent", "region", "admin1", "admin2"})


#: Kinds of places whose country the report's language speaks for (not countries: see :func:`features`).
_LANGUAGE_KINDS = frozenset({"city", "admin1", "admin2"})


#: A feature of a candidate: the weight it is multiplied by (a :class:`Weights` field, or
#: ``feature_code.PPLC`` for a row of the feature-code table), its value and the reason it names.
Feature = tuple[str, float, str]


def features(m: Mention, cand: Candidate, ev: Evidence, w: Weights | None = None) -> list[Feature]:
    """The features that apply to one candidate, in the order its reasons list them.

    The score is linear in them (``sum(w.amount(key) * value)``), which lets ``benchmarks/fit_weights.py``
    fit the weights; ``w`` gives only the thresholds that are not weights (``near_km``, ...).
    """
    w = w or load_weights()
    out: list[Feature] = []
    rivals = ev.rivals
    head = m.head.casefold()
    if cand.matched == m.head:
        out.append(("name_exact", 1.0, "exact name"))
    elif cand.matched.casefold() == head:
        out.append(("name_differs_in_case", 1.0, "name differs in case"))
    elif plain_name(cand.matched) == plain_name(m.head):
        # English copy drops accents and hyphenates articles ("al-Mayadin" for Al Mayādīn): closer than a
        # folded key match
        out.append(("name_differs_in_accents", 1.0, f"name differs in accents or hyphens ({cand.matched})"))
    elif cand.loose:
        # found by the gazetteer's looser key only when the name's own key found nothing
        out.append(("name_loose", 1.0, f"transliteration match ({cand.matched})"))
    else:
        out.append(("name_folded", 1.0, f"folded name match ({cand.matched})"))
    if (
        cand.kind == "city"
        and (plain := plain_name(m.head)) != plain_name(cand.name)
        and (bearers := [r for r in rivals if r.kind in _BEARERS and plain_name(r.name) == plain])
    ):
        # Other towns bear the name today, with or without accents; this one only as another name.  A short
        # form of its own name is how reports name the largest town of the name ("León" for León de los
        # Aldama, 1.6 million, not León in Nicaragua; "Juárez" for Ciudad Juárez), and rarely a smaller
        # one (San José de Mayo, 36,000, is not "San José").  An unrelated name, another language's or a
        # former one, is rarely meant ("Franklin" is Columbus's old name, "Cancun" one of Changchun's,
        # and Cancún's own).  Provinces are left alone: GeoNames names them in transliteration, "Al
        # Lādhiqīyah" for Latakia.
        # A province that bears the name as its own makes another name of a town doubtful ("Antioquia"
        # is Antioquia department, not Antakya, whose Spanish name it is), and outweighs a short form of
        # a town's name in its own country (nor Santa Fe de Antioquia; but "León" is León de los Aldama,
        # Mexico, though a department of Nicaragua is called León).
        towns = [r.population for r in bearers if r.kind == "city"]
        if not short_form(m.head, cand.name):
            out.append(("name_alternate_only", 1.0, "only a former or alternate name"))
            if _city_bears_own(plain, rivals, w.name_other_bears_own_min_population):
                # A city bears the name as its own: a report that means the place known by it only as
                # another name seldom leaves it bare ("Cancun" is Cancún, not Changchun, which GeoNames
                # also calls so).  Only a real city counts (weights.toml's min_population): a village
                # bearing the name ("Cologne", Minnesota) does not pull an exonym's city down (Köln),
                # nor, at 100,000, would Saïda in Algeria take "Saida" from Sidon.  A province bearing
                # the name is left to name_alternate_only ("New York" stays the city, not the state).
                out.append(("name_other_bears_own", 1.0, "another place bears the name as its own"))
        elif any(r.kind != "city" and r.country_code == cand.country_code for r in bearers):
            out.append(("name_alternate_only", 1.0, "short form of its name, which a province bears"))
        elif not towns or cand.population > max(towns):
            out.append(("name_short_form", 1.0, "short form of its name"))
        else:
            out.append(("name_alternate_only", 1.0, "short form of its name, which a larger town bears"))
    if cand.kind == "country":
        out.append(("kind_country", 1.0, "country"))
    elif cand.kind == "continent":
        out.append(("kind_continent", 1.0, "continent"))
    elif cand.kind == "region":
        out.append(("kind_region", 1.0, "region"))
    elif cand.kind == "admin2":
        out.append(("kind_admin2", 1.0, "second-level division"))
    elif cand.kind == "admin1":
        # A plain name shared by a province and its capital is, in news, the city; so is its centre
        # ("central Donetsk", "central Baghdad": the city centre, not the middle of the oblast).
        centre = m.form == "part" and m.direction == "central"
        if (m.form in ("name", "suburbs", "offset") or centre) and any(
            r.kind == "city"
            and r.country_code == cand.country_code
            and r.population >= w.kind_admin1_named_like_its_city_min_population
            for r in rivals
        ):
            out.append(("kind_admin1_named_like_its_city", 1.0, "province named like its city"))
        else:
            out.append(("kind_admin1", 1.0, "first-level division"))
        if m.form == "part" and not centre and _named_like_its_main_city(cand, rivals):
            # "north Latakia", "northern Aleppo": the part of the governorate, not of the city
            out.append(
                (
                    "kind_part_of_province_named_like_its_city",
                    1.0,
                    "part of a province named like its main city",
                )
            )
    else:
        pop = cand.population or 0
        share = min(math.log10(pop + 1) / w.population_full_at_log10, 1.0)
        out.append(("population_max", share, f"population {pop:,}"))
        if pop == 0:
            # GeoNames gives many villages and district seats no population: unknown, not nobody
            out.append(("population_unknown", 1.0, "population unknown"))
        if cand.feature_code and f"feature_code.{cand.feature_code}" in _amounts(w):
            out.append((f"feature_code.{cand.feature_code}", 1.0, f"feature {cand.feature_code}"))
    own_name = cand.name.casefold() == head
    if (
        cand.kind == "city" or (cand.kind not in ("country", "continent", "region") and not own_name)
    ) and any(r.kind in ("country", "continent", "region") and r.matched.casefold() == head for r in rivals):
        # "Chad", "Sudan", "Mexico": a town, or a province known by another name, that also bears a
        # country's name is rarely meant (the US state of Georgia is called Georgia, and stays a rival)
        out.append(("kind_country_name_on_another_kind", 1.0, "a country's or continent's name"))
    if ev.total > 0 and cand.country_code:
        share = ev.focus.get(cand.country_code, 0.0) / ev.total
        if share > 0:
            out.append(("context_focus", share, f"document focus on {cand.country_code} ({share:.0%})"))
    if cand.kind in ("city", "admin2") and (cand.country_code, cand.admin1_code) in ev.provinces:
        out.append(("context_named_province", 1.0, "in a province the report names"))
    if ev.container is not None:
        cc, adm1 = ev.container
        if cand.country_code == cc and (adm1 is None or cand.admin1_code == adm1):
            out.append(("context_inside_named_container", 1.0, "inside the place named beside it"))
        elif cand.kind != "country":
            out.append(("context_outside_named_container", 1.0, "outside the place named beside it"))
    if ev.anchors and cand.kind == "city":
        near = ev.nearest_km(point_of(cand))
        if near < w.context_near_km:
            out.append(("context_near_other_place", 1.0, f"{near:.0f} km from another place of the report"))
    if cand.kind == "admin1":
        if (cand.country_code, cand.admin1_code) in ev.likely_provinces:
            out.append(("context_near_likely_place", 1.0, "holds another name's likeliest town"))
    elif ev.likely and cand.kind in ("city", "admin2"):
        # The places of a report lie together: a namesake near where the report's other names most
        # likely are ("Columbia County" beside "Augusta" is Georgia's) beats one far away.  Unlike the
        # anchors above, the other names need not be unambiguous, so this speaks in most reports.
        near = ev.likely_km(point_of(cand))
        if near < w.context_near_km:
            why = f"{near:.0f} km from another name's likeliest town"
            out.append(("context_near_likely_place", 1.0, why))
    if ev.dateline_country and cand.country_code == ev.dateline_country:
        out.append(("context_dateline_country", 1.0, "dateline's country"))
    if ev.home is not None and cand.country_code == ev.home:
        # "along the border with Texas" in a report from Mexico: the place lies across the border, so
        # the report's own country, which its focus and dateline favour, is where it is least likely
        out.append(("context_across_border", 1.0, f"across a border from the report's country ({ev.home})"))
    if ev.office == "province" and cand.kind in ("admin1", "admin2"):
        # "the governor of Chihuahua", "Kirkuk's governor": the holder governs the state, not the city
        # that the plain name would be (kind_admin1_named_like_its_city)
        out.append(("context_office_of_province", 1.0, "a province's office names it (governor)"))
    elif ev.office == "town" and cand.kind == "city":
        out.append(("context_office_of_town", 1.0, "a town's office names it (mayor)"))
    if (
        ev.town
        and cand.kind in _AREAS
        and any(r.kind == "city" and r.country_code == cand.country_code for r in rivals)
    ):
        # "Jarjanaz town", "eastern Ghazni city", "central Raqqa city": the report says what kind of place
        # it means, the town and not the province of its name.  Only where a town of the name lies in
        # the province's country: without one, the word is more likely to describe a village in the
        # province ("a Borno village").  It says nothing of which town, and all towns are left alone
        # ("the coastal city of Saida" is Sidon, not Saïda in Algeria, whose province bears the name).
        out.append(("context_called_town", 1.0, "the report calls it a town"))
    spoken = ev.spoken.get(cand.country_code or "", ()) if ev.languages else ()
    if spoken and spoken[0] in ev.languages and cand.kind in _LANGUAGE_KINDS and not cand.loose:
        # A town named in a Spanish or French report, with nothing else to place it, is one where that
        # language is spoken ("Masacre de Libertad": not Libertad in the Philippines).  Only the country's
        # main language counts: GeoNames lists Spanish among the languages of the United States and
        # Brazil, where a Spanish report's bare village name is seldom meant.  (A penalty for a country
        # that speaks none of the report's languages was fitted to nothing once this bonus was in.)
        # Countries are left alone: a report names foreign countries in its own language ("Francia",
        # "Estados Unidos").  So are the looser key's matches: the language tells namesakes apart, not
        # one spelling from another ("Bakala" is no Bekily in French-speaking Madagascar), and such a
        # match must still be drawn only when the report's other places speak for it (name.loose).
        said = "/".join(sorted(ev.languages))
        out.append(("language_main", 1.0, f"report in {said}, the main language of {cand.country_code}"))
    return out


def score(m: Mention, cand: Candidate, ev: Evidence, w: Weights | None = None) -> Scored:
    """Score one candidate of a mention: the sum of weight times value of its :func:`features`."""
    w = w or load_weights()
    amounts = _amounts(w)
    total = 0.0
    reasons: list[str] = []
    for key, value, why in features(m, cand, ev, w):
        amount = amounts[key] * value
        total += amount
        reasons.append(f"{why} {amount:+.2f}")
    return Scored(cand, round(total, 4), tuple(reasons))

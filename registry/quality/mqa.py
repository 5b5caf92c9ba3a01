"""Metadata quality on the data.europa.eu MQA points: 405 in five dimensions.

The indicators and their points are those of the EU score vocabulary
(``research/anchors-catalogue.md`` section 5). A dataset earns an indicator's points when its
record has the property; distribution indicators are earned when any distribution has it, except
the two link checks (access and download URLs answering 2xx/3xx), earned only when every checked
URL answers. Links never checked earn nothing and say so. DCAT-AP compliance is earned by every
record: the registry writes each one through the same mapping, and CI validates the whole
catalogue against the DCAT-AP 3.0.0 SHACL shapes. The registry keeps no rights statement
(``dct:rights``), so ``rightsAvailability`` is not earned until it does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter
from typing import Any

import vocab


@dataclass(frozen=True)
class Indicator:
    name: str
    dimension: str
    points: int
    needs: str  # what earns the points, in words
    advice: str  # how to earn them


INDICATORS: tuple[Indicator, ...] = (
    Indicator("keywordAvailability", "findability", 30, "keywords", "add keywords"),
    Indicator("categoryAvailability", "findability", 30, "themes", "add a data theme"),
    Indicator("spatialAvailability", "findability", 20, "spatial coverage", "say where it covers"),
    Indicator(
        "temporalAvailability", "findability", 20, "a time period", "give the period covered"
    ),
    Indicator(
        "accessUrlStatusCode", "accessibility", 50, "access URLs that answer", "fix broken links"
    ),
    Indicator(
        "downloadUrlAvailability", "accessibility", 20, "a download URL", "link the file itself"
    ),
    Indicator(
        "downloadUrlStatusCode", "accessibility", 30, "download URLs that answer", "fix downloads"
    ),
    Indicator("formatAvailability", "interoperability", 20, "a format", "state each file's format"),
    Indicator("mediaTypeAvailability", "interoperability", 10, "a media type", "give media types"),
    Indicator(
        "formatMediaTypeVocabularyAlignment",
        "interoperability",
        10,
        "a format from the vocabulary",
        "use a known file type",
    ),
    Indicator(
        "formatMediaTypeNonProprietary",
        "interoperability",
        20,
        "a non-proprietary format",
        "publish CSV or ODS beside XLSX",
    ),
    Indicator(
        "formatMediaTypeMachineInterpretable",
        "interoperability",
        20,
        "a machine-readable format",
        "publish CSV rather than only PDF",
    ),
    Indicator(
        "dcatApCompliance", "interoperability", 30, "a DCAT-AP valid record", "(always earned)"
    ),
    Indicator("licenceAvailability", "reusability", 20, "a licence", "state the licence"),
    Indicator("knownLicence", "reusability", 10, "a known licence", "use a standard licence"),
    Indicator("accessRightsAvailability", "reusability", 10, "access rights", "state access"),
    Indicator(
        "accessRightsVocabularyAlignment",
        "reusability",
        5,
        "access rights from the vocabulary",
        "state access as public, restricted or non-public",
    ),
    Indicator("contactPointAvailability", "reusability", 20, "a contact point", "add a contact"),
    Indicator("publisherAvailability", "reusability", 10, "a publisher", "name the publisher"),
    Indicator("rightsAvailability", "contextuality", 5, "a rights statement", "add rights"),
    Indicator("byteSizeAvailability", "contextuality", 5, "file sizes", "give file sizes"),
    Indicator("dateIssuedAvailability", "contextuality", 5, "a date issued", "give the issue date"),
    Indicator(
        "dateModifiedAvailability", "contextuality", 5, "a date modified", "give the update date"
    ),
)
MAXIMUM = sum(i.points for i in INDICATORS)  # 405
LINK_INDICATORS = frozenset({"accessUrlStatusCode", "downloadUrlStatusCode"})
RECORD_MAXIMUM = MAXIMUM - sum(i.points for i in INDICATORS if i.name in LINK_INDICATORS)
BANDS: tuple[tuple[int, str], ...] = ((351, "excellent"), (221, "good"), (121, "sufficient"))


@dataclass(frozen=True)
class RecordFacts:
    """What the MQA indicators ask of one dataset (booleans, so any source can fill them)."""

    keywords: bool = False
    themes: bool = False
    spatial: bool = False
    temporal: bool = False
    download_url: bool = False
    format: bool = False
    media_type: bool = False
    known_format: bool = False
    non_proprietary: bool = False
    machine_readable: bool = False
    licence: bool = False
    known_licence: bool = False
    access_rights: bool = False
    contact_point: bool = False
    publisher: bool = False
    rights: bool = False
    byte_size: bool = False
    issued: bool = False
    modified: bool = False
    # Link checks: None when never checked, else whether every checked URL answered.
    access_urls_ok: bool | None = None
    download_urls_ok: bool | None = None
    links: dict[str, str] = field(default_factory=dict)


def record_facts(
    *,
    formats: Iterable[str] = (),
    licence: str | None = None,
    keywords: bool = False,
    themes: bool = False,
    spatial: bool = False,
    temporal: bool = False,
    download_url: bool = False,
    media_type: bool = False,
    access_rights: bool = False,
    contact_point: bool = False,
    publisher: bool = False,
    rights: bool = False,
    byte_size: bool = False,
    issued: bool = False,
    modified: bool = False,
    access_urls_ok: bool | None = None,
    download_urls_ok: bool | None = None,
    links: dict[str, str] | None = None,
) -> RecordFacts:
    """The MQA facts of one record from its plain values: the only place they are derived.

    ``formats`` are the distributions' format notations and ``licence`` the licence notation;
    the vocabularies decide which are known, open-standard or machine-readable. The link results
    are None when never checked; a record with no download URL has no download URL that answers
    (False, not "unchecked"), so it is never told to run the link checker for it.
    """
    formats = tuple(dict.fromkeys(f for f in formats if f))
    known_format, non_proprietary, machine_readable = _format_flags(formats)
    return RecordFacts(
        keywords=keywords,
        themes=themes,
        spatial=spatial,
        temporal=temporal,
        download_url=download_url,
        format=bool(formats),
        media_type=media_type,
        known_format=known_format,
        non_proprietary=non_proprietary,
        machine_readable=machine_readable,
        licence=bool(licence),
        known_licence=bool(licence) and licence in vocab.load("licence") and licence != "unknown",
        access_rights=access_rights,
        contact_point=contact_point,
        publisher=publisher,
        rights=rights,
        byte_size=byte_size,
        issued=issued,
        modified=modified,
        access_urls_ok=access_urls_ok,
        download_urls_ok=download_urls_ok if download_url else False,
        links=dict(links or {}),
    )


@lru_cache(maxsize=4096)
def _format_flags(formats: tuple[str, ...]) -> tuple[bool, bool, bool]:
    """Known, non-proprietary, machine-readable: remembered per set of formats, since a
    catalogue repeats a few combinations over and over (the vocabulary is fixed per process)."""
    return (
        any(f in vocab.load("format") for f in formats),
        any_format_is(formats, "nonProprietary"),
        any_format_is(formats, "machineReadable"),
    )


def any_format_is(formats: Iterable[str], flag: str) -> bool:
    """Whether any of the format notations has the vocabulary flag (``machineReadable`` ...)."""
    found = (vocab.load("format").get(f) for f in formats)
    return any(c is not None and bool(c.properties.get(flag)) for c in found)


def is_open(licence: str | None) -> bool:
    """Whether the licence notation is an open licence in the vocabulary."""
    concept = vocab.load("licence").get(licence) if licence else None
    return concept is not None and bool(concept.properties.get("open"))


_EARNED_BY = {
    "keywordAvailability": "keywords",
    "categoryAvailability": "themes",
    "spatialAvailability": "spatial",
    "temporalAvailability": "temporal",
    "downloadUrlAvailability": "download_url",
    "formatAvailability": "format",
    "mediaTypeAvailability": "media_type",
    "formatMediaTypeVocabularyAlignment": "known_format",
    "formatMediaTypeNonProprietary": "non_proprietary",
    "formatMediaTypeMachineInterpretable": "machine_readable",
    "licenceAvailability": "licence",
    "knownLicence": "known_licence",
    "accessRightsAvailability": "access_rights",
    "accessRightsVocabularyAlignment": "access_rights",
    "contactPointAvailability": "contact_point",
    "publisherAvailability": "publisher",
    "rightsAvailability": "rights",
    "byteSizeAvailability": "byte_size",
    "dateIssuedAvailability": "issued",
    "dateModifiedAvailability": "modified",
    "accessUrlStatusCode": "access_urls_ok",
    "downloadUrlStatusCode": "download_urls_ok",
}


# Every indicator a record can miss, and a getter of the facts deciding them, in one call.
_SCORED = tuple(i for i in INDICATORS if i.name != "dcatApCompliance")
_scored_values = attrgetter(*(_EARNED_BY[i.name] for i in _SCORED))


def missing(facts: RecordFacts) -> list[Indicator]:
    """The indicators the record does not earn (a link never checked earns nothing): the score
    is ``MAXIMUM`` less their points. Cheaper than :func:`assess` when only numbers are wanted."""
    return [i for i, value in zip(_SCORED, _scored_values(facts), strict=True) if not value]


def record_points(facts: RecordFacts) -> int:
    """The points a record earns by itself (every indicator but the two link checks)."""
    return sum(
        i.points
        for i in INDICATORS
        if i.name not in LINK_INDICATORS
        and (i.name == "dcatApCompliance" or getattr(facts, _EARNED_BY[i.name]))
    )


def _advice(indicator: Indicator, value: object) -> str:
    # A link never checked may well answer: say so rather than call it broken.
    return indicator.advice if value is not None else f"{indicator.advice} (not checked yet)"


def assess(facts: RecordFacts) -> dict[str, object]:
    """Every indicator with the points earned and why, the total, the band, and what to gain."""
    rows = []
    for indicator in INDICATORS:
        if indicator.name == "dcatApCompliance":
            earned, why = True, "every record is written as valid DCAT-AP (checked in CI)"
        else:
            value = getattr(facts, _EARNED_BY[indicator.name])
            earned = bool(value)
            if value is None:
                why = "links not checked yet (registry check-links)"
            else:
                why = f"has {indicator.needs}" if earned else f"lacks {indicator.needs}"
        rows.append(
            {
                "indicator": indicator.name,
                "dimension": indicator.dimension,
                "points": indicator.points if earned else 0,
                "maximum": indicator.points,
                "explanation": why,
                "to_gain": None if earned else _advice(indicator, value),
            }
        )
    total = sum(int(r["points"]) for r in rows)  # type: ignore[call-overload]
    return {"score": total, "maximum": MAXIMUM, "band": band(total), "indicators": rows}


def dimension_totals(indicators: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Points earned and available per dimension, from :func:`assess`'s indicator rows."""
    totals: dict[str, dict[str, int]] = {}
    for row in indicators:
        found = totals.setdefault(row["dimension"], {"points": 0, "maximum": 0})
        found["points"] += row["points"]
        found["maximum"] += row["maximum"]
    return totals


def band(score: int) -> str:
    return next((name for floor, name in BANDS if score >= floor), "bad")

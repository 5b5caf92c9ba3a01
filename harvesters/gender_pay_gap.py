"""Gender pay gap service: each reporting year's CSV, narrowed to public-sector employers.

The service (research S10, 2.7.1) publishes one CSV per reporting year at ``GET {url}{year}``
(``year`` = the year the reporting year starts; 404 when a year has no file), every field
quoted, 27 columns from ``EmployerName`` to ``DateSubmitted``, one row per report, for public
and private employers with 250 or more staff, each employer as a whole (pay quartiles, never
grades). The service states no licence (research: OGL unverified), so none is set.

``gather`` fetches each year (bounded by ``max_bytes``: live files are tens of MB) and yields
one item per year, ``gpg-<year>``, whose payload keeps the header and only the rows of
public-sector employers and configured organisations, at most ``max_rows`` of them. With
``organisations`` configured it then yields one item per organisation found, ``gpg-org-<id>``,
listing its reports; as that needs every year's rows, the files are then fetched without a
conditional GET.

Public-sector rule (the file has no sector column): an employer is public sector when

1. its name names a sector: a ``sector`` vocabulary label found in it (``vocab.find``: "NHS",
   "Police", "Fire service" ...), else a cue phrase of :data:`NAME_CUES` ("council",
   "constabulary", "university" ...; keys are ``sector`` notations), unless the name ends in
   Limited / Ltd / PLC / LLP (a company then needs rule 2); or
2. ``SicCodes`` holds ``1``, the service's own code for "Public Sector" (section X of its SIC
   list, cabinetoffice/gender-pay-gap ``GenderPayGap.WebUI/App_Data/SicCodes.csv``), or a SIC
   section O code ``84xxx`` (84240 gives police, 84250 fire when the name gives no sector).
   SIC 85 / 86 alone are not enough: private schools and hospitals share them.

Organisation matching (:func:`employer_key`): "&" becomes "and", ``vocab.normalise``, then a
leading "the" and trailing "the" / "limited" / "ltd" / "plc" / "llp" are dropped and nothing
else ("NHS Foundation Trust" and "NHS Trust" stay, so they never match each other). An employer
matches when the key of its ``EmployerName`` or ``CurrentName`` equals the key of an
organisation's name or alias. No fuzzy matching: "Cabinet Office" never matches "Cabinet
Office Shared Services".
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

import vocab
from harvesters.base import BadPayload, BadStatus, FetchError, Harvester, Records, RemoteItem
from harvesters.errors import TransformError
from harvesters.http import Fetched
from schemas import CoverageCreate, DatasetCreate, DistributionCreate, OrganisationCreate
from schemas.common import Granularity, Identifier, NonEmpty

SITE = "https://gender-pay-gap.service.gov.uk"
LANDING_PAGE = f"{SITE}/viewing/download"
REQUIRED = ("EmployerName", "EmployerId", "SicCodes")
PUBLIC_SECTOR_SIC = "1"
SIC_SECTORS = {"84240": "police", "84250": "fire"}
# Phrases (in normalised names) that name a public-sector employer, by sector notation;
# "^" anchors a phrase at the start of the name.
NAME_CUES: dict[str, tuple[str, ...]] = {
    "nhs": ("nhs", "foundation trust", "health board", "integrated care board",
            "clinical commissioning group", "ambulance service"),
    "local-government": ("council", "borough of", "combined authority", "county of"),
    "police": ("police", "constabulary", "police and crime commissioner"),
    "fire": ("fire and rescue", "fire brigade", "fire authority", "fire commissioner"),
    "civil-service": ("^department for", "^department of", "^ministry of", "cabinet office",
                      "home office", "hm treasury", "hm revenue", "crown prosecution service",
                      "office for national statistics", "government legal department"),
    "prisons-probation": ("prison service", "probation service"),
    "higher-education": ("university",),
    "schools": ("academy trust", "academies trust"),
}  # fmt: skip
_SUFFIXES = {"the", "limited", "ltd", "plc", "llp"}
_MAX_EXAMPLES = 25
_REPORT_FIELDS = (
    ("employer_id", "EmployerId"),
    ("employer_name", "EmployerName"),
    ("current_name", "CurrentName"),
)
KEYWORDS = ("gender pay gap", "pay quartiles", "bonus gap")
# What every record declares, as (scheme, concept, note).
COVERAGE = (
    ("attribute", "sex", "MaleLowerQuartile ... FemaleTopQuartile, Male/FemaleBonusPercent"),
    ("attribute", "pay", "DiffMeanHourlyPercent, DiffMedianHourlyPercent, DiffMean/MedianBonus"),
    ("grade", "workforce", "whole-employer figures by pay quartile, not by grade"),
)


def employer_key(name: str) -> str:
    """The comparison key of an employer or organisation name (rule in the module docstring)."""
    words = vocab.normalise(name.replace("&", " and ")).split()
    if words[:1] == ["the"]:
        words = words[1:]
    while words and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


def _name_sector(key: str) -> str | None:
    found = vocab.find("sector", key)
    if found:
        return found[0].notation
    padded = f" {key} "
    for notation, cues in NAME_CUES.items():
        for cue in cues:
            if key.startswith(cue[1:] + " ") if cue.startswith("^") else f" {cue} " in padded:
                return notation
    return None


def classify_employer(name: str, sic_codes: str = "") -> tuple[bool, str | None]:
    """(public sector?, sector notation or None) for one row of the file."""
    codes = re.findall(r"\d+", sic_codes or "")
    by_sic = PUBLIC_SECTOR_SIC in codes or any(len(c) == 5 and c[:2] == "84" for c in codes)
    named = _name_sector(employer_key(name))
    sector = named or next((SIC_SECTORS[c] for c in codes if c in SIC_SECTORS), None)
    # A company name ("... Limited") needs a SIC code too: "Police Mutual ... Limited" is not.
    company = vocab.normalise(name).split()[-1:] in (["limited"], ["ltd"], ["plc"], ["llp"])
    return by_sic or (named is not None and not company), sector


class OrganisationOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Identifier = Field(max_length=150)
    name: NonEmpty
    aliases: list[str] = Field(default_factory=list)

    def match_keys(self) -> set[str]:
        return {k for k in map(employer_key, [self.name, *self.aliases]) if k}


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    years: list[int] = Field(min_length=1)
    organisations: list[OrganisationOption] | None = None
    max_rows: int = Field(default=5_000, ge=1, le=100_000)  # rows kept per year's payload
    max_bytes: int = Field(default=80_000_000, ge=1)  # per year's file

    @field_validator("years")
    @classmethod
    def _years(cls, value: list[int]) -> list[int]:
        wrong = [y for y in value if not 2017 <= y <= 2100]
        if wrong:
            raise ValueError(f"reporting years start in 2017 or later (got {wrong})")
        return sorted(set(value))

    @model_validator(mode="after")
    def _unambiguous(self) -> Options:
        owner: dict[str, str] = {}
        for org in self.organisations or []:
            for key in org.match_keys():
                if owner.setdefault(key, org.id) != org.id:
                    raise ValueError(f"the name {key!r} is given for {owner[key]} and {org.id}")
        return self


def csv_text(fetched: Fetched, expected: str = "the CSV file") -> str:
    """The body as text, or :class:`BadPayload` when a web page came instead of CSV."""
    head = fetched.content[:512].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if fetched.content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype", b"<html", b"<?xml", b"<")
    ):
        kind = fetched.content_type or "no type"
        raise BadPayload(fetched.url, f"expected {expected}, got a web page ({kind})")
    return fetched.text()


def _read(text: str) -> tuple[list[str], Iterator[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip().lstrip("\ufeff") for name in reader.fieldnames or []]
    reader.fieldnames = header
    return header, reader


class GenderPayGapHarvester(Harvester):
    kind = "gender-pay-gap"
    Options = Options

    # -- gather ------------------------------------------------------------------------------

    def gather(self) -> Iterator[RemoteItem]:
        options: Options = self.options  # type: ignore[assignment]
        index = {key: org.id for org in options.organisations or [] for key in org.match_keys()}
        reports: dict[str, list[dict[str, Any]]] = {}
        missing: list[int] = []
        for year in options.years:
            url = self.year_url(year)
            try:
                fetched = self.http.get(url, conditional=not index, max_bytes=options.max_bytes)
            except BadStatus as exc:
                if exc.status in (404, 410):  # the service has no file for that year
                    missing.append(year)
                    continue
                raise
            if fetched.not_modified:
                yield RemoteItem(guid=f"gpg-{year}", url=url, not_modified=True)
                continue
            yield self._year_item(year, url, fetched, index, reports)
        if missing and len(missing) == len(options.years):
            raise FetchError(self.source.url, f"no file for any of the years {missing} (HTTP 404)")
        for org in options.organisations or []:
            found = reports.get(org.id)
            if found:
                yield RemoteItem(
                    guid=f"gpg-org-{org.id}",
                    url=_employer_page(found),
                    payload={"organisation": org.model_dump(), "reports": found},
                )

    def year_url(self, year: int) -> str:
        return f"{self.source.url.rstrip('/')}/{year}"

    def _year_item(
        self,
        year: int,
        url: str,
        fetched: Fetched,
        index: dict[str, str],
        reports: dict[str, list[dict[str, Any]]],
    ) -> RemoteItem:
        header, rows = _read(csv_text(fetched, "the gender pay gap CSV"))
        absent = [c for c in REQUIRED if c not in header]
        if absent:
            shown = ", ".join(header[:8]) or "empty"
            raise BadPayload(
                url, f"not the gender pay gap CSV: no column {', '.join(absent)} (header: {shown})"
            )
        out = io.StringIO()
        writer = csv.DictWriter(out, header, quoting=csv.QUOTE_ALL, extrasaction="ignore")
        writer.writeheader()
        total = public = kept = 0
        max_rows = self.options.max_rows  # type: ignore[attr-defined]
        for row in rows:
            total += 1
            names = (row.get("EmployerName") or "", row.get("CurrentName") or "")
            org_id = next((index[k] for k in map(employer_key, names) if k in index), None)
            if org_id:
                reports.setdefault(org_id, []).append(_report(year, row))
            if classify_employer(names[0], row.get("SicCodes") or "")[0] or org_id:
                public += 1
                if kept < max_rows:
                    writer.writerow(row)
                    kept += 1
        counts = {"rows_total": total, "rows_matched": public, "rows_kept": kept}
        payload = {"year": year, "csv": out.getvalue(), "byte_size": len(fetched.content)}
        return RemoteItem(guid=f"gpg-{year}", url=url, payload=payload | counts)

    # -- transform ---------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        payload = item.payload
        if not isinstance(payload, dict):
            raise TransformError(f"{item.guid}: the payload is not a year's file or organisation")
        if "organisation" in payload:
            return Records(datasets=[self._organisation_dataset(payload)])
        return Records(datasets=[self._year_dataset(payload)])

    def _year_dataset(self, payload: dict[str, Any]) -> DatasetCreate:
        year, text = payload.get("year"), payload.get("csv")
        if not isinstance(year, int) or not isinstance(text, str):
            raise TransformError("a year's item needs an integer 'year' and the 'csv' text")
        header, rows = _read(text)
        if any(c not in header for c in REQUIRED):
            raise TransformError(f"gpg-{year}: the CSV lacks the columns {', '.join(REQUIRED)}")
        employers: dict[str, str] = {}
        sectors: Counter[str] = Counter()
        for row in rows:
            name = (row.get("EmployerName") or "").strip()
            public, sector = classify_employer(name, row.get("SicCodes") or "")
            key = (row.get("EmployerId") or "").strip() or employer_key(name)
            if public and name and key not in employers:
                employers[key] = name
                sectors[sector or "other"] += 1
        url = self.year_url(year)
        span = f"{year} to {year + 1}"
        return _dataset(
            id=f"gender-pay-gap-{year}",
            title=f"Gender pay gap reports {span}: public-sector employers",
            description=_year_description(span, payload, sorted(employers.values()), sectors),
            landing_page=LANDING_PAGE,
            keywords=[*KEYWORDS, "public sector", *(_label(s) for s in sectors if s != "other")],
            source_record=url,
            distributions=[
                DistributionCreate(
                    title=f"UK Gender Pay Gap Data - {span}.csv",
                    access_url=url,
                    download_url=url,
                    media_type="text/csv",
                    format=_format("text/csv"),
                    byte_size=payload.get("byte_size"),
                )
            ],
        )

    def _organisation_dataset(self, payload: dict[str, Any]) -> DatasetCreate:
        try:
            org = OrganisationOption.model_validate(payload["organisation"])
            reports = sorted(payload["reports"], key=lambda r: int(r["year"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise TransformError(f"an organisation's item is malformed: {exc}") from None
        if not reports:
            raise TransformError(f"{org.id}: no reports")
        distributions = [
            DistributionCreate(
                title=f"{org.name}: gender pay gap report {r['year']} to {int(r['year']) + 1}",
                access_url=f"{SITE}/employers/{r['employer_id']}/reporting-year-{r['year']}",
                media_type="text/html",
                format=_format("text/html"),
            )
            for r in reports
            if r.get("employer_id")
        ]
        years = ", ".join(f"{r['year']} to {int(r['year']) + 1}" for r in reports)
        reported = sorted({r["employer_name"] for r in reports if r.get("employer_name")})
        description = (
            f"Gender pay gap reports of {org.name} on the Gender pay gap service, "
            f"for the reporting years {years}: mean and median hourly pay gaps, bonus gaps and "
            "the shares of men and women in each pay quartile, for the whole workforce (pay "
            f"quartiles, not grades). Reported under the name {'; '.join(reported)}. Each "
            "year's figures are rows of the service's yearly CSV files."
        )
        page = _employer_page(reports) or LANDING_PAGE
        return _dataset(
            id=f"gender-pay-gap-employer-{org.id}",
            title=f"{org.name} gender pay gap reports",
            description=description,
            landing_page=page,
            keywords=[*KEYWORDS, org.name],
            source_record=page,
            distributions=distributions,
        )


def _report(year: int, row: dict[str, str]) -> dict[str, Any]:
    found = {k: (row.get(c) or "").strip() or None for k, c in _REPORT_FIELDS}
    return {"year": year, **found}


def _employer_page(reports: list[dict[str, Any]]) -> str | None:
    ids = [r["employer_id"] for r in reports if r.get("employer_id")]
    return f"{SITE}/employers/{ids[-1]}" if ids else None


def _year_description(
    span: str, payload: dict[str, Any], names: list[str], sectors: Counter[str]
) -> str:
    by_sector = ", ".join(
        f"{_label(s)} {n}" for s, n in sorted(sectors.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    text = (
        f"Gender pay gap figures for the reporting year {span}, from the Gender pay gap "
        "service's file of every report submitted by employers with 250 or more employees, "
        "public and private: mean and median hourly pay gaps, bonus gaps, and the shares of "
        "men and women in each pay quartile, for each employer as a whole (pay quartiles, "
        "not grades). The file does not flag public bodies; this record counts "
        f"{len(names)} public-sector employers in it, found by the service's 'Public Sector' "
        "SIC code, a public administration SIC code (84xxx) or a public-sector name"
        + (f" ({by_sector})" if by_sector else "")
        + "."
    )
    total, kept, matched = (payload.get(k) for k in ("rows_total", "rows_kept", "rows_matched"))
    if isinstance(total, int):
        text += f" The file has {total:,} reports."
    if isinstance(kept, int) and isinstance(matched, int) and kept < matched:
        text += f" Only the first {kept:,} of {matched:,} public-sector rows were read."
    if names:
        shown = "; ".join(names[:_MAX_EXAMPLES])
        more = len(names) - _MAX_EXAMPLES
        text += f" Employers include {shown}" + (f" and {more} more." if more > 0 else ".")
    return text[:20_000]


def _dataset(**fields: Any) -> DatasetCreate:
    """A record with what every gender pay gap record shares."""
    return DatasetCreate(
        publisher=OrganisationCreate(id="cabinet-office", name="Cabinet Office"),
        accrual_periodicity="annual",
        themes=["soci", "econ"],
        granularity=Granularity.workforce,
        coverage=[CoverageCreate(scheme=s, concept=c, note=n) for s, c, n in COVERAGE],
        **fields,
    )


def _label(notation: str) -> str:
    concept = vocab.load("sector").get(notation)
    return concept.pref_label if concept else "sector not named"


def _format(media_type: str) -> str | None:
    concept = vocab.match("format", media_type)
    return concept.notation if concept else None

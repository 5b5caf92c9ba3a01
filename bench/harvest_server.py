"""A seeded synthetic catalogue served on 127.0.0.1, for the harvest benchmark (bench/harvest.py).

    catalogue = Catalogue(size=10_000, seed=42)
    with serve(catalogue) as base_url:            # http://127.0.0.1:<port>
        ...  # a CKAN Action API at {base_url}/api/3/action/, a DCAT feed at {base_url}/catalog.ttl

What is generated: ``size`` datasets about public-sector workforce and leadership data
(organograms, senior pay, gender pay gaps, diversity statistics ...) from ~160 publishers named
like UK public bodies, each with 1-3 resources in CSV, XLSX or PDF. Every dataset comes from its
own seeded stream (``seed`` and its index), so the same seed gives the same bytes, and dataset
``i`` of a larger catalogue equals dataset ``i`` of a smaller one.

What is served (``http.server.ThreadingHTTPServer`` in a daemon thread, HTTP/1.1 keep-alive):

* ``/api/3/action/package_search?q=&fq=&rows=&start=&sort=``: the CKAN answer envelope
  (``help``/``success``/``result{count, results, facets, sort, search_facets}``), packages in the
  ``package_show`` shape data.gov.uk gives (organization object, resources, tags, extras), in
  ``metadata_modified asc, name asc`` order; ``rows`` capped at 1000 as CKAN does; ``fq`` takes
  ``metadata_modified:[<date> TO *]`` (what the harvester's incremental mode sends) and
  ``organization:<name>``; ``q`` matches words in the title or notes.
* ``/api/3/action/package_show?id=``: one package.
* ``/catalog.ttl?page=N``: the same datasets as DCAT-AP Turtle, ``page_size`` per page, paged
  with a ``hydra:PartialCollectionView`` (``hydra:first``/``previous``/``next``/``last`` as URIs,
  ``hydra:totalItems`` on the collection), the way ckanext-dcat's catalog endpoint pages.
* ``/files/<dataset>/<resource>.<csv|xlsx|pdf>``: a tiny table (a real CSV, or a real one-sheet
  XLSX workbook) or a stub PDF, with ``ETag`` and ``Last-Modified`` as a file store sends them.
  With ``files=False`` every resource is a PDF, HTML page or DOCX instead (nothing to profile).

Every answer is rendered once and kept (``warm()`` renders the pages a harvest will ask for
ahead of time), so a timed harvest pays for sending bytes, not for making them.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import random
import re
import threading
import time
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from functools import cache, cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

CKAN_SORT = "metadata_modified asc, name asc"
CKAN_MAX_ROWS = 1000
DEFAULT_PAGE_SIZE = 100

# -- words --------------------------------------------------------------------------------------

# fmt: off
PLACES = (
    "Avon", "Bedfordshire", "Birmingham", "Bristol", "Cambridgeshire", "Cheshire", "Cornwall",
    "Cumbria", "Derbyshire", "Devon", "Dorset", "Durham", "Essex", "Gloucestershire",
    "Hampshire", "Hertfordshire", "Kent", "Lancashire", "Leeds", "Leicestershire",
    "Lincolnshire", "Liverpool", "Manchester", "Merseyside", "Norfolk", "Northumbria",
    "Nottinghamshire", "Oxfordshire", "Sheffield", "Somerset", "Staffordshire", "Suffolk",
    "Surrey", "Sussex", "Warwickshire", "West Yorkshire", "Wiltshire", "Worcestershire",
)
DEPARTMENTS = (
    "Cabinet Office", "HM Treasury", "Home Office", "Ministry of Justice", "Ministry of Defence",
    "Department for Education", "Department of Health and Social Care",
    "Department for Work and Pensions", "Department for Transport",
    "Department for Environment, Food & Rural Affairs",
    "Foreign, Commonwealth & Development Office", "Department for Business and Trade",
    "Department for Culture, Media and Sport", "Department for Energy Security and Net Zero",
    "Department for Science, Innovation and Technology",
    "Ministry of Housing, Communities and Local Government", "Attorney General's Office",
    "HM Revenue & Customs", "Crown Prosecution Service", "Office for National Statistics",
    "HM Prison and Probation Service", "Government Legal Department", "The Charity Commission",
    "Northern Ireland Statistics and Research Agency", "Scottish Government", "Welsh Government",
)
SECTORS = ("department", "nhs", "police", "council", "fire", "school")
STAFF = {
    "department": ("senior civil servants", "Senior Civil Service staff", "directors general",
                   "deputy directors", "Grade 6 and 7 staff", "board members"),
    "nhs": ("very senior managers", "executive directors", "consultants", "board members",
            "Agenda for Change band 8 and 9 staff"),
    "police": ("chief officers", "police officers by rank", "superintendents",
               "police staff and officers"),
    "council": ("chief officers", "senior council staff", "council chief executives",
                "employees paid over £50,000"),
    "fire": ("brigade managers", "station and watch managers", "firefighters by role"),
    "school": ("headteachers", "school leaders", "deputy and assistant headteachers"),
}
TITLES = (
    "Organogram of staff roles and salaries: {org}, {month} {year}",
    "{org} senior staff salaries over £150,000, {year}",
    "Gender pay gap report {year}: {org}",
    "{org} workforce diversity statistics {year}",
    "Ethnicity and sex of {staff} at {org}, {year}",
    "{org}: headcount and FTE of {staff} by grade, {quarter} {year}",
    "Board members and non-executive directors of {org}, {year}",
    "{org} staff survey {year}: leadership and management results",
    "Disability status of {staff}, {org}, {year}",
    "Pay multiples and senior staff remuneration, {org} {year}",
    "Recruitment, promotion and leavers of {staff} at {org}, {year}",
    "Workforce statistics for {staff}: {org}, {quarter} {year}",
)
SENTENCES = (
    "This dataset gives the number of {staff} employed by {org} as at {day}.",
    "Figures are broken down by {a} and {b}, with headcount and full-time equivalent.",
    "Salaries of senior staff are shown in pay bands of £5,000; posts below the Senior Civil "
    "Service are counted by grade only.",
    "Counts are rounded to the nearest 5 and groups of fewer than 5 people are suppressed as [c].",
    "Data is collected from the {system} and published {frequency}.",
    "It supports the organisation's duties under the Public Sector Equality Duty and the "
    "transparency commitments for senior pay.",
    "Earlier releases are available on the landing page; methods are described in the "
    "**background quality report**.",
    "See [the guidance](https://www.gov.uk/government/publications/organogram-guidance) for the "
    "definitions used.",
    "Declaration rates for {a} are low for some grades, so percentages should be read with care.",
)
ATTRIBUTES = ("grade", "sex", "ethnicity", "disability", "age band", "profession", "region",
              "working pattern", "sexual orientation", "socio-economic background")
SYSTEMS = ("HR system", "Electronic Staff Record", "annual workforce census",
           "Annual Civil Service Employment Survey", "payroll system")
KEYWORDS = (
    "workforce", "senior civil service", "SCS", "organogram", "senior salaries", "pay",
    "gender pay gap", "diversity", "ethnicity", "disability", "leadership", "headcount", "FTE",
    "board members", "non-executive directors", "equality", "staff survey", "grades",
    "remuneration", "transparency", "public appointments", "chief executives", "headteachers",
    "police workforce", "NHS workforce", "recruitment", "promotion", "turnover", "HR",
    "people data", "official statistics", "management information", "pay bands",
)
THEMES = {  # data.gov.uk's theme-primary values, and the EU data theme each maps to
    "department": ("Government", "GOVE"), "nhs": ("Health", "HEAL"),
    "police": ("Crime & Justice", "JUST"), "council": ("Government", "GOVE"),
    "fire": ("Government", "GOVE"), "school": ("Education", "EDUC"),
}
FREQUENCIES = (  # data.gov.uk update_frequency, EU frequency
    ("annual", "ANNUAL"), ("quarterly", "QUARTERLY"), ("monthly", "MONTHLY"),
    ("biannually", "ANNUAL_2"), ("never", "NEVER"),
)
LICENCES = (  # CKAN license_id, license_title, URL; weights below
    ("uk-ogl", "UK Open Government Licence (OGL)",
     "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    ("OGL-UK-3.0", "Open Government Licence v3.0",
     "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    ("cc-by", "Creative Commons Attribution", "https://creativecommons.org/licenses/by/4.0/"),
    ("notspecified", "License not specified", ""),
)
LICENCE_WEIGHTS = (70, 15, 8, 7)
COVERAGE = (
    ("100000: England", "England"), ("111100: United Kingdom", "United Kingdom"),
    ("110000: England and Wales", "England and Wales"), ("001000: Scotland", "Scotland"),
    ("000100: Northern Ireland", "Northern Ireland"), ("010000: Wales", "Wales"),
)
MONTHS = ("March", "September")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
# Resource formats as CKAN writes them: format, mimetype, extension, EU file type.
FORMATS = {
    "CSV": ("text/csv", "csv", "CSV"),
    "XLSX": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "XLSX"),
    "PDF": ("application/pdf", "pdf", "PDF"),
    "HTML": ("text/html", "html", "HTML"),
    "DOCX": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "DOCX"
    ),
}
TABLE_FORMATS = (("CSV", 60), ("XLSX", 20), ("PDF", 20))
NO_TABLE_FORMATS = (("PDF", 60), ("HTML", 20), ("DOCX", 20))
# fmt: on


# -- publishers ---------------------------------------------------------------------------------


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", "and")).strip("-")


def publishers(seed: int) -> list[dict[str, str]]:
    """~160 bodies named like UK public bodies: departments, NHS trusts, police forces,
    councils, fire services and academy trusts (the same list for the same seed)."""
    rng = random.Random(f"publishers:{seed}")
    names = [(n, "department") for n in DEPARTMENTS]
    for place in PLACES:
        names.append((f"{place} {rng.choice(('Police', 'Constabulary'))}", "police"))
        kind = rng.choice(("County Council", "City Council", "Metropolitan Borough Council"))
        names.append((f"{place} {kind}", "council"))
        names.append((f"{place} Fire and Rescue Service", "fire"))
        if rng.random() < 0.7:
            trust = rng.choice(
                ("NHS Foundation Trust", "Hospitals NHS Trust", "Healthcare NHS Trust")
            )
            names.append((f"{place} {trust}", "nhs"))
        if rng.random() < 0.2:
            names.append((f"{place} Learning Academy Trust", "school"))
    rng.shuffle(names)  # Zipf ranks (see make_record) mixed across sectors
    return [
        {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "name": _slug(name)[:100],
            "title": name,
            "sector": sector,
            "created": _ckan_time(_moment(rng, datetime(2010, 1, 1), 1500)),
        }
        for name, sector in names
    ]


# -- datasets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    description: str
    format: str  # CSV | XLSX | PDF | HTML | DOCX
    size: int
    created: datetime
    modified: datetime


@dataclass(frozen=True)
class Record:
    """One synthetic dataset, independent of how a source serves it."""

    index: int
    id: str
    name: str
    title: str
    notes: str
    publisher: dict[str, str]
    licence: tuple[str, str, str]
    created: datetime
    modified: datetime
    keywords: tuple[str, ...]
    theme: tuple[str, str]
    frequency: tuple[str, str]
    coverage: tuple[str, str]
    temporal: tuple[date, date] | None
    landing_page: str
    contact_name: str
    contact_email: str
    resources: tuple[Resource, ...]


@cache
def _zipf(n: int, exponent: float = 0.9) -> list[float]:
    """Cumulative Zipf weights over ``n`` ranks."""
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(n)))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(rng: random.Random, start: datetime, days: int) -> datetime:
    return start + timedelta(seconds=rng.randrange(days * 86400), microseconds=rng.randrange(10**6))


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def make_record(index: int, seed: int, orgs: list[dict[str, str]], files: bool = True) -> Record:
    rng = random.Random(f"dataset:{seed}:{index}")
    org = rng.choices(orgs, cum_weights=_zipf(len(orgs)))[0]  # a few publish most
    sector = org["sector"]
    year = rng.randint(2011, 2025)
    staff = rng.choice(STAFF[sector])
    words = {
        "org": org["title"],
        "staff": staff,
        "year": year,
        "month": rng.choice(MONTHS),
        "quarter": rng.choice(QUARTERS),
        "day": f"{rng.choice((31, 30))} {rng.choice(MONTHS)} {year}",
        "a": rng.choice(ATTRIBUTES),
        "b": rng.choice(ATTRIBUTES),
        "system": rng.choice(SYSTEMS),
        "frequency": "",
    }
    frequency = rng.choice(FREQUENCIES)
    words["frequency"] = {"annual": "every year", "quarterly": "every quarter"}.get(
        frequency[0], frequency[0]
    )
    title = rng.choice(TITLES).format(**words)
    sentences = [SENTENCES[0], *rng.sample(SENTENCES[1:], rng.randint(1, 4))]
    notes = " ".join(s.format(**words) for s in sentences)
    if rng.random() < 0.3:
        notes += "\r\n\r\nContact the team for earlier years."
    created = _moment(rng, datetime(2012, 1, 1), 4000)
    modified = min(created + timedelta(days=rng.randint(0, 2000)), datetime(2025, 12, 31))
    modified += timedelta(microseconds=rng.randrange(10**6))
    name = f"{_slug(title)[:70].rstrip('-')}-{index:06d}"
    formats = TABLE_FORMATS if files else NO_TABLE_FORMATS
    resources = []
    for position in range(rng.choice((1, 1, 2, 2, 2, 3))):
        fmt = _weighted(rng, formats)
        stamp = _moment(rng, created, max(1, (modified - created).days + 1))
        label = rng.choice(("Data", "Tables", "Summary", "Report", "Annex"))
        resources.append(
            Resource(
                id=_uuid(rng),
                name=f"{year} {label} ({fmt})" if position else f"{title[:60]} ({fmt})",
                description=rng.choice(("", f"{label} for {year}.", f"{staff.capitalize()}.")),
                format=fmt,
                size=rng.randint(600, 400_000),
                created=stamp,
                modified=stamp,
            )
        )
    contact = rng.choice(("Workforce Analysis Team", "HR Data Team", "Transparency Team"))
    return Record(
        index=index,
        id=_uuid(rng),
        name=name,
        title=title,
        notes=notes,
        publisher=org,
        licence=LICENCES[rng.choices(range(len(LICENCES)), weights=LICENCE_WEIGHTS)[0]],
        created=created,
        modified=modified,
        keywords=tuple(rng.sample(KEYWORDS, rng.randint(0, 6))),
        theme=THEMES[sector],
        frequency=frequency,
        coverage=rng.choice(COVERAGE),
        temporal=(date(year - 1, 4, 1), date(year, 3, 31)) if rng.random() < 0.6 else None,
        landing_page=f"https://www.gov.uk/government/statistics/{_slug(title)[:80]}-{index}"
        if rng.random() < 0.8
        else "",
        contact_name=contact,
        contact_email=f"{_slug(contact)}@{_slug(org['title'])[:30]}.gov.uk",
        resources=tuple(resources),
    )


def _ckan_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")


# -- the tiny files -----------------------------------------------------------------------------


def table_rows(key: str) -> list[list[Any]]:
    """A small workforce table, the same for the same key."""
    rng = random.Random(f"table:{key}")
    header = ["Organisation", "Grade", "Sex", "Headcount", "FTE", "Median salary (£)"]
    rows: list[list[Any]] = [header]
    for _ in range(rng.randint(4, 14)):
        headcount = rng.randint(0, 400)
        rows.append(
            [
                "All staff",
                rng.choice(("SCS Pay Band 1", "SCS Pay Band 2", "Grade 6", "Grade 7", "SEO")),
                rng.choice(("Female", "Male")),
                "[c]" if headcount < 5 else headcount,
                round(headcount * rng.uniform(0.85, 1.0), 1),
                rng.randrange(40_000, 160_000, 10),
            ]
        )
    return rows


def csv_bytes(key: str) -> bytes:
    lines = [
        ",".join(f'"{v}"' if isinstance(v, str) and "," in v else str(v) for v in row)
        for row in table_rows(key)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xml(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def xlsx_bytes(key: str) -> bytes:
    """A real one-sheet workbook (inline strings), readable by calamine."""

    def cell(ref: str, value: Any) -> str:
        if isinstance(value, int | float):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{_xml(value)}</t></is></c>'

    rows = "".join(
        f'<row r="{i}">'
        + "".join(cell(f"{'ABCDEF'[j]}{i}", v) for j, v in enumerate(row))
        + "</row>"
        for i, row in enumerate(table_rows(key), start=1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
        f'org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, text in [*XLSX_PARTS.items(), ("xl/worksheets/sheet1.xml", sheet)]:
            archive.writestr(zipfile.ZipInfo(part, (2020, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


STUB_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# -- the catalogue, as CKAN and as DCAT ---------------------------------------------------------


@dataclass
class Catalogue:
    size: int
    seed: int = 42
    files: bool = True  # serve CSV/XLSX resources (profiled) or only PDF/HTML/DOCX
    page_size: int = DEFAULT_PAGE_SIZE  # DCAT datasets per page
    base_url: str = "http://127.0.0.1:0"  # set by serve() once the port is known
    served: Counter[str] = field(default_factory=Counter)  # requests answered, by kind
    server_cpu: float = 0.0  # CPU seconds the server threads spent answering
    _cache: dict[Any, tuple[int, str, bytes, dict[str, str]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @cached_property
    def records(self) -> list[Record]:
        """Every dataset, in CKAN's ``metadata_modified asc, name asc`` order."""
        orgs = publishers(self.seed)
        made = [make_record(i, self.seed, orgs, self.files) for i in range(self.size)]
        return sorted(made, key=lambda r: (r.modified, r.name))

    @cached_property
    def by_name(self) -> dict[str, Record]:
        return {r.name: r for r in self.records}

    def resource_url(self, record: Record, resource: Resource) -> str:
        ext = FORMATS[resource.format][1]
        return f"{self.base_url}/files/{record.name}/{resource.id}.{ext}"

    # -- CKAN -----------------------------------------------------------------------------------

    def package(self, record: Record) -> dict[str, Any]:
        """One dataset in CKAN's ``package_show`` shape (data.gov.uk style)."""
        org = record.publisher
        licence_id, licence_title, licence_url = record.licence
        extras = [
            {"key": "theme-primary", "value": record.theme[0]},
            {"key": "update_frequency", "value": record.frequency[0]},
            {"key": "geographic_coverage", "value": record.coverage[0]},
        ]
        if record.temporal:
            extras += [
                {"key": "temporal_coverage-from", "value": record.temporal[0].isoformat()},
                {"key": "temporal_coverage-to", "value": record.temporal[1].isoformat()},
            ]
        return {
            "id": record.id,
            "name": record.name,
            "title": record.title,
            "notes": record.notes,
            "author": None,
            "author_email": None,
            "maintainer": record.contact_name,
            "maintainer_email": record.contact_email,
            "license_id": licence_id,
            "license_title": licence_title,
            "license_url": licence_url or None,
            "isopen": licence_id != "notspecified",
            "metadata_created": _ckan_time(record.created),
            "metadata_modified": _ckan_time(record.modified),
            "num_resources": len(record.resources),
            "num_tags": len(record.keywords),
            "organization": {
                "id": org["id"],
                "name": org["name"],
                "title": org["title"],
                "type": "organization",
                "description": "",
                "image_url": "",
                "created": org["created"],
                "is_organization": True,
                "approval_status": "approved",
                "state": "active",
            },
            "owner_org": org["id"],
            "private": False,
            "state": "active",
            "type": "dataset",
            "url": record.landing_page,
            "version": None,
            "extras": extras,
            "groups": [],
            "relationships_as_object": [],
            "relationships_as_subject": [],
            "tags": [
                {
                    "display_name": keyword,
                    "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"tag:{keyword}")),
                    "name": keyword,
                    "state": "active",
                    "vocabulary_id": None,
                }
                for keyword in record.keywords
            ],
            "resources": [
                {
                    "id": res.id,
                    "package_id": record.id,
                    "name": res.name,
                    "description": res.description,
                    "format": res.format,
                    "mimetype": FORMATS[res.format][0],
                    "url": self.resource_url(record, res),
                    "size": res.size,
                    "created": _ckan_time(res.created),
                    "last_modified": _ckan_time(res.modified),
                    "metadata_modified": _ckan_time(res.modified),
                    "position": position,
                    "state": "active",
                    "url_type": None,
                    "resource_type": None,
                    "hash": "",
                    "datastore_active": False,
                }
                for position, res in enumerate(record.resources)
            ],
        }

    def package_search(self, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """``(status, answer)`` as CKAN's ``package_search`` gives it."""
        try:
            rows = min(int(params.get("rows") or 10), CKAN_MAX_ROWS)
            start = int(params.get("start") or 0)
        except ValueError:
            return 409, _ckan_error("Search Query is invalid: rows and start must be integers")
        matching = self.records
        fq = params.get("fq", "").strip()
        if fq:
            try:
                matching = [r for r in matching if _filter(fq, r)]
            except ValueError as exc:
                return 409, _ckan_error(f"Search Query is invalid: {exc}")
        words = params.get("q", "").strip().lower().split()
        if words and words != ["*:*"]:
            matching = [
                r for r in matching if all(w in f"{r.title} {r.notes}".lower() for w in words)
            ]
        sort = params.get("sort") or "score desc, metadata_modified desc"
        if sort != CKAN_SORT:
            matching = sorted(matching, key=lambda r: r.modified, reverse=True)
        result = {
            "count": len(matching),
            "facets": {},
            "results": [self.package(r) for r in matching[start : start + rows]],
            "sort": sort,
            "search_facets": {},
        }
        return 200, {"help": self._help("package_search"), "success": True, "result": result}

    def _help(self, action: str) -> str:
        return f"{self.base_url}/api/3/action/help_show?name={action}"

    # -- DCAT -----------------------------------------------------------------------------------

    @property
    def pages(self) -> int:
        return max(1, -(-self.size // self.page_size))

    def page_url(self, page: int) -> str:
        return f"{self.base_url}/catalog.ttl?page={page}"

    def turtle_page(self, page: int) -> str:
        """Page ``page`` (1-based) of the DCAT feed as Turtle, with Hydra paging."""
        first = (page - 1) * self.page_size
        chunk = self.records[first : first + self.page_size]
        out = [TURTLE_PREFIXES]
        view = [
            f"<{self.page_url(page)}> a hydra:PartialCollectionView ;",
            f"    hydra:first <{self.page_url(1)}> ;",
            f"    hydra:last <{self.page_url(self.pages)}>",
        ]
        if page > 1:
            view[-1] += f" ;\n    hydra:previous <{self.page_url(page - 1)}>"
        if page < self.pages:
            view[-1] += f" ;\n    hydra:next <{self.page_url(page + 1)}>"
        out.append("\n".join(view) + " .\n")
        datasets = ",\n        ".join(f"<{self.dataset_uri(r)}>" for r in chunk) or "()"
        out.append(
            f"<{self.base_url}/catalog> a dcat:Catalog, hydra:Collection ;\n"
            f'    dct:title "Synthetic workforce data catalogue"@en ;\n'
            f"    hydra:totalItems {self.size} ;\n"
            f"    hydra:view <{self.page_url(page)}> ;\n"
            f"    dcat:dataset {datasets} .\n"
        )
        seen_orgs: set[str] = set()
        for record in chunk:
            out.append(self._turtle_dataset(record))
            org = record.publisher
            if org["name"] not in seen_orgs:
                seen_orgs.add(org["name"])
                out.append(
                    f"<{self.org_uri(org)}> a foaf:Organization ;\n"
                    f"    foaf:name {_lit(org['title'])} .\n"
                )
        return "\n".join(out)

    def dataset_uri(self, record: Record) -> str:
        return f"{self.base_url}/dataset/{record.name}"

    def org_uri(self, org: dict[str, str]) -> str:
        return f"{self.base_url}/organization/{org['name']}"

    def _turtle_dataset(self, record: Record) -> str:
        uri = self.dataset_uri(record)
        lines = [
            f"<{uri}> a dcat:Dataset ;",
            f"    dct:identifier {_lit(record.name)} ;",
            f"    dct:title {_lit(record.title, 'en')} ;",
            f"    dct:description {_lit(record.notes, 'en')} ;",
            f"    dct:publisher <{self.org_uri(record.publisher)}> ;",
            f'    dct:issued "{record.created.isoformat()}"^^xsd:dateTime ;',
            f'    dct:modified "{record.modified.isoformat()}"^^xsd:dateTime ;',
            f"    dct:accrualPeriodicity <{EU}frequency/{record.frequency[1]}> ;",
            f"    dcat:theme <{EU}data-theme/{record.theme[1]}> ;",
            "    dct:spatial [ a dct:Location ;",
            f"        skos:prefLabel {_lit(record.coverage[1], 'en')} ] ;",
            "    dcat:contactPoint [ a vcard:Organization ;",
            f"        vcard:fn {_lit(record.contact_name)} ;",
            f"        vcard:hasEmail <mailto:{record.contact_email}> ] ;",
        ]
        if record.licence[2]:
            lines.append(f"    dct:license <{record.licence[2]}> ;")
        if record.landing_page:
            lines.append(f"    dcat:landingPage <{record.landing_page}> ;")
        if record.keywords:
            keywords = ", ".join(_lit(k, "en") for k in record.keywords)
            lines.append(f"    dcat:keyword {keywords} ;")
        if record.temporal:
            lines.append(
                "    dct:temporal [ a dct:PeriodOfTime ;\n"
                f'        dcat:startDate "{record.temporal[0].isoformat()}"^^xsd:date ;\n'
                f'        dcat:endDate "{record.temporal[1].isoformat()}"^^xsd:date ] ;'
            )
        dists = ", ".join(f"<{uri}/resource/{r.id}>" for r in record.resources)
        lines.append(f"    dcat:distribution {dists} .")
        for res in record.resources:
            media, _, eu_type = FORMATS[res.format]
            url = self.resource_url(record, res)
            lines += [
                f"<{uri}/resource/{res.id}> a dcat:Distribution ;",
                f"    dct:title {_lit(res.name, 'en')} ;",
            ]
            if res.description:
                lines.append(f"    dct:description {_lit(res.description, 'en')} ;")
            lines += [
                f"    dcat:accessURL <{url}> ;",
                f"    dcat:downloadURL <{url}> ;",
                f"    dcat:mediaType <http://www.iana.org/assignments/media-types/{media}> ;",
                f"    dct:format <{EU}file-type/{eu_type}> ;",
                f'    dcat:byteSize "{res.size}"^^xsd:nonNegativeInteger ;',
                f'    dct:modified "{res.modified.isoformat()}"^^xsd:dateTime .',
            ]
        return "\n".join(lines) + "\n"

    # -- answers --------------------------------------------------------------------------------

    def answer(self, target: str) -> tuple[int, str, bytes, dict[str, str]]:
        """``(status, content type, body, extra headers)`` for a request target; kept."""
        parts = urlsplit(target)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        key = (parts.path, tuple(sorted(params.items())))
        with self._lock:
            found = self._cache.get(key)
            self.served[_kind_of(parts.path)] += 1
        if found is None:
            found = self._render(parts.path, params)
            with self._lock:
                self._cache[key] = found
        return found

    def add_server_time(self, seconds: float) -> None:
        with self._lock:
            self.server_cpu += seconds

    def reset_counters(self) -> None:
        with self._lock:
            self.served.clear()
            self.server_cpu = 0.0

    def warm(self, ckan_rows: int = 100) -> None:
        """Render ahead what a full harvest asks for (CKAN pages of ``ckan_rows``, every DCAT
        page, every file), so timed runs only send bytes."""
        for start in range(0, max(self.size, 1), ckan_rows):
            self.answer(self.search_target(start, ckan_rows))
        for page in range(1, self.pages + 1):
            self.answer(f"/catalog.ttl?page={page}")
        for record in self.records:
            for res in record.resources:
                self.answer(urlsplit(self.resource_url(record, res)).path)
        self.reset_counters()

    @staticmethod
    def search_target(start: int, rows: int) -> str:
        """The request target the CKAN harvester sends for one page (full, non-incremental)."""
        return f"/api/3/action/package_search?rows={rows}&start={start}&sort={quote(CKAN_SORT)}"

    def _render(self, path: str, params: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        json_type = "application/json;charset=utf-8"
        if path == "/api/3/action/package_search":
            status, answer = self.package_search(params)
            return status, json_type, _json(answer), {}
        if path == "/api/3/action/package_show":
            record = self.by_name.get(params.get("id", "")) or next(
                (r for r in self.records if r.id == params.get("id")), None
            )
            if record is None:
                return 404, json_type, _json(_ckan_error("Not found", "Not Found Error")), {}
            answer = {
                "help": self._help("package_show"),
                "success": True,
                "result": self.package(record),
            }
            return 200, json_type, _json(answer), {}
        if path in ("/catalog.ttl", "/catalog"):
            page = params.get("page", "1")
            if not page.isdigit() or not 1 <= int(page) <= self.pages:
                return 404, "text/plain", b"no such page", {}
            body = self.turtle_page(int(page)).encode("utf-8")
            return 200, "text/turtle; charset=utf-8", body, {}
        if path.startswith("/files/"):
            return self._file(path)
        return 404, "text/plain", b"not found", {}

    def _file(self, path: str) -> tuple[int, str, bytes, dict[str, str]]:
        _, _, name, leaf = path.split("/", 3) if path.count("/") == 3 else ("", "", "", "")
        record = self.by_name.get(name)
        rid, _, ext = leaf.partition(".")
        res = next((r for r in record.resources if r.id == rid), None) if record else None
        if res is None or FORMATS[res.format][1] != ext:
            return 404, "text/plain", b"not found", {}
        body = {"csv": csv_bytes, "xlsx": xlsx_bytes}.get(ext, lambda _: STUB_PDF)(path)
        headers = {
            "ETag": '"' + hashlib.md5(body).hexdigest() + '"',  # as S3 does
            "Last-Modified": format_datetime(res.modified.replace(tzinfo=UTC), usegmt=True),
        }
        return 200, FORMATS[res.format][0], body, headers


def _kind_of(path: str) -> str:
    if path.startswith("/api/"):
        return "ckan"
    if path.startswith("/catalog"):
        return "dcat"
    return "files" if path.startswith("/files/") else "other"


EU = "http://publications.europa.eu/resource/authority/"
TURTLE_PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _lit(text: str, lang: str | None = None) -> str:
    return f'"{text.translate(_TURTLE_ESCAPES)}"' + (f"@{lang}" if lang else "")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _ckan_error(message: str, kind: str = "Validation Error") -> dict[str, Any]:
    return {"help": "", "success": False, "error": {"__type": kind, "message": message}}


_SINCE = re.compile(r"metadata_modified:\[(\S+) TO \*\]")
_ORG = re.compile(r"organization:(\S+)")


def _filter(fq: str, record: Record) -> bool:
    """The two ``fq`` clauses this server knows, ANDed; anything else is refused."""
    rest = _ORG.sub("", _SINCE.sub("", fq)).replace("AND", "").replace("(", "").replace(")", "")
    if rest.strip():
        raise ValueError(f"unsupported fq {fq!r}")
    if since := _SINCE.search(fq):
        moment = datetime.fromisoformat(since.group(1).replace("Z", ""))
        if record.modified < moment:
            return False
    if org := _ORG.search(fq):
        return record.publisher["name"] == org.group(1)
    return True


# -- the server ---------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection serves a whole harvest
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stall between headers and body
    catalogue: Catalogue

    def handle_one_request(self) -> None:
        # The server's own CPU time (parsing the request, sending the answer; not the idle
        # wait for the next request), so a benchmark can tell it from the harvest's.
        started = time.thread_time()
        try:
            super().handle_one_request()
        finally:
            self.catalogue.add_server_time(time.thread_time() - started)

    def do_GET(self) -> None:
        status, content_type, body, headers = self.catalogue.answer(self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: Any) -> None:  # quiet
        return


@contextmanager
def serve(catalogue: Catalogue, port: int = 0) -> Iterator[str]:
    """Serve ``catalogue`` on 127.0.0.1 (a free port unless given) in a daemon thread; yields
    the base URL and stops the server (and its thread) on exit."""
    handler = type("Handler", (_Handler,), {"catalogue": catalogue})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    catalogue.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    catalogue._cache.clear()
    thread = threading.Thread(target=server.serve_forever, name="bench-harvest-server", daemon=True)
    thread.start()
    try:
        yield catalogue.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

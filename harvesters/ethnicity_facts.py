"""Ethnicity facts and figures (EFF): the workforce measures of the Race Disparity Unit.

Each configured measure is a page ``{site}/{topic}/{subtopic}/{measure}/{version}`` (research
S11, 2.7.4; ``version`` may be ``latest``). The page carries its title in ``<h1>``, a
description in ``<meta property="description">`` (and ``og:description``), the "Main facts and
figures" bullets, one ``<h2>`` per dimension ("By ethnicity and area" ...), the licence in
schema.org markup, and CSV links: the published site serves every file under
``.../{version}/downloads/{file}`` (dimension data as ``{dimension-slug}.csv``, the same as a
table as ``...-table.csv``, uploaded source data under its own name); the CMS serves dimension
data at ``.../dimension/{guid}/download`` and ``.../tabular-download``. Uploaded files are
written in windows-1252 (``Fetched.text()`` falls back to cp1252).

``gather`` GETs each measure page once (measures listed twice, whatever the version, are
yielded once; the guid is the path without its version) and, when the page links a CSV, GETs
the first one, bounded by ``csv_max_bytes``, keeping its first lines only: the description lists
its columns; the run loop profiles every CSV distribution itself. A CSV that cannot be read is
noted in the payload and does not stop the measure. A measure page answering 404 / 410 or not
HTML becomes a failed item (a wrong slug must not stop the other measures); any other fetch
error stops the run.

``transform`` (pure) reads the page with :mod:`html.parser`. Coverage declared: ethnicity (every
EFF measure is by ethnicity), the attributes named by dimension titles ("By ethnicity and
gender" -> sex), and the configured ``sector`` and ``grade``, which stand for the publisher's own
statement of whom the measure describes. The publisher is the Cabinet Office (Race Disparity
Unit).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

import vocab
from harvesters.base import BadPayload, BadStatus, FetchError, Harvester, Records, RemoteItem
from harvesters.errors import TransformError
from harvesters.http import Fetched
from schemas import CoverageCreate, DatasetCreate, DistributionCreate, OrganisationCreate
from schemas.common import GradeRef, Granularity, SectorRef

SITE = "https://www.ethnicity-facts-figures.service.gov.uk"
KEYWORDS = ("Ethnicity facts and figures", "Race Disparity Unit", "ethnicity", "workforce")
# h2 headings of every measure page that are not dimensions (compared lower-case).
FIXED_SECTIONS = {
    "main facts and figures",
    "things you need to know",
    "data sources",
    "download the data",
    "related content",
    "summary",
}
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CSV_LINES = 50  # lines of the first CSV kept in the payload


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str  # topic/subtopic/measure[/version], relative to the site
    sector: SectorRef
    grade: GradeRef | None = None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        value = value.strip().removeprefix(SITE).strip("/")
        parts = value.split("/")
        if not 3 <= len(parts) <= 4 or not all(_SEGMENT.match(p) for p in parts):
            raise ValueError("a measure path is topic/subtopic/measure[/version]")
        return "/".join(parts if len(parts) == 4 else [*parts, "latest"])

    @property
    def key(self) -> str:
        """The measure without its version: the item's guid."""
        return self.path.rsplit("/", 1)[0]


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measures: list[Measure] = Field(min_length=1)
    page_max_bytes: int = Field(default=5_000_000, ge=1)
    csv_max_bytes: int = Field(default=5_000_000, ge=1)


@dataclass
class Page:
    """What a measure page says, as read by :class:`PageParser`."""

    title: str = ""  # the <h1>
    head_title: str = ""  # the <title>
    description: str = ""
    summary: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)  # h2 headings, numbering removed
    published: str | None = None
    licence_url: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # <dt>: <dd> pairs, first kept
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)


class PageParser(HTMLParser):
    """Collects :class:`Page` fields; tolerant of unclosed tags."""

    CAPTURED = ("title", "h1", "h2", "li", "a", "dt", "dd")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: dict[str, list[str]] = {}
        self._href: str | None = None
        self._summary_depth = 0  # > 0 inside the "Main facts and figures" bullets
        self._last_dt: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "div" and (self._summary_depth or "eff-summary" in a.get("class", "")):
            self._summary_depth += 1
        if tag in self.CAPTURED:
            self._open[tag] = []
            if tag == "a":
                self._href = a.get("href")
        elif tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop")
            content = " ".join(a.get("content", "").split())
            if key in ("description", "og:description") and content:
                self.page.description = self.page.description or content
            if a.get("itemprop") == "url" and "open-government-licence" in content:
                self.page.licence_url = content
        elif tag == "time" and a.get("itemprop") == "datePublished":
            self.page.published = self.page.published or a.get("datetime")

    def handle_data(self, data: str) -> None:
        for parts in self._open.values():
            parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._summary_depth:
            self._summary_depth -= 1
        if tag not in self._open:
            return
        text = " ".join("".join(self._open.pop(tag)).split())
        page = self.page
        if tag == "title":
            page.head_title = page.head_title or text
        elif tag == "h1":
            page.title = page.title or text
        elif tag == "h2" and text:
            page.sections.append(re.sub(r"^\d+\.\s*", "", text))
        elif tag == "li" and self._summary_depth and text:
            page.summary.append(text)
        elif tag == "a" and self._href:
            page.links.append((self._href, text))
        elif tag == "dt":
            self._last_dt = text.rstrip(":")
        elif tag == "dd" and self._last_dt:
            page.metadata.setdefault(self._last_dt, text)


def parse_page(html: str) -> Page:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def csv_links(page_url: str, page: Page) -> dict[str, str]:
    """CSV data files linked from a measure page, URL -> link text (tables as CSV left out)."""
    found: dict[str, str] = {}
    for href, text in page.links:
        url = urljoin(page_url, href.strip())
        parts = urlsplit(url)
        if parts.netloc != urlsplit(page_url).netloc:  # the site's own files only
            continue
        data = re.search(r"/downloads/[^/]+\.csv$", parts.path) and not parts.path.endswith(
            "-table.csv"
        )
        if data or re.search(r"/dimension/[^/]+/download$", parts.path):
            found.setdefault(url.split("#")[0], text or parts.path.rsplit("/", 1)[-1])
    return found


def _csv_text(fetched: Fetched) -> str:
    """The CSV as text, or :class:`BadPayload` when a web page came instead."""
    head = fetched.content[:512].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if "html" in fetched.content_type or head.startswith((b"<!doctype", b"<html", b"<")):
        kind = fetched.content_type or "no type"
        raise BadPayload(fetched.url, f"expected a CSV file, got a web page ({kind})")
    return fetched.text()


def _html_text(fetched: Fetched) -> str:
    head = fetched.content[:512].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if "html" not in fetched.content_type and not head.startswith((b"<!doctype", b"<html")):
        kind = fetched.content_type or "no type"
        raise BadPayload(fetched.url, f"expected the measure's web page, got {kind}")
    return fetched.text()


class EthnicityFactsHarvester(Harvester):
    kind = "ethnicity-facts"
    Options = Options

    def gather(self) -> Iterator[RemoteItem]:
        options: Options = self.options  # type: ignore[assignment]
        seen: set[str] = set()
        for measure in options.measures:
            if measure.key in seen:
                continue
            seen.add(measure.key)
            url = self.measure_url(measure.path)
            config = {"url": url, "sector": measure.sector, "grade": measure.grade}
            try:
                fetched = self.http.get(url, conditional=True, max_bytes=options.page_max_bytes)
                if fetched.not_modified:
                    yield RemoteItem(guid=measure.key, url=url, not_modified=True)
                    continue
                html = _html_text(fetched)
            except (BadStatus, BadPayload) as exc:
                if isinstance(exc, BadStatus) and exc.status not in (404, 410):
                    raise
                yield RemoteItem(guid=measure.key, url=url, payload={**config, "error": str(exc)})
                continue
            payload: dict[str, Any] = {**config, "html": html}
            links = csv_links(url, parse_page(html))
            if links:
                payload.update(self._first_csv(next(iter(links))))
            yield RemoteItem(guid=measure.key, url=url, payload=payload)

    def measure_url(self, path: str) -> str:
        base = (self.source.url or SITE).rstrip("/")
        return f"{base}/{path}"

    def _first_csv(self, url: str) -> dict[str, Any]:
        max_bytes = self.options.csv_max_bytes  # type: ignore[attr-defined]
        try:
            text = _csv_text(self.http.get(url, max_bytes=max_bytes))
        except FetchError as exc:  # the page stands without it
            return {"csv_url": url, "csv_error": str(exc)}
        head = "".join(text.removeprefix("\ufeff").splitlines(keepends=True)[:_CSV_LINES])
        return {"csv_url": url, "csv": head}

    # -- transform ---------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        p = item.payload
        if not isinstance(p, dict):
            raise TransformError(f"{item.guid}: the payload is not a measure page")
        if p.get("error"):
            raise TransformError(f"measure page not read: {p['error']}")
        url, html, sector, grade = (p.get(k) for k in ("url", "html", "sector", "grade"))
        if not all(isinstance(v, str) for v in (url, html, sector)):
            raise TransformError(f"{item.guid}: a measure item needs 'url', 'html' and 'sector'")
        page = parse_page(html)
        title = page.title or page.head_title.split(" - GOV.UK")[0].strip()
        if not title:
            raise TransformError(f"{url}: no <h1> title (not a measure page?)")
        dimensions = [s for s in page.sections if s.lower() not in FIXED_SECTIONS]
        links = csv_links(url, page)
        return Records(
            datasets=[
                DatasetCreate(
                    id="eff-" + "-".join(item.guid.split("/")[1:]),
                    title=title,
                    description=_description(page, dimensions, p, sector, grade),
                    publisher=OrganisationCreate(id="cabinet-office", name="Cabinet Office"),
                    landing_page=url,
                    licence=_licence(page.licence_url),
                    issued=_date(page.published),
                    spatial=_places(page.metadata.get("Location", "")),
                    keywords=[*KEYWORDS, _label("sector", sector)],
                    themes=["soci", "gove"],
                    granularity=(
                        Granularity.aggregate_by_grade
                        if grade and grade != "workforce"
                        else Granularity.workforce
                    ),
                    source_record=url,
                    distributions=[
                        DistributionCreate(
                            title=text[:500],
                            access_url=link,
                            download_url=link,
                            media_type="text/csv",
                            format="csv",
                        )
                        for link, text in links.items()
                    ],
                    coverage=_coverage(title, dimensions, sector, grade),
                )
            ]
        )


def _description(
    page: Page, dimensions: list[str], payload: dict[str, Any], sector: str, grade: str | None
) -> str:
    parts = [page.description] if page.description else []
    if page.summary:
        parts.append("Main facts and figures: " + " ".join(page.summary))
    about = f"An Ethnicity facts and figures measure about {_label('sector', sector).lower()}"
    if grade:
        about += f", including {_label('grade', grade).lower()}"
    parts.append(about + ", published by the Cabinet Office's Race Disparity Unit.")
    if dimensions:
        parts.append("Data: " + "; ".join(dimensions) + ".")
    columns = _columns(payload.get("csv"))
    if columns:
        name = str(payload.get("csv_url", "")).rsplit("/", 1)[-1]
        parts.append(f"The data file {name} has the columns {', '.join(columns)}.")
    return " ".join(parts)[:20_000]


def _columns(text: Any) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        return []
    row = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))), [])
    return [c.strip().lstrip("\ufeff") for c in row if c.strip()]


def _coverage(
    title: str, dimensions: list[str], sector: str, grade: str | None
) -> list[CoverageCreate]:
    found = [
        CoverageCreate(scheme="attribute", concept="ethnicity", note=f"{title}: by ethnicity"),
        CoverageCreate(scheme="sector", concept=sector, note=f"configured for '{title}'"),
    ]
    if grade:
        found.append(CoverageCreate(scheme="grade", concept=grade, note=f"configured: '{title}'"))
    named = {"ethnicity"}
    for heading in dimensions:
        for concept in vocab.find("attribute", heading):
            if concept.notation not in named:
                named.add(concept.notation)
                note = f"section '{heading}'"
                found.append(
                    CoverageCreate(scheme="attribute", concept=concept.notation, note=note)
                )
    return found


def _label(scheme: str, notation: str) -> str:
    concept = vocab.load(scheme).get(notation)
    return concept.pref_label if concept else notation


def _licence(url: str | None) -> str | None:
    found = re.search(r"open-government-licence/version/(\d)", url or "")
    notation = f"ogl-{found.group(1)}" if found else None
    return notation if notation and notation in vocab.load("licence") else None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def _places(text: str) -> list[str]:
    return [p.strip() for p in re.split(r",| and ", text) if p.strip()]

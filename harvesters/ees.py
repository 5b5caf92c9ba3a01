"""Explore Education Statistics (DfE): the data sets of one publication (kind ``ees``).

The source URL is the base of the EES public data API, ``https://api.education.gov.uk/statistics/``
(the live base on DfE's API catalogue; research note sources.md 2.5, verified against the API's
own code, ``dfe-analytical-services/explore-education-statistics``,
``src/GovUk.Education.ExploreEducationStatistics.Public.Data.Api`` @ eefd0b68c925). Paths used:

* ``GET v1/publications?search=&page=&pageSize=`` (``search`` at least 3 characters, ``pageSize``
  1-40): ``{results: [{id, title, slug, summary, lastPublished}], paging: {page, pageSize,
  totalResults, totalPages}}``. Only publications with data sets in the API are listed.
* ``GET v1/publications/{publicationId}`` (used instead of the search when ``publication_id`` is
  set) and ``GET v1/publications/{publicationId}/data-sets?page=&pageSize=`` (``pageSize``
  1-20): ``results`` of ``{id, title, summary, status (Published|Deprecated|Withdrawn),
  supersedingDataSetId, latestVersion: {version, published, totalResults, file: {id},
  timePeriods: {start, end}, geographicLevels, filters, indicators}}``.
* Not requested but named in records: ``v1/data-sets/{id}`` (summary), ``/meta``, ``/query`` and
  ``/csv`` (an older specification called the last ``/file``).

Only data sets that meet the API data standards are in the API; a publication's other files are
downloads on its release pages and are not harvested here. ``gather`` yields one item per data
set (guid = data set id), skipping withdrawn ones; ``transform`` makes a dataset published by the
Department for Education under the OGL v3, with the CSV download and the API as distributions and
the human time-period labels ("2010/11", "2023-24", "2024 January") as the temporal coverage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harvesters.base import BadPayload, FetchError, Harvester, Records, RemoteItem, TransformError
from harvesters.html_text import parse_datetime, plain_text
from schemas import DatasetCreate, DistributionCreate, OrganisationCreate

SITE = "https://explore-education-statistics.service.gov.uk"
DATA_SET_PAGE_SIZE = 20  # the API's maximum
SEARCH_PAGE_SIZE = 40  # the API's maximum
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_LABEL = re.compile(r"^(\d{4})(?:([/-])(\d{2}|\d{4}))?(?:\s+(.+))?$")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
DFE = OrganisationCreate(
    id="department-for-education",
    name="Department for Education",
    abbreviation="DfE",
    organisation_type="ministerial_department",
    sectors=["civil-service"],
    homepage="https://www.gov.uk/government/organisations/department-for-education",
    identifiers={"govuk": "department-for-education", "analytics": "D6"},
)


class ExploreEducationStatisticsHarvester(Harvester):
    kind = "ees"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        publication_slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,119}$")
        # The publication's id, to skip the search; and the search words (default: the slug's).
        publication_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{1,64}$")
        search: str | None = Field(default=None, min_length=3, max_length=100)
        max_items: int = Field(default=500, ge=1, le=10_000)
        max_pages: int = Field(default=50, ge=1, le=500)  # a loop guard for each listing

    @property
    def base(self) -> str:
        return self.source.url.rstrip("/") + "/"

    # -- gather -------------------------------------------------------------------------------

    def gather(self) -> Iterator[RemoteItem]:
        publication = self._publication()
        url = f"{self.base}v1/publications/{publication['id']}/data-sets"
        seen: set[str] = set()
        yielded = 0
        for results in self._pages(url, {"pageSize": DATA_SET_PAGE_SIZE}):
            for data_set in results:
                guid = data_set.get("id") if isinstance(data_set, dict) else None
                if not isinstance(guid, str) or not _ID.match(guid) or guid in seen:
                    continue
                seen.add(guid)
                if data_set.get("status") == "Withdrawn":
                    continue  # "can no longer be used": the run loop withdraws it
                latest = data_set.get("latestVersion")
                published = latest.get("published") if isinstance(latest, dict) else None
                yield RemoteItem(
                    guid=guid,
                    payload={"publication": publication, "data_set": data_set},
                    url=f"{self.base}v1/data-sets/{guid}",
                    modified=parse_datetime(published if isinstance(published, str) else ""),
                )
                yielded += 1
                if yielded >= self.options.max_items:
                    return

    def _publication(self) -> dict[str, Any]:
        slug = self.options.publication_slug
        if self.options.publication_id:
            url = f"{self.base}v1/publications/{self.options.publication_id}"
            found = self.http.json(url)
            if not isinstance(found, dict) or not isinstance(found.get("id"), str):
                raise BadPayload(url, "expected a publication object with an id")
            return _publication_fields(found)
        url = f"{self.base}v1/publications"
        words = self.options.search or slug.replace("-", " ")
        for results in self._pages(url, {"search": words, "pageSize": SEARCH_PAGE_SIZE}):
            for found in results:
                if isinstance(found, dict) and found.get("slug") == slug:
                    if not isinstance(found.get("id"), str) or not _ID.match(found["id"]):
                        raise BadPayload(url, f"publication {slug!r} has no usable id")
                    return _publication_fields(found)
        raise FetchError(
            url,
            f"no publication {slug!r} found by searching {words!r}: only publications with "
            "data sets in the API are listed",
        )

    def _pages(self, url: str, params: dict[str, Any]) -> Iterator[list[Any]]:
        """Each page's ``results``, following ``paging`` up to ``max_pages``."""
        page = 1
        while page <= self.options.max_pages:
            data = self.http.json(url, params={**params, "page": page})
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise BadPayload(url, "expected an object with a results list")
            yield data["results"]
            paging = data.get("paging") if isinstance(data.get("paging"), dict) else {}
            total = paging.get("totalPages")
            if not data["results"] or not isinstance(total, int) or page >= total:
                return
            page += 1

    # -- transform ----------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        payload = item.payload if isinstance(item.payload, dict) else {}
        data_set, publication = payload.get("data_set"), payload.get("publication")
        if not isinstance(data_set, dict) or not isinstance(publication, dict):
            raise TransformError(f"{item.guid}: expected {{publication, data_set}} objects")
        guid = data_set.get("id")
        title = plain_text(data_set.get("title") or "", limit=300)
        if not isinstance(guid, str) or not _ID.match(guid) or not title:
            raise TransformError(f"{item.guid}: the data set has no usable id or title")
        slug = publication.get("slug")
        if not isinstance(slug, str) or not re.match(r"^[a-z0-9][a-z0-9-]{1,119}$", slug):
            slug = self.options.publication_slug
        latest = data_set.get("latestVersion")
        latest = latest if isinstance(latest, dict) else {}
        periods = latest.get("timePeriods") if isinstance(latest.get("timePeriods"), dict) else {}
        start = period_bounds(periods.get("start"))[0]
        end = period_bounds(periods.get("end"))[1]
        if start and end and end < start:
            start = end = None
        publication_title = plain_text(publication.get("title") or "", limit=200)
        api_url = f"{self.base}v1/data-sets/{guid}"
        version = plain_text(latest.get("version") or "", limit=20)
        return Records(
            datasets=[
                DatasetCreate(
                    id=f"ees-{slug}-{guid.lower()}",
                    title=f"{publication_title}: {title}" if publication_title else title,
                    description=_description(data_set, latest, publication_title),
                    publisher=DFE,
                    landing_page=f"{SITE}/find-statistics/{slug}",
                    licence="ogl-3",
                    modified=parse_datetime(str(latest.get("published") or "")),
                    temporal_start=start,
                    temporal_end=end,
                    keywords=[k for k in (publication_title, "Explore Education Statistics") if k],
                    other_identifiers=[guid],
                    source_record=api_url,
                    distributions=[
                        DistributionCreate(
                            title=f"{title} (CSV{', version ' + version if version else ''})",
                            access_url=f"{api_url}/csv",
                            download_url=f"{api_url}/csv",
                            media_type="text/csv",
                            format="csv",
                        ),
                        DistributionCreate(
                            title="Explore Education Statistics API",
                            description=(
                                "The data set's summary; add /meta for its filters, indicators,"
                                " locations and time periods and /query to select data."
                            ),
                            access_url=api_url,
                            media_type="application/json",
                            format="api",
                        ),
                    ],
                )
            ]
        )


def _publication_fields(found: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "title", "slug", "summary", "lastPublished")
    return {key: found.get(key) for key in keys if found.get(key) is not None}


def _description(data_set: dict[str, Any], latest: dict[str, Any], publication: str) -> str:
    def listed(key: str) -> str:
        values = latest.get(key) if isinstance(latest.get(key), list) else []
        return ", ".join(filter(None, (plain_text(v, limit=100) for v in values[:40])))

    periods = latest.get("timePeriods") if isinstance(latest.get("timePeriods"), dict) else {}
    start = plain_text(periods.get("start") or "", limit=40)
    end = plain_text(periods.get("end") or "", limit=40)
    parts = [plain_text(data_set.get("summary") or "", limit=4000)]
    if publication:
        parts.append(f"A data set of the publication {publication} (Explore Education Statistics).")
    if data_set.get("status") == "Deprecated":
        successor = plain_text(data_set.get("supersedingDataSetId") or "", limit=64)
        parts.append(
            "Deprecated: no longer updated"
            + (f"; superseded by data set {successor}." if successor else ".")
        )
    if start:
        same = not end or end == start
        parts.append(f"Time period: {start}." if same else f"Time periods: {start} to {end}.")
    # Geographic levels stay out: "Local authority" would read as the local-government sector.
    for key, label in (("filters", "Filters"), ("indicators", "Indicators")):
        if text := listed(key):
            parts.append(f"{label}: {text}.")
    return " ".join(filter(None, parts))[:20_000]


def period_bounds(label: Any) -> tuple[date | None, date | None]:
    """First and last day of an EES time-period label: "2023/24" (academic year, September to
    August), "2023-24" (financial year, April to March), "2024" (calendar year), "2024 January",
    "2024 Q2". Terms, weeks and other parts of a year fall back to the whole year they are in."""
    found = _LABEL.match(label.strip()) if isinstance(label, str) else None
    if not found:
        return None, None
    year, separator, rest = int(found[1]), found[2], (found[4] or "").strip().lower()
    if separator == "/":
        return date(year, 9, 1), date(year + 1, 8, 31)
    if separator == "-":
        return date(year, 4, 1), date(year + 1, 3, 31)
    if rest in _MONTHS:
        month = _MONTHS[rest]
        following = date(year + month // 12, month % 12 + 1, 1)
        return date(year, month, 1), date.fromordinal(following.toordinal() - 1)
    if rest in ("q1", "q2", "q3", "q4"):
        quarter = int(rest[1])
        last_month = quarter * 3
        following = date(year + last_month // 12, last_month % 12 + 1, 1)
        return date(year, last_month - 2, 1), date.fromordinal(following.toordinal() - 1)
    return date(year, 1, 1), date(year, 12, 31)

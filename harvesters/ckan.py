"""CKAN Action API harvester (kind ``ckan``), e.g. data.gov.uk's catalogue.

``gather`` pages through ``{url}package_search`` with ``q``, ``fq``, ``rows`` and ``start`` in a
stable order (``metadata_modified asc, name asc``) until ``start`` reaches the ``count`` CKAN
reports; a package seen again on a later page (pages shift while a catalogue changes) is
yielded once. When the last successful run is known and ``incremental`` is on, only packages
modified since are asked for: ``fq`` gains ``metadata_modified:[<since>Z TO *]``. An answer
with ``"success": false`` stops the run with CKAN's own error message.

``transform`` maps one package dict (the ``package_show`` shape, data.gov.uk's extras promoted
to top-level keys or kept in ``extras``) to a :class:`DatasetCreate` with id ``ckan-<name>``:
the organization as publisher, licence / frequency / themes through the vocabularies,
resources with a usable URL as distributions.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

import vocab
from harvesters.base import Harvester, Records, RemoteItem, TransformError
from harvesters.errors import BadPayload, FetchError
from schemas import (
    ContactPointCreate,
    DatasetCreate,
    DistributionCreate,
    OrganisationCreate,
    describe_errors,
)

SORT = "metadata_modified asc, name asc"
SKEW = timedelta(hours=1)
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")
_DOUBLED_SCHEME = re.compile(r"^https?://(?=https?://)", re.I)
_NOT_A_FILE = frozenset({"html", "api"})


class CkanHarvester(Harvester):
    kind = "ckan"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        q: str = Field(default="", description="Solr query; empty means every package")
        fq: str = Field(default="", description="Solr filter, e.g. organization:cabinet-office")
        rows: int = Field(default=100, ge=1, le=1000, description="page size")
        max_pages: int = Field(default=1000, ge=1, description="loop guard")
        max_items: int | None = Field(default=None, ge=1)
        incremental: bool = Field(
            default=True, description="ask only for packages modified since the last good run"
        )
        dataset_url: str | None = Field(
            default=None,
            description="record URL template with {id} and {name}; default: package_show",
        )

    options: Options

    # -- gather -----------------------------------------------------------------------------

    @property
    def incremental(self) -> bool:
        """Whether this run lists only packages modified since the last good run."""
        return self.source.since is not None and self.options.incremental

    def listed_everything(self) -> bool:
        return not self.incremental

    def gather(self) -> Iterator[RemoteItem]:
        search = self._action("package_search")
        seen: set[str] = set()
        start, pages = 0, 0
        while True:
            if pages >= self.options.max_pages:
                raise FetchError(
                    search, f"more than max_pages={self.options.max_pages} pages; raise the option"
                )
            pages += 1
            count, packages = self._page(search, start)
            for package in packages:
                item = self._item(package)
                if item is None or item.guid in seen:
                    continue
                seen.add(item.guid)
                yield item
                if self.options.max_items and len(seen) >= self.options.max_items:
                    return
            start += self.options.rows
            if not packages or start >= count:
                return

    def search_params(self, start: int) -> dict[str, str | int]:
        """The query string of one ``package_search`` page."""
        params: dict[str, str | int] = {"rows": self.options.rows, "start": start, "sort": SORT}
        if self.options.q.strip():
            params["q"] = self.options.q.strip()
        filters = self.options.fq.strip()
        if self.incremental:
            # An hour's margin for clock skew, as ckanext-harvest's CKAN harvester allows.
            since = (_utc(self.source.since) - SKEW).strftime("%Y-%m-%dT%H:%M:%SZ")
            window = f"metadata_modified:[{since} TO *]"
            filters = f"({filters}) AND {window}" if filters else window
        if filters:
            params["fq"] = filters
        return params

    def _page(self, search: str, start: int) -> tuple[int, list[Any]]:
        answer = self.http.get(search, params=self.search_params(start)).json()
        if not isinstance(answer, dict):
            raise BadPayload(search, "expected a CKAN answer object")
        if answer.get("success") is not True:
            raise BadPayload(search, f"CKAN refused the search: {_ckan_error(answer)}")
        result = answer.get("result")
        if not isinstance(result, dict):
            raise BadPayload(search, "the CKAN answer has no result")
        count, packages = result.get("count"), result.get("results")
        if not isinstance(count, int) or not isinstance(packages, list):
            raise BadPayload(search, "the CKAN result lacks count and results")
        return count, packages

    def _item(self, package: Any) -> RemoteItem | None:
        if not isinstance(package, dict):
            return None
        guid = str(package.get("id") or package.get("name") or "").strip()
        if not guid:
            return None
        return RemoteItem(
            guid=guid,
            payload=package,
            url=self.record_url(package),
            modified=_datetime(package.get("metadata_modified")),
        )

    def record_url(self, package: dict[str, Any]) -> str:
        template, pid, name = self.options.dataset_url, package.get("id"), package.get("name")
        if template and pid and name:
            return template.format(id=pid, name=name)
        return f"{self._action('package_show')}?id={name or pid}"

    def _action(self, name: str) -> str:
        return self.source.url.rstrip("/") + "/" + name

    # -- transform --------------------------------------------------------------------------

    def transform(self, item: RemoteItem) -> Records:
        package = item.payload
        if not isinstance(package, dict):
            raise TransformError(f"{item.guid}: the payload is not a CKAN package object")
        try:
            return Records(datasets=[to_dataset(package, source_record=item.url)])
        except ValidationError as exc:
            raise TransformError(f"{item.guid}: " + "; ".join(describe_errors(exc))) from None


def _ckan_error(answer: dict[str, Any]) -> str:
    error = answer.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("__type") or ""
        details = {k: v for k, v in error.items() if k not in ("message", "__type")}
        text = f"{message} {json.dumps(details, ensure_ascii=False)}" if details else message
        return " ".join(str(text).split())[:300] or "no message"
    return str(error)[:300] if error else "success is not true"


def to_dataset(package: dict[str, Any], *, source_record: str | None = None) -> DatasetCreate:
    """One CKAN package as a registry dataset (pure)."""
    name = package.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TransformError("the CKAN package has no name")
    extras = _extras(package)
    title = str(package.get("title") or name).strip()
    start = _date(extras.get("temporal_coverage-from"))
    end = _date(extras.get("temporal_coverage-to"))
    if start and end and end < start:
        start = end = None
    themes = [extras.get("theme-primary"), *_listed(extras.get("theme-secondary"))]
    return DatasetCreate(
        id=_bounded("ckan-" + name.strip().lower()),
        title=title[:500],
        description=plain_text(package.get("notes"))[:20_000],
        publisher=_publisher(package.get("organization")),
        contact_point=_contact(extras),
        landing_page=http_url(package.get("url")),
        licence=_licence(package),
        accrual_periodicity=_notation("frequency", extras.get("update_frequency")),
        issued=_date(package.get("metadata_created")),
        modified=_datetime(package.get("metadata_modified")),
        temporal_start=start,
        temporal_end=end,
        spatial=_spatial(extras.get("geographic_coverage")),
        keywords=_keywords(package.get("tags")),
        themes=sorted({t for t in (_notation("theme", x) for x in themes) if t}),
        other_identifiers=[str(package["id"])] if package.get("id") else [],
        source_record=(source_record or "")[:2000] or None,
        distributions=_distributions(package.get("resources")),
    )


def _extras(package: dict[str, Any]) -> dict[str, Any]:
    """``extras`` key/value pairs, overridden by the same keys promoted to the top level."""
    found: dict[str, Any] = {}
    for pair in package.get("extras") or []:
        if isinstance(pair, dict) and isinstance(pair.get("key"), str):
            found[pair["key"]] = pair.get("value")
    found.update({k: v for k, v in package.items() if v not in (None, "", [])})
    return found


def _listed(value: Any) -> list[Any]:
    if isinstance(value, str) and value.startswith("["):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return []
    return value if isinstance(value, list) else [value]


def _publisher(organization: Any) -> OrganisationCreate | None:
    if not isinstance(organization, dict) or not organization.get("name"):
        return None
    name = str(organization["name"]).strip()
    try:
        return OrganisationCreate(
            id=name,
            name=str(organization.get("title") or name)[:500],
            identifiers={"ckan": name},
        )
    except ValidationError:
        return None


def _contact(extras: dict[str, Any]) -> ContactPointCreate | None:
    names = [extras.get(k) for k in ("maintainer", "author", "contact-name")]
    ways = [extras.get(k) for k in ("maintainer_email", "author_email", "contact-email")]
    found: dict[str, str] = {}
    for value in (str(v).strip() for v in ways if v and str(v).strip()):
        field = "url" if http_url(value) else "email"
        if field not in found and _valid_contact(field, value):
            found[field] = value
    phone = str(extras.get("contact-phone") or "").strip()
    if phone and _valid_contact("telephone", phone):
        found["telephone"] = phone
    if not found:
        return None
    name = next((str(n).strip() for n in names if n and str(n).strip()), None)
    return ContactPointCreate(name=name[:300] if name else None, **found)


def _valid_contact(field: str, value: str) -> bool:
    try:
        ContactPointCreate.model_validate({field: value})
    except ValidationError:
        return False
    return True


def _licence(package: dict[str, Any]) -> str | None:
    for key in ("license_id", "license_title"):
        if notation := _notation("licence", package.get(key)):
            return notation
    url = (http_url(package.get("license_url")) or "").lower().rstrip("/")
    for concept in vocab.load("licence"):
        if url and any(m.lower().rstrip("/") == url for m in concept.exact_match):
            return concept.notation
    return None


def _notation(scheme: str, text: Any) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return None
    concept = vocab.match(scheme, text)
    return concept.notation if concept else None


def _spatial(coverage: Any) -> list[str]:
    # data.gov.uk writes e.g. "100000: England" (a country bit mask, then the names).
    text = coverage.split(":", 1)[-1].strip() if isinstance(coverage, str) else ""
    return [text[:200]] if text else []


def _keywords(tags: Any) -> list[str]:
    found: dict[str, str] = {}
    for tag in tags if isinstance(tags, list) else []:
        text = tag.get("display_name") or tag.get("name") if isinstance(tag, dict) else tag
        if isinstance(text, str) and text.strip():
            found.setdefault(text.strip().casefold(), text.strip()[:200])
    return list(found.values())


def _distributions(resources: Any) -> list[DistributionCreate]:
    found: dict[str, DistributionCreate] = {}
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, dict):
            continue
        url = http_url(resource.get("url"))
        if url is None or url in found:
            continue
        fmt = (
            _notation("format", resource.get("format"))
            or _notation("format", resource.get("mimetype"))
            or _notation("format", PurePosixPath(urlsplit(url).path).suffix)
        )
        mimetype = str(resource.get("mimetype") or "").strip().lower()
        name = str(resource.get("name") or "").strip()
        description = plain_text(resource.get("description"))
        title = (name or description.split("\n")[0])[:500]
        found[url] = DistributionCreate(
            title=title or None,
            description=(description if description != title else "")[:5000] or None,
            access_url=url,
            download_url=None if fmt in _NOT_A_FILE else url,
            media_type=mimetype if _MEDIA_TYPE.match(mimetype) else None,
            format=fmt,
            byte_size=_size(resource.get("size")),
            issued=_date(resource.get("created")),
            modified=_datetime(resource.get("last_modified") or resource.get("metadata_modified")),
        )
    return list(found.values())


# -- plain values -------------------------------------------------------------------------------


def http_url(value: Any) -> str | None:
    """An http(s) URL, with data.gov.uk's doubled scheme (``http://https://...``) repaired."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _DOUBLED_SCHEME.sub("", value.strip())
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        return None
    return text


def plain_text(value: Any) -> str:
    """Markdown and HTML reduced to plain text: tags and emphasis marks removed, links kept as
    their text, entities decoded, paragraphs kept."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    text = re.sub(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>)\s*", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|`)", "", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _date(value: Any) -> date | None:
    moment = _datetime(value)
    return moment.date() if moment else None


def _datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return _utc(moment)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _size(value: Any) -> int | None:
    try:
        size = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return size if size is not None and size >= 0 else None


def _bounded(ident: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9._~-]+", "-", ident)
    if len(ident) <= 200:
        return ident
    return ident[:191].rstrip("-._~") + "-" + hashlib.sha1(ident.encode()).hexdigest()[:8]

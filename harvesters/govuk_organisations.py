"""The GOV.UK register of government organisations (kind ``govuk-organisations``).

The Organisations API (served by alphagov/collections) answers ``GET {url}?page=N`` (1-based)
with 20 organisations a page, ordered by title::

    {"results": [...], "current_page": 1, "pages": 53, "total": 1042, "page_size": 20,
     "start_index": 1, "next_page_url": "...?page=2", "previous_page_url": ...,
     "_response_info": {"status": "ok", "links": [...]}}

``next_page_url``/``previous_page_url`` are left out where there is none. Each result has ``id``
(its API URL), ``title``, ``format`` (the human label of the organisation type, e.g. "Executive
non-departmental public body"), ``updated_at``, ``web_url``, ``details`` (``slug``,
``abbreviation``, ``govuk_status``, ``govuk_closed_status``, ``closed_at``, ``content_id`` ...),
``analytics_identifier`` and ``parent_organisations``/``child_organisations``/
``superseded_organisations``/``superseding_organisations`` as ``[{id, web_url}]``.

``gather`` reads page after page until ``next_page_url`` is absent or ``current_page`` reaches
``pages``, with a guard on the number of pages and on a server that does not move on; an
organisation seen twice (the list shifting while it is read) is yielded once. There is no
"changed since" filter, so every run reads the whole register. ``transform`` makes one
organisation: the type through the ``organisation-type`` vocabulary (unknown labels become
``other``) and the sector from that type's ``ldr:sector``. Closed, merged and replaced bodies are
kept, with their GOV.UK status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

import vocab
from harvesters.base import BadPayload, Harvester, Records, RemoteItem, TransformError
from harvesters.html_text import parse_datetime, plain_text
from schemas import OrganisationCreate

IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


class GovUkOrganisationsHarvester(Harvester):
    kind = "govuk-organisations"

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

        # A loop guard: the register is about 1,050 organisations, so about 53 pages.
        max_pages: int = Field(default=200, ge=1, le=1000)

    def gather(self) -> Iterator[RemoteItem]:
        seen: set[str] = set()
        page = 1
        while page <= self.options.max_pages:
            url = str(self.source.url)
            data = self.http.json(url, params={"page": page})
            if not isinstance(data, dict) or not isinstance(data.get("results"), list):
                raise BadPayload(f"{url}?page={page}", "expected an object with a results list")
            current = data.get("current_page", page)
            if page > 1 and current != page:
                break  # the server ignored the page asked for: stop rather than loop
            for result in data["results"]:
                guid = _slug_of(result)
                if guid is None or guid in seen:
                    continue
                seen.add(guid)
                yield RemoteItem(
                    guid=guid,
                    payload=result,
                    url=result.get("web_url") if isinstance(result.get("web_url"), str) else None,
                    modified=parse_datetime(str(result.get("updated_at") or "")),
                )
            pages = data.get("pages")
            if not data.get("next_page_url") or not data["results"]:
                break
            if isinstance(pages, int) and isinstance(current, int) and current >= pages:
                break
            page += 1

    def transform(self, item: RemoteItem) -> Records:
        result = item.payload
        if not isinstance(result, dict):
            raise TransformError(f"{item.guid}: expected an organisation object")
        details = result.get("details")
        details = details if isinstance(details, dict) else {}
        slug = _slug_of(result)
        if slug is None:
            raise TransformError(f"{item.guid}: the organisation has no usable slug")
        name = plain_text(result.get("title") or "", limit=500)
        if not name:
            raise TransformError(f"{slug}: the organisation has no title")
        label = plain_text(result.get("format") or "", limit=200)
        concept = vocab.match("organisation-type", label) if label else None
        concept = concept or vocab.load("organisation-type").get("other")
        sector = concept.properties.get("sector") if concept else None
        abbreviation = plain_text(details.get("abbreviation") or "", limit=200)
        if len(abbreviation) > 50 or abbreviation.casefold() == name.casefold():
            abbreviation = ""
        identifiers = {
            "govuk": slug,
            "analytics": _short(result.get("analytics_identifier")),
            "content_id": _short(details.get("content_id")),
        }
        return Records(
            organisations=[
                OrganisationCreate(
                    id=slug,
                    name=name,
                    abbreviation=abbreviation or None,
                    organisation_type=concept.notation if concept else None,
                    sectors=[sector] if isinstance(sector, str) else [],
                    homepage=_http(result.get("web_url")),
                    status=_short(details.get("govuk_status"))[:60] or "live",
                    parent_ids=_slugs(result.get("parent_organisations")),
                    identifiers={k: v for k, v in identifiers.items() if v},
                )
            ]
        )


def _slug_of(result: Any) -> str | None:
    """``details.slug``, else the last segment of ``id`` or ``web_url``; None if unusable."""
    if not isinstance(result, dict):
        return None
    details = result.get("details") if isinstance(result.get("details"), dict) else {}
    for candidate in (details.get("slug"), _last_segment(result.get("id"))):
        if isinstance(candidate, str) and IDENTIFIER.match(candidate.strip()):
            return candidate.strip()
    last = _last_segment(result.get("web_url"))
    return last if last and IDENTIFIER.match(last) else None


def _last_segment(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] or None


def _slugs(links: Any) -> list[str]:
    """The slugs of ``[{id: API URL, web_url}]`` links, in order, without repeats."""
    found: list[str] = []
    for link in links if isinstance(links, list) else []:
        slug = (
            _last_segment(link.get("id") or link.get("web_url")) if isinstance(link, dict) else None
        )
        if slug and IDENTIFIER.match(slug) and slug not in found:
            found.append(slug)
    return found


def _http(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) < 2000:
        return value
    return None


def _short(value: Any) -> str:
    return plain_text(value, limit=200) if isinstance(value, str) else ""

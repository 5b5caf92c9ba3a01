"""Pure mapping of a GOV.UK Content API item to a registry dataset (no I/O).

Used by :mod:`harvesters.govuk`. The shapes are those of the publishing-api content schemas
(``publication``, ``statistical_data_set``, ``document_collection`` ...): ``details.attachments``
for files, HTML and external links; older items carry only ``details.documents`` (pre-rendered
HTML strings), and some statistical data sets embed their attachments in ``details.body``, so
links inside ``<section class="attachment">`` are read as a fallback.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from pydantic import ValidationError

import vocab
from harvesters.errors import TransformError
from schemas import DatasetCreate, DistributionCreate, OrganisationCreate, describe_errors

WEB = "https://www.gov.uk"
CONTENT_API = f"{WEB}/api/content"
ID_PREFIX = "govuk-"
MAX_DESCRIPTION = 5000
MAX_KEYWORDS = 20
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section"}
_MEDIA_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


# -- small helpers ---------------------------------------------------------------------------


def slug(text: str) -> str:
    """Lower-case letters, digits and single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def dataset_id(base_path: str) -> str:
    """``govuk-<last path segment>``: stable, URL-safe and under 200 characters."""
    last = slug(posixpath.basename(base_path.rstrip("/"))) or slug(base_path) or "item"
    ident = ID_PREFIX + last
    if len(ident) > 200:
        digest = hashlib.sha1(base_path.encode()).hexdigest()[:10]
        ident = f"{ident[:189]}-{digest}"
    return ident


def web_url(base_path: str) -> str:
    return WEB + base_path


def api_url(base_path: str) -> str:
    return CONTENT_API + base_path


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as the API writes it, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    parsed = parse_time(value)
    return parsed.date() if parsed else None


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: Any) -> str:
    """HTML as plain text: tags dropped, paragraphs kept apart, whitespace collapsed."""
    if not isinstance(html, str) or not html.strip():
        return ""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def withdrawal_reason(payload: Any) -> str | None:
    """The plain-text explanation of a non-empty ``withdrawn_notice``, else None."""
    if not isinstance(payload, dict):
        return None
    notice = payload.get("withdrawn_notice")
    if not isinstance(notice, dict) or not notice:
        return None
    reason = plain_text(notice.get("explanation"))
    when = _date(notice.get("withdrawn_at"))
    if not reason and not when:
        return None
    if not reason:
        reason = "withdrawn from GOV.UK"
    if when:
        reason = f"{reason} (withdrawn on {when.isoformat()})"
    return _bounded(reason, 1000)


# -- distributions ---------------------------------------------------------------------------


def _format_of(*hints: str | None) -> str | None:
    """A ``format`` notation from a media type or a file extension."""
    for hint in hints:
        if not hint:
            continue
        concept = vocab.match("format", hint)
        if concept is not None:
            return concept.notation
    return None


def _extension(url: str) -> str | None:
    ext = posixpath.splitext(urlsplit(url).path)[1].lower()
    return ext or None


def _media_type(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.split(";")[0].strip().lower()
    return value if _MEDIA_TYPE.match(value) and len(value) <= 100 else None


def _title(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:500] or None


def _attachment(att: dict[str, Any]) -> DistributionCreate | None:
    url = att.get("url")
    if not isinstance(url, str) or not url.strip():
        return None
    url = urljoin(WEB + "/", url.strip())
    kind = att.get("attachment_type")
    title = _title(att.get("title"))
    if kind == "html":
        return DistributionCreate(
            title=title, access_url=url, media_type="text/html", format="html"
        )
    if kind == "external":
        return DistributionCreate(title=title, access_url=url, format=_format_of(_extension(url)))
    media = _media_type(att.get("content_type"))
    size = att.get("file_size")
    return DistributionCreate(
        title=title,
        access_url=url,
        download_url=url,
        media_type=media,
        format=_format_of(media, _extension(url), _extension(att.get("filename") or "")),
        byte_size=size if isinstance(size, int) and size >= 0 else None,
    )


class _AttachmentLinks(HTMLParser):
    """Links inside ``<section class="attachment ...">``, titled by the section's ``h2.title``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nesting inside an attachment section
        self.in_title = False
        self.title: list[str] = []  # text of the current section's h2.title
        self.hrefs: list[str] = []  # links of the current section
        self.links: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "section" and ("attachment" in classes or self.depth):
            if not self.depth:
                self.title, self.hrefs = [], []
            self.depth += 1
        elif self.depth and tag == "h2" and "title" in classes:
            self.in_title = True
        elif self.depth and tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1
            if not self.depth:
                title = " ".join("".join(self.title).split()) or None
                self.links += [(href, title) for href in self.hrefs]
        elif tag == "h2":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.depth and self.in_title:
            self.title.append(data)


def links_in_html(fragments: list[Any]) -> list[tuple[str, str | None]]:
    """(absolute URL, title) of attachment links in pre-rendered HTML, first title kept."""
    titles: dict[str, str | None] = {}
    for fragment in fragments:
        if not isinstance(fragment, str):
            continue
        parser = _AttachmentLinks()
        parser.feed(fragment)
        parser.close()
        for href, title in parser.links:
            href = unescape(href).strip()
            if href.startswith(("mailto:", "#", "javascript:")) or href.endswith("/preview"):
                continue
            url = urljoin(WEB + "/", href)
            if not titles.get(url):
                titles[url] = title
    return list(titles.items())


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def distributions(details: dict[str, Any]) -> list[DistributionCreate]:
    """One per attachment; from the legacy HTML when there are no structured attachments.
    An attachment that cannot be a distribution (no URL, not http) is left out."""
    found: list[DistributionCreate] = []
    for att in _list(details.get("attachments")):
        try:
            if isinstance(att, dict) and (dist := _attachment(att)) is not None:
                found.append(dist)
        except ValidationError:
            continue
    if not found:
        legacy = [*_list(details.get("documents")), details.get("body")]
        for url, title in links_in_html(legacy):
            fmt = _format_of(_extension(url))
            try:
                found.append(
                    DistributionCreate(title=title, access_url=url, download_url=url, format=fmt)
                )
            except ValidationError:
                continue
    unique: dict[str, DistributionCreate] = {}
    for dist in found:
        unique.setdefault(str(dist.access_url), dist)
    return list(unique.values())


# -- the dataset -----------------------------------------------------------------------------


def _links(item: dict[str, Any], name: str) -> list[dict[str, Any]]:
    links = item.get("links")
    value = links.get(name) if isinstance(links, dict) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def publisher(item: dict[str, Any]) -> OrganisationCreate | None:
    """The primary publishing organisation (else the first organisation) as a record."""
    orgs = _links(item, "primary_publishing_organisation") or _links(item, "organisations")
    if not orgs:
        return None
    org = orgs[0]
    base_path = org.get("base_path") or urlsplit(org.get("web_url") or "").path
    name = org.get("title")
    org_slug = posixpath.basename(str(base_path).rstrip("/"))
    if not org_slug or not isinstance(name, str) or not name.strip():
        return None
    details = org.get("details") if isinstance(org.get("details"), dict) else {}
    acronym = details.get("acronym")
    abbreviation = acronym.strip()[:50] or None if isinstance(acronym, str) else None
    identifiers = {"govuk": org_slug}
    if isinstance(org.get("analytics_identifier"), str):
        identifiers["govuk_analytics"] = org["analytics_identifier"]
    return OrganisationCreate(
        id=org_slug,
        name=name,
        abbreviation=abbreviation,
        homepage=org.get("web_url") or web_url(str(base_path)),
        identifiers=identifiers,
    )


def _keywords(item: dict[str, Any]) -> list[str]:
    words: list[str] = []
    for name in ("taxons", "policy_areas", "topics"):
        words += [t["title"] for t in _links(item, name) if isinstance(t.get("title"), str)]
    doc_type = item.get("document_type")
    if isinstance(doc_type, str) and doc_type:
        words.append(doc_type.replace("_", " ").capitalize())
    unique = list(dict.fromkeys(w.strip() for w in words if w.strip()))
    return unique[:MAX_KEYWORDS]


def _themes(item: dict[str, Any]) -> list[str]:
    themes = ["gove"]
    for name in ("taxons", "policy_areas"):
        for link in _links(item, name):
            concept = vocab.match("theme", str(link.get("title") or ""))
            if concept is not None and concept.notation not in themes:
                themes.append(concept.notation)
    return themes


def _spatial(details: dict[str, Any]) -> list[str]:
    nations = details.get("national_applicability")
    if not isinstance(nations, dict):
        return []
    applies = [
        str(n.get("label"))
        for n in nations.values()
        if isinstance(n, dict) and n.get("applicable") and n.get("label")
    ]
    return ["United Kingdom"] if len(applies) == 4 else applies


def _description(item: dict[str, Any], details: dict[str, Any]) -> str:
    parts = [plain_text(item.get("description"))]
    parts.append(plain_text(details.get("body")) or plain_text(details.get("summary")))
    text = "\n\n".join(p for p in parts if p)
    return _bounded(text, MAX_DESCRIPTION)


def to_dataset(item: Any) -> DatasetCreate:
    """One content item as a dataset record; :class:`TransformError` if it cannot be."""
    if not isinstance(item, dict):
        raise TransformError(f"expected a content item (a JSON object), got {type(item).__name__}")
    base_path = item.get("base_path")
    title = item.get("title")
    if not isinstance(base_path, str) or not base_path.startswith("/"):
        raise TransformError("the content item has no base_path")
    if not isinstance(title, str) or not title.strip():
        raise TransformError(f"the content item {base_path} has no title")
    details = item.get("details") if isinstance(item.get("details"), dict) else {}
    try:
        return DatasetCreate(
            id=dataset_id(base_path),
            title=" ".join(title.split())[:500],
            description=_description(item, details),
            landing_page=web_url(base_path),
            issued=_date(item.get("first_published_at")),
            modified=parse_time(item.get("public_updated_at")),
            publisher=publisher(item),
            licence="ogl-3",
            access_rights="public",
            spatial=_spatial(details),
            keywords=_keywords(item),
            themes=_themes(item),
            other_identifiers=[str(item["content_id"])] if item.get("content_id") else [],
            source_record=api_url(base_path),
            distributions=distributions(details),
        )
    except ValidationError as exc:
        problems = "; ".join(describe_errors(exc))
        raise TransformError(f"{base_path}: not a valid record: {problems}") from None

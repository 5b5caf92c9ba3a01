"""Reading untrusted HTML with the standard library: page metadata, links, JSON-LD, plain text.

:func:`parse_page` walks a page once with :class:`html.parser.HTMLParser` and keeps what the web
page harvester needs (``<title>``, the first ``<h1>``, ``<meta>`` values, the canonical link,
links with their text, ``<time datetime>`` values and the raw ``application/ld+json`` scripts).
:func:`plain_text` turns any harvested string into bounded plain text: tags (including ones that
were entity-escaped, such as ``&lt;script&gt;``) are dropped with their script/style content, so
nothing harvested can carry markup into the registry. Everything is bounded: a hostile page
cannot make the parser keep unbounded text, links or scripts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

MAX_LINKS = 2000
MAX_SCRIPTS = 20
MAX_SCRIPT_CHARS = 500_000
MAX_FIELD_CHARS = 5000
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_TAG_LIKE = re.compile(r"<[/!?]?[A-Za-z][^<>]*(?:>|$)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Link:
    href: str  # absolute, without the fragment
    text: str


@dataclass
class Page:
    title: str = ""
    h1: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # name/property (lower case) -> content
    canonical: str | None = None
    links: list[Link] = field(default_factory=list)
    json_ld: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)


def absolute_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, fragment removed; None unless it is http(s)."""
    href = (href or "").strip()
    if not href or len(href) > 2000:
        return None
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


class _PageParser(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.page = Page()
        self._skip_depth = 0  # inside script/style/...: their text is not page text
        self._json_ld: list[str] | None = None
        self._title: list[str] | None = None
        self._h1: list[str] | None = None
        self._anchor: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        is_json_ld = values.get("type", "").strip().lower() == "application/ld+json"
        if tag == "script" and is_json_ld and len(self.page.json_ld) < MAX_SCRIPTS:
            self._json_ld = []
        if tag in _SKIP:
            self._skip_depth += 1
            return
        if self._skip_depth:
            return
        if tag == "title" and self._title is None and not self.page.title:
            self._title = []
        elif tag == "h1" and self._h1 is None and not self.page.h1:
            self._h1 = []
        elif tag == "meta":
            self._meta(values)
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            if self.page.canonical is None:
                self.page.canonical = absolute_url(self.base_url, values.get("href", ""))
        elif tag == "a" and "href" in values:
            href = absolute_url(self.base_url, values["href"])
            self._anchor = (href, []) if href else None
        elif tag == "time" and values.get("datetime") and len(self.page.times) < 50:
            self.page.times.append(values["datetime"][:64])

    def _meta(self, values: dict[str, str]) -> None:
        key = (values.get("property") or values.get("name") or "").strip().lower()
        if key and key not in self.page.meta and len(self.page.meta) < 200:
            self.page.meta[key] = values.get("content", "")[:MAX_FIELD_CHARS]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            if tag == "script" and self._json_ld is not None:
                self.page.json_ld.append("".join(self._json_ld)[:MAX_SCRIPT_CHARS])
                self._json_ld = None
            self._skip_depth = max(0, self._skip_depth - 1)
            return
        if self._skip_depth:
            return
        if tag == "title" and self._title is not None:
            self.page.title = plain_text("".join(self._title))
            self._title = None
        elif tag == "h1" and self._h1 is not None:
            self.page.h1 = plain_text("".join(self._h1))
            self._h1 = None
        elif tag == "a" and self._anchor is not None:
            href, text = self._anchor
            if len(self.page.links) < MAX_LINKS:
                self.page.links.append(Link(href, plain_text("".join(text), limit=300)))
            self._anchor = None

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            if sum(map(len, self._json_ld)) < MAX_SCRIPT_CHARS:
                self._json_ld.append(data)
            return
        if self._skip_depth:
            return
        for sink in (self._title, self._h1, self._anchor[1] if self._anchor else None):
            if sink is not None and sum(map(len, sink)) < MAX_FIELD_CHARS:
                sink.append(data)


def parse_page(html: str, base_url: str) -> Page:
    """Metadata, links and JSON-LD of a page; malformed markup is read as far as it goes."""
    parser = _PageParser(base_url)
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # very old parsers raised on some broken markup
        pass
    return parser.page


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:  # noqa: ARG002
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in ("br", "p", "div", "li", "tr", "h1", "h2", "h3"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def _strip_tags(text: str) -> str:
    parser = _TextOnly()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):
        return _TAG_LIKE.sub(" ", text)
    return "".join(parser.parts)


def plain_text(value: object, *, limit: int = MAX_FIELD_CHARS) -> str:
    """Bounded plain text: entities decoded, tags and script/style content dropped, spaces
    collapsed. Escaped markup (``&lt;script&gt;``) is decoded and then dropped too."""
    if value is None:
        return ""
    text = str(value)[: limit * 4]
    for _ in range(3):
        if "<" not in text and "&" not in text:
            break
        text = _strip_tags(text)
        text = unescape(text) if "&" in text else text
    text = _TAG_LIKE.sub(" ", text)  # anything still shaped like a tag
    return _SPACE.sub(" ", text).strip()[:limit].strip()


# -- JSON-LD -----------------------------------------------------------------------------------


def dataset_node(scripts: list[str]) -> dict[str, Any]:
    """The first schema.org Dataset in the page's JSON-LD (lists and @graph included), or {}."""
    for script in scripts:
        text = script.strip().removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        todo = list(data[:100]) if isinstance(data, list) else [data]
        index = 0
        while index < len(todo) and index < 300:
            node = todo[index]
            index += 1
            if not isinstance(node, dict):
                continue
            if isinstance(node.get("@graph"), list):
                todo.extend(node["@graph"][:100])
            if _is_dataset(node.get("@type")):
                return node
    return {}


def _is_dataset(types: Any) -> bool:
    """``Dataset``, ``schema:Dataset`` or ``https://schema.org/Dataset``, alone or in a list."""
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and re.split(r"[:/]", name)[-1] == "Dataset" for name in names)


def jsonld_text(value: Any) -> str:
    """A JSON-LD value as a string: the first of a list, ``@value``/``name``/``@id`` of a node."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("url") or value.get("@id")
    return value if isinstance(value, str) else "" if value is None else str(value)


def first_text(limit: int, *values: Any) -> str:
    for value in values:
        text = plain_text(jsonld_text(value), limit=limit)
        if text:
            return text
    return ""


# -- dates -------------------------------------------------------------------------------------


def parse_datetime(text: str) -> datetime | None:
    text = (text or "").strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            value = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return value if 1900 <= value.year <= 2100 else None


def parse_date(text: str) -> date | None:
    value = parse_datetime(text)
    return value.date() if value else None


def _bounds(text: str) -> tuple[date | None, date | None]:
    """The first and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (``..`` = open)."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            last = (date(year + month // 12, month % 12 + 1, 1).toordinal()) - 1
            return date(year, month, 1), date.fromordinal(last)
        day = parse_date(text)
        return day, day
    except ValueError:
        return None, None


def period(text: str) -> tuple[date | None, date | None]:
    """A schema.org temporalCoverage (``2024``, ``2009-09/2025-11``, ``2020-01-01/..``)."""
    if not text:
        return None, None
    first, _, second = text.partition("/")
    start = _bounds(first)[0]
    end = _bounds(second)[1] if second else _bounds(first)[1]
    if start and end and end < start:
        return None, None
    return start, end

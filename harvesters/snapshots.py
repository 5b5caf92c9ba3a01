"""Recorded snapshots of sources, replayed by an httpx transport so nothing needs the network.

A snapshot is a folder with an ``index.json``::

    {"source": "govuk-civil-service-statistics",
     "recorded": "2026-11-26",
     "note": "how and from what it was made",
     "responses": [
        {"url": "https://www.gov.uk/api/search.json?count=100&filter_organisations=...",
         "status": 200, "content_type": "application/json", "file": "search-1.json",
         "headers": {"etag": "\"abc\""}}]}

:class:`SnapshotTransport` answers each request from the entry with the same URL (query
parameters compared in any order) and 404 for anything else. :class:`RecordingTransport` wraps a
real transport and writes such a folder (``registry harvest run NAME --record``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

INDEX = "index.json"


def normalise_url(url: str) -> str:
    """The URL with its query parameters sorted, so equal requests compare equal."""
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))


class SnapshotTransport(httpx.BaseTransport):
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        self.recorded: str | None = index.get("recorded")
        self.responses: dict[str, dict[str, Any]] = {
            normalise_url(entry["url"]): entry for entry in index.get("responses", [])
        }

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        entry = self.responses.get(normalise_url(str(request.url)))
        if entry is None:
            return httpx.Response(
                404, text=f"not in the snapshot {self.folder.name}", request=request
            )
        headers = {"content-type": entry.get("content_type", "application/octet-stream")}
        headers.update(entry.get("headers", {}))
        if "location" in {k.lower() for k in headers}:
            return httpx.Response(entry.get("status", 302), headers=headers, request=request)
        etag = headers.get("etag")
        if etag and request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"etag": etag}, request=request)
        body = b""
        if entry.get("file"):
            path = (self.folder / entry["file"]).resolve()
            if not path.is_relative_to(self.folder.resolve()):  # "../" in a hand-edited index
                return httpx.Response(
                    404, text=f"{entry['file']!r} is outside the snapshot", request=request
                )
            body = path.read_bytes()
        return httpx.Response(
            entry.get("status", 200), headers=headers, content=body, request=request
        )


class RecordingTransport(httpx.BaseTransport):
    """Pass requests to ``inner`` and write every response into ``folder`` as a snapshot."""

    def __init__(self, inner: httpx.BaseTransport, folder: Path, *, source: str) -> None:
        self.inner = inner
        self.folder = folder
        self.source = source
        self.entries: list[dict[str, Any]] = []
        folder.mkdir(parents=True, exist_ok=True)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        body = response.read()
        url = str(request.url)
        name = _file_name(url, response.headers.get("content-type", ""))
        (self.folder / name).write_bytes(body)
        kept = {
            k: v
            for k, v in response.headers.items()
            if k.lower() in ("etag", "last-modified", "location")
        }
        self.entries.append(
            {
                "url": url,
                "status": response.status_code,
                "content_type": response.headers.get("content-type", ""),
                "file": name,
                "headers": kept,
            }
        )
        self.save()
        return httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )

    def save(self) -> None:
        index = {
            "source": self.source,
            "recorded": date.today().isoformat(),
            "note": "recorded from the live source by `registry harvest run --record`",
            "responses": self.entries,
        }
        (self.folder / INDEX).write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")


def _file_name(url: str, content_type: str) -> str:
    parts = urlsplit(url)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", f"{parts.netloc}{parts.path}").strip("-")[-60:]
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    ext = {
        "application/json": ".json",
        "text/csv": ".csv",
        "text/html": ".html",
        "text/turtle": ".ttl",
    }
    suffix = next((v for k, v in ext.items() if content_type.startswith(k)), ".bin")
    return f"{stem}-{digest}{suffix}"

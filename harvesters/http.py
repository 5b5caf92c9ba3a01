"""A polite, bounded HTTP client for harvesters, over an injected ``httpx.Client``.

Every request: a User-Agent naming the registry, a per-host minimum interval, a timeout,
retries with exponential back-off on 429 and 5xx (honouring ``Retry-After``), a byte cap that
stops reading (and refuses at once on a large ``Content-Length``), and, when asked, a
conditional GET from the ETag / Last-Modified seen last time. A run's deadline is checked before
every request and every wait, so a slow source cannot hold a run past its time limit.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from harvesters.errors import BadPayload, BadStatus, FetchError, RunTimeout, TooLarge

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 30.0  # seconds to wait for each read
    connect_timeout: float = 10.0
    retries: int = 3  # after the first try
    backoff: float = 0.5  # first wait before a retry; doubles each time
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  # longer Retry-After values are capped to this
    max_bytes: int = 50_000_000
    min_interval: float = 0.2  # between two requests to one host
    user_agent: str = "LeadershipDataRegistry/0.1 (+https://github.com/leadership-data-registry)"


@dataclass(frozen=True)
class Validator:
    """What a server said last time, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text: BOMs honoured, then the declared charset, then UTF-8, then cp1252."""
        for bom, codec in (
            (b"\xef\xbb\xbf", "utf-8-sig"),
            (b"\xff\xfe", "utf-16"),
            (b"\xfe\xff", "utf-16"),
        ):
            if self.content.startswith(bom):
                return self.content.decode(codec)
        declared = httpx.Headers(self.headers).get("content-type", "")
        charset = declared.partition("charset=")[2].split(";")[0].strip().strip('"') or None
        for codec in filter(None, (charset, "utf-8")):
            try:
                return self.content.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
        return self.content.decode("cp1252", errors="replace")

    def json(self) -> Any:
        """The body as JSON, or :class:`BadPayload` saying what came instead."""
        head = self.content[:200].lstrip().lower()
        if head.startswith((b"<!doctype", b"<html", b"<?xml", b"<")):
            raise BadPayload(
                self.url, f"expected JSON, got markup ({self.content_type or 'no type'})"
            )
        try:
            return json.loads(self.text())
        except (json.JSONDecodeError, RecursionError) as exc:
            raise BadPayload(self.url, f"malformed JSON: {str(exc)[:120]}") from None


@dataclass
class HarvestClient:
    """The only way a harvester reaches the network."""

    client: httpx.Client
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    validators: Mapping[str, Validator] = field(default_factory=dict)
    deadline: float | None = None  # in ``clock()`` seconds
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    # Validators from this run's responses, for the run loop to keep.
    seen: dict[str, Validator] = field(default_factory=dict)
    requests: int = 0
    _last_request: dict[str, float] = field(default_factory=dict)

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
        max_bytes: int | None = None,
    ) -> Fetched:
        """GET with the policy; 304 comes back as ``not_modified``; errors as FetchError."""
        request_url = str(httpx.URL(url, params=params)) if params else url
        sent = {"User-Agent": self.policy.user_agent, **(headers or {})}
        known = self.validators.get(request_url) if conditional else None
        if known and known.etag:
            sent["If-None-Match"] = known.etag
        if known and known.last_modified:
            sent["If-Modified-Since"] = known.last_modified
        limit = max_bytes or self.policy.max_bytes
        attempt = 0
        while True:
            self._wait_turn(request_url)
            try:
                fetched = self._fetch(request_url, sent, limit)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if attempt >= self.policy.retries:
                    raise FetchError(request_url, _describe(exc)) from None
                self._pause(self._backoff(attempt))
                attempt += 1
                continue
            if fetched.status in RETRY_STATUSES and attempt < self.policy.retries:
                self._pause(self._retry_wait(fetched, attempt))
                attempt += 1
                continue
            if fetched.status == 304:
                return fetched
            if fetched.status >= 400:
                raise BadStatus(request_url, fetched.status, _excerpt(fetched))
            self._remember(request_url, fetched)
            return fetched

    def json(self, url: str, **kwargs: Any) -> Any:
        return self.get(url, **kwargs).json()

    # -- internals ---------------------------------------------------------------------------

    def _fetch(self, url: str, headers: dict[str, str], limit: int) -> Fetched:
        timeout = httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout)
        self.requests += 1
        try:
            with self.client.stream(
                "GET", url, headers=headers, timeout=timeout, follow_redirects=True
            ) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise TooLarge(url, limit)
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(url, limit)
                    chunks.append(chunk)
                return Fetched(
                    url=str(response.url),
                    status=response.status_code,
                    headers=response.headers,
                    content=b"".join(chunks),
                    not_modified=response.status_code == 304,
                )
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects (a redirect loop?)") from None
        except httpx.InvalidURL as exc:
            raise FetchError(url, f"invalid URL: {exc}") from None

    def _remember(self, url: str, fetched: Fetched) -> None:
        etag = fetched.headers.get("etag")
        modified = fetched.headers.get("last-modified")
        if etag or modified:
            self.seen[url] = Validator(etag=etag, last_modified=modified)

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        last = self._last_request.get(host)
        if last is not None:
            gap = self.policy.min_interval - (self.clock() - last)
            if gap > 0:
                self._pause(gap)
        self._check_deadline(url)
        self._last_request[host] = self.clock()

    def _pause(self, seconds: float) -> None:
        if self.deadline is not None and self.clock() + seconds > self.deadline:
            raise RunTimeout("the run's time limit would pass while waiting to retry")
        self.sleep(seconds)

    def _check_deadline(self, url: str) -> None:
        if self.deadline is not None and self.clock() > self.deadline:
            raise RunTimeout(f"the run's time limit passed before requesting {url}")

    def _backoff(self, attempt: int) -> float:
        return min(self.policy.max_backoff, self.policy.backoff * 2**attempt)

    def _retry_wait(self, fetched: Fetched, attempt: int) -> float:
        header = fetched.headers.get("retry-after", "").strip()
        if header.isdigit():
            return min(float(header), self.policy.max_retry_after)
        if header:
            try:
                when = parsedate_to_datetime(header)
                return max(0.0, min(when.timestamp() - time.time(), self.policy.max_retry_after))
            except (TypeError, ValueError):
                pass
        return self._backoff(attempt)


def _excerpt(fetched: Fetched, limit: int = 160) -> str:
    """A short, single-line, markup-free start of an error body (empty for HTML pages)."""
    if fetched.content_type == "text/html" or fetched.content[:1] == b"<":
        return ""
    text = " ".join(fetched.content[:2000].decode("utf-8", errors="replace").split())
    printable = "".join(ch for ch in text if ch.isprintable())
    return printable[:limit] + ("..." if len(printable) > limit else "")


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({exc.__class__.__name__})"
    return f"could not connect ({exc.__class__.__name__}: {exc})"[:200]

"""The link checker: whether each access and download URL answers (the MQA accessibility points).

Each URL is asked with HEAD, then, if the server refuses HEAD (405, 501, 403, and the 404, 400
or 500 some servers give HEAD alone), with a GET whose body is never read: the response is
streamed and closed once its headers are in, so a huge file costs nothing. Redirects are
followed by hand, at most ``max_redirects`` hops, each only to http(s). Every request has a
deadline (``timeout``) covering connecting and the headers, however slowly a server drips them.
At most ``concurrency`` requests run at once, and at most ``per_host`` to any one host: a task
waits for its host's slot before it takes a shared one, so a slow host queues only its own URLs
and never holds every slot.

A URL answers when its last response is 2xx or 3xx. Anything else (an error status, a timeout,
a refused connection, a bad certificate, too many redirects, a URL that is not http(s)) is
recorded with a readable error and a short kind for the summary; nothing stops the run. A URL
(or a redirect) to a private, loopback or link-local address is ``refused`` unless the settings
allow it (:mod:`harvesters.url_guard`).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import httpx
from sqlmodel import Session

from harvesters.http import HttpPolicy
from harvesters.url_guard import UnsafeUrl, UrlGuard, guarded_async_transport
from registry.errors import BadRequest, NotFound
from registry.quality.link_store import (
    LinkResult,
    link_targets,
    store_results,
    stored_checks,
)
from schemas import Organisation

# Statuses some servers give HEAD alone: ask again with GET before calling the link broken.
REFUSED_HEAD = frozenset({400, 403, 404, 405, 406, 500, 501})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
WEB = ("http", "https")
_BATCH = 100  # answers stored per statement, so a stopped run keeps what it learnt


@dataclass(frozen=True)
class LinkPolicy:
    timeout: float = 15.0  # seconds per request: connecting, sending, and the headers back
    concurrency: int = 8
    per_host: int = 2
    max_redirects: int = 5
    user_agent: str = HttpPolicy.user_agent


@dataclass
class LinkSummary:
    urls: int = 0  # the URLs selected (active datasets' access and download URLs)
    skipped_fresh: int = 0  # checked within the maximum age, so not asked again
    checked: int = 0
    ok: int = 0
    broken: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # failures by kind

    def add(self, result: LinkResult) -> None:
        self.checked += 1
        if result.ok:
            self.ok += 1
        else:
            self.broken += 1
            self.errors[result.kind or "error"] += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "urls": self.urls,
            "checked": self.checked,
            "ok": self.ok,
            "broken": self.broken,
            "skipped_fresh": self.skipped_fresh,
            "errors": dict(self.errors.most_common()),
        }


class _Failed(Exception):
    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


def link_client(
    policy: LinkPolicy | None = None, guard: UrlGuard | None = None
) -> httpx.AsyncClient:
    """The client the command uses: the registry's User-Agent, certificates verified, enough
    pooled connections for the concurrency asked for, and every hop and connection checked by
    the guard (public http(s) addresses only, unless the settings allow more)."""
    policy = policy or LinkPolicy()
    guard = guard or UrlGuard()
    limits = httpx.Limits(max_connections=max(policy.concurrency, 1) * 2)
    return httpx.AsyncClient(
        headers={"User-Agent": policy.user_agent},
        timeout=policy.timeout,
        transport=guarded_async_transport(guard, limits=limits),
        event_hooks={"request": [guard.async_request_hook]},
    )


async def check_url(client: httpx.AsyncClient, url: str, *, policy: LinkPolicy) -> LinkResult:
    """Ask one URL; never raises (every failure becomes an answer that is not ok)."""
    started = time.perf_counter()
    status: int | None = None
    final: str | None = None
    try:
        if _scheme(url) not in WEB:
            raise _Failed("not http(s)", f"not an http(s) URL ({_scheme(url) or 'no scheme'})")
        status, final = await _follow(client, "HEAD", url, policy)
        if status in REFUSED_HEAD:
            status, final = await _follow(client, "GET", url, policy)
        if not 200 <= status < 400:
            raise _Failed(f"HTTP {status}", f"HTTP {status} {_phrase(status)}".strip(), status)
        error = kind = None
    except _Failed as failure:
        status, error, kind = failure.status or status, failure.message, failure.kind
    except UnsafeUrl as refused:  # a private address, at the first hop or after a redirect
        error, kind = refused.cause, "refused"
    except Exception as exc:  # one strange URL or server must not stop the run
        kind, error = _describe(exc, policy.timeout)
    return LinkResult(
        url=url,
        ok=error is None,
        checked_at=datetime.now(UTC),
        status_code=status,
        final_url=final if final != url else None,
        error=error,
        kind=kind,
        elapsed_ms=round((time.perf_counter() - started) * 1000),
    )


async def _follow(
    client: httpx.AsyncClient, method: str, url: str, policy: LinkPolicy
) -> tuple[int, str]:
    """The status of the last hop and its URL, following at most ``max_redirects``."""
    for _hop in range(policy.max_redirects + 1):
        async with asyncio.timeout(policy.timeout):
            # Streamed and left unread: closing the response drops any body (HEAD has none).
            async with client.stream(
                method, url, follow_redirects=False, timeout=policy.timeout
            ) as response:
                status, location = response.status_code, response.headers.get("location")
        if status not in REDIRECTS or not location:
            return status, url
        url = urljoin(url, location.strip())
        if _scheme(url) not in WEB:
            raise _Failed("bad redirect", f"redirected to a non-http(s) URL: {url[:200]}", status)
    raise _Failed(
        "too many redirects",
        f"more than {policy.max_redirects} redirects, last to {url[:200]}",
        status,
    )


async def check_urls(
    client: httpx.AsyncClient, urls: Sequence[str], *, policy: LinkPolicy
) -> AsyncIterator[LinkResult]:
    """Every URL's answer, as each arrives, within the concurrency and per-host bounds."""
    shared = asyncio.Semaphore(policy.concurrency)
    hosts: dict[str, asyncio.Semaphore] = {}

    async def one(url: str) -> LinkResult:
        host = hosts.setdefault(_host(url), asyncio.Semaphore(policy.per_host))
        async with host, shared:  # the host's slot first: waiting for it holds no shared one
            return await check_url(client, url, policy=policy)

    tasks = [asyncio.ensure_future(one(url)) for url in urls]
    try:
        for answer in asyncio.as_completed(tasks):
            yield await answer
    finally:
        for task in tasks:
            task.cancel()


async def check_links(
    *,
    session: Session,
    client: httpx.AsyncClient,
    max_age: timedelta = timedelta(days=7),
    concurrency: int = 8,
    per_host: int = 2,
    timeout: float = 15.0,
    force: bool = False,
    publisher: str | None = None,
    limit: int | None = None,
) -> LinkSummary:
    """Check the access and download URLs of active datasets (one publisher's, if given) and
    store each answer with its date. URLs answered within ``max_age`` are skipped unless
    ``force``; ``limit`` caps the URLs asked this time, never-checked and oldest first, so
    repeated limited runs work through the whole catalogue."""
    if concurrency < 1 or per_host < 1 or timeout <= 0 or max_age < timedelta(0):
        raise BadRequest("concurrency and per_host must be at least 1, timeout above 0")
    if limit is not None and limit < 0:
        raise BadRequest("limit must be 0 or more")
    if publisher is not None and session.get(Organisation, publisher) is None:
        raise NotFound(f"no organisation with id {publisher!r}")
    policy = LinkPolicy(timeout=timeout, concurrency=concurrency, per_host=per_host)
    urls = link_targets(session=session, publisher=publisher)
    stored = stored_checks(session=session, urls=urls)
    cutoff = datetime.now(UTC) - max_age
    last = {u: stored[u].checked_at if u in stored else None for u in urls}
    due = [u for u in urls if force or (when := last[u]) is None or when < cutoff]
    summary = LinkSummary(urls=len(urls), skipped_fresh=len(urls) - len(due))
    never = datetime.min.replace(tzinfo=UTC)
    due.sort(key=lambda u: last[u] or never)  # stable: catalogue order within equal dates
    batch: list[LinkResult] = []
    if limit is not None:
        due = due[:limit]
    async for result in check_urls(client, due, policy=policy):
        summary.add(result)
        batch.append(result)
        if len(batch) >= _BATCH:
            store_results(session=session, results=batch)
            batch = []
    store_results(session=session, results=batch)
    return summary


def _describe(exc: Exception, timeout: float) -> tuple[str, str]:
    """A failure's kind and a readable line (the exception's own text, trimmed)."""
    if isinstance(exc, TimeoutError | httpx.TimeoutException):
        return "timeout", f"no answer within {timeout:g}s"
    if isinstance(exc, httpx.ConnectError) and _caused_by(exc, ssl.SSLError):
        return "tls", f"TLS failed: {_text(exc)}"
    if isinstance(exc, httpx.ConnectError | httpx.ReadError | httpx.WriteError):
        return "connection", f"could not connect: {_text(exc)}"
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol | ValueError):
        return "invalid URL", f"invalid URL: {_text(exc)}"
    if isinstance(exc, httpx.ProtocolError):
        return "protocol", f"broken HTTP answer: {_text(exc)}"
    return "error", f"{exc.__class__.__name__}: {_text(exc)}"


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _text(exc: Exception) -> str:
    return (" ".join(str(exc).split()) or exc.__class__.__name__)[:200]


def _scheme(url: str) -> str:
    return url.split(":", 1)[0].lower() if ":" in url else ""


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""

"""The link checker against httpx.MockTransport: each kind of answer, what is stored, and which
URLs a run asks (fresh ones skipped unless forced, a publisher, a limit)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from builders import dataset, organisation
from sqlalchemy import update

from registry.errors import BadRequest, NotFound
from registry.quality.link_store import stored_checks, url_hash
from registry.quality.links import LinkPolicy, check_links, check_url, check_urls
from registry.store import withdraw_dataset
from schemas import LinkCheck

POLICY = LinkPolicy(timeout=2, max_redirects=3)


class Body(httpx.AsyncByteStream):
    """A large body that notes whether anyone read it."""

    def __init__(self) -> None:
        self.read = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.read = True
        yield b"x" * 1_000_000


class Web:
    """A small made-up web: paths say how to answer; every request is noted."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []
        self.body = Body()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append((request.method, str(request.url)))
        path = request.url.path
        if path.startswith("/ok"):
            return httpx.Response(200)
        if path == "/moved":
            return httpx.Response(301, headers={"Location": "/ok/new.csv"})
        if path == "/loop":
            return httpx.Response(302, headers={"Location": "/loop"})
        if path == "/to-ftp":
            return httpx.Response(302, headers={"Location": "ftp://files.test/x.csv"})
        if path == "/gone":
            return httpx.Response(404)
        if path == "/odd":
            return httpx.Response(999)
        if path == "/no-head":
            if request.method == "HEAD":
                return httpx.Response(405)
            return httpx.Response(200, stream=self.body)
        if path == "/slow":
            raise httpx.ReadTimeout("timed out", request=request)
        if path == "/down":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        raise AssertionError(f"unexpected {path}")


def ask(web: Web, url: str):
    async def run():
        async with httpx.AsyncClient(transport=httpx.MockTransport(web)) as client:
            return await check_url(client, url, policy=POLICY)

    return asyncio.run(run())


def test_an_answering_url_is_ok_with_its_status():
    web = Web()
    found = ask(web, "https://a.test/ok/1.csv")
    assert (found.ok, found.status_code, found.error, found.kind) == (True, 200, None, None)
    assert found.final_url is None and found.elapsed_ms is not None
    assert web.asked == [("HEAD", "https://a.test/ok/1.csv")]


def test_redirects_are_followed_and_the_final_url_kept():
    found = ask(Web(), "https://a.test/moved")
    assert found.ok and found.status_code == 200
    assert found.final_url == "https://a.test/ok/new.csv"


def test_redirects_are_bounded_and_stay_on_the_web():
    web = Web()
    looping = ask(web, "https://a.test/loop")
    assert not looping.ok and looping.kind == "too many redirects"
    assert looping.status_code == 302 and "more than 3 redirects" in (looping.error or "")
    assert len(web.asked) == 4  # the first request and three redirects, then it stops
    ftp = ask(Web(), "https://a.test/to-ftp")
    assert not ftp.ok and ftp.kind == "bad redirect" and "ftp://files.test" in (ftp.error or "")


def test_an_error_status_is_broken_and_asked_again_with_get():
    web = Web()
    found = ask(web, "https://a.test/gone")
    assert (found.ok, found.status_code, found.kind) == (False, 404, "HTTP 404")
    assert found.error == "HTTP 404 Not Found"
    assert [m for m, _ in web.asked] == ["HEAD", "GET"]  # some servers 404 a HEAD alone
    odd = ask(Web(), "https://a.test/odd")
    assert (odd.ok, odd.status_code, odd.error) == (False, 999, "HTTP 999")


def test_a_refused_head_falls_back_to_a_get_whose_body_is_never_read():
    web = Web()
    found = ask(web, "https://a.test/no-head")
    assert found.ok and found.status_code == 200
    assert [m for m, _ in web.asked] == ["HEAD", "GET"]
    assert not web.body.read


def test_timeouts_and_connection_errors_are_recorded_not_raised():
    slow = ask(Web(), "https://a.test/slow")
    assert (slow.ok, slow.kind, slow.error) == (False, "timeout", "no answer within 2s")
    down = ask(Web(), "https://a.test/down")
    assert not down.ok and down.kind == "connection"
    assert down.error == "could not connect: [Errno 111] Connection refused"


@pytest.mark.parametrize("url", ["ftp://files.test/x.csv", "mailto:hr@example.org", "x.csv"])
def test_a_url_that_is_not_http_is_recorded_and_not_fetched(url):
    web = Web()
    found = ask(web, url)
    assert not found.ok and found.kind == "not http(s)" and web.asked == []
    assert (found.error or "").startswith("not an http(s) URL")


def test_a_slow_host_cannot_take_every_slot():
    # Three shared slots, two per host: the slow host's requests wait until the fast host's
    # three have all answered, which they can only do through the slot left to them.
    fast_done = asyncio.Event()
    seen: Counter[str] = Counter()

    async def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] += 1
        if request.url.host == "fast.test" and seen["fast.test"] == 3:
            fast_done.set()
        if request.url.host == "slow.test":
            await fast_done.wait()
        return httpx.Response(200)

    async def run():
        policy = LinkPolicy(timeout=2, concurrency=3, per_host=2)
        urls = [f"https://slow.test/{i}" for i in range(5)]
        urls += [f"https://fast.test/{i}" for i in range(3)]
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return [r async for r in check_urls(client, urls, policy=policy)]

    results = asyncio.run(run())
    assert len(results) == 8 and all(r.ok for r in results)  # nothing waited out its timeout
    assert [r.url.split("/")[2] for r in results[:3]] == ["fast.test"] * 3


# -- runs over the catalogue --------------------------------------------------------------------


def files(*paths: str, download: str | None = None) -> list[dict]:
    found = [{"access_url": f"https://{p}"} for p in paths]
    if download:
        found[0]["download_url"] = f"https://{download}"
    return found


CATALOGUE = [
    organisation("home-office"),
    organisation("cabinet-office"),
    dataset(
        "police",
        publisher="home-office",
        distributions=files("a.test/ok/police", "a.test/gone", download="a.test/no-head"),
    ),
    dataset("scs", publisher="cabinet-office", distributions=files("b.test/moved", "b.test/down")),
    dataset("shared", publisher="cabinet-office", distributions=files("a.test/ok/police")),
    dataset("old", publisher="cabinet-office", distributions=files("c.test/ok/old")),
]


@pytest.fixture
def catalogue(load, session):
    assert load(CATALOGUE).errors == []
    assert withdraw_dataset(session=session, dataset_id="old", reason="gone from its source")
    session.commit()


def run(session, web: Web, **options):
    async def go():
        async with httpx.AsyncClient(transport=httpx.MockTransport(web)) as client:
            return await check_links(session=session, client=client, timeout=2, **options)

    return asyncio.run(go())


@pytest.mark.usefixtures("catalogue")
def test_a_run_checks_active_datasets_urls_once_each_and_stores_the_answers(session):
    web = Web()
    summary = run(session, web)
    assert summary.as_dict() == {
        "urls": 5,  # the shared URL once; the withdrawn dataset's not at all
        "checked": 5,
        "ok": 3,
        "broken": 2,
        "skipped_fresh": 0,
        "errors": {"HTTP 404": 1, "connection": 1},
    }
    assert "https://c.test/ok/old" not in {url for _, url in web.asked}
    stored = stored_checks(session=session)
    gone = stored["https://a.test/gone"]
    assert (gone.ok, gone.status_code, gone.error) == (False, 404, "HTTP 404 Not Found")
    moved = stored["https://b.test/moved"]
    assert moved.ok and moved.final_url == "https://b.test/ok/new.csv"
    assert datetime.now(UTC) - moved.checked_at < timedelta(minutes=5)


@pytest.mark.usefixtures("catalogue")
def test_fresh_answers_are_skipped_unless_old_or_forced(session):
    run(session, Web())
    again = Web()
    assert run(session, again).as_dict()["skipped_fresh"] == 5 and again.asked == []
    old = datetime.now(UTC) - timedelta(days=8)
    session.execute(
        update(LinkCheck)
        .where(LinkCheck.url_hash == url_hash("https://a.test/gone"))
        .values(checked_at=old)
    )
    session.commit()
    stale = Web()
    summary = run(session, stale)
    assert (summary.checked, summary.skipped_fresh) == (1, 4)
    assert {url for _, url in stale.asked} == {"https://a.test/gone"}
    assert stored_checks(session=session)["https://a.test/gone"].checked_at > old
    assert run(session, Web(), max_age=timedelta(days=30)).checked == 0
    forced = run(session, Web(), force=True)
    assert (forced.checked, forced.skipped_fresh) == (5, 0)


@pytest.mark.usefixtures("catalogue")
def test_a_publisher_or_a_limit_narrows_the_run(session):
    web = Web()
    summary = run(session, web, publisher="home-office")
    assert (summary.urls, summary.checked) == (3, 3)
    assert {url.split("/")[2] for _, url in web.asked} == {"a.test"}
    # Never-checked URLs come first, so a limited run moves on to the rest of the catalogue.
    limited = run(session, Web(), limit=1)
    assert (limited.urls, limited.checked, limited.skipped_fresh) == (5, 1, 3)
    assert run(session, Web(), limit=5).checked == 1  # only one was still never checked
    with pytest.raises(NotFound, match="no organisation with id 'nope'"):
        run(session, Web(), publisher="nope")
    with pytest.raises(BadRequest):
        run(session, Web(), concurrency=0)

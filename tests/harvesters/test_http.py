"""The harvest HTTP client's policy, request by request, with a fake clock and no sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from harvesters.errors import BadPayload, BadStatus, FetchError, RunTimeout, TooLarge
from harvesters.http import Fetched, HarvestClient, HttpPolicy, Validator


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def client_for(handler, clock: Clock | None = None, **policy) -> HarvestClient:
    clock = clock or Clock()
    return HarvestClient(
        httpx.Client(transport=httpx.MockTransport(handler)),
        policy=HttpPolicy(**{"min_interval": 0.0, **policy}),
        sleep=clock.sleep,
        clock=clock,
    )


def test_user_agent_names_the_registry():
    seen = []
    http = client_for(lambda r: seen.append(r.headers["user-agent"]) or httpx.Response(200))
    http.get("https://a.example/x")
    assert seen[0].startswith("LeadershipDataRegistry/")


def test_requests_to_one_host_are_spaced_but_other_hosts_are_not():
    clock = Clock()
    http = client_for(lambda r: httpx.Response(200), clock, min_interval=0.5)
    http.get("https://a.example/1")
    http.get("https://a.example/2")
    http.get("https://b.example/1")
    assert clock.slept == [0.5]


def test_backoff_doubles_then_gives_up_with_the_status():
    clock = Clock()
    http = client_for(lambda r: httpx.Response(503, text="down"), clock, retries=3, backoff=0.5)
    with pytest.raises(BadStatus, match="HTTP 503: down") as caught:
        http.get("https://a.example/x")
    assert caught.value.status == 503
    assert clock.slept == [0.5, 1.0, 2.0]


def test_retry_after_in_seconds_and_as_a_date_is_capped():
    clock = Clock()
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    answers = [
        httpx.Response(429, headers={"retry-after": "3"}),
        httpx.Response(503, headers={"retry-after": later}),
        httpx.Response(429, headers={"retry-after": "100000"}),
        httpx.Response(200, text="ok"),
    ]
    http = client_for(lambda r: answers.pop(0), clock, retries=3, max_retry_after=60)
    assert http.get("https://a.example/x").text() == "ok"
    assert clock.slept[0] == 3 and 25 <= clock.slept[1] <= 30 and clock.slept[2] == 60


def test_client_errors_are_not_retried():
    calls = []
    http = client_for(lambda r: calls.append(1) or httpx.Response(404))
    with pytest.raises(BadStatus):
        http.get("https://a.example/x")
    assert len(calls) == 1


def test_the_byte_cap_holds_with_and_without_content_length():
    big = client_for(lambda r: httpx.Response(200, headers={"content-length": str(10**10)}))
    with pytest.raises(TooLarge, match="byte limit"):
        big.get("https://a.example/x")

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"x" * 600, b"x" * 600]))

    with pytest.raises(TooLarge):
        client_for(streamed).get("https://a.example/x", max_bytes=1000)


def test_conditional_get_sends_validators_and_remembers_new_ones():
    sent: list[str | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("if-none-match"))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200, headers={"etag": '"v2"', "last-modified": "Tue, 01 Oct 2024 00:00:00 GMT"}
        )

    http = client_for(handle)
    http.validators = {"https://a.example/x": Validator(etag='"v1"')}
    assert http.get("https://a.example/x", conditional=True).not_modified
    fresh = http.get("https://a.example/y", conditional=True)
    assert not fresh.not_modified
    assert http.seen["https://a.example/y"].etag == '"v2"'
    assert sent == ['"v1"', None]  # validators only for the URL they belong to


def test_the_deadline_stops_requests_and_long_waits():
    clock = Clock()
    http = client_for(lambda r: httpx.Response(429, headers={"retry-after": "50"}), clock)
    http.deadline = clock.now + 10
    with pytest.raises(RunTimeout):
        http.get("https://a.example/x")
    clock.now += 100
    with pytest.raises(RunTimeout):
        http.get("https://a.example/y")


def test_transport_errors_become_fetch_errors():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FetchError, match="could not connect"):
        client_for(refuse, retries=1).get("https://a.example/x")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<!DOCTYPE html><p>Maintenance</p>", "expected JSON, got markup"),
        (b'{"a": [1,', "malformed JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed JSON"),
    ],
)
def test_json_that_is_not_json_is_a_bad_payload(body, words):
    fetched = Fetched("https://a.example/x", 200, httpx.Headers(), body)
    with pytest.raises(BadPayload, match=words):
        fetched.json()


def test_text_handles_boms_charsets_and_windows_1252():
    def text(content: bytes, content_type: str = "text/csv") -> str:
        return Fetched("u", 200, httpx.Headers({"content-type": content_type}), content).text()

    assert text(b"\xef\xbb\xbfGrade,Sex") == "Grade,Sex"
    assert text("Grade \u2013 SCS".encode("cp1252")) == "Grade \u2013 SCS"  # en dash, 0x96
    assert text("Grade".encode("utf-16")) == "Grade"
    assert text("caf\xe9".encode("latin-1"), "text/csv; charset=iso-8859-1") == "café"

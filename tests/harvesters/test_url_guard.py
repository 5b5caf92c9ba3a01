"""Harvests and the link checker fetch only public http(s) addresses unless allowed (SSRF)."""

from __future__ import annotations

import socket

import httpx
import pytest

from harvesters import url_guard
from harvesters.http import HarvestClient, HttpPolicy
from harvesters.url_guard import UnsafeUrl, UrlGuard, guarded_transport

REFUSED = [
    "file:///etc/passwd",
    "ftp://example.org/x",
    "gopher://example.org/",
    "http://127.0.0.1/",
    "http://127.1.2.3:8080/x",
    "http://localhost/",
    "http://api.localhost./",
    "http://10.0.0.7/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/",  # shared address space
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/",
    "https:///no-host",
]


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_and_non_web_urls_are_refused(url: str):
    with pytest.raises(UnsafeUrl) as refused:
        UrlGuard().check_url(url)
    assert (
        "refused" in str(refused.value)
        or "http(s)" in str(refused.value)
        or "no host" in str(refused.value)
    )


@pytest.mark.parametrize(
    "url", ["https://www.gov.uk/x", "http://93.184.216.34/", "https://[2606:4700::1]/"]
)
def test_public_urls_pass(url: str):
    UrlGuard().check_url(url)


def test_the_refusal_says_what_to_set():
    with pytest.raises(UnsafeUrl, match="REGISTRY_ALLOW_PRIVATE_URLS"):
        UrlGuard().check_url("http://10.0.0.7/")


def test_the_administrator_may_allow_private_addresses_or_some_of_them():
    UrlGuard(allow_private=True).check_url("http://127.0.0.1:8000/")
    allowed = UrlGuard.of(False, "10.1.0.0/16, intranet.local ,")
    allowed.check_url("http://10.1.2.3/")
    allowed.check_url("http://intranet.local/")
    with pytest.raises(UnsafeUrl):
        allowed.check_url("http://10.2.0.1/")
    with pytest.raises(UnsafeUrl):
        UrlGuard(allow_private=False).check_url("file:///etc/passwd")
    with pytest.raises(UnsafeUrl):  # allowing private addresses never allows other schemes
        UrlGuard(allow_private=True).check_url("file:///etc/passwd")


def test_every_redirect_is_checked_again():
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    guard = UrlGuard()
    client = httpx.Client(
        transport=httpx.MockTransport(handler), event_hooks={"request": [guard.request_hook]}
    )
    harvest = HarvestClient(client, policy=HttpPolicy(min_interval=0, retries=0))
    with pytest.raises(UnsafeUrl, match=r"169\.254\.169\.254"):
        harvest.get("https://data.example.org/feed")
    assert seen == ["https://data.example.org/feed"]  # the metadata address was never asked


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> None:
    """``public.example`` passes the URL check (it is a name) but resolves to 127.0.0.1 when
    the connection is made: the DNS rebinding trick."""
    real = socket.getaddrinfo

    def fake(host: str, port: int, *args: object, **kwargs: object):
        if host == "public.example":
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(url_guard.socket, "getaddrinfo", fake)


@pytest.mark.usefixtures("rebinding")
def test_a_name_resolving_to_a_private_address_is_refused_when_connecting(recorder):
    port, hits = recorder
    guard = UrlGuard()
    with httpx.Client(transport=guarded_transport(guard)) as client:
        guard.check_url(f"http://public.example:{port}/")  # passes: it is only a name
        with pytest.raises(UnsafeUrl, match=r"at 127\.0\.0\.1, not public"):
            client.get(f"http://public.example:{port}/")
    assert hits == []


@pytest.mark.usefixtures("rebinding")
def test_an_allowed_name_connects_to_the_address_that_was_checked(recorder):
    port, hits = recorder
    guard = UrlGuard.of(False, "public.example")
    with httpx.Client(transport=guarded_transport(guard)) as client:
        assert client.get(f"http://public.example:{port}/").text == "ok"
    assert hits == [f"public.example:{port}"]  # the Host header keeps the name

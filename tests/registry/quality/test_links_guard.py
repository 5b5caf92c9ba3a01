"""The link checker fetches only public http(s) addresses unless the settings allow more."""

from __future__ import annotations

import asyncio

import httpx

from harvesters.url_guard import UrlGuard
from registry.quality.links import LinkPolicy, check_url, link_client

POLICY = LinkPolicy(timeout=5)


def ask(guard: UrlGuard | None, url: str, transport: httpx.AsyncBaseTransport | None = None):
    async def run():
        async with link_client(POLICY, guard) as client:
            if transport is not None:
                client._transport = transport  # the hooks stay; only the network is faked
            return await check_url(client, url, policy=POLICY)

    return asyncio.run(run())


def test_the_link_checker_refuses_private_links_and_redirects_to_them(recorder):
    port, hits = recorder
    refused = ask(None, f"http://127.0.0.1:{port}/")
    assert not refused.ok and refused.kind == "refused" and "127.0.0.1" in refused.error
    assert hits == []
    allowed = ask(UrlGuard.of(False, "127.0.0.1/32"), f"http://127.0.0.1:{port}/")
    assert allowed.ok and len(hits) >= 1


def test_a_redirect_to_a_private_address_is_refused():
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(301, headers={"Location": "http://10.0.0.5/admin"})

    answer = ask(None, "https://data.example.org/file.csv", httpx.MockTransport(handler))
    assert not answer.ok and answer.kind == "refused" and "10.0.0.5" in answer.error
    assert asked == ["https://data.example.org/file.csv"] * len(asked) and asked

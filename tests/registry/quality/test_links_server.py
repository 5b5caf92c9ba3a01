"""The link checker against a real HTTP server on 127.0.0.1: the bounds on concurrency hold on
real sockets, timeouts cut a server that does not answer, a huge body is never downloaded, and
TLS and refused connections are told apart."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from builders import dataset, organisation
from typer.testing import CliRunner

from harvesters.url_guard import UrlGuard
from registry.cli import app
from registry.quality.links import LinkPolicy, check_urls, link_client

HUGE = 200_000_000  # bytes the server offers; far more than any socket buffer holds


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.busy = 0
        self.most_busy = 0
        self.sent = 0
        self.stop = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        if self.path.startswith("/huge"):
            self.send_response(405)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._answer(body=False)

    def do_GET(self) -> None:
        if not self.path.startswith("/huge"):
            self._answer(body=True)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while self.server.sent < HUGE and not self.server.stop.is_set():
                self.wfile.write(chunk)
                with self.server.lock:
                    self.server.sent += len(chunk)
        except OSError:
            pass  # the checker hung up after the headers, as it should

    def _answer(self, *, body: bool) -> None:
        with self.server.lock:
            self.server.busy += 1
            self.server.most_busy = max(self.server.most_busy, self.server.busy)
        try:
            # /wait/<seconds>: hold the request open (cut short when the test ends)
            if self.path.startswith("/wait/"):
                self.server.stop.wait(float(self.path.split("/")[2].split("?")[0]))
            self.send_response(404 if self.path.startswith("/missing") else 200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if body:
                self.wfile.write(b"ok")
        finally:
            with self.server.lock:
                self.server.busy -= 1


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.stop.set()
    running.shutdown()
    running.server_close()
    thread.join(5)


def check(urls: list[str], policy: LinkPolicy):
    async def run():
        # The server is on 127.0.0.1, which the default guard refuses.
        async with link_client(policy, UrlGuard(allow_private=True)) as client:
            return [r async for r in check_urls(client, urls, policy=policy)]

    return asyncio.run(run())


def test_no_more_requests_at_once_than_the_shared_slots(server):
    urls = [f"{server.base}/wait/0.3?n={i}" for i in range(9)]
    results = check(urls, LinkPolicy(timeout=5, concurrency=3, per_host=10))
    assert all(r.ok for r in results) and len(results) == 9
    assert server.most_busy == 3


def test_no_more_requests_to_one_host_than_its_slots(server):
    urls = [f"{server.base}/wait/0.3?n={i}" for i in range(6)]
    results = check(urls, LinkPolicy(timeout=5, concurrency=8, per_host=2))
    assert all(r.ok for r in results)
    assert server.most_busy == 2


def test_a_server_that_does_not_answer_is_cut_at_the_timeout(server):
    (slow,) = check([f"{server.base}/wait/30"], LinkPolicy(timeout=0.5))
    assert (slow.ok, slow.kind, slow.error) == (False, "timeout", "no answer within 0.5s")


def test_a_huge_body_is_never_downloaded(server):
    (found,) = check([f"{server.base}/huge.csv"], LinkPolicy(timeout=5))
    assert found.ok and found.status_code == 200
    assert server.sent < HUGE // 10  # what the socket buffers took before the hang-up


def test_tls_failures_and_refused_connections_are_told_apart(server):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    tls, refused = sorted(
        check(
            [f"https://127.0.0.1:{server.server_address[1]}/", f"http://127.0.0.1:{closed}/"],
            LinkPolicy(timeout=5),
        ),
        key=lambda r: r.url.startswith("http:"),
    )
    assert not tls.ok and tls.kind == "tls" and (tls.error or "").startswith("TLS failed")
    assert not refused.ok and refused.kind == "connection"


def test_the_command_checks_stores_and_then_skips_fresh_links(server, load, settings, monkeypatch):
    records = [
        organisation("home-office"),
        dataset("a", publisher="home-office", distributions=[{"access_url": f"{server.base}/a"}]),
        dataset("b", distributions=[{"access_url": f"{server.base}/missing"}]),
    ]
    assert load(records).errors == []
    monkeypatch.setenv("REGISTRY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REGISTRY_ALLOW_PRIVATE_URLS", "true")  # the server is on 127.0.0.1
    runner = CliRunner()
    first = runner.invoke(app, ["check-links", "--timeout", "5"])
    assert first.exit_code == 0, first.output
    assert "2 URLs: 2 checked, 1 ok, 1 broken; 0 skipped as fresh" in first.output
    assert "  HTTP 404: 1" in first.output
    again = runner.invoke(app, ["check-links", "--publisher", "home-office"])
    assert "1 URLs: 0 checked, 0 ok, 0 broken; 1 skipped as fresh" in again.output
    forced = runner.invoke(app, ["check-links", "--force", "--limit", "1", "--concurrency", "1"])
    assert "2 URLs: 1 checked" in forced.output
    unknown = runner.invoke(app, ["check-links", "--publisher", "nope"])
    assert unknown.exit_code == 2 and "no organisation with id 'nope'" in unknown.output
    assert runner.invoke(app, ["check-links", "--max-age-days", "-1"]).exit_code == 2

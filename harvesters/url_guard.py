"""Which addresses the registry may fetch from: http(s) only, and public addresses only unless
the administrator allows more (SSRF: a harvest source or a dataset's link must not make the
registry read its own network, the cloud metadata service or its loopback).

Checked twice, by one :class:`UrlGuard`:

- on every request a client sends, redirects included (:meth:`UrlGuard.request_hook`, an
  httpx ``request`` event hook): the scheme, and a host that is an IP literal or ``localhost``;
- when connecting (:func:`guarded_transport`, :func:`guarded_async_transport`): the host is
  resolved once, every address it resolves to is checked, and the connection is made to the
  checked address itself, so a name that resolves to a public address when asked and to a
  private one a moment later (DNS rebinding) cannot slip through. TLS still verifies the
  certificate against the host name.

Refused: anything not ``http``/``https``, and any address that is not globally routable
(private, loopback, link-local, shared, reserved, multicast, unspecified; IPv4-mapped IPv6
addresses are judged as their IPv4 address). ``allow_private`` lets everything through (a
closed network, the tests); ``allowed`` names hosts and networks let through although private.
"""

from __future__ import annotations

import ipaddress
import socket
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

from harvesters.errors import FetchError

WEB = ("http", "https")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeUrl(FetchError):
    """A URL the registry will not fetch; the message says why and what to set."""


@dataclass(frozen=True)
class UrlGuard:
    allow_private: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def of(cls, allow_private: bool = False, allowed: str | Iterable[str] = "") -> UrlGuard:
        """From settings: ``allowed`` is a comma-separated list of host names and networks."""
        items = allowed.split(",") if isinstance(allowed, str) else list(allowed)
        hosts, networks = set(), []
        for item in (i.strip().lower() for i in items):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                hosts.add(item.rstrip("."))
        return cls(allow_private, frozenset(hosts), tuple(networks))

    def check_url(self, url: str) -> None:
        """:class:`UnsafeUrl` unless the URL is http(s) with an allowed literal host."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in WEB:
            raise UnsafeUrl(url[:200], f"only http(s) URLs are fetched, not {parts.scheme!r}")
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            raise UnsafeUrl(url[:200], "the URL has no host")
        if self.allow_private or host in self.hosts:
            return
        if host == "localhost" or host.endswith(".localhost"):
            raise UnsafeUrl(url[:200], self._refusal(host, "a loopback name"))
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return  # a name: judged by what it resolves to, when connecting
        self.check_address(host, address, url[:200])

    def check_address(self, host: str, address: Address, where: str | None = None) -> None:
        if self.allow_private or host.rstrip(".").lower() in self.hosts:
            return
        judged = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
        judged = judged or address
        if any(judged in network for network in self.networks):
            return
        if not judged.is_global or judged.is_multicast:
            what = "a non-public address" if str(address) == host else f"at {address}, not public"
            raise UnsafeUrl(where or host, self._refusal(host, what))

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to for ``host``: every address it resolves to must pass."""
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
        addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
        for address in addresses:
            self.check_address(host, address)
        return str(addresses[0])

    def request_hook(self, request: httpx.Request) -> None:
        self.check_url(str(request.url))

    async def async_request_hook(self, request: httpx.Request) -> None:
        self.check_url(str(request.url))

    @staticmethod
    def _refusal(host: str, what: str) -> str:
        return (
            f"refused: {host} is {what}; set REGISTRY_ALLOW_PRIVATE_URLS=true or list it in "
            "REGISTRY_URL_ALLOWLIST to allow it"
        )


class _GuardedBackend(httpcore.SyncBackend):
    def __init__(self, guard: UrlGuard) -> None:
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = self.guard.resolve(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


class _AsyncGuardedBackend(httpcore.AnyIOBackend):
    def __init__(self, guard: UrlGuard) -> None:
        self.guard = guard

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        address = await anyio.to_thread.run_sync(self.guard.resolve, host, port)
        return await super().connect_tcp(address, port, timeout, local_address, socket_options)


def guarded_transport(guard: UrlGuard, **kwargs: typing.Any) -> httpx.HTTPTransport:
    """An ``httpx.HTTPTransport`` that connects only to addresses the guard allows."""
    transport = httpx.HTTPTransport(**kwargs)
    # httpx builds its httpcore pool itself and does not take a network backend; the pool
    # keeps the backend in this one attribute.
    transport._pool._network_backend = _GuardedBackend(guard)  # type: ignore[attr-defined]
    return transport


def guarded_async_transport(guard: UrlGuard, **kwargs: typing.Any) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(**kwargs)
    transport._pool._network_backend = _AsyncGuardedBackend(guard)  # type: ignore[attr-defined]
    return transport

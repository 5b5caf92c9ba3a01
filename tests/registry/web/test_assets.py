"""The assets fetcher: a tarball is used only when it matches its pinned integrity, and only
the wanted files are kept. Offline: the npm registry is an httpx MockTransport."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile

import httpx
import pytest

from registry.web.assets import AssetsError, NpmPackage, ensure, fetch, installed


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


DATA = tarball(
    {
        "package/dist/site.css": b"body{}",
        "package/dist/fonts/font.woff2": b"font",
        "package/package.json": b"{}",
    }
)
PACKAGE = NpmPackage(
    name="example",
    version="1.2.3",
    integrity=integrity(DATA),
    files=(("package/dist/site.css", "site.css"), ("package/package.json", "package.json")),
)


def client(body: bytes, seen: list[str] | None = None) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        return httpx.Response(200, content=body)

    return httpx.Client(transport=httpx.MockTransport(answer))


def test_fetch_verifies_and_keeps_only_the_wanted_files(tmp_path):
    seen: list[str] = []
    where = fetch(PACKAGE, tmp_path, client=client(DATA, seen))
    assert seen == ["https://registry.npmjs.org/example/-/example-1.2.3.tgz"]
    assert sorted(p.name for p in where.iterdir()) == ["package.json", "site.css"]
    assert (where / "site.css").read_bytes() == b"body{}"
    assert installed(tmp_path, PACKAGE)
    fetch(PACKAGE, tmp_path, client=client(DATA, seen))  # already there: no download
    assert len(seen) == 1


def test_a_tampered_tarball_is_refused_and_nothing_is_kept(tmp_path):
    other = tarball({"package/dist/site.css": b"body{color:red}", "package/package.json": b"{}"})
    with pytest.raises(AssetsError, match="integrity mismatch"):
        fetch(PACKAGE, tmp_path, client=client(other))
    assert not installed(tmp_path, PACKAGE)
    assert list(tmp_path.iterdir()) == []


def test_ensure_reports_what_is_missing_and_the_command_to_run(tmp_path, monkeypatch):
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)

    real_client = httpx.Client
    monkeypatch.setattr(
        httpx, "Client", lambda **kw: real_client(transport=httpx.MockTransport(offline))
    )
    (problem,) = ensure(tmp_path, (PACKAGE,))
    assert "could not download" in problem and "run `registry assets`" in problem

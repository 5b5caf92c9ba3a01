"""Recorded snapshots: replayed by URL, recorded from a live transport, and all valid."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from harvesters.snapshots import RecordingTransport, SnapshotTransport, normalise_url

SNAPSHOTS = Path(__file__).resolve().parents[2] / "registry" / "snapshots"


def test_query_order_does_not_matter():
    assert normalise_url("https://X.org/a?b=2&a=1") == normalise_url("https://x.org/a?a=1&b=2")


def test_recording_then_replaying_gives_the_same_answers(tmp_path):
    def live(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/list":
            return httpx.Response(
                200, json={"page": request.url.params["page"]}, headers={"etag": '"e1"'}
            )
        return httpx.Response(404, text="missing")

    recorder = RecordingTransport(httpx.MockTransport(live), tmp_path / "snap", source="demo")
    with httpx.Client(transport=recorder) as client:
        assert client.get("https://src.example/list?page=1").json() == {"page": "1"}
        assert client.get("https://src.example/nope").status_code == 404

    index = json.loads((tmp_path / "snap" / "index.json").read_text())
    assert index["source"] == "demo" and len(index["responses"]) == 2
    with httpx.Client(transport=SnapshotTransport(tmp_path / "snap")) as client:
        assert client.get("https://src.example/list?page=1").json() == {"page": "1"}
        assert client.get("https://src.example/nope").status_code == 404
        assert client.get("https://src.example/list?page=2").status_code == 404  # not recorded
        again = client.get("https://src.example/list?page=1", headers={"if-none-match": '"e1"'})
        assert again.status_code == 304


@pytest.mark.parametrize("folder", sorted(p.name for p in SNAPSHOTS.iterdir() if p.is_dir()))
def test_every_shipped_snapshot_is_complete_and_dated(folder):
    index = json.loads((SNAPSHOTS / folder / "index.json").read_text(encoding="utf-8"))
    assert index["source"] == folder
    assert index["recorded"] == "2026-11-26"
    assert index.get("note"), "each snapshot says how it was made"
    for entry in index["responses"]:
        if entry.get("file"):
            assert (SNAPSHOTS / folder / entry["file"]).is_file(), entry["file"]


def test_every_known_source_has_a_snapshot():
    import tomllib

    sources = tomllib.loads((SNAPSHOTS.parent / "sources.toml").read_text(encoding="utf-8"))
    names = {s["name"] for s in sources["source"]}
    assert names == {p.name for p in SNAPSHOTS.iterdir() if p.is_dir()}

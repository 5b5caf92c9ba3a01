"""``registry harvest ...`` and ``/api/harvest`` over a recorded snapshot of a fake source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import harvesters
from registry.cli import app

runner = CliRunner()
URL = "https://source.example/items.json"


@pytest.fixture
def fake_source(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nname = "fake-source"\nkind = "fake"\ntitle = "A fake"\n'
        f'url = "{URL}"\n\n'
        '[[source]]\nname = "broken-source"\nkind = "fake"\ntitle = "Always fails"\n'
        'url = "https://source.example/missing.json"\n',
        encoding="utf-8",
    )
    snapshots = tmp_path / "snapshots"
    for name, entries in (
        (
            "fake-source",
            [
                {"guid": "a", "title": "Police workforce"},
                {"guid": "b", "title": "B", "fail": "bad"},
            ],
        ),
        ("broken-source", None),
    ):
        folder = snapshots / name
        folder.mkdir(parents=True)
        responses = []
        if entries is not None:
            (folder / "items.json").write_text(json.dumps(entries), encoding="utf-8")
            responses = [
                {
                    "url": URL,
                    "status": 200,
                    "content_type": "application/json",
                    "file": "items.json",
                }
            ]
        index = {"source": name, "recorded": "2026-11-26", "responses": responses}
        (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_SOURCES_FILE", str(sources))
    monkeypatch.setenv("REGISTRY_SNAPSHOTS_DIR", str(snapshots))
    monkeypatch.setenv("REGISTRY_HARVEST_MIN_INTERVAL", "0")
    monkeypatch.setenv("REGISTRY_HARVEST_RETRIES", "0")
    return snapshots


def test_harvest_list_run_and_preview(fake_source):
    listed = runner.invoke(app, ["harvest", "list"])
    assert listed.exit_code == 0
    assert "fake-source" in listed.stdout and "never" in listed.stdout

    preview = runner.invoke(app, ["harvest", "preview", "fake-source", "--snapshots"])
    assert preview.exit_code == 0
    assert "a: fake-a: Police workforce" in preview.stdout
    assert "b: FAILED at transform: cannot map b: bad" in preview.stdout

    run = runner.invoke(app, ["harvest", "run", "fake-source", "--snapshots"])
    assert run.exit_code == 0, run.output
    assert "fake-source: succeeded 1 added, 1 failed" in run.stderr
    assert "succeeded" in runner.invoke(app, ["harvest", "list"]).stdout


def test_a_snapshot_can_be_harvested_again(fake_source):
    assert runner.invoke(app, ["harvest", "run", "fake-source", "--snapshots"]).exit_code == 0
    again = runner.invoke(app, ["harvest", "run", "fake-source", "--snapshots"])
    assert again.exit_code == 0, again.output
    assert "fake-source: succeeded 1 failed, 1 unchanged" in again.stderr


def test_a_failed_source_never_stops_the_others(fake_source):
    result = runner.invoke(app, ["harvest", "run", "--all", "--snapshots"])
    assert result.exit_code == 1  # one source failed
    assert "broken-source: failed" in result.stderr and "HTTP 404" in result.stderr
    assert "fake-source: succeeded" in result.stderr


def test_unknown_source_is_named(fake_source):
    result = runner.invoke(app, ["harvest", "run", "no-such", "--snapshots"])
    assert result.exit_code == 1
    assert "no harvest source 'no-such'" in result.stderr or "no recorded snapshot" in result.stderr


def test_harvest_api(fake_source, client):
    runner.invoke(app, ["harvest", "run", "--all", "--snapshots"])
    sources = {s["name"]: s for s in client.get("/api/harvest/sources").json()}
    assert sources["fake-source"]["last_run"]["status"] == "succeeded"
    assert sources["fake-source"]["records"] == 1
    assert sources["broken-source"]["last_success"] is None
    run_id = sources["fake-source"]["last_run"]["id"]
    run = client.get(f"/api/harvest/runs/{run_id}").json()
    assert run["counts"] == {"added": 1, "failed": 1}
    failed = client.get(f"/api/harvest/runs/{run_id}", params={"state": "failed"}).json()
    assert failed["items"] == [
        {
            "guid": "b",
            "dataset_id": None,
            "state": "failed",
            "stage": "transform",
            "message": "cannot map b: bad",
        }
    ]
    assert client.get("/api/harvest/runs/9999").status_code == 404
    assert client.get(f"/api/harvest/runs/{run_id}", params={"state": "lost"}).status_code == 422


def test_record_writes_a_snapshot_from_a_live_source(tmp_path, database_url, monkeypatch):
    """--record harvests a real HTTP server (on 127.0.0.1) and the snapshot replays the same."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = json.dumps([{"guid": "live", "title": "Fire and rescue workforce"}]).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/items.json" else 404)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")
        url = f"http://127.0.0.1:{server.server_address[1]}/items.json"
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "local"\nkind = "fake"\nurl = "{url}"\n', encoding="utf-8"
        )
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("REGISTRY_SOURCES_FILE", str(sources))
        monkeypatch.setenv("REGISTRY_SNAPSHOTS_DIR", str(tmp_path / "snapshots"))
        monkeypatch.setenv("REGISTRY_ALLOW_PRIVATE_URLS", "true")  # the server is on 127.0.0.1
        recorded = runner.invoke(app, ["harvest", "run", "local", "--record"])
        assert recorded.exit_code == 0, recorded.output
        assert "local: succeeded 1 added" in recorded.stderr
    finally:
        server.shutdown()
    index = json.loads((tmp_path / "snapshots" / "local" / "index.json").read_text())
    assert [r["url"] for r in index["responses"]] == [url]
    replayed = runner.invoke(app, ["harvest", "run", "local", "--snapshots"])
    assert replayed.exit_code == 0 and "local: succeeded 1 unchanged" in replayed.stderr

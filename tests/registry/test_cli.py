"""The ``registry`` command, run as a user would (Typer's runner, or a real process for demo)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from builders import dataset, organisation
from typer.testing import CliRunner

from registry.cli import app

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REGISTRY_BASE_URI", "http://registry.test")
    return {"DATABASE_URL": database_url}


def hundred_lines_three_bad() -> list[str]:
    lines = [json.dumps(organisation("cabinet-office", name="Cabinet Office"))]
    lines += [
        json.dumps(dataset(f"ds-{i:03d}", publisher="cabinet-office", licence="ogl-3"))
        for i in range(99)
    ]
    lines[9] = json.dumps(dataset("ds-bad-licence", licence="whatever"))  # line 10
    lines[49] = '{"type": "dataset", "id": "ds-broken", "title": "unterminated'  # line 50
    lines[98] = json.dumps(dataset("ds-no-title", title=""))  # line 99
    return lines


def test_load_keeps_97_good_lines_and_names_the_3_bad(env, tmp_path):
    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(hundred_lines_three_bad()) + "\n", encoding="utf-8")

    result = runner.invoke(app, ["load", str(source)])

    assert result.exit_code == 1
    named = re.findall(r"records\.jsonl:line (\d+): (.*)", result.stderr)
    assert [int(n) for n, _ in named] == [10, 50, 99]
    reasons = dict(named)
    assert "licence" in reasons["10"] and "whatever" in reasons["10"]
    assert "not valid JSON" in reasons["50"]
    assert "title" in reasons["99"]
    assert "97 records: organisations 1 added; datasets 96 added; 3 bad lines" in result.stdout

    again = runner.invoke(app, ["load", str(source)])
    assert (
        "97 records: organisations 1 unchanged; datasets 96 unchanged; 3 bad lines" in again.stdout
    )


def test_load_missing_file_is_an_error(env, tmp_path):
    result = runner.invoke(app, ["load", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "is not a file" in result.stderr


def test_export_round_trips_through_load(env, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(hundred_lines_three_bad()[:5]) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["load", str(source)]).exit_code == 0
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["export", "--output", str(out)]).exit_code == 0
    exported = out.read_text(encoding="utf-8").splitlines()
    assert len(exported) == 5
    again = runner.invoke(app, ["load", str(out)])
    assert "5 records: organisations 1 unchanged; datasets 4 unchanged; 0 bad lines" in again.stdout


def test_db_upgrade_and_current(env):
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 0 and re.match(r"current: (\d+); newest: \1$", result.stdout.strip())


def test_vocab_check_passes_and_show_prints_a_tree(env):
    result = runner.invoke(app, ["vocab", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("0 errors")
    shown = runner.invoke(app, ["vocab", "show", "grade"])
    assert shown.exit_code == 0
    assert "<http://registry.test/vocab/grade>" in shown.stdout
    assert re.search(r"^  executive: ", shown.stdout, re.MULTILINE)
    assert re.search(r"^    scs2: Director", shown.stdout, re.MULTILINE)
    unknown = runner.invoke(app, ["vocab", "show", "colours"])
    assert unknown.exit_code == 2 and "unknown vocabulary 'colours'" in unknown.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_harvests_every_snapshot_and_serves_it(env):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "registry", "demo", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/datasets", timeout=2).json()
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                time.sleep(0.3)
        assert body is not None, "demo did not start within 120 s"
        assert body["total"] >= 60
        sectors = next(f for f in body["facets"] if f["name"] == "sector")
        assert len(sectors["values"]) >= 8
        publishers = next(f for f in body["facets"] if f["name"] == "publisher")
        # Publishers are linked to organisations: the facet shows their names, not their ids.
        assert all(v["label"] != v["value"] for v in publishers["values"])
        sources = httpx.get(f"http://127.0.0.1:{port}/api/harvest/sources", timeout=5).json()
        assert all(s["last_run"]["status"] == "succeeded" for s in sources)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_classify_reads_json_lines_and_writes_concepts():
    lines = [
        json.dumps(
            {
                "title": "Civil Service Statistics: ethnicity by responsibility level",
                "description": "",
                "keywords": [],
                "columns": [
                    {"name": "Responsibility_level_grouped", "values": ["SCS level", "G6/G7"]}
                ],
            }
        ),
        json.dumps(
            {
                "title": "Organogram",
                "columns": [{"name": "Grade (or equivalent)", "values": ["SCS2"]}],
            }
        ),
        "{broken",
    ]
    result = runner.invoke(app, ["classify"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0
    first, second, third = [json.loads(line) for line in result.stdout.splitlines()]
    assert "civil-service" in first["sectors"] and "ethnicity" in first["attributes"]
    assert {"executive", "senior-manager"} <= set(first["grades"])
    assert second["grades"] == ["executive"]
    assert third["error"].startswith("line 3")


@pytest.mark.parametrize(
    ("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")]
)
def test_export_streams_the_dcat_catalogue(env, tmp_path, fmt, parser):
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF

    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(hundred_lines_three_bad()[:8]) + "\n", encoding="utf-8")
    runner.invoke(app, ["load", str(source)])
    out = tmp_path / f"catalogue.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format=parser)
    assert len(set(graph.subjects(RDF.type, DCAT.Dataset))) == 7
    assert len(set(graph.subjects(RDF.type, DCAT.Catalog))) == 1


def test_a_failed_export_leaves_the_earlier_file_as_it_was(env, tmp_path, monkeypatch):
    import registry.catalog_dump

    def breaks_half_way(out, **_kwargs):
        out.write("<http://a> <http://b> <http://c> .\n")
        raise OSError("the database went away")

    monkeypatch.setattr(registry.catalog_dump, "write_dump", breaks_half_way)
    out = tmp_path / "catalogue.nt"
    out.write_text("yesterday's complete dump\n", encoding="utf-8")
    result = runner.invoke(app, ["export", "--format", "nt", "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "yesterday's complete dump\n"
    assert not out.with_name("catalogue.nt.part").exists()  # nothing half-written left


def test_export_refuses_unknown_formats(env):
    result = runner.invoke(app, ["export", "--format", "xlsx"])
    assert result.exit_code == 2 and "formats are jsonl" in result.stderr


SHAPES = Path(__file__).resolve().parents[2].parent / "shared" / "dcat-ap"


@pytest.mark.skipif(not SHAPES.is_dir(), reason="the DCAT-AP shapes in ../shared are not here")
def test_validate_reports_conformance(env, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(hundred_lines_three_bad()[:4]) + "\n", encoding="utf-8")
    runner.invoke(app, ["load", str(source)])
    result = runner.invoke(app, ["validate", "--shapes", str(SHAPES)])
    assert result.exit_code == 0, result.output
    assert "triples checked against the dcat-ap-3 shapes" in result.stdout
    assert "conforms" in result.stdout
    missing = runner.invoke(app, ["validate", "--shapes", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no DCAT-AP SHACL shapes" in missing.stderr

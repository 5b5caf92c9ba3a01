"""The whole-catalogue dump: one process or several, the same graph; how the work is cut."""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from importlib import resources

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from registry import catalog_dump
from registry.catalog_dump import auto_jobs, catalogue_graph, runs, write_dump

RDF_NAMES = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture
def demo(load):
    text = resources.files("registry").joinpath("demo/records.jsonl").read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    withdrawn = {
        "type": "dataset",
        "id": "gone",
        "title": "Withdrawn",
        "withdrawn": {"at": "2024-05-01T00:00:00Z", "reason": "superseded"},
    }
    assert load([*lines, withdrawn]).errors == []
    return lines


def dumped(settings, fmt: str, jobs: int, tmp_path) -> tuple[str, int]:
    path = tmp_path / f"dump-{jobs}.{fmt}"
    with path.open("w", encoding="utf-8") as out:
        used = write_dump(out, settings=settings, fmt=fmt, profile="dcat-ap-3", jobs=jobs)
    return path.read_text(encoding="utf-8"), used


@pytest.mark.parametrize("fmt", sorted(RDF_NAMES))
def test_a_dump_in_pieces_is_the_graph_of_the_dump_in_one(demo, settings, session, fmt, tmp_path):
    whole, one = dumped(settings, fmt, 1, tmp_path)
    pieces, three = dumped(settings, fmt, 3, tmp_path)
    assert (one, three) == (1, 3)
    expected = catalogue_graph(session=session, settings=settings, profile="dcat-ap-3")
    for text in (whole, pieces):
        graph = Graph().parse(data=text, format=RDF_NAMES[fmt])
        assert isomorphic(graph, expected)
    if fmt == "ttl":  # one prefix block, at the top: later pieces use its names
        assert pieces.count("@prefix dcat:") == 1 and pieces.startswith("@prefix")
    if fmt == "nt":  # each piece labels its blank nodes apart
        assert "_:p1n1 " in pieces and "_:p2n1 " in pieces
    if fmt == "jsonld":
        assert len(json.loads(pieces)["@graph"]) > len(demo)
    if fmt == "rdf":
        assert pieces.count("<rdf:RDF") == 1 and pieces.rstrip().endswith("</rdf:RDF>")


def test_a_dump_to_a_stream_without_a_file_still_joins_the_pieces(demo, settings, session):
    out = io.StringIO()
    assert write_dump(out, settings=settings, fmt="nt", profile="dcat-ap-3", jobs=2) == 2
    graph = Graph().parse(data=out.getvalue(), format="nt")
    expected = catalogue_graph(session=session, settings=settings, profile="dcat-ap-3")
    assert isomorphic(graph, expected)


def test_a_failing_piece_fails_the_dump_and_leaves_no_scratch_files(
    demo, settings, session, tmp_path
):
    # Workers that cannot open their database: the dump raises rather than end half written.
    broken = settings.model_copy(update={"database_url": f"sqlite:///{tmp_path}/missing/x.db"})
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cut = runs(list(range(1, 40)), 3)
    with pytest.raises(Exception, match="unable to open database file"):
        catalog_dump._write_pieces(
            io.StringIO(), session, broken, "nt", "dcat-ap-3", None, cut, scratch
        )
    assert list(scratch.iterdir()) == []


def test_jsonl_is_written_by_one_process_whatever_is_asked(demo, settings):
    out = io.StringIO()
    assert write_dump(out, settings=settings, fmt="jsonl", profile="dcat-ap-3", jobs=4) == 1
    assert len(out.getvalue().splitlines()) == len(demo) + 1


def test_runs_cover_every_pk_in_order_in_near_equal_runs():
    pks = list(range(10, 113))
    for jobs in (1, 2, 3, 7, 103, 500):
        cut = runs(pks, jobs)
        assert [pk for run in cut for pk in run] == pks
        assert len(cut) == min(jobs, len(pks)) and all(cut)
        assert max(map(len, cut)) - min(map(len, cut)) <= 1
    assert runs([], 3) == [[]]


def test_auto_jobs_takes_one_process_per_20000_records_up_to_the_cpus(monkeypatch):
    monkeypatch.setattr(catalog_dump.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert [auto_jobs(n) for n in (0, 19_999, 40_000, 100_000)] == [1, 1, 2, 2]
    monkeypatch.setattr(catalog_dump.os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert auto_jobs(1_000_000) == catalog_dump.MAX_AUTO_JOBS


def test_python_dash_m_registry_export_in_pieces_to_a_pipe(demo, settings, session):
    # The command as a user runs it: spawned workers (which skip re-running a package's
    # __main__), the pieces sent on down a pipe.
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REGISTRY_BASE_URI": settings.base_uri,
    }
    done = subprocess.run(
        [sys.executable, "-m", "registry", "export", "-f", "nt", "-j", "2"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    graph = Graph().parse(data=done.stdout.decode(), format="nt")
    expected = catalogue_graph(session=session, settings=settings, profile="dcat-ap-3")
    assert isomorphic(graph, expected)


def test_a_dump_is_written_at_the_settings_collection_threshold_then_restores_it(demo, settings):
    seen: list[tuple[int, ...]] = []

    class Watching(io.StringIO):
        def writelines(self, lines) -> None:  # type: ignore[override]
            for line in lines:
                seen.append(gc.get_threshold())
                self.write(line)

    before = gc.get_threshold()
    out = Watching()
    write_dump(
        out,
        settings=settings.model_copy(update={"gc_threshold": 23_456}),
        fmt="nt",
        profile="dcat-ap-3",
        jobs=1,
    )
    assert out.getvalue() and set(seen) == {(23_456, *before[1:])}
    assert gc.get_threshold() == before

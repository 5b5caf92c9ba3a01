"""SIGKILL in the middle of a harvest and of ``registry load``: what was committed is whole
(datasets, distributions, coverage and the search index agree), the run is marked interrupted,
and the next run or load completes the work.

The harvest stalls on purpose: a CKAN source on 127.0.0.1 (bench/harvest_server.py) holds its
second page until the test has killed the harvesting process, so the kill lands with the first
page's last items stored but not committed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from registry.harvest import run_source, seed_sources
from registry.harvest.run import COMMIT_EVERY
from registry.harvest.scheduler import reap_stuck_runs
from registry.loading import export_lines
from schemas import Dataset, HarvestItem, HarvestRun

BENCH = Path(__file__).resolve().parents[2] / "bench"
PAGE = 30  # the first page: COMMIT_EVERY items committed, the rest in the open transaction
SIZE = 60
LINES = 2000  # datasets loaded by `registry load` (batches of 500 lines)


def _environment(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    # The stalling source is on 127.0.0.1, which the address guard refuses unless allowed.
    env.update(
        DATABASE_URL=database_url,
        REGISTRY_HARVEST_MIN_INTERVAL="0",
        REGISTRY_URL_ALLOWLIST="127.0.0.1",
        **extra,
    )
    return env


def _wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def catalogue_lines(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(export_lines(session=session))


def assert_consistent(engine: Engine) -> int:
    """Every dataset has its search rows, and nothing points at a dataset that is not there."""
    with engine.connect() as conn:
        datasets = conn.execute(text("SELECT count(*) FROM dataset")).scalar_one()
        indexed = conn.execute(text("SELECT count(*) FROM dataset_fts")).scalar_one()
        faceted = conn.execute(
            text("SELECT count(DISTINCT dataset_pk) FROM dataset_facet")
        ).scalar_one()
        orphans = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM distribution WHERE dataset_id NOT IN "
                "(SELECT id FROM dataset)) + (SELECT count(*) FROM coverage WHERE dataset_id "
                "NOT IN (SELECT id FROM dataset)) + (SELECT count(*) FROM harvest_record "
                "WHERE dataset_id IS NOT NULL AND dataset_id NOT IN (SELECT id FROM dataset))"
            )
        ).scalar_one()
    assert (indexed, faceted, orphans) == (datasets, datasets, 0)
    return datasets


@pytest.fixture
def stalling_source(tmp_path: Path):
    """A CKAN catalogue of SIZE packages on 127.0.0.1 whose second page waits for ``release``."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    from harvest_server import Catalogue, serve

    catalogue = Catalogue(size=SIZE, seed=3, files=False)
    reached, release = threading.Event(), threading.Event()
    plain = catalogue.answer

    def answer(target: str):
        if f"start={PAGE}" in target and not release.is_set():
            reached.set()
            release.wait(60)
        return plain(target)

    catalogue.answer = answer  # type: ignore[method-assign]
    with serve(catalogue) as base:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[source]]\nname = "stalling"\nkind = "ckan"\nurl = "{base}/api/3/action/"\n'
            f"[source.options]\nrows = {PAGE}\nincremental = false\n",
            encoding="utf-8",
        )
        yield sources, reached, release
        release.set()


def test_a_harvest_killed_midway_is_whole_marked_and_completed_next_time(
    stalling_source, database_url, settings, engine
):
    sources, reached, release = stalling_source
    env = _environment(database_url, REGISTRY_SOURCES_FILE=str(sources))
    harvest = subprocess.Popen(
        [sys.executable, "-m", "registry", "harvest", "run", "stalling"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert reached.wait(120), harvest.stderr.read().decode() if harvest.poll() else "no call"
        harvest.send_signal(signal.SIGKILL)
        harvest.wait(30)
    finally:
        if harvest.poll() is None:
            harvest.kill()
            harvest.wait()
    assert harvest.returncode == -signal.SIGKILL

    with Session(engine) as session:
        (run,) = session.execute(select(HarvestRun)).scalars()
        assert run.status == "running"  # as the killed process left it
        items = session.execute(
            select(func.count()).select_from(HarvestItem).where(HarvestItem.run_id == run.id)
        ).scalar_one()
    # The first page's first COMMIT_EVERY items were committed, whole; the rest rolled back.
    assert assert_consistent(engine) == COMMIT_EVERY == items
    committed = set(catalogue_lines(engine))

    harvest_settings = settings.model_copy(
        update={"sources_file": sources, "harvest_min_interval": 0.0}
    )
    with Session(engine) as session:
        (reaped,) = reap_stuck_runs(session=session, settings=harvest_settings)
        assert reaped.status == "interrupted" and "stopped before it finished" in reaped.message
        release.set()
        seed_sources(session=session, settings=harvest_settings)
        with httpx.Client() as client:
            again = run_source(
                session=session, settings=harvest_settings, name="stalling", client=client
            )
        assert again.status == "succeeded"
        assert again.counts == {"unchanged": COMMIT_EVERY, "added": SIZE - COMMIT_EVERY}
    assert assert_consistent(engine) == SIZE
    final = set(catalogue_lines(engine))
    assert committed < final  # every record kept from the killed run is exactly as finished


def _lines() -> list[str]:
    lines = [json.dumps({"type": "organisation", "id": "crash-org", "name": "Crash Org"})]
    for i in range(LINES):
        lines.append(
            json.dumps(
                {
                    "id": f"crash-{i:05d}",
                    "title": f"Police workforce by grade and ethnicity {i}",
                    "publisher": "crash-org",
                    "keywords": ["police", f"k{i}"],
                    "distributions": [
                        {"access_url": f"https://example.org/{i}/a.csv", "format": "csv"},
                        {"access_url": f"https://example.org/{i}/b.pdf", "format": "pdf"},
                    ],
                    "coverage": [
                        {"scheme": "sector", "concept": "police", "provenance": "declared"},
                        {"scheme": "attribute", "concept": "ethnicity", "provenance": "observed"},
                    ],
                }
            )
        )
    return lines


def test_a_load_killed_midway_keeps_whole_batches_and_the_next_load_completes_it(
    database_url, engine, tmp_path
):
    lines = _lines()
    env = _environment(database_url)
    load = subprocess.Popen(
        [sys.executable, "-m", "registry", "load", "-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # stdin stays open: the last line waits for the end of input that never comes.
        load.stdin.write(("\n".join(lines) + "\n").encode())
        load.stdin.flush()

        def some_loaded() -> bool:
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(Dataset)).scalar_one() > 0

        _wait_for(some_loaded)
        load.send_signal(signal.SIGKILL)  # most likely while a later batch is being written
        load.wait(30)
    finally:
        if load.poll() is None:
            load.kill()
            load.wait()
    kept = assert_consistent(engine)
    assert kept % 500 == 499 and kept < LINES  # whole batches only (the first holds the org)
    committed = set(catalogue_lines(engine))

    source = tmp_path / "records.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = subprocess.run(
        [sys.executable, "-m", "registry", "load", str(source)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert f"{kept} unchanged" in again.stdout and f"{LINES - kept} added" in again.stdout
    assert assert_consistent(engine) == LINES
    assert committed < set(catalogue_lines(engine))

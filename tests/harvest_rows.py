"""Harvest bookkeeping rows written straight into the tables (a source, a finished run with a
failed and a rejected item), for the pages that show them; the harvest itself is tested in
tests/registry/test_harvest_run.py."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session

from schemas import HarvestItem, HarvestRun, HarvestSource

STARTED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FINISHED = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)


def record_harvest(session: Session, *, text: str = "Example feed") -> tuple[int, int]:
    """Two sources (one never run) and one run with four items; ``text`` goes wherever a
    source or its items put words (title, messages, guid). Returns (run id, empty run id)."""
    session.add(
        HarvestSource(
            name="example-feed", kind="dcat", url="https://example.org/catalog.ttl", title=text
        )
    )
    session.add(
        HarvestSource(
            name="idle-source",
            kind="ckan",
            url="https://ckan.example.org/api/3/action/",
            enabled=False,
        )
    )
    session.flush()
    run = HarvestRun(
        source_name="example-feed",
        status="succeeded",
        started_at=STARTED,
        finished_at=FINISHED,
        counts={"added": 2, "failed": 2},
        message=f"finished: {text}",
    )
    empty = HarvestRun(
        source_name="example-feed",
        status="succeeded",
        started_at=FINISHED,
        finished_at=FINISHED,
        counts={"unchanged": 2},
    )
    session.add_all([run, empty])
    session.flush()
    assert run.id is not None and empty.id is not None
    session.add_all(
        [
            HarvestItem(run_id=run.id, guid="ok-1", dataset_id="ok-1", state="added"),
            HarvestItem(run_id=run.id, guid="ok-2", dataset_id="ok-2", state="added"),
            HarvestItem(
                run_id=run.id,
                guid=f"bad-{text}",
                state="failed",
                stage="transform",
                message=f"title is missing; {text}",
            ),
            HarvestItem(
                run_id=run.id,
                guid="too-long",
                state="failed",
                stage="store",
                message="not stored: DataError: value too long",
            ),
            HarvestItem(run_id=empty.id, guid="ok-1", state="unchanged"),
        ]
    )
    session.commit()
    return run.id, empty.id

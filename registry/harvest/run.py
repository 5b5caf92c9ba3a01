"""The shared harvest run loop: gather, process, store, account for every item, withdraw.

Each item ends ``added``, ``updated``, ``unchanged``, ``withdrawn`` or ``failed`` (with the
stage and message). One bad item never aborts a run; a listing that fails marks the run
``failed`` (never ``succeeded``); a run past its time limit stops and is marked ``timed-out``.
Records gone from the source are withdrawn only after a full, successful pass and a grace
period. Work is committed every few items, so a crash keeps what was finished.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import httpx
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

import harvesters
from harvesters.base import HarvestError, RunTimeout, SourceConfig
from harvesters.http import HarvestClient, Validator
from registry.config import Settings
from registry.gaps.snapshots import snapshot_after_run
from registry.harvest.bookkeeping import Bookkeeper
from registry.harvest.fingerprint import payload_hash
from registry.harvest.leases import process_holder
from registry.harvest.process import Enricher, Processed, process_item
from registry.harvest.sources import get_source, http_policy
from schemas import HarvestRun, HarvestValidator, ItemState, RunStatus, describe_errors
from schemas.common import now

COMMIT_EVERY = 25
Progress = Callable[[str, str], None]  # (guid, state)


def run_source(
    *,
    session: Session,
    settings: Settings,
    name: str,
    client: httpx.Client,
    limit: int | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> HarvestRun:
    """Harvest one source into the database and return its finished run."""
    source = get_source(session=session, name=name)
    _mark_interrupted(session, name)
    since = session.execute(
        select(HarvestRun.started_at)
        .where(HarvestRun.source_name == name, HarvestRun.status == RunStatus.succeeded.value)
        .order_by(HarvestRun.started_at.desc())
    ).scalar()
    if settings.harvest_from == "snapshots":
        since = None  # a snapshot is a whole listing; a date filter would ask for another URL
    run = HarvestRun(source_name=name, holder=process_holder())
    session.add(run)
    session.commit()
    counts: Counter[str] = Counter()
    status, message = RunStatus.succeeded, None
    http = HarvestClient(
        client,
        policy=http_policy(settings),
        validators=_validators(session, name),
        deadline=clock() + settings.harvest_time_limit,
        sleep=sleep,
        clock=clock,
    )
    book = Bookkeeper(session=session, source_name=name, run=run)
    complete = False
    # The run's own objects (its records above all) stay loaded across its intermediate
    # commits: expiring them all at each commit costs O(records) per commit, and reloading each
    # one a query. Only this run writes them; the final commit expires everything as usual.
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        harvester = harvesters.load(source.kind)(
            SourceConfig(name, source.kind, source.url, dict(source.options), since), http
        )
        enricher = Enricher(http, settings.harvest_profile_max_bytes, book.known_profiles())
        for index, item in enumerate(harvester.gather(), start=1):
            if book.already_seen(item.guid):
                continue  # the same remote record listed twice: one item
            digest = None if item.not_modified else payload_hash(source.kind, item.payload)
            if book.is_current(item.guid, digest):
                state = book.skip(item.guid)  # same payload, same mapping: nothing to redo
            else:
                state = book.store(item, process_item(harvester, item, enricher), digest)
            counts[state] += 1
            if progress:
                progress(item.guid, state)
            if index % COMMIT_EVERY == 0:
                book.flush_items()
                session.commit()
            if clock() > (http.deadline or float("inf")):
                raise RunTimeout("the run passed its time limit")
            if limit is not None and index >= limit:
                break
        else:
            complete = True
    # Items already stored stay stored: each was written in its own savepoint.
    except RunTimeout as exc:
        status, message = RunStatus.timed_out, str(exc)
    except harvesters.UnknownHarvester as exc:
        status, message = RunStatus.failed, str(exc)
    except ValidationError as exc:
        status, message = RunStatus.failed, "options: " + "; ".join(describe_errors(exc))
    except HarvestError as exc:
        status, message = RunStatus.failed, f"reading the source failed: {exc}"
    except Exception as exc:  # a harvester bug in gather: the source failed, not the registry
        status, message = RunStatus.failed, f"gather failed: {exc.__class__.__name__}: {exc}"
    finally:
        session.expire_on_commit = expire_on_commit
    if complete and harvester.listed_everything():
        grace = timedelta(hours=settings.harvest_withdraw_after_hours)
        if withdrawn := book.withdraw_missing(grace=grace):
            counts[ItemState.withdrawn.value] += withdrawn
    if (
        status is RunStatus.succeeded
        and counts
        and counts[ItemState.failed.value] == sum(counts.values())
    ):
        status, message = RunStatus.failed, "every item failed"
    book.flush_items()
    _keep_validators(session, name, http.seen)
    run.status = status.value
    run.message = message
    run.counts = dict(counts)
    run.finished_at = now()
    session.add(run)
    session.commit()
    # Every run leaves a snapshot of the gap matrix for the trend; never at the run's expense.
    snapshot_after_run(session=session, run_id=run.id)
    return run


def preview_source(
    *, session: Session, settings: Settings, name: str, client: httpx.Client, limit: int = 10
) -> list[Processed]:
    """A dry run of the first ``limit`` items: what a run would store, writing nothing."""
    source = get_source(session=session, name=name)
    config = SourceConfig(name, source.kind, source.url, dict(source.options))
    return preview_config(settings=settings, config=config, client=client, limit=limit)


def preview_config(
    *, settings: Settings, config: SourceConfig, client: httpx.Client, limit: int = 10
) -> list[Processed]:
    """A dry run of a source that need not be saved yet (preview before saving)."""
    http = HarvestClient(client, policy=http_policy(settings))
    harvester = harvesters.load(config.kind)(config, http)
    enricher = Enricher(http, settings.harvest_profile_max_bytes)
    found: list[Processed] = []
    for item in harvester.gather():
        found.append(process_item(harvester, item, enricher))
        if len(found) >= limit:
            break
    return found


def _mark_interrupted(session: Session, name: str) -> None:
    """Runs left ``running`` by a process that died are marked so before a new one starts."""
    for stale in session.execute(
        select(HarvestRun).where(
            HarvestRun.source_name == name, HarvestRun.status == RunStatus.running.value
        )
    ).scalars():
        stale.status = RunStatus.interrupted.value
        stale.message = "the process running it stopped before it finished"
        stale.finished_at = now()
    session.commit()


def _validators(session: Session, name: str) -> dict[str, Validator]:
    return {
        url: Validator(etag=etag, last_modified=last_modified)
        for url, etag, last_modified in session.execute(
            select(
                HarvestValidator.url, HarvestValidator.etag, HarvestValidator.last_modified
            ).where(HarvestValidator.source_name == name)
        )
    }


def _keep_validators(session: Session, name: str, seen: dict[str, Validator]) -> None:
    if not seen:
        return
    known = {  # the source's rows, read once (not one query per URL)
        row.url: row
        for row in session.execute(
            select(HarvestValidator).where(HarvestValidator.source_name == name)
        ).scalars()
    }
    for url, validator in seen.items():
        if len(url) > 1000:
            continue
        row = known.get(url) or HarvestValidator(source_name=name, url=url)
        row.etag = (validator.etag or "")[:500] or None
        row.last_modified = (validator.last_modified or "")[:100] or None
        session.add(row)

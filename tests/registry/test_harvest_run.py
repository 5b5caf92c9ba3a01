"""The shared run loop: item states, faults, withdrawal, duplicates, time limits, preview."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

import harvesters
from registry.config import Settings
from registry.harvest import preview_source, run_source
from schemas import Dataset, HarvestItem, HarvestRun, HarvestSource

URL = "https://source.example/items.json"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")


@pytest.fixture
def harvest_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"harvest_min_interval": 0.0, "harvest_withdraw_after_hours": 0.0}
    )


def add_source(session: Session, name: str = "fake-source", url: str = URL) -> None:
    session.add(HarvestSource(name=name, kind="fake", url=url))
    session.commit()


def serve(routes: dict[str, Any]) -> httpx.Client:
    """A client whose responses come from ``routes``: URL -> JSON body, Response or handler."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = routes.get(str(request.url))
        if callable(answer):
            return answer(request)
        if isinstance(answer, httpx.Response):
            return answer
        if answer is None:
            return httpx.Response(404, text="no such page")
        return httpx.Response(200, json=answer)

    return httpx.Client(transport=httpx.MockTransport(handle))


SLEEPS: list[float] = []  # what the run loop asked to sleep, in the latest harvest()


def harvest(session, settings, routes, name="fake-source", **kwargs) -> HarvestRun:
    SLEEPS.clear()
    kwargs.setdefault("sleep", SLEEPS.append)
    return run_source(session=session, settings=settings, name=name, client=serve(routes), **kwargs)


def items(session: Session, run: HarvestRun) -> dict[str, tuple[str, str | None, str | None]]:
    rows = session.execute(select(HarvestItem).where(HarvestItem.run_id == run.id)).scalars()
    return {r.guid: (r.state, r.stage, r.message) for r in rows}


def entries(*guids: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"guid": g, "title": f"Dataset {g}", **extra} for g in guids]


def datasets(session: Session) -> dict[str, str]:
    session.expire_all()
    return dict(session.execute(select(Dataset.id, Dataset.status)).all())


def test_first_run_adds_then_rerun_changes_nothing(session, harvest_settings):
    add_source(session)
    first = harvest(session, harvest_settings, {URL: entries("a", "b")})
    assert first.status == "succeeded" and first.counts == {"added": 2}
    assert datasets(session) == {"fake-a": "active", "fake-b": "active"}
    owner = session.execute(select(Dataset.source_name).where(Dataset.id == "fake-a")).scalar()
    assert owner == "fake-source"

    second = harvest(session, harvest_settings, {URL: entries("a", "b")})
    assert second.counts == {"unchanged": 2}

    changed = entries("a", "b")
    changed[1]["title"] = "Renamed"
    third = harvest(session, harvest_settings, {URL: changed})
    assert third.counts == {"unchanged": 1, "updated": 1}


def test_unchanged_payloads_are_not_mapped_again(session, harvest_settings, monkeypatch):
    from fakes import FakeHarvester

    from registry.harvest import fingerprint

    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a", "b")})
    FakeHarvester.transformed.clear()
    again = harvest(session, harvest_settings, {URL: entries("a", "b")})
    assert again.counts == {"unchanged": 2} and FakeHarvester.transformed == []

    # New mapping code (a harvester, schema or vocabulary change): everything is mapped again.
    monkeypatch.setattr(fingerprint, "mapping_fingerprint", lambda: "another version")
    remapped = harvest(session, harvest_settings, {URL: entries("a", "b")})
    assert remapped.counts == {"unchanged": 2} and FakeHarvester.transformed == ["a", "b"]


def test_one_bad_item_never_aborts_the_run(session, harvest_settings):
    add_source(session)
    listing = [*entries("a"), {"guid": "b", "title": "B", "fail": "no title field"}, *entries("c")]
    run = harvest(session, harvest_settings, {URL: listing})
    assert run.status == "succeeded"
    assert run.counts == {"added": 2, "failed": 1}
    state, stage, message = items(session, run)["b"]
    assert (state, stage) == ("failed", "transform") and "no title field" in message
    assert set(datasets(session)) == {"fake-a", "fake-c"}


def test_every_item_failing_is_a_failed_run(session, harvest_settings):
    add_source(session)
    run = harvest(session, harvest_settings, {URL: [{"guid": "x", "title": "X", "fail": "bad"}]})
    assert run.status == "failed" and run.message == "every item failed"


def test_a_failing_listing_fails_the_run_and_loses_nothing(session, harvest_settings):
    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a", "b")})
    page2 = "https://source.example/items.json?page=2"
    routes = {
        URL: {"items": entries("a", "c"), "next": page2},
        page2: httpx.Response(500, text="boom"),
    }
    run = harvest(session, harvest_settings, routes)
    assert run.status == "failed"
    assert "HTTP 500" in run.message
    # c was stored before the failure; b was not seen but the pass was incomplete: kept.
    assert datasets(session) == {"fake-a": "active", "fake-b": "active", "fake-c": "active"}
    assert SLEEPS == [0.5, 1.0, 2.0]  # retried with back-off before giving up


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (
            httpx.Response(200, text="<!DOCTYPE html><html>Service unavailable</html>"),
            "expected JSON",
        ),
        (httpx.Response(200, text='{"items": [1, 2'), "malformed JSON"),
        (httpx.Response(200, headers={"content-length": "5000000000"}, text="x"), "byte limit"),
        (httpx.Response(404, text="gone"), "HTTP 404"),
    ],
)
def test_source_faults_fail_the_run_with_a_clear_message(session, harvest_settings, answer, words):
    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a")})
    run = harvest(session, harvest_settings, {URL: answer})
    assert run.status == "failed" and words in run.message
    assert datasets(session) == {"fake-a": "active"}


def test_an_error_body_is_quoted(session, harvest_settings):
    add_source(session)
    body = {"success": False, "error": {"message": "Invalid search query", "__type": "Search"}}
    run = harvest(session, harvest_settings, {URL: httpx.Response(409, json=body)})
    assert run.status == "failed"
    assert "HTTP 409" in run.message and "Invalid search query" in run.message


def test_timeouts_and_redirect_loops(session, harvest_settings):
    add_source(session)

    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    run = harvest(session, harvest_settings, {URL: timeout})
    assert run.status == "failed" and "timed out" in run.message

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": URL})

    run = harvest(session, harvest_settings, {URL: loop})
    assert run.status == "failed" and "redirect" in run.message


def test_retry_after_is_honoured(session, harvest_settings):
    add_source(session)
    answers = [
        httpx.Response(429, headers={"retry-after": "7"}),
        httpx.Response(200, json=entries("a")),
    ]
    run = harvest(session, harvest_settings, {URL: lambda _request: answers.pop(0)})
    assert run.status == "succeeded" and SLEEPS == [7.0]


def test_items_gone_from_the_source_are_withdrawn_after_the_grace_period(session, harvest_settings):
    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a", "b")})
    patient = harvest_settings.model_copy(update={"harvest_withdraw_after_hours": 48.0})
    run = harvest(session, patient, {URL: entries("a")})
    assert datasets(session)["fake-b"] == "active"  # missing, but within the grace period
    run = harvest(session, harvest_settings, {URL: entries("a")})
    assert run.counts == {"unchanged": 1, "withdrawn": 1}
    assert datasets(session) == {"fake-a": "active", "fake-b": "withdrawn"}  # kept, not deleted
    back = harvest(session, harvest_settings, {URL: entries("a", "b")})
    assert back.counts["updated"] == 1 and datasets(session)["fake-b"] == "active"


def test_an_incremental_listing_withdraws_nothing(session, harvest_settings):
    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a", "b")})
    run = harvest(session, harvest_settings, {URL: {"items": entries("a"), "incremental": True}})
    assert run.status == "succeeded" and run.counts == {"unchanged": 1}
    assert datasets(session) == {"fake-a": "active", "fake-b": "active"}


def test_withdrawn_notice_withdraws_the_record(session, harvest_settings):
    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a")})
    run = harvest(session, harvest_settings, {URL: entries("a", withdrawn="superseded")})
    assert items(session, run)["a"][0] == "withdrawn"
    reason = session.execute(select(Dataset.withdrawn_reason)).scalar()
    assert "superseded" in reason


def test_duplicate_guids_are_one_item(session, harvest_settings):
    add_source(session)
    run = harvest(session, harvest_settings, {URL: entries("a", "a", "b")})
    assert run.counts == {"added": 2}


def test_duplicates_across_sources_are_linked_not_doubled(session, harvest_settings):
    add_source(session, "first")
    add_source(session, "second", url="https://other.example/list.json")
    page = "https://www.gov.uk/government/statistics/police-workforce"
    harvest(session, harvest_settings, {URL: entries("x", landing_page=page)}, name="first")
    run = harvest(
        session,
        harvest_settings,
        {"https://other.example/list.json": entries("y", landing_page=page + "/")},
        name="second",
    )
    assert run.status == "succeeded"
    assert datasets(session) == {"fake-x": "active"}
    assert "linked" in items(session, run)["y"][2]


def test_a_run_past_its_time_limit_stops_and_says_so(session, harvest_settings):
    add_source(session)
    ticks = iter(range(0, 10_000, 400))
    limited = harvest_settings.model_copy(update={"harvest_time_limit": 1000.0})
    run = harvest(session, limited, {URL: entries(*"abcdefgh")}, clock=lambda: next(ticks))
    assert run.status == "timed-out" and "time limit" in run.message
    assert 0 < len(datasets(session)) < 8  # what was done is kept


def test_unknown_kind_and_bad_options_fail_the_run(session, harvest_settings):
    session.add(HarvestSource(name="odd", kind="no-such-kind", url=URL))
    session.commit()
    run = harvest(session, harvest_settings, {}, name="odd")
    assert run.status == "failed" and "no harvester of kind 'no-such-kind'" in run.message


def test_runs_left_running_are_marked_interrupted(session, harvest_settings):
    add_source(session)
    session.add(HarvestRun(source_name="fake-source"))
    session.commit()
    harvest(session, harvest_settings, {URL: entries("a")})
    statuses = session.execute(select(HarvestRun.status).order_by(HarvestRun.id)).scalars().all()
    assert statuses == ["interrupted", "succeeded"]


def test_preview_writes_nothing(session, harvest_settings):
    add_source(session)
    found = preview_source(
        session=session,
        settings=harvest_settings,
        name="fake-source",
        client=serve({URL: entries("a", "b", "c")}),
        limit=2,
    )
    assert [p.guid for p in found] == ["a", "b"]
    assert found[0].records.datasets[0].id == "fake-a"
    assert session.execute(select(func.count()).select_from(Dataset)).scalar() == 0
    assert session.execute(select(func.count()).select_from(HarvestRun)).scalar() == 0


def test_payload_kept_for_remapping(session, harvest_settings):
    from schemas import HarvestRecord

    add_source(session)
    harvest(session, harvest_settings, {URL: entries("a")})
    payload = session.execute(select(HarvestRecord.payload)).scalar()
    assert json.loads(json.dumps(payload))["title"] == "Dataset a"

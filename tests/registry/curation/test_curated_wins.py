"""A re-harvest never overwrites what a person set, and every change is a version."""

from __future__ import annotations

import pytest
from accounts import bearer
from sqlalchemy import select
from sqlmodel import Session

import harvesters
from registry.curation import edits
from registry.curation.restore import restore
from registry.errors import PreconditionFailed
from registry.harvest import run_source
from registry.history import current_version, get_version, history
from schemas import Coverage, HarvestSource

URL = "https://source.example/items.json"
ID = "fake-a"


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(harvesters.HARVESTERS, "fake", "fakes:FakeHarvester")


@pytest.fixture
def harvest(session, settings):
    settings = settings.model_copy(update={"harvest_min_interval": 0.0})
    session.add(HarvestSource(name="fake-source", kind="fake", url=URL))
    session.commit()

    def run(title: str):
        import httpx

        entries = [{"guid": "a", "title": title, "landing_page": "https://example.org/a"}]
        client = httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json=entries))
        )
        return run_source(
            session=session,
            settings=settings,
            name="fake-source",
            client=client,
            sleep=lambda s: None,
        )

    return run


def statements(session: Session) -> set[tuple[str, str, str]]:
    session.expire_all()
    return {
        (c.scheme, c.concept, c.provenance)
        for c in session.execute(select(Coverage).where(Coverage.dataset_id == ID)).scalars()
    }


def test_curated_fields_and_coverage_survive_reharvest(session, harvest, client, tokens):
    first = harvest("Police workforce: sex of chief constables")
    assert first.counts == {"added": 1}
    inferred = statements(session)
    assert ("sector", "police", "inferred") in inferred
    assert ("attribute", "sex", "inferred") in inferred

    edits.update_dataset(
        session=session,
        dataset_id=ID,
        changes=_update(title="Chief officers by sex"),
        actor="eve",
        expected_version=1,
        reason="clearer",
    )
    edits.remove_coverage(
        session=session,
        dataset_id=ID,
        scheme="sector",
        concept="police",
        reason="it is fire",
        actor="eve",
        expected_version=2,
    )
    edits.add_coverage(
        session=session,
        dataset_id=ID,
        scheme="sector",
        concept="fire",
        reason="fire services",
        actor="eve",
        expected_version=3,
    )

    second = harvest("Police workforce: sex and ethnicity of chief constables")
    assert second.counts == {"updated": 1}
    body = client.get(f"/api/datasets/{ID}").json()
    assert body["title"] == "Chief officers by sex"
    assert {c["field"]: c["harvested"] for c in body["curated"]} == {
        "title": "Police workforce: sex and ethnicity of chief constables"
    }
    now = statements(session)
    assert ("sector", "police", "inferred") not in now  # suppressed: the harvest inferred it again
    assert ("sector", "fire", "curated") in now
    assert ("attribute", "ethnicity", "inferred") in now  # the source's new words still count
    assert client.get("/api/datasets", params={"sector": "police"}).json()["total"] == 0
    assert client.get("/api/datasets", params={"sector": "fire"}).json()["total"] == 1

    # The harvest's change is a version of its own, by the harvest and its run.
    newest = history(session=session, dataset_id=ID).versions[0]
    assert newest.actor == "harvest:fake-source" and newest.run_id == second.id
    assert set(newest.diff) == {"coverage"}
    assert newest.diff["coverage"]["added"][0]["concept"] == "ethnicity"

    third = harvest("Police workforce: sex and ethnicity of chief constables")
    assert third.counts == {"unchanged": 1}
    assert current_version(session=session, dataset_id=ID) == 5


def test_curated_withdrawal_survives_reharvest(session, harvest):
    harvest("Fire leaders")
    edits.set_status(
        session=session,
        dataset_id=ID,
        status=_withdrawn(),
        actor="eve",
        expected_version=1,
        reason="duplicate",
    )
    harvest("Fire leaders, 2024")
    from schemas import Dataset

    session.expire_all()
    row = session.execute(select(Dataset).where(Dataset.id == ID)).scalar_one()
    assert (row.status, row.title, row.withdrawn_reason) == (
        "withdrawn",
        "Fire leaders, 2024",
        "duplicate",
    )


def test_history_diff_and_restore(session, harvest, client, tokens):
    harvest("Police leaders")
    edits.update_dataset(
        session=session,
        dataset_id=ID,
        changes=_update(title="Chief constables", keywords=["police"]),
        actor="eve",
        expected_version=1,
        reason="better title",
    )
    page = client.get(f"/api/datasets/{ID}/history").json()
    assert page["total"] == 2
    newest, oldest = page["versions"]
    assert (newest["version"], newest["actor"], newest["action"], newest["reason"]) == (
        2,
        "eve",
        "update",
        "better title",
    )
    assert newest["diff"] == {
        "keywords": {"old": [], "new": ["police"]},
        "title": {"old": "Police leaders", "new": "Chief constables"},
    }
    assert (oldest["version"], oldest["action"], oldest["actor"]) == (
        1,
        "create",
        "harvest:fake-source",
    )
    assert (
        client.get(f"/api/datasets/{ID}/history", params={"size": 1, "page": 2}).json()["versions"][
            0
        ]["version"]
        == 1
    )
    detail = client.get(f"/api/datasets/{ID}/history/1").json()
    assert detail["record"]["title"] == "Police leaders"
    assert client.get(f"/api/datasets/{ID}/history/9").status_code == 404
    assert client.get("/api/datasets/nope/history").status_code == 404

    restored = client.post(
        f"/api/datasets/{ID}/restore",
        json={"version": 1, "reason": "the old title was right"},
        headers=bearer(tokens["editor"], **{"If-Match": '"2"'}),
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["title"] == "Police leaders"
    assert restored.json()["keywords"] == []
    assert restored.headers["ETag"] == '"3"'
    version = get_version(session=session, dataset_id=ID, version=3)
    assert (version.actor, version.action, version.reason) == (
        "eve",
        "update",
        "the old title was right",
    )
    assert version.diff["title"] == {"old": "Chief constables", "new": "Police leaders"}
    # Restored values are curated: the next harvest does not undo them either.
    harvest("Police leaders (revised)")
    assert client.get(f"/api/datasets/{ID}").json()["title"] == "Police leaders"


def test_restore_brings_back_removed_coverage_and_status(session, harvest):
    harvest("Police workforce by sex")
    edits.remove_coverage(
        session=session,
        dataset_id=ID,
        scheme="attribute",
        concept="sex",
        reason="wrong",
        actor="eve",
        expected_version=1,
    )
    edits.set_status(
        session=session,
        dataset_id=ID,
        status=_withdrawn(),
        actor="eve",
        expected_version=2,
        reason="gone",
    )
    restore(
        session=session,
        dataset_id=ID,
        version=1,
        actor="ada",
        expected_version=3,
        reason="both were right",
    )
    assert ("attribute", "sex", "curated") in statements(session)
    snapshot = get_version(session=session, dataset_id=ID, version=4).record
    assert snapshot["status"] == "active"
    with pytest.raises(PreconditionFailed):
        restore(
            session=session,
            dataset_id=ID,
            version=1,
            actor="ada",
            expected_version=3,
            reason="again",
        )


def test_harvest_withdrawal_is_a_version(session, settings, harvest):
    harvest("Police leaders")
    import httpx

    gone = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json=[])))
    run = run_source(
        session=session,
        settings=settings.model_copy(
            update={"harvest_withdraw_after_hours": 0.0, "harvest_min_interval": 0.0}
        ),
        name="fake-source",
        client=gone,
        sleep=lambda s: None,
    )
    newest = history(session=session, dataset_id=ID).versions[0]
    assert (newest.action, newest.actor, newest.run_id) == (
        "withdraw",
        "harvest:fake-source",
        run.id,
    )
    assert newest.diff["status"] == {"old": "active", "new": "withdrawn"}


def _update(**values):
    from schemas import DatasetUpdate

    return DatasetUpdate(**values)


def _withdrawn():
    from schemas import RecordStatus

    return RecordStatus.withdrawn

"""Seeding the harvest sources from the sources file (at the start of every `registry harvest`)
keeps what an admin set through the API, and still brings unedited sources up to date."""

from __future__ import annotations

from accounts import bearer
from sqlalchemy import update

from registry.harvest import seed_sources
from schemas import HarvestSource

EDITED = "govuk-organisations"
UNEDITED = "govuk-civil-service-statistics"


def test_seeding_keeps_an_admins_edit(client, session, settings, tokens):
    seed_sources(session=session, settings=settings)
    answer = client.patch(
        f"/api/harvest/sources/{EDITED}",
        json={"title": "Organisations (mirror)", "url": "https://mirror.example/organisations"},
        headers=bearer(tokens["admin"]),
    )
    assert answer.status_code == 200, answer.text
    session.execute(
        update(HarvestSource).where(HarvestSource.name == UNEDITED).values(title="stale title")
    )
    session.commit()

    changed = seed_sources(session=session, settings=settings)

    session.expire_all()
    edited = session.get(HarvestSource, EDITED)
    assert (edited.title, edited.url) == (
        "Organisations (mirror)",
        "https://mirror.example/organisations",
    )
    assert edited.edited_by == "ada" and edited.edited_at is not None
    assert EDITED not in changed
    unedited = session.get(HarvestSource, UNEDITED)
    assert unedited.title != "stale title" and UNEDITED in changed


def test_disabling_alone_does_not_mark_a_source_edited(client, session, settings, tokens):
    seed_sources(session=session, settings=settings)
    client.post(f"/api/harvest/sources/{EDITED}/disable", headers=bearer(tokens["admin"]))
    session.expire_all()
    source = session.get(HarvestSource, EDITED)
    assert not source.enabled and source.edited_by is None

"""The app keeps the catalogue the matrix reads per generation and day: reused while nothing
changes, read again after any write or on a new day, so the matrix is never stale."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from registry.gaps.cache import CatalogueCache

RECORD = {
    "type": "dataset",
    "id": "scs-sex",
    "title": "Senior civil servants by sex",
    "licence": "ogl-3",
    "coverage": [
        {"scheme": "sector", "concept": "civil-service", "provenance": "curated"},
        {"scheme": "grade", "concept": "scs2", "provenance": "curated"},
        {"scheme": "attribute", "concept": "sex", "provenance": "curated"},
    ],
}


def test_kept_while_nothing_changes_and_read_again_after_a_write(engine, load):
    cache, day = CatalogueCache(), date(2026, 12, 2)
    with Session(engine) as session:
        first = cache.read(session=session, today=day)
        assert cache.read(session=session, today=day) is first
        assert cache.read(session=session, today=date(2026, 12, 3)) is not first
    assert first.n == 0
    assert load([RECORD]).errors == []
    with Session(engine) as session:
        after = cache.read(session=session, today=day)
    assert after.n == 1 and after.ids == ("scs-sex",)


def test_the_api_matrix_follows_writes(client, load):
    params = {"sector": "civil-service", "grade": "executive", "attribute": "sex"}
    assert client.get("/api/gaps", params=params).json()["cells"][0]["datasets"] == 0
    assert load([RECORD]).errors == []
    cell = client.get("/api/gaps", params=params).json()["cells"][0]
    assert cell["datasets"] == 1 and cell["best"] == "scs-sex"
    evidence = client.get("/api/gaps/cells/civil-service/executive/sex").json()
    assert [e["dataset"] for e in evidence["evidence"]] == ["scs-sex"]

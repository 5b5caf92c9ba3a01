"""The facet index patched after each write equals one rebuilt from scratch.

Random writes of every kind the registry makes (a harvest's upserts in small batches, a bulk
load, withdrawals, reactivation, organisation renames) on whichever database the suite uses;
after each, the index the search patched from the change log is compared with a fresh
``build_index``: every value's bitset, each dataset's facet values, both orders and the
publisher names.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from registry.search import Search
from registry.search import changes as search_changes
from registry.search.engine import build_index, current_generation
from registry.search.facets import FacetIndex
from registry.store import upsert_datasets, upsert_organisations, withdraw_dataset
from schemas import DatasetCreate, OrganisationCreate

PUBLISHERS = ("cabinet-office", "home-office", "nhs-england", "dfe")
SECTORS = ("civil-service", "police", "nhs", "schools")
GRADES = ("scs2", "scs", "nhs-vsm", "chief-constable", "headteacher", "executive")
ATTRIBUTES = ("sex", "ethnicity", "pay", "disability")
TITLES = ("Pay", "pay", "Ethnicity", "Ärzte", "zebra", "Álgebra", "a", "Workforce", "_x", "10")


def comparable(index: FacetIndex) -> dict[str, Any]:
    """What a search reads from an index, independent of how codes were numbered."""
    doc_values = [frozenset(index.codes[ord(char)] for char in chars) for chars in index.doc_codes]
    while doc_values and not doc_values[-1]:
        doc_values.pop()
    return {
        "bits": index.bits,
        "doc_values": doc_values,
        "code_total": index.code_total,
        "orders": {name: list(order) for name, order in index.orders.items()},
        "order_keys": index.order_keys,
        "positions": index.positions,
        "order_blocks": index.order_blocks,
        "publisher_names": index.publisher_names,
    }


def random_dataset(rng: random.Random, number: int) -> DatasetCreate:
    coverage = [{"scheme": "sector", "concept": rng.choice(SECTORS)}]
    coverage += [{"scheme": "grade", "concept": g} for g in rng.sample(GRADES, rng.randint(0, 2))]
    coverage += [
        {"scheme": "attribute", "concept": a} for a in rng.sample(ATTRIBUTES, rng.randint(0, 2))
    ]
    modified = (
        None
        if rng.random() < 0.2
        else f"20{rng.randint(18, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z"
    )
    return DatasetCreate.model_validate(
        {
            "id": f"ds-{number:04d}",
            "title": f"{rng.choice(TITLES)} {rng.randint(0, 3)}",
            "description": "Random.",
            "publisher": rng.choice(PUBLISHERS),
            "licence": rng.choice(("ogl-3", "other-closed", None)),
            "themes": rng.sample(["gove", "just", "heal", "educ"], rng.randint(0, 2)),
            "modified": modified,
            "distributions": [
                {"access_url": f"https://example.gov.uk/{number}.{fmt}", "format": fmt}
                for fmt in rng.sample(["csv", "ods", "pdf"], rng.randint(0, 2))
            ],
            "coverage": coverage,
        }
    )


def write(session: Session, rng: random.Random, kind: str, stored: set[int]) -> None:
    """One random write of this kind, committed; ``stored`` (dataset numbers) kept up to date."""
    top = max(stored, default=-1) + 1
    if kind == "upsert":  # a harvest's commit: new and changed records
        numbers = {rng.randrange(top + 10) for _ in range(rng.randint(1, 25))}
        upsert_datasets(session=session, records=[random_dataset(rng, n) for n in numbers])
    elif kind == "load":  # a bulk load: more than the change log lists, so a rebuild
        numbers = set(range(top, top + search_changes.MAX_LISTED + 1))
        upsert_datasets(session=session, records=[random_dataset(rng, n) for n in numbers])
    elif kind == "withdraw":
        numbers = set()
        for number in rng.sample(sorted(stored), rng.randint(1, 5)):
            withdraw_dataset(session=session, dataset_id=f"ds-{number:04d}", reason="gone")
    else:  # a renamed publisher: its name is a facet label
        numbers = set()
        publisher = rng.choice(PUBLISHERS)
        upsert_organisations(
            session=session,
            records=[OrganisationCreate(id=publisher, name=f"{publisher} {rng.random():.3f}")],
        )
    session.commit()
    stored |= numbers


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patched_index_equals_a_rebuilt_one_after_every_write(engine, session, seed):
    rng = random.Random(seed)
    upsert_organisations(
        session=session, records=[OrganisationCreate(id=p, name=p.title()) for p in PUBLISHERS]
    )
    session.commit()
    search = Search(engine)
    stored: set[int] = set()
    # Every kind of write, in a random order after a few harvest commits (withdrawals and a
    # reactivating upsert then find records to act on).
    kinds = ["upsert"] * 8 + ["withdraw"] * 5 + ["rename"] * 2 + ["load"]
    rng.shuffle(kinds)
    for kind in ["upsert"] * 3 + kinds:
        write(session, rng, kind, stored)
        with engine.connect() as conn:
            patched = search.facet_index(conn)
            fresh = build_index(conn, current_generation(conn))
        assert patched.generation == fresh.generation
        assert comparable(patched) == comparable(fresh), kind
    assert search.refreshes["patched"] >= 15  # all but the first and the bulk load


def test_each_write_logs_the_datasets_it_changed(engine, session):
    upsert_organisations(session=session, records=[OrganisationCreate(id="dfe", name="DfE")])
    upsert_datasets(session=session, records=[random_dataset(random.Random(1), n) for n in (1, 2)])
    withdraw_dataset(session=session, dataset_id="ds-0002", reason="gone")
    session.commit()
    rows = session.execute(
        text("SELECT generation, dataset_pk FROM search_change ORDER BY 1, 2")
    ).all()
    pks = dict(session.execute(text("SELECT id, pk FROM dataset")).all())
    assert [tuple(r) for r in rows] == [
        (1, search_changes.NO_DATASET),
        (2, pks["ds-0001"]),
        (2, pks["ds-0002"]),
        (3, pks["ds-0002"]),
    ]
    with engine.connect() as conn:
        assert search_changes.changed_since(conn, 1, 3) == {pks["ds-0001"], pks["ds-0002"]}
        assert search_changes.changed_since(conn, 2, 3) == {pks["ds-0002"]}
        assert search_changes.changed_since(conn, 3, 3) == set()
        assert search_changes.changed_since(conn, 0, 3) == {pks["ds-0001"], pks["ds-0002"]}
        assert search_changes.changed_since(conn, 4, 3) is None  # the counter went back
        assert search_changes.changed_since(conn, 1, 3, limit=1) is None  # too many


def test_the_change_log_is_pruned_and_an_index_older_than_it_is_rebuilt(
    engine, session, monkeypatch
):
    monkeypatch.setattr(search_changes, "KEEP_GENERATIONS", 3)
    rng = random.Random(5)
    upsert_organisations(
        session=session, records=[OrganisationCreate(id=p, name=p) for p in PUBLISHERS]
    )
    session.commit()
    search = Search(engine)
    with engine.connect() as conn:
        search.facet_index(conn)
    for number in range(6):
        upsert_datasets(session=session, records=[random_dataset(rng, number)])
        session.commit()
    generations = session.execute(text("SELECT DISTINCT generation FROM search_change")).all()
    assert sorted(g for (g,) in generations) == [5, 6, 7]
    with engine.connect() as conn:
        index = search.facet_index(conn)
        assert comparable(index) == comparable(build_index(conn, current_generation(conn)))
    assert search.refreshes == {"rebuilt": 2}

"""The bitset path (registry/gaps/bitsets.py) gives exactly the cells of the straightforward
path (read_facts + build), on a generated catalogue varied in everything the scorer reads:
coverage and its provenance, grades (sector grades, groups, workforce, none), licences,
formats, optional fields, and dates on both sides of each recency step."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

import vocab
from registry.gaps import method
from registry.gaps.bitsets import bitset_cells, members, read_catalogue
from registry.gaps.facts import read_facts
from registry.gaps.matrix import build, cell_evidence
from registry.gaps.scoring import recency_since
from tests.builders import dataset

TODAY = date(2026, 6, 30)
N = 300
PROVENANCES = ("declared", "declared", "inferred", "observed", "curated")


def _day(rng: random.Random) -> date:
    """Often a day either side of a recency step, else any day of the last five years."""
    if rng.random() < 0.5:
        return rng.choice(recency_since(TODAY)) - timedelta(days=rng.choice((-1, 0, 1)))
    return TODAY - timedelta(days=rng.randint(-30, 5 * 365))


def _record(i: int, rng: random.Random) -> dict:
    notations = {s: [c.notation for c in vocab.load(s)] for s in ("sector", "grade", "attribute")}
    coverage = []
    for scheme, most in (("sector", 2), ("grade", 3), ("attribute", 4)):
        low = 1 if scheme != "grade" else 0  # some state no grade: workforce-wide
        if scheme != "grade" and rng.random() < 0.05:
            low = 0  # and a few no sector or no attribute: placed nowhere
        for concept in rng.sample(notations[scheme], rng.randint(low, most)):
            coverage.append(
                {"scheme": scheme, "concept": concept, "provenance": rng.choice(PROVENANCES)}
            )
    if rng.random() < 0.15:
        coverage.append(
            {"scheme": "grade", "concept": method.WORKFORCE, "provenance": rng.choice(PROVENANCES)}
        )
    unique = {(c["scheme"], c["concept"]): c for c in coverage}
    formats = [c.notation for c in vocab.load("format")]
    fields: dict = {
        "coverage": list(unique.values()),
        "distributions": [
            {
                "access_url": f"https://example.org/{i}/{k}",
                **({"format": rng.choice(formats)} if rng.random() < 0.9 else {}),
                **(
                    {"download_url": f"https://example.org/{i}/{k}/f"} if rng.random() < 0.5 else {}
                ),
                **({"media_type": "text/csv"} if rng.random() < 0.4 else {}),
                **({"byte_size": rng.randint(1, 10**6)} if rng.random() < 0.5 else {}),
            }
            for k in range(rng.choice((0, 1, 1, 2, 3)))
        ],
    }
    optional = {
        "licence": lambda: rng.choice([c.notation for c in vocab.load("licence")]),
        "accrual_periodicity": lambda: rng.choice([*method.REGULARITY, "irregular"]),
        "granularity": lambda: rng.choice(("individual", "aggregate-by-grade", "workforce")),
        "access_rights": lambda: "public",
        "keywords": lambda: ["leaders"],
        "themes": lambda: ["gove"],
        "spatial": lambda: ["England"],
        "contact_point": lambda: {"name": "Team", "email": "team@example.org"},
        "issued": lambda: _day(rng).isoformat(),
        "modified": lambda: datetime.combine(_day(rng), time(rng.randint(0, 23))).isoformat() + "Z",
        "temporal_start": lambda: date(2020, 1, 1).isoformat(),
        "temporal_end": lambda: _day(rng).isoformat(),
    }
    for name, make in optional.items():
        if rng.random() < 0.6:
            fields[name] = make()
    return dataset(f"ds-{i:04d}", **fields)


@pytest.fixture
def catalogue(load):
    rng = random.Random(5)
    report = load([_record(i, rng) for i in range(N)])
    assert report.errors == []


@pytest.mark.usefixtures("catalogue")
@pytest.mark.parametrize("grade_level", ["harmonised", "all"])
def test_the_bitset_path_gives_the_same_cells(session, grade_level):
    expected = build(read_facts(session=session), today=TODAY, grade_level=grade_level)
    found = bitset_cells(read_catalogue(session=session, today=TODAY), grade_level=grade_level)
    assert found.keys() == expected.keys()
    assert [vars(c) for c in found.values()] == [vars(c) for c in expected.values()]
    assert sum(c.datasets for c in found.values()) > N  # a catalogue that fills the matrix
    assert len({c.score for c in found.values()}) > 20


@pytest.mark.usefixtures("catalogue")
def test_a_cells_members_are_its_evidence(session):
    facts = read_facts(session=session)
    catalogue = read_catalogue(session=session, today=TODAY)
    cells = build(facts, today=TODAY, grade_level="all")
    busy = sorted(cells, key=lambda k: -cells[k].datasets)[:5]
    for key in busy:
        pks = members(catalogue, key, grade_level="all")
        ids = {e.dataset_id for e in cell_evidence(facts, key, today=TODAY)}
        assert len(pks) == cells[key].datasets == len(ids) > 0
        assert {f.id for f in read_facts(session=session, pks=pks)} == ids


def test_an_empty_catalogue_gives_empty_cells(session):
    cells = bitset_cells(read_catalogue(session=session, today=TODAY))
    assert cells and all(c.datasets == 0 and c.best is None for c in cells.values())

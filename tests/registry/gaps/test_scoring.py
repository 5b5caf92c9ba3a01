"""The gap scorer on small hand-made catalogues, each expected score worked out by hand from
the method table (registry/gaps/method.py, docs/gap-method.md)."""

from __future__ import annotations

from datetime import date

from registry.gaps.facts import Facts
from registry.gaps.matrix import Priorities, build, cell_evidence, nearest
from registry.gaps.scoring import band, evidence
from registry.quality.mqa import RECORD_MAXIMUM

TODAY = date(2026, 12, 1)


def facts(ident: str, **values) -> Facts:
    return Facts(id=ident, title=ident.title(), **values)


# A complete civil-service dataset: every factor at its maximum.
BEST = facts(
    "best",
    licence="ogl-3",
    accrual_periodicity="annual",
    granularity="individual",
    latest=date(2026, 3, 31),
    formats=("csv",),
    metadata_points=RECORD_MAXIMUM,
    coverage={
        "sector": {"civil-service": "declared"},
        "grade": {"scs2": "curated"},
        "attribute": {"sex": "observed"},
    },
)
# A PDF, closed, old, irregular, workforce-wide police dataset inferred from text.
WEAK = facts(
    "weak",
    licence="other-closed",
    accrual_periodicity="irregular",
    granularity="workforce",
    latest=date(2021, 6, 1),
    formats=("pdf",),
    metadata_points=130,
    coverage={
        "sector": {"police": "inferred"},
        "grade": {"workforce": "declared"},
        "attribute": {"sex": "declared", "ethnicity": "inferred"},
    },
)


def test_a_complete_dataset_scores_its_weakest_provenance():
    # 25 + 15 + 15 + 15 + 10 + 10 + 10 = 100 points; statements declared (0.9), curated (1.0),
    # observed (1.0): the weakest, declared, weighs 0.9 -> 90.
    found = evidence(BEST, at_grade=True, provenance="declared", today=TODAY)
    assert found.score == 90 and band(found.score) == "covered"
    assert [c.points for c in found.contributions] == [25, 15, 15, 15, 10, 10, 10]
    assert found.advice == ("coverage declared: a person confirming it would add 10",)


def test_a_weak_dataset_earns_only_its_metadata_and_says_what_would_raise_it():
    # grade 0 (workforce-wide), licence 0, format 0 (PDF), recency 0 (5.5 years),
    # regularity 0 (irregular), granularity 0 (workforce), metadata 10 x 130/325 = 4;
    # inferred weighs 0.75 -> 3.
    found = evidence(WEAK, at_grade=False, provenance="inferred", today=TODAY)
    assert found.score == 3 and band(found.score) == "gap"
    assert "published only as pdf: a CSV would add 11" in found.advice  # 15 x 0.75
    assert "workforce-wide only: figures at this grade would add 19" in found.advice  # 25 x .75
    assert found.advice[-1] == "coverage inferred: a person confirming it would add 1"


def test_recency_steps_and_regularity_shares():
    two_years = facts("x", latest=date(2025, 1, 1), accrual_periodicity="biennial")
    found = evidence(two_years, at_grade=True, provenance="curated", today=TODAY)
    points = {c.factor: c.points for c in found.contributions}
    # 1.9 years old: 2/3 of 15 = 10; biennial: 0.6 of 10 = 6; unknown granularity 0.3 x 10 = 3.
    assert (points["recency"], points["regularity"], points["granularity"]) == (10, 6, 3)
    assert found.score == 25 + 10 + 6 + 3


def test_the_matrix_rolls_sector_grades_up_and_keeps_the_best_evidence():
    cells = build([BEST, WEAK], today=TODAY)
    executive = cells[("civil-service", "executive", "sex")]  # scs2 rolls up to executive
    assert (executive.score, executive.datasets, executive.best) == (90, 1, "best")
    assert cells[("civil-service", "head-of-organisation", "sex")].score == 0  # not that grade
    # WEAK covers the police workforce: evidence for every level, at grade only for workforce.
    assert cells[("police", "workforce", "ethnicity")].score == round(
        (25 + 10 * 130 / RECORD_MAXIMUM) * 0.75
    )
    assert cells[("police", "executive", "sex")].score == 3
    assert cells[("police", "executive", "disability")].datasets == 0


def test_drill_down_places_the_sector_grade_itself():
    cells = build([BEST], today=TODAY, grade_level="all")
    assert cells[("civil-service", "scs2", "sex")].score == 90
    assert cells[("civil-service", "scs", "sex")].score == 90  # the SCS groups its pay bands
    assert cells[("civil-service", "scs3", "sex")].score == 0


def test_cell_evidence_lists_each_dataset_best_first():
    both = facts("also", coverage=BEST.coverage, metadata_points=0)
    found = cell_evidence([both, BEST], ("civil-service", "scs2", "sex"), today=TODAY)
    assert [e.dataset_id for e in found] == ["best", "also"]
    # "also": grade 25 + granularity 3 (not stated) = 28, declared 0.9 -> 25.
    assert found[1].score == 25


def test_priorities_favour_senior_grades_and_rank_the_gaps():
    cells = build([BEST], today=TODAY, priorities=Priorities(sector={"police": 2.0}))
    head = cells[("police", "head-of-organisation", "sex")]
    assert head.priority == 2.0 and head.need == 200.0
    middle = cells[("civil-service", "middle-manager", "location")]
    assert middle.priority == round(0.3 * 0.4, 4)
    assert cells[("civil-service", "executive", "sex")].need == round(0.9 * (100 - 90), 2)


def test_an_empty_cell_names_the_nearest_evidence():
    cells = build([BEST], today=TODAY)
    near = nearest(cells, ("civil-service", "head-of-organisation", "sex"))
    assert [c.grade for c in near["same_sector_other_grades"]] == ["executive"]
    assert near["same_grade_other_sectors"] == []

"""The grade chart's numbers, from hand-made profiles whose shares are worked out here."""

from __future__ import annotations

import pytest

from registry.web.chart import BAR_SPACE, grade_chart, layout, share_text
from schemas.profile import ColumnProfile, TableProfile

COLUMNS = [
    ColumnProfile(name="Status", values=["In post", "Leaver"], distinct_count=2),
    ColumnProfile(name="Grade", values=["G6/G7", "SCS"], distinct_count=2),
    ColumnProfile(name="Sex", values=["Female", "Male", "Total"], distinct_count=3),
    ColumnProfile(name="Headcount", kind="number", distinct_count=7, suppressed=1),
    ColumnProfile(name="Mean salary", kind="number", distinct_count=3),
]
SAMPLE = [
    ["In post", "G6/G7", "Female", "1,350", "60000"],
    ["In post", "G6/G7", "Male", "1650", "61000"],
    ["In post", "G6/G7", "Female", "[c]", "[c]"],
    ["In post", "SCS", "Female", "30", "90000"],
    ["In post", "SCS", "Male", "70", "91000"],
    ["In post", "SCS", "Total", "100", "90700"],
    ["Leaver", "SCS", "Female", "5", "80000"],
    ["Leaver", "SCS", "Male", "5", "80000"],
]


def profile(columns=COLUMNS, sample=SAMPLE, row_count=200) -> TableProfile:
    return TableProfile(format="csv", row_count=row_count, columns=columns, sample=sample)


def test_shares_by_grade_from_the_sample():
    chart = grade_chart(profile())
    assert chart is not None
    assert (chart.grade_column, chart.attribute_column, chart.count_column) == (
        "Grade",
        "Sex",
        "Headcount",
    )
    assert chart.attribute == "sex"
    assert chart.categories == ("Female", "Male")  # the "Total" row would count everyone twice
    # Leavers are not added to staff in post: Status is held at its first value.
    assert chart.held == (("Status", "In post"),)
    # SCS: 30 women of 100; G6/G7: 1,350 of 3,000 (the suppressed cell is left out).
    by_grade = {g.grade: g for g in chart.groups}
    assert [g.grade for g in chart.groups] == ["SCS", "G6/G7"]  # most senior first
    assert by_grade["SCS"].total == 100
    assert [(b.category, b.count, b.share) for b in by_grade["SCS"].bars] == [
        ("Female", 30, pytest.approx(0.30)),
        ("Male", 70, pytest.approx(0.70)),
    ]
    assert by_grade["G6/G7"].total == 3000
    assert [b.share for b in by_grade["G6/G7"].bars] == [
        pytest.approx(0.45),
        pytest.approx(0.55),
    ]
    assert (chart.rows_used, chart.suppressed, chart.rows_read, chart.row_count) == (4, 1, 8, 200)


def test_a_total_is_preferred_when_holding_a_column():
    everyone = [
        ["All", "G6/G7", "Female", "20", "1"],
        ["All", "G6/G7", "Male", "60", "1"],
        ["All", "SCS", "Female", "10", "1"],
        ["All", "SCS", "Male", "30", "1"],
    ]
    chart = grade_chart(profile(sample=SAMPLE + everyone))
    assert chart is not None and chart.held == (("Status", "All"),)
    assert [[b.share for b in g.bars] for g in chart.groups] == [[0.25, 0.75], [0.25, 0.75]]


def test_a_value_only_ever_suppressed_has_no_share():
    sample = [
        *SAMPLE,
        ["In post", "SCS", "Unknown", "[c]", "[c]"],
        ["In post", "G6/G7", "Unknown", "x", "x"],
    ]
    columns = [*COLUMNS]
    columns[2] = ColumnProfile(name="Sex", values=["Female", "Male", "Unknown"], distinct_count=3)
    chart = grade_chart(profile(columns=columns, sample=sample))
    assert chart is not None
    scs = next(g for g in chart.groups if g.grade == "SCS")
    assert [(b.category, b.share) for b in scs.bars][2] == ("Unknown", None)
    assert scs.bars[0].share == pytest.approx(0.30)
    assert chart.suppressed == 3
    assert share_text(None) == "suppressed" and share_text(0.3) == "30.0%"


@pytest.mark.parametrize(
    "change",
    [
        "no count column",
        "no grade column",
        "no attribute column",
        "attribute values cut short",
        "one grade only",
    ],
)
def test_no_chart_when_the_table_does_not_have_the_columns(change):
    columns = list(COLUMNS)
    sample = SAMPLE
    if change == "no count column":
        columns[3] = ColumnProfile(name="Mean pay", kind="number", distinct_count=7)
    elif change == "no grade column":
        columns[1] = ColumnProfile(name="Region", values=["North", "South"], distinct_count=2)
    elif change == "no attribute column":
        columns[2] = ColumnProfile(name="Team", values=["A", "B"], distinct_count=2)
    elif change == "attribute values cut short":
        columns[2] = ColumnProfile(name="Sex", values=["Female", "Male"], distinct_count=60)
    elif change == "one grade only":
        sample = [r for r in SAMPLE if r[1] == "SCS"]
    assert grade_chart(profile(columns=columns, sample=sample)) is None


def test_layout_places_a_labelled_bar_per_value():
    chart = grade_chart(profile())
    assert chart is not None
    drawn = layout(chart)
    assert [g.grade for g in drawn.groups] == ["SCS", "G6/G7"]
    bars = drawn.groups[0].bars
    assert [(b.label, b.value, b.width) for b in bars] == [
        ("Female", "30.0%", 0.3 * BAR_SPACE),
        ("Male", "70.0%", 0.7 * BAR_SPACE),
    ]
    ys = [b.y for g in drawn.groups for b in g.bars]
    assert ys == sorted(ys) and len(set(ys)) == 4  # no two bars overlap
    assert drawn.height > ys[-1]

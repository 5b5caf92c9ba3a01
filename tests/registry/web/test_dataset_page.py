"""The dataset page's files (column profile, first rows, grade chart), its related datasets,
and the organisation page's coverage; harvested column names and cells stay text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from builders import dataset, organisation
from catalogue import cov

import vocab
from registry.queries import get_dataset, related_datasets

HTML = {"Accept": "text/html"}
XSS = '<script>alert(1)</script>" onerror="x'
PROFILE = {
    "format": "csv",
    "row_count": 200,
    "columns": [
        {"name": "Status", "values": ["In post", "Leaver"], "distinct_count": 2},
        {"name": "Grade", "values": ["G6/G7", "SCS"], "distinct_count": 2},
        {"name": "Sex", "values": ["Female", "Male"], "distinct_count": 2},
        {"name": "Headcount", "kind": "number", "distinct_count": 6, "suppressed": 1},
        {"name": XSS, "values": [XSS], "distinct_count": 1, "missing": 3},
    ],
    "sample": [
        ["In post", "SCS", "Female", "30", XSS],
        ["In post", "SCS", "Male", "70", XSS],
        ["In post", "G6/G7", "Female", "1,350", XSS],
        ["In post", "G6/G7", "Male", "1650", XSS],
        ["In post", "G6/G7", "Male", "[c]", XSS],
        ["Leaver", "SCS", "Female", "5", XSS],
        ["Leaver", "SCS", "Male", "5", XSS],
    ],
}
# The same table with a salary where the count was: nothing to add up into shares.
NO_COUNT = [
    *PROFILE["columns"][:3],
    {"name": "Mean pay", "kind": "number"},
    PROFILE["columns"][4],
]
OBSERVED = [
    {
        "scheme": "grade",
        "concept": "scs",
        "provenance": "observed",
        "note": 'column "Grade" holds "SCS"',
    },
    {"scheme": "attribute", "concept": "sex", "provenance": "observed", "note": 'column "Sex"'},
]


class Tables(HTMLParser):
    """Every table's caption and rows of cell texts, by the table's id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tables: dict[str, dict] = {}
        self._table: dict | None = None
        self._cell: list[str] | None = None
        self._caption = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(found.get("id") or "", {"caption": "", "rows": []})
        elif self._table is not None and tag == "tr":
            self._table["rows"].append([])
        elif self._table is not None and tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._caption = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table is not None and self._cell is not None:
            self._table["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption":
            self._caption = False

    def handle_data(self, data):
        if self._caption and self._table is not None:
            self._table["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


@pytest.fixture
def catalogue(load):
    records = [
        organisation("cabinet-office", name="Cabinet Office"),
        organisation("home-office", name="Home Office"),
        dataset(
            "scs-sex",
            title="Sex of senior civil servants",
            publisher="cabinet-office",
            modified="2020-01-01T00:00:00Z",
            distributions=[
                {"access_url": "https://example.gov.uk/a.pdf", "format": "pdf"},
                {"access_url": "https://example.gov.uk/b.csv", "format": "csv", "profile": PROFILE},
            ],
            coverage=cov("sector", "civil-service") + OBSERVED,
        ),
        dataset(
            "rel-both",
            publisher="home-office",
            coverage=cov("sector", "civil-service") + cov("attribute", "sex"),
        ),
        dataset(
            "rel-two",
            publisher="home-office",
            coverage=cov("sector", "civil-service") + cov("grade", "scs") + cov("attribute", "pay"),
        ),
        dataset(
            "rel-pub",
            publisher="cabinet-office",
            modified="2024-01-01T00:00:00Z",
            coverage=cov("sector", "police") + cov("attribute", "ethnicity"),
        ),
        dataset(
            "no-chart",
            publisher="cabinet-office",
            distributions=[
                {
                    "access_url": "https://example.gov.uk/c.csv",
                    "format": "csv",
                    "profile": {
                        **PROFILE,
                        "columns": NO_COUNT,
                    },
                }
            ],
        ),
        dataset(
            "unrelated",
            publisher="home-office",
            coverage=cov("sector", "police") + cov("attribute", "ethnicity"),
        ),
    ]
    assert load(records).errors == []


@pytest.mark.usefixtures("catalogue")
def test_the_column_profile_and_the_first_rows(client):
    text = client.get("/datasets/scs-sex", headers=HTML).text
    tables = Tables(text).tables
    assert "columns-1" not in tables  # the PDF has no profile; numbers follow the file list
    columns = tables["columns-2"]
    assert columns["caption"] == "The 5 columns of file 2"
    assert columns["rows"][0] == [
        "Column",
        "Kind",
        "Distinct values",
        "Most frequent values",
        "Missing",
        "Suppressed",
        "Coverage read from it",
    ]
    rows = {r[0]: r for r in columns["rows"][1:]}
    assert rows["Grade"] == [
        "Grade",
        "text",
        "2",
        "G6/G7; SCS",
        "0",
        "0",
        "Senior Civil Service (grade)",
    ]
    assert rows["Sex"][-1] == "Sex (attribute)"
    assert rows["Headcount"] == ["Headcount", "number", "6", "not listed", "0", "1", "None"]
    assert rows[XSS][4] == "3"
    preview = tables["preview-2"]
    assert preview["caption"] == "The first 7 rows of 200"
    assert preview["rows"][0] == ["Status", "Grade", "Sex", "Headcount", XSS]
    assert preview["rows"][1] == PROFILE["sample"][0]
    assert len(preview["rows"]) == 1 + 7


@pytest.mark.usefixtures("catalogue")
def test_the_grade_chart_and_its_numbers(client):
    text = client.get("/datasets/scs-sex", headers=HTML).text
    (svg,) = re.findall(r"<svg role=\"img\".*?</svg>", text, re.S)
    assert 'aria-labelledby="chart-2-title chart-2-desc"' in svg
    assert '<title id="chart-2-title">Sex by Grade, file 2</title>' in svg
    assert '<desc id="chart-2-desc">' in svg
    assert svg.count("<rect") == 4  # SCS and G6/G7, women and men
    # Each bar's value is written beside it, in words, not only drawn.
    assert [v for v in ("30.0%", "70.0%", "45.0%", "55.0%") if f">{v}</text>" in svg] == [
        "30.0%",
        "70.0%",
        "45.0%",
        "55.0%",
    ]
    numbers = Tables(text).tables["chart-2-numbers"]["rows"]
    assert numbers[1:] == [
        ["SCS", "Female", "30", "30.0%"],
        ["SCS", "Male", "70", "70.0%"],
        ["G6/G7", "Female", "1,350", "45.0%"],
        ["G6/G7", "Male", "1,650", "55.0%"],
    ]
    caption = " ".join(re.search(r'id="chart-2-caption">(.*?)</p>', text, re.S)[1].split())
    assert "from the first 7 rows of 200 (4 used; where Status is In post)" in caption
    assert "1 suppressed or missing count left out" in caption


@pytest.mark.usefixtures("catalogue")
def test_no_chart_without_a_count_column_nor_files_section_without_profiles(client):
    text = client.get("/datasets/no-chart", headers=HTML).text
    assert "columns-1" in Tables(text).tables  # profiled, but nothing to chart
    assert '<svg role="img"' not in text and "chart-1" not in text
    plain = client.get("/datasets/rel-both", headers=HTML).text
    assert "Inside the files" not in plain and '<svg role="img"' not in plain


@pytest.mark.usefixtures("catalogue")
def test_related_datasets(client, session, settings):
    text = client.get("/datasets/scs-sex", headers=HTML).text
    listed = re.search(r'id="related">(.*?)</ul>', text, re.S)[1]
    hrefs = re.findall(r'href="/datasets/([^"]+)"', listed)
    # Sector and attribute in common first; then more terms in common; then the publisher's
    # (latest first); a dataset sharing neither is not related.
    assert hrefs == ["rel-both", "rel-two", "rel-pub", "no-chart"]
    assert "(2 sector, grade or attribute terms in common)" in listed
    record = get_dataset(session=session, dataset_id="scs-sex", base_uri=settings.base_uri)
    found = related_datasets(session=session, record=record, limit=2)
    assert [(r.id, r.shared, r.same_sector_and_attribute) for r in found] == [
        ("rel-both", 2, True),
        ("rel-two", 2, False),
    ]


@pytest.mark.usefixtures("catalogue")
def test_harvested_column_names_and_cells_stay_text(client):
    text = client.get("/datasets/scs-sex", headers=HTML).text
    assert "<script>alert(1)</script>" not in text
    assert '" onerror="x' not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onerror=&#34;x" in text


@pytest.mark.usefixtures("catalogue")
def test_the_organisation_page_shows_its_coverage(client):
    text = client.get("/organisations/cabinet-office").text
    assert "Not current" in text and "from 1 January 2020: more than 12 months old" in text
    rows = Tables(text).tables["coverage"]["rows"][1:]
    links = re.findall(r'href="(/gaps/cells/[^"]+)"', text)
    # scs spans executive and senior manager (scs-sex); rel-pub states no grade, so it is
    # workforce-wide evidence at every level of police ethnicity. Matrix order.
    top = vocab.load("grade").top_concepts
    assert links == [
        "/gaps/cells/civil-service/executive/sex",
        "/gaps/cells/civil-service/senior-manager/sex",
        *(f"/gaps/cells/police/{g}/ethnicity" for g in top),
    ]
    for link, row in zip(links, rows, strict=True):
        cell = client.get("/api" + link).json()
        assert row[1:] == [str(cell["score"]), cell["band"], "1", str(cell["datasets"])]
    assert rows[1][0] == "The sex of Senior manager in Civil service"
    # its datasets are still listed
    assert re.findall(r'href="/datasets/([^"]+)"', text) == ["no-chart", "rel-pub", "scs-sex"]
    # rel-two is at a leadership grade but has no date: it cannot be current.
    home = client.get("/organisations/home-office").text
    assert "The registry holds no dated leader-level data from it" in home
    assert "Not current" not in home or "None" in home


def test_an_organisation_without_data(client, load):
    assert load([organisation("quiet", name="Quiet Body")]).errors == []
    text = client.get("/organisations/quiet").text
    assert "The registry holds no dated leader-level data from it" in text
    assert "none is evidence for a gap matrix cell" in text

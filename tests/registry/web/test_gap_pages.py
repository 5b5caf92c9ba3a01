"""The gap pages, through the app: the heatmap holds what gap_cells gives (rows and columns as
chosen, one attribute or all), each cell's page what gap_cell gives, organisation coverage and
the trend what their data functions give; unknown cells and snapshots are 404 pages, and
harvested words stay text."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from builders import dataset, organisation
from catalogue import CATALOGUE, cov

from registry.gaps import GapQuery, gap_cell, gap_cells
from registry.gaps.matrix import axes
from registry.gaps.organisations import organisation_coverage
from registry.gaps.report_html import PALETTE, label
from registry.gaps.snapshots import take_snapshot
from registry.gaps.trend import compare_snapshots
from registry.web.static import OWN

XSS = '<script>alert(1)</script>" onerror="x'
CELL = re.compile(
    r'<td class="registry-heat registry-heat--(\w+)"><a class="govuk-link" '
    r'href="/gaps/cells/([^/]+)/([^/]+)/([^"]+)"><strong>(\d+)</strong> (\w+)<'
)
DISABILITY = dataset(
    "cs-disability",
    title="Disability of senior civil servants",
    publisher="cabinet-office",
    coverage=cov("sector", "civil-service")
    + cov("grade", "executive")
    + cov("attribute", "disability"),
)
REGISTER = [
    organisation(
        "cabinet-office",
        name="Cabinet Office",
        organisation_type="ministerial_department",
        sectors=["civil-service"],
    ),
    organisation(
        "home-office",
        name="Home Office",
        organisation_type="ministerial_department",
        sectors=["civil-service", "police"],
    ),
    organisation("nhs-england", name="NHS England", organisation_type="other", sectors=["nhs"]),
    organisation("quiet-body", name=XSS, organisation_type="executive_ndpb", sectors=["police"]),
]


@pytest.fixture
def catalogue(load):
    assert load([*REGISTER, *CATALOGUE[3:], DISABILITY]).errors == []


def row_heads(text: str) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', text)
    ]


def links(text: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', text)


def heatmap_cells(text: str) -> dict[tuple[str, str, str], tuple[int, str]]:
    found = {}
    for band, sector, grade, attribute, score, words in CELL.findall(text):
        assert band == words  # the band in words, beside its colour
        found[(sector, grade, attribute)] = (int(score), band)
    return found


def test_the_heatmap_shows_every_cell_gap_cells_gives(catalogue, session, client):
    response = client.get("/gaps?attribute=ethnicity")
    assert response.status_code == 200
    shown = heatmap_cells(response.text)
    cells = gap_cells(session=session, query=GapQuery(attributes=("ethnicity",)))
    assert shown == {(c.sector, c.grade, c.attribute): (c.score, c.band) for c in cells}
    assert shown[("civil-service", "executive", "ethnicity")][1] != "gap"
    # one table, sectors down the side and grades across, in vocabulary order
    assert response.text.count("<table") == 1
    assert "<caption" in response.text and 'scope="col"' in response.text
    every = axes("harmonised")
    rows = row_heads(response.text)
    assert rows == [label(s, "sector") for s in every["sector"]]


def test_rows_columns_filters_and_all_attributes(catalogue, session, client):
    text = client.get("/gaps?rows=grade&sector=police&sector=nhs&attribute=sex").text
    rows = row_heads(text)
    assert rows == [label(g, "grade") for g in axes("harmonised")["grade"]]
    heads = re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', text)
    assert heads == ["Leadership grade", "NHS", "Police"]  # vocabulary order, not the URL's
    assert {k[0] for k in heatmap_cells(text)} == {"police", "nhs"}
    assert 'id="sector-police" name="sector" type="checkbox" value="police" checked' in text
    # all attributes: one small table each
    every = client.get("/gaps").text
    assert every.count("<table") == len(axes("harmonised")["attribute"])
    assert len(heatmap_cells(every)) == len(gap_cells(session=session, query=GapQuery()))


def test_downloads_carry_the_same_selection(catalogue, client):
    text = client.get("/gaps?sector=police&attribute=sex").text
    assert "/api/gaps.csv?sector=police&amp;attribute=sex" in text
    assert "/api/gaps?sector=police&amp;attribute=sex" in text
    assert "/api/gaps/report.html?sector=police&amp;attribute=sex" in text
    rows = list(
        csv.DictReader(io.StringIO(client.get("/api/gaps.csv?sector=police&attribute=sex").text))
    )
    shown = heatmap_cells(text)
    assert {
        (r["sector"], r["grade"], r["attribute"]): (int(r["score"]), r["band"]) for r in rows
    } == shown


def test_bad_choices_are_html_400s(client):
    for query, words in (
        ("rows=attribute", "rows must be"),
        ("sector=atlantis", "sector &#39;atlantis&#39; is not in the sector vocabulary"),
        ("grade=scs2", "is a sector grade"),
        ("attribute=height", "attribute &#39;height&#39; is not"),
    ):
        response = client.get(f"/gaps?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"].startswith("text/html")
        assert words in response.text


def test_a_cell_page_shows_its_evidence(catalogue, session, client):
    response = client.get("/gaps/cells/civil-service/executive/ethnicity")
    assert response.status_code == 200
    text = response.text
    cell = gap_cell(
        session=session, sector="civil-service", grade="executive", attribute="ethnicity"
    )
    assert f'id="cell-score">{cell["score"]} of 100' in text
    assert f">{cell['band']}</strong>" in text
    assert [h for h in links(text) if h.startswith("/datasets/")] == [
        f"/datasets/{e['dataset']}" for e in cell["evidence"]
    ]
    (evidence,) = cell["evidence"]
    for factor in evidence["factors"]:
        assert re.search(
            rf">{factor['factor'].capitalize()}</th>\s*<td[^>]*>{factor['points']:g}</td>", text
        )
    assert evidence["what_would_raise_it"]
    for line in evidence["what_would_raise_it"]:
        assert f"<li>{line}</li>" in text.replace("&#39;", "'")
    assert "/search?sector=civil-service&amp;grade=executive&amp;attribute=ethnicity" in text
    assert "/api/gaps/cells/civil-service/executive/ethnicity" in links(text)


def test_an_empty_cell_page_links_the_nearest_evidence(catalogue, session, client):
    text = client.get("/gaps/cells/police/executive/disability").text
    cell = gap_cell(session=session, sector="police", grade="executive", attribute="disability")
    assert cell["datasets"] == 0 and "it is a gap" in text
    near = [
        f"/gaps/cells/{r['sector']}/{r['grade']}/{r['attribute']}"
        for rows in cell["nearest"].values()
        for r in rows
    ]
    assert "/gaps/cells/civil-service/executive/disability" in near
    assert [h for h in links(text) if h.startswith("/gaps/cells/")] == near


def test_unknown_cells_are_html_404s(client):
    for path in ("/gaps/cells/atlantis/executive/sex", "/gaps/cells/police/emperor/sex"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "is not in the" in response.text


def test_organisation_coverage_page(catalogue, session, client):
    text = client.get("/gaps/organisations").text
    found = organisation_coverage(session=session)
    total = found["total"]
    assert f"{total['with_data']} of {total['organisations']} organisations" in text
    without = [f"/organisations/{o['id']}" for o in found["without"]]
    assert without and [h for h in links(text) if h.startswith("/organisations/")] == without
    for row in found["by_type"]:
        assert f">{row['label']}</th>" in text
    police = client.get("/gaps/organisations?sector=police&organisation_type=").text
    assert links(police).count("/organisations/quiet-body") == 1
    assert "/organisations/cabinet-office" not in links(police)
    assert client.get("/gaps/organisations?sector=atlantis").status_code == 400


def test_the_trend_page_needs_two_snapshots(load, session, client):
    assert load(CATALOGUE).errors == []
    text = client.get("/gaps/trend").text
    assert 'id="too-few"' in text and "0 snapshots" in text
    first = take_snapshot(session=session, on=date(2026, 12, 1)).id
    assert load([DISABILITY]).errors == []
    second = take_snapshot(session=session, on=date(2026, 12, 1)).id
    response = client.get("/gaps/trend")
    assert response.status_code == 200
    text = response.text
    trend = compare_snapshots(session=session)
    improved = [
        f"/gaps/cells/{r['sector']}/{r['grade']}/{r['attribute']}" for r in trend["improved"]
    ]
    assert "/gaps/cells/civil-service/executive/disability" in improved
    table = text.split('id="improved"')[1].split("</table>")[0]
    assert [h for h in links(table)] == improved
    assert "First evidence: dataset cs-disability" in table
    assert "None." in text.split('id="band-counts"')[1]  # nothing worsened
    assert (
        f'<option value="{first}" selected>' in text
        and f'<option value="{second}" selected>' in text
    )
    same = client.get(f"/gaps/trend?before={second}&after={second}").text
    assert "0 cells improved and 0 worsened" in same
    assert client.get("/gaps/trend?before=999").status_code == 404


def test_harvested_words_render_as_text(load, session, client):
    hostile = dataset(
        "xss",
        title=XSS,
        coverage=cov("sector", "police") + cov("grade", "executive") + cov("attribute", "sex"),
    )
    assert load([*REGISTER, hostile]).errors == []
    for path in ("/gaps/cells/police/executive/sex", "/gaps/organisations"):
        text = client.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert '" onerror="x' not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onerror=&#34;x" in text


def test_home_headline_gaps_link_to_the_evidence_pages(catalogue, client):
    text = client.get("/").text
    evidence = [h for h in links(text) if h.startswith("/gaps/cells/")]
    assert len(evidence) == 5
    assert client.get(evidence[0]).status_code == 200
    assert "/gaps" in links(text) and "/harvest" in links(text)  # the navigation


def contrast(one: str, two: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_page_colours_are_the_printable_reports_and_meet_aa():
    css = (OWN / "registry.css").read_text()
    for band, colours in PALETTE.items():
        rule = re.search(rf"\.registry-heat--{band} \{{([^}}]+)\}}", css)
        assert rule is not None, band
        assert colours["fill"] in rule.group(1) and f"color: {colours['text']}" in rule.group(1)
        # axe cannot judge text over the gap's hatch (a gradient): both stripes are checked here
        for background in (colours["fill"], colours.get("hatch", colours["fill"])):
            assert background in rule.group(1)
            assert contrast(colours["text"], background) >= 4.5, (band, background)

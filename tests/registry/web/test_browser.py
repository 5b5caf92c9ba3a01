"""The pages in a real browser: Debian's chromium driven by Playwright (never Playwright's
own browser downloads), against the app served by uvicorn on 127.0.0.1. Each page type is
scanned with axe-core (pinned, integrity-checked: registry.web.assets.AXE_CORE) and must have
no serious or critical findings. Skipped only when chromium is not installed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from browsing import BROWSER_TEST, serious_findings, watched_page
from builders import dataset
from catalogue import CATALOGUE, cov
from harvest_rows import record_harvest

from registry.gaps.snapshots import take_snapshot
from registry.search import FACETS

pytestmark = BROWSER_TEST
XSS = '<script>alert(1)</script>" onerror="x'
# A profiled table with a grade chart (women and men by grade) and a hostile column.
TABLE = {
    "format": "csv",
    "row_count": 120,
    "columns": [
        {"name": "Grade", "values": ["SCS", "G6/G7"], "distinct_count": 2},
        {"name": "Sex", "values": ["Female", "Male"], "distinct_count": 2},
        {"name": "Headcount", "kind": "number", "distinct_count": 4},
        {"name": XSS, "values": [XSS], "distinct_count": 1},
    ],
    "sample": [
        ["SCS", "Female", "30", XSS],
        ["SCS", "Male", "70", XSS],
        ["G6/G7", "Female", "45", XSS],
        ["G6/G7", "Male", "55", XSS],
    ],
}


@pytest.fixture
def served(load, session, serve_app) -> Iterator[str]:
    extra = [
        dataset(
            "cs-disability",
            title="Disability of senior civil servants",
            publisher="cabinet-office",
            coverage=cov("sector", "civil-service")
            + cov("grade", "executive")
            + cov("attribute", "disability"),
        ),
        dataset("xss", title=XSS, description=XSS),
        dataset(
            "scs-sex",
            title="Sex of senior civil servants",
            publisher="cabinet-office",
            distributions=[
                {"access_url": "https://example.gov.uk/b.csv", "format": "csv", "profile": TABLE}
            ],
            coverage=cov("sector", "civil-service") + cov("grade", "scs") + cov("attribute", "sex"),
        ),
    ]
    # Two snapshots, the second with more data, so the trend page has cells to show; and a
    # harvest run (its id is 1: every test starts from empty tables) with failed items.
    assert load(CATALOGUE).errors == []
    take_snapshot(session=session)
    assert load(extra).errors == []
    take_snapshot(session=session)
    assert record_harvest(session, text=XSS)[0] == 1
    with serve_app() as base:
        yield base


@pytest.fixture
def page(browser):
    with watched_page(browser) as opened:
        yield opened


def test_the_content_security_policy_lets_govuk_frontend_run(served, page):
    response = page.goto(served + "/search?q=police")
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    classes = page.evaluate("document.body.className")
    assert "js-enabled" in classes and "govuk-frontend-supported" in classes  # the inline script
    # GOV.UK Frontend's module script ran too: it marks each component it starts.
    page.wait_for_function("document.querySelector('[data-module]') !== null")
    started = page.evaluate(
        "[...document.querySelectorAll('[data-module]')].some(e => "
        "[...e.attributes].some(a => a.name.endsWith('-init')))"
    )
    assert started


def test_search_facet_dataset_and_downloads(served, page):
    page.goto(served + "/")
    page.get_by_label("Search datasets").fill("police")
    page.get_by_role("button", name="Search").click()
    assert "/search?q=police" in page.url
    page.locator("#facet-sector").get_by_role("link", name="Police").click()
    assert "sector=police" in page.url
    page.get_by_role("link", name="Police workforce, England and Wales").click()
    assert page.url == f"{served}/datasets/police-workforce"
    assert page.locator("h1").inner_text() == "Police workforce, England and Wales"
    page.go_back()
    csv_href = page.get_by_role("link", name="All 1 results as CSV").get_attribute("href")
    answer = page.request.get(served + csv_href)
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text())))
    assert [r["id"] for r in rows] == ["police-workforce"]
    json_href = page.get_by_role("link", name="This page as JSON").get_attribute("href")
    body = page.request.get(served + json_href).json()
    assert [r["id"] for r in body["results"]] == ["police-workforce"]


def test_keyboard_only_search(served, page):
    page.goto(served + "/search")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")  # to the main landmark
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    seen: list[str] = []
    for _ in range(200):
        page.keyboard.press("Tab")
        facet = page.evaluate(
            "(() => { const f = document.activeElement.closest('.registry-facet');"
            " return f ? f.id.replace('facet-', '') : null })()"
        )
        if facet and facet not in seen:
            seen.append(facet)
        text = page.evaluate("document.activeElement.textContent.trim()")
        if facet == "sector" and text == "Police":
            break
    assert seen == [f for f in FACETS if f in seen][: len(seen)]
    assert seen[:2] == ["publisher", "sector"]
    page.keyboard.press("Enter")
    page.wait_for_url("**sector=police**")
    assert page.locator("#results li").count() == 1


def test_harvested_text_stays_text_in_the_browser(served, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served + "/datasets/xss", wait_until="load")
    assert page.locator("h1").inner_text() == XSS
    page.goto(served + "/search")
    assert page.get_by_role("link", name=XSS).count() == 1
    assert dialogs == []


def test_search_and_filter_without_javascript(served, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "/")
    page.get_by_label("Search datasets").fill("ethnicity")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=ethnicity")
    assert page.locator("#results li").count() == 3  # one says it has no ethnicity data
    page.locator("#facet-sector").get_by_role("link", name="Police").click()
    assert page.locator("#results li").count() == 1
    page.get_by_role("link", name="Remove filter Sector: Police").first.click()
    assert page.locator("#results li").count() == 3  # one says it has no ethnicity data
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Sort").click()
    assert "sort=title" in page.url and "q=ethnicity" in page.url
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search",
        "/search?q=ethnicity&sector=police",
        "/search?sector=police&grade=executive&attribute=disability",
        "/datasets/scs-ethnicity?f=html",
        "/datasets/xss?f=html",
        "/datasets/scs-sex?f=html",
        "/organisations/cabinet-office",
        "/organisations/home-office",
        "/search?sector=atlantis",
        "/gaps",
        "/gaps?rows=grade&attribute=sex&sector=police&sector=nhs",
        "/gaps/cells/civil-service/executive/ethnicity",
        "/gaps/cells/police/executive/disability",
        "/gaps/organisations",
        "/gaps/trend",
        "/harvest",
        "/harvest/runs/1",
    ],
)
def test_no_serious_accessibility_findings(served, page, assets_root, path):
    page.goto(served + path)
    assert serious_findings(page, assets_root) == []


def test_heatmap_cell_evidence_and_dataset(served, page):
    page.goto(served + "/gaps?attribute=ethnicity")
    table = page.locator("table[data-attribute=ethnicity]")
    assert table.locator("caption").inner_text().startswith("Ethnicity: score (0 to 100)")
    cell = table.locator("a[href='/gaps/cells/civil-service/executive/ethnicity']")
    assert cell.inner_text().split()[1] in ("covered", "partial")  # the band, in words
    cell.click()
    assert page.url == f"{served}/gaps/cells/civil-service/executive/ethnicity"
    assert page.locator("h1").inner_text() == "The ethnicity of Executive in Civil service"
    page.get_by_role("link", name="Ethnicity of the senior civil service").click()
    assert page.url == f"{served}/datasets/scs-ethnicity"
    assert page.locator("h1").inner_text() == "Ethnicity of the senior civil service"
    page.go_back()
    page.go_back()
    # an empty cell leads on to its nearest evidence
    page.goto(served + "/gaps/cells/police/executive/disability")
    page.get_by_role("link", name="The disability of Executive in Civil service").click()
    assert page.url == f"{served}/gaps/cells/civil-service/executive/disability"
    assert page.get_by_role("link", name="Disability of senior civil servants").count() == 1


def test_keyboard_reaches_a_heatmap_cell(served, page):
    page.goto(served + "/gaps?attribute=ethnicity")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    order: list[str] = []
    for _ in range(200):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "(() => { const e = document.activeElement;"
            " if (e.closest('td.registry-heat')) return 'cell';"
            " if (e.closest('form')) return 'form';"
            " if (e.closest('#downloads')) return 'downloads';"
            " return e.tagName })()"
        )
        if not order or order[-1] != where:
            order.append(where)
        if where == "cell":
            break
    # the form, then the downloads, then the table (the scroll region before its links)
    assert order[-1] == "cell"
    assert order.index("form") < order.index("downloads") < order.index("cell")
    focused = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.getAttribute('href'), s.color, s.backgroundColor] })()"
    )
    href, colour, background = focused
    assert href == "/gaps/cells/civil-service/head-of-organisation/ethnicity"
    assert (colour, background) == ("rgb(11, 12, 12)", "rgb(255, 221, 0)")  # GOV.UK focus
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")
    assert (
        page.locator("h1").inner_text() == "The ethnicity of Head of organisation in Civil service"
    )


def test_heatmap_form_without_javascript(served, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(served + "/gaps")
    page.get_by_label("Leadership grades as rows, sectors as columns").check()
    page.get_by_label("Attribute").select_option("sex")
    page.locator("summary", has_text="Only these sectors").click()  # opens the <details>
    page.get_by_label("Police").check()
    page.get_by_role("button", name="Show heatmap").click()
    assert page.url == f"{served}/gaps?rows=grade&attribute=sex&sector=police"
    assert page.locator("table.registry-heatmap").count() == 1
    heads = page.locator("table.registry-heatmap thead th").all_inner_texts()
    assert heads == ["Leadership grade", "Police"]
    csv_href = page.get_by_role("link", name="Every cell as CSV").get_attribute("href")
    rows = list(csv.DictReader(io.StringIO(page.request.get(served + csv_href).text())))
    assert {r["sector"] for r in rows} == {"police"} and {r["attribute"] for r in rows} == {"sex"}
    context.close()


def test_harvest_status_to_a_run(served, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served + "/")
    page.get_by_role("link", name="Harvest status").click()
    page.get_by_role("link", name="Run 2 of example-feed").click()
    assert page.url == f"{served}/harvest/runs/2"
    assert "No item of this run failed." in page.locator("main").inner_text()
    page.goto(served + "/harvest/runs/1")
    messages = page.locator("#failed-items tbody tr td:nth-child(3)").all_inner_texts()
    assert messages == [f"title is missing; {XSS}", "not stored: DataError: value too long"]
    assert dialogs == []


def test_dataset_chart_and_organisation_coverage(served, page):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(served + "/datasets/scs-sex")
    chart = page.get_by_role("img", name="Sex by Grade, file 1")
    assert chart.count() == 1 and chart.is_visible()
    # (SVG text has no innerText; its text content is what is drawn)
    assert chart.locator("text").all_text_contents()[:4] == ["SCS", "Female", "30.0%", "Male"]
    numbers = page.locator("#chart-1-numbers tbody tr").all_inner_texts()
    assert numbers[0].split("\t") == ["SCS", "Female", "30", "30.0%"]
    assert page.locator("#columns-1 tbody th").all_inner_texts()[-1] == XSS  # as text
    assert page.locator("#preview-1 caption").inner_text() == "The first 4 rows of 120"
    page.get_by_role("link", name="Cabinet Office").first.click()
    assert page.url == f"{served}/organisations/cabinet-office"
    page.get_by_role("link", name="The sex of Executive in Civil service").click()
    assert page.url == f"{served}/gaps/cells/civil-service/executive/sex"
    assert page.get_by_role("link", name="Sex of senior civil servants").count() == 1
    assert dialogs == []

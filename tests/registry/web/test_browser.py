"""The pages in a real browser: Debian's chromium driven by Playwright (never Playwright's
own browser downloads), against the app served by uvicorn on 127.0.0.1. Each page type is
scanned with axe-core (pinned, integrity-checked: registry.web.assets.AXE_CORE) and must have
no serious or critical findings. Skipped only when chromium is not installed."""

from __future__ import annotations

import csv
import io
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from builders import dataset
from catalogue import CATALOGUE, cov

from registry.app import create_app
from registry.search import FACETS
from registry.web.assets import AXE_CORE, GOVUK_FRONTEND, fetch, folder

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does)",
    ),
]
XSS = '<script>alert(1)</script>" onerror="x'
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def assets_root() -> Path:
    from registry.config import Settings

    root = Settings().assets_root
    for package in (GOVUK_FRONTEND, AXE_CORE):
        fetch(package, root)  # a no-op when `registry assets --axe` already ran
    return root


@pytest.fixture
def served(load, settings, assets_root) -> Iterator[str]:
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
    ]
    assert load([*CATALOGUE, *extra]).errors == []
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app = create_app(settings.model_copy(update={"base_uri": base, "assets_dir": assets_root}))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the app did not start"
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # --no-sandbox: CI and this machine run as root, where chromium's sandbox cannot start.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def serious_findings(page, assets_root: Path) -> list[str]:
    page.add_script_tag(path=str(folder(assets_root, AXE_CORE) / "axe.min.js"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


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
        "/organisations/cabinet-office",
        "/search?sector=atlantis",
    ],
)
def test_no_serious_accessibility_findings(served, page, assets_root, path):
    page.goto(served + path)
    assert serious_findings(page, assets_root) == []

"""The suggestion flow in a real browser (Debian's chromium driven by Playwright, as
test_browser.py): a mistake shows the error summary, which takes focus and links to the field;
the corrected form is confirmed; an editor's accept makes the dataset findable in search. axe
finds nothing serious or critical on the form, its errors, the confirmation and the request
form. Works with JavaScript off too."""

from __future__ import annotations

import pytest
from browsing import BROWSER_TEST, serious_findings, watched_page

from registry.suggestions import accept_suggestion, list_suggestions

pytestmark = BROWSER_TEST


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    with watched_page(browser, javascript=request.param) as opened:
        yield opened


def test_suggest_a_dataset_end_to_end(served, page, session, assets_root):
    page.goto(served + "/suggest")
    if page.locator("body.js-enabled").count():
        assert serious_findings(page, assets_root) == []
    page.get_by_label("Title of the dataset").fill("Chief fire officers by ethnicity")
    page.get_by_label("Link to the data").fill("ftp://example.org/fire.csv")
    page.get_by_label("Who publishes it").fill("Home Office")
    page.get_by_label("What it covers").fill("Ethnicity of chief fire officers, 2020 to 2024.")
    page.get_by_label("Fire and rescue", exact=True).check()
    page.get_by_label("Ethnicity", exact=True).check()
    page.get_by_role("button", name="Send suggestion").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.locator("h2").inner_text() == "There is a problem"
    link = summary.get_by_role("link", name="Enter a link that starts with http:// or https://")
    assert link.get_attribute("href") == "#link"
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Title of the dataset").input_value().startswith("Chief fire")
    assert page.get_by_label("Fire and rescue", exact=True).is_checked()
    if page.locator("body.js-enabled").count():
        assert serious_findings(page, assets_root) == []
    link.click()
    assert page.evaluate("document.activeElement.id") == "link"

    page.get_by_label("Link to the data").fill("https://example.org/fire.csv")
    page.get_by_role("button", name="Send suggestion").click()
    assert page.locator("h1").inner_text() == "Suggestion sent"
    reference = page.locator("#reference").inner_text()
    if page.locator("body.js-enabled").count():
        assert serious_findings(page, assets_root) == []

    # Pending: not found. An editor accepts it: found, with its curated coverage.
    page.goto(served + "/search?q=chief+fire+officers")
    assert page.locator("#results li").count() == 0
    [pending] = list_suggestions(session=session)
    assert reference == f"S-{pending.id}"
    accept_suggestion(session=session, suggestion_id=pending.id, by="editor")
    session.commit()
    page.goto(served + "/search?q=chief+fire+officers")
    assert page.locator("#results li").count() == 1
    page.locator("#results li a").first.click()
    assert page.locator("h1").inner_text() == "Chief fire officers by ethnicity"


def test_the_request_form_is_accessible_and_confirms(served, page, assets_root):
    page.goto(served + "/request-data?sector=fire&grade=executive&attribute=ethnicity")
    if page.locator("body.js-enabled").count():
        assert serious_findings(page, assets_root) == []
    page.get_by_role("button", name="Send request").click()
    assert page.locator("h1").inner_text() == "Request counted"
    assert (
        "1 request for the ethnicity of Executive in Fire and rescue"
        in page.locator("#requests").inner_text()
    )
    if page.locator("body.js-enabled").count():
        assert serious_findings(page, assets_root) == []

"""The editors' flow in a real browser (Debian's chromium driven by Playwright, as
test_suggest_browser.py): a member of the public suggests a dataset; an editor signs in with a
token, accepts it from the review queue; it is found in search; the editor edits it; the history
page shows the edit. axe finds nothing serious or critical on the sign-in, review, edit and
history pages, and a stale edit's error summary takes the reader to the reload link. With
JavaScript on and off."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsing import BROWSER_TEST, serious_findings, watched_page

from registry.auth import add_user, create_token
from schemas import Role

pytestmark = BROWSER_TEST


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def page(request, browser):
    with watched_page(browser, javascript=request.param) as opened:
        yield opened


def _axe(page, assets_root: Path) -> None:
    """axe's serious and critical findings on the page (run where scripts run)."""
    if not page.locator("body.js-enabled").count():
        return
    assert serious_findings(page, assets_root) == []


def test_suggestion_to_edited_record_end_to_end(served, page, session, assets_root):
    add_user(session=session, name="eve", role=Role.editor)
    token = create_token(session=session, user_name="eve").secret

    # A member of the public suggests a dataset.
    page.goto(served + "/suggest")
    page.get_by_label("Title of the dataset").fill("Chief fire officers by ethnicity")
    page.get_by_label("Link to the data").fill("https://example.org/fire.csv")
    page.get_by_label("Who publishes it").fill("Home Office")
    page.get_by_label("What it covers").fill("Ethnicity of chief fire officers, 2020 to 2024.")
    page.get_by_role("button", name="Send suggestion").click()
    assert page.locator("h1").inner_text() == "Suggestion sent"

    # An editor signs in with a token (a wrong one first).
    page.goto(served + "/review/suggestions")
    assert "/sign-in" in page.url
    _axe(page, assets_root)
    page.get_by_label("API token").fill("ldr_wrong")
    page.get_by_role("button", name="Sign in").click()
    link = page.locator(".govuk-error-summary").get_by_role("link")
    assert link.get_attribute("href") == "#token"
    assert page.get_by_label("API token").input_value() == ""
    _axe(page, assets_root)
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("h1").inner_text() == "Review suggestions"  # back where they started
    assert "Signed in as eve" in page.locator("header").inner_text()
    _axe(page, assets_root)

    # The review queue: accept it.
    card = page.locator(".govuk-summary-card").first
    assert "Chief fire officers by ethnicity" in card.inner_text()
    card.get_by_label("Dataset id (optional)").fill("chief-fire-officers")
    card.get_by_role("button", name="Accept").click()
    assert "Suggestion S-1 accepted" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#empty-queue").count() == 1

    # Found in search; edited.
    page.goto(served + "/search?q=chief+fire+officers")
    assert page.locator("#results li").count() == 1
    page.locator("#results li a").first.click()
    page.get_by_role("link", name="Edit this dataset").click()
    assert page.locator("h1").inner_text() == "Chief fire officers by ethnicity"
    _axe(page, assets_root)
    page.get_by_label("Title", exact=True).fill("Chief fire officers by ethnicity, 2020 to 2024")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    reason = summary.get_by_role("link", name="Enter the reason for the change")
    assert reason.get_attribute("href") == "#reason"
    _axe(page, assets_root)
    reason.click()
    if page.locator("body.js-enabled").count():
        assert page.evaluate("document.activeElement.id") == "reason"
    page.get_by_label("Reason for the change", exact=True).fill("the years it covers")
    page.get_by_role("button", name="Save changes").click()
    assert "saved as version 2" in page.locator(".govuk-notification-banner").inner_text()

    # The history page shows who changed what, and why.
    page.get_by_role("link", name="See the history").click()
    latest = page.locator("#version-2")
    text = latest.inner_text()
    assert "eve" in text and "the years it covers" in text
    assert "Chief fire officers by ethnicity, 2020 to 2024" in text
    _axe(page, assets_root)

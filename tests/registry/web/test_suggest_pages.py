"""The public forms as HTML: "Suggest a dataset" and "Ask for data you need" with the GOV.UK
error summary on a mistake (what was typed kept), the confirmation page, the honeypot, the
rate limit and size cap as pages, and the gap cell page's link to the request form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlmodel import select

from registry.app import create_app
from schemas import DataRequest, SubmissionLog, Suggestion

GOOD = {
    "title": "Chief constables by sex",
    "link": "https://example.org/chiefs",
    "publisher": "Home Office",
    "description": "Sex of chief constables in England and Wales, 2019 to 2024.",
    "sectors": ["police"],
    "attributes": ["sex"],
    "contact": "",
}


def summary(text: str) -> list[tuple[str, str]]:
    """The error summary's (link target, message) pairs."""
    block = text.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', block)


def test_the_suggest_form_is_labelled_and_posts_without_javascript(client):
    page = client.get("/suggest")
    assert page.status_code == 200
    text = page.text
    assert '<form action="/suggest" method="post" novalidate>' in text
    for field, label in [("title", "Title of the dataset"), ("link", "Link to the data")]:
        assert f'<label class="govuk-label govuk-label--s" for="{field}">{label}</label>' in text
    assert 'id="link" name="link" type="url" value="" aria-describedby="link-hint"' in text
    assert 'id="sectors" name="sectors" type="checkbox" value="civil-service"' in text
    assert 'class="registry-honeypot"' in text and "govuk-error-summary" not in text


def test_mistakes_show_the_error_summary_and_keep_what_was_typed(client, session):
    sent = {
        **GOOD,
        "title": "",
        "link": "ftp://example.org/x",
        "contact": "nope",
        "sectors": ["police"],
    }
    page = client.post("/suggest", data=sent)
    assert page.status_code == 422
    assert summary(page.text) == [
        ("title", "Enter the title of the dataset"),
        ("link", "Enter a link that starts with http:// or https://"),
        ("contact", "Enter an email address in the correct format, like name@example.com"),
    ]
    text = page.text
    assert "<title>Error: Suggest a dataset" in text
    assert '<p id="title-error" class="govuk-error-message">' in text
    assert (
        'class="govuk-input govuk-input--error" id="link" name="link" type="url" '
        'value="ftp://example.org/x" aria-describedby="link-hint link-error"' in text
    )
    assert 'value="police" checked' in text and GOOD["description"] in text
    assert session.exec(select(Suggestion)).first() is None


def test_too_long_fields_say_their_limit(client):
    page = client.post("/suggest", data={**GOOD, "description": "d" * 5001})
    assert summary(page.text) == [
        ("description", "What it covers must be 5,000 characters or fewer")
    ]


def test_a_good_suggestion_confirms_with_its_reference(client, session):
    page = client.post("/suggest", data=GOOD)
    assert page.status_code == 200
    [stored] = session.exec(select(Suggestion)).all()
    assert stored.status == "pending" and stored.contact is None
    assert stored.sectors == ["police"] and stored.attributes == ["sex"]
    assert '<h1 class="govuk-panel__title">Suggestion sent</h1>' in page.text
    assert f'<strong id="reference">S-{stored.id}</strong>' in page.text


def test_the_honeypot_thanks_a_bot_and_stores_nothing(client, session):
    page = client.post("/suggest", data={**GOOD, "website": "http://spam.example"})
    assert page.status_code == 200 and "Suggestion sent" in page.text
    assert 'id="reference"' not in page.text
    assert session.exec(select(Suggestion)).first() is None
    assert len(session.exec(select(SubmissionLog)).all()) == 1  # but it counts against them
    request = client.post(
        "/request-data",
        data={"sector": "police", "grade": "executive", "attribute": "sex", "website": "x"},
    )
    assert request.status_code == 200 and session.exec(select(DataRequest)).first() is None


def test_the_limit_and_the_cap_are_pages_too(settings):
    limited = settings.model_copy(update={"suggestions_per_hour": 1})
    with TestClient(create_app(limited)) as client:
        assert client.post("/suggest", data=GOOD).status_code == 200
        over = client.post("/suggest", data=GOOD)
        assert over.status_code == 429 and "Retry-After" in over.headers
        assert '<h1 class="govuk-heading-l">Too many in a short time</h1>' in over.text
        assert "at most 1 an hour" in over.text
        big = client.post("/request-data", data={"text": "x" * 20_000})
        assert big.status_code == 413 and "That is too much to send" in big.text


def test_the_request_form_from_a_cell_page_counts_the_request(client, session):
    cell = client.get("/gaps/cells/police/executive/disability").text
    href = re.search(r'href="(/request-data\?[^"]+)">Need this data\? Tell us</a>', cell)
    assert href is not None
    form = client.get(href.group(1).replace("&amp;", "&")).text
    assert '<option value="police" selected>' in form
    assert '<option value="executive" selected>' in form
    assert '<option value="disability" selected>' in form
    done = client.post(
        "/request-data",
        data={"sector": "police", "grade": "executive", "attribute": "disability", "text": "x"},
    )
    assert done.status_code == 200
    assert "1 request for the disability of Executive in Police so far" in done.text
    assert 'href="/gaps/cells/police/executive/disability"' in done.text
    again = client.get("/gaps/cells/police/executive/disability").text
    assert "Need this data? Tell us</a> (1 request so far)" in again


def test_request_mistakes_show_the_error_summary(client, session):
    page = client.post("/request-data", data={"sector": "", "grade": "nope", "attribute": "sex"})
    assert page.status_code == 422
    assert summary(page.text) == [
        ("sector", "Choose a sector"),
        ("grade", "Choose a grade from the list"),
    ]
    assert '<option value="sex" selected>' in page.text
    assert session.exec(select(DataRequest)).first() is None

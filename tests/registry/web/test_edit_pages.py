"""The edit page: saving fields (with the editor's name and reason in the history), a stale form
getting the 412 message and overwriting nothing, validation errors with values kept, coverage
added and removed with a reason, the classifier's suggestions, withdraw and reinstate; the
dataset page showing curated values beside the source's."""

from __future__ import annotations

import pytest
from editing import form_tokens, load_record, make_tokens, sign_in
from sqlmodel import Session

from registry import history
from registry.curation import edits
from schemas import DatasetUpdate


@pytest.fixture
def record(load) -> str:
    return load_record(load)


@pytest.fixture
def editor(client, engine, record):
    sign_in(client, make_tokens(engine)["editor"])
    return client


def _form(client, record, **changes):
    csrf, version = form_tokens(client, f"/datasets/{record}/edit")
    page = client.get(f"/datasets/{record}/edit").text
    values = {
        "title": "Civil Service Statistics",
        "description": "Grades of civil servants in departments",
        "keywords": "workforce",
        "licence": "ogl-3",
        "access_rights": "",
        "accrual_periodicity": "",
        "landing_page": "",
        "temporal_start": "",
        "temporal_end": "",
        "spatial": "",
        "granularity": "",
        "reason": "",
    }
    assert 'value="ogl-3" selected' in page
    return {**values, "csrf_token": csrf, "version": version, **changes}


def test_the_edit_page_shows_the_record_in_labelled_fields(editor, record):
    page = editor.get(f"/datasets/{record}/edit")
    assert page.status_code == 200
    for name in ("title", "description", "keywords", "licence", "landing_page", "reason"):
        assert f'for="{name}"' in page.text and f'id="{name}"' in page.text
    assert 'value="Civil Service Statistics"' in page.text
    assert page.headers["cache-control"] == "no-store"


def test_saving_changes_the_record_and_names_the_editor(editor, session, record):
    data = _form(editor, record, title="Civil Service Statistics 2025", reason="new edition")
    answer = editor.post(f"/datasets/{record}/edit", data=data, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/datasets/{record}/edit?saved=2"
    latest = history.history(session=session, dataset_id=record).versions[0]
    assert (latest.actor, latest.reason) == ("eve", "new edition")
    assert latest.diff["title"]["new"] == "Civil Service Statistics 2025"
    assert "licence" not in latest.diff  # only what changed is sent
    saved = editor.get(answer.headers["location"])
    assert "Your change is saved as version 2" in saved.text


def test_a_stale_form_gets_the_412_message_and_writes_nothing(editor, engine, record):
    data = _form(editor, record, title="Mine", reason="mine")
    with Session(engine) as other:  # someone else saves first
        edits.update_dataset(
            session=other,
            dataset_id=record,
            changes=DatasetUpdate(title="Theirs"),
            actor="ada",
            expected_version=None,
            reason="theirs",
        )
    answer = editor.post(f"/datasets/{record}/edit", data=data)
    assert answer.status_code == 412
    assert "Someone else changed this record since you opened it" in answer.text
    assert f'href="/datasets/{record}/edit"' in answer.text  # the reload link
    assert 'value="Mine"' in answer.text  # what was typed is kept
    with Session(engine) as session:
        assert edits.stored_record(session, record).title == "Theirs"


def test_validation_errors_use_the_error_summary_and_keep_values(editor, record):
    data = _form(
        editor,
        record,
        title="",
        landing_page="not a link",
        temporal_start="2024-01-01",
        temporal_end="2020-01-01",
        description="<script>alert(1)</script>",
    )
    answer = editor.post(f"/datasets/{record}/edit", data=data)
    assert answer.status_code == 422
    assert answer.text.count("govuk-error-summary__list") == 1
    for field, message in (
        ("title", "Enter a title"),
        ("landing_page", "starts with http:// or https://"),
        ("reason", "Enter the reason for the change"),
    ):
        assert f'href="#{field}"' in answer.text and message in answer.text
        assert f'id="{field}-error"' in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert "<script>alert(1)" not in answer.text
    dates = editor.post(
        f"/datasets/{record}/edit",
        data={**data, "title": "T", "landing_page": "", "reason": "dates"},
    )
    assert "The end date must be the same as or after the start date" in dates.text


def test_saving_nothing_changed_says_so(editor, record):
    answer = editor.post(f"/datasets/{record}/edit", data=_form(editor, record, reason="no-op"))
    assert answer.status_code == 422 and "You have not changed anything" in answer.text


def test_coverage_is_listed_and_removed_with_a_reason(editor, session, record):
    page = editor.get(f"/datasets/{record}/edit").text
    assert "Sector: Civil service" in page or "Civil Service" in page
    assert 'id="remove-attribute-sex"' in page
    csrf, version = form_tokens(editor, f"/datasets/{record}/edit")
    removal = {"csrf_token": csrf, "version": version, "scheme": "attribute", "concept": "sex"}
    missing = editor.post(f"/datasets/{record}/coverage/remove", data=removal)
    assert missing.status_code == 422 and 'href="#remove-attribute-sex"' in missing.text
    done = editor.post(
        f"/datasets/{record}/coverage/remove",
        data={**removal, "reason": "not about sex"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stored = edits.stored_record(session, record)
    assert ("attribute", "sex") not in {(c.scheme.value, c.concept) for c in stored.coverage}
    dataset_page = editor.get(f"/datasets/{record}?f=html").text
    assert 'id="suppressed"' in dataset_page


def test_coverage_is_added_from_the_vocabulary(editor, session, record):
    csrf, version = form_tokens(editor, f"/datasets/{record}/edit")
    base = {"csrf_token": csrf, "version": version}
    empty = editor.post(f"/datasets/{record}/coverage/add", data=base)
    assert empty.status_code == 422
    assert 'href="#concept"' in empty.text and 'href="#coverage_reason"' in empty.text
    done = editor.post(
        f"/datasets/{record}/coverage/add",
        data={**base, "concept": "attribute:ethnicity", "coverage_reason": "table 4"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    stored = edits.stored_record(session, record)
    added = [c for c in stored.coverage if c.concept == "ethnicity"]
    assert added and added[0].provenance.value == "curated"


def test_the_classifier_suggests_coverage_not_yet_stated(editor, record):
    data = _form(
        editor,
        record,
        description="Ethnicity and disability of senior civil servants by grade",
        reason="fuller description",
    )
    assert editor.post(f"/datasets/{record}/edit", data=data).status_code == 200
    page = editor.get(f"/datasets/{record}/edit").text
    suggestions = page.split('id="suggestions"')[1].split("</ul>")[0]
    assert 'value="attribute:ethnicity"' in suggestions
    assert 'value="sector:civil-service"' not in suggestions  # already stated


def test_withdraw_and_reinstate_need_a_reason(editor, session, record):
    csrf, version = form_tokens(editor, f"/datasets/{record}/edit")
    base = {"csrf_token": csrf, "version": version, "action": "withdraw"}
    missing = editor.post(f"/datasets/{record}/status", data=base)
    assert missing.status_code == 422 and 'href="#status_reason"' in missing.text
    editor.post(f"/datasets/{record}/status", data={**base, "status_reason": "duplicate"})
    page = editor.get(f"/datasets/{record}/edit").text
    assert "This dataset is withdrawn: duplicate" in page
    csrf, version = form_tokens(editor, f"/datasets/{record}/edit")
    editor.post(
        f"/datasets/{record}/status",
        data={"csrf_token": csrf, "version": version, "action": "reinstate", "status_reason": "ok"},
    )
    assert history.history(session=session, dataset_id=record).versions[0].action == "reinstate"


def test_the_dataset_page_shows_both_values_and_links_for_editors(editor, client, record):
    data = _form(editor, record, title="Curated title", reason="clearer")
    editor.post(f"/datasets/{record}/edit", data=data)
    page = editor.get(f"/datasets/{record}?f=html").text
    assert "Set by a person: Curated title. The source says: Civil Service Statistics." in page
    assert f'href="/datasets/{record}/edit">Edit this dataset' in page
    assert f'href="/datasets/{record}/history"' in page
    editor.cookies.clear()
    anonymous = editor.get(f"/datasets/{record}?f=html").text
    assert "Edit this dataset" not in anonymous and "History of changes" in anonymous

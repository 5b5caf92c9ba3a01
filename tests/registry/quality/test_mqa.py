"""The MQA facts of a record from its plain values, and the points they earn (worked by hand from
the indicator table in registry/quality/mqa.py)."""

from __future__ import annotations

from registry.quality.mqa import MAXIMUM, any_format_is, assess, is_open, record_facts


def test_formats_and_licence_are_judged_by_the_vocabularies():
    pdf_xlsx = record_facts(formats=["pdf", "xlsx", "pdf", ""], licence="unknown")
    assert pdf_xlsx.format and pdf_xlsx.known_format
    assert pdf_xlsx.non_proprietary  # PDF is an open standard, if not machine-readable
    assert pdf_xlsx.machine_readable  # XLSX is
    assert pdf_xlsx.licence and not pdf_xlsx.known_licence  # "unknown" is no known licence
    only_docx = record_facts(formats=["docx"], licence="ogl-3")
    assert not only_docx.non_proprietary and not only_docx.machine_readable
    assert only_docx.known_licence
    made_up = record_facts(formats=["shapefile-ish"], licence="my-own")
    assert made_up.format and not made_up.known_format and not made_up.known_licence
    nothing = record_facts()
    assert not (nothing.format or nothing.licence or nothing.known_format)


def test_the_helpers_the_gap_scorer_shares():
    assert any_format_is(("pdf", "csv"), "machineReadable")
    assert not any_format_is(("pdf", "nope"), "machineReadable")
    assert is_open("ogl-3") and is_open("cc0-1")
    assert not is_open("other-closed") and not is_open(None) and not is_open("nope")


def test_link_results_stay_unknown_until_checked_but_no_download_url_never_answers():
    unchecked = record_facts(download_url=True)
    assert unchecked.access_urls_ok is None and unchecked.download_urls_ok is None
    no_file = record_facts(access_urls_ok=True, download_urls_ok=None)
    assert no_file.access_urls_ok is True and no_file.download_urls_ok is False
    rows = {r["indicator"]: r for r in assess(unchecked)["indicators"]}
    assert rows["accessUrlStatusCode"]["explanation"].startswith("links not checked yet")
    assert rows["accessUrlStatusCode"]["to_gain"] == "fix broken links (not checked yet)"
    rows = {r["indicator"]: r for r in assess(no_file)["indicators"]}
    assert rows["downloadUrlStatusCode"]["explanation"] == "lacks download URLs that answer"
    assert rows["downloadUrlStatusCode"]["to_gain"] == "fix downloads"


def test_a_record_earns_each_indicator_it_meets():
    facts = record_facts(
        formats=["csv"],
        licence="ogl-3",
        keywords=True,
        themes=True,
        download_url=True,
        access_urls_ok=True,
        download_urls_ok=False,
        modified=True,
    )
    # keywords 30 + themes 30 + access URLs answer 50 + a download URL 20 + format 20
    # + vocabulary 10 + non-proprietary 20 + machine-readable 20 + DCAT-AP 30 + licence 20
    # + known licence 10 + date modified 5 = 265 ("good": 221-350).
    result = assess(facts)
    assert (result["score"], result["band"], result["maximum"]) == (265, "good", MAXIMUM)
    missing = {r["indicator"] for r in result["indicators"] if r["to_gain"]}
    assert missing == {
        "spatialAvailability",
        "temporalAvailability",
        "downloadUrlStatusCode",
        "mediaTypeAvailability",
        "accessRightsAvailability",
        "accessRightsVocabularyAlignment",
        "contactPointAvailability",
        "publisherAvailability",
        "rightsAvailability",
        "byteSizeAvailability",
        "dateIssuedAvailability",
    }

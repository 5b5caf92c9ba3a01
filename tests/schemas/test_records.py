"""Record model families: what a Create accepts, what it refuses, and how it says so."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from schemas import (
    ContactPointCreate,
    CoverageCreate,
    DatasetCreate,
    DatasetUpdate,
    DistributionCreate,
    HarvestSourceCreate,
    OrganisationCreate,
    describe_errors,
)


def problems(model: type, data: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return describe_errors(caught.value)


def test_a_full_dataset_validates():
    record = DatasetCreate.model_validate(
        {
            "id": "css-2023",
            "title": " Civil Service Statistics 2023 ",
            "publisher": {"id": "cabinet-office", "name": "Cabinet Office"},
            "licence": "ogl-3",
            "accrual_periodicity": "annual",
            "modified": "2023-07-26T10:30:00+01:00",
            "temporal_start": "2023-03-31",
            "temporal_end": "2023-03-31",
            "themes": ["gove"],
            "granularity": "aggregate-by-grade",
            "contact_point": {"email": "statistics@cabinetoffice.gov.uk"},
            "distributions": [{"access_url": "https://www.gov.uk/a.csv", "format": "csv"}],
            "coverage": [{"scheme": "grade", "concept": "scs", "provenance": "observed"}],
        }
    )
    assert record.title == "Civil Service Statistics 2023"
    assert record.publisher_id == "cabinet-office"
    assert (
        record.modified is not None and record.modified.isoformat() == "2023-07-26T09:30:00+00:00"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"licence": "open-ish"}, "licence: 'open-ish' is not a licence notation"),
        ({"themes": ["gove", "space"]}, "themes.1: 'space' is not a theme notation"),
        ({"accrual_periodicity": "hourly"}, "accrual_periodicity: 'hourly' is not a frequency"),
        ({"granularity": "fine"}, "granularity: Input should be"),
        ({"landing_page": "ftp://x"}, "landing_page: URL scheme should be"),
        (
            {"temporal_start": "2024-01-01", "temporal_end": "2023-01-01"},
            "temporal_end 2023-01-01 is before temporal_start 2024-01-01",
        ),
        ({"colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"id": "has space"}, "id: an identifier is 1-200 letters"),
    ],
)
def test_dataset_errors_name_the_field_and_value(data, expected):
    found = problems(DatasetCreate, {"id": "d", "title": "T", **data})
    assert any(expected in line for line in found), found


def test_missing_fields_are_named():
    assert problems(DatasetCreate, {}) == ["title: Field required", "id: Field required"]


def test_coverage_concept_must_be_in_its_scheme():
    assert CoverageCreate(scheme="grade", concept="nhs-vsm").provenance == "declared"
    found = problems(CoverageCreate, {"scheme": "attribute", "concept": "nhs-vsm"})
    assert found == ["record: concept 'nhs-vsm' is not in the attribute vocabulary"]
    found = problems(CoverageCreate, {"scheme": "planet", "concept": "x"})
    assert found[0].startswith("scheme: Input should be 'sector', 'grade' or 'attribute'")


def test_distribution_media_type_and_size():
    dist = DistributionCreate(access_url="https://x.gov.uk/f", media_type="Text/CSV")
    assert dist.media_type == "text/csv"
    assert any(
        "media_type" in p
        for p in problems(DistributionCreate, {"access_url": "https://x", "media_type": "csv"})
    )
    assert any(
        "byte_size" in p
        for p in problems(DistributionCreate, {"access_url": "https://x", "byte_size": -1})
    )


def test_contact_point_needs_a_way_to_reach_someone():
    assert ContactPointCreate(url="https://example.gov.uk/contact").url is not None
    assert problems(ContactPointCreate, {"name": "Statistics team"}) == [
        "record: a contact point needs an email, url or telephone"
    ]
    assert "email" in problems(ContactPointCreate, {"email": "not-an-address"})[0]


def test_organisation_type_and_sectors_come_from_vocabularies():
    org = OrganisationCreate(
        id="home-office", name="Home Office", organisation_type="ministerial_department"
    )
    assert org.sectors == []
    found = problems(
        OrganisationCreate,
        {"id": "x", "name": "X", "organisation_type": "club", "sectors": ["moon"]},
    )
    assert any("organisation_type: 'club'" in p for p in found)
    assert any("sectors.0: 'moon'" in p for p in found)


def test_update_models_have_every_field_optional():
    assert DatasetUpdate().model_dump(exclude_unset=True) == {}
    assert DatasetUpdate(title="New").model_dump(exclude_unset=True) == {"title": "New"}
    assert problems(DatasetUpdate, {"licence": "nope"})


def test_harvest_source_kind_is_a_slug():
    source = HarvestSourceCreate(name="govuk-css", kind="govuk", url="https://www.gov.uk/api")
    assert source.enabled
    assert any(
        "kind" in p
        for p in problems(HarvestSourceCreate, {"name": "x", "kind": "Go UK", "url": "https://x"})
    )

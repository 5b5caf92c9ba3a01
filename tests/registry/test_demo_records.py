"""The bundled demo catalogue (``registry/demo/records.jsonl``) that ``registry demo`` loads.

Every line must be a valid record, organisations must come before the datasets that cite them,
and the catalogue must touch every sector so the demo shows coverage and gaps everywhere.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from importlib import resources
from typing import Any

import pytest
from pydantic import ValidationError

import vocab
from schemas import DatasetCreate, OrganisationCreate, describe_errors

DEMO_FILE = "demo/records.jsonl"


@cache
def raw_lines() -> tuple[str, ...]:
    text = resources.files("registry").joinpath(DEMO_FILE).read_text(encoding="utf-8")
    return tuple(text.splitlines())


@cache
def records() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for line in raw_lines() if line.strip())


def validated(record: dict[str, Any]) -> OrganisationCreate | DatasetCreate:
    data = dict(record)
    kind = data.pop("type")
    model = OrganisationCreate if kind == "organisation" else DatasetCreate
    return model.model_validate(data)


def datasets() -> list[DatasetCreate]:
    return [validated(r) for r in records() if r["type"] == "dataset"]


def organisations() -> list[OrganisationCreate]:
    return [validated(r) for r in records() if r["type"] == "organisation"]


def test_file_is_bundled_with_the_package():
    assert resources.files("registry").joinpath(DEMO_FILE).is_file()


def test_every_line_is_a_json_object_with_a_known_type():
    assert raw_lines(), "the demo file is empty"
    for number, line in enumerate(raw_lines(), start=1):
        assert line.strip(), f"line {number} is blank"
        record = json.loads(line)
        assert isinstance(record, dict), f"line {number} is not an object"
        assert record.get("type") in ("organisation", "dataset"), f"line {number}: type"


def test_every_record_validates():
    problems = []
    for number, record in enumerate(records(), start=1):
        try:
            validated(record)
        except ValidationError as exc:
            problems += [f"line {number} ({record.get('id')}): {m}" for m in describe_errors(exc)]
    assert not problems, "\n".join(problems)


def test_catalogue_size():
    kinds = Counter(r["type"] for r in records())
    assert 12 <= kinds["organisation"] <= 20
    assert 30 <= kinds["dataset"] <= 45


def test_ids_are_unique():
    counts = Counter(r["id"] for r in records())
    assert not [i for i, n in counts.items() if n > 1]


def test_organisations_come_before_the_datasets_that_cite_them():
    seen: set[str] = set()
    for number, record in enumerate(records(), start=1):
        if record["type"] == "organisation":
            seen.add(record["id"])
            continue
        publisher = record.get("publisher")
        assert isinstance(publisher, str), f"line {number}: publisher should be an id"
        assert publisher in seen, f"line {number}: publisher {publisher!r} not defined above"


def test_organisation_parents_are_in_the_file():
    ids = {o.id for o in organisations()}
    for org in organisations():
        assert set(org.parent_ids) <= ids, org.id


def test_every_organisation_publishes_or_is_a_parent():
    used = {d.publisher_id for d in datasets()}
    used |= {parent for o in organisations() for parent in o.parent_ids}
    assert not [o.id for o in organisations() if o.id not in used]


def test_every_sector_has_a_dataset():
    covered = {c.concept for d in datasets() for c in d.coverage if c.scheme.value == "sector"}
    missing = set(vocab.load("sector").concepts) - covered
    assert not missing, f"sectors without a dataset: {sorted(missing)}"


@pytest.mark.parametrize("provenance", ["declared", "observed"])
def test_some_datasets_use_each_provenance(provenance):
    assert any(c.provenance.value == provenance for d in datasets() for c in d.coverage)


def test_coverage_statements_are_unique_and_explained():
    for dataset in datasets():
        keys = Counter((c.scheme, c.concept, c.provenance) for c in dataset.coverage)
        assert all(n == 1 for n in keys.values()), dataset.id
        assert all(c.note for c in dataset.coverage), dataset.id
        assert dataset.coverage, f"{dataset.id} has no coverage statements"


def test_licences_are_mostly_ogl_3():
    licences = Counter(d.licence for d in datasets() if d.licence)
    assert licences.most_common(1)[0][0] == "ogl-3"
    assert licences["ogl-3"] >= 0.8 * sum(licences.values())


def test_every_dataset_is_described_and_findable():
    unlinked = []
    for dataset in datasets():
        assert dataset.description, dataset.id
        assert dataset.keywords, dataset.id
        assert dataset.themes, dataset.id
        if not (dataset.landing_page or dataset.distributions):
            unlinked.append(dataset.id)
    # A few reports are known only by name (no verified address); keep them rare.
    assert len(unlinked) <= 3, unlinked


def test_distribution_urls_are_unique_within_a_dataset():
    for dataset in datasets():
        urls = Counter(str(d.access_url) for d in dataset.distributions)
        assert all(n == 1 for n in urls.values()), dataset.id


def test_series_have_several_editions():
    ids = {d.id for d in datasets()}
    assert {f"civil-service-statistics-{year}" for year in (2021, 2022, 2023, 2024)} <= ids
    organogram_publishers = {
        d.publisher_id
        for d in datasets()
        if d.id.startswith("organogram-") and d.id != "organogram-staff-roles-and-salaries"
    }
    assert len(organogram_publishers) >= 3

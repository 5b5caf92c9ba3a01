"""What the edit page shows: the form's fields and their choices, the record's coverage with its
provenance, and the classifier's suggested coverage for the record's current text.

The form's fields, in order, map to :class:`schemas.DatasetUpdate`'s; lists (keywords, places)
are written one per line. :func:`form_changes` turns a posted form into the changes it makes,
or the GOV.UK error messages for each field that does not validate.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

import vocab
from harvesters.classify import classify
from registry.curation.overlay import field_value
from schemas import AccessRights, DatasetCreate, DatasetCuration, DatasetUpdate, Granularity

FIELDS = (
    "title",
    "description",
    "keywords",
    "licence",
    "access_rights",
    "accrual_periodicity",
    "landing_page",
    "temporal_start",
    "temporal_end",
    "spatial",
    "granularity",
)
LISTS = ("keywords", "spatial")
NAMES = {
    "title": "Title",
    "description": "Description",
    "keywords": "Keywords",
    "licence": "Licence",
    "access_rights": "Access rights",
    "accrual_periodicity": "Update frequency",
    "landing_page": "Landing page",
    "temporal_start": "Time covered from",
    "temporal_end": "Time covered to",
    "spatial": "Places covered",
    "granularity": "Granularity",
    "publisher": "Publisher",
    "distributions": "Data files",
    "status": "Status",
}
INVALID = {
    "title": "Enter a title",
    "landing_page": "Enter a landing page that starts with http:// or https://",
    "temporal_start": "Enter the start date as year-month-day, like 2019-04-01",
    "temporal_end": "Enter the end date as year-month-day, like 2024-03-31",
    "licence": "Choose a licence from the list",
    "access_rights": "Choose the access rights from the list",
    "accrual_periodicity": "Choose an update frequency from the list",
    "granularity": "Choose a granularity from the list",
}
GRANULARITY = {
    Granularity.individual.value: "Individual: named posts or post-holders",
    Granularity.aggregate_by_grade.value: "Aggregate by grade: counts or rates per grade",
    Granularity.workforce.value: "Workforce: whole-workforce figures, no leadership breakdown",
}
SCHEMES = {"sector": "Sector", "grade": "Leadership grade", "attribute": "Attribute"}
REASON_MAX = 2000


def options() -> dict[str, list[tuple[str, str]]]:
    return {
        "licence": [(c.notation, c.pref_label) for c in vocab.load("licence")],
        "accrual_periodicity": [(c.notation, c.pref_label) for c in vocab.load("frequency")],
        "access_rights": [(a.value, a.value.replace("-", " ").capitalize()) for a in AccessRights],
        "granularity": list(GRANULARITY.items()),
        "concepts": [
            (scheme, heading, [(c.notation, c.pref_label) for c in vocab.load(scheme)])
            for scheme, heading in SCHEMES.items()
        ],
    }


def form_values(record: DatasetCreate) -> dict[str, str]:
    """The record's values as the form shows them."""
    values: dict[str, str] = {}
    for name in FIELDS:
        value = field_value(record, name)
        if name in LISTS:
            values[name] = "\n".join(value or [])
        else:
            values[name] = "" if value is None else str(value)
    return values


def posted_values(form: dict[str, list[str]]) -> dict[str, str]:
    return {name: (form.get(name) or [""])[0].strip() for name in FIELDS}


def form_changes(
    values: dict[str, str], record: DatasetCreate
) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields the form changes (JSON form, as DatasetUpdate takes them) and the errors."""
    candidate: dict[str, Any] = {}
    for name in FIELDS:
        text = values[name]
        if name in LISTS:
            candidate[name] = [line.strip() for line in text.splitlines() if line.strip()]
        elif name == "description":
            candidate[name] = text
        else:
            candidate[name] = text or None
    errors: dict[str, str] = {}
    if not values["title"]:
        errors["title"] = "Enter a title"
    try:
        checked = DatasetUpdate.model_validate(candidate)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            name = str(error["loc"][0]) if error["loc"] else "title"
            if name not in errors:
                errors[name] = INVALID.get(name, f"{NAMES.get(name, name)}: {error['msg']}")
        return {}, _in_order(errors)
    start, end = checked.temporal_start, checked.temporal_end
    if start and end and end < start:
        errors["temporal_end"] = "The end date must be the same as or after the start date"
    if len(checked.description or "") > 20_000:
        errors["description"] = "Description must be 20,000 characters or fewer"
    dumped = checked.model_dump(mode="json")
    changes = {name: dumped[name] for name in FIELDS if dumped[name] != _current(record, name)}
    return changes, _in_order(errors)


def _current(record: DatasetCreate, name: str) -> Any:
    value = field_value(record, name)  # JSON form: dates as ISO text
    return (value or []) if name in LISTS else value


def _in_order(errors: dict[str, str]) -> dict[str, str]:
    return {n: errors[n] for n in (*FIELDS, *errors) if n in errors}


def reason_error(reason: str) -> str | None:
    if not reason:
        return "Enter the reason for the change"
    if len(reason) > REASON_MAX:
        return f"The reason must be {REASON_MAX:,} characters or fewer"
    return None


def coverage_rows(record: DatasetCreate) -> list[dict[str, Any]]:
    """The record's coverage statements, one row per concept, with every provenance it has."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for c in record.coverage:
        key = (c.scheme.value, c.concept)
        row = rows.setdefault(
            key,
            {
                "scheme": key[0],
                "concept": key[1],
                "scheme_label": SCHEMES.get(key[0], key[0]),
                "label": _label(*key),
                "provenance": [],
                "notes": [],
                "id": f"remove-{key[0]}-{key[1]}",
            },
        )
        row["provenance"].append(c.provenance.value)
        if c.note:
            row["notes"].append(c.note)
    order = list(SCHEMES)
    return sorted(rows.values(), key=lambda r: (order.index(r["scheme"]), r["label"].lower()))


def classifier_suggestions(
    record: DatasetCreate, curation: DatasetCuration | None
) -> list[dict[str, Any]]:
    """What the classifier finds in the record's current title, description and keywords that
    the record does not already say; a statement a person removed is marked so."""
    present = {(c.scheme.value, c.concept) for c in record.coverage}
    removed = {(s, c) for s, c in curation.suppressed} if curation else set()
    found = classify(
        title=record.title, description=record.description, keywords=record.keywords
    ).statements
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for statement in found:
        key = (statement.scheme.value, statement.concept)
        if key in present or key in seen:
            continue
        seen[key] = {
            "scheme": key[0],
            "concept": key[1],
            "scheme_label": SCHEMES.get(key[0], key[0]),
            "label": _label(*key),
            "note": statement.note or "",
            "removed_before": key in removed,
        }
    order = list(SCHEMES)
    return sorted(seen.values(), key=lambda r: (order.index(r["scheme"]), r["label"].lower()))


def _label(scheme: str, concept: str) -> str:
    found = vocab.load(scheme).get(concept)
    return found.pref_label if found else concept

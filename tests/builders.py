"""Small builders of JSON Lines records for tests."""

from __future__ import annotations

from typing import Any


def organisation(id: str = "cabinet-office", **fields: Any) -> dict[str, Any]:
    return {"type": "organisation", "id": id, "name": fields.pop("name", id.title()), **fields}


def dataset(id: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"type": "dataset", "id": id, "title": f"Dataset {id}"}
    record.update(fields)
    return record

"""Fingerprints that decide whether an item must be mapped again.

An item whose raw payload hashes the same as last time, under the same mapping code (the
harvester packages, the record schemas and the vocabularies), would map to the same records,
so the run loop skips its transform, classification and storage. Any change to that code or
data changes the fingerprint and every item is mapped afresh on the next run.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

MAPPING_PACKAGES = ("harvesters", "schemas", "vocab")


@cache
def mapping_fingerprint() -> str:
    digest = hashlib.sha256()
    for package in MAPPING_PACKAGES:
        root = resources.files(package)
        for path in sorted(_files(root), key=str):
            digest.update(str(path).rsplit(package, 1)[-1].encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(root: Any) -> list[Any]:
    found = []
    for entry in root.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found.extend(_files(entry))
        elif entry.name.endswith((".py", ".ttl")):
            found.append(entry)
    return found


def payload_hash(kind: str, payload: Any) -> str | None:
    """The item's payload under this mapping; None when the payload is not JSON (never skip)."""
    try:
        text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=_no_default)
    except (TypeError, ValueError):
        return None
    data = f"{mapping_fingerprint()}\n{kind}\n{text}".encode()
    return hashlib.sha256(data).hexdigest()


def _no_default(value: Any) -> Any:
    raise TypeError(f"not JSON: {type(value).__name__}")

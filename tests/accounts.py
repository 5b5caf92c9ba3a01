"""Authorization headers for tests of writes."""

from __future__ import annotations


def bearer(secret: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **headers}

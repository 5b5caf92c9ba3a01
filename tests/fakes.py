"""A harvester for tests of the run loop: its source URL serves a JSON list of items.

Each item is ``{"guid", "title", "landing_page"?, "fail"?, "withdrawn"?}``; a listing may say
``{"items": [...], "next": "<url>"}`` to page, and ``"incremental": true`` to say it lists
only what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from harvesters.base import Harvester, Records, RemoteItem, TransformError
from schemas import DatasetCreate


class FakeHarvester(Harvester):
    kind = "fake"

    partial = False

    def listed_everything(self) -> bool:
        return not self.partial

    def gather(self) -> Iterator[RemoteItem]:
        url: str | None = self.source.url
        while url:
            page = self.http.json(url)
            items, url = (
                (page, None) if isinstance(page, list) else (page["items"], page.get("next"))
            )
            self.partial |= isinstance(page, dict) and bool(page.get("incremental"))
            for entry in items:
                yield RemoteItem(guid=entry["guid"], payload=entry)

    def withdrawn(self, item: RemoteItem) -> str | None:
        return item.payload.get("withdrawn")

    transformed: ClassVar[list[str]] = []  # guids transformed, for tests to inspect

    def transform(self, item: RemoteItem) -> Records:
        FakeHarvester.transformed.append(item.guid)
        entry = item.payload
        if entry.get("fail"):
            raise TransformError(f"cannot map {entry['guid']}: {entry['fail']}")
        return Records(
            datasets=[
                DatasetCreate(
                    id=f"fake-{entry['guid']}",
                    title=entry["title"],
                    landing_page=entry.get("landing_page"),
                )
            ]
        )

"""The harvester contract: ``gather()`` does the I/O, ``transform()`` is pure.

A harvester reads one kind of source. ``gather`` walks the remote listing through the injected
:class:`~harvesters.http.HarvestClient` and yields one :class:`RemoteItem` per remote record;
``transform`` turns an item into records, with no I/O at all (so it is tested on recorded
payloads alone). The shared run loop in ``registry.harvest`` stores what ``transform`` returns,
tracks each item's state and withdraws what disappears. Harvesters never touch the database.

    class MyHarvester(Harvester):
        kind = "my-kind"

        class Options(BaseModel):            # validated from the source's ``options``
            page_size: int = 100

        def gather(self) -> Iterator[RemoteItem]:
            for entry in self.http.json(self.source.url)["items"]:
                yield RemoteItem(guid=entry["id"], payload=entry)

        def transform(self, item: RemoteItem) -> Records:
            return Records(datasets=[DatasetCreate(id=..., title=item.payload["title"])])

Register a built-in with one line in ``harvesters.HARVESTERS``; an add-on package declares the
same in ``[project.entry-points."registry.harvesters"]``.

Errors::

    HarvestError                 anything that stops an item or a run
     ├── FetchError              the source could not be read (url, cause)
     │    ├── BadStatus          an HTTP error status after retries
     │    ├── TooLarge           the body passed the byte cap
     │    └── BadPayload         not the JSON / RDF / CSV that was expected
     ├── TransformError          an item could not be mapped to records
     └── RunTimeout              the run passed its time limit
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from harvesters.errors import (
    BadPayload,
    BadStatus,
    FetchError,
    HarvestError,
    RunTimeout,
    TooLarge,
    TransformError,
)
from harvesters.http import HarvestClient
from schemas import DatasetCreate, OrganisationCreate

__all__ = [
    "BadPayload",
    "BadStatus",
    "FetchError",
    "HarvestError",
    "Harvester",
    "NoOptions",
    "Records",
    "RemoteItem",
    "RunTimeout",
    "SourceConfig",
    "TooLarge",
    "TransformError",
]


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class SourceConfig:
    """What the run loop tells a harvester about its source."""

    name: str
    kind: str
    url: str
    options: dict[str, Any] = field(default_factory=dict)
    # When the last successful run started: harvesters may ask only for newer items.
    since: datetime | None = None


@dataclass(frozen=True)
class RemoteItem:
    """One remote record: its stable id at the source and the payload ``transform`` reads."""

    guid: str
    payload: Any = None  # JSON-like data (kept for re-mapping), or text
    url: str | None = None
    modified: datetime | None = None
    # The source answered 304 Not Modified: nothing to transform, the item is unchanged.
    not_modified: bool = False


@dataclass
class Records:
    """What one item becomes."""

    datasets: list[DatasetCreate] = field(default_factory=list)
    organisations: list[OrganisationCreate] = field(default_factory=list)


class Harvester(ABC):
    kind: ClassVar[str]
    Options: ClassVar[type[BaseModel]] = NoOptions

    def __init__(self, source: SourceConfig, http: HarvestClient) -> None:
        self.source = source
        self.options = self.Options.model_validate(source.options)
        self.http = http

    @abstractmethod
    def gather(self) -> Iterator[RemoteItem]:
        """Walk the source; yield every remote item (I/O only through ``self.http``)."""

    @abstractmethod
    def transform(self, item: RemoteItem) -> Records:
        """Map one item to records. Pure: no I/O, no clock, no randomness."""

    def listed_everything(self) -> bool:
        """Asked after ``gather`` finished: did it list every record the source holds? Only
        then are records it did not list withdrawn. An incremental listing (only what changed
        since ``source.since``) answers False."""
        return True

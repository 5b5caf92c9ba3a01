"""What happens to one remote item between ``gather`` and storage, without the database:
transform, then enrich each dataset (profile its tables, classify its coverage).

Shared by a real run and a dry-run preview, so a preview shows exactly what a run would store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harvesters.base import Harvester, HarvestError, Records, RemoteItem
from harvesters.http import HarvestClient
from schemas import DatasetCreate, DistributionCreate, TableProfile


@dataclass
class Processed:
    guid: str
    records: Records | None = None
    withdrawn: str | None = None  # the source's reason, when it says the item is withdrawn
    not_modified: bool = False
    stage: str | None = None  # where it failed: transform | profile | store
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # things that did not stop the item


Profiler = Callable[[bytes, str], TableProfile]


@dataclass
class Enricher:
    """Adds what the source does not say: table profiles and inferred / observed coverage."""

    http: HarvestClient
    profile_max_bytes: int
    # Profiles already stored, by distribution URL, reused when the file is not modified.
    known_profiles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def dataset(self, record: DatasetCreate, notes: list[str]) -> DatasetCreate:
        distributions = [self._profiled(d, notes) for d in record.distributions]
        columns = [c for d in distributions if d.profile for c in d.profile.columns]
        statements = list(record.coverage)
        have = {(s.scheme, s.concept, s.provenance) for s in statements}
        for statement in _classify(record, columns):
            key = (statement.scheme, statement.concept, statement.provenance)
            if key not in have:
                have.add(key)
                statements.append(statement)
        return record.model_copy(update={"distributions": distributions, "coverage": statements})

    def _profiled(self, dist: DistributionCreate, notes: list[str]) -> DistributionCreate:
        from harvesters.tabular import TabularError, profile_table, tabular_format

        url = str(dist.download_url or dist.access_url)
        fmt = tabular_format(dist.format, dist.media_type, url)
        if fmt is None or dist.profile is not None:
            return dist
        try:
            fetched = self.http.get(url, conditional=True, max_bytes=self.profile_max_bytes)
            if fetched.not_modified:
                known = self.known_profiles.get(url)
                profile = TableProfile.model_validate(known) if known else None
            else:
                profile = profile_table(fetched.content, format=fmt)
        except (HarvestError, TabularError) as exc:
            notes.append(f"{url}: not profiled: {exc}")
            return dist
        return dist.model_copy(update={"profile": profile}) if profile else dist


def _classify(record: DatasetCreate, columns: list) -> list:
    from harvesters.classify import classify

    return classify(
        title=record.title,
        description=record.description,
        keywords=list(record.keywords),
        columns=columns,
    ).statements


def process_item(harvester: Harvester, item: RemoteItem, enricher: Enricher | None) -> Processed:
    """Transform and enrich one item; every failure becomes a ``Processed`` with its stage."""
    if item.not_modified:
        return Processed(item.guid, not_modified=True)
    try:
        withdrawn = getattr(harvester, "withdrawn", None)
        reason = withdrawn(item) if callable(withdrawn) else None
        if reason:
            return Processed(item.guid, withdrawn=str(reason))
        records = harvester.transform(item)
        if not isinstance(records, Records):
            raise TypeError(f"transform returned {type(records).__name__}, not Records")
    except Exception as exc:  # any harvester bug is this item's failure alone
        return Processed(item.guid, stage="transform", error=_message(exc))
    processed = Processed(item.guid)
    if enricher is not None:
        try:
            datasets = [enricher.dataset(d, processed.notes) for d in records.datasets]
        except Exception as exc:  # a classifier or profiler bug fails this item only
            return Processed(item.guid, stage="profile", error=_message(exc))
        records = Records(datasets=datasets, organisations=records.organisations)
    processed.records = records
    return processed


def _message(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    if not isinstance(exc, HarvestError):
        text = f"{exc.__class__.__name__}: {text}"
    return text[:2000]

"""Per-run bookkeeping: which remote records a source has, what became of each item, links
between duplicates, and withdrawal of records gone from the source."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Text, insert, select, type_coerce
from sqlalchemy.orm import defer
from sqlmodel import Session

from harvesters.base import RemoteItem
from registry.harvest.process import Processed
from registry.store import (
    content_hash,
    normalised,
    upsert_datasets,
    upsert_organisations,
    withdraw_dataset,
)
from schemas import (
    Dataset,
    DatasetCreate,
    Distribution,
    HarvestItem,
    HarvestRecord,
    HarvestRun,
    ItemState,
    RecordStatus,
)
from schemas.common import now

MAX_PAYLOAD_BYTES = 256_000
HARVEST_ITEM = HarvestItem.__table__
_RANK = {s: i for i, s in enumerate(("failed", "withdrawn", "added", "updated", "unchanged"))}


def page_key(url: str | None) -> str | None:
    """A landing page compared loosely: scheme-less, lower-case host, no trailing slash."""
    if not url:
        return None
    parts = urlsplit(url)
    return urlunsplit(("", parts.netloc.lower(), parts.path.rstrip("/"), parts.query, ""))


class Bookkeeper:
    def __init__(self, *, session: Session, source_name: str, run: HarvestRun) -> None:
        self.session = session
        self.source = source_name
        self.run = run
        self.run_id = run.id
        self.records: dict[str, HarvestRecord] = {}
        # The keys of ``records`` that belong to a guid: the guid itself and every key that
        # starts with the guid and "#" (so a lookup is a dict get, not a scan of every record).
        self._keys_of: dict[str, list[str]] = {}
        for record in session.execute(
            select(HarvestRecord)
            .where(HarvestRecord.source_name == source_name)
            .options(defer(HarvestRecord.payload))  # only ever written during a run
        ).scalars():
            self._add_record(record.guid, record)
        self.seen: set[str] = set()
        self._others: dict[str, str] | None = None
        self._pending_items: list[dict[str, Any]] = []

    # -- reading ----------------------------------------------------------------------------

    def already_seen(self, guid: str) -> bool:
        if guid in self.seen:
            return True
        self.seen.add(guid)
        return False

    def known_profiles(self) -> Mapping[str, dict[str, Any]]:
        """Stored profiles by file URL. On SQLite each is decoded from its JSON text only when
        asked for (a run that downloads nothing needs none of them)."""
        raw = self.session.get_bind().dialect.name == "sqlite"
        profile = type_coerce(Distribution.profile, Text) if raw else Distribution.profile
        rows = self.session.execute(
            select(Distribution.access_url, Distribution.download_url, profile)
            .join(Dataset, Dataset.id == Distribution.dataset_id)
            .where(Dataset.source_name == self.source, Distribution.profile.is_not(None))
        )
        found = {download or access: profile for access, download, profile in rows}
        return _JsonValues(found) if raw else found

    def _duplicate_of(self, record: DatasetCreate) -> str | None:
        """The id of another source's dataset that is the same record, if any."""
        if self._others is None:
            self._others = {}
            for dataset_id, page, owner in self.session.execute(
                select(Dataset.id, Dataset.landing_page, Dataset.source_name).where(
                    Dataset.status == RecordStatus.active.value
                )
            ):
                if owner != self.source and page_key(page):
                    self._others.setdefault(page_key(page) or "", dataset_id)
        owner = self.session.execute(
            select(Dataset.source_name).where(Dataset.id == record.id)
        ).first()
        if owner is not None and owner[0] not in (None, self.source):
            return record.id
        key = page_key(str(record.landing_page) if record.landing_page else None)
        return self._others.get(key) if key else None

    # -- writing ----------------------------------------------------------------------------

    def is_current(self, guid: str, digest: str | None) -> bool:
        """Whether the item's records were made from this very payload and mapping."""
        records = self._records_of(guid)
        return bool(
            digest
            and records
            and all(
                r.payload_hash == digest and r.status == RecordStatus.active.value for r in records
            )
        )

    def skip(self, guid: str) -> str:
        for record in self._records_of(guid):
            self._touch(record)
        return self._item(guid, None, ItemState.unchanged, None, None)

    def store(self, item: RemoteItem, processed: Processed, digest: str | None = None) -> str:
        """Store one processed item and record its state; returns the state."""
        guid = item.guid
        if processed.error:
            return self._item(guid, None, ItemState.failed, processed.stage, processed.error)
        if processed.not_modified:
            for record in self._records_of(guid):
                self._touch(record)
            return self._item(guid, None, ItemState.unchanged, None, "not modified at the source")
        if processed.withdrawn:
            for record in self._records_of(guid):
                self._withdraw(record, f"withdrawn at the source: {processed.withdrawn}")
            return self._item(guid, None, ItemState.withdrawn, None, processed.withdrawn)
        records = processed.records
        assert records is not None
        self._open_transaction()
        try:
            with self.session.begin_nested():
                outcomes = upsert_organisations(session=self.session, records=records.organisations)
                states = [o.state.value for o in outcomes]
                first_id = None
                for index, dataset in enumerate(records.datasets):
                    key = guid if index == 0 else f"{guid}#{dataset.id}"
                    duplicate = self._duplicate_of(dataset)
                    if duplicate:
                        self._keep(
                            key, duplicate, None, item.payload, digest, duplicate_of=duplicate
                        )
                        states.append(ItemState.unchanged.value)
                        processed.notes.append(f"same record as dataset {duplicate!r}: linked")
                        continue
                    (outcome,) = upsert_datasets(
                        session=self.session,
                        records=[dataset],
                        source_name=self.source,
                        run_id=self.run_id,
                    )
                    record_hash = outcome.content_hash or content_hash(normalised(dataset))
                    self._keep(key, dataset.id, record_hash, item.payload, digest)
                    states.append(outcome.state.value)
                    first_id = first_id or dataset.id
                if not records.datasets:
                    self._keep(guid, None, None, item.payload, digest)
        except Exception as exc:  # a record the database refused: this item fails, not the run
            message = f"not stored: {exc.__class__.__name__}: {str(exc)[:300]}"
            return self._item(guid, None, ItemState.failed, "store", message)
        state = min(states, key=_RANK.__getitem__) if states else ItemState.unchanged.value
        note = "; ".join(processed.notes) or None
        return self._item(guid, first_id, ItemState(state), None, note)

    def withdraw_missing(self, *, grace: timedelta) -> int:
        """Withdraw this source's records that this run did not see and that have been missing
        longer than ``grace``; returns how many were withdrawn."""
        cutoff = now() - grace
        withdrawn = 0
        for key, record in self.records.items():
            if record.status != RecordStatus.active.value or key.split("#")[0] in self.seen:
                continue
            if _aware(record.last_seen_at) > cutoff:
                continue
            self._withdraw(record, f"gone from the source since {record.last_seen_at:%Y-%m-%d}")
            self._item(key, record.dataset_id, ItemState.withdrawn, None, "gone from the source")
            withdrawn += 1
        return withdrawn

    def _open_transaction(self) -> None:
        """On SQLite, make the run's transaction real before a savepoint. The sqlite3 driver
        begins one only before INSERT, UPDATE or DELETE, and a SAVEPOINT outside a transaction
        starts one of its own, which its RELEASE commits: each item would be committed (and
        written to the WAL) on its own instead of every few items as the run loop intends."""
        connection = self.session.connection()
        if connection.dialect.name != "sqlite":
            return
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN")

    def _records_of(self, guid: str) -> Iterable[HarvestRecord]:
        """The records whose key is ``guid`` or starts with ``guid + "#"``, in key order."""
        return [self.records[key] for key in self._keys_of.get(guid, ())]

    def _add_record(self, key: str, record: HarvestRecord) -> None:
        self.records[key] = record
        self._keys_of.setdefault(key, []).append(key)
        cut = key.find("#")
        while cut != -1:
            self._keys_of.setdefault(key[:cut], []).append(key)
            cut = key.find("#", cut + 1)

    def flush_items(self) -> None:
        """Write the item rows kept since the last call (one statement); call before commit."""
        if self._pending_items:
            rows, self._pending_items = self._pending_items, []
            self.session.execute(insert(HARVEST_ITEM), rows)

    def _keep(
        self,
        key: str,
        dataset_id: str | None,
        record_hash: str | None,
        payload: Any,
        payload_digest: str | None,
        *,
        duplicate_of: str | None = None,
    ) -> None:
        record = self.records.get(key)
        if record is None:
            record = HarvestRecord(source_name=self.source, guid=key)
            self._add_record(key, record)
        record.dataset_id = dataset_id
        record.duplicate_of = duplicate_of
        record.status = RecordStatus.active.value
        record.content_hash = record_hash
        record.payload_hash = payload_digest
        record.payload = _bounded(payload)
        self._touch(record)

    def _touch(self, record: HarvestRecord) -> None:
        record.last_seen_at = now()
        record.last_run_id = self.run_id
        self.session.add(record)

    def _withdraw(self, record: HarvestRecord, reason: str) -> None:
        record.status = RecordStatus.withdrawn.value
        self.session.add(record)
        if record.dataset_id and not record.duplicate_of:
            owner = self.session.execute(
                select(Dataset.source_name).where(Dataset.id == record.dataset_id)
            ).scalar()
            if owner == self.source:
                withdraw_dataset(
                    session=self.session,
                    dataset_id=record.dataset_id,
                    reason=reason,
                    actor=f"harvest:{self.source}",
                    run_id=self.run_id,
                )

    def _item(
        self,
        guid: str,
        dataset_id: str | None,
        state: ItemState,
        stage: str | None,
        message: str | None,
    ) -> str:
        # Kept and written in one statement by flush_items (before each commit of the run).
        self._pending_items.append(
            {
                "run_id": self.run_id,
                "guid": guid[:2000],
                "dataset_id": dataset_id,
                "state": state.value,
                "stage": stage,
                "message": message,
            }
        )
        return state.value


class _JsonValues(Mapping[str, Any]):
    """A mapping whose values are JSON texts, decoded when read."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    def __getitem__(self, key: str) -> Any:
        return json.loads(self._texts[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


def _bounded(payload: Any) -> Any:
    """The raw payload, kept for re-mapping when it is JSON and not too large."""
    try:
        text = json.dumps(payload, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return None
    return payload if len(text.encode("utf-8")) <= MAX_PAYLOAD_BYTES else None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)

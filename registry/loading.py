"""JSON Lines in and out: ``registry load FILE`` and ``registry export``.

Each line is one record: ``{"type": "organisation", ...}`` (an :class:`OrganisationCreate`) or a
dataset (``"type": "dataset"`` or no type; a :class:`DatasetCreate`; a withdrawn one carries
``"withdrawn": {"at": ..., "reason": ...}``, so an export loads back as it was). A bad line is
reported with its number and reason and changes nothing; every good line is kept. Records are
written in batches, each committed, so an interrupted load keeps what it finished.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from registry.store import (
    content_hash,
    distribution_ids,
    normalised,
    upsert_datasets,
    upsert_organisations,
    withdraw_dataset,
)
from schemas import (
    Coverage,
    Dataset,
    DatasetCreate,
    Distribution,
    Organisation,
    OrganisationCreate,
    RecordStatus,
    describe_errors,
)
from schemas.common import UtcDatetime

MAX_LINE_BYTES = 1_000_000
RECORD_TYPES = ("organisation", "dataset")


@dataclass(frozen=True)
class LineError:
    line: int
    messages: list[str]

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(self.messages)


@dataclass
class LoadReport:
    counts: Counter[str] = field(default_factory=Counter)  # "dataset added" -> n
    errors: list[LineError] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        """E.g. "97 records: organisations 1 added; datasets 90 added, 6 unchanged; 3 bad lines"."""
        groups = []
        for kind in RECORD_TYPES:
            states = [
                f"{self.counts[f'{kind} {state}']} {state}"
                for state in ("added", "updated", "unchanged")
                if self.counts[f"{kind} {state}"]
            ]
            if states:
                groups.append(f"{kind}s {', '.join(states)}")
        return f"{self.loaded} records: {'; '.join(groups) or 'none'}; {len(self.errors)} bad lines"


Record = OrganisationCreate | DatasetCreate


class Withdrawal(BaseModel):
    """A dataset line's ``withdrawn``: when and why the record was withdrawn."""

    model_config = ConfigDict(extra="forbid")

    at: UtcDatetime | None = None
    reason: str = Field(default="withdrawn", max_length=1000)


class LineProblem(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_line(text: str) -> Record:
    """One JSON Lines record, validated; :class:`LineProblem` says what is wrong."""
    return parse_entry(text)[0]


def parse_entry(text: str) -> tuple[Record, Withdrawal | None]:
    """One JSON Lines record and its withdrawal, if it is a withdrawn dataset."""
    if len(text.encode("utf-8", "replace")) > MAX_LINE_BYTES:
        raise LineProblem([f"line is longer than {MAX_LINE_BYTES} bytes"])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LineProblem([f"not valid JSON: {exc.msg} (column {exc.colno})"]) from None
    except RecursionError:
        raise LineProblem(["not valid JSON: nested too deeply"]) from None
    if not isinstance(data, dict):
        raise LineProblem([f"expected a JSON object, got {type(data).__name__}"])
    kind = data.pop("type", "dataset")
    if kind not in RECORD_TYPES:
        raise LineProblem([f"type: {kind!r} is not one of {', '.join(RECORD_TYPES)}"])
    model = OrganisationCreate if kind == "organisation" else DatasetCreate
    withdrawn = data.pop("withdrawn", None) if kind == "dataset" else None
    try:
        withdrawal = None if withdrawn is None else Withdrawal.model_validate(withdrawn)
    except ValidationError as exc:
        raise LineProblem([f"withdrawn: {m}" for m in describe_errors(exc)]) from None
    try:
        return model.model_validate(data), withdrawal
    except ValidationError as exc:
        raise LineProblem(describe_errors(exc)) from None


def load_lines(
    *, session: Session, lines: Iterable[str], batch_size: int = 500, source_name: str | None = None
) -> LoadReport:
    """Validate and store every good line; commit each batch."""
    report = LoadReport()
    batch: list[tuple[int, Record, Withdrawal | None]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            batch.append((number, *parse_entry(raw)))
        except LineProblem as problem:
            report.errors.append(LineError(number, problem.messages))
        if len(batch) >= batch_size:
            _store_batch(session, batch, report, source_name)
            batch = []
    if batch:
        _store_batch(session, batch, report, source_name)
    report.errors.sort(key=lambda e: e.line)
    return report


def _store_batch(
    session: Session,
    batch: list[tuple[int, Record, Withdrawal | None]],
    report: LoadReport,
    source_name: str | None,
) -> None:
    organisations = [r for _, r, _ in batch if isinstance(r, OrganisationCreate)]
    withdrawals = {r.id: w for _, r, w in batch if isinstance(r, DatasetCreate) and w}
    datasets = [
        (n, r)
        for n, r, _ in batch
        if isinstance(r, DatasetCreate) and not _already_withdrawn(session, r, withdrawals, report)
    ]
    for outcome in upsert_organisations(session=session, records=organisations):
        report.counts[f"organisation {outcome.state.value}"] += 1
    session.commit()
    good: list[DatasetCreate] = []
    for number, record in datasets:
        problems = reference_problems(session=session, record=record)
        if problems:
            report.errors.append(LineError(number, problems))
        else:
            good.append(record)
    try:
        with session.begin_nested():
            outcomes = upsert_datasets(session=session, records=good, source_name=source_name)
    except SQLAlchemyError:
        # Something only the database could see: find the line one record at a time.
        outcomes = []
        for number, record in datasets:
            if record not in good:
                continue
            try:
                with session.begin_nested():
                    outcomes += upsert_datasets(
                        session=session, records=[record], source_name=source_name
                    )
            except SQLAlchemyError as exc:
                report.errors.append(LineError(number, [f"not stored: {exc.__class__.__name__}"]))
    for outcome in outcomes:
        report.counts[f"dataset {outcome.state.value}"] += 1
        if withdrawal := withdrawals.get(outcome.id):
            withdraw_dataset(
                session=session, dataset_id=outcome.id, reason=withdrawal.reason, at=withdrawal.at
            )
    session.commit()


def _already_withdrawn(
    session: Session, record: DatasetCreate, withdrawals: dict[str, Withdrawal], report: LoadReport
) -> bool:
    """A withdrawn record stored withdrawn with the same content: loading it changes nothing."""
    withdrawal = withdrawals.get(record.id)
    if withdrawal is None:
        return False
    row = session.execute(
        select(Dataset.status, Dataset.content_hash, Dataset.withdrawn_reason).where(
            Dataset.id == record.id
        )
    ).first()
    same = (
        row is not None
        and row.status == RecordStatus.withdrawn.value
        and row.withdrawn_reason == withdrawal.reason
        and row.content_hash == content_hash(normalised(record))
    )
    if same:
        report.counts["dataset unchanged"] += 1
    return same


def reference_problems(*, session: Session, record: DatasetCreate) -> list[str]:
    """What a dataset points at that does not exist or belongs to another record."""
    problems = []
    publisher = record.publisher_id
    if isinstance(record.publisher, str) and session.get(Organisation, publisher) is None:
        problems.append(
            f"publisher: {publisher!r} is not a known organisation "
            "(put its organisation line first, or give the publisher as an object)"
        )
    ids = distribution_ids(record)
    taken = session.execute(
        select(Distribution.id, Distribution.dataset_id).where(
            Distribution.id.in_(ids), Distribution.dataset_id != record.id
        )
    ).all()
    problems += [
        f"distributions: id {d!r} already belongs to dataset {owner!r}" for d, owner in taken
    ]
    return problems


# -- export -----------------------------------------------------------------------------------


def export_lines(*, session: Session, batch_size: int = 500) -> Iterator[str]:
    """Every organisation, then every dataset, as JSON Lines that :func:`load_lines` reads back."""
    for org in session.execute(select(Organisation).order_by(Organisation.id)).scalars():
        record = {
            "type": "organisation",
            **org.model_dump(exclude={"content_hash", "created_at", "updated_at"}),
        }
        yield json.dumps(_drop_empty(record), ensure_ascii=False, sort_keys=True)
    ids = list(session.execute(select(Dataset.id).order_by(Dataset.id)).scalars())
    for start in range(0, len(ids), batch_size):
        for record in dataset_records(session=session, dataset_ids=ids[start : start + batch_size]):
            yield json.dumps({"type": "dataset", **record}, ensure_ascii=False, sort_keys=True)


DATASET_FIELDS = tuple(
    name for name in DatasetCreate.model_fields if name not in ("distributions", "coverage")
)


def dataset_records(*, session: Session, dataset_ids: list[str]) -> list[dict[str, Any]]:
    """Datasets in the shape of :class:`DatasetCreate`, with their distributions and coverage."""
    rows = session.execute(select(Dataset).where(Dataset.id.in_(dataset_ids))).scalars().all()
    children: dict[str, dict[str, list[dict[str, Any]]]] = {
        i: {"d": [], "c": []} for i in dataset_ids
    }
    for dist in session.execute(
        select(Distribution)
        .where(Distribution.dataset_id.in_(dataset_ids))
        .order_by(Distribution.dataset_id, Distribution.position)
    ).scalars():
        children[dist.dataset_id]["d"].append(
            _drop_empty(dist.model_dump(mode="json", exclude={"dataset_id", "position"}))
        )
    for cov in session.execute(
        select(Coverage).where(Coverage.dataset_id.in_(dataset_ids)).order_by(Coverage.id)
    ).scalars():
        children[cov.dataset_id]["c"].append(
            _drop_empty(cov.model_dump(mode="json", exclude={"id", "dataset_id"}))
        )
    out = []
    for row in sorted(rows, key=lambda r: r.id):
        dumped = row.model_dump(mode="json")
        record = {name: dumped.get(name) for name in DATASET_FIELDS if name in dumped}
        if row.status == RecordStatus.withdrawn.value:
            record["withdrawn"] = {"at": dumped["withdrawn_at"], "reason": row.withdrawn_reason}
        record["publisher"] = row.publisher_id
        record["distributions"] = children[row.id]["d"]
        record["coverage"] = children[row.id]["c"]
        out.append(_drop_empty(record))
    return out


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v not in (None, [], {}, "")}

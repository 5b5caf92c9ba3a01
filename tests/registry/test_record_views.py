"""Record views (the DCAT writers' fast read of stored records) say exactly what the validated
API models say, in every RDF format; and the feed order is read once per database generation."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from sqlalchemy import select
from sqlmodel import Session

from registry.feed import FeedOrder
from registry.record_views import record_views
from registry.records import public_datasets
from registry.store import withdraw_dataset
from schemas import Dataset
from schemas.dcat import FORMATS, write

BASE = "https://registry.example.org"


def demo_lines() -> list[dict]:
    text = resources.files("registry").joinpath("demo/records.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def pks(load, session: Session) -> list[int]:
    assert load(demo_lines()).errors == []
    return list(session.execute(select(Dataset.pk).order_by(Dataset.pk.desc())).scalars())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_views_write_the_same_document_as_the_validated_models(
    session: Session, pks: list[int], fmt: str
):
    models = public_datasets(session=session, base_uri=BASE, pks=pks)
    views = record_views(session=session, pks=pks)
    assert [v.id for v in views] == [m.id for m in models]  # the order asked for
    assert any(v.distributions for v in views) and any(v.coverage for v in views)
    assert any(v.contact_point for v in views) and any(v.publisher for v in views)
    assert "".join(write(views, fmt, base_uri=BASE)) == "".join(write(models, fmt, base_uri=BASE))


def test_withdrawn_records_are_views_too(session: Session, pks: list[int]):
    first = session.get(Dataset, pks[0])
    withdraw_dataset(session=session, dataset_id=first.id, reason="superseded")
    session.commit()
    (view,) = record_views(session=session, pks=pks[:1])
    (model,) = public_datasets(session=session, base_uri=BASE, pks=pks[:1])
    assert view.status == "withdrawn" and view.withdrawn_at is not None
    assert "".join(write([view], "nt", base_uri=BASE)) == "".join(
        write([model], "nt", base_uri=BASE)
    )


def test_unknown_pks_are_left_out(session: Session, pks: list[int]):
    assert [v.pk for v in record_views(session=session, pks=[10**9, pks[1]])] == [pks[1]]
    assert record_views(session=session, pks=[]) == []


def test_the_feed_order_is_read_again_only_after_a_write(session: Session, pks: list[int]):
    order = FeedOrder()
    generation, ordered, latest = order.read(session)
    assert ordered == sorted(pks) and latest is not None
    assert order.read(session) is order.read(session)  # cached for this generation
    withdraw_dataset(session=session, dataset_id=session.get(Dataset, pks[0]).id, reason="x")
    session.commit()
    again = order.read(session)
    assert again[0] != generation and again[2] >= latest

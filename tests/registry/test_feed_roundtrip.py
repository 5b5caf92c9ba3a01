"""Interoperability: a DCAT harvester reading our /catalog over real HTTP gets every record
back with its title, description, keywords, licence, publisher, contact, temporal coverage and
distributions, following the Hydra paging links as a ckanext-dcat harvester does."""

from __future__ import annotations

import json
from importlib import resources

import httpx
import pytest
from serving import serving

from harvesters.base import SourceConfig
from harvesters.dcat_rdf import DcatRdfHarvester
from harvesters.http import HarvestClient, HttpPolicy
from registry.app import create_app
from schemas import DatasetCreate


def demo_lines() -> list[dict]:
    text = resources.files("registry").joinpath("demo/records.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def served(load, settings):
    """The demo records (and 120 more, so the feed has two pages) served on 127.0.0.1."""
    extra = [
        {"type": "dataset", "id": f"extra-{i:03d}", "title": f"Extra record {i}"}
        for i in range(120)
    ]
    assert load(demo_lines() + extra).errors == []
    with serving(lambda base: create_app(settings.model_copy(update={"base_uri": base}))) as base:
        yield base


def test_a_dcat_harvester_gets_every_record_back(served):
    http = HarvestClient(httpx.Client(), policy=HttpPolicy(min_interval=0.0, retries=0))
    harvester = DcatRdfHarvester(SourceConfig("us", "dcat", f"{served}/catalog.ttl"), http)
    items = list(harvester.gather())
    records = [d for item in items for d in harvester.transform(item).datasets]
    assert http.requests >= 2  # it followed the next-page link

    originals = {
        line["id"]: DatasetCreate.model_validate({k: v for k, v in line.items() if k != "type"})
        for line in demo_lines()
        if line.get("type", "dataset") == "dataset"
    }
    by_uri = {str(item.guid): record for item, record in zip(items, records, strict=True)}
    assert len(by_uri) == len(originals) + 120
    for dataset_id, original in originals.items():
        back = by_uri[f"{served}/datasets/{dataset_id}"]
        assert back.title == original.title
        assert back.description == (original.description or original.title)
        assert sorted(back.keywords, key=str.casefold) == sorted(
            dict.fromkeys(original.keywords), key=str.casefold
        )
        assert back.licence == original.licence
        assert (back.publisher.id if back.publisher else None) == original.publisher_id or (
            back.publisher and back.publisher.name
        )
        if original.contact_point and original.contact_point.email:
            assert back.contact_point and back.contact_point.email == original.contact_point.email
        assert back.temporal_start == original.temporal_start
        assert back.temporal_end == original.temporal_end
        assert sorted(str(d.access_url) for d in back.distributions) == sorted(
            str(d.access_url) for d in original.distributions
        )
        for ours, theirs in zip(
            sorted(back.distributions, key=lambda d: str(d.access_url)),
            sorted(original.distributions, key=lambda d: str(d.access_url)),
            strict=True,
        ):
            assert ours.media_type == theirs.media_type or theirs.media_type is None
            # Formats travel as EU file-type URIs; "api" has none (it travels as our own concept).
            if theirs.format and theirs.format != "api":
                assert ours.format == theirs.format

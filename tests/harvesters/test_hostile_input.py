"""Hostile payloads: XML entities reading local files, JSON-LD contexts that would be fetched,
JSON nested past the recursion limit, snapshot indexes pointing outside their folder."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from harvesters.errors import BadPayload
from harvesters.http import Fetched
from harvesters.rdf_pages import read_page
from harvesters.snapshots import SnapshotTransport
from schemas.dcat import DcatParseError, parse
from schemas.dcat.parse import read_graph

SECRET = "TOP-SECRET-7f3a"
RDF_HEAD = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:dct="http://purl.org/dc/terms/" xmlns:dcat="http://www.w3.org/ns/dcat#">'
)


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "doctype",
    [
        '<!ENTITY s SYSTEM "file://{path}">',  # an external general entity
        '<!ENTITY % p SYSTEM "file://{path}"> %p;',  # an external parameter entity
        '<!ENTITY s PUBLIC "-//X//EN" "file://{path}">',
    ],
)
def test_an_external_entity_never_reads_the_file(secret_file: Path, doctype: str):
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {doctype.format(path=secret_file)} ]>\n'
        f'{RDF_HEAD}<dcat:Dataset rdf:about="https://example.org/d">'
        "<dct:title>&s;</dct:title></dcat:Dataset></rdf:RDF>"
    ).encode()
    with pytest.raises(BadPayload) as failed:
        read_page(body, "xml", base="https://example.org/feed")
    assert "entities is refused" in str(failed.value)
    assert SECRET not in str(failed.value)
    with pytest.raises(DcatParseError) as also:
        parse(body, "rdf")
    assert SECRET not in str(also.value)


def test_a_billion_laughs_is_refused_before_any_expansion():
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    body = (
        "<?xml version='1.0'?><!DOCTYPE rdf:RDF [" + "".join(entities) + "]>"
        f'{RDF_HEAD}<dcat:Dataset rdf:about="https://example.org/d"><dct:title>&l9;</dct:title>'
        "</dcat:Dataset></rdf:RDF>"
    ).encode()
    with pytest.raises(DcatParseError, match="entities is refused"):
        read_graph(body, "xml")


@pytest.mark.parametrize(
    "context",
    [
        "http://127.0.0.1:{port}/context.jsonld",
        ["http://127.0.0.1:{port}/a.jsonld", {"@import": "http://127.0.0.1:{port}/b.jsonld"}],
        {"@base": "http://127.0.0.1:{port}/", "dct": "http://purl.org/dc/terms/"},
    ],
)
def test_a_json_ld_context_is_never_fetched(recorder, context):
    port, hits = recorder
    filled = json.loads(json.dumps(context).replace("{port}", str(port)))
    document = {
        "@context": filled,
        "@graph": [
            {
                "@id": "https://example.org/d/1",
                "@type": "dcat:Dataset",
                "@context": f"http://127.0.0.1:{port}/inner.jsonld",
                "dct:title": "Kept",
            }
        ],
    }
    records = parse(json.dumps(document), "jsonld")
    assert [r.title for r in records] == ["Kept"]
    assert hits == []


DEEP = b"[" * 200_000 + b"]" * 200_000


def test_deeply_nested_json_is_a_bad_payload_not_a_crash():
    with pytest.raises(BadPayload, match="malformed JSON"):
        Fetched("https://example.org/api", 200, httpx.Headers(), DEEP).json()


def test_deeply_nested_json_ld_is_a_parse_error_not_a_crash():
    with pytest.raises(DcatParseError, match="nested too deeply"):
        read_graph(b'{"@graph": ' + DEEP + b"}", "jsonld")


def test_a_snapshot_index_cannot_point_outside_its_folder(tmp_path: Path, secret_file: Path):
    folder = tmp_path / "snap"
    folder.mkdir()
    index = {"responses": [{"url": "https://example.org/x", "file": "../secret.txt"}]}
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    client = httpx.Client(transport=SnapshotTransport(folder))
    response = client.get("https://example.org/x")
    assert response.status_code == 404 and SECRET not in response.text

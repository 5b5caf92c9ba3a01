"""The CKAN-compatible Action API: envelope, both prefixes, GET and POST, package_search (q, fq,
sort, paging, facets), package_show of withdrawn records, lists, status, CKAN's error shapes,
the package dict against a real data.gov.uk package, and real clients: ckanapi, a
ckanext-harvest style paging loop and the registry's own CKAN harvester."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from builders import dataset
from catalogue import CATALOGUE, cov
from sqlalchemy import update
from sqlmodel import Session

from registry.app import create_app
from registry.store import withdraw_dataset
from schemas import Dataset

API = "/api/3/action/"
BOARD = dataset(
    "nhs-board-diversity",
    title="NHS board members by ethnicity",
    description="Board members of NHS trusts by ethnic group and sex.",
    publisher="nhs-england",
    licence="cc-by-4",
    themes=["heal", "soci"],
    keywords=["board members", "NHS"],
    contact_point={"name": "NHS Workforce Team", "email": "workforce@example.nhs.uk"},
    accrual_periodicity="annual",
    granularity="aggregate-by-grade",
    landing_page="https://example.nhs.uk/board",
    temporal_start="2021-01-01",
    temporal_end="2023-12-31",
    distributions=[
        {
            "title": "Board members 2023",
            "access_url": "https://example.nhs.uk/board",
            "download_url": "https://example.nhs.uk/board.xlsx",
            "format": "xlsx",
            "byte_size": 12345,
            "issued": "2024-01-15",
        }
    ],
    coverage=cov("sector", "nhs") + cov("grade", "nhs-executive-director")
    + cov("attribute", "ethnicity", "sex"),
)  # fmt: skip
ALL = {"scs-ethnicity", "police-workforce", "nhs-vsm-pay", "workforce-only", "nhs-board-diversity"}


@pytest.fixture
def catalogue(load):
    assert load([*CATALOGUE, BOARD]).errors == []


def result(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is True
    assert body["help"].startswith("http://registry.test/api/3/action/help_show?name=")
    return body["result"]


def search(client: Any, **params: Any) -> dict[str, Any]:
    return result(client.get(API + "package_search", params=params))


def names(found: dict[str, Any]) -> list[str]:
    return [package["name"] for package in found["results"]]


def error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and "result" not in body and "help" in body
    assert "status" not in body["error"]  # not the app's own error shape
    return body["error"]


def set_modified(engine: Any, moments: dict[str, datetime]) -> None:
    with Session(engine) as session:
        for dataset_id, moment in moments.items():
            session.execute(
                update(Dataset).where(Dataset.id == dataset_id).values(updated_at=moment)
            )
        session.commit()


# -- the envelope, prefixes and methods -------------------------------------------------------


def test_both_prefixes_answer_get_and_post_alike(catalogue, client):
    params = {"fq": "organization:cabinet-office", "sort": "name asc"}
    answers = [
        result(client.get(prefix + "package_search", params=params))
        for prefix in ("/api/3/action/", "/api/action/")
    ] + [
        result(client.post(prefix + "package_search", json=params))
        for prefix in ("/api/3/action/", "/api/action/")
    ]
    assert all(a == answers[0] for a in answers)
    assert names(answers[0]) == ["scs-ethnicity", "workforce-only"]
    form = client.post(API + "package_show", data={"id": "scs-ethnicity"})
    assert result(form)["id"] == "scs-ethnicity"
    query_only = client.post(API + "package_show?id=scs-ethnicity")
    assert result(query_only)["title"] == "Ethnicity of the senior civil service"
    body = client.get(API + "status_show").json()
    assert set(body) == {"help", "success", "result"}
    assert body["help"] == "http://registry.test/api/3/action/help_show?name=status_show"
    unknown = client.get(API + "help_show", params={"name": "package_create"})
    assert error(unknown, 404)["__type"] == "Not Found Error"
    assert "fq" in result(client.get(API + "help_show", params={"name": "package_search"}))


# -- package_search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:cabinet-office", {"scs-ethnicity", "workforce-only"}),
        ("owner_org:home-office", {"police-workforce"}),
        ("tags:diversity", {"scs-ethnicity"}),
        ('tags:"board members"', {"nhs-board-diversity"}),
        ("res_format:CSV", {"scs-ethnicity"}),
        ("res_format:XLSX", {"nhs-board-diversity"}),
        ("res_format:Excel", {"nhs-board-diversity"}),
        ("license_id:uk-ogl", {"scs-ethnicity", "police-workforce", "workforce-only"}),
        ("license_id:cc-by", {"nhs-board-diversity"}),
        ("license_id:other-closed", {"nhs-vsm-pay"}),
        ("sector:nhs", {"nhs-vsm-pay", "nhs-board-diversity"}),
        ("grade:scs2", {"scs-ethnicity"}),
        ("attribute:ethnicity", {"scs-ethnicity", "police-workforce", "nhs-board-diversity"}),
        ("theme:heal", {"nhs-vsm-pay", "nhs-board-diversity"}),
        ("year:2021", {"nhs-board-diversity"}),
        ("name:police-workforce", {"police-workforce"}),
        ("organization:nhs-england AND attribute:ethnicity", {"nhs-board-diversity"}),
        ("+sector:nhs +res_format:PDF", {"nhs-vsm-pay"}),
        ("(organization:cabinet-office) AND tags:diversity", {"scs-ethnicity"}),
        ('attribute:"ethnicity" year:2023', {"scs-ethnicity", "police-workforce",
                                             "nhs-board-diversity"}),
        ("res_format:NOT-A-FORMAT", set()),
        ("sector:no-such-sector", set()),
        ("*:*", ALL),
        ("", ALL),
    ],
)  # fmt: skip
def test_fq_filters(catalogue, client, fq, expected):
    found = search(client, fq=fq, rows=100)
    assert set(names(found)) == expected and found["count"] == len(expected)


def test_q_is_free_text_and_may_hold_known_fields(catalogue, client):
    assert set(names(search(client, q="ethnicity"))) == ALL - {"workforce-only"}
    assert search(client, q="*:*")["count"] == search(client)["count"] == 5
    assert names(search(client, q="tags:diversity")) == ["scs-ethnicity"]
    assert names(search(client, q="ethnicity organization:home-office")) == ["police-workforce"]
    assert names(search(client, q="ethnicity", sort="score desc"))[0] in ALL


def test_metadata_modified_windows_and_sorts(catalogue, client, engine):
    set_modified(
        engine,
        {
            "nhs-vsm-pay": datetime(2020, 1, 1, tzinfo=UTC),
            "nhs-board-diversity": datetime(2023, 1, 1, 12, 0, 0, 500000, tzinfo=UTC),
            "scs-ethnicity": datetime(2024, 1, 1, tzinfo=UTC),
            "police-workforce": datetime(2024, 6, 1, tzinfo=UTC),
            "workforce-only": datetime(2025, 1, 1, tzinfo=UTC),
        },
    )
    recent = {"scs-ethnicity", "police-workforce", "workforce-only"}
    window = "metadata_modified:[2024-01-01T00:00:00Z TO *]"
    assert set(names(search(client, fq=window))) == recent
    exclusive = "metadata_modified:{2024-01-01T00:00:00Z TO *]"
    assert set(names(search(client, fq=exclusive))) == recent - {"scs-ethnicity"}
    before = "metadata_modified:[* TO 2024-01-01T00:00:00Z}"
    assert set(names(search(client, fq=before))) == {"nhs-vsm-pay", "nhs-board-diversity"}
    # ckanext-harvest's incremental filter: isoformat() with microseconds, then "Z TO *".
    harvest = "metadata_modified:[2023-12-31T23:00:00.123456Z TO NOW]"
    assert set(names(search(client, fq=harvest))) == recent
    both = f"organization:cabinet-office AND {window}"
    assert set(names(search(client, fq=both))) == {"scs-ethnicity", "workforce-only"}
    oldest_first = [
        "nhs-vsm-pay", "nhs-board-diversity", "scs-ethnicity", "police-workforce", "workforce-only"
    ]  # fmt: skip
    assert names(search(client, sort="metadata_modified asc")) == oldest_first
    assert names(search(client, sort="metadata_modified desc")) == oldest_first[::-1]
    assert names(search(client)) == oldest_first[::-1]  # CKAN's default sort, without q
    shown = result(client.get(API + "package_show", params={"id": "nhs-board-diversity"}))
    assert shown["metadata_modified"] == "2023-01-01T12:00:00.500000"


def test_sorts_by_title_name_and_several_fields(catalogue, client):
    assert names(search(client, sort="title_string asc")) == [
        "scs-ethnicity", "nhs-board-diversity", "police-workforce", "workforce-only",
        "nhs-vsm-pay",
    ]  # fmt: skip
    assert names(search(client, sort="name desc")) == sorted(ALL, reverse=True)
    # The registry's own CKAN harvester asks for this.
    assert names(search(client, sort="metadata_modified asc, name asc")) == sorted(ALL)


def test_paging_with_sort_id_asc_gives_every_id_once(load, client):
    ids = [f"d{(i * 17) % 45:02d}" for i in range(45)]
    assert load([dataset(i, keywords=["paged"]) for i in ids]).errors == []
    seen: list[str] = []
    for start in range(0, 60, 10):
        page = search(client, fq="tags:paged", sort="id asc", rows=10, start=start)
        assert page["count"] == 45
        seen += names(page)
    assert seen == sorted(ids)
    assert names(search(client, sort="id asc", rows=3, start=43)) == ["d43", "d44"]
    assert search(client, rows=0)["results"] == []


def test_a_ckanext_harvest_style_loop_lists_everything_once(load, client):
    """Pages of 100 sorted by id, start += rows until a page comes back empty."""
    assert load([dataset(f"h{i:03d}") for i in range(230)]).errors == []
    params = {"rows": "100", "start": "0", "sort": "id asc",
              "fq": "metadata_modified:[2000-01-01T00:00:00Z TO *]"}  # fmt: skip
    found: list[str] = []
    while True:
        answer = client.get(API + "package_search?" + urlencode(params)).json()
        page = answer.get("result", {}).get("results", [])
        if not page:
            break
        found += [package["id"] for package in page]
        params["start"] = str(int(params["start"]) + int(params["rows"]))
    assert found == sorted(found) and len(set(found)) == 230


def test_facets_in_ckans_two_shapes(catalogue, client):
    fields = '["organization", "license_id", "res_format", "tags", "groups", "sector"]'
    found = search(client, **{"facet.field": fields, "rows": 0})
    assert found["results"] == [] and found["count"] == 5
    organizations = found["search_facets"]["organization"]
    assert organizations == {
        "title": "organization",
        "items": [
            {"name": "nhs-england", "display_name": "NHS England", "count": 2},
            {"name": "home-office", "display_name": "Home Office", "count": 1},
            {"name": "cabinet-office", "display_name": "Cabinet Office", "count": 2},
        ],
    }
    licences = {i["name"]: i for i in found["search_facets"]["license_id"]["items"]}
    assert licences["uk-ogl"] == {
        "name": "uk-ogl", "display_name": "Open Government Licence v3.0", "count": 3
    }  # fmt: skip
    assert found["facets"]["res_format"] == {"CSV": 1, "ODS": 1, "PDF": 1, "XLSX": 1}
    assert found["facets"]["tags"] == {"diversity": 1, "board members": 1, "NHS": 1}
    assert found["facets"]["groups"] == {}
    assert found["facets"]["sector"]["nhs"] == 2
    sector = {i["name"]: i["display_name"] for i in found["search_facets"]["sector"]["items"]}
    assert sector["nhs"] == "NHS"
    top = search(client, **{"facet.field": '["organization"]', "facet.limit": 1})
    assert top["facets"] == {"organization": {"cabinet-office": 2}}
    assert search(client)["search_facets"] == {}
    posted = result(client.post(API + "package_search", json={"facet.field": ["tags"]}))
    assert posted["facets"]["tags"]["diversity"] == 1


# -- package_show, withdrawn records, lists, status ---------------------------------------


def test_withdrawn_is_deleted_in_show_and_gone_from_search_and_lists(catalogue, client, engine):
    with Session(engine) as session:
        assert withdraw_dataset(session=session, dataset_id="police-workforce", reason="gone")
        session.commit()
    shown = result(client.get(API + "package_show", params={"name": "police-workforce"}))
    assert shown["state"] == "deleted" and shown["name"] == "police-workforce"
    assert "police-workforce" not in names(search(client, rows=100))
    assert "police-workforce" not in result(client.get(API + "package_list"))
    deleted = search(client, include_deleted="true", fq="owner_org:home-office")
    assert [p["state"] for p in deleted["results"]] == ["deleted"]
    listed = result(client.get(API + "organization_list", params={"all_fields": True}))
    assert {o["name"]: o["package_count"] for o in listed}["home-office"] == 0


def test_package_list_and_organizations(catalogue, client):
    assert result(client.get(API + "package_list")) == sorted(ALL)
    page = client.get(API + "package_list", params={"limit": 2, "offset": 1})
    assert result(page) == sorted(ALL)[1:3]
    assert result(client.get(API + "organization_list")) == [
        "cabinet-office", "home-office", "nhs-england"
    ]  # fmt: skip
    full = result(client.post(API + "organization_list", json={"all_fields": True, "limit": 1}))
    assert full == [
        full[0] | {"name": "cabinet-office", "title": "Cabinet Office", "package_count": 2}
    ]
    assert {"description", "is_organization", "type", "state"} <= set(full[0])
    org = result(client.get(API + "organization_show", params={"id": "nhs-england"}))
    assert org["title"] == "NHS England" and "packages" not in org
    with_datasets = {"id": "nhs-england", "include_datasets": "true"}
    org = result(client.get(API + "organization_show", params=with_datasets))
    assert [p["name"] for p in org["packages"]] == ["nhs-board-diversity", "nhs-vsm-pay"]


def test_status_show(client):
    status = result(client.get(API + "status_show"))
    assert status["ckan_version"] == "2.10.0"
    assert status["site_title"] == "Leadership Data Registry"
    assert status["site_url"] == "http://registry.test"
    assert isinstance(status["extensions"], list)


# -- CKAN's error shapes ----------------------------------------------------------------------


def test_not_found(catalogue, client):
    for action in ("package_show", "organization_show"):
        failed = error(client.get(API + action, params={"id": "nope"}), 404)
        assert failed == {"__type": "Not Found Error", "message": "Not found"}


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"fq": "organization:a OR organization:b"}, "fq", "OR"),
        ({"fq": "-organization:cabinet-office"}, "fq", "negated"),
        ({"fq": "NOT tags:x"}, "fq", "NOT"),
        ({"fq": "colour:red"}, "fq", "'colour'"),
        ({"fq": "organization:(a OR b)"}, "fq", "value groups"),
        ({"fq": "metadata_modified:2024-01-01"}, "fq", "range"),
        ({"fq": "metadata_modified:[yesterday TO *]"}, "fq", "ISO 8601"),
        ({"fq": "(organization:cabinet-office"}, "fq", "unbalanced"),
        ({"rows": 1001}, "rows", "1000"),
        ({"rows": -1}, "rows", "0"),
        ({"start": "x"}, "start", "integer"),
        ({"sort": "colour asc"}, "sort", "'colour asc'"),
        ({"facet.field": '["colour"]'}, "facet.field", "'colour'"),
        ({"facet.field": "[bad"}, "facet.field", "JSON"),
        ({"fl": "id"}, "fl", "not a package_search parameter"),
        ({"include_deleted": "perhaps"}, "include_deleted", "boolean"),
    ],
)
def test_validation_errors_name_the_field(client, params, field, words):
    failed = error(client.get(API + "package_search", params=params), 409)
    assert failed["__type"] == "Validation Error"
    assert words in failed[field][0]


def test_bad_requests(client):
    failed = error(client.get(API + "package_create"), 400)
    assert failed["__type"] == "Bad request - Action Error"
    assert "package_create" in failed["message"]
    bad_json = client.post(
        API + "package_show", content=b"{bad", headers={"content-type": "application/json"}
    )
    assert error(bad_json, 400)["__type"] == "Bad request - JSON Error"
    assert error(client.post(API + "package_show", json=[1]), 400)["message"].endswith(
        "needs to be a dictionary."
    )
    assert error(client.get(API + "package_show"), 409) == {
        "__type": "Validation Error", "id": ["Missing value"]
    }  # fmt: skip


# -- the package dict, against a real data.gov.uk package -------------------------------------

# The keys of /work/shared/source-samples/ckan-datagovuk/DERIVED_package_dict_from_solr_dataset
# .json (a data.gov.uk package_show result), with the type of each non-null value there.
SAMPLE_KEYS = {
    "author": None, "author_email": None, "id": str, "isopen": bool, "license_id": str,
    "license_title": str, "license_url": str, "maintainer": None, "maintainer_email": None,
    "metadata_created": str, "metadata_modified": str, "name": str, "notes": str,
    "num_resources": int, "num_tags": int, "organization": dict, "owner_org": str,
    "private": bool, "state": str, "title": str, "type": str, "url": str, "version": None,
    "creator_user_id": str, "extras": list, "resources": list, "tags": list, "groups": list,
    "relationships_as_subject": list, "relationships_as_object": list,
}  # fmt: skip
# data.gov.uk's schema promotes its own extras to the top level; the registry keeps its in
# ``extras`` (these four when it has them) and has no FOI, ODI certificate or contact fields.
DGU_EXTRAS = {"temporal_coverage-from", "temporal_coverage-to", "theme-primary", "update_frequency"}
SAMPLE_ORGANIZATION = {"id", "name", "title", "type", "description", "image_url", "created",
                       "is_organization", "approval_status", "state"}  # fmt: skip
SAMPLE_RESOURCE = {
    "cache_last_updated", "cache_url", "created", "description", "format", "hash", "id",
    "last_modified", "metadata_modified", "mimetype", "mimetype_inner", "name", "package_id",
    "position", "resource_type", "size", "state", "url", "url_type",
}  # fmt: skip


def test_package_dict_has_the_shape_of_a_datagovuk_package(catalogue, client):
    package = result(client.get(API + "package_show", params={"id": "nhs-board-diversity"}))
    assert set(SAMPLE_KEYS) <= set(package)
    for key, kind in SAMPLE_KEYS.items():
        if kind is not None and package[key] is not None:
            assert isinstance(package[key], kind), key
    assert set(package["organization"]) == SAMPLE_ORGANIZATION
    assert set(package["resources"][0]) == SAMPLE_RESOURCE
    extras = {e["key"]: e["value"] for e in package["extras"]}
    assert set(extras) >= DGU_EXTRAS
    assert all(isinstance(v, str) for v in extras.values())
    assert package | {"resources": None, "organization": None, "extras": None} == package | {
        "id": "nhs-board-diversity", "name": "nhs-board-diversity", "type": "dataset",
        "title": "NHS board members by ethnicity", "url": "https://example.nhs.uk/board",
        "state": "active", "private": False, "license_id": "cc-by", "isopen": True,
        "license_title": "Creative Commons Attribution 4.0",
        "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "maintainer": "NHS Workforce Team", "maintainer_email": "workforce@example.nhs.uk",
        "owner_org": "nhs-england", "num_tags": 2, "num_resources": 1, "groups": [],
        "tags": [{"name": n, "display_name": n, "state": "active", "vocabulary_id": None}
                 for n in ("board members", "NHS")],
        "resources": None, "organization": None, "extras": None,
    }  # fmt: skip
    assert package["organization"]["title"] == "NHS England"
    assert package["organization"]["is_organization"] is True
    assert extras == {
        "theme-primary": "Health", "theme-secondary": '["Population and society"]',
        "update_frequency": "annual", "temporal_coverage-from": "2021-01-01",
        "temporal_coverage-to": "2023-12-31", "sector": "nhs", "grade": "nhs-executive-director",
        "attribute": "ethnicity,sex", "granularity": "aggregate-by-grade",
        "uri": "http://registry.test/datasets/nhs-board-diversity",
    }  # fmt: skip
    assert [e["key"] for e in package["extras"]] == sorted(extras)  # CKAN sorts extras
    resource = package["resources"][0]
    shown = ("package_id", "url", "name", "format", "size", "position")
    assert {k: resource[k] for k in shown} == {
        "package_id": "nhs-board-diversity", "url": "https://example.nhs.uk/board.xlsx",
        "name": "Board members 2023", "format": "XLSX", "size": 12345, "position": 0,
    }  # fmt: skip
    assert resource["created"] == "2024-01-15T00:00:00" and resource["state"] == "active"
    assert resource["mimetype"].endswith("spreadsheetml.sheet")
    assert "." not in package["metadata_created"][:19] and "+" not in package["metadata_created"]


# -- real clients over HTTP -------------------------------------------------------------------


@pytest.fixture
def live(settings, catalogue) -> Iterator[str]:
    """The app on a real socket (127.0.0.1, a free port), for clients that speak HTTP."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(15)
    sock.close()


def test_ckanapi_remoteckan_reads_the_registry(live):
    ckanapi = pytest.importorskip("ckanapi")
    requests = pytest.importorskip("requests")
    for get_only in (False, True):  # POST with a JSON body, then GET with parameters
        session = requests.Session()
        session.trust_env = False  # no proxy for 127.0.0.1
        with ckanapi.RemoteCKAN(live, get_only=get_only, session=session) as ckan:
            found = ckan.action.package_search(fq="organization:cabinet-office", sort="id asc")
            assert [p["name"] for p in found["results"]] == ["scs-ethnicity", "workforce-only"]
            faceted = ckan.call_action("package_search", {"facet.field": ["tags"], "rows": 0})
            assert faceted["facets"]["tags"]["diversity"] == 1
            assert ckan.action.package_show(id="scs-ethnicity")["license_id"] == "uk-ogl"
            assert ckan.action.package_list() == sorted(ALL)
            orgs = ckan.action.organization_list(all_fields=True)
            assert {o["name"] for o in orgs} == {"cabinet-office", "home-office", "nhs-england"}
            org = ckan.action.organization_show(id="home-office", include_datasets=True)
            assert [p["name"] for p in org["packages"]] == ["police-workforce"]
            assert ckan.action.status_show()["ckan_version"] == "2.10.0"
            with pytest.raises(ckanapi.NotFound):
                ckan.action.package_show(id="nope")
            with pytest.raises(ckanapi.ValidationError) as refused:
                ckan.action.package_search(rows=5000)
            assert "rows" in refused.value.error_dict


def test_the_registrys_own_ckan_harvester_reads_it_back(live):
    httpx = pytest.importorskip("httpx")
    from harvesters.base import SourceConfig
    from harvesters.ckan import CkanHarvester
    from harvesters.http import HarvestClient, HttpPolicy

    def harvester(since: datetime | None = None) -> CkanHarvester:
        http = HarvestClient(
            httpx.Client(trust_env=False), policy=HttpPolicy(min_interval=0, retries=0)
        )
        source = SourceConfig("self", "ckan", f"{live}/api/3/action/", {"rows": 2}, since)
        return CkanHarvester(source, http)

    harvest = harvester()
    records = {
        record.id: record
        for item in harvest.gather()
        for record in harvest.transform(item).datasets
    }
    assert set(records) == {f"ckan-{name}" for name in ALL}
    board = records["ckan-nhs-board-diversity"]
    assert (board.title, board.licence, board.accrual_periodicity) == (
        "NHS board members by ethnicity", "cc-by-4", "annual"
    )  # fmt: skip
    assert board.keywords == ["board members", "NHS"]
    assert (board.temporal_start, board.temporal_end) == (date(2021, 1, 1), date(2023, 12, 31))
    assert board.themes == ["heal", "soci"]  # theme-primary and theme-secondary
    assert board.publisher is not None and board.publisher.id == "nhs-england"
    assert [(d.format, d.byte_size, str(d.access_url)) for d in board.distributions] == [
        ("xlsx", 12345, "https://example.nhs.uk/board.xlsx")
    ]
    assert records["ckan-nhs-vsm-pay"].licence == "other-closed"
    assert list(harvester(since=datetime(2999, 1, 1, tzinfo=UTC)).gather()) == []
    assert len(list(harvester(since=datetime(2000, 1, 1, tzinfo=UTC)).gather())) == 5


@pytest.mark.parametrize(
    ("q", "fq", "sort"),
    [
        ("ethnicity", "", "score desc, metadata_modified desc"),
        ("ethnicity", "organization:home-office", "score desc"),
        ("pay", "", "score desc, name asc"),
        ("senior", "res_format:CSV", "score desc, metadata_modified desc"),
        ("nothing-matches-this", "", "score desc"),
    ],
)
def test_a_search_by_relevance_read_from_the_index_equals_one_over_every_row(
    load, session, search, monkeypatch, q, fq, sort
):
    """Words sorted best first are paged by the search alone (only the page's rows are read);
    the answer is the one sorting every matching row gives."""
    from registry import ckan_compat

    assert load(CATALOGUE).errors == []
    withdraw_dataset(session=session, dataset_id="police-workforce", reason="gone")
    session.commit()
    asked = {
        "session": session,
        "search": search,
        "base_uri": "http://registry.test",
        "q": q,
        "fq": fq,
        "sort": sort,
        "rows": 2,
        "facet_fields": ("organization", "res_format", "sector", "grade"),
    }
    assert ckan_compat.by_relevance_in_index(
        ckan_compat.parse_query(q, fq), ckan_compat.parse_sort(sort), False
    )
    fast = [ckan_compat.package_search(**asked, include_deleted=d) for d in (False, True)]
    monkeypatch.setattr(ckan_compat, "by_relevance_in_index", lambda *args: False)
    every_row = [ckan_compat.package_search(**asked, include_deleted=d) for d in (False, True)]
    assert fast == every_row

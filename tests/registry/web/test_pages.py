"""The pages, through the app: what each shows, that every state is a link, and that harvested
text stays text."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest
from builders import dataset
from catalogue import CATALOGUE, cov
from fastapi.testclient import TestClient

from registry.app import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
XSS = '<script>alert(1)</script>" onerror="x'


class Page(HTMLParser):
    """The bits of a page the tests read: links, the text of elements by id, script bodies."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.heads: list[dict[str, str | None]] = []  # <link> attributes
        self._href: str | None = None
        self._text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self.h1 = ""
        self._in_h1 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "a":
            self._href, self._text = found.get("href"), []
        elif tag == "script":
            self._script, self._text = found, []
        elif tag == "link":
            self.heads.append(found)
        elif tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None
        elif tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        self._text.append(data)
        if self._in_h1:
            self.h1 += data

    def href(self, text: str) -> str:
        return next(h for h, t in self.links if t == text or t.startswith(text))


@pytest.fixture
def catalogue(load):
    extra = dataset(
        "cs-disability",
        title="Disability of senior civil servants",
        publisher="cabinet-office",
        coverage=cov("sector", "civil-service")
        + cov("grade", "executive")
        + cov("attribute", "disability"),
    )
    assert load([*CATALOGUE, extra]).errors == []


def test_home_shows_counts_search_browse_and_headline_gaps(catalogue, client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.text
    assert '<html lang="en"' in text
    page = Page(text)
    assert page.links[0] == ("#main-content", "Skip to main content")
    assert 'action="/search" method="get"' in text
    assert page.href("Police") == "/search?sector=police"
    assert re.search(r"Police</a> <span class=\"registry-count\">\(1<", text)
    assert page.href("Ethnicity") == "/search?attribute=ethnicity"
    gaps = [h for h, _ in page.links if h.startswith("/gaps/cells/")]
    assert len(gaps) == 5
    assert ("/docs", "API documentation") in page.links  # the footer
    assert ("/catalog", "DCAT-AP catalogue feed") in page.links
    assert "govuk-header__logotype" not in text and "crown" not in text.lower()


def test_search_facets_toggle_filters_and_every_state_is_a_link(catalogue, client):
    page = Page(client.get("/search").text)
    police = page.href("Police")
    assert police == "/search?sector=police"
    filtered = client.get(police)
    assert filtered.status_code == 200
    after = Page(filtered.text)
    results = [h for h, _ in after.links if h.startswith("/datasets/")]
    assert results == ["/datasets/police-workforce"]
    # the active filter is listed and removable; the facet value now switches it off
    assert after.href("Remove filter Sector: Police") == "/search"
    assert "1 dataset" in filtered.text
    # downloads carry the same search
    assert after.href("All 1 results as CSV") == "/search.csv?sector=police"
    assert after.href("This page as JSON") == "/search.json?sector=police"


def test_each_result_says_what_it_covers_in_words(catalogue, client):
    text = client.get("/search?sector=police").text
    covers = " ".join(re.search(r"Covers:([^<]*)", text).group(1).split())
    # sectors; grades; attributes, each list comma-separated, in the vocabularies' labels
    assert covers.startswith("Police; ")
    assert covers.count("; ") == 2 and "Ethnicity" in covers.split("; ")[2]


def test_search_downloads_answer_the_same_search(catalogue, client):
    rows = list(csv.DictReader(io.StringIO(client.get("/search.csv?attribute=ethnicity").text)))
    body = client.get("/search.json?attribute=ethnicity").json()
    api = client.get("/api/datasets?attribute=ethnicity").json()
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in body["results"])
    assert {r["id"] for r in rows} == {"scs-ethnicity", "police-workforce"}
    assert body["total"] == api["total"] == 2


def test_search_words_sort_and_paging(load, client):
    load([dataset(f"d{i:02d}", title=f"Leaders {i:02d}") for i in range(45)])
    first = Page(client.get("/search?q=leaders&sort=title").text)
    titles = [t for h, t in first.links if h.startswith("/datasets/")]
    assert titles[:2] == ["Leaders 00", "Leaders 01"] and len(titles) == 20
    assert first.href("Next page") == "/search?q=leaders&sort=title&page=2"
    third = Page(client.get("/search?q=leaders&sort=title&page=3").text)
    assert [t for h, t in third.links if h.startswith("/datasets/")][-1] == "Leaders 44"
    assert third.href("Previous page") == "/search?q=leaders&sort=title&page=2"
    assert third.href("Remove filter Words: leaders") == "/search?sort=title"


def test_an_empty_result_explains_itself_from_the_gap_matrix(catalogue, client):
    text = client.get("/search?sector=police&grade=executive&attribute=disability").text
    assert "No dataset covers the disability of Executive in Police" in text
    page = Page(text)
    nearest = page.href("The disability of Executive in Civil service")
    assert nearest == "/search?sector=civil-service&grade=executive&attribute=disability"
    assert [h for h, _ in Page(client.get(nearest).text).links if h.startswith("/datasets/")] == [
        "/datasets/cs-disability"
    ]


def test_an_empty_result_with_words_points_back_to_the_cell(catalogue, client):
    text = client.get(
        "/search?q=zebra&sector=civil-service&grade=executive&attribute=disability"
    ).text
    assert "1 dataset(s) cover the disability of Executive in Civil service" in text
    assert "See the datasets that cover it" in text


def test_a_bad_filter_is_an_html_error_page(client):
    response = client.get("/search?sector=atlantis")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "sector &#39;atlantis&#39; is not in the sector vocabulary" in response.text
    assert client.get("/search.csv?sector=atlantis").json()["error"]["status"] == 400


def test_the_dataset_page_is_negotiated_beside_the_rdf(catalogue, client):
    response = client.get("/datasets/scs-ethnicity", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    # Accept, then the middleware's own (Origin for CORS, Accept-Encoding for gzip).
    assert "Accept" in [v.strip() for v in response.headers["vary"].split(",")]
    page = Page(response.text)
    assert page.h1 == "Ethnicity of the senior civil service"
    assert page.href("Cabinet Office") == "/organisations/cabinet-office"
    assert page.href("Open file 1:") == "https://example.gov.uk/1.csv"  # no download URL given
    alternates = {h["type"]: h["href"] for h in page.heads if h.get("rel") == "alternate"}
    assert alternates["text/turtle"] == "/datasets/scs-ethnicity.ttl"
    assert alternates["application/json"] == "/api/datasets/scs-ethnicity"
    (jsonld,) = [body for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert json.loads(jsonld)["name"] == "Ethnicity of the senior civil service"
    assert "points" in response.text and "of 405" in response.text
    assert "declared by the publisher" in response.text
    # RDF is still the default, and ?f=html asks for the page explicitly
    assert client.get("/datasets/scs-ethnicity").headers["content-type"].startswith("text/turtle")
    assert (
        client.get("/datasets/scs-ethnicity?f=html").headers["content-type"].startswith("text/html")
    )
    assert client.get("/datasets/scs-ethnicity.ttl", headers=HTML).status_code == 200
    missing = client.get("/datasets/nothing-here", headers=HTML)
    assert missing.status_code == 404 and "no dataset with id" in missing.text


def test_the_organisation_page_lists_its_datasets(catalogue, client):
    page = Page(client.get("/organisations/cabinet-office").text)
    assert page.h1 == "Cabinet Office"
    datasets = [h for h, _ in page.links if h.startswith("/datasets/")]
    api = client.get("/api/datasets?publisher=cabinet-office&size=100").json()["results"]
    assert sorted(datasets) == sorted(f"/datasets/{r['id']}" for r in api)
    assert "/datasets/cs-disability" in datasets
    assert client.get("/organisations/nobody").status_code == 404


def test_harvested_text_renders_as_text(load, client):
    assert load([dataset("xss", title=XSS, description=XSS)]).errors == []
    for path, headers in (("/datasets/xss", HTML), ("/search", {}), ("/", {})):
        text = client.get(path, headers=headers).text
        assert "<script>alert(1)</script>" not in text
        assert '" onerror="x' not in text
    text = client.get("/datasets/xss", headers=HTML).text
    page = Page(text)
    assert page.h1 == XSS  # shown, as text
    (jsonld,) = [body for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert json.loads(jsonld)["name"] == XSS
    # the JSON-LD holds the title as JSON (no "<" to end the element); other scripts are ours
    assert "<" not in jsonld
    others = [body for attrs, body in page.scripts if attrs.get("type") != "application/ld+json"]
    assert [body for body in others if "alert" in body] == []
    # (no words: PostgreSQL's text parser reads "<script>" as markup and drops it)
    assert Page(client.get("/search").text).href(XSS) == "/datasets/xss"


def test_pages_work_without_the_fetched_assets(settings, tmp_path):
    app = create_app(settings.model_copy(update={"assets_dir": tmp_path}))
    with TestClient(app) as client:
        text = client.get("/").text
        assert "govuk-frontend.min.css" not in text and "/assets/registry.css" in text
        missing = client.get("/assets/govuk/govuk-frontend.min.css")
        assert missing.status_code == 404 and "registry assets" in missing.text
        assert client.get("/assets/registry.css").status_code == 200
        assert client.get("/assets/../pyproject.toml").status_code == 404

""" "Data I need": requests counted per gap cell, shown in the gap rows (JSON, CSV, the printable
report) and, when the boost is on, raising the cell's priority within its cap."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from registry.app import create_app
from registry.gaps.matrix import Priorities

CELL = {"sector": "police", "grade": "executive", "attribute": "disability"}
CELL_PATH = "/api/gaps/cells/police/executive/disability"


def ask(client: TestClient, body: dict | None = None):
    return client.post("/api/data-requests", json=body or {**CELL, "text": "For a review"})


def test_requests_are_counted_per_cell(client):
    first = ask(client)
    assert first.status_code == 201, first.text
    assert first.json()["requests"] == 1
    # A sector grade counts for its harmonised level's cell.
    chief = ask(client, {**CELL, "grade": "chief-constable"}).json()
    assert chief["requests"] == 1  # chief constable is head of organisation, not executive
    assert ask(client, {**CELL, "grade": "assistant-chief-constable"}).json()["requests"] == 2
    counts = client.get("/api/data-requests").json()
    assert counts["cells"][0] == {**CELL, "requests": 2}
    assert {**CELL, "grade": "head-of-organisation", "requests": 1} in counts["cells"]
    drill = client.get("/api/data-requests", params={"grade_level": "all"}).json()["cells"]
    assert {**CELL, "grade": "assistant-chief-constable", "requests": 1} in drill
    assert "text" not in counts["cells"][0]  # the words are for the team, not published


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**CELL, "sector": "polise"}, "sector: 'polise' is not a sector notation"),
        ({"sector": "police", "grade": "executive"}, "attribute: Field required"),
        ({**CELL, "text": "t" * 2001}, "text: String should have at most 2000 characters"),
    ],
)
def test_bad_requests_are_422(client, body, message):
    answer = ask(client, body)
    assert answer.status_code == 422 and message in answer.json()["error"]["message"]
    assert client.get("/api/data-requests").json()["cells"] == []


def test_data_requests_are_rate_limited(settings):
    limited = settings.model_copy(update={"data_requests_per_hour": 1})
    with TestClient(create_app(limited)) as client:
        assert ask(client).status_code == 201
        over = ask(client)
        assert over.status_code == 429 and int(over.headers["Retry-After"]) > 0
    assert client.get("/api/data-requests").json()["cells"][0]["requests"] == 1


def test_counts_show_in_rows_without_changing_priority_by_default(client):
    before = client.get(CELL_PATH).json()
    for _ in range(3):
        ask(client)
    after = client.get(CELL_PATH).json()
    assert after["requests"] == 3 and after["priority"] == before["priority"]
    rows = client.get("/api/gaps", params={"sector": "police", "attribute": "disability"})
    [row] = [r for r in rows.json()["cells"] if r["grade"] == "executive"]
    assert row["requests"] == 3
    csv_text = client.get("/api/gaps.csv", params={"sector": "police"}).text
    assert csv_text.splitlines()[0].endswith(",need,requests")
    assert "police,executive,disability,0,gap,0,,0.9,90.0,3" in csv_text


def test_the_boost_raises_priority_up_to_its_cap(settings):
    boosted = settings.model_copy(update={"gap_request_boost": 0.25, "gap_request_boost_cap": 0.5})
    with TestClient(create_app(boosted)) as client:
        base = client.get(CELL_PATH).json()["priority"]
        ask(client)
        assert client.get(CELL_PATH).json()["priority"] == pytest.approx(base * 1.25)
        for _ in range(4):
            ask(client)
        capped = client.get(CELL_PATH).json()
        assert capped["requests"] == 5 and capped["priority"] == pytest.approx(base * 1.5)
        assert capped["need"] == pytest.approx(round(base * 1.5 * 100, 2))
        # The boosted cell now leads the gaps by need, and the report says why.
        top = client.get("/api/gaps", params={"sort": "need", "attribute": "disability"})
        first = top.json()["cells"][0]
        assert {k: first[k] for k in CELL} == CELL and first["requests"] == 5
        report = client.get("/api/gaps/report.html").text
        table = report.split('<table class="top-gaps">')[1].split("</table>")[0]
        first = table.split("<tbody>")[1].split("</tr>")[0]
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>.*?</t[dh]>", first, re.S)
        ]
        assert cells[1:4] == ["Police", "Executive", "Disability"] and cells[-1] == "5"
        assert "priority x (1 + min(0.25 x requests, 0.5))" in report


def test_priorities_boosted_is_the_documented_rule():
    off = Priorities()
    assert off.boosted(0.9, 10) == 0.9
    on = Priorities(request_boost=0.1, request_boost_cap=1.0)
    assert on.boosted(0.9, 0) == 0.9
    assert on.boosted(0.9, 3) == pytest.approx(0.9 * 1.3)
    assert on.boosted(0.9, 50) == pytest.approx(1.8)

"""The harvest status pages, through the app: every source with its last run as
registry.harvest.status reads them, a run's failed and rejected items with their messages,
404 for an unknown run, and harvested words kept as text."""

from __future__ import annotations

import re

from harvest_rows import record_harvest

from registry.harvest.status import run_detail, source_statuses

XSS = '<script>alert(1)</script>" onerror="x'


def links(text: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', text)


def test_the_status_page_lists_every_source_and_its_last_run(session, client):
    run_id, empty_id = record_harvest(session)
    response = client.get("/harvest")
    assert response.status_code == 200
    text = response.text
    statuses = source_statuses(session=session)
    assert [s.name for s in statuses] == ["example-feed", "idle-source"]
    for status in statuses:
        assert f'id="source-{status.name}"' in text
        assert f'href="{status.url}"' in text
    # the last run is the empty one, linked; the idle source was never run and is disabled
    assert statuses[0].last_run is not None and statuses[0].last_run.id == empty_id
    assert f"/harvest/runs/{empty_id}" in links(text)
    assert f"/harvest/runs/{run_id}" not in links(text)
    row = text.split('id="source-example-feed"')[1].split("</tr>")[0]
    assert "succeeded" in row and "2 unchanged" in row and "started 30 November 2026 09:05" in row
    idle = text.split('id="source-idle-source"')[1].split("</tr>")[0]
    assert "Never run" in idle and ">No<" in idle
    assert 'aria-current="page"' in text.split('href="/harvest"')[1][:40]


def test_a_run_page_shows_its_failed_and_rejected_items(session, client):
    run_id, empty_id = record_harvest(session)
    response = client.get(f"/harvest/runs/{run_id}")
    assert response.status_code == 200
    text = response.text
    detail = run_detail(session=session, run_id=run_id, state="failed")
    assert detail.items_total == 2
    for item in detail.items:
        assert item.message is not None and item.message in text
        assert item.guid in text
    assert "rejected: could not be read as a valid record" in text  # the transform stage
    assert "refused when stored" in text
    assert "2 added, 2 failed" in text
    assert "ok-1" not in text  # items that did not fail are not listed
    assert f"/api/harvest/runs/{run_id}?state=failed" in links(text)
    calm = client.get(f"/harvest/runs/{empty_id}").text
    assert "No item of this run failed." in calm


def test_unknown_runs_are_html_404s(session, client):
    record_harvest(session)
    missing = client.get("/harvest/runs/9999")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "no harvest run 9999" in missing.text
    assert client.get("/harvest/runs/nine").status_code == 422


def test_an_empty_registry_says_so(client):
    text = client.get("/harvest").text
    assert "No harvest sources yet" in text


def test_harvested_words_render_as_text(session, client):
    run_id, _ = record_harvest(session, text=XSS)
    for path in ("/harvest", f"/harvest/runs/{run_id}"):
        text = client.get(path).text
        assert "<script>alert(1)</script>" not in text
        assert '" onerror="x' not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34; onerror=&#34;x" in text

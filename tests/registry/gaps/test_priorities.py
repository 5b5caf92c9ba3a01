"""The team's priorities from a TOML file: laid over the defaults, used by the API, the CLI and
the report, and refused with a message naming the key when they are wrong."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from registry.app import create_app
from registry.cli import app as cli
from registry.gaps import method
from registry.gaps.matrix import Priorities
from registry.gaps.priorities import PrioritiesError, read_priorities

POLICE_FIRST = """
[sector]
police = 3.0

[attribute]
socio-economic-background = 2
"""


def test_no_file_is_the_default_method():
    assert read_priorities(None) == Priorities()


def test_the_file_is_laid_over_the_defaults(tmp_path):
    path = tmp_path / "priorities.toml"
    path.write_text(POLICE_FIRST, encoding="utf-8")
    found = read_priorities(path)
    assert found.sector["police"] == 3.0
    assert found.attribute["socio-economic-background"] == 2.0
    assert found.grade == method.GRADE_PRIORITY  # untouched tables keep the defaults
    default = Priorities().of("police", "executive", "socio-economic-background")
    assert found.of("police", "executive", "socio-economic-background") == pytest.approx(
        default * 3.0 * 2.0 / method.ATTRIBUTE_PRIORITY.get("socio-economic-background", 1.0)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sector]\npolise = 2\n", "[sector] 'polise' is not in the sector vocabulary"),
        ("[grade]\nexecutive = 11\n", "[grade] executive = 11 is outside 0 to 10"),
        ("[grade]\nexecutive = 'high'\n", "[grade] executive must be a number"),
        ("[sectors]\npolice = 2\n", "unknown table [sectors]"),
        ("[sector\n", "not valid TOML"),
    ],
)
def test_a_wrong_file_is_refused_by_name(tmp_path, text, message):
    path = tmp_path / "priorities.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PrioritiesError) as caught:
        read_priorities(path)
    assert str(path) in str(caught.value) and message in str(caught.value)


def test_the_api_and_the_cli_rank_by_the_file(settings, tmp_path, monkeypatch):
    path = tmp_path / "priorities.toml"
    path.write_text(POLICE_FIRST, encoding="utf-8")
    # An empty catalogue: every cell lacks 100 points, so need is priority x 100 and the
    # most needed cell is the one the file weighs most.
    with TestClient(create_app(settings.model_copy(update={"gap_priorities": path}))) as client:
        top = client.get("/api/gaps", params={"sort": "need"}).json()["cells"][0]
    assert (top["sector"], top["attribute"]) == ("police", "socio-economic-background")
    with TestClient(create_app(settings)) as client:
        plain = client.get("/api/gaps", params={"sort": "need"}).json()["cells"][0]
    assert plain["need"] < top["need"]

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(
        cli, ["gaps", "--priorities", str(path), "--format", "json", "--limit", "1"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["cells"][0]["need"] == top["need"]


def test_the_cli_names_a_bad_file(settings, tmp_path, monkeypatch):
    path = tmp_path / "priorities.toml"
    path.write_text("[sector]\npolise = 2\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli, ["gaps", "--priorities", str(path)])
    assert result.exit_code == 2
    assert "'polise' is not in the sector vocabulary" in result.stderr

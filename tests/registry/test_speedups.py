"""``registry speedups``: what it says and does when it cannot, or need not, compile.

The compile itself runs in CI (``.ci/run``: ``registry speedups --require``, then the whole
suite on the build); here the steps around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from registry import speedups
from registry.cli import app
from schemas.dcat import compiled

runner = CliRunner()


@pytest.fixture
def builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRY_COMPILED_DIR", str(tmp_path / "builds"))
    return tmp_path / "builds"


def test_check_says_not_compiled_when_there_is_no_build(builds: Path):
    result = runner.invoke(app, ["speedups", "--check"])
    assert result.exit_code == 1 and "not compiled" in result.output


def test_a_machine_without_a_compiler_runs_as_python(builds, monkeypatch: pytest.MonkeyPatch):
    def cannot() -> None:
        raise speedups.SpeedupsUnavailable("no C compiler ('cc' is not on PATH)")

    monkeypatch.setattr(speedups, "_check_tools", cannot)
    result = runner.invoke(app, ["speedups"])
    assert result.exit_code == 0
    assert "cannot compile: no C compiler" in result.output and "pure Python" in result.output
    required = runner.invoke(app, ["speedups", "--require"])
    assert required.exit_code == 1 and required.output.startswith("error:")
    assert not builds.exists() or not any(builds.iterdir())


def test_a_failed_compile_is_reported_and_leaves_no_build(builds, monkeypatch):
    monkeypatch.setattr(speedups, "_check_tools", lambda: None)

    def broken(work: Path) -> None:
        assert (work / "schemas" / "dcat" / "writers.py").is_file()  # compiled from a copy
        raise speedups.SpeedupsFailed("mypyc failed (exit 2):\nschemas/dcat/kinds.py:1: error")

    monkeypatch.setattr(speedups, "_compile", broken)
    # Best effort by default (the README chains it before `registry demo`); CI requires it.
    result = runner.invoke(app, ["speedups"])
    assert result.exit_code == 0 and result.output.startswith("warning: mypyc failed")
    assert "kinds.py:1: error" in result.output and "pure Python" in result.output
    required = runner.invoke(app, ["speedups", "--require"])
    assert required.exit_code == 1 and required.output.startswith("error: mypyc failed")
    assert speedups.status() is None
    assert [p.name for p in builds.iterdir()] == []  # the scratch folder is gone too


def test_a_finished_build_is_not_made_twice(builds, monkeypatch: pytest.MonkeyPatch):
    done = compiled.build_dir()
    done.mkdir(parents=True)
    (done / compiled.DONE).write_text("key\n")
    monkeypatch.setattr(speedups, "_compile", lambda work: pytest.fail("compiled again"))
    result = runner.invoke(app, ["speedups"])
    assert result.exit_code == 0 and "already compiled" in result.output
    assert runner.invoke(app, ["speedups", "--check"]).exit_code == 0

"""Finding a compiled build of the writing path: used only for exactly its sources."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.dcat import compiled


@pytest.fixture
def package(tmp_path: Path) -> Path:
    copy = tmp_path / "dcat"
    shutil.copytree(compiled.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_key_follows_every_source_of_the_package(package: Path):
    before = compiled.key(package)
    assert compiled.key(package) == before
    assert before == compiled.key(compiled.PACKAGE_DIR)  # the copy has the same sources
    terms = package / "terms.py"  # not compiled, but compiled modules rely on its classes
    terms.write_text(terms.read_text() + "\n# edited\n")
    assert compiled.key(package) != before


def test_only_a_finished_build_of_these_sources_is_put_on_the_path(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("REGISTRY_COMPILED_DIR", str(tmp_path / "builds"))
    monkeypatch.delenv("REGISTRY_PURE", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    build = compiled.build_dir(package)
    path: list[str] = ["source"]
    assert compiled.activate(path, package) is False  # nothing built
    (build / "schemas" / "dcat").mkdir(parents=True)
    assert compiled.activate(path, package) is False  # half made: no COMPLETE yet
    (build / compiled.DONE).write_text("key\n")
    assert compiled.activate(path, package) is True
    assert path == [str(build / "schemas" / "dcat"), "source"]
    assert str(build) in sys.path  # the library the compiled modules share
    monkeypatch.setenv("REGISTRY_PURE", "1")
    assert compiled.activate(["source"], package) is False
    monkeypatch.delenv("REGISTRY_PURE")
    (package / "writers.py").write_text("# edited\n")
    assert compiled.activate(["source"], package) is False  # stale: never used


def test_a_process_says_whether_it_runs_compiled():
    # In CI a build exists (.ci/run compiles before the tests), so the suite runs compiled
    # and REGISTRY_PURE=1 runs it as Python; each process reports which it is.
    code = "import schemas.dcat as d, schemas.dcat.writers as w; print(d.COMPILED, w.__file__)"
    for pure in ("1", ""):
        env = {**os.environ, "REGISTRY_PURE": pure}
        shown = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        assert shown[0] in ("True", "False")
        assert shown[1].endswith(".py") == (shown[0] == "False")
        if pure:
            assert shown[0] == "False"
    if os.environ.get("REGISTRY_EXPECT_COMPILED"):
        assert compiled.COMPILED, "a build was made for these sources but is not in use"


def test_what_goes_to_worker_processes_pickles():
    # The dump sends each worker its Part; mypyc-compiled frozen dataclasses cannot be
    # unpickled, so Part is a named tuple (this runs compiled in CI).
    from schemas.dcat import Part

    part = Part(3, last=False)
    assert pickle.loads(pickle.dumps(part)) == part and not part.first and Part().first

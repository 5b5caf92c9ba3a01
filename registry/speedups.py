"""``registry speedups``: compile the DCAT writing path with mypyc (see
:mod:`schemas.dcat.compiled` for how a build is found and why it is never stale).

mypyc (part of mypy, the ``fast`` extra) turns the type-annotated modules into a C extension;
a C compiler builds it. The sources are copied to a scratch folder first, so nothing is ever
written beside the ``.py`` files (where an old ``.so`` would shadow an edited source), and the
build is moved into place whole, its ``COMPLETE`` marker last.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from schemas.dcat import compiled

TIMEOUT_S = 900.0


class SpeedupsUnavailable(Exception):
    """This machine cannot compile (no mypyc or no C compiler): the registry runs as Python."""


class SpeedupsFailed(Exception):
    """The compiler ran and failed: a fault in the sources or the toolchain."""


@dataclass(frozen=True)
class Build:
    path: Path
    seconds: float | None  # None: it was already there


def status() -> Build | None:
    """The finished build of the current sources, if there is one."""
    where = compiled.build_dir()
    return Build(where, None) if compiled.finished(where) else None


def build(*, force: bool = False) -> Build:
    """Compile :data:`~schemas.dcat.compiled.MODULES` for the current sources (unless done)."""
    target = compiled.build_dir()  # hashes the sources once; the folder's name is the key
    if compiled.finished(target) and not force:
        return Build(target, None)
    _check_tools()
    root = target.parent
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=root, prefix=".building-") as scratch:
        work, out = Path(scratch) / "src", Path(scratch) / "out"
        _copy_sources(work)
        _compile(work)
        _collect(work, out)
        (out / compiled.DONE).write_text(
            f"key {target.name}\nmodules {' '.join(compiled.MODULES)}\n"
            f"python {sys.version.split()[0]}\n"
        )
        if target.exists():  # --force, or another build finished first
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.replace(out, target)
        except OSError:
            if not compiled.finished(target):
                raise
            # Another process finished the same build in between: its copy is as good.
    return Build(target, time.perf_counter() - started)


def _check_tools() -> None:
    try:
        import mypyc  # noqa: F401
    except ImportError:
        raise SpeedupsUnavailable("mypyc is not installed (pip install -e '.[fast]')") from None
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        raise SpeedupsUnavailable(f"no C compiler ({compiler!r} is not on PATH)")
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        raise SpeedupsUnavailable(f"no Python headers ({headers} is missing)")


def _copy_sources(work: Path) -> None:
    """The packages mypy reads to type the modules: ``schemas`` and ``vocab``."""
    project = compiled.PACKAGE_DIR.parents[1]
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyc")
    for package in ("schemas", "vocab"):
        shutil.copytree(project / package, work / package, ignore=ignore)


def _compile(work: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "mypyc",
        *(f"schemas/dcat/{name}.py" for name in compiled.MODULES),
    ]
    env = {**os.environ, "MYPYC_OPT_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        raise SpeedupsFailed(f"mypyc took longer than {TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise SpeedupsFailed(f"mypyc failed (exit {done.returncode}):\n{tail}")


def _collect(work: Path, out: Path) -> None:
    """The extension of each module and the one library they share, as Python imports them."""
    suffix = str(sysconfig.get_config_var("EXT_SUFFIX"))
    package = out / "schemas" / "dcat"
    package.mkdir(parents=True)
    for name in compiled.MODULES:
        made = work / "schemas" / "dcat" / f"{name}{suffix}"
        if not made.is_file():
            raise SpeedupsFailed(f"mypyc made no {made.name}")
        shutil.move(made, package / made.name)
    shared = list(work.glob(f"*__mypyc{suffix}"))
    if len(shared) != 1:
        raise SpeedupsFailed(f"expected one shared library from mypyc, found {len(shared)}")
    shutil.move(shared[0], out / shared[0].name)

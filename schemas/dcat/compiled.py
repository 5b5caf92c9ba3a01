"""The writing path compiled to C by mypyc, used when a build of exactly these sources exists.

Feed pages and dumps spend most of their time in :data:`MODULES` (the producer of nodes and the
writers), which are plain Python. ``registry speedups`` compiles them with mypyc (a Turtle page
rendered in 40 rather than 62 million instructions, the same output) into the user's cache
folder, in a folder named by
:func:`key`: a hash of every source file of this package and of the interpreter's extension
suffix. Importing :mod:`schemas.dcat` looks for that folder and, when it is there, puts it
first on the package's path, so Python loads the compiled modules in place of the ``.py``
files. Editing any file of the package changes the key, so a build is never used for sources
it was not made from: pure Python runs until ``registry speedups`` is run again.
``REGISTRY_PURE=1`` turns builds off; ``REGISTRY_COMPILED_DIR`` moves the cache.

Nothing here imports a compiler: building is :mod:`registry.speedups`.
"""

from __future__ import annotations

import hashlib
import os
import sys
import sysconfig
from pathlib import Path

MODULES = ("context", "kinds", "profile", "catalog", "writers")
PACKAGE_DIR = Path(__file__).resolve().parent
DONE = "COMPLETE"  # written last into a build folder: a half-made build is never used


def cache_root() -> Path:
    """Where builds are kept: ``REGISTRY_COMPILED_DIR``, else the user's cache folder."""
    configured = os.environ.get("REGISTRY_COMPILED_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "leadership-data-registry" / "compiled"


def key(package_dir: Path = PACKAGE_DIR) -> str:
    """Names a build: every ``.py`` of the package (a compiled module may rely on the layout
    of a class it imports from a sibling) and the interpreter's ABI and platform."""
    digest = hashlib.sha256(str(sysconfig.get_config_var("EXT_SUFFIX")).encode())
    for path in sorted(package_dir.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def build_dir(package_dir: Path = PACKAGE_DIR) -> Path:
    """The folder a build of these sources has (or would have)."""
    return cache_root() / key(package_dir)


def finished(build: Path) -> bool:
    """Whether the build folder is whole (its :data:`DONE` marker is written last)."""
    return (build / DONE).is_file()


def activate(package_path: list[str], package_dir: Path = PACKAGE_DIR) -> bool:
    """Put a finished build of these sources first on ``package_path``; whether there was one."""
    if os.environ.get("REGISTRY_PURE"):
        return False
    try:
        found = build_dir(package_dir)
        ready = finished(found)
    except OSError:  # no home folder, unreadable sources: run as pure Python
        return False
    if not ready:
        return False
    package_path.insert(0, str(found / "schemas" / "dcat"))
    # mypyc puts the code of all the modules in one library beside them, imported by name.
    if str(found) not in sys.path:
        sys.path.append(str(found))
    return True


COMPILED: bool = activate(sys.modules[__name__.rpartition(".")[0]].__path__)

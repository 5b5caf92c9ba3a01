"""Third-party front-end files: fetched from the npm registry at a pinned version, verified
against the integrity value pinned here, and kept in a cache folder outside the repository.

GOV.UK Frontend gives the pages their look; axe-core is only for the accessibility tests.
Neither is committed (the issue asks for it, and a vendored 140 kB CSS file hides upgrades in
diffs): ``registry assets`` fetches them, and ``registry serve`` / ``registry demo`` call
:func:`ensure` so a clean install gets them by itself. Only the files the site uses are
extracted: no fonts (GDS Transport is reserved for GOV.UK) and no crown images.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    integrity: str  # the "dist.integrity" npm publishes: "sha512-<base64>"
    files: tuple[tuple[str, str], ...]  # (path in the tarball, name in the cache folder)

    @property
    def tarball(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def folder(self) -> str:
        return f"{self.name}-{self.version}"


GOVUK_FRONTEND = NpmPackage(
    name="govuk-frontend",
    version="6.6.0",
    integrity="sha512-xctkWrQvLnvQt7fyjQ3MGX9S0wz0x0RQuLxCeoXF+s8EjGICG81/DYQGKN5qgO+0KVT12UAaRwUsGY6fulRcRg==",
    files=(
        ("package/dist/govuk/govuk-frontend.min.css", "govuk-frontend.min.css"),
        ("package/dist/govuk/govuk-frontend.min.js", "govuk-frontend.min.js"),
        ("package/package.json", "package.json"),  # its version and MIT licence
    ),
)
AXE_CORE = NpmPackage(
    name="axe-core",
    version="4.14.1",
    integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
    files=(("package/axe.min.js", "axe.min.js"), ("package/LICENSE", "LICENSE")),
)
SITE = (GOVUK_FRONTEND,)  # what the pages need; AXE_CORE is fetched by the browser tests


class AssetsError(RuntimeError):
    pass


MISSING = (
    "GOV.UK Frontend {version} is not installed in {folder}: run `registry assets` "
    "(pages still work, unstyled)"
)


def default_dir() -> Path:
    """The user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``): outside git by
    construction, writable whether the package is installed editable or as a wheel, and
    shared by every checkout on the machine, so each pinned version is fetched once."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "leadership-data-registry" / "assets"


def folder(root: Path, package: NpmPackage) -> Path:
    return root / package.folder


def installed(root: Path, package: NpmPackage) -> bool:
    where = folder(root, package)
    return all((where / name).is_file() for _, name in package.files)


def verify(data: bytes, integrity: str) -> None:
    """Raise unless ``data`` has the pinned Subresource-Integrity-style digest."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise AssetsError(f"unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if not hmac.compare_digest(actual, expected):
        raise AssetsError(f"integrity mismatch: expected sha512-{expected}, got sha512-{actual}")


def extract(data: bytes, package: NpmPackage, target: Path) -> None:
    """Write the package's wanted files into ``target``, all at once (a temporary folder
    renamed into place), so a half-written folder is never taken for an installed one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{package.folder}-", dir=target.parent))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member_name, name in package.files:
                member = archive.getmember(member_name)
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is None:
                    raise AssetsError(f"{package.folder}: {member_name} is not a file")
                (staging / name).write_bytes(handle.read())
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fetch(
    package: NpmPackage, root: Path, *, client: httpx.Client | None = None, force: bool = False
) -> Path:
    """Download, verify and extract ``package`` under ``root`` unless it is there already."""
    target = folder(root, package)
    if installed(root, package) and not force:
        return target
    own = client is None
    http = client or httpx.Client(timeout=60, follow_redirects=True)
    try:
        response = http.get(package.tarball)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise AssetsError(f"could not download {package.tarball}: {exc}") from exc
    finally:
        if own:
            http.close()
    verify(response.content, package.integrity)
    extract(response.content, package, target)
    return target


def ensure(root: Path, packages: tuple[NpmPackage, ...] = SITE) -> list[str]:
    """Fetch whatever is missing; the problems as messages (never raises), so a server with
    no network still starts and serves unstyled pages."""
    problems = []
    for package in packages:
        try:
            fetch(package, root)
        except AssetsError as exc:
            problems.append(f"{exc}; {MISSING.format(version=package.version, folder=root)}")
    return problems

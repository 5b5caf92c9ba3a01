"""Harvest sources: seeded into the database from the sources file, and the HTTP client a run
uses for each (live, replaying a recorded snapshot, or recording one)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import httpx
from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from harvesters.http import HttpPolicy
from harvesters.snapshots import RecordingTransport, SnapshotTransport
from harvesters.url_guard import UrlGuard, guarded_transport
from registry.config import Settings
from registry.errors import NotFound, Unprocessable
from schemas import HarvestSource, HarvestSourceCreate, describe_errors


def sources_file(settings: Settings) -> Path:
    if settings.sources_file:
        return settings.sources_file
    return Path(str(resources.files("registry").joinpath("sources.toml")))


def snapshots_dir(settings: Settings) -> Path:
    if settings.snapshots_dir:
        return settings.snapshots_dir
    return Path(str(resources.files("registry").joinpath("snapshots")))


def read_sources(path: Path) -> list[HarvestSourceCreate]:
    """The ``[[source]]`` entries of a TOML file, validated; errors name the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Unprocessable(f"{path}: {exc}") from None
    found: list[HarvestSourceCreate] = []
    for index, entry in enumerate(data.get("source", []), start=1):
        try:
            found.append(HarvestSourceCreate.model_validate(entry))
        except ValidationError as exc:
            where = entry.get("name", f"entry {index}") if isinstance(entry, dict) else index
            message = "; ".join(describe_errors(exc))
            raise Unprocessable(f"{path}: source {where}: {message}") from None
    names = [s.name for s in found]
    if len(names) != len(set(names)):
        raise Unprocessable(f"{path}: source names must be unique")
    return found


def seed_sources(*, session: Session, settings: Settings) -> list[str]:
    """Add the file's sources and bring known ones up to date; returns the names changed. A
    source a person edited (``edited_by``) keeps its kind, URL, title and options."""
    changed = []
    for source in read_sources(sources_file(settings)):
        row = session.get(HarvestSource, source.name)
        values = {
            "kind": source.kind,
            "url": str(source.url),
            "title": source.title,
            "options": source.options,
        }
        if row is not None and row.edited_by is not None:
            # A person changed it through the API: their URL, title and options stay.
            values = {}
        # A schedule in the file wins; without one, a schedule set by the CLI stays.
        if source.schedule is not None:
            values["schedule"] = source.schedule
        if row is None:
            session.add(HarvestSource(name=source.name, enabled=source.enabled, **values))
            changed.append(source.name)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changed.append(source.name)
    session.commit()
    return changed


def list_sources(*, session: Session) -> list[HarvestSource]:
    return list(session.execute(select(HarvestSource).order_by(HarvestSource.name)).scalars())


def get_source(*, session: Session, name: str) -> HarvestSource:
    source = session.get(HarvestSource, name)
    if source is None:
        known = ", ".join(s.name for s in list_sources(session=session)) or "none"
        raise NotFound(f"no harvest source {name!r}; known: {known}")
    return source


def http_policy(settings: Settings) -> HttpPolicy:
    # The per-host interval is politeness towards live servers; a snapshot replay needs none.
    replaying = settings.harvest_from == "snapshots"
    return HttpPolicy(
        timeout=settings.harvest_timeout,
        retries=settings.harvest_retries,
        min_interval=0.0 if replaying else settings.harvest_min_interval,
        max_bytes=settings.harvest_max_bytes,
        user_agent=f"LeadershipDataRegistry/0.1 (+{settings.base_uri})",
    )


def url_guard(settings: Settings) -> UrlGuard:
    return UrlGuard.of(settings.allow_private_urls, settings.url_allowlist)


def make_client(settings: Settings, source_name: str, *, record: bool = False) -> httpx.Client:
    """The client a run uses: the network, a snapshot replay, or the network recorded.

    On the network every request, each redirect included, and every connection is checked by
    the settings' :class:`~harvesters.url_guard.UrlGuard` (http(s), public addresses only unless
    allowed); a replay reaches no network and needs no guard."""
    folder = snapshots_dir(settings) / source_name
    if settings.harvest_from == "snapshots" and not record:
        if not (folder / "index.json").is_file():
            raise NotFound(f"no recorded snapshot for source {source_name!r} in {folder}")
        return httpx.Client(transport=SnapshotTransport(folder), max_redirects=5)
    guard = url_guard(settings)
    transport: httpx.BaseTransport = guarded_transport(guard, retries=0)
    if record:
        transport = RecordingTransport(transport, folder, source=source_name)
    return httpx.Client(
        transport=transport, max_redirects=5, event_hooks={"request": [guard.request_hook]}
    )

"""Backups of a SQLite registry by SQLite's online backup API; PostgreSQL uses its own tools.

``backup_sqlite`` copies the live database page by page while the app keeps serving (readers
and the odd writer carry on; the copy is one consistent moment). ``restore_sqlite`` checks the
file first (a SQLite database, intact, at a schema revision this code knows), copies it over
the current database through the same API (so the write-ahead log is handled by SQLite, never
by copying files), then migrates it to the newest revision.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from registry.config import Settings
from registry.errors import BadRequest
from registry.migrate import alembic_config, upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"


def postgres_guidance(settings: Settings, action: str) -> str:
    url = make_url(settings.database_url).set(drivername="postgresql")
    shown = url.render_as_string(hide_password=True)
    return (
        f"`registry {action}` copies SQLite databases only; this registry uses PostgreSQL.\n"
        "Back up with pg_dump (consistent while the app runs):\n"
        f"  pg_dump --format=custom --file registry.dump '{shown}'\n"
        "Restore with the app and the scheduler stopped, then bring the schema up to date:\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname '{shown}' registry.dump\n"
        "  registry db upgrade"
    )


def sqlite_path(settings: Settings, action: str) -> Path:
    if not settings.is_sqlite:
        raise BadRequest(postgres_guidance(settings, action))
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BadRequest("the database is in memory: there is no file to back up or restore")
    return Path(database)


def backup_sqlite(settings: Settings, target: Path) -> str:
    """Copy the database to ``target`` (written beside it first, then moved into place)."""
    source = sqlite_path(settings, "backup")
    if not source.is_file():
        raise BadRequest(f"no database at {source}")
    if target.resolve() == source.resolve():
        raise BadRequest("the backup cannot be the database itself")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=1024)  # in steps: writers are held up for one step, not all
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    partial.replace(target)
    return f"backed up {source} to {target}: {describe(target)}"


def describe(path: Path) -> str:
    revision, datasets = _read(path)
    return f"SQLite registry at schema revision {revision}, {datasets} datasets"


def check_backup(settings: Settings, path: Path) -> str:
    """What ``path`` holds, or BadRequest saying why it cannot be restored."""
    sqlite_path(settings, "restore")
    if not path.is_file():
        raise BadRequest(f"no file {path}")
    with path.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise BadRequest(f"{path} is not a SQLite database")
    revision, _ = _read(path)
    script = ScriptDirectory.from_config(alembic_config(settings))
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BadRequest(
            f"{path} is at schema revision {revision!r}, which this version of the registry "
            "does not know (a backup from a newer version?)"
        )
    return f"{path}: {describe(path)}"


def restore_sqlite(settings: Settings, backup: Path) -> str:
    """Replace the database with ``backup`` (checked first), then migrate it to the newest."""
    target = sqlite_path(settings, "restore")
    check_backup(settings, backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BadRequest("the backup is the database itself")
    _refuse_if_scheduler_holds(target)
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    upgrade(settings)
    return f"restored {target} from {backup}: {describe(target)}"


def _read(path: Path) -> tuple[str, int]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BadRequest(f"{path}: cannot open: {exc}") from None
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BadRequest(f"{path} is damaged (SQLite's quick_check failed)")
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        datasets = conn.execute("SELECT count(*) FROM dataset").fetchone()[0]
    except sqlite3.Error as exc:
        raise BadRequest(f"{path} is not a registry database: {exc}") from None
    finally:
        conn.close()
    if not revision:
        raise BadRequest(f"{path} has no schema revision: not a registry database")
    return revision[0], datasets


def _refuse_if_scheduler_holds(target: Path) -> None:
    """A live scheduler lease means a scheduler is running against this database: stop it."""
    if not target.is_file():
        return
    conn = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT holder, expires_at FROM lease WHERE name = 'scheduler'"
        ).fetchone()
    except sqlite3.Error:
        row = None
    finally:
        conn.close()
    if row and datetime.fromisoformat(row[1]).replace(tzinfo=UTC) > datetime.now(UTC):
        raise BadRequest(
            f"a scheduler ({row[0]}) is running against {target} (its lease lasts until "
            f"{row[1]} UTC): stop it and the app before restoring"
        )

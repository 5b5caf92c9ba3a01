"""The command line's database session: one engine per command, disposed after it, and a
registry error ending the command with its message and an exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlmodel import Session

from registry.config import Settings
from registry.db import make_engine, session_scope
from registry.errors import RegistryError


@contextmanager
def cli_session(*, exit_code: int = 1) -> Iterator[Session]:
    """A session that commits on success on the configured database; a registry error (an
    unknown name, a decided suggestion ...) prints ``error: message`` and exits ``exit_code``."""
    engine = make_engine(Settings())
    try:
        with session_scope(engine) as session:
            yield session
    except RegistryError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(exit_code) from None
    finally:
        engine.dispose()

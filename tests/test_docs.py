"""The README stays honest: every setting and every command is documented."""

from __future__ import annotations

from pathlib import Path

import typer.main

from registry.cli import app
from registry.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def env_name(field: str) -> str:
    return "DATABASE_URL" if field == "database_url" else f"REGISTRY_{field.upper()}"


def test_every_setting_is_in_the_configuration_table():
    missing = [
        env_name(name) for name in Settings.model_fields if f"| `{env_name(name)}` |" not in README
    ]
    assert missing == []


def test_every_command_is_in_the_readme():
    group = typer.main.get_command(app)
    commands = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        commands += [f"registry {name} {s}" for s in sub] if sub else [f"registry {name}"]
    assert [c for c in commands if c not in README] == []

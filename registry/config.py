"""Settings, read from the environment (and a ``.env`` file) once per process or test.

Every setting is declared here with its default and help text; the README's configuration
table lists them all, and a test keeps the two in step.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///registry.db",
        validation_alias=AliasChoices("DATABASE_URL", "REGISTRY_DATABASE_URL"),
        description="SQLAlchemy URL of the database: a SQLite file by default, or "
        "postgresql://user@host/db (env DATABASE_URL).",
    )
    base_uri: str = Field(
        default="http://127.0.0.1:8000",
        description="Public base URI of the registry; record and concept URIs are built on it.",
    )
    title: str = Field(
        default="Leadership Data Registry",
        description="Name of the registry shown in pages, the API and the catalogue.",
    )
    page_size: int = Field(default=20, ge=1, le=1000, description="Default results per page.")
    page_size_max: int = Field(
        default=100, ge=1, le=10_000, description="Largest page a client may ask for."
    )
    sql_echo: bool = Field(default=False, description="Log every SQL statement (debugging).")
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")

    @field_validator("base_uri")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _driver(cls, value: str) -> str:
        # psycopg 3 is the PostgreSQL driver we ship; accept the plain scheme people write.
        for plain in ("postgres://", "postgresql://"):
            if value.startswith(plain):
                return "postgresql+psycopg://" + value[len(plain) :]
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    return Settings()

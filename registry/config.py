"""Settings, read from the environment (and a ``.env`` file) once per process or test.

Every setting is declared here with its default and help text; the README's configuration
table lists them all, and a test keeps the two in step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
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
    description: str = Field(
        default="Every known dataset about the people who lead UK public services: the civil "
        "service, the NHS, councils, police, fire, schools, universities, the armed forces, the "
        "judiciary, arm's-length bodies and the devolved governments.",
        description="What the registry holds, shown in the catalogue feed and pages.",
    )
    publisher_name: str = Field(
        default="Leadership Data Registry",
        description="Who publishes the catalogue (the feed's dct:publisher).",
    )
    page_size: int = Field(default=20, ge=1, le=1000, description="Default results per page.")
    page_size_max: int = Field(
        default=100, ge=1, le=10_000, description="Largest page a client may ask for."
    )
    sources_file: Path | None = Field(
        default=None,
        description="TOML file of harvest sources; the bundled registry/sources.toml if unset.",
    )
    snapshots_dir: Path | None = Field(
        default=None,
        description="Folder of recorded source snapshots; the bundled registry/snapshots if unset.",
    )
    gap_priorities: Path | None = Field(
        default=None,
        description="TOML file of gap priorities per sector, grade and attribute, over the "
        "defaults (docs/gap-method.md).",
    )
    harvest_from: Literal["live", "snapshots"] = Field(
        default="live",
        description="Harvest the live sources, or replay their recorded snapshots (no network).",
    )
    harvest_time_limit: float = Field(
        default=900.0, gt=0, description="Seconds a harvest run may take before it is stopped."
    )
    harvest_withdraw_after_hours: float = Field(
        default=48.0,
        ge=0,
        description="A record missing from its source this long is withdrawn (never deleted).",
    )
    harvest_stuck_grace: float = Field(
        default=600.0,
        ge=0,
        description="A run still marked running this many seconds past its time limit is "
        "marked failed by the stuck-run reaper (`registry scheduler`).",
    )
    scheduler_interval: float = Field(
        default=60.0,
        gt=0,
        description="Seconds between two passes of `registry scheduler` (due sources, reaper).",
    )
    harvest_timeout: float = Field(default=30.0, gt=0, description="Seconds per HTTP read.")
    harvest_retries: int = Field(default=3, ge=0, le=10, description="Retries on 429 and 5xx.")
    harvest_min_interval: float = Field(
        default=0.5, ge=0, description="Seconds between two requests to one host."
    )
    harvest_max_bytes: int = Field(
        default=50_000_000, gt=0, description="Largest response a harvest will read."
    )
    harvest_profile_max_bytes: int = Field(
        default=20_000_000, gt=0, description="Largest tabular file downloaded for profiling."
    )
    link_check_max_age_days: float = Field(
        default=7.0,
        ge=0,
        description="`registry check-links` skips URLs checked within this many days.",
    )
    link_check_concurrency: int = Field(
        default=8, ge=1, le=100, description="Links checked at once."
    )
    link_check_per_host: int = Field(
        default=2, ge=1, le=100, description="Links checked at once on any one host."
    )
    link_check_timeout: float = Field(
        default=15.0, gt=0, description="Seconds each link-check request may take."
    )
    suggestions_per_hour: int = Field(
        default=5,
        ge=0,
        description="Dataset suggestions one client may send an hour (0: none); more get 429.",
    )
    data_requests_per_hour: int = Field(
        default=20,
        ge=0,
        description='"Data I need" requests one client may send an hour (0: none).',
    )
    submission_max_bytes: int = Field(
        default=16_384,
        ge=1024,
        le=1_000_000,
        description="Largest body a suggestion or data request may have; more gets 413.",
    )
    client_ip_header: str | None = Field(
        default=None,
        description="Header a trusted reverse proxy sets to the client's address (e.g. "
        "X-Forwarded-For; its last entry is used). Unset: the connection's address. Set it only "
        "behind a proxy that sets it, or clients choose their own address.",
    )
    gap_request_boost: float = Field(
        default=0.0,
        ge=0,
        le=10,
        description='Share a cell\'s priority rises per "data I need" request for it '
        "(0: requests are counted and shown but change no priority; docs/gap-method.md).",
    )
    gap_request_boost_cap: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Most that requests may raise a cell's priority, as a share (1.0: double).",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Secret that signs the editors' sign-in cookies (32+ random characters). "
        "Unset: a random one per process, so a restart signs everyone out and several worker "
        "processes need it set.",
    )
    session_max_age: int = Field(
        default=8 * 3600,
        ge=300,
        le=7 * 24 * 3600,
        description="Seconds a browser sign-in lasts (never longer than the token's expiry).",
    )
    assets_dir: Path | None = Field(
        default=None,
        description="Folder of the fetched front-end files (GOV.UK Frontend, axe-core); "
        "the user's cache folder (~/.cache/leadership-data-registry/assets) if unset.",
    )
    allow_private_urls: bool = Field(
        default=False,
        description="Let harvest sources and the link checker reach private, loopback, "
        "link-local and other non-public addresses (refused by default: SSRF).",
    )
    url_allowlist: str = Field(
        default="",
        description="Comma-separated hosts and networks (CIDR) that harvests and the link "
        "checker may reach even though they are not public, e.g. `10.1.0.0/16,intranet.local`.",
    )
    max_body_bytes: int = Field(
        default=1_000_000, gt=0, description="Largest request body accepted (else 413)."
    )
    max_query_bytes: int = Field(
        default=8192, gt=0, description="Longest query string accepted (else 414)."
    )
    cors_origins: str = Field(
        default="*",
        description="Origins that may read the API from a browser (comma-separated, `*` for "
        "any, empty for none); GET and HEAD only, never writes.",
    )
    gzip: bool = Field(default=True, description="Compress responses for clients that ask.")
    gc_threshold: int = Field(
        default=10_000,
        ge=0,
        description="Objects allocated between two young-generation garbage collections while "
        "the app serves and while a dump is written (Python's default is 700; 0 leaves it "
        "as it is).",
    )
    metrics: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text or as JSON lines (with request ids)."
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
    def assets_root(self) -> Path:
        from registry.web.assets import default_dir

        return self.assets_dir or default_dir()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def get_settings() -> Settings:
    return Settings()

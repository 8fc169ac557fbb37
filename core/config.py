"""One typed configuration, read once and passed down.

Layers, lowest first: the packaged ``defaults.toml``, the user's ``veille.toml``
(only the keys it sets), then environment variables and command-line options
applied by the CLI. An unknown key or a wrong type is one line naming the key
and the file.
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import VeilleError

DEFAULT_DB = Path("data/veille.duckdb")
DEFAULT_CONFIG = Path("veille.toml")


class ConfigError(VeilleError):
    """The configuration file cannot be used as written."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CrawlConfig(_Section):
    sources: Path | None = None
    redis_url: str | None = None
    user_agent: str
    contact_url: str
    download_timeout: float = Field(gt=0)
    max_response_bytes: int = Field(gt=0)
    concurrency_per_domain: int = Field(ge=1)
    download_delay: float = Field(ge=0)
    obey_robots_txt: bool
    retry_times: int = Field(ge=0)
    batch_pages: int = Field(ge=1)
    batch_seconds: float = Field(gt=0)
    ingest_private_hosts: list[str] = []

    @property
    def agent(self) -> str:
        """The User-Agent sent everywhere: the configured product token with the configured contact URL."""
        return f"{self.user_agent.split(' (')[0]} (news monitoring; +{self.contact_url})"


class ProcessConfig(_Section):
    workers: int = Field(ge=1)
    batch_size: int = Field(ge=1)
    relevance_threshold: float = Field(ge=0, le=1)


class ModelsConfig(_Section):
    embedding: str
    spacy: dict[str, str] = Field(default_factory=dict)
    """spaCy packages (or local pipeline folders) by language code, over the language files' own."""
    cache_dir: Path

    @model_validator(mode="before")
    @classmethod
    def _spacy_per_key(cls, values: Any) -> Any:
        """``spacy_en = "..."``, the older spelling of ``spacy = { en = "..." }``, is still read."""
        if not isinstance(values, dict):
            return values
        older = {key: value for key, value in values.items() if key.startswith("spacy_")}
        if not older:
            return values
        kept = {key: value for key, value in values.items() if key not in older}
        kept["spacy"] = {**{key.removeprefix("spacy_"): value for key, value in older.items()},
                         **dict(values.get("spacy") or {})}
        return kept

    @field_validator("cache_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()


class LanguagesConfig(_Section):
    extra: list[Path] = Field(default_factory=list)
    """Folders of language files (``xx.toml``) added to the packaged ones (``core/languages``)."""

    @field_validator("extra", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DigestConfig(_Section):
    sender: str
    recipients: list[str]
    out_dir: Path


class SmtpConfig(_Section):
    host: str
    port: int = Field(ge=1, le=65535)
    security: Literal["starttls", "tls", "none"]
    timeout: float = Field(gt=0)
    retries: int = Field(ge=0)
    username_env: str | None = None
    password_env: str | None = None
    password_file: Path | None = None


def host_zone_name() -> str:
    """The host's time zone (``TZ``, else ``/etc/localtime``), or UTC when it names none."""
    import tzlocal

    try:
        return tzlocal.get_localzone_name() or "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"


class ScheduleConfig(_Section):
    """When the jobs run: cron expressions for crontab and ``veille schedule run`` (a sixth field
    counts seconds, for the runner only), systemd calendar expressions for the timers, all read
    in ``timezone`` (the host's when unset), which also bounds the digest's weeks."""

    nightly_cron: str
    weekly_cron: str
    nightly_calendar: str
    weekly_calendar: str
    timezone: str | None = None
    weekly_wait: float = Field(ge=0)
    alert: bool = False

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name like \"Europe/Paris\" or \"UTC\"") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The configured time zone, or the host's (UTC when the host names none)."""
        return ZoneInfo(self.zone_name)

    @property
    def zone_name(self) -> str:
        return self.timezone or host_zone_name()

    @field_validator("nightly_cron", "weekly_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from croniter import croniter

        if not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression like \"30 2 * * *\"")
        return value

    @property
    def jobs(self) -> dict[str, str]:
        """Each job's cron expression, by job (command) name."""
        return {"nightly": self.nightly_cron, "weekly": self.weekly_cron}


class Config(_Section):
    db: Path = DEFAULT_DB
    config_file: Path | None = None
    crawl: CrawlConfig
    process: ProcessConfig
    models: ModelsConfig
    languages: LanguagesConfig = Field(default_factory=LanguagesConfig)
    digest: DigestConfig
    smtp: SmtpConfig
    schedule: ScheduleConfig

    @property
    def data_dir(self) -> Path:
        """The folder that holds the database; query may read files inside it."""
        return self.db.resolve().parent


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    location = [str(part) for part in first["loc"]]
    key = f"[{location[0]}] {'.'.join(location[1:])}" if len(location) > 1 else location[0]
    if first["type"] == "extra_forbidden":
        return f"{origin}: unknown key {key}"
    return f"{origin}: {key}: {first['msg'].lower()}"


def _resolve_relative(section: dict[str, Any], key: str, base: Path) -> None:
    value = section.get(key)
    if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
        section[key] = str(base / value)


def load_config(config_path: Path | None = None, db_path: Path | None = None) -> Config:
    """Read the configuration once.

    ``config_path`` falls back to ``$VEILLE_CONFIG`` then ``veille.toml`` (optional
    unless named explicitly); ``db_path`` to ``$VEILLE_DB`` then
    ``data/veille.duckdb``. Relative paths in the file are relative to the file.
    """
    defaults = tomllib.loads(resources.files("core").joinpath("defaults.toml").read_text("utf-8"))
    explicit = config_path is not None or "VEILLE_CONFIG" in os.environ
    path = config_path or Path(os.environ.get("VEILLE_CONFIG", DEFAULT_CONFIG))
    user: dict[str, Any] = {}
    if path.exists():
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        base = path.resolve().parent
        for section, key in (("crawl", "sources"), ("digest", "out_dir"), ("smtp", "password_file")):
            if isinstance(user.get(section), dict):
                _resolve_relative(user[section], key, base)
        extra = user.get("languages", {}).get("extra") if isinstance(user.get("languages"), dict) else None
        if isinstance(extra, (str, list)):
            folders = [{"extra": f} for f in ([extra] if isinstance(extra, str) else extra)]
            for folder in folders:
                _resolve_relative(folder, "extra", base)
            user["languages"]["extra"] = [folder["extra"] for folder in folders]
    elif explicit:
        raise ConfigError(f"{path}: no such configuration file")
    for section in ("db", "config_file"):
        if section in user:
            raise ConfigError(f"{path}: unknown key {section} (use --db or VEILLE_DB)")
    merged = _merge(defaults, user)
    merged["db"] = db_path or Path(os.environ.get("VEILLE_DB", DEFAULT_DB))
    merged["config_file"] = path if path.exists() else None
    if os.environ.get("VEILLE_REDIS_URL"):
        merged["crawl"]["redis_url"] = os.environ["VEILLE_REDIS_URL"]
    try:
        config = Config.model_validate(merged)
    except ValidationError as error:
        raise ConfigError(_describe(error, str(path))) from None
    from core.languages import use_extra

    use_extra(*config.languages.extra)
    return config

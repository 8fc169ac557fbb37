"""The source registry: which outlets to crawl, as data (TOML), checked on load."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from core.errors import VeilleError

PLACEHOLDER_BASE_URL = "__BASE_URL__"
"""Stands for the server's address in the bundled demo site's registry."""


class SourceRegistryError(VeilleError):
    """The registry file is not usable as written; the message names the entry."""


class Listing(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    url: HttpUrl
    link_pattern: str = Field(description="regular expression that article links match")

    @field_validator("link_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"link_pattern is not a valid regular expression: {error}") from None
        return value


class ExtractionHints(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    body_xpath: str | None = None


class Source(BaseModel):
    """One outlet."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    language: str = Field(pattern=r"^[a-z]{2}$")
    homepage: HttpUrl
    title: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    feeds: list[HttpUrl] = []
    sitemaps: list[HttpUrl] = []
    listings: list[Listing] = []
    allow_private_network: bool = False
    download_delay: float | None = Field(default=None, ge=0)
    extraction: ExtractionHints = ExtractionHints()

    @property
    def kinds(self) -> list[Literal["feed", "sitemap", "listing"]]:
        kinds: list[Literal["feed", "sitemap", "listing"]] = []
        if self.feeds:
            kinds.append("feed")
        if self.sitemaps:
            kinds.append("sitemap")
        if self.listings:
            kinds.append("listing")
        return kinds

    @property
    def domain(self) -> str:
        return self.homepage.host or ""

    @property
    def hosts(self) -> frozenset[str]:
        """Every host name the registry names for this source."""
        urls = [self.homepage, *self.feeds, *self.sitemaps, *(listing.url for listing in self.listings)]
        return frozenset(url.host for url in urls if url.host)

    @property
    def private_hosts(self) -> frozenset[str]:
        """The hosts whose internal addresses this source's requests may reach: its own, when it allows them."""
        return self.hosts if self.allow_private_network else frozenset()


@dataclass(frozen=True)
class SourceRegistry:
    sources: tuple[Source, ...]
    origin: str

    def named(self, names: list[str]) -> list[Source]:
        known = {s.name: s for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise SourceRegistryError(
                f"{self.origin}: no source named {', '.join(unknown)} (see `veille sources list`)"
            )
        return [known[n] for n in names]


def _entry_error(origin: str, index: int, name: object, error: ValidationError) -> SourceRegistryError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    label = f"source {name!r}" if isinstance(name, str) else f"source #{index + 1}"
    if first["type"] == "extra_forbidden":
        return SourceRegistryError(f"{origin}: {label}: unknown field {where}")
    if first["type"] == "missing":
        return SourceRegistryError(f"{origin}: {label}: missing field {where}")
    return SourceRegistryError(f"{origin}: {label}: {where}: {first['msg']}")


def parse_sources(text: str, origin: str, base_url: str | None = None) -> SourceRegistry:
    """Parse and check a registry; ``base_url`` replaces the demo placeholder."""
    if base_url is not None:
        text = text.replace(PLACEHOLDER_BASE_URL, base_url.rstrip("/"))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SourceRegistryError(f"{origin}: not valid TOML: {error}") from None
    unknown = set(data) - {"source"}
    if unknown:
        raise SourceRegistryError(f"{origin}: unknown top-level key {sorted(unknown)[0]} (expected [[source]])")
    entries = data.get("source", [])
    if not entries:
        raise SourceRegistryError(f"{origin}: no [[source]] entries")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        name = entry.get("name")
        try:
            source = Source.model_validate(entry)
        except ValidationError as error:
            raise _entry_error(origin, index, name, error) from None
        if source.name in seen:
            raise SourceRegistryError(f"{origin}: source {source.name!r} is defined twice")
        if not source.kinds:
            raise SourceRegistryError(f"{origin}: source {source.name!r} has no feeds, sitemaps or listings")
        seen[source.name] = index
        sources.append(source)
    return SourceRegistry(tuple(sources), origin)


def load_sources(path: Path | None = None, base_url: str | None = None) -> SourceRegistry:
    """The registry at ``path``, or the bundled one."""
    if path is None:
        text = resources.files("crawlers").joinpath("sources.toml").read_text("utf-8")
        return parse_sources(text, "crawlers/sources.toml", base_url)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourceRegistryError(f"{path}: cannot read the source registry: {error.strerror}") from None
    return parse_sources(text, str(path), base_url)

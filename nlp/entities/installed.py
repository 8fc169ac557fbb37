"""Whether the spaCy pipelines a configuration names are installed, told without importing spaCy.

Importing spaCy costs seconds; a start that only checks the configuration, or
that meets no page of a language, should not pay it.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
from pathlib import Path

from nlp.errors import ModelUnavailableError


class ModelNotInstalledError(ModelUnavailableError):
    """A spaCy pipeline named in the configuration is not installed."""


def _pip_requirement(package: str) -> str:
    """The requirement to install, pinned as veille itself pins it when that is known."""
    wanted = re.sub(r"[-_.]+", "-", package).lower()
    try:
        requirements = importlib.metadata.requires("veille") or []
    except importlib.metadata.PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        name = re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0]
        if re.sub(r"[-_.]+", "-", name).lower() == wanted:
            return requirement.split(";")[0].strip()
    return wanted


def _not_installed(package: str) -> ModelNotInstalledError:
    return ModelNotInstalledError(
        f"the spaCy pipeline {package!r} is not installed: pip install {_pip_requirement(package)}"
    )


def require_pipeline(package: str) -> None:
    """Fail at once, without loading it, when ``spacy.load`` would not find this pipeline
    (an installed package or a local folder, as spaCy looks them up)."""
    if not (_importable(package) or Path(package).expanduser().exists()):
        raise _not_installed(package)


def _importable(package: str) -> bool:
    """Whether ``spacy.load(package)`` finds it as a package: spaCy imports it by name."""
    if not re.fullmatch(r"[A-Za-z_]\w*", package):
        return False
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):
        return False

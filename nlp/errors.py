"""Errors of the analysis that concern the installation, not one document."""

from core.errors import VeilleError


class ModelUnavailableError(VeilleError):
    """A model the configuration names is not installed; every document would fail the same way."""

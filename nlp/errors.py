"""Errors of the analysis that concern the installation, not one document."""


class ModelUnavailableError(RuntimeError):
    """A model the configuration names is not installed; every document would fail the same way."""

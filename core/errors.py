"""The base of errors that a user can act on (printed as one line, no traceback)."""


class VeilleError(RuntimeError):
    """A failure with a message for the user."""

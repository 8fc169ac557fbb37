"""The base of errors that a user can act on (printed as one line, no traceback)."""


class VeilleError(RuntimeError):
    """A failure with a message for the user.

    Every expected failure derives from it; the command line prints its message
    as one line and exits with ``exit_code``.
    """

    exit_code = 1

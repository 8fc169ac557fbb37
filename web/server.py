"""Running the app: uvicorn on loopback unless told otherwise."""

from __future__ import annotations

import socket
from pathlib import Path

from core.errors import VeilleError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750


class ServeError(VeilleError):
    """The app cannot listen where it was asked to."""


def serve(db: Path, encoder_name: str, cache_dir: Path | None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT) -> None:
    """Serve the app until interrupted."""
    import uvicorn

    from web.app import create_app

    app = create_app(db, encoder_name, cache_dir, warm_up=True)
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)

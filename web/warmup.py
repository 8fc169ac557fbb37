"""Keeping the pages most readers open ready after the warehouse changes.

Once the file has stayed unchanged for ``quiet`` seconds (a nightly run writes
in many short batches; warming up between two of them would only delay it),
a background thread runs the queries of the pages reached from the menu, and
loads the passage vectors for search by meaning, so that the next reader finds
them kept. It opens the file read-only, like any request.
"""

from __future__ import annotations

import logging
import threading
import time

from core.errors import VeilleError
from warehouse.db import WarehouseError
from web import pages
from web.filters import Filters
from web.meaning import MeaningSearch
from web.reads import Reader

log = logging.getLogger(__name__)
QUIET = 60.0
"""Seconds the file must stay unchanged before the pages are made ready."""


def warm(reader: Reader, meaning: MeaningSearch) -> None:
    """Run the menu pages' queries once, keeping their results, and load the vectors."""
    filters = Filters()
    with reader.session() as session:
        pages.overview(session, filters)
        pages.stances(session, filters)
        pages.entities(session, filters)
        pages.stories(session, filters)
        pages.articles(session, filters, meaning)
        meaning.preload(session)


class WarmUp(threading.Thread):
    """Calls :func:`warm` whenever the file has changed and then stayed quiet."""

    def __init__(self, reader: Reader, meaning: MeaningSearch, quiet: float = QUIET, every: float = 5.0) -> None:
        super().__init__(name="veille-web-warmup", daemon=True)
        self.reader, self.meaning, self.quiet, self.every = reader, meaning, quiet, every
        self.stopped = threading.Event()
        self.warmed: tuple | None = None
        """The fingerprint of the file the pages were last made ready for."""

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            now = self.reader.fingerprint()
            changed = max((entry[1] for entry in now if entry), default=0) / 1e9
            if now != self.warmed and time.time() - changed >= self.quiet:
                try:
                    warm(self.reader, self.meaning)
                    self.warmed = now
                except (WarehouseError, VeilleError) as error:
                    log.warning("could not make the pages ready: %s", error)

"""AutoThrottle as veille runs it: never under a site's own delay, never pacing by a negligible one.

Scrapy's AutoThrottle sets each site's delay to latency / target concurrency
(smoothed), floored at ``DOWNLOAD_DELAY``. Two things go wrong with that:

- a source's own delay (``download_delay`` in the registry, a slot of
  ``DOWNLOAD_SLOTS``) is worn down to the global floor as soon as the site
  answers fast: the site asked for more;
- on a site answering in a few milliseconds the delay comes to a millisecond
  or two, which Scrapy keeps by setting a timer for every request. Each request
  then waits for a turn of the event loop: 2 requests stayed in flight where 8
  were aimed at, and the timers cost the crawl CPU time of their own. A delay
  that short spares the site nothing; the per-site concurrency bounds the load.

So a site's delay never goes under its own floor (the larger of
``DOWNLOAD_DELAY`` and its source's delay), and a delay under
``AUTOTHROTTLE_NEGLIGIBLE_DELAY`` is replaced by that floor. With veille's
default floor of half a second neither changes anything; a crawl configured
with no delay stops pacing sites that answer fast, and is paced again as soon
as a site slows down.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class SiteThrottle(AutoThrottle):
    """Scrapy's AutoThrottle with the floors above (in ``EXTENSIONS``, in place of Scrapy's)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.negligible = settings.getfloat("AUTOTHROTTLE_NEGLIGIBLE_DELAY")
        # Scrapy sets these when the spider opens; known from the start here.
        self.mindelay, self.maxdelay = self._min_delay(), self._max_delay()
        self.site_floors = {key: max(self.mindelay, float(slot["delay"]))
                            for key, slot in settings.getdict("DOWNLOAD_SLOTS").items() if "delay" in slot}

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        key, slot = self._get_slot(request, spider)
        latency = request.meta.get("download_latency")
        if latency is None or slot is None or request.meta.get("autothrottle_dont_adjust_delay", False) is True:
            return
        self.adjust(key, slot, latency, response)

    def adjust(self, key: str | None, slot: Slot, latency: float, response: Response) -> None:
        """Scrapy's adjustment, then the site's floor: a delay under it is raised, a negligible one lowered to it."""
        self._adjust_delay(slot, latency, response)
        floor = self.site_floors.get(key, self.mindelay) if key is not None else self.mindelay
        if slot.delay < max(floor, self.negligible):
            slot.delay = floor

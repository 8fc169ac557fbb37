"""Scrapy's own log lines about failed requests, made to say it once.

The spider logs one line for every failed request (source, URL, what went
wrong). Scrapy's retry middleware would add a "Gave up retrying" line for the
same request, and its robots.txt middleware logs a failed robots.txt fetch
with two chained tracebacks. These filters drop the first and turn the second
into one warning naming the source and the URL.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from crawlers.failures import describe_error

RETRY_LOGGER = "scrapy.downloadermiddlewares.retry"
ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class _DropGaveUp(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Gave up retrying")


class _RobotsInOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Error downloading") or not isinstance(record.args, dict):
            return True
        request, error = record.args.get("request"), record.args.get("f_exception")
        source = getattr(request, "meta", {}).get("source", "unknown")
        parts = urlsplit(getattr(request, "url", ""))
        robots = f"{parts.scheme}://{parts.netloc}/robots.txt"
        reason = describe_error(error) if isinstance(error, BaseException) else str(error)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.name = "veille.crawl"
        record.msg = "%s: robots_txt_error %s: %s (its pages are fetched as if it allowed them)"
        record.args = (source, robots, reason)
        record.exc_info = record.exc_text = None
        return True


_FILTERS: dict[str, logging.Filter] = {RETRY_LOGGER: _DropGaveUp(), ROBOTS_LOGGER: _RobotsInOneLine()}


def quiet_failure_logs() -> None:
    """Install the filters (once per process)."""
    for name, log_filter in _FILTERS.items():
        logger = logging.getLogger(name)
        if log_filter not in logger.filters:
            logger.addFilter(log_filter)

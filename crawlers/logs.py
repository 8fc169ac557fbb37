"""Scrapy's log lines made to fit veille's: no line per page, one per failure.

Scrapy logs two DEBUG records for every page, "Crawled" and "Scraped from"
(the latter with the item, whole body included); veille shows progress in its
own counter and every failed request in one line of its own, so both are
dropped before a record is made (making them took several percent of the
crawl's time).

Scrapy's own log line about a failed robots.txt fetch is made to say it once.

The spider logs one line for every failed request (source, URL, what went
wrong), and Scrapy's retry middleware gives up quietly (``RETRY_GIVE_UP_LOG_LEVEL``).
Its robots.txt middleware, though, logs a failed robots.txt fetch with two
chained tracebacks; this filter turns that record into one warning naming the
source and the URL.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.logformatter import LogFormatter

from crawlers.failures import describe_error

ROBOTS_LOGGER = "scrapy.downloadermiddlewares.robotstxt"


class QuietLogFormatter(LogFormatter):
    """Scrapy's log formatter without the per-page lines (``LOG_FORMATTER``)."""

    def crawled(self, request, response, spider):
        return None

    def scraped(self, item, response, spider):
        return None


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


_ROBOTS_FILTER = _RobotsInOneLine()


def quiet_failure_logs() -> None:
    """Install the filter (once per process)."""
    logger = logging.getLogger(ROBOTS_LOGGER)
    if _ROBOTS_FILTER not in logger.filters:
        logger.addFilter(_ROBOTS_FILTER)

"""The shared frontier: scrapy-redis's scheduler, with a seen-set that expires.

Any number of crawler processes, on any machines, take requests from one Redis
queue and skip what any of them has already asked for. scrapy-redis keeps that
seen-set forever when the queue persists, so a page that failed (a timeout, a
500) would never be asked for again; here the seen-set expires
``SHARED_FRONTIER_SEEN_TTL`` seconds after the last crawler leaves, so the
next night's run retries it. Pending requests stay: a run that was stopped
resumes where it was.
"""

from __future__ import annotations

from scrapy_redis.scheduler import Scheduler


class SharedFrontier(Scheduler):
    seen_ttl: int = 0

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.seen_ttl = crawler.settings.getint("SHARED_FRONTIER_SEEN_TTL")
        return scheduler

    def close(self, reason: str) -> None:
        super().close(reason)
        if self.persist and self.seen_ttl:
            self.server.expire(self.df.key, self.seen_ttl)

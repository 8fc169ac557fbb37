"""Scrapy settings: polite by default. veille's config overrides some per run."""

BOT_NAME = "veille"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

USER_AGENT = "veille/0.1 (news monitoring; +https://github.com/veille-news/veille)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

CONCURRENT_REQUESTS = 32
# What one response yields is handled by this many asyncio tasks. An article
# yields one page, a feed or sitemap requests that are only queued: Scrapy's
# 100 (tasks made and ended for every response) cost ~0.7 ms a page, a quarter
# of the crawl's CPU time on a fast site. One alone fed a sitemap's requests to
# the scheduler a few per turn of the event loop, too slowly to keep the
# downloader busy; four do.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0  # a run sets it to half of [crawl] concurrency_per_domain
# AutoThrottle with floors of its own (crawlers/throttle.py): a site's delay never
# goes under its source's, and a delay under this many seconds is not kept.
AUTOTHROTTLE_NEGLIGIBLE_DELAY = 0.01
EXTENSIONS = {"scrapy.extensions.throttle.AutoThrottle": None, "crawlers.throttle.SiteThrottle": 0}

# Internal answers are refused when connecting, except for the hosts in
# VEILLE_PRIVATE_HOSTS (set per run from the sources that allow their private network).
TWISTED_DNS_RESOLVER = "crawlers.resolver.GuardedResolver"
VEILLE_PRIVATE_HOSTS: list[str] = []

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10_000_000
DOWNLOAD_WARNSIZE = 5_000_000
REDIRECT_MAX_TIMES = 5

RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [408, 429, 500, 502, 503, 504, 522, 524]
RETRY_BACKOFF_BASE = 1.0  # seconds; doubled at each attempt
RETRY_BACKOFF_MAX = 60.0  # a longer Retry-After is not waited for
RETRY_GIVE_UP_LOG_LEVEL = "DEBUG"  # the spider logs each failed request once, with its source

DOWNLOADER_MIDDLEWARES = {
    "crawlers.middlewares.PrivateNetworkGuard": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.SourceRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {"crawlers.pipelines.WarehousePipeline": 300}

# With crawl.redis_url: how long the shared seen-set outlives the last crawler
# process (a failed page is asked for again by the next nightly run).
SHARED_FRONTIER_SEEN_TTL = 12 * 3600

# Pages are written to the warehouse together, one transaction a batch: a batch
# is written once it holds PAGE_BATCH_SIZE pages or PAGE_BATCH_BYTES of bodies,
# or once its first page has waited PAGE_BATCH_SECONDS ([crawl] batch_pages and
# batch_seconds in veille.toml set the first and the last).
PAGE_BATCH_SIZE = 500
PAGE_BATCH_BYTES = 32_000_000
PAGE_BATCH_SECONDS = 10.0
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawlers.logs.QuietLogFormatter"  # no log line per page

"""A crawl with the request guard switched off, so that only the DNS resolver
stands between the crawler and loopback: argv = registry, database, config."""

import json
import sys
from pathlib import Path

from core.config import load_config
from crawlers.run import run_crawl
from crawlers.sources import load_sources
from warehouse.store import Store

registry, db, config_file = (Path(arg) for arg in sys.argv[1:4])
config = load_config(config_file, db)
store = Store(db)
store.migrate()
summary = run_crawl(config.crawl, store, list(load_sources(registry).sources),
                    extra_settings={"DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.PrivateNetworkGuard": None}})
print(json.dumps(summary.errors))

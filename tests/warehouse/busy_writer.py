"""A writer that keeps the warehouse busy, as a long nightly run does.

Usage: python busy_writer.py DB SECONDS READY_FILE
It writes batches of pages for SECONDS, holding the file for each batch only.
"""

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

db, seconds, ready = Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])
store = Store(db)
deadline = time.monotonic() + seconds
batch = 0
while time.monotonic() < deadline:
    pages = [
        PageRecord(
            page_id=page_id_for(url), url=url, final_url=url, source="busy", status=200,
            content_type="text/html", charset="utf-8", headers={}, body=(b"<p>word </p>" * 2000),
            fetched_at=datetime.now(timezone.utc), origin="crawl",
        )
        for url in (f"https://example.org/{batch}/{i}" for i in range(200))
    ]
    store.save_pages(pages)
    batch += 1
    ready.touch()
print(batch)

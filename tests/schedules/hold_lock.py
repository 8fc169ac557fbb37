"""Hold the veille job lock. Usage: python hold_lock.py DATA_DIR READY_FILE [SECONDS]

Holds it until killed, or for SECONDS (as a nightly job that ends).
"""

import sys
import time
from pathlib import Path

from schedules.lock import job_lock

with job_lock(Path(sys.argv[1]), "test holder"):
    Path(sys.argv[2]).touch()
    time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 600)

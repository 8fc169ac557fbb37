"""Hold the veille job lock until killed. Usage: python hold_lock.py DATA_DIR READY_FILE"""

import sys
import time
from pathlib import Path

from schedules.lock import job_lock

with job_lock(Path(sys.argv[1]), "test holder"):
    Path(sys.argv[2]).touch()
    time.sleep(600)

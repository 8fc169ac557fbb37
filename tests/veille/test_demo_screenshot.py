"""scripts/demo_screenshot.py: the README's digest screenshot comes from the current demo."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo_screenshot.py"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed: the screenshot is not made")
def test_the_script_renders_the_demos_digest_down_to_its_end(tmp_path):
    out = tmp_path / "digest.png"
    made = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True,
                          timeout=900)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"wrote {out} (700×") and "veille-2026-W48.html" in made.stdout
    image = Image.open(out).convert("RGB")
    assert image.width == 700 and 1500 < image.height < 12000  # the whole digest, the blank window below cut
    pixels = np.asarray(image)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100  # text, charts and colours, not a blank page
    assert len(np.unique(pixels[-10:].reshape(-1, 3), axis=0)) == 1  # a blank margin ends it

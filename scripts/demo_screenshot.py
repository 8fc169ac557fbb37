"""Regenerate the README's digest screenshot (docs/demo-digest.png) from the current demo.

Runs `veille demo` in a temporary folder, opens the HTML preview of its digest
in headless Chromium at the width of an email client, and keeps the page down
to its last non-blank row. Run it again whenever the digest, the demo site or
the analysis changes what the demo's digest shows:

    .venv/bin/python scripts/demo_screenshot.py              # writes docs/demo-digest.png
    .venv/bin/python scripts/demo_screenshot.py --out x.png  # elsewhere

Needs Chromium (`apt-get install chromium fonts-noto-cjk`, as scripts/test-all does).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 700
"""Pixels: the width of the digest in a mail client's reading pane."""
TALLEST = 12000
"""Pixels: a window taller than the digest will ever be; the blank rows below it are cut off."""
MARGIN = 24
PALETTE = 256
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str:
    for name in BROWSERS:
        if found := shutil.which(name):
            return found
    sys.exit(f"demo_screenshot: no headless browser found ({', '.join(BROWSERS)}); "
             "install chromium and fonts-noto-cjk")


def run_demo(work: Path) -> Path:
    """The HTML preview of the demo's digest, built by `veille demo` in ``work``."""
    subprocess.run([sys.executable, "-m", "veille.cli", "demo", "--out", str(work / "demo")], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    (preview,) = sorted((work / "demo" / "digest").glob("veille-*.html"))
    return preview


def capture(preview: Path, work: Path) -> Image.Image:
    shot = work / "page.png"
    subprocess.run(
        [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--force-device-scale-factor=1", f"--user-data-dir={work / 'profile'}", f"--screenshot={shot}",
         f"--window-size={WIDTH},{TALLEST}", preview.as_uri()],
        check=True, capture_output=True, timeout=180,
    )
    return Image.open(shot).convert("RGB")


def trim(page: Image.Image) -> Image.Image:
    """The page down to its last row that differs from the background, and a margin."""
    background = Image.new("RGB", page.size, page.getpixel((page.width - 1, page.height - 1)))
    box = ImageChops.difference(page, background).getbbox()
    bottom = min(page.height, (box[3] if box else page.height) + MARGIN)
    return page.crop((0, 0, page.width, bottom))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "demo-digest.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veille-screenshot-") as folder:
        work = Path(folder)
        preview = run_demo(work)
        image = trim(capture(preview, work))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # 256 colours, not dithered: the text and charts stay sharp at a third of the size
    image.quantize(colors=PALETTE, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        args.out, optimize=True)
    print(f"wrote {args.out} ({image.width}×{image.height}) from {preview.name}")


if __name__ == "__main__":
    main()

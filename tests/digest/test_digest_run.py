import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digest.run import build_digest
from digest.send import DigestSendError
from core.config import DigestConfig
from core.errors import VeilleError

AFTER_THE_WEEK = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)  # Wednesday of 2026-W49
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def digest_config(tmp_path):
    return DigestConfig(sender="veille@example.org", recipients=["analyste@example.fr"], out_dir=tmp_path / "digests")


def test_preview_of_the_last_complete_week(db, digest_config, smtp_config, unused_port):
    outcome = build_digest(db, None, digest_config, smtp_config(unused_port), send=False, out_dir=None,
                           force=False, now=AFTER_THE_WEEK)
    assert str(outcome.week) == "2026-W48"
    assert outcome.subject == "veille — week 2026-W48: 7 articles, 3 languages"
    assert outcome.eml_path == digest_config.out_dir / "veille-2026-W48.eml"
    assert outcome.html_path.is_file() and outcome.sent is None
    assert str(outcome).splitlines() == [outcome.subject, f"wrote {outcome.eml_path} and veille-2026-W48.html"]


def test_send_once_then_force(db, digest_config, tmp_path, smtp_server, smtp_config, inbox):
    config = smtp_config(smtp_server(inbox))

    def run(**options):
        return build_digest(db, "2026-W48", digest_config, config, send=True, out_dir=tmp_path / "out",
                            now=AFTER_THE_WEEK, **options)

    first = run(force=False)
    assert first.sent.sent and first.eml_path.parent == tmp_path / "out"
    assert str(first).splitlines()[-1].startswith("sent the digest of week 2026-W48 to 1 recipient on ")
    again = run(force=False)
    assert not again.sent.sent and "already sent" in str(again)
    assert run(force=True).sent.sent
    assert len(inbox.received) == 2


def test_an_unfinished_week_is_not_sent(db, digest_config, smtp_config, unused_port):
    with pytest.raises(DigestSendError, match=r"week 2026-W49 is not over until 2026-12-07 00:00 UTC"):
        build_digest(db, "2026-W49", digest_config, smtp_config(unused_port), send=True, out_dir=None,
                     force=False, now=AFTER_THE_WEEK)


def test_a_bad_week_is_a_clear_error(db, digest_config, smtp_config, unused_port):
    with pytest.raises(VeilleError, match="expected YYYY-Www"):
        build_digest(db, "48", digest_config, smtp_config(unused_port), send=False, out_dir=None, force=False)


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed: the browser rendering is not checked")
def test_preview_renders_in_a_browser(db, digest_config, smtp_config, unused_port, tmp_path):
    outcome = build_digest(db, "2026-W48", digest_config, smtp_config(unused_port), send=False,
                           out_dir=None, force=False)
    screenshot = tmp_path / "preview.png"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={screenshot}", "--window-size=900,1400",
         outcome.html_path.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    pixels = np.asarray(Image.open(screenshot).convert("RGB")).reshape(-1, 3)
    assert len(np.unique(pixels, axis=0)) > 1
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)

"""The weekly job against a real SMTP server: which weeks it sends, and that it sends each once."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import duckdb
import pytest

from digest.send import DigestSendError
from schedules.weekly import run_weekly
from core.config import load_config

WEDNESDAY_W49 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
WEDNESDAY_W51 = datetime(2026, 12, 16, 9, 0, tzinfo=timezone.utc)
WEDNESDAY_W12 = datetime(2027, 3, 24, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def config(tmp_path, inbox, write_config):
    _, port = inbox
    path = write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1")
    return load_config(path, tmp_path / "data" / "veille.duckdb")


def recorded(config) -> list[str]:
    with duckdb.connect(str(config.db), read_only=True) as connection:
        return [row[0] for row in connection.execute("SELECT week FROM digests ORDER BY week").fetchall()]


def test_sends_the_last_complete_week_then_nothing_until_the_next(config, inbox):
    server, _ = inbox
    first = list(run_weekly(config, now=WEDNESDAY_W49))
    assert server.weeks == ["2026-W48"] and recorded(config) == ["2026-W48"]
    assert first[-1].startswith("weekly: done in ") and first[-1].endswith("1 digest sent (2026-W48)")
    assert "sent the digest of week 2026-W48 to 2 recipients" in first[0]
    again = list(run_weekly(config, now=WEDNESDAY_W49))
    assert again[-1].endswith("nothing due") and len(again) == 1
    assert server.weeks == ["2026-W48"]


def test_missed_weeks_are_caught_up_in_order_and_at_most_four(config, inbox):
    server, _ = inbox
    list(run_weekly(config, now=WEDNESDAY_W49))
    caught_up = list(run_weekly(config, now=WEDNESDAY_W51))  # W49 was missed
    assert caught_up[-1].endswith("2 digests sent (2026-W49, 2026-W50)")
    list(run_weekly(config, now=WEDNESDAY_W12))  # a long outage: only the 4 latest weeks go out
    assert server.weeks == ["2026-W48", "2026-W49", "2026-W50", "2027-W08", "2027-W09", "2027-W10", "2027-W11"]
    assert recorded(config) == sorted(server.weeks)


def test_a_server_down_records_nothing_and_the_next_run_sends_it(tmp_path, inbox, write_config, unused_port):
    server, port = inbox
    down = load_config(write_config("weekly.toml", port=unused_port, weekly_cron="0 7 * * 1"),
                       tmp_path / "data" / "veille.duckdb")
    with pytest.raises(DigestSendError, match=r"refused the connection.*gave up after 1 attempt"):
        list(run_weekly(down, now=WEDNESDAY_W49))
    assert recorded(down) == []
    up = load_config(write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1"), down.db)
    assert list(run_weekly(up, now=WEDNESDAY_W49))[-1].endswith("1 digest sent (2026-W48)")
    assert server.weeks == ["2026-W48"]


def zoned_config(tmp_path, write_config, port: int, zone: str):
    path = write_config("weekly.toml", port=port, weekly_cron="0 7 * * 1")
    with path.open("a") as file:
        file.write(f'timezone = "{zone}"\n')
    return load_config(path, tmp_path / "data" / "veille.duckdb")


SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_0700_SHANGHAI_W49 = datetime(2026, 11, 30, 7, 0, tzinfo=SHANGHAI)  # Sunday 23:00 UTC
MONDAY_0700_SHANGHAI_W50 = datetime(2026, 12, 7, 7, 0, tzinfo=SHANGHAI)


def test_a_monday_morning_weekly_east_of_utc_sends_the_week_that_just_ended_there(tmp_path, inbox, write_config):
    server, port = inbox
    config = zoned_config(tmp_path, write_config, port, "Asia/Shanghai")
    assert list(run_weekly(config, now=MONDAY_0700_SHANGHAI_W49))[-1].endswith("1 digest sent (2026-W48)")
    assert list(run_weekly(config, now=MONDAY_0700_SHANGHAI_W50))[-1].endswith("1 digest sent (2026-W49)")
    assert server.weeks == ["2026-W48", "2026-W49"]
    (plain,) = [part for part in server.messages[-1].walk() if part.get_content_type() == "text/plain"]
    assert "30 November – 6 December 2026" in plain.get_payload(decode=True).decode("utf-8")


def test_weeks_counted_in_utc_would_come_a_week_late_at_that_time(tmp_path, inbox, write_config):
    server, port = inbox
    config = zoned_config(tmp_path, write_config, port, "UTC")
    list(run_weekly(config, now=MONDAY_0700_SHANGHAI_W49))
    list(run_weekly(config, now=MONDAY_0700_SHANGHAI_W50))
    assert server.weeks == ["2026-W47", "2026-W48"]

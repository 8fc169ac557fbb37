"""``[schedule] alert``: a job that fails twice in a row mails the digest's sender, once."""

from __future__ import annotations

from core.config import load_config
from schedules.alert import alert_if_failing
from warehouse.store import Store


def test_the_second_failure_in_a_row_mails_the_sender_once(tmp_path, veille, write_config, inbox):
    server, port = inbox
    config = write_config("alert.toml", port=port, alert="true")
    base = ("--config", str(config), "--db", str(tmp_path / "data" / "veille.duckdb"))

    first = veille(*base, "weekly", cwd=tmp_path)
    assert first.returncode == 1 and "no recipients" in first.stderr
    assert server.messages == []

    second = veille(*base, "weekly", cwd=tmp_path)
    assert second.returncode == 1 and second.stderr.count("veille: error: no recipients") == 1
    assert "Traceback" not in second.stderr
    (mail,) = server.messages
    assert mail["From"] == mail["To"] == "veille@example.org"
    assert "the weekly job failed 2 times in a row" in mail["Subject"]
    body = mail.get_payload(decode=True).decode("utf-8")
    assert body.count("UTC: no recipients: set [digest] recipients in veille.toml") == 2
    assert "status" in body

    third = veille(*base, "weekly", cwd=tmp_path)
    assert third.returncode == 1
    assert len(server.messages) == 1  # not again for every later failure


def runs(store: Store, job: str, outcomes: str) -> None:
    for outcome in outcomes.split():
        store.finish_job_run(store.start_job_run(job), outcome, f"{job} {outcome}")


def test_a_success_starts_the_count_again_and_alerts_are_off_by_default(tmp_path, write_config, inbox):
    server, port = inbox
    store = Store(tmp_path / "data" / "veille.duckdb")
    store.migrate()
    on = load_config(write_config("alert.toml", port=port, alert="true"), db_path=store.path)

    runs(store, "weekly", "failed failed ok failed")
    runs(store, "nightly", "failed")
    assert not alert_if_failing(on, store, "weekly") and not alert_if_failing(on, store, "nightly")
    runs(store, "weekly", "interrupted failed")
    assert not alert_if_failing(on, store, "weekly")  # an interrupted run is no failure, nor a success
    runs(store, "weekly", "failed")
    assert alert_if_failing(on, store, "weekly")
    assert len(server.messages) == 1 and "weekly" in server.messages[0]["Subject"]

    off = load_config(write_config("alert.toml", port=port, alert="false"), db_path=store.path)
    runs(store, "nightly", "failed")
    assert not alert_if_failing(off, store, "nightly")
    assert len(server.messages) == 1

"""Crontab lines and systemd units with this installation's real paths."""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path
from string import Template

from veille.config import Config
from veille.errors import VeilleError

UNITS = ("veille-nightly.service", "veille-nightly.timer", "veille-weekly.service", "veille-weekly.timer")


def _values(config: Config) -> dict[str, str]:
    veille = shutil.which("veille") or str(Path(sys.executable).with_name("veille"))
    timing = config.schedule
    return {
        "veille": str(Path(veille).resolve()),
        "workdir": str(Path.cwd().resolve()),
        "db": str(config.db.resolve()),
        "config": str(config.config_file.resolve()) if config.config_file else str(Path("veille.toml").resolve()),
        "log_dir": str(config.data_dir),
        "nightly_cron": timing.nightly_cron,
        "weekly_cron": timing.weekly_cron,
        "nightly_calendar": timing.nightly_calendar,
        "weekly_calendar": timing.weekly_calendar,
    }


def crontab(config: Config) -> str:
    for job, expression in config.schedule.jobs.items():
        if len(expression.split()) != 5:
            raise VeilleError(f"[schedule] {job}_cron {expression!r} has a seconds field, which crontab lacks; "
                              "use five fields, or `veille schedule run`")
    template = resources.files("schedules").joinpath("crontab").read_text("utf-8")
    return Template(template).substitute(_values(config))


def systemd_units(config: Config) -> str:
    values = _values(config)
    parts = []
    for name in UNITS:
        text = resources.files("schedules").joinpath("systemd", name).read_text("utf-8")
        parts.append(f"# ---- /etc/systemd/system/{name}\n{Template(text).substitute(values)}")
    parts.append("# Then: systemctl daemon-reload && systemctl enable --now veille-nightly.timer veille-weekly.timer\n")
    return "\n".join(parts)

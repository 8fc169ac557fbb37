"""Crontab lines and systemd units with this installation's real paths.

What they run must work as cron and systemd run it: with a bare environment
(no PATH, no virtualenv activated, another working directory), so every path
is absolute and every variable the installation needs is written out. Their
times are read in ``[schedule] timezone`` (the host's by default), and the
output says which.
"""

from __future__ import annotations

import getpass
import grp
import os
import shlex
import sys
from importlib import resources
from pathlib import Path
from string import Template

from core.config import Config, host_zone_name
from core.errors import VeilleError

UNITS = ("veille-nightly.service", "veille-nightly.timer", "veille-weekly.service", "veille-weekly.timer")


def command() -> list[str]:
    """How to start this installation's ``veille``, from anywhere.

    The console script next to this interpreter when there is one (a virtualenv
    need not be activated to use it), else this interpreter with ``-m veille.cli``.
    The interpreter's path is kept as it is: resolving a virtualenv's symlink
    would leave the virtualenv.
    """
    interpreter = Path(sys.executable).absolute()
    script = interpreter.with_name("veille")
    return [str(script)] if script.is_file() else [str(interpreter), "-m", "veille.cli"]


def environment(config: Config) -> dict[str, str]:
    """The variables a job needs to find this warehouse, configuration and code."""
    variables = {"VEILLE_DB": str(config.db.absolute())}
    if config.config_file is not None:
        variables["VEILLE_CONFIG"] = str(config.config_file.absolute())
    if os.environ.get("PYTHONPATH"):
        parts = [str(Path(part).absolute()) for part in os.environ["PYTHONPATH"].split(os.pathsep) if part]
        variables["PYTHONPATH"] = os.pathsep.join(parts)
    return variables


def crontab(config: Config) -> str:
    """Crontab lines; each job appends its output to a log file in the data folder, rotated by veille."""
    for job, expression in config.schedule.jobs.items():
        if len(expression.split()) != 5:
            raise VeilleError(f"[schedule] {job}_cron {expression!r} has a seconds field, which crontab lacks; "
                              "use five fields, or `veille schedule run`")
    zone, host = config.schedule.zone_name, host_zone_name()
    if zone == host:
        zone_lines = f"# Times are in {zone}, the host's time zone ([schedule] timezone)."
    else:
        zone_lines = (f"# Times are in {zone} ([schedule] timezone); the host's zone is {host}. CRON_TZ needs a\n"
                      f"# cron that reads it (cronie does); with another, set [schedule] timezone = \"{host}\".\n"
                      f"CRON_TZ={zone}")
    start = " ".join(shlex.quote(part) for part in command())
    values = {
        "workdir": shlex.quote(str(Path.cwd())),
        "environment": "\n".join(f"{name}={value}" for name, value in environment(config).items()),
        "zone_lines": zone_lines,
        "nightly": f"{start} --log-file {shlex.quote(str(config.data_dir / 'nightly.log'))} nightly",
        "weekly": f"{start} --log-file {shlex.quote(str(config.data_dir / 'weekly.log'))} weekly",
        "nightly_cron": config.schedule.nightly_cron,
        "weekly_cron": config.schedule.weekly_cron,
    }
    template = resources.files("schedules").joinpath("crontab").read_text("utf-8")
    return Template(template).substitute(values)


def _systemd_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def systemd_units(config: Config) -> str:
    """Service and timer units: run as this user, hardened, output to the journal."""
    user = getpass.getuser()
    writable = dict.fromkeys([config.data_dir, config.digest.out_dir.absolute(), config.models.cache_dir.absolute(),
                              Path("~/.cache").expanduser()])
    values = {
        "user": user,
        "group": grp.getgrgid(os.getgid()).gr_name,
        "workdir": str(Path.cwd()),
        "environment": "\n".join(f"Environment={_systemd_quote(f'{name}={value}')}"
                                 for name, value in environment(config).items()),
        "start": " ".join(_systemd_quote(part) if " " in part else part for part in command()),
        "writable": " ".join(_systemd_quote(f"-{path}") for path in writable),
        "nightly_calendar": f"{config.schedule.nightly_calendar} {config.schedule.zone_name}",
        "weekly_calendar": f"{config.schedule.weekly_calendar} {config.schedule.zone_name}",
    }
    parts = [f"# Calendar times are in {config.schedule.zone_name} ([schedule] timezone); the jobs run as {user}\n"
             "# and log to the journal (journalctl -u veille-nightly -u veille-weekly).\n"]
    for name in UNITS:
        text = resources.files("schedules").joinpath("systemd", name).read_text("utf-8")
        parts.append(f"# ---- /etc/systemd/system/{name}\n{Template(text).substitute(values)}")
    parts.append("# Then: systemctl daemon-reload && systemctl enable --now veille-nightly.timer veille-weekly.timer\n")
    return "\n".join(parts)

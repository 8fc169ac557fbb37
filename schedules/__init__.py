"""Jobs and their timing: nightly and weekly jobs under a lock, cron and systemd units, a runner."""

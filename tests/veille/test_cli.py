import subprocess
import sys
from pathlib import Path

import click

from veille.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "veille"):
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            yield from commands(command, path)
        else:
            yield path, command


def test_every_command_is_documented_with_an_example():
    found = list(commands(main))
    assert len(found) >= 15
    for path, command in found:
        assert f"`{path}" in README, f"{path} is missing from the README"
        assert "Example" in (command.help or ""), f"{path} --help has no example"


def test_help_does_not_import_the_heavy_libraries():
    probe = (
        "import sys; from click.testing import CliRunner; from veille.cli import main; "
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0, r.output; "
        "heavy = [m for m in ('torch', 'spacy', 'scrapy', 'sentence_transformers', 'duckdb', 'trafilatura') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""

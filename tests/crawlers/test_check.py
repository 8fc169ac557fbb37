"""`veille sources check` against a local server: one status line per feed and sitemap."""

from __future__ import annotations

from pathlib import Path

HOSTILE = Path(__file__).with_name("data") / "hostile"


def test_check_reports_each_feeds_status(hostile, tmp_path, cli):
    registry = tmp_path / "sources.toml"
    registry.write_bytes(hostile.substitute((HOSTILE / "check-sources.toml").read_bytes()))
    result = cli("--config", str(HOSTILE / "veille.toml"), "sources", "check", "--sources", str(registry), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{registry}: 2 sources, valid"
    status = {(line.split()[0], line.split()[-1].removeprefix(hostile.base_url)): " ".join(line.split()[2:-1])
              for line in lines[1:]}
    assert status == {
        ("hostile", "/feed.xml"): "ok, 17 entries",
        ("hostile", "/malformed.xml"): status[("hostile", "/malformed.xml")],
        ("hostile", "/laughs.xml"): "malformed: the document declares XML entities, which are refused",
        ("hostile", "/broken.html"): "HTTP 500",
        ("hostile", "/metadata.html"): "refused: redirect to 169.254.169.254, an internal address",
        ("hostile", "/news-sitemap.xml"): "ok, 2 entries",
        ("planted", "/feed.xml"): "refused: 127.0.0.1 is an internal address",
    }
    assert status[("hostile", "/malformed.xml")].startswith("malformed: not well-formed XML")
    assert hostile.paths().count("/feed.xml") == 1  # the source that does not allow loopback sent nothing
    assert {hit.headers["User-Agent"] for hit in hostile.hits} == {
        "veille/0.1 (news monitoring; +https://veille.example.org/crawler-contact)"}

"""`veille sources check` against a local server: one status line per feed and sitemap."""

from __future__ import annotations

from pathlib import Path

HOSTILE = Path(__file__).with_name("data") / "hostile"
GUARD = Path(__file__).with_name("data") / "guard"


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


def test_check_refuses_every_redirect_hop_to_an_internal_address(tmp_path, cli, hostile_server_class):
    with hostile_server_class(GUARD, GUARD / "routes.toml") as server:
        registry = tmp_path / "sources.toml"
        registry.write_bytes(server.substitute((GUARD / "check-sources.toml").read_bytes()))
        result = cli("--config", str(GUARD / "veille.toml"), "sources", "check", "--sources", str(registry),
                     cwd=tmp_path)
        paths = server.paths()
    assert result.returncode == 0, result.stderr
    status = {line.split()[-1].removeprefix(server.base_url): " ".join(line.split()[2:-1])
              for line in result.stdout.splitlines()[1:]}
    assert status == {
        "/hop1.html": "refused: redirect to 169.254.169.254, an internal address",
        "/to-localhost.html": status["/to-localhost.html"],
        "/to-decimal.html": "refused: redirect to 2130706433 (127.0.0.1), an internal address",
        "/to-mapped.html": "refused: redirect to ::ffff:127.0.0.1 (::ffff:7f00:1), an internal address",
        "/open-feed.xml": "ok, 5 entries",
        "/guarded-feed.xml": "refused: 127.0.0.1 is an internal address",
    }
    assert status["/to-localhost.html"].startswith("refused: redirect to localhost (")
    assert sorted(paths) == sorted(["/hop1.html", "/hop2.html", "/hop3.html", "/to-localhost.html",
                                    "/to-decimal.html", "/to-mapped.html", "/open-feed.xml"])

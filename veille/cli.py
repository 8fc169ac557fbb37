"""The command line: every veille command.

Heavy libraries (Scrapy, spaCy, torch) are imported inside the commands that
use them, so that ``veille --help`` answers at once.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import click

from core.errors import VeilleError
from veille import __version__

# Exit statuses; an expected failure (a VeilleError) prints one line on stderr, no traceback.
EXIT_FAILURE = 1


def _fail(message: str, code: int = EXIT_FAILURE) -> None:
    click.echo(f"veille: error: {message}", err=True)
    sys.exit(code)


class _Commands(click.Group):
    """The command group that turns every expected failure (a ``VeilleError``) into one line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except VeilleError as error:
            _fail(" ".join(str(error).split()) or type(error).__name__, error.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; the warehouse is consistent and the next run resumes", 130)


def _configure_logging(verbose: bool) -> None:
    """veille's own INFO lines, and other libraries' warnings (everything with -v).

    The filter sits on the handler, not on logger levels, because Scrapy resets
    logger levels when a crawl starts.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not verbose:
        handler.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.split(".")[0] in {"veille", "core"})
    logging.root.addHandler(handler)
    logging.root.setLevel(logging.DEBUG if verbose else logging.INFO)


class Context:
    """The options shared by every command, and the configuration read once."""

    def __init__(self, db: Path | None, config_path: Path | None, verbose: bool) -> None:
        self.db = db
        self.config_path = config_path
        self.verbose = verbose

    @functools.cached_property
    def config(self):
        from core.config import load_config

        return load_config(self.config_path, self.db)


pass_context = click.make_pass_decorator(Context)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", type=click.Path(path_type=Path),
              help="Warehouse file [env VEILLE_DB; default data/veille.duckdb].")
@click.option("--config", "config_path", type=click.Path(path_type=Path),
              help="Configuration file [env VEILLE_CONFIG; default veille.toml, optional].")
@click.option("-v", "--verbose", is_flag=True, help="Log more (library logs included).")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Append all output to FILE, rotated past 5 MB (scheduled jobs use it).")
@click.version_option(__version__, prog_name="veille")
@click.pass_context
def main(ctx: click.Context, db: Path | None, config_path: Path | None, verbose: bool, log_file: Path | None) -> None:
    """veille: monitor how the French, English and Chinese press covers AI open-sourcing.

    \b
    Start with:  veille demo          (the whole pipeline, offline, on a bundled site)
    Every day:   veille nightly       (crawl + process + cluster)
    Every week:  veille weekly        (the digest of the last complete week, sent once)
    Explore:     veille query "SELECT language, count(*) FROM articles GROUP BY ALL"
    """
    if log_file is not None:
        from core.logfile import send_output_to

        try:
            send_output_to(log_file, sys.argv[1:])
        except OSError as error:
            _fail(f"cannot write the log file {log_file}: {error.strerror}")
    ctx.obj = Context(db, config_path, verbose)
    _configure_logging(verbose)


@main.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the warehouse (and apply new migrations); safe to run again.

    \b
    Example:
      veille --db data/veille.duckdb init
    """
    from warehouse.store import Store

    config = ctx.config
    applied = Store(config.db).migrate()
    click.echo(f"warehouse {config.db}: " + (f"applied {', '.join(applied)}" if applied else "up to date"))


def _parse_date(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=timezone.utc)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-01") from None


@main.command()
@click.option("--source", "source_names", multiple=True, metavar="NAME", help="Crawl only this source (repeatable).")
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), help="Use this source registry file.")
@click.option("--since", metavar="DATE", help="Skip feed and sitemap entries published before DATE (YYYY-MM-DD).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after storing N article pages.")
@pass_context
def crawl(ctx: Context, source_names: tuple[str, ...], sources_file: Path | None, since: str | None,
          max_pages: int | None) -> None:
    """Fetch new articles from the sources' feeds, sitemaps and listing pages.

    \b
    Examples:
      veille crawl
      veille crawl --source numerama --source 36kr --since 2026-11-01
      veille crawl --sources my-sources.toml --max-pages 200
    """
    from pipeline.crawl import crawl_stage

    summary = crawl_stage(ctx.config, list(source_names), sources_file, _parse_date(since), max_pages)
    click.echo(summary.line())
    if summary.every_source_failed:
        sys.exit(EXIT_FAILURE)


@main.command()
@click.option("--reprocess", is_flag=True, help="Redo every page, not only new or out-of-date ones.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where pages are analysed: this machine's process pool, or a Ray cluster.")
@click.option("--address", metavar="HOST:PORT",
              help="The head node of a running Ray cluster (with --engine ray); without it a local one is started.")
@pass_context
def process(ctx: Context, reprocess: bool, engine: str, address: str | None) -> None:
    """Extract articles from stored pages; find languages, relevance, stories, entities, passages.

    With --engine ray the analysis runs on Ray actors that keep their models
    loaded; results come back as Parquet shards that this process alone loads
    into the warehouse (a rerun after a failure loads nothing twice).

    \b
    Examples:
      veille process
      veille process --reprocess
      veille process --engine ray
      veille process --engine ray --address 10.0.0.5:6379
    """
    from pipeline.process import process_stage

    if address is not None and engine != "ray":
        raise click.UsageError("--address goes with --engine ray")
    click.echo(process_stage(ctx.config, reprocess=reprocess, engine=engine, address=address).line())


@main.command()
@click.argument("archives", nargs=-1, required=True, metavar="WARC...")
@click.option("--source", default="cc-news", show_default=True, metavar="NAME",
              help="The source recorded for pages whose host is not in the source registry.")
@click.option("--batch-records", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Records read between two commits (a killed run resumes at the last one).")
@click.option("--no-prefilter", is_flag=True, help="Store every HTML page, in scope or not.")
@pass_context
def backfill(ctx: Context, archives: tuple[str, ...], source: str, batch_records: int, no_prefilter: bool) -> None:
    """Store pages from WARC archives (Common Crawl News .warc.gz files, paths or globs), prefiltered.

    Only HTML responses that can be in scope are kept: a host of the source
    registry, or a page that names both AI and the topic (its terms, the labs
    and models of the knowledge base), in a language of the watch. A killed run resumes where it
    stopped; a file read to its end is not read again. Run `veille process`
    afterwards to analyse the new pages (`--engine ray` to do it on a Ray
    cluster: backfill itself only stores). The exit status is 1 when a file is
    not a WARC archive.

    \b
    Examples:
      veille backfill CC-NEWS-20240101000000-00001.warc.gz
      veille backfill 'archives/2024/01/*.warc.gz' && veille process
    """
    from pipeline.backfill import backfill_stage

    summary = backfill_stage(ctx.config, list(archives), source=source, batch_records=batch_records,
                             prefilter=not no_prefilter)
    click.echo(summary.line())
    if summary.refused:
        sys.exit(EXIT_FAILURE)


@main.command()
@pass_context
def cluster(ctx: Context) -> None:
    """Assign stance passages to stance clusters (seeded taxonomy plus emergent clusters).

    \b
    Example:
      veille cluster
    """
    from pipeline.cluster import cluster_stage

    click.echo(cluster_stage(ctx.config).line())


@main.command()
@pass_context
def nightly(ctx: Context) -> None:
    """Crawl, process and cluster, under a lock (a second run at the same time exits at once).

    \b
    Example:
      veille nightly
    """
    from schedules.nightly import run_nightly

    for line in run_nightly(ctx.config):
        click.echo(line)


@main.command()
@pass_context
def weekly(ctx: Context) -> None:
    """Send the digest of the last complete week (and any missed week), under a lock.

    \b
    Example:
      veille weekly
    """
    from schedules.weekly import run_weekly

    for line in run_weekly(ctx.config):
        click.echo(line)


def _parse_moment(value: str | None, zone) -> datetime | None:
    """A date (midnight) or an ISO 8601 date and time; without a UTC offset, in ``zone``."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-20 or a time like "
                                 "2026-11-20T14:30+01:00", param_hint="--published") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def _check_language(value: str | None) -> str | None:
    from core.languages import registry

    languages = registry()
    if value is None or value in languages:
        return value
    others = ", ".join(code for code in languages.codes if code not in languages.analysed)
    raise click.BadParameter(f"{value!r} is not a language veille knows: give {', '.join(languages.analysed)} "
                             f"(analysed) or {others} (stored only)", param_hint="--language")


@main.command()
@click.argument("paths", nargs=-1, required=False, metavar="PATH_OR_URL...")
@click.option("--url", help="The article URL to record (one file only).")
@click.option("--language", metavar="xx", help="The documents' language, an ISO 639-1 code (detected when not given).")
@click.option("--title", help="The title (one document only; otherwise extracted).")
@click.option("--published", metavar="WHEN",
              help="The publication date or time (2026-11-20, 2026-11-20T14:30+01:00; [schedule] timezone "
                   "when no offset is given).")
@pass_context
def ingest(ctx: Context, paths: tuple[str, ...], url: str | None, language: str | None, title: str | None,
           published: str | None) -> None:
    """Add documents by hand (HTML or plain-text files, or http(s) URLs) and process them.

    Files that are not HTML or plain text (programs, archives, images, PDFs) are
    refused with the reason; a document already stored unchanged is skipped.
    The exit status is 1 when any input was refused.

    \b
    Examples:
      veille ingest saved/article.html
      veille ingest note.txt --url https://example.org/a --language fr --published 2026-11-20T09:30+01:00
      veille ingest https://www.example.com/news/open-weights.html
    """
    from pipeline.ingest import ingest_stage

    if not paths:
        raise click.UsageError("give at least one file or URL")
    if (url or title) and len(paths) != 1:
        raise click.UsageError("--url and --title apply to one document only")
    language = _check_language(language)
    when = _parse_moment(published, ctx.config.schedule.zone)
    summary = ingest_stage(ctx.config, list(paths), url=url, language=language, title=title, published=when)
    click.echo(str(summary))
    if summary.refused:
        sys.exit(EXIT_FAILURE)


@main.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "parquet"]), default="table",
              show_default=True)
@click.option("--output", type=click.Path(path_type=Path), help="Write to FILE instead of the terminal.")
@click.option("--wide", is_flag=True, help="Show long values whole in a table (they are cut at 60 characters).")
@pass_context
def query(ctx: Context, sql: str, fmt: str, output: Path | None, wide: bool) -> None:
    """Run one read-only SQL query against the warehouse.

    \b
    Examples:
      veille query "SELECT language, count(*) AS n FROM articles GROUP BY ALL"
      veille query "FROM stance_clusters" --format json
      veille query "FROM mentions" --format parquet --output mentions.parquet
      veille query "SELECT title, url FROM articles LIMIT 5" --wide
    """
    from warehouse.query import render, run_query

    config = ctx.config
    result = run_query(config.db, sql, config.data_dir)
    text = render(result, fmt, output, wide=wide)
    if text is not None:
        click.echo(text)
    else:
        click.echo(f"{len(result.rows)} rows written to {output}", err=True)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), metavar="DIR")
@pass_context
def export(ctx: Context, directory: Path) -> None:
    """Write the warehouse as Parquet for other engines, partitioned by ISO week and language.

    DIR gets one folder per table (articles, mentions, stances, entities,
    entity_aliases), each replaced by a new export; the first three in the Hive
    layout (week=2026-W48/language=fr/), which DuckDB, Polars and Spark read as-is.

    \b
    Examples:
      veille export exports/
      duckdb -c "FROM read_parquet('exports/articles/**/*.parquet', hive_partitioning = true) LIMIT 5"
    """
    from pipeline.export import export_stage

    click.echo(export_stage(ctx.config, directory))


@main.command()
@click.argument("article")
@pass_context
def explain(ctx: Context, article: str) -> None:
    """Why ARTICLE (an id or a url) is relevant, which stances it takes, and its story.

    \b
    Example:
      veille explain https://example.org/2026/11/deepseek-censorship
    """
    from pipeline.explain import explain_article

    click.echo(explain_article(ctx.config, article))


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--check", is_flag=True,
              help="Exit 1 when a job's last run failed or a source failed 3 crawl runs in a row (for monitoring).")
@pass_context
def status(ctx: Context, fmt: str, check: bool) -> None:
    """Show the jobs' last runs, each source's health, and the warehouse's size and freshness.

    \b
    Examples:
      veille status
      veille status --format json
      veille status --check || notify-admin
    """
    import json

    from pipeline.status import gather_status, status_lines

    report = gather_status(ctx.config)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo("\n".join(status_lines(report)))
    if check and (problems := report.problems()):
        if fmt == "text":
            click.echo(f"check: {'; '.join(problems)}", err=True)
        sys.exit(EXIT_FAILURE)


@main.command()
@click.option("--week", metavar="YYYY-Www", help="The ISO week (default: the last complete week).")
@click.option("--send", is_flag=True, help="Send it by SMTP to the configured recipients.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), help="Write the .eml and .html preview here.")
@click.option("--force", is_flag=True, help="Send even if this week already went to this list.")
@pass_context
def digest(ctx: Context, week: str | None, send: bool, out_dir: Path | None, force: bool) -> None:
    """Build the weekly digest email; write it to a folder and/or send it.

    \b
    Examples:
      veille digest --week 2026-W48 --out digests/
      veille digest --send
    """
    from digest.run import build_digest
    from warehouse.store import Store

    config = ctx.config
    Store(config.db).migrate()
    outcome = build_digest(config.db, week, config.digest, config.smtp, send=send, out_dir=out_dir, force=force,
                           zone=config.schedule.zone)
    click.echo(str(outcome))


@main.group()
def schedule() -> None:
    """Run or install the nightly and weekly jobs."""


@schedule.command("run")
@click.option("--max-runs", type=click.IntRange(min=1), help="Stop after N job runs (default: never).")
@pass_context
def schedule_run(ctx: Context, max_runs: int | None) -> None:
    """Run both jobs in the foreground on their cron schedules ([schedule] in veille.toml), logging each run.

    \b
    Examples:
      veille schedule run
      veille schedule run --max-runs 1
    """
    from schedules.runner import run_forever

    runs = run_forever(ctx.config, max_runs=max_runs)
    click.echo(f"schedule: stopped after {runs} job run{'s' if runs != 1 else ''}")


@schedule.command("cron")
@pass_context
def schedule_cron(ctx: Context) -> None:
    """Print crontab lines for this installation.

    \b
    Example:
      veille schedule cron | crontab -
    """
    from schedules.install import crontab

    click.echo(crontab(ctx.config), nl=False)


@schedule.command("systemd")
@pass_context
def schedule_systemd(ctx: Context) -> None:
    """Print systemd service and timer units for this installation.

    \b
    Example:
      veille schedule systemd
    """
    from schedules.install import systemd_units

    click.echo(systemd_units(ctx.config), nl=False)


@main.group()
def entities() -> None:
    """Look at what the entity matcher found beyond the knowledge base."""


@entities.command("candidates")
@click.option("--min-count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only names seen in at least N articles.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@pass_context
def entities_candidates(ctx: Context, min_count: int, fmt: str) -> None:
    """List model-like names the knowledge base does not know yet, most seen first.

    Each comes with the number of articles and mentions, first and last seen (by
    publication date) and example sentences, for a curator to add to the knowledge base.

    \b
    Examples:
      veille entities candidates
      veille entities candidates --min-count 3 --format json
    """
    import json

    from warehouse.store import Store

    store = Store(ctx.config.db)
    store.migrate()
    rows = store.entity_candidates(min_count)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        click.echo(f"no candidate names seen in {min_count} article(s) or more", err=True)
        return
    click.echo(f"{'name':28} {'lang':4} {'articles':>8} {'mentions':>8}  {'first seen':10}  {'last seen':10}  example")
    for row in rows:
        first, last = (f"{row[key]:%Y-%m-%d}" if row[key] else "--" for key in ("first_seen", "last_seen"))
        example = " ".join((row["examples"] or [""])[0].split())
        click.echo(f"{row['surface'][:28]:28} {row['language']:4} {row['articles']:>8} {row['mentions']:>8}  "
                   f"{first:10}  {last:10}  {example[:80]}")


@main.group()
def sources() -> None:
    """Show or check the source registry."""


def _registry(ctx: Context, sources_file: Path | None):
    from crawlers.sources import load_sources

    return load_sources(sources_file or ctx.config.crawl.sources)


@sources.command("list")
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), help="A registry file to show.")
@pass_context
def sources_list(ctx: Context, sources_file: Path | None) -> None:
    """List the sources: name, language, country, kinds, homepage.

    \b
    Example:
      veille sources list
    """
    registry = _registry(ctx, sources_file)
    for source in registry.sources:
        click.echo(f"{source.name:24} {source.language}  {source.country or '--'}  "
                   f"{'+'.join(source.kinds):20} {source.homepage}")
    click.echo(f"({len(registry.sources)} sources from {registry.origin})")


@sources.command("check")
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), help="A registry file to check.")
@click.option("--offline", is_flag=True, help="Only validate the file; do not fetch feeds.")
@pass_context
def sources_check(ctx: Context, sources_file: Path | None, offline: bool) -> None:
    """Validate the registry and, when the network is reachable, fetch each feed once.

    \b
    Example:
      veille sources check --sources my-sources.toml
    """
    from crawlers.check import check_feeds

    registry = _registry(ctx, sources_file)
    click.echo(f"{registry.origin}: {len(registry.sources)} sources, valid")
    if not offline:
        for line in check_feeds(registry, ctx.config.crawl):
            click.echo(line)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback; give 0.0.0.0 to let other machines in).")
@click.option("--port", type=click.IntRange(1, 65535), default=8750, show_default=True, help="Port to listen on.")
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve a read-only web app over the warehouse: charts, stances, entities, stories, search.

    \b
    Example:
      veille --db data/demo/veille.duckdb serve      (then open http://127.0.0.1:8750/)
    """
    from web.server import serve as run_server

    config = ctx.config
    click.echo(f"veille serve: http://{host}:{port}/ over {config.db} (read-only; Ctrl-C stops)")
    run_server(config.db, config.models.embedding, config.models.cache_dir, host=host, port=port)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("data/demo"), show_default=True,
              help="Folder for the demo's database and digest.")
@pass_context
def demo(ctx: Context, out_dir: Path) -> None:
    """Run the whole pipeline offline on the bundled demo news site.

    \b
    Example:
      veille demo
    """
    from veille.demo import run_demo

    explicit_db = ctx.db or (Path(os.environ["VEILLE_DB"]) if os.environ.get("VEILLE_DB") else None)
    for line in run_demo(ctx.config, out_dir, db=explicit_db):
        click.echo(line)


if __name__ == "__main__":
    main()

"""The Starlette application behind ``veille serve``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nlp.errors import ModelUnavailableError
from warehouse.db import WarehouseError
from web import pages
from web.filters import FilterError, Filters, read_filters
from web.meaning import MeaningSearch
from web.reads import Reader
from web.warmup import WarmUp

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    # Scripts only from the app itself; Observable Plot writes a <style> into each chart, hence
    # inline styles (never inline scripts).
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}
CSV_QUERIES = {
    "web_articles_per_day", "web_articles_per_source", "web_top_entities_week", "web_stance_shares",
    "web_stances", "web_stance_entities", "web_stance_passages", "web_entities", "web_entity_aliases",
    "web_entity_weekly", "web_entity_candidates", "web_stories", "web_story_articles", "web_article_search",
    "web_passage_search", "web_article_mentions", "web_article_passages",
}


class SecurityHeaders:
    """Adds the content security policy and its companions to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(db: Path, encoder_name: str, cache_dir: Path | None = None, *, warm_up: bool = False) -> ASGIApp:
    """The app over the warehouse at ``db``; ``encoder_name`` encodes searches by meaning.

    With ``warm_up``, a background thread makes the menu pages ready whenever the
    file has changed and then stayed quiet (:mod:`web.warmup`).
    """
    reader = Reader(db)
    meaning = MeaningSearch(encoder_name, cache_dir)
    if warm_up:
        WarmUp(reader, meaning).start()
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                     undefined=jinja2.StrictUndefined)
    environment.filters["plainjson"] = lambda value: json.dumps(value, default=str, ensure_ascii=False)
    templates = Jinja2Templates(env=environment)

    def page(template: str, build: Callable[..., dict[str, Any] | None], *, title: str) -> Callable:
        def endpoint(request: Request) -> Response:
            try:
                filters = read_filters(request.query_params)
            except FilterError as error:
                return _error(templates, request, 400, str(error))
            try:
                with reader.session() as session:
                    context = build(session, filters, request)
            except (WarehouseError, ModelUnavailableError) as error:
                return _error(templates, request, 503, str(error))
            if context is None:
                return _error(templates, request, 404, "nothing here by that name")
            return templates.TemplateResponse(request, template, {
                "title": title, "filters": filters, "path": request.url.path, **context})
        return endpoint

    def articles(session, filters: Filters, request: Request) -> dict[str, Any]:
        return pages.articles(session, filters, meaning)

    def article(session, filters: Filters, request: Request) -> dict[str, Any] | None:
        return pages.article(session, request.path_params["article_id"])

    def csv_download(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in CSV_QUERIES:
            return Response(f"no table named {name}\n", status_code=404, media_type="text/plain")
        try:
            filters = read_filters(request.query_params)
        except FilterError as error:
            return Response(f"{error}\n", status_code=400, media_type="text/plain")
        extra: dict[str, Any] = {}
        if name == "web_passage_search" and not filters.meaning:
            return Response("give meaning=… to search by meaning\n", status_code=400, media_type="text/plain")
        try:
            if name == "web_passage_search" and filters.meaning:
                extra["vector"], extra["model_id"] = meaning.encode(filters.meaning)
            with reader.session() as session:
                table = session.table(name, {**filters.params(), **extra})
        except (WarehouseError, ModelUnavailableError) as error:
            return Response(f"{error}\n", status_code=503, media_type="text/plain")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name.removeprefix("web_")}.csv"'})

    routes = [
        Route("/", page("overview.html", lambda s, f, r: pages.overview(s, f), title="Overview")),
        Route("/stances", page("stances.html", lambda s, f, r: pages.stances(s, f), title="Stances")),
        Route("/entities", page("entities.html", lambda s, f, r: pages.entities(s, f), title="Entities")),
        Route("/stories", page("stories.html", lambda s, f, r: pages.stories(s, f), title="Stories")),
        Route("/articles", page("articles.html", articles, title="Articles")),
        Route("/article/{article_id}", page("article.html", article, title="Article")),
        Route("/csv/{name}.csv", csv_download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return SecurityHeaders(Starlette(routes=routes))


def _error(templates: Jinja2Templates, request: Request, status: int, message: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "error.html", {
        "title": "Error", "message": message, "status": status, "filters": Filters(), "path": request.url.path},
        status_code=status)

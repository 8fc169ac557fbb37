"""The digest as an email: text and HTML alternatives, charts inline by Content-ID.

Structure::

    multipart/alternative
    ├── text/plain
    └── multipart/related
        ├── text/html          (<img src="cid:...">)
        └── image/png ...

Both text parts are quoted-printable, so the message is 7-bit clean and any
SMTP server relays it unchanged.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from digest import formats
from digest.charts import entity_chart, stance_chart
from digest.data import DigestData

WEEK_HEADER = "X-Veille-Week"


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("digest", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        day=formats.day,
        period=formats.period,
        percent=formats.percent,
        change=formats.change,
        language=formats.language_name,
        plural=formats.plural,
    )
    # Only web links become <a href>: a javascript: or file: URL stays text.
    environment.tests["web_url"] = lambda url: isinstance(url, str) and url.startswith(("https://", "http://"))
    return environment


def subject(data: DigestData) -> str:
    """``veille — week 2026-W48: 37 articles, 3 languages`` (relevant articles and their languages)."""
    relevant = data.headline.relevant
    if not relevant:
        return f"veille — week {data.week}: no relevant articles"
    languages = len(data.headline.relevant_languages)
    counts = f"{formats.plural(relevant, 'article')}, {formats.plural(languages, 'language')}"
    return f"veille — week {data.week}: {counts}"


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def compose(
    data: DigestData, sender: str, recipients: Sequence[str], *, now: datetime | None = None
) -> EmailMessage:
    domain = _domain(sender)
    pngs = {
        name: png
        for name, png in (
            ("stances", stance_chart(data.stances)),
            ("entities", entity_chart(data.labs, data.models)),
        )
        if png is not None
    }
    content_ids = {name: make_msgid(domain=domain) for name in pngs}
    context = {
        "data": data,
        "subject": subject(data),
        "charts": {name: cid.strip("<>") for name, cid in content_ids.items()},
    }
    environment = _environment()
    text = environment.get_template("digest.txt.j2").render(context)
    html = environment.get_template("digest.html.j2").render(context)

    message = EmailMessage()
    message["Subject"] = context["subject"]
    message["From"] = sender
    if recipients:
        message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now or datetime.now(timezone.utc))
    message["Message-ID"] = make_msgid(domain=domain)
    message[WEEK_HEADER] = str(data.week)
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = list(message.iter_parts())[1]
    for name, png in pngs.items():
        html_part.add_related(
            png, maintype="image", subtype="png", cid=content_ids[name], filename=f"{name}.png", disposition="inline"
        )
    return message


def preview_html(message: EmailMessage) -> str:
    """The HTML part with every ``cid:`` image replaced by a ``data:`` URI, for a browser."""
    html_part = message.get_body(preferencelist=("html",))
    if html_part is None:
        raise ValueError("the message has no HTML part")
    html = html_part.get_content()
    for part in message.walk():
        content_id = part.get("Content-ID")
        if content_id and part.get_content_maintype() == "image":
            encoded = base64.b64encode(part.get_content()).decode("ascii")
            html = html.replace(f"cid:{content_id.strip('<>')}", f"data:{part.get_content_type()};base64,{encoded}")
    return html


def write_preview(message: EmailMessage, out_dir: Path) -> tuple[Path, Path]:
    """Write ``veille-<week>.eml`` (the message as sent) and ``veille-<week>.html`` (for a browser)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"veille-{message.get(WEEK_HEADER, 'digest')}"
    eml_path = out_dir / f"{stem}.eml"
    html_path = out_dir / f"{stem}.html"
    eml_path.write_bytes(message.as_bytes())
    html_path.write_text(preview_html(message), encoding="utf-8")
    return eml_path, html_path

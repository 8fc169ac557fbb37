import dataclasses
import email
import io
import re
import warnings
from email import policy

import pytest
from PIL import Image

from digest import charts
from digest.compose import compose, write_preview
from digest.data import gather
from digest.weeks import IsoWeek
from warehouse.store import Store

SENDER = "veille <veille@example.org>"
RECIPIENTS = ["analyste@example.fr", "editor@example.org"]


def parsed(message):
    """The message as a mail client gets it."""
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)


@pytest.fixture
def received(data):
    return parsed(compose(data, SENDER, RECIPIENTS))


def test_structure_alternative_text_then_related_html_with_inline_pngs(received):
    assert received.get_content_type() == "multipart/alternative"
    plain, related = received.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert [image.get_content_type() for image in images] == ["image/png", "image/png"]
    html = html_part.get_content()
    for image in images:
        assert image.get_content_disposition() == "inline"
        assert image.get_content().startswith(b"\x89PNG\r\n\x1a\n")
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html


def test_headers(received):
    assert received["Subject"] == "veille — week 2026-W48: 7 articles, 3 languages"
    assert [a.addr_spec for a in received["To"].addresses] == RECIPIENTS
    assert received["From"].addresses[0].addr_spec == "veille@example.org"
    assert re.fullmatch(r"<[^@>]+@example\.org>", received["Message-ID"])
    assert received["Date"].datetime is not None


def test_message_is_seven_bit_on_the_wire(data):
    raw = compose(data, SENDER, RECIPIENTS).as_bytes()
    assert max(raw) < 128
    assert b"Subject: veille =?utf-8?" in raw


def test_french_and_chinese_titles_survive(received):
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "DeepSeek publie les poids de V4 : « une stratégie d'influence »" in text
    assert "DeepSeek publie les poids de V4 : « une stratégie d&#39;influence »" in html
    for title in ("深度求索开源V4模型权重", "月之暗面发布Kimi K3开放权重"):
        assert title in text and title in html
    assert 'lang="zh"' in html and "souveraineté" in html


def test_titles_are_escaped_in_html(received):
    html = received.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; open models" in html
    assert "<script>alert(1)</script> & open models" in received.get_body(("plain",)).get_content()


def test_only_web_urls_become_links(data):
    story = data.stories[2]
    hostile = dataclasses.replace(story.versions[0], url="javascript:alert(1)")
    data = dataclasses.replace(data, stories=(dataclasses.replace(story, versions=(hostile,)),))
    html = parsed(compose(data, SENDER, RECIPIENTS)).get_body(("html",)).get_content()
    assert 'href="javascript:' not in html


def test_a_quiet_week_reads_well(empty_db, week):
    received = parsed(compose(gather(Store(empty_db), week), SENDER, RECIPIENTS))
    assert received["Subject"] == "veille — week 2026-W48: no relevant articles"
    assert [p.get_content_type() for p in received.walk()] == ["multipart/alternative", "text/plain", "text/html"]
    for part in (received.get_body(("plain",)), received.get_body(("html",))):
        body = part.get_content()
        for line in (
            "No articles were collected this week.",
            "No relevant articles this week.",
            "No stance was found in this week",
            "No lab or model was named",
            "No model appeared for the first time this week.",
        ):
            assert line in body
        assert "cid:" not in body


def test_preview_files(data, tmp_path):
    message = compose(data, SENDER, RECIPIENTS)
    eml_path, html_path = write_preview(message, tmp_path / "out")
    assert (eml_path.name, html_path.name) == ("veille-2026-W48.eml", "veille-2026-W48.html")
    assert email.message_from_bytes(eml_path.read_bytes(), policy=policy.default)["Message-ID"] == message["Message-ID"]
    html = html_path.read_text(encoding="utf-8")
    assert "cid:" not in html
    assert html.count('src="data:image/png;base64,') == 2
    assert "深度求索开源V4模型权重" in html


def _colours(png: bytes) -> int:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=1 << 20) or [])


def test_charts_are_pngs_with_content(data):
    stances = charts.stance_chart(data.stances)
    entities = charts.entity_chart(data.labs, data.models)
    for png in (stances, entities):
        assert Image.open(io.BytesIO(png)).format == "PNG"
        assert _colours(png) > 10
    assert charts.stance_chart(()) is None and charts.entity_chart((), ()) is None


def test_without_a_chinese_font_labels_fall_back_to_english(data, monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.chart_label("月之暗面", "Moonshot AI") == "Moonshot AI"
    assert charts.chart_label("Mistral AI", "mistral") == "Mistral AI"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts.entity_chart(data.labs, data.models)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_with_a_chinese_font_labels_stay_chinese():
    if charts.cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fc-list :lang=zh is empty)")
    assert charts.chart_label("月之暗面", "Moonshot AI") == "月之暗面"


def test_week_header_names_the_files(data):
    message = compose(dataclasses.replace(data, week=IsoWeek(2027, 1)), SENDER, [])
    assert message["X-Veille-Week"] == "2027-W01" and message["To"] is None

"""A week spread over many stance clusters: capped per language, distinct colours, a readable email."""

import io

from PIL import Image

from digest import charts
from digest.compose import compose
from digest.data import TOP_STANCES


def rows(data, language):
    return next(g for g in data.stances if g.language == language).shares


def test_each_language_shows_its_largest_stances_then_the_others_together(noisy):
    english = rows(noisy, "en")
    assert [s.cluster_id for s in english[:TOP_STANCES]] == ["c10", "c1", "c2", "c4", "c5", "c6"]
    other = english[-1]
    assert len(english) == TOP_STANCES + 1 and other.is_other and other.kind == "other"
    assert (other.stances, other.articles, round(other.share, 4)) == (4, 2, 0.2375)  # c7, c8, c9 and c3
    assert round(sum(s.share for s in english), 6) == 1
    french = rows(noisy, "fr")  # one stance beyond the top: shown as itself, not as "1 other"
    assert len(french) == TOP_STANCES + 1 and not any(s.is_other for s in french)


def test_the_chart_names_at_most_eight_stances_each_in_its_own_colour(noisy):
    colours = charts.stance_colours(noisy.stances)
    assert len(colours) == len(charts.STANCE_COLOURS) == 8
    assert len(set(colours.values())) == 8 and charts.OTHER_COLOUR not in colours.values()
    # the largest first, each language weighing the same: c8 and c9 are all of Chinese's stances
    assert list(colours)[:3] == ["c8", "c9", "c1"]
    png = charts.stance_chart(noisy.stances)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    drawn = {f"#{r:02X}{g:02X}{b:02X}" for _, (r, g, b) in image.getcolors(maxcolors=1 << 20)}
    assert set(colours.values()) | {charts.OTHER_COLOUR.upper()} <= drawn


def test_the_email_names_the_other_stances_and_explains_emerging_ones(noisy):
    message = compose(noisy, "veille@example.org", ["analyst@example.org"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert " 4 other stances" in text and "tariffs / chips / exports *" in text
    assert "* emerging stance" in text
    assert "4 other stances</td>" in html and "Stances in italics are emerging" in html
    assert "1 other stances" not in text + html


def test_without_emerging_stances_there_is_no_note(data):
    message = compose(data, "veille@example.org", ["analyst@example.org"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "emerging" not in text and "other stances" not in text

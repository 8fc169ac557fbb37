"""PNG charts for the digest, drawn with matplotlib's Agg canvas (imported only here, when drawn).

Chinese labels need a font with CJK glyphs. When fontconfig knows one it is
used as a fallback after DejaVu Sans; when none is installed, a label that
needs one is replaced by its English name (or its id), so a chart never shows
empty boxes.
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from digest.data import EntityCount, LanguageStances
from digest.formats import change, language_name, percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

WIDTH_INCHES = 6.4
DPI = 150
_THIS_WEEK = "#2f6690"
# Okabe and Ito's colour-blind-safe set, and Tol's wine: eight hues no two of which look alike.
STANCE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#882255")
OTHER_COLOUR = "#c4c4c4"
OTHER_LABEL = "other stances"
_PREVIOUS = "#c9d3dd"
_TEXT = "#222222"


@cache
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, if fontconfig knows one."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "--format", "%{file}\n"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(
        (path for path in set(listed.stdout.splitlines()) if path.lower().endswith((".ttf", ".otf", ".ttc"))),
        # A plain sans-serif face first; single-face files load most reliably.
        key=lambda path: ("regular" not in path.lower(), "sans" not in path.lower(), path.lower().endswith(".ttc"),
                          path),
    )
    from matplotlib import font_manager

    for path in files:
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def _ink(colour: str) -> str:
    """Dark text on a light bar, white on a dark one."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return _TEXT if 0.299 * red + 0.587 * green + 0.114 * blue > 0.6 else "white"


def needs_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(char) in ("W", "F") for char in text)


def chart_label(text: str, fallback: str) -> str:
    """``text``, or ``fallback`` (an English name or an id) when it needs CJK glyphs no installed font has."""
    if needs_cjk(text) and cjk_font() is None:
        return fallback
    return text


def _render(draw: Callable[[Figure], None], height_inches: float) -> bytes:
    """Run ``draw(figure)`` on a fresh Agg figure and return the PNG bytes."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # An explicit list of families: matplotlib falls back glyph by glyph along it.
    families = ["DejaVu Sans"] + ([cjk_font()] if cjk_font() else [])
    style: dict[RcKeyType, Any] = {
        "font.family": families,
        "font.size": 10,
        "axes.edgecolor": "#888888",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "text.color": _TEXT,
        "axes.labelcolor": _TEXT,
        "xtick.color": _TEXT,
        "ytick.color": _TEXT,
    }
    with matplotlib.rc_context(style):
        figure = Figure(figsize=(WIDTH_INCHES, height_inches), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        draw(figure)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor="white", metadata={"Software": None},
                       bbox_inches="tight", pad_inches=0.15)  # a long legend widens the image, never clipped
    return buffer.getvalue()


def stance_colours(stances: Sequence[LanguageStances]) -> dict[str, str]:
    """A distinct colour for each stance the chart names: the largest over all languages, as many as there
    are colours. Every other stance is drawn in grey as part of "other stances"."""
    weight: dict[str, float] = {}
    for group in stances:
        for share in group.shares:
            if share.cluster_id is not None:
                weight[share.cluster_id] = weight.get(share.cluster_id, 0.0) + share.share
    # Largest first; ties keep the order first seen, as Counter.most_common does.
    chosen = sorted(weight, key=weight.__getitem__, reverse=True)[: len(STANCE_COLOURS)]
    return dict(zip(chosen, STANCE_COLOURS))


def stance_chart(stances: Sequence[LanguageStances]) -> bytes | None:
    """One horizontal bar per language, split into its stance shares; None when there are none.

    A week with many stances stays readable: only the largest ones get a colour
    (see ``stance_colours``), in the same order on every bar, and the rest of
    each bar is one grey "other stances" segment.
    """
    if not stances:
        return None
    colours = stance_colours(stances)
    labels = {s.cluster_id: s.label or "" for g in stances for s in g.shares if s.cluster_id in colours}
    rows = list(reversed(stances))  # the language with most articles on top
    segments = [[next((s.share for s in g.shares if s.cluster_id == cluster_id), 0.0) for g in rows]
                for cluster_id in colours]
    others = [max(0.0, 1.0 - sum(column)) for column in zip(*segments)] if segments else [1.0] * len(rows)
    keys = list(colours) + ([None] if any(o > 0.005 for o in others) else [])

    def draw(figure: Figure) -> None:
        axes = figure.subplots()
        names = [f"{language_name(g.language)} ({g.articles})" for g in rows]
        lefts = [0.0] * len(rows)
        for key in keys:
            shares = others if key is None else segments[list(colours).index(key)]
            colour = OTHER_COLOUR if key is None else colours[key]
            label = OTHER_LABEL if key is None else chart_label(labels[key], key)
            bars = axes.barh(names, shares, left=lefts, color=colour, height=0.6, edgecolor="white",
                             linewidth=0.8, label=label)
            axes.bar_label(bars, labels=[percent(s) if s >= 0.08 else "" for s in shares],
                           label_type="center", color=_ink(colour), fontsize=9)
            lefts = [left + share for left, share in zip(lefts, shares)]
        axes.set_xlim(0, 1)
        axes.xaxis.set_major_formatter(lambda value, _: percent(value))
        axes.set_xlabel("share of the stances taken in relevant articles; (n) = articles taking one")
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=9)

    return _render(draw, 1.6 + 0.45 * len(stances) + 0.25 * ((len(keys) + 1) // 2))


def entity_chart(labs: Sequence[EntityCount], models: Sequence[EntityCount]) -> bytes | None:
    """This week's and last week's article counts of the top labs and models; None when there are none."""
    panels = [(title, list(group)) for title, group in (("Labs", labs), ("Models", models)) if group]
    if not panels:
        return None

    def draw(figure: Figure) -> None:
        axes_list = figure.subplots(1, len(panels), squeeze=False)[0]
        slots = max(len(group) for _, group in panels)
        for axes, (title, group) in zip(axes_list, panels):
            rows = list(reversed(group))  # the most mentioned on top, panels aligned at the top
            names = [chart_label(e.name, e.name_en or e.entity_id) for e in rows]
            positions = [slots - len(rows) + i for i in range(len(rows))]
            axes.barh([p + 0.2 for p in positions], [e.previous_articles for e in rows], height=0.35,
                      color=_PREVIOUS, label="previous week")
            bars = axes.barh([p - 0.2 for p in positions], [e.articles for e in rows], height=0.35,
                             color=_THIS_WEEK, label="this week")
            axes.bar_label(bars, labels=[change(e.change) for e in rows], padding=3, fontsize=9)
            axes.set_yticks(positions, names)
            axes.set_ylim(-0.6, slots - 0.4)
            axes.set_title(title, loc="left", fontsize=10)
            axes.set_xlabel("relevant articles")
            axes.xaxis.get_major_locator().set_params(integer=True)
            axes.set_xlim(0, max(max(e.articles, e.previous_articles) for e in group) * 1.25 + 0.5)
        handles, labels = axes_list[0].get_legend_handles_labels()
        figure.legend(handles[::-1], labels[::-1], loc="outside lower center", ncols=2, frameon=False, fontsize=9)

    return _render(draw, 1.5 + 0.45 * max(len(group) for _, group in panels))

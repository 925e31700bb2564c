"""PNG charts for /history and group digests, with labels in Korean or English.

Charts render with matplotlib's object API (no pyplot state), so they can run on worker
threads; callers render them off the event loop. Hangul needs a font that has it: the
NanumGothic that the koreanize-matplotlib package ships. Without it, labels fall back to
matplotlib's DejaVu Sans (Hangul then shows as boxes) and a warning is logged once.
"""

import importlib.util
import io
import logging
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from bot.texts import Texts
from storage import EMOTIONS, Agreement

log = logging.getLogger(__name__)

WIDTH_PX, HEIGHT_PX, DPI = 1000, 500, 100
_PREVIOUS_ALPHA = 0.4
# Fixed margins: tight_layout would measure every label first, a third of a chart's time.
_MARGINS = {"left": 0.09, "right": 0.98, "top": 0.86, "bottom": 0.12, "wspace": 0.25}
COLOURS: Mapping[str, str] = {
    "surprise": "#f2b134",
    "fear": "#8e6bbf",
    "disgust": "#6a994e",
    "happy": "#f4d35e",
    "sad": "#4f86c6",
    "angry": "#d1495b",
    "neutral": "#9aa5b1",
}


@cache
def hangul_font_path() -> Path | None:
    """NanumGothic as the koreanize-matplotlib package ships it; None (logged once) without it.

    The file is found without importing the package: importing it would restyle matplotlib
    in other ways too. The annotated photos draw their labels with the same font.
    """
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        log.warning("koreanize-matplotlib is not installed; Korean labels will not render")
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    if not path.is_file():
        log.warning("no Hangul font at %s; Korean labels will not render", path)
        return None
    return path


@cache
def _use_hangul_font() -> None:
    """Make NanumGothic matplotlib's default font, once per process.

    matplotlib draws nothing but these charts in ferbot, so a process-wide default is safe,
    and it costs nothing per label.
    """
    path = hangul_font_path()
    if path is None:
        return
    try:
        font_manager.fontManager.addfont(str(path))
    except (OSError, RuntimeError) as exc:
        log.warning("no Hangul font (%s); Korean chart labels will not render", exc)
        return
    # NanumGothic has Latin letters and digits too: one family, one font lookup per label.
    matplotlib.rcParams["font.family"] = ["NanumGothic"]
    # It has no U+2212 MINUS SIGN, which matplotlib puts on negative ticks: use a hyphen.
    matplotlib.rcParams["axes.unicode_minus"] = False


def _two_panels(title: str, width_ratios: list[int]) -> tuple[Figure, Any]:
    _use_hangul_font()
    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.suptitle(title)
    return figure, figure.subplots(1, 2, gridspec_kw={"width_ratios": width_ratios})


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # Light compression: a tenth bigger, a sixth faster to write; charts are sent, not kept.
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def history_chart(
    totals: Mapping[str, int],
    days: Sequence[tuple[date, Mapping[str, int]]],
    texts: Texts,
    title: str,
) -> bytes:
    """Left: how often each emotion was the mood of a photo. Right: photos per day, stacked."""
    figure, (bars, series) = _two_panels(title, width_ratios=[1, 2])
    names = [texts.emotion(emotion) for emotion in EMOTIONS]
    bars.barh(names, [totals.get(e, 0) for e in EMOTIONS], color=[COLOURS[e] for e in EMOTIONS])
    bars.invert_yaxis()
    bars.set_title(texts("chart.distribution"))
    bars.set_xlabel(texts("chart.photos"))
    positions = range(len(days))
    bottoms = [0] * len(days)
    for emotion, name in zip(EMOTIONS, names, strict=True):
        heights = [counts.get(emotion, 0) for _, counts in days]
        if any(heights):  # only emotions that occur get a legend entry
            series.bar(positions, heights, bottom=bottoms, color=COLOURS[emotion], label=name)
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    step = max(1, len(days) // 10)
    series.set_xticks(list(positions)[::step], [day.strftime("%m-%d") for day, _ in days][::step])
    series.set_title(texts("chart.per_day"))
    series.set_ylabel(texts("chart.photos"))
    series.yaxis.set_major_locator(MaxNLocator(integer=True))
    series.legend(fontsize="small", loc="upper left")
    figure.subplots_adjust(**_MARGINS)
    return _png(figure)


def digest_chart(
    current: Mapping[str, int],
    previous: Mapping[str, int],
    hours: Mapping[int, int],
    texts: Texts,
    title: str,
) -> bytes:
    """Left: emotion shares this window against the previous one. Right: photos per hour."""
    figure, (shares, busy) = _two_panels(title, width_ratios=[1, 1])
    names = [texts.emotion(emotion) for emotion in EMOTIONS]
    windows = (
        (-0.2, previous, texts("chart.previous_window"), _PREVIOUS_ALPHA),
        (0.2, current, texts("chart.this_window"), 1.0),
    )
    for offset, counts, _, alpha in windows:
        total = max(1, sum(counts.values()))
        shares.barh(
            [i + offset for i in range(len(EMOTIONS))],
            [counts.get(e, 0) / total for e in EMOTIONS],
            height=0.4,
            color=[COLOURS[e] for e in EMOTIONS],
            alpha=alpha,
        )
    shares.set_yticks(range(len(EMOTIONS)), names)
    shares.invert_yaxis()
    shares.xaxis.set_major_formatter(PercentFormatter(1.0))
    shares.set_title(texts("chart.distribution"))
    legend = [Patch(color="#555555", alpha=alpha, label=label) for _, _, label, alpha in windows]
    shares.legend(handles=legend, fontsize="small")
    busy.bar(range(24), [hours.get(hour, 0) for hour in range(24)], color="#4f86c6")
    busy.set_xticks(range(0, 24, 3))
    busy.yaxis.set_major_locator(MaxNLocator(integer=True))
    busy.set_title(texts("chart.hours"))
    busy.set_ylabel(texts("chart.photos"))
    figure.subplots_adjust(**_MARGINS)
    return _png(figure)


def agreement_chart(agreement: Agreement, texts: Texts, title: str) -> bytes:
    """Left: per day, the share of answered faces nobody corrected. Right: the corrected
    faces, by the emotion answered (rows) and the one people chose instead (columns)."""
    figure, (daily, confusion) = _two_panels(title, width_ratios=[3, 2])
    days = [day for day in agreement.days if day.agreed is not None]
    daily.plot([day.day for day in days], [day.agreed for day in days], marker="o", color="#4f86c6")
    daily.set_ylim(0, 1.05)
    daily.yaxis.set_major_formatter(PercentFormatter(1.0))
    daily.set_title(texts("chart.agreement"))
    daily.tick_params(axis="x", labelrotation=30, labelsize="small")
    counts = [
        [agreement.confusion.get((answered, chosen), 0) for chosen in EMOTIONS]
        for answered in EMOTIONS
    ]
    confusion.imshow(counts, cmap="Oranges")
    names = [texts.emotion(emotion) for emotion in EMOTIONS]
    confusion.set_xticks(range(len(EMOTIONS)), names, rotation=45, ha="right", fontsize="small")
    confusion.set_yticks(range(len(EMOTIONS)), names, fontsize="small")
    confusion.set_xlabel(texts("chart.chosen"))
    confusion.set_ylabel(texts("chart.answered"))
    confusion.set_title(texts("chart.confusion"))
    for row, line in enumerate(counts):
        for column, count in enumerate(line):
            if count:
                confusion.text(column, row, str(count), ha="center", va="center")
    figure.subplots_adjust(left=0.07, right=0.98, top=0.86, bottom=0.22, wspace=0.3)
    return _png(figure)

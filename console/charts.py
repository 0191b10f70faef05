"""Bar charts per day, measured here and drawn as inline SVG by console/_chart.html.

No script and no style attribute (the site's Content-Security-Policy forbids both): a bar is
a <rect> with its geometry as attributes and its colour from a class in console.css. Every
chart is followed on the page by a table of the same numbers, for screen readers and for
anyone who wants the exact figures.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

# The drawing's own units; it scales to its column. Its text is sized in console.css, up to
# PHONE_FONT units on a phone, where the drawing is shrunk the most.
WIDTH, HEIGHT = 480, 270
RIGHT, TOP, BOTTOM = 6, 12, 30
PHONE_FONT = 18
MAX_BAR = 40
MAX_X_LABELS = 7
TICKS = 4


@dataclass(frozen=True)
class Series:
    """One measure per day: its name in the legend, its colour class, and its values."""

    name: str
    css: str
    values: list[int]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str
    minor: bool  # hidden on phones, like every other day label


@dataclass(frozen=True)
class XLabel:
    x: float
    label: str
    minor: bool  # hidden on phones, where every other label would overlap


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str
    legend: list[Series]
    bars: list[Bar]
    ticks: list[Tick]
    x_labels: list[XLabel]
    left: int
    width: int = WIDTH
    height: int = HEIGHT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def bar_chart(
    *,
    id: str,
    title: str,
    summary: str,
    days: list[date],
    series: list[Series],
    fmt: Callable[[int], str],
    axis_fmt: Callable[[int, int], str] | None = None,
    stacked: bool = False,
) -> Chart:
    """Bars per day, side by side per series or stacked; `fmt` writes a value for people,
    `axis_fmt(value, step)` the value axis when its precision depends on the step."""
    top_value = max(
        (sum(day) for day in zip(*(s.values for s in series), strict=True))
        if stacked
        else (max(s.values, default=0) for s in series),
        default=0,
    )
    step = _nice_step(top_value)
    scale_top = step * TICKS
    labels = _tick_labels(
        [axis_fmt(step * n, step) if axis_fmt else fmt(step * n) for n in range(TICKS + 1)]
    )
    # Room for the longest value label at its phone size (a character is about 0.6 em).
    left = 10 + math.ceil(0.6 * PHONE_FONT * max(len(label) for label in labels))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - left - RIGHT) / max(len(days), 1)

    def y_of(value: float) -> float:
        return HEIGHT - BOTTOM - value / scale_top * plot_height

    bars = []
    group = min(slot * 0.8, MAX_BAR * (1 if stacked else len(series)))
    for index, day in enumerate(days):
        x0 = left + index * slot + (slot - group) / 2
        below = 0
        for number, s in enumerate(series):
            value = s.values[index]
            if value <= 0:
                continue
            if stacked:
                x, width, bottom = x0, group, below
                below += value
            else:
                width = group / len(series)
                x, bottom = x0 + number * width, 0
            top = y_of(bottom + value)
            bars.append(
                Bar(
                    x=round(x, 1),
                    y=round(top, 1),
                    width=round(width, 1),
                    height=round(y_of(bottom) - top, 1),
                    css=s.css,
                    title=f"{day:%-d %b}: {s.name} {fmt(value)}",
                )
            )
    ticks = [Tick(round(y_of(step * n), 1), label, n % 2 == 1) for n, label in enumerate(labels)]
    return Chart(
        id=id,
        title=title,
        summary=summary,
        legend=series,
        bars=bars,
        ticks=ticks,
        x_labels=_x_labels(days, slot, left),
        left=left,
    )


def _tick_labels(labels: list[str]) -> list[str]:
    """Whole amounts ("$10", not "$10.00") when every label of the axis is one."""
    if all(label.endswith(".00") for label in labels):
        return [label[:-3] for label in labels]
    return labels


def _nice_step(top_value: int) -> int:
    """A round step (1, 2 or 5 times a power of ten) so that TICKS steps reach the top value."""
    if top_value <= 0:
        return 1
    raw = top_value / TICKS
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(int(factor * power), 1)
    return int(10 * power)


def _x_labels(days: list[date], slot: float, left: int) -> list[XLabel]:
    every = math.ceil(len(days) / MAX_X_LABELS) or 1
    labels = []
    for index in range(0, len(days), every):
        x = round(left + index * slot + slot / 2, 1)
        labels.append(XLabel(x, f"{days[index]:%-d %b}", minor=(index // every) % 2 == 1))
    return labels

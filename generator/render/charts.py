"""Static, accessible SVG charts: Python works out the geometry, templates draw it.

Every chart has a title, a text description (also used as the image's alt text) and the same
data as a table on the page beside it, so nothing depends on seeing colour or running scripts.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from generator.compute.facts import PlanYearFacts
from generator.compute.indicators import IndicatorFacts, SeriesPoint
from generator.compute.rag import format_number
from generator.model.performance import UNIT_NOUNS
from generator.render.text import money
from generator.render.theme import BYTECODE, template_folders

WIDTH = 400
"""Every chart is drawn 400 units wide and shown at most at that size: at a 390 px screen (358 px
of column) it is scaled to 0.9, so 12-unit text stays above 10 px. No text is smaller than 12."""
FONT = 12
CHAR = 6.6  # average width of a character at 12 units, for fitting labels (bold: x 1.1)
LINE = 14
MARGIN_RIGHT, MARGIN_TOP = 16, 34
BAND_COLOURS = {"low": "#d9ead3", "medium": "#fff2cc", "high": "#f4cccc"}
UNIT_CAPTIONS = {
    "rate": "Rate",
    "rate-per-1000": "Rate per 1,000",
    "rate-per-100000": "Rate per 100,000",
    "per-day": "Number per day",
}
"""Units too long to repeat on every label: said once, above the axis."""


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None
    x: float
    y: float | None
    missing: str = "no data"
    text: str = ""
    text_y: float = 0
    lines: tuple[str, ...] = ()


def _svg_environment(theme: Path, partnership: str) -> jinja2.Environment:
    own = (theme / "partnerships" / partnership).is_dir()
    return _cached_environment(theme, partnership if own else None)


@functools.lru_cache(maxsize=64)
def _cached_environment(theme: Path, partnership: str | None) -> jinja2.Environment:
    """SVG environments compile their templates once per process."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_folders(theme, "charts", partnership)),
        bytecode_cache=BYTECODE,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _scale(values: list[Decimal], top: float, height: float) -> tuple[Decimal, Decimal, Any]:
    low = min([*values, Decimal(0)])
    high = max([*values, Decimal(0)])  # zero is always on the axis, below or above the values
    if high == low:
        high = low + 1
    span = high - low

    def y(value: Decimal) -> float:
        return round(top + height - float((value - low) / span) * height, 1)

    return low, high, y


def with_unit(value: Decimal, unit: str) -> str:
    """A chart label in the indicator's unit: 94%, +3.5%, £1,200, 2,350."""
    number = format_number(value)
    if unit == "percent":
        return f"{number}%"
    if unit == "percent-change":
        return f"{'+' if value > 0 else ''}{number}%"
    if unit == "money":
        return str(money(value))
    return number


def _width(text: str, bold: bool = False) -> float:
    return len(text) * CHAR * (1.1 if bold else 1)


def _label_lines(label: str) -> tuple[str, ...]:
    """An x-axis label on up to three short lines: "2026/27 Q1" → ("2026/27", "Q1")."""
    words = label.split()
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= 9:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines[:2]) + ((" ".join(lines[2:]),) if len(lines) > 2 else ())


def _labels_collide(widths: list[float], step: float) -> bool:
    """Whether level labels this wide, `step` apart, would touch: the first is drawn to the
    right of its point, the last to the left, the others centred on theirs."""
    last = len(widths) - 1

    def reach(k: int) -> tuple[float, float]:  # how far label k runs left and right of its point
        w = widths[k]
        return (0, w) if k == 0 else (w, 0) if k == last else (w / 2, w / 2)

    return any(reach(k)[1] + reach(k + 1)[0] + 6 > step for k in range(last))


def _value_label_y(y: float, above: bool, bottom: float) -> float:
    """Above the point (or below it), but never over the unit caption's top line nor under
    the axis, where it would be clipped or collide."""
    if above and y - 8 - FONT < LINE + 2:
        above = False
    if not above and y + 18 > bottom - 2:
        above = True
    return round(y - 8 if above else y + 18, 1)


def trend_chart(facts: IndicatorFacts) -> dict[str, Any]:
    """Geometry of an indicator's trend line with its target, on the indicator's own axis,
    its points in time order and every label in the indicator's unit."""
    indicator = facts.indicator
    unit = indicator.unit
    series = facts.series
    goal = indicator.target.value if indicator.target else None
    on_axis = goal is not None and facts.target_unit == unit
    target = goal if on_axis else None
    values = [p.value for p in series if p.plotted and p.value is not None]
    values += [target] if target is not None else []
    low, high, _ = _scale(values, 0, 1)
    inferred = indicator.target is not None and indicator.target.target_kind == "inferred"
    target_word = "Inferred" if inferred else "Target"
    margin_texts = [with_unit(low, unit), with_unit(high, unit), target_word]
    margin_texts += [with_unit(target, unit)] if target is not None else []
    left = round(max(48, *(_width(t, bold=True) for t in margin_texts)) + 10)
    plot_w = WIDTH - left - MARGIN_RIGHT
    step = plot_w / max(len(series) - 1, 1)
    lines = [_label_lines(p.label) for p in series]
    rotate = len(series) > 1 and _labels_collide([max(map(_width, ls)) for ls in lines], step)
    if rotate:  # too many points for level labels: each slanted, on one line, without the
        # baseline's period (the table gives it), and the first never off the chart's left
        lines = [(p.label.split(" (")[0] if p.label.startswith("Baseline") else p.label,)
                 for p in series]  # fmt: skip
        slant = [_width(ls[0]) * 0.71 for ls in lines]
        left = max(left, round(slant[0]) + 4)
        plot_w = WIDTH - left - MARGIN_RIGHT
        step = plot_w / max(len(series) - 1, 1)
        drop = max(slant, default=0) + LINE
    else:
        drop = max((len(ls) for ls in lines), default=1) * LINE + 6
    plot_h = 200
    bottom = MARGIN_TOP + plot_h
    height = round(bottom + drop + 8)
    _, _, y = _scale(values, MARGIN_TOP, plot_h)
    crowded = (
        len(series) > 1
        and step < max((_width(with_unit(v, unit), bold=True) for v in values), default=0) + 6
    )
    points = []
    for i, p in enumerate(series):
        py = y(p.value) if p.plotted and p.value is not None else None
        points.append(
            Point(
                p.label,
                p.value if p.plotted else None,
                round(left + i * step, 1),
                py,
                "not plotted" if p.value is not None and not p.plotted else _no_value(p, facts),
                with_unit(p.value, unit) if p.plotted and p.value is not None else "",
                _value_label_y(py, not (crowded and i % 2), bottom) if py is not None else 0,
                lines[i],
            )
        )
    polarity = indicator.polarity.replace("-", " ")
    plotted = [p for p in series if p.plotted]
    if plotted:
        first, last = plotted[0].label, plotted[-1].label
        span = first if len(plotted) == 1 else f"{first} to {last}"
        shows = f"a line through {len(plotted)} value{'s' if len(plotted) != 1 else ''}, {span}"
    else:
        shows = "no value in the indicator's unit yet"
    dashed = f", with the {'inferred ' if inferred else ''}target as a dashed line"
    target_words = dashed if target is not None else ""
    return {
        "title": f"{indicator.title}: trend",
        "alt": f"Chart of {indicator.title}: {shows}{target_words} ({polarity}). "
        "The figures are in the table below.",
        "desc": f"{'; '.join(_described(p, facts) for p in series)}."
        + _target_text(facts, target, goal, word="Inferred target" if inferred else "Target")
        + f" ({polarity}.)",
        "width": WIDTH,
        "height": height,
        "left": left,
        "right": WIDTH - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "bottom": bottom,
        "caption": UNIT_CAPTIONS.get(unit, ""),
        "rotate": rotate,
        "points": points,
        "segments": [
            (a, b) for a, b in itertools.pairwise(points) if a.y is not None and b.y is not None
        ],
        "target_y": y(target) if target is not None else None,
        "target_word": target_word,
        "target_label": with_unit(target, unit) if target is not None else "",
        "low_label": with_unit(low, unit),
        "high_label": with_unit(high, unit),
    }


def _no_value(point: SeriesPoint, facts: IndicatorFacts) -> str:
    """What a point with no value says on the chart: a count too small to publish is "fewer
    than" the threshold (and drawn at no height), never the number."""
    if point.status == "suppressed":
        return f"fewer than {facts.threshold}"
    if point.status == "withheld":
        return "not shown"
    return "no data"


def _described(point: SeriesPoint, facts: IndicatorFacts) -> str:
    unit = facts.indicator.unit
    if point.value is None:
        return f"{point.label}: {_no_value(point, facts)}"
    if point.left_out is not None:
        return f"{point.label}: {format_number(point.value)} (not on this chart: {point.left_out})"
    return f"{point.label}: {with_unit(point.value, unit)}"


def _target_text(
    facts: IndicatorFacts, target: Decimal | None, goal: Decimal | None, word: str
) -> str:
    unit = facts.indicator.unit
    if target is not None:
        return f" {word}: {with_unit(target, unit)}."
    if goal is not None:
        noun = UNIT_NOUNS[facts.target_unit]
        return f" {word}: {format_number(goal)}, {noun}, not on this chart."
    return " No target."


def heat_map_chart(facts: PlanYearFacts, bands: list[tuple[str, int, int]]) -> dict[str, Any]:
    """Geometry of the 5 × 5 likelihood × impact grid with the number of risks in each cell."""
    cell, left, top = 60, 72, 24
    cells = []
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            band = next((name for name, low, high in bands if low <= score <= high), "")
            keys = facts.heat_map[likelihood - 1][impact - 1]
            cells.append(
                {
                    "x": left + (impact - 1) * cell,
                    "y": top + (5 - likelihood) * cell,
                    "score": score,
                    "band": band,
                    "fill": BAND_COLOURS.get(band, "#eeeeee"),
                    "count": len(keys),
                }
            )
    placed = [
        f"{r.service_name} at likelihood {r.assessment.driver.likelihood}, "
        f"impact {r.assessment.driver.impact} ({r.assessment.driver.dimension})"
        for r in facts.risks
        if r.assessment is not None
    ]
    unrated = sum(r.assessment is None for r in facts.risks)
    return {
        "title": "Decommissioning risk heat map",
        "alt": "Heat map of the decommissioning risks by likelihood and impact. "
        "The table below gives the number of services in each cell.",
        "desc": "Each service placed by the likelihood and impact of its highest-scoring risk: "
        + ("; ".join(placed) or ("no risks rated" if facts.risks else "no risks recorded"))
        + (f"; {unrated} not yet rated, left out" if unrated else "")
        + ".",
        "width": left + 5 * cell + 16,
        "height": top + 5 * cell + 56,
        "cell": cell,
        "left": left,
        "top": top,
        "cells": cells,
    }


def bar_chart(title: str, rows: list[tuple[str, Decimal]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of money: each bar under a line giving its name and,
    at the right, its amount, so that no label can run off the end of a bar or the chart."""
    row_h, bar_h, top = 42, 14, 4
    largest = max([amount for _, amount in rows] + [Decimal(1)])
    bars = []
    for i, (label, amount) in enumerate(rows):
        text = str(money(amount))
        room = int((WIDTH - _width(text, bold=True) - 16) / (CHAR * 1.1))  # wide letters
        bars.append(
            {
                "label": label if len(label) <= room else label[: room - 1].rstrip() + "…",
                "amount": text,
                "y": top + i * row_h,
                "width": round(float(amount / largest) * WIDTH, 1),
            }
        )
    return {
        "title": title,
        "alt": f"Bar chart of {title[:1].lower()}{title[1:]}: {len(rows)} "
        f"bar{'s' if len(rows) != 1 else ''}. The amounts are in the table below."
        if rows
        else f"{title}: no funding recorded.",
        "desc": f"{title}: " + "; ".join(f"{label} {money(a)}" for label, a in rows) + ".",
        "width": WIDTH,
        "height": top * 2 + max(len(rows), 1) * row_h,
        "bar_h": bar_h,
        "bars": bars,
    }


def chart_specs(
    facts: PlanYearFacts, common: dict[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every chart of a plan year: file name → (template, geometry)."""
    specs: dict[str, tuple[str, dict[str, Any]]] = {}
    for indicator in facts.indicators:
        specs[f"trend-{indicator.indicator.id}.svg"] = ("trend.svg.j2", trend_chart(indicator))
    settings = common["settings"]
    bands = [(b.name, b.low, b.high) for b in settings.risk_bands]
    specs["risk-heat-map.svg"] = ("heatmap.svg.j2", heat_map_chart(facts, bands))
    stream_name = common["stream_name"]
    specs["funding-by-stream.svg"] = (
        "bars.svg.j2",
        bar_chart("Funding by stream", [(stream_name(s), a) for s, a in facts.spend_by_stream]),
    )
    titles = {p.priority.id: p.priority.title for p in facts.priorities}
    specs["funding-by-priority.svg"] = (
        "bars.svg.j2",
        bar_chart(
            "Funding by priority", [(titles.get(p, p), a) for p, a in facts.spend_by_priority]
        ),
    )
    return specs


def render_charts(
    theme: Path, partnership: str, specs: dict[str, tuple[str, dict[str, Any]]]
) -> dict[str, bytes]:
    """SVG files of a plan year's charts, from their specs."""
    env = _svg_environment(theme, partnership)
    return {
        name: env.get_template(template).render(**geometry).encode("utf-8")
        for name, (template, geometry) in specs.items()
    }

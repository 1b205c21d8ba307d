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

WIDTH, HEIGHT = 640, 280
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 24, 24, 48
BAND_COLOURS = {"low": "#d9ead3", "medium": "#fff2cc", "high": "#f4cccc"}


@dataclass(frozen=True)
class Point:
    label: str
    value: Decimal | None
    x: float
    y: float | None
    missing: str = "no data"


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


def _scale(values: list[Decimal], height: float) -> tuple[Decimal, Decimal, Any]:
    low = min([*values, Decimal(0)])
    high = max(values) if values else Decimal(1)
    if high == low:
        high = low + 1
    span = high - low

    def y(value: Decimal) -> float:
        return round(MARGIN_TOP + height - float((value - low) / span) * height, 1)

    return low, high, y


def _described(point: SeriesPoint) -> str:
    if point.value is None:
        return f"{point.label}: no data"
    if point.left_out is not None:
        return f"{point.label}: {format_number(point.value)} (not on this chart: {point.left_out})"
    return f"{point.label}: {format_number(point.value)}"


def trend_chart(facts: IndicatorFacts) -> dict[str, Any]:
    """Geometry of an indicator's trend line with its target, on the indicator's own axis."""
    indicator = facts.indicator
    series = facts.series
    goal = indicator.target.value if indicator.target else None
    on_axis = goal is not None and facts.target_unit == indicator.unit
    target = goal if on_axis else None
    values = [p.value for p in series if p.plotted and p.value is not None]
    values += [target] if target is not None else []
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    low, high, y = _scale(values, plot_h)
    step = plot_w / max(len(series) - 1, 1)
    points = [
        Point(
            p.label,
            p.value if p.plotted else None,
            round(MARGIN_LEFT + i * step, 1),
            y(p.value) if p.plotted and p.value is not None else None,
            "not plotted" if p.value is not None and not p.plotted else "no data",
        )
        for i, p in enumerate(series)
    ]
    described = "; ".join(_described(p) for p in series)
    inferred = indicator.target is not None and indicator.target.target_kind == "inferred"
    word = "Inferred target" if inferred else "Target"
    if target is not None:
        target_text = f" {word}: {format_number(target)}."
    elif goal is not None:
        target_text = (
            f" {word}: {format_number(goal)}, {UNIT_NOUNS[facts.target_unit]}, not on this chart."
        )
    else:
        target_text = " No target."
    polarity = indicator.polarity.replace("-", " ")
    return {
        "title": f"{indicator.title}: trend",
        "desc": f"{described}.{target_text} ({polarity}.)",
        "width": WIDTH,
        "height": HEIGHT,
        "left": MARGIN_LEFT,
        "right": WIDTH - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "bottom": MARGIN_TOP + plot_h,
        "points": points,
        "segments": [
            (a, b) for a, b in itertools.pairwise(points) if a.y is not None and b.y is not None
        ],
        "target_y": y(target) if target is not None else None,
        "target_word": "Inferred" if inferred else "Target",
        "target_label": format_number(target) if target is not None else "",
        "low_label": format_number(low),
        "high_label": format_number(high),
    }


def heat_map_chart(facts: PlanYearFacts, bands: list[tuple[str, int, int]]) -> dict[str, Any]:
    """Geometry of the 5 × 5 likelihood × impact grid with the number of risks in each cell."""
    cell, left, top = 56, 96, 24
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
        "desc": "Each service placed by the likelihood and impact of its highest-scoring risk: "
        + ("; ".join(placed) or ("no risks rated" if facts.risks else "no risks recorded"))
        + (f"; {unrated} not yet rated, left out" if unrated else "")
        + ".",
        "width": left + 5 * cell + 24,
        "height": top + 5 * cell + 56,
        "cell": cell,
        "left": left,
        "top": top,
        "cells": cells,
    }


def bar_chart(title: str, rows: list[tuple[str, Decimal]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart of money."""
    bar_h, gap, label_w, top = 24, 8, 240, 16
    plot_w = WIDTH - label_w - 120
    largest = max([amount for _, amount in rows] + [Decimal(1)])
    bars = [
        {
            "label": label,
            "amount": str(money(amount)),
            "y": top + i * (bar_h + gap),
            "width": round(float(amount / largest) * plot_w, 1),
        }
        for i, (label, amount) in enumerate(rows)
    ]
    return {
        "title": title,
        "desc": f"{title}: " + "; ".join(f"{b['label']} {b['amount']}" for b in bars) + ".",
        "width": WIDTH,
        "height": top * 2 + len(rows) * (bar_h + gap),
        "label_w": label_w,
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

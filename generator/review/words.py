"""Values in a reviewer's words: sums of money, unknown amounts, dates and how far they moved."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from generator.model import PlanYear, Project
from generator.model.amounts import UnknownAmount
from generator.model.types import PartialDate

UNKNOWN_WORDS = {
    "not-published": "not published",
    "withheld": "withheld",
    "combined": "published only as a combined total",
}


def pounds(amount: Decimal, signed: bool = False) -> str:
    """£12,400 (pence shown only when there are some); with `signed`, +£12,400 or -£50.25."""
    value = abs(amount)
    if value != value.to_integral_value():
        text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"
    else:
        text = f"{value:,.0f}"
    sign = "-" if amount < 0 else "+" if signed else ""
    return f"{sign}£{text}"


def amount_words(
    amount: Decimal | None, line: UnknownAmount | None = None, status: str | None = None
) -> str:
    """A known amount in pounds, else why there is none (`status`, else the line's
    amount_status): an unknown amount is never £0."""
    if amount is not None:
        return pounds(amount)
    status = status or (line.amount_status if line is not None else None)
    if status == "combined" and line is not None and line.combined_with:
        return f"published only as a combined total with {', '.join(line.combined_with)}"
    return UNKNOWN_WORDS.get(status or "", "not known")


def difference(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """How much an amount went up (or down, negative); None unless both are known."""
    if before is None or after is None:
        return None
    return after - before


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def moved_by(before: PartialDate, after: PartialDate) -> str:
    """How far a date moved, as precisely as both dates are written: "3 weeks later",
    "10 days earlier", "2 months later", "1 year earlier", or "made more precise"."""
    if before.precision == "day" and after.precision == "day":
        days = (after.earliest - before.earliest).days
        span = _count(abs(days) // 7, "week") if days % 7 == 0 else _count(abs(days), "day")
    elif before.precision != "year" and after.precision != "year":
        assert before.month is not None and after.month is not None
        months = (after.year * 12 + after.month) - (before.year * 12 + before.month)
        if months == 0:
            return "made more precise" if after.precision == "day" else "made less precise"
        days = months
        span = _count(abs(months), "month")
    else:
        days = after.year - before.year
        if days == 0:
            return "made more precise" if after.precision != "year" else "made less precise"
        span = _count(abs(days), "year")
    return f"{span} {'later' if days > 0 else 'earlier'}"


def words(value: object) -> str:
    """A typed value as a reader reads it: dates in words, amounts in pounds, ids as written."""
    if isinstance(value, PartialDate):
        return value.words()
    if isinstance(value, Decimal):
        return f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value}" else f"{value:,}"
    if hasattr(value, "isoformat") and hasattr(value, "strftime"):
        return f"{value.day} {value.strftime('%B %Y')}"  # type: ignore[attr-defined]
    if isinstance(value, list | tuple):
        return ", ".join(words(item) for item in value) or "none"
    if value is None:
        return "none"
    return str(value)


FILE_WORDS = {
    "plan": "Plan",
    "assessment": "Needs assessment",
    "actions": "Action plan",
    "indicators": "Performance indicators",
    "services": "Commissioned services",
    "funding": "Funding",
    "risks": "Decommissioning risks",
    "review": "Annual review",
}
_FIELD_PARTS = re.compile(r"[\[\].:,\s]+")


def field_words(name: str, names: Mapping[str, str]) -> str:
    """A changed field as a reader reads it: `review.spend[wyckholt-budget]` (or the same in an
    editor's words, `review: spend, wyckholt-budget`) is "Annual review: spend, Wyckholt
    District Council contribution": the file in words, every id by its name."""
    parts = [part for part in _FIELD_PARTS.split(name) if part]
    if not parts:
        return name
    head, rest = parts[0], parts[1:]
    if head in FILE_WORDS:
        shown = [names.get(part, part.replace("_", " ")) for part in rest]
        return f"{FILE_WORDS[head]}: {', '.join(shown)}" if shown else FILE_WORDS[head]
    return ", ".join(names.get(part, part.replace("_", " ")) for part in parts)


def named(value: str, names: Mapping[str, str]) -> str:
    """A value that is an id, or a list of ids ("a, b"), by their names; anything else (a
    status, a date, an amount) as it is."""
    ids = [part.strip() for part in value.split(",")]
    if all(part in names for part in ids):
        return ", ".join(names[part] for part in ids)
    return value


def names_by_id(project: Project, *years: PlanYear | None) -> dict[str, str]:
    """The name of everything a plan year's changes may name by id: organisations, funding
    streams, partnerships, and the years' priorities, objectives, indicators, actions,
    services, allocations, formulas and risks (the later year's names win)."""
    names: dict[str, str] = {}
    for py in years:
        if py is None:
            continue
        for priority in py.plan.priorities:
            names[priority.id] = priority.title
            names.update((o.id, o.title) for o in priority.objectives)
        names.update((i.id, i.title) for i in py.indicators.indicators)
        names.update((a.id, a.title) for a in py.actions.actions)
        names.update((s.id, s.name) for s in py.services.services)
        names.update((a.id, a.title) for a in py.funding.allocations if a.title is not None)
        names.update((f.id, f.title) for f in py.funding.formulas)
    names.update((o.id, o.name) for o in project.organisations.values())
    names.update((s.id, s.name) for s in project.streams.values())
    names.update((p.id, p.name) for p in project.partnerships.values())
    return names

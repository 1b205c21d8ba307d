"""`plans scenario` for people and for tools: Markdown (from the template
`review/scenario.md.j2`), readable in a terminal and pasteable into a pull request or an
email, or JSON with every amount a string of pounds to the penny.

Every name shown comes from YAML that many people edit: it is escaped for Markdown (and
GitHub) by the filters `plans diff` uses."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.compute.scenario import (
    ROUNDING,
    Fit,
    FormulaScenario,
    OtherMoney,
    RecipientChange,
    Scenario,
    percent_text,
)
from generator.render.diff import review_environment

FIT_RULE = (
    "A recipient's services and actions fit when the known amounts of their funding lines "
    "from the stream for the year add up to no more than its money from the stream: its "
    "formula allocation plus its other allocations from the stream, kept as recorded. A line "
    "whose amount is not known is never counted as £0: with one, whether they fit cannot be "
    "told, unless the known lines alone are already more than the money."
)
"""What "fit" means, said in the Markdown and the JSON alike."""


def pounds(amount: Decimal, signed: bool = False) -> str:
    """£1,017,481.48 (always to the penny); with `signed`, +£5.00 or -£5.00 (£0.00 unsigned)."""
    sign = "-" if amount < 0 else "+" if signed and amount > 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def percent(value: Decimal) -> str:
    """-20.00%, +5.00%, 0.00%."""
    sign = "-" if value < 0 else "+" if value > 0 else ""
    return f"{sign}{abs(value):.2f}%"


def markdown(result: Scenario, theme: Path | None = None) -> str:
    """The scenario as Markdown: the change, each formula's recipients old and new, then
    whether each recipient's services and actions funded from the stream still fit."""
    env = review_environment(theme)
    env.filters["pounds"] = pounds
    env.filters["signed"] = lambda amount: pounds(amount, signed=True)
    env.filters["percent"] = percent
    template = env.get_template("scenario.md.j2")
    change = result.change
    given = percent_text(change.percent) if change.percent is not None else None
    return template.render(s=result, given=given, rounding=ROUNDING, fit_rule=FIT_RULE)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def _recipient(row: RecipientChange) -> dict[str, Any]:
    return {
        "recipient": row.key,
        "name": row.name,
        "partnership": row.partnership,
        "covers": list(row.covers),
        "old_share": _money(row.old_share),
        "new_share": _money(row.new_share),
        "adjustment": _money(row.adjustment),
        "old_allocation": _money(row.old),
        "new_allocation": _money(row.new),
        "change": _money(row.change),
        "percent_change": None if row.percent is None else f"{row.percent:.2f}",
        "paid": _money(row.paid),
    }


def _formula(item: FormulaScenario) -> dict[str, Any]:
    formula = item.formula
    return {
        "id": formula.id,
        "title": formula.title,
        "old_pot": _money(formula.pot),
        "new_pot": _money(item.new_pot),
        "recomputed": item.recomputed,
        "exact": item.exact,
        "inputs": formula.inputs,
        "applied": formula.applied,
        "transition_percent_of_target": (
            None if item.transition is None else f"{item.transition.percent_of_target:f}"
        ),
        "new_shares_total": _money(item.new_shares_total),
        "recipients": [_recipient(row) for row in item.recipients],
    }


def _other(other: OtherMoney) -> dict[str, Any]:
    return {
        "partnership": other.partnership,
        "id": other.id,
        "method": other.method,
        "amount": _money(other.amount),
        "amount_status": other.status,
    }


def _fit(fit: Fit) -> dict[str, Any]:
    return {
        "recipient": fit.key,
        "name": fit.name,
        "partnerships": list(fit.partnerships),
        "without_plan": list(fit.without_plan),
        "old_money": _money(fit.old_money),
        "new_money": _money(fit.new_money),
        "others": [_other(other) for other in fit.others],
        "lines": [
            {
                "partnership": line.partnership,
                "kind": line.kind,
                "id": line.id,
                "name": line.name,
                "amount": _money(line.amount),
                "amount_status": line.status,
            }
            for line in fit.lines
        ],
        "known_total": _money(fit.known_total),
        "unknown_lines": [line.id for line in fit.unknown_lines],
        "before": fit.before,
        "now": fit.now,
        "shortfall": _money(fit.shortfall),
        "exact": fit.exact,
    }


def as_json(result: Scenario) -> str:
    """The scenario for tools: amounts as strings of pounds to the penny, null when not known."""
    change = result.change
    data = {
        "partnership": result.partnership,
        "year": result.year,
        "stream": result.stream,
        "change": {
            "percent": None if change.percent is None else percent_text(change.percent),
            "pot": _money(change.pot),
            "rounding": ROUNDING,
        },
        "exact": result.exact,
        "formulas": [_formula(item) for item in result.formulas],
        "kept": [_other(other) for other in result.kept],
        "fit_rule": FIT_RULE,
        "fits": [_fit(fit) for fit in result.fits],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

"""The public record of one plan year: who was in the partnership that year, and which
strategy the year belongs to. Pure functions of the typed model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from generator.model.partnership import Membership, Partnership, PlanFile, Strategy
from generator.model.reference import Organisation


def year_bounds(year_id: str) -> tuple[date, date]:
    """1 April and 31 March of a financial year such as `2024-25`."""
    start = int(year_id[:4])
    return date(start, 4, 1), date(start + 1, 3, 31)


def members_during(partnership: Partnership, year_id: str) -> tuple[Membership, ...]:
    """The members in place at some time during the year: not those who left before it began,
    nor those who joined after it ended. A date known only to the month or year counts
    them in whenever it may fall within the year."""
    start, end = year_bounds(year_id)
    return tuple(
        m
        for m in partnership.members
        if (m.joined is None or m.joined.earliest <= end)
        and (m.left is None or m.left.latest >= start)
    )


def successors(
    organisation_id: str, organisations: Mapping[str, Organisation]
) -> tuple[Organisation, ...]:
    """The bodies that took over an organisation's duties, in turn (renamed or replaced)."""
    chain: list[Organisation] = []
    seen = {organisation_id}
    current = organisations.get(organisation_id)
    while current is not None and current.replaced_by and current.replaced_by not in seen:
        seen.add(current.replaced_by)
        current = organisations.get(current.replaced_by)
        if current is not None:
            chain.append(current)
    return tuple(chain)


@dataclass(frozen=True)
class StrategyPlace:
    """Where a plan year stands in a multi-year strategy."""

    strategy: Strategy
    relation: str
    """`first` (its first year), `refresh` (a later year within it), `past-end` (a refresh
    published after the strategy's last year) or `before-start`."""


def strategy_place(partnership: Partnership, plan: PlanFile) -> StrategyPlace | None:
    """The strategy the year refreshes: the one plan.yml names, else the one whose years
    include it, else the one whose title the plan keeps (a rolling plan after its end)."""
    strategies = partnership.strategies
    named = [s for s in strategies if s.title == plan.strategy] if plan.strategy else []
    within = [s for s in strategies if s.first_year <= plan.year <= s.last_year]
    titled = [s for s in strategies if s.title == plan.title]
    candidates = named or within or titled
    if not candidates:
        return None
    found = candidates[0]
    if plan.year == found.first_year:
        relation = "first"
    elif plan.year < found.first_year:
        relation = "before-start"
    elif plan.year > found.last_year:
        relation = "past-end"
    else:
        relation = "refresh"
    return StrategyPlace(found, relation)

"""What if a stream's money changes: the formulas it feeds in one funding.yml shared out again
to the penny, each recipient's new allocation, and whether the services and actions a
recipient funds from the stream still fit in its money from it. Pure: a validated project in,
values out; nothing is read or written.

Only the formulas' pots change. A recipient's adjustment and its other allocations from the
stream (discretionary, by bid, retained) are kept as recorded, and said to be."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from pydantic import ValidationError

from generator.compute.money import ZERO, FormulaFacts, all_formulas, allocation_facts
from generator.compute.money import formula_facts as work_out
from generator.model import PlanYear, Project
from generator.model.delivery import Funding
from generator.model.funding import Formula, TransitionStep
from generator.problems import PlansError, did_you_mean

PENNY = Decimal("0.01")
ROUNDING = "rounded to the nearest penny, half a penny up"
"""How a pot changed by a percentage becomes pounds and pence (said in the output and docs)."""

Verdict = Literal["fits", "does-not-fit", "unknown", "no-lines"]

_PERCENT = re.compile(r"([+-]?)([0-9]+(?:\.[0-9]+)?)\s*%?")
_POUNDS = re.compile(r"£?((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]+)(?:\.([0-9]{1,2}))?")


class ScenarioError(PlansError):
    """A scenario asked of something that is not there, or that cannot be asked: one line."""


def parse_change(text: str) -> Decimal:
    """A signed percentage as people write it: `-20%`, `+5%`, `-20`, `−12.5 %`."""
    found = _PERCENT.fullmatch(text.strip().replace("\u2212", "-"))
    if found is None:
        raise ScenarioError(f"--change takes a signed percentage such as -20% or +5%, not '{text}'")
    return Decimal(found.group(1) + found.group(2))


def parse_pot(text: str) -> Decimal:
    """Pounds as people write them, to the penny: `123456.78`, `£123,456.78`, `5000`."""
    given = text.strip().replace("\u2212", "-")
    if given.startswith("-") and _POUNDS.fullmatch(given[1:]):
        raise ScenarioError(f"--pot is the new pot, which cannot be negative: not '{text}'")
    found = _POUNDS.fullmatch(given)
    if found is None:
        raise ScenarioError(f"--pot takes pounds to the penny such as 123456.78, not '{text}'")
    whole, pence = found.group(1).replace(",", ""), found.group(2) or "0"
    return Decimal(f"{whole}.{pence:0<2}")


def percent_text(percent: Decimal) -> str:
    """-20, +5, +12.5: a percentage as given, with its sign."""
    text = f"{abs(percent):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("-" if percent < 0 else "+") + text


def changed_pot(pot: Decimal, percent: Decimal) -> Decimal:
    """A pot changed by a percentage, to the penny (`ROUNDING`), worked out exactly first."""
    pence = Fraction(pot) * (100 + Fraction(percent))  # pounds x 100 x (100 + percent) / 100
    whole = math.floor(abs(pence) + Fraction(1, 2))  # half a penny away from zero
    sign = "-" if pence < 0 else ""
    return Decimal(f"{sign}{whole // 100}.{whole % 100:02d}")


@dataclass(frozen=True)
class PotChange:
    """What the scenario does to the pots: change each by `percent`, or make the one `pot`."""

    percent: Decimal | None = None
    pot: Decimal | None = None

    def new_pot(self, formula: Formula) -> Decimal:
        if self.pot is not None:
            return self.pot
        assert self.percent is not None
        pot = changed_pot(formula.pot, self.percent)
        if pot < 0:
            raise ScenarioError(
                f"--change {percent_text(self.percent)}% would make the pot of "
                f"{formula.id} negative (-£{abs(pot):,.2f}); a pot can fall by 100% at most"
            )
        return pot


@dataclass(frozen=True)
class RecipientChange:
    """One recipient of a formula: its allocation now and in the scenario.

    `old` and `new` are the formula's share plus any adjustment (kept in pounds as recorded);
    with inputs not published, `old` is the published amount and `new` is not known. `paid`
    is what was actually paid, when the formula records it."""

    key: str
    name: str
    partnership: str | None
    covers: tuple[str, ...]
    old_share: Decimal | None
    new_share: Decimal | None
    adjustment: Decimal
    adjustment_reason: str | None
    old: Decimal | None
    new: Decimal | None
    paid: Decimal | None
    paid_reason: str | None

    @property
    def change(self) -> Decimal | None:
        """The change in pounds, when both allocations are known."""
        return None if self.old is None or self.new is None else self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        """The change as a percentage of the allocation now, to 2 places (none from £0)."""
        if self.change is None or not self.old:
            return None
        return (self.change * 100 / self.old).quantize(PENNY, rounding=ROUND_HALF_UP)

    @property
    def received(self) -> Decimal | None:
        """What it had: the amount paid when recorded, else the allocation."""
        return self.paid if self.paid is not None else self.old

    @property
    def paid_otherwise(self) -> bool:
        """Whether it was paid something else than the formula's allocation."""
        return self.paid is not None and self.paid != self.old


@dataclass(frozen=True)
class FormulaScenario:
    """A formula fed by the stream, shared out again with its new pot."""

    formula: Formula
    new_pot: Decimal
    recipients: tuple[RecipientChange, ...]
    new_shares_total: Decimal | None
    """The new shares added up, adjustments left out: exactly the new pot when recomputed."""
    transition: TransitionStep | None
    """This year's step of a glide path that pays less than the formula's shares, if any."""

    @property
    def recomputed(self) -> bool:
        """Whether the shares could be worked out again (the inputs were published)."""
        return self.formula.inputs == "given"

    @property
    def exact(self) -> bool:
        """Whether the new allocations are what the recipients would get, to the penny."""
        return (
            self.recomputed
            and self.formula.applied == "fully"
            and self.transition is None
            and not any(r.paid_otherwise for r in self.recipients)
        )

    @property
    def old_total(self) -> Decimal:
        return sum((r.old for r in self.recipients if r.old is not None), ZERO)

    @property
    def new_total(self) -> Decimal | None:
        if not self.recomputed:
            return None
        return sum((r.new for r in self.recipients if r.new is not None), ZERO)


@dataclass(frozen=True)
class OtherMoney:
    """An allocation from the stream outside the scenario's formulas, kept as recorded."""

    partnership: str
    id: str
    method: str
    amount: Decimal | None
    status: str | None


@dataclass(frozen=True)
class Line:
    """A service's or action's funding line from the stream in the year."""

    partnership: str
    kind: Literal["service", "action"]
    id: str
    name: str
    amount: Decimal | None
    status: str | None
    combined_with: tuple[str, ...]
    combined_total: Decimal | None


@dataclass(frozen=True)
class Fit:
    """Whether a recipient's lines from the stream fit in its money from it, now and then.

    They fit when the known amounts of the lines add up to no more than the recipient's
    money from the stream: its formula allocations plus its other allocations from the
    stream. A line of unknown amount is never £0: with one, the answer is `unknown` unless
    the known lines alone are already too much (and the money is all known)."""

    key: str
    name: str
    partnerships: tuple[str, ...]
    without_plan: tuple[str, ...]
    """Partnerships it receives for that have no plan for the year (so no lines are known)."""
    old_formula: Decimal | None
    """What its formula allocations gave it: the amounts paid, when recorded."""
    new_formula: Decimal | None
    others: tuple[OtherMoney, ...]
    lines: tuple[Line, ...]
    exact: bool

    @property
    def others_total(self) -> Decimal:
        return sum((o.amount for o in self.others if o.amount is not None), ZERO)

    @property
    def others_known(self) -> bool:
        return all(o.amount is not None for o in self.others)

    @property
    def old_money(self) -> Decimal | None:
        return None if self.old_formula is None else self.old_formula + self.others_total

    @property
    def new_money(self) -> Decimal | None:
        return None if self.new_formula is None else self.new_formula + self.others_total

    @property
    def known_total(self) -> Decimal:
        """The lines' known amounts: a combined group counted once by its published total
        when all its lines are here, else left out as unknown."""
        return _lines_total(self.lines)[0]

    @property
    def unknown_lines(self) -> tuple[Line, ...]:
        return _lines_total(self.lines)[1]

    @property
    def before(self) -> Verdict:
        return self._verdict(self.old_money)

    @property
    def now(self) -> Verdict:
        return self._verdict(self.new_money)

    @property
    def shortfall(self) -> Decimal | None:
        """How much the known lines exceed the new money, when they do."""
        money = self.new_money
        if money is None or self.known_total <= money:
            return None
        return self.known_total - money

    def _verdict(self, money: Decimal | None) -> Verdict:
        if not self.lines:
            return "no-lines"
        if money is None:
            return "unknown"
        if self.known_total > money:
            return "does-not-fit" if self.others_known else "unknown"
        return "unknown" if self.unknown_lines or not self.others_known else "fits"


@dataclass(frozen=True)
class Scenario:
    """The answer: each formula fed by the stream shared again, and each recipient's fit."""

    partnership: str
    partnership_name: str
    year: str
    stream: str
    stream_name: str
    change: PotChange
    formulas: tuple[FormulaScenario, ...]
    kept: tuple[OtherMoney, ...]
    """The partnership's own allocations from the stream outside its formulas (e.g. retained)."""
    fits: tuple[Fit, ...]

    @property
    def exact(self) -> bool:
        return all(f.exact for f in self.formulas)


def _lines_total(lines: Iterable[Line]) -> tuple[Decimal, tuple[Line, ...]]:
    lines = tuple(lines)
    combined = {line.id for line in lines if line.status == "combined"}
    total, groups, unknown = ZERO, set(), []
    for line in lines:
        if line.amount is not None:
            total += line.amount
            continue
        group = frozenset([line.id, *line.combined_with])
        if line.status == "combined" and line.combined_total is not None and group <= combined:
            if group not in groups:
                groups.add(group)
                total += line.combined_total
        else:
            unknown.append(line)
    return total, tuple(unknown)


def _plan_year(project: Project, partnership: str, year: str) -> PlanYear:
    if partnership not in project.partnerships:
        raise ScenarioError(
            f"unknown partnership '{partnership}'{did_you_mean(partnership, project.partnerships)}"
        )
    plan_year = project.years.get((partnership, year))
    if plan_year is None:
        years = [py.year for py in project.years_of(partnership)]
        raise ScenarioError(
            f"{partnership} has no plan year '{year}' (its years: {', '.join(years) or 'none'})"
            + did_you_mean(year, years)
        )
    return plan_year


def _formulas(project: Project, plan_year: PlanYear, stream: str) -> list[Formula]:
    if stream not in project.streams:
        raise ScenarioError(
            f"unknown funding stream '{stream}'{did_you_mean(stream, project.streams)}"
        )
    formulas = plan_year.funding.formulas
    fed = [formula for formula in formulas if formula.stream == stream]
    if not fed:
        where = f"{plan_year.partnership}'s {plan_year.year} funding.yml"
        others = sorted({formula.stream for formula in formulas})
        raise ScenarioError(
            f"no formula in {where} is fed by '{stream}'; "
            + (f"formulas there are fed by: {', '.join(others)}" if others else "it has none")
        )
    return fed


def _recompute(
    formula: Formula, year: str, new_pot: Decimal, names: Mapping[str, str]
) -> FormulaScenario:
    old = work_out(formula)
    # a new model, not model_copy(update=...): Strict models share their set of given fields
    try:
        changed = Formula.model_validate({**formula.model_dump(), "pot": new_pot})
    except (ValidationError, ArithmeticError):  # more digits than a decimal holds
        raise ScenarioError(f"a pot of £{new_pot:,.2f} is more than the plans can hold") from None
    new = work_out(changed)
    recipients = tuple(
        RecipientChange(
            key=before.key,
            name=names.get(before.key, before.key),
            partnership=before.partnership,
            covers=before.covers,
            old_share=before.formula_amount,
            new_share=after.formula_amount,
            adjustment=before.adjustment,
            adjustment_reason=before.adjustment_reason,
            old=before.amount,
            new=after.amount if after.formula_amount is not None else None,
            paid=before.paid,
            paid_reason=before.paid_reason,
        )
        for before, after in zip(old.rows, new.rows, strict=True)
    )
    step = next((s for s in formula.transition if s.year == year), None)
    return FormulaScenario(
        formula,
        new_pot,
        recipients,
        new.formula_total,
        step if step is not None and step.percent_of_target < 100 else None,
    )


def _lines(plan_year: PlanYear, stream: str) -> list[Line]:
    sources: list[tuple[Literal["service", "action"], str, str, list[Funding]]] = [
        *(("service", s.id, s.name, s.funding) for s in plan_year.services.services),
        *(("action", a.id, a.title, a.funding) for a in plan_year.actions.actions),
    ]
    found = []
    for kind, sid, name, funding in sources:
        for line in funding:
            if line.stream != stream or line.year not in (None, plan_year.year):
                continue
            combined = (tuple(line.combined_with), line.combined_total)
            found.append(
                Line(plan_year.partnership, kind, sid, name, line.amount, line.amount_status,
                     *combined)
            )  # fmt: skip
    return found


def _other_money(
    plan_year: PlanYear, stream: str, formulas: Mapping[str, FormulaFacts], ours: set[str]
) -> list[OtherMoney]:
    """The year's allocations from the stream that are not the scenario's formulas."""
    found = []
    for facts in allocation_facts(plan_year, formulas):
        line = facts.allocation
        if line.stream == stream and (line.formula or "") not in ours:
            found.append(
                OtherMoney(plan_year.partnership, line.id, line.method, facts.amount,
                           line.amount_status)
            )  # fmt: skip
    return found


def scenario(
    project: Project, partnership: str, year: str, stream: str, change: PotChange
) -> Scenario:
    """Share again every formula fed by `stream` in `partnership`'s `year` funding.yml."""
    plan_year = _plan_year(project, partnership, year)
    fed = _formulas(project, plan_year, stream)
    if change.pot is not None and len(fed) > 1:
        raise ScenarioError(
            f"{len(fed)} formulas in {partnership}'s {year} funding.yml are fed by '{stream}' "
            f"({', '.join(f.id for f in fed)}); --pot gives one pot: use --change to change "
            "them all by the same percentage"
        )
    names = {oid: org.name for oid, org in project.organisations.items()}
    names.update({pid: p.name for pid, p in project.partnerships.items()})
    results = tuple(_recompute(f, year, change.new_pot(f), names) for f in fed)
    ours = {formula.id for formula in fed}
    every = all_formulas(project, year)
    groups: dict[str, list[tuple[FormulaScenario, RecipientChange]]] = {}
    for result in results:
        for recipient in result.recipients:
            groups.setdefault(recipient.key, []).append((result, recipient))
    fits = []
    for key, rows in groups.items():
        first = rows[0][1]
        partnerships = (first.partnership,) if first.partnership else first.covers
        plans = [project.years.get((pid, year)) for pid in partnerships]
        fits.append(
            Fit(
                key=key,
                name=first.name,
                partnerships=partnerships,
                without_plan=tuple(
                    pid for pid, py in zip(partnerships, plans, strict=True) if py is None
                ),
                old_formula=_sum(r.received for _, r in rows),
                new_formula=_sum(r.new for _, r in rows),
                others=tuple(
                    other
                    for py in plans
                    if py is not None
                    for other in _other_money(py, stream, every, ours)
                ),
                lines=tuple(line for py in plans if py is not None for line in _lines(py, stream)),
                exact=all(result.exact for result, _ in rows),
            )
        )
    return Scenario(
        partnership=partnership,
        partnership_name=project.partnerships[partnership].name,
        year=year,
        stream=stream,
        stream_name=project.streams[stream].name,
        change=change,
        formulas=results,
        kept=tuple(_other_money(plan_year, stream, every, ours)),
        fits=tuple(fits),
    )


def _sum(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None when one of them is not known."""
    total = ZERO
    for amount in amounts:
        if amount is None:
            return None
        total += amount
    return total

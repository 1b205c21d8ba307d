"""Money worked out for a plan year: formula shares to the penny, allocations against their
pots, known totals (an unknown amount is never counted as £0), cuts and funding-stream uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from generator.compute.allocation import Criterion, allocate_by_formula
from generator.model import PlanYear, Project
from generator.model.delivery import Funding, Service
from generator.model.funding import Allocation, Cut, Formula
from generator.model.reference import FundingStream

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AllocationFacts:
    """An allocation received, with a formula allocation's computed amount.

    `amount` is None when it is not known (amount_status, or a share paid to an organisation
    for several partnerships: then `covered_by` is that row of the formula)."""

    allocation: Allocation
    amount: Decimal | None
    formula_amount: Decimal | None = None
    adjustment: Decimal | None = None
    adjustment_reason: str | None = None
    published_amount: Decimal | None = None
    paid_reason: str | None = None
    covered_by: FormulaRow | None = None


@dataclass(frozen=True)
class FormulaRow:
    """One recipient of a formula: inputs, shares, the computed amount and any adjustment.

    With inputs not published there are no shares: `formula_amount` is None and `amount` is
    the published figure. `received` is what was paid: `paid` when given, else `amount`."""

    partnership: str | None
    organisation: str | None
    covers: tuple[str, ...]
    paid_to: str | None
    inputs: tuple[tuple[str, Decimal], ...]
    criterion_shares: tuple[tuple[str, Fraction], ...]
    share: Fraction | None
    formula_amount: Decimal | None
    adjustment: Decimal
    adjustment_reason: str | None
    amount: Decimal | None
    published_amount: Decimal | None
    paid: Decimal | None = None
    paid_reason: str | None = None
    published_note: str | None = None

    @property
    def key(self) -> str:
        """The partnership, or the organisation paid for several."""
        return self.partnership or self.organisation or ""

    @property
    def received(self) -> Decimal | None:
        return self.paid if self.paid is not None else self.amount

    @property
    def share_percent(self) -> Decimal | None:
        if self.share is None:
            return None
        return Decimal(self.share.numerator * 100) / Decimal(self.share.denominator)


@dataclass(frozen=True)
class FormulaFacts:
    """A formula shared out to the penny and reconciled (or, inputs unpublished, as printed)."""

    formula: Formula
    rows: tuple[FormulaRow, ...]
    formula_total: Decimal | None
    total: Decimal
    unknown: tuple[str, ...] = ()
    paid_total: Decimal | None = None

    @property
    def computed(self) -> bool:
        """Whether the shares were worked out (the inputs were published)."""
        return self.formula.inputs == "given"

    @property
    def published_difference(self) -> Decimal | None:
        published = self.formula.published_total
        return None if published is None else published - self.total


@dataclass(frozen=True)
class CutFacts:
    """A cut with the year whose funding.yml records it and the years it reduces."""

    cut: Cut
    recorded_in: str
    applies_to: tuple[str, ...]


def split_evenly(amount: Decimal, keys: list[str]) -> dict[str, Decimal]:
    """Share an amount equally between keys to the penny (largest remainder, by key)."""
    if not keys:
        return {}
    criteria = [Criterion("equal", Decimal(1))]
    result = allocate_by_formula(amount, criteria, {k: {"equal": Decimal(1)} for k in keys})
    return {share.recipient: share.amount for share in result.shares}


def formula_facts(formula: Formula) -> FormulaFacts:
    """A formula's rows: inputs, exact shares, the penny amounts, adjustments and the total."""
    shares = {}
    if formula.inputs == "given":
        criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
        result = allocate_by_formula(
            formula.pot, criteria, {r.key: dict(r.inputs) for r in formula.recipients}
        )
        shares = {share.recipient: share for share in result.shares}
    rows = []
    for recipient in formula.recipients:
        adjustment = recipient.adjustment.amount if recipient.adjustment else ZERO
        share = shares.get(recipient.key)
        amount = share.amount + adjustment if share else recipient.published_amount
        rows.append(
            FormulaRow(
                partnership=recipient.partnership,
                organisation=recipient.organisation,
                covers=tuple(recipient.covers),
                paid_to=recipient.paid_to,
                inputs=tuple(
                    (c.id, recipient.inputs[c.id]) for c in formula.criteria if share is not None
                ),
                criterion_shares=share.criterion_shares if share else (),
                share=share.share if share else None,
                formula_amount=share.amount if share else None,
                adjustment=adjustment,
                adjustment_reason=recipient.adjustment.reason if recipient.adjustment else None,
                amount=amount,
                published_amount=recipient.published_amount,
                paid=recipient.paid,
                paid_reason=recipient.paid_reason,
                published_note=recipient.published_note,
            )
        )
    total = sum((row.amount for row in rows if row.amount is not None), ZERO)
    unknown = tuple(row.key for row in rows if row.amount is None)
    formula_total = (
        sum((row.formula_amount for row in rows if row.formula_amount is not None), ZERO)
        if shares
        else None
    )
    paid_total = (
        sum((row.received for row in rows if row.received is not None), ZERO)
        if any(row.paid is not None for row in rows)
        else None
    )
    return FormulaFacts(formula, tuple(rows), formula_total, total, unknown, paid_total)


class Formulas(Mapping[str, FormulaFacts]):
    """Every formula of a year by id, each worked out when first asked for: a shard of one
    police force area shows one or two of a year's formulas, and working out all of them (in
    exact fractions) took most of the time spent planning and starting each shard."""

    def __init__(self, formulas: Iterable[Formula]) -> None:
        self._formulas = {formula.id: formula for formula in formulas}
        self._facts: dict[str, FormulaFacts] = {}

    def __getitem__(self, formula_id: str) -> FormulaFacts:
        facts = self._facts.get(formula_id)
        if facts is None:
            facts = self._facts[formula_id] = formula_facts(self._formulas[formula_id])
        return facts

    def __contains__(self, formula_id: object) -> bool:
        return formula_id in self._formulas

    def __iter__(self) -> Iterator[str]:
        return iter(self._formulas)

    def __len__(self) -> int:
        return len(self._formulas)


def all_formulas(project: Project, year: str) -> Formulas:
    """Every formula of a year, by id (each worked out on first use)."""
    return Formulas(
        formula for py in project.plan_years() if py.year == year for formula in py.funding.formulas
    )


def allocation_facts(
    plan_year: PlanYear, formulas: Mapping[str, FormulaFacts]
) -> tuple[AllocationFacts, ...]:
    out = []
    pid = plan_year.partnership
    for alloc in plan_year.funding.allocations:
        facts = formulas.get(alloc.formula or "")
        rows = facts.rows if facts else ()
        row = next((r for r in rows if r.partnership == pid), None)
        covering = next((r for r in rows if pid in r.covers), None)
        if row is not None:
            out.append(
                AllocationFacts(
                    alloc, row.received, row.formula_amount, row.adjustment, row.adjustment_reason,
                    alloc.published_amount or row.published_amount, row.paid_reason,
                )
            )  # fmt: skip
        elif covering is not None:
            out.append(
                AllocationFacts(
                    alloc, None, None, None, None, alloc.published_amount, covered_by=covering
                )
            )
        else:
            out.append(
                AllocationFacts(alloc, alloc.amount, None, None, None, alloc.published_amount)
            )
    return tuple(out)


def known_total(allocations: Iterable[AllocationFacts]) -> tuple[Decimal, tuple[str, ...]]:
    """The total of the amounts known, and the ids of the lines it leaves out.

    A combined line counts through its group's one published total, once per group; a
    withheld or unpublished amount, or a share paid to an organisation for several
    partnerships, is left out and named: unknown money is never counted as £0."""
    total = ZERO
    groups: set[frozenset[str]] = set()
    left_out: list[str] = []
    for facts in allocations:
        line = facts.allocation
        if facts.amount is not None:
            total += facts.amount
        elif line.amount_status == "combined" and line.combined_total is not None:
            group = frozenset([line.id, *line.combined_with])
            if group not in groups:
                groups.add(group)
                total += line.combined_total
        else:
            left_out.append(line.id)
    return total, tuple(left_out)


def partnership_cuts(project: Project, partnership: str) -> tuple[CutFacts, ...]:
    """Every cut recorded in any of a partnership's funding files, with the years it reduces."""
    return tuple(
        CutFacts(cut, py.year, tuple(cut.applies_to) or (py.year,))
        for py in project.years_of(partnership)
        for cut in py.funding.cuts
    )


def announced_in(facts: CutFacts, plan_year: PlanYear) -> bool:
    """Whether a cut was announced during the plan year (or, undated, recorded in it)."""
    when = facts.cut.announced
    if when is None:
        return facts.recorded_in == plan_year.year
    start = date(plan_year.start_year, 4, 1)
    end = date(plan_year.start_year + 1, 3, 31)
    return start <= when.earliest and when.latest <= end


def ends_by(stream: FundingStream, year: str) -> bool:
    """Whether a stream's money stops in or before a financial year: its last day, as late
    as the source's date can mean (`2028` is any day of 2028), is on or before 31 March at
    the end of `year`."""
    return stream.ends is not None and stream.ends.latest <= date(int(year[:4]) + 1, 3, 31)


def streams_of(plan_year: PlanYear, allocations: Iterable[AllocationFacts]) -> list[str]:
    streams = [a.allocation.stream for a in allocations]
    streams += [f.stream for f in plan_year.funding.formulas]
    return list(dict.fromkeys(streams))


def stream_uses(project: Project, stream: str, year: str) -> Decimal:
    """What the recorded allocations draw from a stream in a year: plain amounts (combined
    lines by their published total) and whole formula pots."""
    lines: list[AllocationFacts] = []
    total = ZERO
    for py in project.plan_years():
        if py.year != year:
            continue
        lines += [
            AllocationFacts(a, a.amount)
            for a in py.funding.allocations
            if a.stream == stream and a.method != "formula"
        ]
        total += sum((f.pot for f in py.funding.formulas if f.stream == stream), ZERO)
    return total + known_total(lines)[0]


def pot_totals(
    project: Project, year: str, streams: Iterable[str]
) -> tuple[tuple[str, Decimal], ...]:
    """For each stream whose pot this year has a published total: the recorded allocations'."""
    out = []
    for sid in streams:
        stream = project.streams.get(sid)
        pot = next((p for p in stream.pots if p.year == year), None) if stream else None
        if pot is not None and pot.published_total is not None:
            out.append((sid, stream_uses(project, sid, year)))
    return tuple(out)


def sum_by(pairs: Iterable[tuple[str, Decimal]]) -> tuple[tuple[str, Decimal], ...]:
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in pairs:
        totals[key] += amount
    return tuple(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def funding_lines(plan_year: PlanYear) -> list[tuple[str, str, Decimal, list[str], str]]:
    """(source, stream, amount, priorities, model) for every funding line of the year whose
    amount is known."""
    lines: list[tuple[str, str, Decimal, list[str], str]] = []
    for service in plan_year.services.services:
        for line in service.funding:
            if line.year in (None, plan_year.year) and line.amount is not None:
                lines.append(
                    (
                        service.id,
                        line.stream,
                        line.amount,
                        list(service.priorities),
                        service.delivery_model,
                    )
                )
    for action in plan_year.actions.actions:
        for line in action.funding:
            if line.year in (None, plan_year.year) and line.amount is not None:
                lines.append((action.id, line.stream, line.amount, [action.priority], "action"))
    return lines


def service_funding(service: Service, year: str) -> tuple[Decimal, int]:
    """A service's funding in a year: the sum of its lines of known amount, and how many lines
    have none (so that a total with unknown lines is said to be "at least")."""
    lines = [line for line in service.funding if line.year in (None, year)]
    known = sum((line.amount for line in lines if line.amount is not None), ZERO)
    return known, sum(1 for line in lines if line.amount is None)


def unknown_lines(plan_year: PlanYear) -> tuple[tuple[str, str], ...]:
    """(source, stream) for every funding line of the year whose amount is unknown."""
    sources: list[tuple[str, list[Funding]]] = [
        *((s.id, s.funding) for s in plan_year.services.services),
        *((a.id, a.funding) for a in plan_year.actions.actions),
    ]
    return tuple(
        (source, line.stream)
        for source, funding in sources
        for line in funding
        if line.year in (None, plan_year.year) and line.amount is None
    )

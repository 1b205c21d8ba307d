"""Rules: the money reconciles — pots are not over-spent, formulas share out to the penny."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from generator.compute import (
    Criterion,
    FormulaError,
    RiskBand,
    allocate_by_formula,
    check_bands,
    weights_total,
)
from generator.model import PlanYear, Project
from generator.model.funding import Formula
from generator.problems import FieldPath, Problem
from generator.validate.context import WARNING, At, at, has, money
from generator.validate.coverage import year_end, year_start


def settings_are_sound(project: Project) -> Iterator[Problem]:
    """Risk bands cover every achievable score exactly once."""
    f = At(project, project.reference_files["settings"])
    bands = [RiskBand(b.name, b.low, b.high) for b in project.settings.risk_bands]
    for message in check_bands(bands):
        yield f.problem(("risk_bands",), message)


def formula_result(formula: Formula) -> dict[str, Decimal]:
    """The formula amount of each recipient partnership (before any adjustment)."""
    criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
    inputs = {r.partnership: dict(r.inputs) for r in formula.recipients}
    result = allocate_by_formula(formula.pot, criteria, inputs)
    return {share.recipient: share.amount for share in result.shares}


def formulas_reconcile(project: Project) -> Iterator[Problem]:
    """Weights sum to 1, every input is given, and published figures are compared, not trusted."""
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        for i, formula in enumerate(py.funding.formulas):
            base: FieldPath = ("formulas", i)
            total = weights_total([Criterion(c.id, c.weight) for c in formula.criteria])
            if total != 1:
                yield f.problem(
                    (*base, "criteria"),
                    f"criteria weights sum to {total.normalize():f}, not 1; adjust them",
                )
                continue
            criteria = {c.id for c in formula.criteria}
            missing_input = False
            for j, recipient in enumerate(formula.recipients):
                rbase = (*base, "recipients", j, "inputs")
                for key in sorted(criteria - set(recipient.inputs)):
                    missing_input = True
                    yield f.problem(rbase, f"no input for criterion '{key}'; add it")
                for key in sorted(set(recipient.inputs) - criteria):
                    missing_input = True
                    yield f.problem((*rbase, key), f"'{key}' is not a criterion of this formula")
            if missing_input:
                continue
            try:
                amounts = formula_result(formula)
            except FormulaError as exc:
                yield f.problem(base, str(exc))
                continue
            final_total = Decimal(0)
            for j, recipient in enumerate(formula.recipients):
                final = amounts[recipient.partnership] + (
                    recipient.adjustment.amount if recipient.adjustment else 0
                )
                final_total += final
                if final < 0:
                    yield f.problem(
                        (*base, "recipients", j, "adjustment"),
                        f"the adjustment makes the allocation negative ({money(final)})",
                    )
                if (
                    recipient.published_amount is not None
                    and recipient.published_amount != final
                    and recipient.published_note is None
                ):
                    diff = recipient.published_amount - final
                    yield f.problem(
                        (*base, "recipients", j, "published_amount"),
                        f"published {money(recipient.published_amount)} differs from the "
                        f"computed {money(final)} by {money(diff)}; both are shown (explain it "
                        "in published_note to record that it is known)",
                        WARNING,
                    )
            published = formula.published_total
            if published is not None and published != final_total and not formula.published_note:
                yield f.problem(
                    (*base, "published_total"),
                    f"published total {money(published)} differs from the sum of the rows "
                    f"{money(final_total)} by {money(published - final_total)}; both are shown "
                    "(explain it in published_note to record that it is known)",
                    WARNING,
                )


def _formulas_by_year(project: Project) -> dict[tuple[str, str], Formula]:
    """Formulas by (year, id); the first wins (a repeated id is its own error)."""
    found: dict[tuple[str, str], Formula] = {}
    for py in project.plan_years():
        for formula in py.funding.formulas:
            found.setdefault((py.year, formula.id), formula)
    return found


def _incomplete(formula: Formula) -> bool:
    """Whether a formula cannot be computed (its own problems are reported elsewhere)."""
    criteria = [Criterion(c.id, c.weight) for c in formula.criteria]
    keys = {c.id for c in formula.criteria}
    if weights_total(criteria) != 1 or any(set(r.inputs) != keys for r in formula.recipients):
        return True
    try:
        formula_result(formula)
    except FormulaError:
        return True
    return False


def formula_allocations_match(project: Project) -> Iterator[Problem]:
    """A formula allocation is in its formula; every formula recipient records its allocation."""
    formulas = _formulas_by_year(project)
    results: dict[tuple[str, str], dict[str, Decimal] | None] = {}
    received: set[tuple[str, str, str]] = set()
    for py in project.plan_years():
        for i, alloc in enumerate(py.funding.allocations):
            formula = formulas.get((py.year, alloc.formula or ""))
            if alloc.method != "formula" or formula is None:
                continue
            received.add((py.year, formula.id, py.partnership))
            f = at(project, py, "funding")
            base = ("allocations", i)
            if alloc.stream != formula.stream:
                yield f.problem(
                    (*base, "stream"),
                    f"formula '{formula.id}' shares stream '{formula.stream}', "
                    f"not '{alloc.stream}'",
                )
            recipients = {r.partnership: r for r in formula.recipients}
            if py.partnership not in recipients:
                yield f.problem(
                    (*base, "formula"),
                    f"{py.partnership} is not a recipient of formula '{formula.id}'",
                )
                continue
            key = (py.year, formula.id)
            if key not in results:  # one computation per formula, not per recipient
                results[key] = None if _incomplete(formula) else formula_result(formula)
            amounts = results[key]
            row_amount = amounts.get(py.partnership) if amounts is not None else None
            recipient = recipients[py.partnership]
            final = (
                row_amount + (recipient.adjustment.amount if recipient.adjustment else 0)
                if row_amount is not None
                else None
            )
            if (
                final is not None
                and alloc.published_amount not in (None, final)
                and alloc.published_note is None
            ):
                assert alloc.published_amount is not None
                yield f.problem(
                    (*base, "published_amount"),
                    f"published {money(alloc.published_amount)} differs from the computed "
                    f"{money(final)} by {money(alloc.published_amount - final)}; both are shown "
                    "(explain it in published_note to record that it is known)",
                    WARNING,
                )
            if alloc.amount is not None:
                yield f.problem(
                    (*base, "amount"),
                    "a formula allocation is computed to the penny; leave amount out "
                    "(use published_amount for a published figure)",
                )
    for py in project.plan_years():
        for i, formula in enumerate(py.funding.formulas):
            for j, recipient in enumerate(formula.recipients):
                if (py.year, formula.id, recipient.partnership) not in received:
                    yield at(project, py, "funding").problem(
                        ("formulas", i, "recipients", j, "partnership"),
                        f"{recipient.partnership} has no allocation from formula "
                        f"'{formula.id}' in its {py.year} funding.yml",
                        WARNING,
                    )


def cuts_fall_in_year(project: Project) -> Iterator[Problem]:
    """A mid-year cut is dated within its year."""
    for py in project.plan_years():
        for i, cut in enumerate(py.funding.cuts):
            if not year_start(py) <= cut.date <= year_end(py):
                yield at(project, py, "funding").problem(
                    ("cuts", i, "date"), f"the cut on {cut.date.isoformat()} is outside {py.year}"
                )


def _stream_uses(project: Project) -> dict[tuple[str, str], list[tuple[At, FieldPath, Decimal]]]:
    """Money drawn from each (stream, year): plain allocations and whole formula pots."""
    uses: dict[tuple[str, str], list[tuple[At, FieldPath, Decimal]]] = defaultdict(list)
    for py in project.plan_years():
        if not has(py, "funding"):
            continue
        f = at(project, py, "funding")
        for i, alloc in enumerate(py.funding.allocations):
            if alloc.method != "formula" and alloc.amount is not None:
                uses[(alloc.stream, py.year)].append(
                    (f, ("allocations", i, "amount"), alloc.amount)
                )
        for i, formula in enumerate(py.funding.formulas):
            uses[(formula.stream, py.year)].append((f, ("formulas", i, "pot"), formula.pot))
    return uses


def pots_not_exceeded(project: Project) -> Iterator[Problem]:
    """Allocations never exceed the stream's pot (beyond declared over-programming: a warning)."""
    for (stream_id, year), uses in sorted(_stream_uses(project).items(), key=lambda kv: kv[0]):
        stream = project.streams.get(stream_id)
        if stream is None:
            continue  # reported as an unknown stream
        pots = {pot.year: pot.amount for pot in stream.pots}
        last_at, last_path, _ = uses[-1]
        if year not in pots:
            yield last_at.problem(
                last_path,
                f"stream '{stream_id}' has no pot for {year}; add one to data/funding-streams.yml",
            )
            continue
        total = sum((amount for _, _, amount in uses), Decimal(0))
        pot = pots[year]
        ceiling = pot * (1 + stream.over_programming_percent / 100)
        if total > ceiling:
            yield last_at.problem(
                last_path,
                f"allocations from '{stream_id}' in {year} total {money(total)}, more than its "
                f"pot of {money(pot)}"
                + (
                    f" plus the declared {stream.over_programming_percent.normalize():f}% "
                    "over-programming"
                    if stream.over_programming_percent
                    else ""
                ),
            )
        elif total > pot:
            yield last_at.problem(
                last_path,
                f"allocations from '{stream_id}' in {year} total {money(total)}: over-programmed "
                f"by {money(total - pot)} against a pot of {money(pot)} (declared "
                f"{stream.over_programming_percent.normalize():f}%)",
                WARNING,
            )


def _stream_lines(py: PlanYear) -> Iterator[tuple[str, FieldPath, str, str | None]]:
    """(kind, path, stream, explicit year) of every place a plan year draws on a stream."""
    for i, alloc in enumerate(py.funding.allocations):
        yield "funding", ("allocations", i, "stream"), alloc.stream, None
    for i, formula in enumerate(py.funding.formulas):
        yield "funding", ("formulas", i, "stream"), formula.stream, None
    for i, action in enumerate(py.actions.actions):
        for j, line in enumerate(action.funding):
            yield "actions", ("actions", i, "funding", j, "stream"), line.stream, line.year
    for i, service in enumerate(py.services.services):
        for j, line in enumerate(service.funding):
            yield "services", ("services", i, "funding", j, "stream"), line.stream, line.year


def streams_are_live(project: Project) -> Iterator[Problem]:
    """Nothing is funded from a stream outside the dates it runs."""
    for py in project.plan_years():
        for kind, path, stream_id, year in _stream_lines(py):
            stream = project.streams.get(stream_id)
            if stream is None:
                continue
            start_year = int((year or py.year)[:4])
            begins, finishes = (
                year_start(py).replace(year=start_year),
                year_end(py).replace(year=start_year + 1),
            )
            if stream.ends is not None and stream.ends < begins:
                yield at(project, py, kind).problem(
                    path,
                    f"stream '{stream_id}' ended on {stream.ends.isoformat()}, before "
                    f"{year or py.year} began; fund this from another stream",
                )
            if stream.starts is not None and stream.starts > finishes:
                yield at(project, py, kind).problem(
                    path,
                    f"stream '{stream_id}' starts on {stream.starts.isoformat()}, after "
                    f"{year or py.year} ends",
                )

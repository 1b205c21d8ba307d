"""Funding compared: allocations, formulas (pot, weights, recipients' inputs and adjustments,
every share worked out on both sides to the penny) and the money that moved between recipients."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

from generator.compute.money import (
    ZERO,
    FormulaFacts,
    all_formulas,
    allocation_facts,
    formula_facts,
)
from generator.model import PlanYear, Project
from generator.model.funding import Formula
from generator.review.changes import Change, Moved, by_id, matched
from generator.review.words import amount_words, difference, pounds, words


def known_total(total: tuple[Decimal, int]) -> str:
    amount, unknown = total
    if not unknown:
        return pounds(amount)
    lines = f"{unknown} line{'s' if unknown != 1 else ''} of unknown amount"
    return f"at least {pounds(amount)} ({lines})" if amount else lines


def funding_changes(
    before: Project,
    old: PlanYear,
    after: Project,
    new: PlanYear,
    formulas: Callable[[str], Mapping[str, FormulaFacts]] | None = None,
) -> Iterator[Change]:
    old_formulas = formulas(old.year) if formulas else all_formulas(before, old.year)
    new_formulas = formulas(new.year) if formulas else all_formulas(after, new.year)
    old_facts = by_id(allocation_facts(old, old_formulas), lambda f: f.allocation.id)
    new_facts = by_id(allocation_facts(new, new_formulas), lambda f: f.allocation.id)
    for aid, was, now in matched(old_facts, new_facts):
        line = (now or was).allocation  # type: ignore[union-attr]
        stream = after.streams.get(line.stream) or before.streams.get(line.stream)
        title = line.title or (stream.name if stream else line.stream)
        if was is None:
            assert now is not None
            yield Change(
                "allocation", aid, title, "new allocation", after=amount_words(now.amount, line),
                money=now.amount, counts="allocation added",
            )  # fmt: skip
        elif now is None:
            yield Change(
                "allocation", aid, title, "allocation removed",
                before=amount_words(was.amount, was.allocation), counts="allocation removed",
            )  # fmt: skip
        else:
            old_w = amount_words(was.amount, was.allocation)
            new_w = amount_words(now.amount, now.allocation)
            if old_w != new_w:
                diff = difference(was.amount, now.amount)
                yield Change(
                    "allocation", aid, title,
                    "allocation changed" + (f" ({pounds(diff, signed=True)})" if diff else ""),
                    old_w, new_w, diff, "allocation changed",
                )  # fmt: skip
    old_f: dict[str, Formula] = by_id(old.funding.formulas)
    new_f: dict[str, Formula] = by_id(new.funding.formulas)
    for fid, was_f, now_f in matched(old_f, new_f):
        if was_f is None or now_f is None:
            item = now_f or was_f
            assert item is not None
            what = "formula added" if now_f else "formula removed"
            yield Change("formula", fid, item.title, what, counts=what)
            continue
        yield from _formula(was_f, now_f, _recipient_names(before, after))


def _recipient_names(before: Project, after: Project) -> Callable[[str], str]:
    """A formula recipient's name by its key (a partnership's or an organisation's id), the
    later version's winning; the id itself for one neither version knows."""

    def name(key: str) -> str:
        for project in (after, before):
            if key in project.partnerships:
                return project.partnerships[key].name
            if key in project.organisations:
                return project.organisations[key].name
        return key

    return name


def _formula(was: Formula, now: Formula, name: Callable[[str], str]) -> Iterator[Change]:
    if was.pot != now.pot:
        diff = now.pot - was.pot
        yield Change(
            "formula", now.id, now.title, f"pot changed ({pounds(diff, signed=True)})",
            pounds(was.pot), pounds(now.pot), diff, "formula pot changed",
        )  # fmt: skip
    old_c, new_c = by_id(was.criteria), by_id(now.criteria)
    titles = {c.id: c.title for c in (*was.criteria, *now.criteria)}  # the later title wins
    for cid, a, b in matched(old_c, new_c):
        if a is None or b is None:
            yield Change(
                "formula", now.id, now.title,
                f"criterion '{titles[cid]}' {'added' if b else 'removed'}",
                counts="formula weight changed",
            )  # fmt: skip
        elif a.weight != b.weight:
            yield Change(
                "formula", now.id, now.title, f"weight of '{titles[cid]}' changed",
                words(a.weight), words(b.weight), counts="formula weight changed",
            )  # fmt: skip
    old_r = by_id(was.recipients, lambda r: r.key)
    new_r = by_id(now.recipients, lambda r: r.key)
    for key, a_r, b_r in matched(old_r, new_r):
        if a_r is None or b_r is None:
            yield Change(
                "formula", now.id, now.title,
                f"recipient {name(key)} {'added' if b_r else 'removed'}",
            )  # fmt: skip
            continue
        for cid in dict.fromkeys([*a_r.inputs, *b_r.inputs]):
            x, y = a_r.inputs.get(cid), b_r.inputs.get(cid)
            if x != y:
                yield Change(
                    "formula", now.id, now.title,
                    f"{name(key)}'s '{titles.get(cid, cid)}' input changed", words(x), words(y),
                    counts="formula input changed",
                )  # fmt: skip
        if a_r.adjustment != b_r.adjustment:
            yield Change(
                "formula", now.id, now.title, f"{name(key)}'s adjustment changed",
                pounds(a_r.adjustment.amount, signed=True) if a_r.adjustment else "none",
                pounds(b_r.adjustment.amount, signed=True) if b_r.adjustment else "none",
            )  # fmt: skip
    old_rows = {r.key: r for r in formula_facts(was).rows}
    for row in formula_facts(now).rows:
        prior = old_rows.get(row.key)
        if prior is None:
            continue
        a_w, b_w = amount_words(prior.received), amount_words(row.received)
        if a_w != b_w:
            change = difference(prior.received, row.received)
            shown = f" ({pounds(change, signed=True)})" if change else ""
            yield Change(
                "formula", now.id, now.title, f"{name(row.key)}'s share recomputed{shown}",
                a_w, b_w, change, "share recomputed",
            )  # fmt: skip


def moved_money(old: PlanYear, new: PlanYear) -> Iterator[Moved]:
    """For each formula of both versions: the money that moved between its recipients."""
    old_f: dict[str, Formula] = by_id(old.funding.formulas)
    for formula in new.funding.formulas:
        if formula.id not in old_f or old_f[formula.id] == formula:
            continue
        before: dict[str, Decimal | None] = {
            r.key: r.received for r in formula_facts(old_f[formula.id]).rows
        }
        up = ZERO
        moved: list[str] = []
        for row in formula_facts(formula).rows:
            diff = difference(before.get(row.key), row.received)
            if diff:
                moved.append(row.key)
                up += max(diff, ZERO)
        if moved and up:
            yield Moved(formula.id, formula.title, new.year, up, tuple(moved))

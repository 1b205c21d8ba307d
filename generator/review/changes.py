"""What a review reports: typed changes per partnership and plan year, in plain English."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from generator.review.words import pounds

Topic = str
"""What a change is about: partnership, plan, priority, objective, action, service,
allocation, formula, indicator, risk, decision or record."""


@dataclass(frozen=True)
class Change:
    """One difference between the two versions of a plan year.

    `what` is in our words; `title`, `before` and `after` may hold text from the plans (to be
    escaped wherever they are shown). `money` is the £ difference, when there is one; `counts`
    names what the change adds to in the summary ("target changed")."""

    topic: Topic
    id: str
    title: str
    what: str
    before: str | None = None
    after: str | None = None
    money: Decimal | None = None
    counts: str | None = None


@dataclass(frozen=True)
class Section:
    """The changes of one partnership's plan year (`year` None: the partnership itself)."""

    partnership: str
    name: str
    year: str | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Moved:
    """Money that moved between a formula's recipients: the sum of the increases."""

    formula: str
    title: str
    year: str
    amount: Decimal
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """Everything that differs between two versions of a project."""

    before: str
    after: str
    sections: tuple[Section, ...] = ()
    moved: tuple[Moved, ...] = ()
    introduced: tuple[str, ...] = ()
    """Problems of the new version that the old one did not have (as `plans validate` prints)."""
    fixed: tuple[str, ...] = ()
    """Problems of the old version that the new one no longer has."""
    not_compared: tuple[str, ...] = ()
    """Files that did not load or type on one side: their changes are not shown."""
    data_changed: tuple[str, ...] = field(default_factory=tuple)
    """Reference data files (data/) that differ."""

    @property
    def empty(self) -> bool:
        return not (self.sections or self.introduced or self.fixed or self.not_compared)

    def summary(self) -> tuple[str, ...]:
        """The report in a few phrases: "2 targets changed", "£12,400 moved between 3
        partnerships", in the order they first occur."""
        counted: dict[str, int] = {}
        for section in self.sections:
            for change in section.changes:
                what = change.counts or f"{change.topic} changed"
                counted[what] = counted.get(what, 0) + 1
        phrases = [_counted(n, what) for what, n in counted.items()]
        for moved in self.moved:
            phrases.append(
                f"{pounds(moved.amount)} moved between {len(moved.recipients)} "
                f"recipient{'s' if len(moved.recipients) != 1 else ''} of {moved.title}"
            )
        if self.introduced:
            phrases.append(_counted(len(self.introduced), "problem introduced"))
        if self.fixed:
            phrases.append(_counted(len(self.fixed), "problem fixed"))
        return tuple(phrases)


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def _counted(n: int, what: str) -> str:
    """ "2 targets changed" from (2, "target changed"), "2 plan years removed" from (2, "plan
    year removed"): the noun before the verb (the first word ending "ed", or "rewritten") takes
    the plural; with no verb, the first word; with no noun before the verb, none."""
    if n == 1:
        return f"1 {what}"
    words = what.split(" ")
    verb = next((i for i, word in enumerate(words) if word.endswith(("ed", "rewritten"))), None)
    if verb != 0:  # a phrase that starts with its verb has no noun to count
        noun = verb - 1 if verb is not None else 0
        words[noun] = _plural(words[noun])
    return f"{n} {' '.join(words)}"


T = TypeVar("T")


def by_id(items: Iterable[T], key: Callable[[T], str] = lambda x: x.id) -> dict[str, T]:  # type: ignore[attr-defined]
    return {key(item): item for item in items}


def matched(old: Mapping[str, T], new: Mapping[str, T]) -> Iterator[tuple[str, T | None, T | None]]:
    """Each id of either side, in the new side's order then the removed ones."""
    for key in [*new, *(k for k in old if k not in new)]:
        yield key, old.get(key), new.get(key)

"""Problems are values: every stage reports what is wrong as a Problem and carries on."""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

FieldPath = tuple[str | int, ...]


class Severity(StrEnum):
    """How bad a problem is; `--strict` treats warnings as errors."""

    ERROR = "error"
    WARNING = "warning"


class Position(NamedTuple):
    """A 1-based line and column in a source file (a tuple: millions are made per build)."""

    line: int
    column: int


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as the stage that found it could."""

    severity: Severity
    file: str
    line: int
    column: int
    field: str
    message: str
    excerpt: tuple[str, ...] = dataclasses.field(default=(), compare=False)
    """Source lines to show under the problem in text output, a caret under the column."""
    year: str | None = dataclasses.field(default=None, compare=False)
    """The financial year whose plans a problem in a file every year shares (data/) follows
    from: the validation record keeps it with that year (generator/validate/cache.py)."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.field, self.message)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        field = f" [{_one_line(self.field)}]" if self.field else ""
        return f"{where}: {self.severity.value}: {_one_line(self.message)}{field}"

    def shown(self) -> str:
        """The problem as text output prints it: its one line, then any excerpt, indented."""
        return "\n".join([str(self), *(f"    {line}" for line in self.excerpt)])


def _one_line(text: str) -> str:
    """A problem stays on one line of output, whatever a key or value contained."""
    return text.replace("\n", "\\n").replace("\r", "\\r")


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """'1 error', '2 errors', '1,204 pages': a count with its noun in the right number (every
    stage's messages use it, so it lives with the problems they report). `plural` for nouns
    that do not just take an 's' ('process', 'processes')."""
    noun = singular if count == 1 else (plural if plural is not None else singular + "s")
    return f"{count:,} {noun}"


class PlansError(Exception):
    """The root of every error raised on purpose; the CLI prints it without a traceback."""


class ProblemsFound(PlansError):
    """Raised by stages that cannot go on because the input has errors."""

    def __init__(self, problems: Sequence[Problem], outcome: str = "nothing was built") -> None:
        self.problems = tuple(problems)
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        super().__init__(f"{counted(errors, 'error')} found; {outcome}")


def format_path(path: Iterable[str | int]) -> str:
    """Render a field path the way an editor reads it: `priorities[2].findings[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """A ' — did you mean …?' suffix for a near miss, or an empty string."""
    return _did_you_mean(value, frozenset(choices))


@functools.lru_cache(maxsize=1024)
def _did_you_mean(value: str, choices: frozenset[str]) -> str:
    # Remembered: one renamed id is reported wherever it is used, each time against the same
    # ids, and comparing it with every one of them took 40 ms at national scale.
    matches = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    return f" — did you mean '{matches[0]}'?" if matches else ""

"""Personal data in free text: warnings for what looks like a person's e-mail address, a UK
phone number or a person named with a title or rank, in any Markdown or Title field.

A plan is published to the world and kept for years: it should name offices and teams, not
people (the public office holders it must name, a commissioner or a councillor, are not looked
for). These are warnings, since a pattern cannot know: an address or number that belongs to an
office belongs in the partnership's contact details.

- E-mail: an address whose part before the @ is two or more names joined by '.', '_' or '-'
  (jane.smith@, j.smith@, jane_smith@) and is not made only of words offices use
  (community.safety@, csp.team@); a single word (info@, csp@, enquiries@) is taken to be an
  office's, and so is any partnership's contact_email.
- Phone: a UK number of 10 or 11 digits (01632 960123, (01632) 960123, 07700 900123,
  +44 20 7946 0000),
  except in the fields that say how to get in touch (a partnership's contact, a consultation's
  how_to_respond). Short numbers (999, 101, 111) are not looked for.
- Name: a police rank or a courtesy title followed by a capitalised name: "PC Jane Smith",
  "DS Patel", "Mrs Jones", "Dr A. Khan".
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from typing import Any

from generator.model import Project
from generator.problems import FieldPath, Problem, Severity
from generator.validate.context import At
from generator.validate.links import FREE_TEXT, PLAN_YEAR_KINDS, markdown_values

_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
OFFICE_WORDS = frozenset(
    [
        "admin",
        "advice",
        "anti",
        "asb",
        "business",
        "care",
        "centre",
        "community",
        "contact",
        "council",
        "crime",
        "csp",
        "cyp",
        "da",
        "data",
        "desk",
        "domestic",
        "enquiries",
        "enquiry",
        "finance",
        "foi",
        "general",
        "help",
        "hub",
        "info",
        "information",
        "mail",
        "office",
        "officer",
        "partnership",
        "pcc",
        "police",
        "policy",
        "press",
        "probation",
        "safeguarding",
        "safer",
        "safety",
        "secretariat",
        "service",
        "services",
        "social",
        "support",
        "team",
        "unit",
        "victims",
        "vru",
        "youth",
    ]
)
"""Words the part of an office's address before the @ is made of (community.safety@)."""
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)(?:\d(?:\)\s|[\s()-])?){8,9}\d(?![\w])"
)  # a closing bracket and a space are one separator: (01632) 960123
CONTACT_FIELDS = frozenset({"contact", "how_to_respond"})
"""Fields that say how to get in touch: an office's phone number belongs there."""
_TITLES = (
    "PC|PCSO|DC|DS|DI|DCI|DSI|Det|Sgt|Sergeant|Insp|Inspector|Supt|Superintendent|"
    "Constable|Mr|Mrs|Ms|Miss|Mx|Dr"
)
_NAME = re.compile(
    rf"\b(?:{_TITLES})\.?\s+(?:[A-Z]\.?\s+)*[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?"
    r"(?:\s+[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?)?"
)


def personal_email(address: str, local: str, offices: frozenset[str]) -> bool:
    """Whether an e-mail address looks like a person's (see the module's docstring)."""
    if address.lower() in offices:
        return False
    words = [w for w in re.split(r"[._-]", local.lower()) if w]
    if len(words) < 2 or not all(w.isalpha() for w in words):
        return False
    return not all(w in OFFICE_WORDS for w in words)


_NAMED_IN_SOURCE = re.compile(rf"(?:{_TITLES})\.?\s+(?:[A-Z]\.?\s+)*[A-Z][a-z]")
"""A title and a name in a file's text, its spaces maybe a folded line (no `\\b`: with it,
Python's engine tries every position of the text instead of only the titles' first letters)."""


def _joining(code_points: range) -> dict[int, str | None]:
    """Every digit made a 9 and every separator a phone number may have dropped: a number's ten
    digits are then ten 9s in a row, whatever lines and spaces were between them in the text."""
    return str.maketrans(
        {
            **{chr(c): "9" for c in code_points if chr(c).isdecimal()},
            **{chr(c): None for c in code_points if chr(c).isspace()},
            **dict.fromkeys("()-"),
        }
    )


_ASCII_JOINED = _joining(range(128))
_unicode_joined = functools.cache(lambda: _joining(range(sys.maxunicode + 1)))
"""For text beyond ASCII (made on first use: it looks at every code point, a tenth of a
second)."""


def may_hold_personal_data(text: str) -> bool:
    """False only for a file's text in which no value can hold what the patterns look for:
    walking every value of a file is most of the check's time, and most files hold nothing.
    A value differs from its text by line folding (a line break and indentation in the text,
    a space in the value) and by quoting and escapes (a backslash may spell any character)."""
    return (
        "@" in text
        or "\\" in text
        or "9999999999" in text.translate(_ASCII_JOINED if text.isascii() else _unicode_joined())
        or _NAMED_IN_SOURCE.search(text) is not None
    )


def _digits(number: str) -> int:
    return sum(ch.isdigit() for ch in number)


def text_problems(text: str, field: str, offices: frozenset[str]) -> Iterator[str]:
    """What in one free-text value looks like personal data, in the editor's words."""
    for match in _EMAIL.finditer(text) if "@" in text else ():
        address = match.group(0)
        if personal_email(address, match.group(1), offices):
            yield (
                f"'{address}' looks like a person's e-mail address; give an office's shared "
                "address (the partnership's contact_email), not a person's"
            )
    if field not in CONTACT_FIELDS and ("0" in text or "+44" in text):
        for match in _PHONE.finditer(text):
            number = match.group(0).strip()
            international = number.startswith("+44")
            digits = _digits(number.replace("(0)", "") if international else number)
            if digits in ((11, 12) if international else (10, 11)):
                yield (
                    f"'{number}' looks like a phone number; give an office's number in the "
                    "partnership's contact, not in the text of a plan"
                )
    for match in _NAME.finditer(text):
        yield (
            f"'{match.group(0)}' looks like a person named by title or rank; "
            "name the role or the team instead (e.g. 'the neighbourhood sergeant')"
        )


def _field(path: FieldPath) -> str:
    named = [part for part in path if isinstance(part, str)]
    return named[-1] if named else ""


def _problems(file: At, value: Any, root: FieldPath, offices: frozenset[str]) -> Iterator[Problem]:
    for path, text in markdown_values(value, root, Any, FREE_TEXT):
        for message in text_problems(text, _field(path), offices):
            yield file.problem(path, message, Severity.WARNING)


def _may_hold(file: At) -> bool:
    source = file.source()
    return source is None or may_hold_personal_data(source.text)


def no_personal_data(project: Project) -> Iterator[Problem]:
    """Warnings for personal data in free text (see the module's docstring)."""
    offices = frozenset(
        p.contact_email.lower() for p in project.partnerships.values() if p.contact_email
    )
    for py in project.plan_years():
        for kind in PLAN_YEAR_KINDS:
            if kind not in py.files:
                continue
            file = At(project, py.files[kind])
            if not _may_hold(file):
                continue  # nothing to find in its text, so none in its values
            part = getattr(py, kind)
            if part is not None:
                yield from _problems(file, part, (), offices)
    for pid, partnership in sorted(project.partnerships.items()):
        yield from _problems(At(project, project.partnership_files[pid]), partnership, (), offices)
    reference: list[tuple[str, Any, FieldPath]] = [
        ("settings", project.settings, ()),
        ("organisations", project.organisation_list, ("organisations",)),
        ("areas", project.area_list, ("areas",)),
        ("funding-streams", project.stream_list, ("streams",)),
    ]
    for kind, value, root in reference:
        if kind in project.reference_files:
            yield from _problems(At(project, project.reference_files[kind]), value, root, offices)

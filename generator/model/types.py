"""Scalar types of the schema: each parses the exact text an editor wrote, or says how to fix it.

The loader hands every scalar over as text, so `no`, `0161`, `1_000`, `0x1F`, `12:30` and `1.10`
reach the model unchanged. A text field keeps them as written; a typed field accepts only an
unambiguous form and otherwise explains what to write instead.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from generator.model.markdown_policy import MAX_TEXT, markdown_problems

MAX_DIGITS = 30
MAX_TITLE = 300
RESERVED_IDS = frozenset(
    {
        "index", "assets", "search", "static", "site", "data", "downloads", "latest", "versions",
        "sitemap", "404", "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "lpt1",
        "lpt2", "lpt3", "new", "edit", "all", "none", "null", "true", "false", "schema",
        "glossary", "accessibility",
    }
)  # fmt: skip
ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
YEAR_PATTERN = r"^[0-9]{4}-[0-9]{2}$"

STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)

_FIELD_SETS: dict[frozenset[str], frozenset[str]] = {}
_T = TypeVar("_T")


class Strict(BaseModel):
    """The base of every schema model: strict types, unknown fields refused, immutable.

    Instances share their frozen set of given fields, so `model_copy(update=...)`, which adds
    to that set, fails loudly: make a new model from `model_dump()` instead."""

    model_config = STRICT

    def model_post_init(self, context: Any, /) -> None:
        # pydantic gives each instance its own set of the fields it was given: at national
        # scale that is millions of sets, a quarter of the typed model's memory. The models are
        # frozen, so instances given the same fields can share one frozen set.
        given = frozenset(self.__pydantic_fields_set__)
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_SETS.setdefault(given, given))


_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID = re.compile(ID_PATTERN)
_BOOL_WORDS = frozenset(  # YAML 1.1 booleans
    [
        *("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO"),
        *("on", "On", "ON", "off", "Off", "OFF"),
    ]
)


def _fail(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _number_hint(text: str) -> str:
    """Why a text is not an unambiguous decimal number, as advice to the editor."""
    bare = text.strip()
    lower = bare.lower().lstrip("+-")
    if bare != text:
        return f"'{text}' has spaces around it; write the number alone"
    if lower in {".inf", "inf", "infinity", ".nan", "nan"}:
        return f"'{text}' is not a finite number; write a real value"
    if bare.startswith(("£", "-£")):
        return f"write the amount without '£' or commas: {bare.replace('£', '').replace(',', '')}"
    if bare.endswith("%"):
        return f"write the number without '%': {bare[:-1]}"
    if re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?", bare):
        return f"write the number without thousands separators: {bare.replace(',', '')}"
    if "_" in bare and re.fullmatch(r"-?[0-9_.]+", bare):
        return (
            f"'{text}' is ambiguous (some programs ignore the '_'); write {bare.replace('_', '')}"
        )
    if re.fullmatch(r"-?0[xob][0-9a-fA-F_]+", bare):
        return f"'{text}' is hexadecimal, octal or binary; write a decimal number"
    if re.fullmatch(r"-?[0-9]+(:[0-5]?[0-9])+(\.[0-9]*)?", bare):
        return (
            f"'{text}' is ambiguous (some programs read it as a time, counting in sixties); "
            "write a decimal number, or quote it if it is a time"
        )
    if re.fullmatch(r"-?0[0-9]+(\.[0-9]+)?", bare):
        return (
            f"'{text}' has a leading zero, which is ambiguous (some programs read it as a "
            "different number); write it without the zero, or quote it if it is a code"
        )
    if re.fullmatch(r"-?[0-9.]+[eE][-+]?[0-9]+", bare):
        return f"'{text}' uses an exponent; write the number in full"
    if re.fullmatch(r"-?\.[0-9]+|-?[0-9]+\.", bare):
        return f"'{text}' is incomplete; write digits on both sides of the point"
    return f"expected a number, got '{text}'"


def _check_digits(text: str) -> None:
    if len(text) <= MAX_DIGITS:
        return  # too short to hold too many: counting every number's digits was slow at scale
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_DIGITS:
        raise _fail("number_too_long", f"number has {digits} digits; the limit is {MAX_DIGITS}")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"


def parse_decimal(value: Any) -> Any:
    """A decimal number from exact text (`12`, `-3.5`), refusing every ambiguous YAML 1.1 form."""
    if isinstance(value, bool):
        raise _fail("number", f"expected a number, got {value}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _fail("number", "must be a finite number")
        return value
    if not isinstance(value, str):
        raise _fail("number", f"expected a number, got {_describe(value)}")
    if len(value) > MAX_DIGITS * 2:
        raise _fail("number_too_long", f"number has {len(value)} characters; that is too long")
    if not _DECIMAL.fullmatch(value):
        raise _fail("number", _number_hint(value))
    _check_digits(value)
    return Decimal(value)


def parse_integer(value: Any) -> Any:
    """A whole number from exact text, refusing fractions and ambiguous forms."""
    if isinstance(value, bool):
        raise _fail("integer", f"expected a whole number, got {value}")
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise _fail("integer", f"expected a whole number, got {_describe(value)}")
    if len(value) > MAX_DIGITS * 2:
        raise _fail("number_too_long", f"number has {len(value)} characters; that is too long")
    if not _INTEGER.fullmatch(value):
        if _DECIMAL.fullmatch(value):
            raise _fail("integer", f"expected a whole number, got '{value}'")
        hint = _number_hint(value)
        raise _fail("integer", hint.replace("expected a number", "expected a whole number"))
    _check_digits(value)
    return int(value)


def parse_money(value: Any) -> Any:
    """Pounds and pence (`1234`, `1234.5`, `1234.56`): never more than two decimal places."""
    amount = parse_decimal(value)
    if amount != amount.quantize(Decimal("0.01")):
        raise _fail("money", f"'{value}' has more than two decimal places; round it to pence")
    return amount


def parse_bool(value: Any) -> Any:
    """`true` or `false`, nothing else: `yes`, `no`, `on`, `off` are YAML 1.1 traps."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise _fail("boolean", f"expected true or false, got {_describe(value)}")
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if value in _BOOL_WORDS:
        raise _fail(
            "boolean",
            f"'{value}' could be read as true or false by other programs; write true or false",
        )
    raise _fail("boolean", f"expected true or false, got {_describe(value)}")


_SEEN_DATES: dict[str, date] = {}
_SEEN_IDS: dict[str, str] = {}
SEEN_LIMIT = 1_000_000
"""Valid dates and ids already checked are remembered (up to this many each): a national project
holds two million ids and a million dates, nearly all of them repeats. The typed model then
shares one object for each, as `sys.intern` would."""


def _remember(seen: dict[str, _T], text: str, value: _T) -> _T:
    """Keep a valid value parsed from `text` for the next time the same text is read."""
    if len(seen) >= SEEN_LIMIT:
        seen.clear()
    seen[text] = value
    return value


def parse_date(value: Any) -> Any:
    """An ISO date, `2025-03-31`."""
    if value.__class__ is str:
        known = _SEEN_DATES.get(value)
        if known is not None:
            return known
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise _fail("date", f"'{value}' is not a real date") from None
        return _remember(_SEEN_DATES, value, parsed)
    raise _fail(
        "date",
        f"write the date as YYYY-MM-DD (e.g. 2025-03-31), got {_describe(value)}"
        + _meant_date(value),
    )


_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_WORDS_DATE = re.compile(r"(?:([0-9]{1,2})(?:st|nd|rd|th)? )?([A-Za-z]+),? ([0-9]{4})")


def _meant_date(value: Any, *, partial: bool = False) -> str:
    """`: for 31 March 2025, write 2025-03-31` when a date is written as a person in the UK
    writes it (`31/03/2025`, `31.03.2025`, `31 March 2025`; `March 2025` where a month will
    do, `partial`), else nothing."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    numeric = _DAY_FIRST.fullmatch(text)
    words = _WORDS_DATE.fullmatch(text)
    if numeric is not None:
        day, month, year = (int(part) for part in numeric.groups())
    elif words is not None:
        name = words.group(2).lower()
        months = [m for m in _MONTH_NAMES if len(name) >= 3 and m.lower().startswith(name)]
        if len(months) != 1:
            return ""
        day = int(words.group(1)) if words.group(1) else 0
        month, year = _MONTH_NAMES.index(months[0]) + 1, int(words.group(3))
    else:
        return ""
    if day == 0:
        if not partial:
            return ""
        return f": for {_MONTH_NAMES[month - 1]} {year}, write {year:04d}-{month:02d}"
    try:
        meant = date(year, month, day)
    except ValueError:
        return ""
    return f": for {meant.day} {_MONTH_NAMES[meant.month - 1]} {year}, write {meant.isoformat()}"


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date only as precise as its source says: a day (`2012-11-03`), a month (`2012-11`,
    "until November 2012") or a year (`2013`, "commenced 2013"). Never the 1st of a month
    standing in for a day nobody published.

    It does not compare with a `date`: a check says which end of the span it means
    (`earliest`, `latest`), so comparisons stay conservative."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """`day`, `month` or `year`."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    @property
    def earliest(self) -> date:
        """The first day the date can mean."""
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> date:
        """The last day the date can mean."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def isoformat(self) -> str:
        """As written: `2012-11-03`, `2012-11` or `2012`."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def words(self) -> str:
        """For readers: 3 November 2012, November 2012 or 2012."""
        if self.month is None:
            return str(self.year)
        month = _MONTH_NAMES[self.month - 1]
        return f"{self.day} {month} {self.year}" if self.day is not None else f"{month} {self.year}"

    def __str__(self) -> str:
        return self.isoformat()

    def _key(self) -> tuple[date, date]:
        return (self.earliest, self.latest)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() >= other._key()

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            parse_partial_date,
            # dumped as the text as written in either mode (Python mode would otherwise make
            # the dataclass a dict), so `model_validate(model.model_dump())` round-trips
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: value.isoformat()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": PARTIAL_DATE_PATTERN}


_SEEN_PARTIAL_DATES: dict[str, PartialDate] = {}


def parse_partial_date(value: Any) -> PartialDate:
    """A day, month or year as the source gives it: `2012-11-03`, `2012-11` or `2012`.
    Valid texts already parsed are remembered, as `parse_date` does (the typed model then
    shares one object for each)."""
    if value.__class__ is str:
        known = _SEEN_PARTIAL_DATES.get(value)
        if known is not None:
            return known
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _PARTIAL_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise _fail(
            "date",
            "write the date as YYYY-MM-DD, or YYYY-MM or YYYY where the source gives only the "
            f"month or the year (e.g. 2012-11), got {_describe(value)}"
            + _meant_date(value, partial=True),
        )
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    parsed = PartialDate(year, month, day)
    try:
        if month is not None and not 1 <= month <= 12:
            raise ValueError
        parsed.latest  # noqa: B018 (a day the month does not have raises)
    except ValueError:
        raise _fail("date", f"'{value}' is not a real date") from None
    return _remember(_SEEN_PARTIAL_DATES, value, parsed)


def check_id(value: Any) -> Any:
    """A URL-safe slug that is not a reserved word."""
    if value.__class__ is str:
        known = _SEEN_IDS.get(value)
        if known is not None:
            return known
    if not isinstance(value, str):
        raise _fail("id", f"expected an id, got {_describe(value)}")
    if len(value) > 64:
        raise _fail("id", f"id is {len(value)} characters long; the limit is 64")
    if not _ID.fullmatch(value):
        raise _fail(
            "id",
            f"'{value}' is not a valid id: use lower-case letters, digits and single hyphens, "
            "starting with a letter (e.g. 'domestic-abuse')",
        )
    if value in RESERVED_IDS:
        raise _fail("id", f"'{value}' is a reserved word and cannot be an id; choose another")
    return _remember(_SEEN_IDS, value, value)


def check_year(value: Any) -> Any:
    """A UK financial year id such as `2024-25` (1 April 2024 to 31 March 2025)."""
    if isinstance(value, str) and re.fullmatch(YEAR_PATTERN, value):
        start, end = int(value[:4]), int(value[5:])
        if (start + 1) % 100 == end:
            return value
        raise _fail(
            "year", f"'{value}' is not a financial year: write {start}-{(start + 1) % 100:02d}"
        )
    raise _fail(
        "year", f"write the financial year as YYYY-YY (e.g. 2024-25), got {_describe(value)}"
    )


def check_title(value: Any) -> Any:
    """One line of plain text."""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        raise _fail("title", "must be a single line; move the detail to a description field")
    if isinstance(value, str) and not value.strip():
        raise _fail("title", "must not be empty")
    return value


_URL = re.compile(r"(https?://[^\s<>\"'`]+|mailto:[^\s<>\"'`:/]+@[^\s<>\"'`]+)")


def check_url(value: Any) -> Any:
    """A web address a reader may follow: https, http or mailto only."""
    if isinstance(value, str) and not _URL.fullmatch(value):
        raise _fail(
            "url",
            f"'{value[:60]}' is not a web address; write it in full, starting https:// "
            "(or http://, or mailto: for an email address)",
        )
    return value


# Letters, digits and . _ % + - only: an office's shared mailbox never needs more, and such an
# address is safe as written in a mailto: link.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def check_email(value: Any) -> Any:
    """An email address, written plainly (no 'mailto:', no name in angle brackets)."""
    if isinstance(value, str) and not _EMAIL.fullmatch(value):
        raise _fail(
            "email", f"'{value[:60]}' is not an email address; write it as name@example.org"
        )
    return value


def year_starting(start: int) -> str:
    """The id of the financial year starting 1 April of `start`: 2026 → `2026-27`."""
    return f"{start}-{(start + 1) % 100:02d}"


def year_after(year: str, years: int = 1) -> str:
    """The financial year `years` after `year`: `2026-27` → `2027-28`."""
    return year_starting(int(year[:4]) + years)


_GIVING_PREFIX = re.compile(r"360G-[A-Za-z0-9-]+")


def check_giving_prefix(value: Any) -> Any:
    """A 360Giving identifier prefix, as 360Giving gives one to each publisher: 360G-..."""
    if isinstance(value, str) and not _GIVING_PREFIX.fullmatch(value):
        raise _fail(
            "giving_prefix",
            f"'{value[:60]}' is not a 360Giving prefix; it starts 360G- followed by letters, "
            "digits and hyphens (360Giving gives each publisher its own)",
        )
    return value


def check_markdown(value: Any) -> Any:
    """Free text: basic Markdown only (see markdown_policy)."""
    if isinstance(value, str):
        if not value.strip():
            raise _fail("text", "must not be empty; leave the field out instead")
        problems = markdown_problems(value)
        if problems:
            raise _fail("markdown", "; ".join(problems))
    return value


_NUMBER_SCHEMA: dict[str, Any] = {"type": "number"}

Id = Annotated[
    str,
    BeforeValidator(check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN, "maxLength": 64}),
]
YearId = Annotated[
    str, BeforeValidator(check_year), WithJsonSchema({"type": "string", "pattern": YEAR_PATTERN})
]
Title = Annotated[str, BeforeValidator(check_title), Field(max_length=MAX_TITLE)]
Url = Annotated[
    str,
    BeforeValidator(check_url),
    Field(max_length=2000),
    WithJsonSchema({"type": "string", "pattern": "^(https?://|mailto:)", "maxLength": 2000}),
]
Email = Annotated[
    str,
    BeforeValidator(check_email),
    Field(max_length=254),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
GivingPrefix = Annotated[
    str,
    BeforeValidator(check_giving_prefix),
    Field(max_length=64),
    WithJsonSchema({"type": "string", "pattern": "^360G-[A-Za-z0-9-]+$", "maxLength": 64}),
]
Markdown = Annotated[str, BeforeValidator(check_markdown), Field(max_length=MAX_TEXT)]
Number = Annotated[Decimal, BeforeValidator(parse_decimal), WithJsonSchema(_NUMBER_SCHEMA)]
NonNegative = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    Field(ge=0),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    Field(ge=0),
    WithJsonSchema({"type": "number", "minimum": 0, "multipleOf": 0.01}),
]
SignedMoney = Annotated[
    Decimal, BeforeValidator(parse_money), WithJsonSchema({"type": "number", "multipleOf": 0.01})
]
Count = Annotated[
    int,
    BeforeValidator(parse_integer),
    Field(ge=0),
    WithJsonSchema({"type": "integer", "minimum": 0}),
]
Score = Annotated[
    int,
    BeforeValidator(parse_integer),
    Field(ge=1, le=5),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": 5}),
]
Flag = Annotated[bool, BeforeValidator(parse_bool), WithJsonSchema({"type": "boolean"})]
Day = Annotated[
    date, BeforeValidator(parse_date), WithJsonSchema({"type": "string", "format": "date"})
]
Integer = Annotated[int, BeforeValidator(parse_integer), WithJsonSchema({"type": "integer"})]
When = Annotated[
    PartialDate,
    Field(
        description="A date: YYYY-MM-DD, or YYYY-MM or YYYY "
        "where the source gives only the month or the year."
    ),
]

TO_CONFIRM = Field(
    None,
    description="What the editor must still confirm or fill in; written by plans new-year. "
    "Validation warns while it is here.",
)
"""The default of every `to_confirm: Title | None` field (one FieldInfo, as SIC shares one)."""

"""Scalar types: each typed field takes only an unambiguous form and explains what to write instead.

The loader hands every scalar over as the exact text written; these parsers decide what it means.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from generator.model.types import (
    MAX_DIGITS,
    Count,
    Flag,
    Money,
    Score,
    SignedMoney,
    check_id,
    check_markdown,
    check_title,
    check_year,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_integer,
    parse_money,
)


def refusal(parse: Callable[[Any], Any], value: Any) -> str:
    """The message a parser gives for a value it refuses."""
    with pytest.raises(PydanticCustomError) as caught:
        parse(value)
    return caught.value.message()


AMBIGUOUS_BOOL = "'{}' could be read as true or false by other programs; write true or false"
LEADING_ZERO = (
    "'{}' has a leading zero, which is ambiguous (some programs read it as a different number); "
    "write it without the zero, or quote it if it is a code"
)
BASE_60 = (
    "'{}' is ambiguous (some programs read it as a time, counting in sixties); "
    "write a decimal number, or quote it if it is a time"
)
NOT_FINITE = "'{}' is not a finite number; write a real value"
RADIX = "'{}' is hexadecimal, octal or binary; write a decimal number"
EXPONENT = "'{}' uses an exponent; write the number in full"
INCOMPLETE = "'{}' is incomplete; write digits on both sides of the point"
UNDERSCORE = "'{}' is ambiguous (some programs ignore the '_'); write {}"
POUNDS = "write the amount without '£' or commas: {}"
BAD_ID = (
    "'{}' is not a valid id: use lower-case letters, digits and single hyphens, "
    "starting with a letter (e.g. 'domestic-abuse')"
)


# --- Booleans ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        (True, True),
        (False, False),
    ],
)
def test_parse_bool_accepts_true_and_false(text: Any, expected: bool) -> None:
    assert parse_bool(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "y",
        "Y",
        "n",
        "N",
    ],
)
def test_parse_bool_refuses_yaml_11_booleans_with_a_hint(text: str) -> None:
    assert refusal(parse_bool, text) == AMBIGUOUS_BOOL.format(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tRUE", "expected true or false, got 'tRUE'"),
        ("1", "expected true or false, got '1'"),
        ("0", "expected true or false, got '0'"),
        ("", "expected true or false, got ''"),
        (None, "expected true or false, got nothing"),
        (1, "expected true or false, got '1'"),
    ],
)
def test_parse_bool_refuses_everything_else(value: Any, message: str) -> None:
    assert refusal(parse_bool, value) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["yes"], "expected true or false, got a list"),
        ({"a": "b"}, "expected true or false, got a mapping"),
        ([], "expected true or false, got a list"),
        ({}, "expected true or false, got a mapping"),
    ],
)
def test_parse_bool_refuses_lists_and_mappings(value: Any, message: str) -> None:
    assert refusal(parse_bool, value) == message


# --- Decimals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", Decimal("0")),
        ("12", Decimal("12")),
        ("-3.5", Decimal("-3.5")),
        ("1.10", Decimal("1.10")),
        ("-0", Decimal("-0")),
        ("0.05", Decimal("0.05")),
        ("1" * MAX_DIGITS, Decimal("1" * MAX_DIGITS)),
        ("1." + "0" * (MAX_DIGITS - 1), Decimal("1." + "0" * (MAX_DIGITS - 1))),
        (7, Decimal(7)),
        (Decimal("2.50"), Decimal("2.50")),
    ],
)
def test_parse_decimal_accepts_plain_decimals(text: Any, expected: Decimal) -> None:
    parsed = parse_decimal(text)
    assert type(parsed) is Decimal
    assert parsed == expected
    assert parsed.as_tuple() == expected.as_tuple()  # same digits and exponent


def test_parse_decimal_keeps_the_exponent_written() -> None:
    assert parse_decimal("1.10").as_tuple().exponent == -2
    assert str(parse_decimal("1.10")) == "1.10"
    assert str(parse_decimal("1.0")) == "1.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0161", LEADING_ZERO.format("0161")),
        ("012", LEADING_ZERO.format("012")),
        ("-07.5", LEADING_ZERO.format("-07.5")),
        ("00", LEADING_ZERO.format("00")),
        ("1_000", UNDERSCORE.format("1_000", "1000")),
        ("1_000.5", UNDERSCORE.format("1_000.5", "1000.5")),
        ("0x1F", RADIX.format("0x1F")),
        ("0o17", RADIX.format("0o17")),
        ("0b101", RADIX.format("0b101")),
        ("-0x1F", RADIX.format("-0x1F")),
        ("12:30", BASE_60.format("12:30")),
        ("190:20:30", BASE_60.format("190:20:30")),
        ("1:30.5", BASE_60.format("1:30.5")),
        (".inf", NOT_FINITE.format(".inf")),
        ("-.inf", NOT_FINITE.format("-.inf")),
        ("+.inf", NOT_FINITE.format("+.inf")),
        (".nan", NOT_FINITE.format(".nan")),
        ("NaN", NOT_FINITE.format("NaN")),
        ("Infinity", NOT_FINITE.format("Infinity")),
        ("1e3", EXPONENT.format("1e3")),
        ("1.5E-3", EXPONENT.format("1.5E-3")),
        ("1.", INCOMPLETE.format("1.")),
        (".5", INCOMPLETE.format(".5")),
        ("1,234", "write the number without thousands separators: 1234"),
        ("1,234,567.89", "write the number without thousands separators: 1234567.89"),
        ("£5", POUNDS.format("5")),
        ("-£5.50", POUNDS.format("-5.50")),
        ("£1,234.50", POUNDS.format("1234.50")),
        ("12%", "write the number without '%': 12"),
        (" 5", "' 5' has spaces around it; write the number alone"),
        ("5 ", "'5 ' has spaces around it; write the number alone"),
        ("+5", "expected a number, got '+5'"),
        ("yes", "expected a number, got 'yes'"),
        ("twelve", "expected a number, got 'twelve'"),
        ("", "expected a number, got ''"),
        ("1,23", "expected a number, got '1,23'"),
        ("١٢", "expected a number, got '١٢'"),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_parse_decimal_refuses_ambiguous_forms_with_a_hint(text: str, message: str) -> None:
    assert refusal(parse_decimal, text) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1" * (MAX_DIGITS + 1), "number has 31 digits; the limit is 30"),
        ("-" + "1" * (MAX_DIGITS + 1), "number has 31 digits; the limit is 30"),
        ("1." + "0" * MAX_DIGITS, "number has 31 digits; the limit is 30"),
        ("1" * (2 * MAX_DIGITS + 1), "number has 61 characters; that is too long"),
        ("9" * 5000, "number has 5000 characters; that is too long"),
        (None, "expected a number, got nothing"),
        ([], "expected a number, got a list"),
        ({}, "expected a number, got a mapping"),
        (True, "expected a number, got True"),
        (1.5, "expected a number, got '1.5'"),
        (Decimal("NaN"), "must be a finite number"),
        (Decimal("Infinity"), "must be a finite number"),
    ],
)
def test_parse_decimal_refuses_long_numbers_and_other_types(value: Any, message: str) -> None:
    assert refusal(parse_decimal, value) == message


# --- Integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("12", 12), ("-12", -12), ("1" * MAX_DIGITS, int("1" * MAX_DIGITS)), (7, 7)],
)
def test_parse_integer_accepts_plain_whole_numbers(value: Any, expected: int) -> None:
    parsed = parse_integer(value)
    assert type(parsed) is int
    assert parsed == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0161", LEADING_ZERO.format("0161")),
        ("012", LEADING_ZERO.format("012")),
        ("1_000", UNDERSCORE.format("1_000", "1000")),
        ("0x1F", RADIX.format("0x1F")),
        ("0o17", RADIX.format("0o17")),
        ("12:30", BASE_60.format("12:30")),
        ("1e3", EXPONENT.format("1e3")),
        (".inf", NOT_FINITE.format(".inf")),
        ("1,234", "write the number without thousands separators: 1234"),
        ("1.5", "expected a whole number, got '1.5'"),
        ("1.0", "expected a whole number, got '1.0'"),
        ("£5", POUNDS.format("5")),
        ("yes", "expected a whole number, got 'yes'"),
        ("twelve", "expected a whole number, got 'twelve'"),
        ("", "expected a whole number, got ''"),
        ("1" * (MAX_DIGITS + 1), "number has 31 digits; the limit is 30"),
        ("9" * 5000, "number has 5000 characters; that is too long"),
        (True, "expected a whole number, got True"),
        (None, "expected a whole number, got nothing"),
        (["1"], "expected a whole number, got a list"),
        (1.0, "expected a whole number, got '1.0'"),
    ],
)
def test_parse_integer_refuses_fractions_and_ambiguous_forms(value: Any, message: str) -> None:
    assert refusal(parse_integer, value) == message


# --- Money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", "1234"),
        ("1234.5", "1234.5"),
        ("1234.56", "1234.56"),
        ("0.01", "0.01"),
        ("40000", "40000"),
        ("-5", "-5"),
        ("1.230", "1.230"),  # a whole number of pence, kept as written
        ("1.2300", "1.2300"),
        ("0.010", "0.010"),
        (Decimal("1.230"), "1.230"),
    ],
)
def test_parse_money_accepts_pounds_and_pence(text: Any, expected: str) -> None:
    parsed = parse_money(text)
    assert parsed == Decimal(expected)
    assert str(parsed) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("£5", POUNDS.format("5")),
        ("£1,234", POUNDS.format("1234")),
        ("1,234", "write the number without thousands separators: 1234"),
        ("1.234", "'1.234' has more than two decimal places; round it to pence"),
        ("1.2340", "'1.2340' has more than two decimal places; round it to pence"),
        ("-1.235", "'-1.235' has more than two decimal places; round it to pence"),
        (Decimal("0.001"), "'0.001' has more than two decimal places; round it to pence"),
        ("1_000", UNDERSCORE.format("1_000", "1000")),
        ("yes", "expected a number, got 'yes'"),
        ("1" * (MAX_DIGITS + 1), "number has 31 digits; the limit is 30"),
    ],
)
def test_parse_money_refuses_with_a_hint(value: Any, message: str) -> None:
    assert refusal(parse_money, value) == message


def test_money_type_refuses_negative_amounts_but_signed_money_allows_them() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        TypeAdapter(Money).validate_python("-5")
    assert TypeAdapter(SignedMoney).validate_python("-5.25") == Decimal("-5.25")
    assert str(TypeAdapter(Money).validate_python("1.10")) == "1.10"


def test_typed_fields_use_the_parsers_in_strict_mode() -> None:
    assert TypeAdapter(Count).validate_python("12") == 12
    assert TypeAdapter(Flag).validate_python("false") is False
    with pytest.raises(ValidationError, match="less than or equal to 5"):
        TypeAdapter(Score).validate_python("6")
    with pytest.raises(ValidationError, match=r"'0161' has a leading zero"):
        TypeAdapter(Count).validate_python("0161")


# --- Dates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-31", date(2025, 3, 31)),
        ("2024-02-29", date(2024, 2, 29)),
        ("0001-01-01", date(1, 1, 1)),
        (date(2024, 4, 1), date(2024, 4, 1)),
    ],
)
def test_parse_date_accepts_iso_dates(value: Any, expected: date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-29", "'2025-02-29' is not a real date"),
        ("2025-13-01", "'2025-13-01' is not a real date"),
        ("0000-01-01", "'0000-01-01' is not a real date"),
        (
            "31/03/2025",
            "write the date as YYYY-MM-DD (e.g. 2025-03-31), got '31/03/2025': for 31 March "
            "2025, write 2025-03-31",
        ),
        ("2025-3-31", "write the date as YYYY-MM-DD (e.g. 2025-03-31), got '2025-3-31'"),
        ("20250331", "write the date as YYYY-MM-DD (e.g. 2025-03-31), got '20250331'"),
        (
            "2025-03-31T10:00",
            "write the date as YYYY-MM-DD (e.g. 2025-03-31), got '2025-03-31T10:00'",
        ),
        ("2025-03-31 ", "write the date as YYYY-MM-DD (e.g. 2025-03-31), got '2025-03-31 '"),
        (None, "write the date as YYYY-MM-DD (e.g. 2025-03-31), got nothing"),
        (["2025-03-31"], "write the date as YYYY-MM-DD (e.g. 2025-03-31), got a list"),
    ],
)
def test_parse_date_refuses_other_forms(value: Any, message: str) -> None:
    assert refusal(parse_date, value) == message


# --- Ids --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a", "domestic-abuse", "csp2", "a1-b2-c3", "fenwick-csp", "a" * 64, "indexes"]
)
def test_check_id_accepts_slugs(text: str) -> None:
    assert check_id(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Domestic-abuse",
        "DA",
        "domestic--abuse",
        "1st-priority",
        "-a",
        "a-",
        "a_b",
        "a b",
        "é",
        "",
        "a.b",
        "a/b",
        "CON",
    ],
)
def test_check_id_refuses_what_is_not_a_slug(text: str) -> None:
    assert refusal(check_id, text) == BAD_ID.format(text)


@pytest.mark.parametrize(("text", "length"), [("a" * 65, 65), ("A" * 65, 65), ("a" * 300, 300)])
def test_check_id_refuses_ids_over_64_characters(text: str, length: int) -> None:
    assert refusal(check_id, text) == f"id is {length} characters long; the limit is 64"


@pytest.mark.parametrize(
    "text",
    [
        "index", "assets", "search", "con", "nul", "lpt1", "latest", "null", "true",
        # folders of every version: a partnership with one of these ids would clash
        "schema", "glossary", "accessibility",
    ],
)  # fmt: skip
def test_check_id_refuses_reserved_words(text: str) -> None:
    assert refusal(check_id, text) == (
        f"'{text}' is a reserved word and cannot be an id; choose another"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "expected an id, got nothing"),
        (5, "expected an id, got '5'"),
        ([], "expected an id, got a list"),
    ],
)
def test_check_id_refuses_what_is_not_text(value: Any, message: str) -> None:
    assert refusal(check_id, value) == message


# --- Financial years --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2024-25", "2025-26", "1999-00", "2099-00"])
def test_check_year_accepts_financial_years(text: str) -> None:
    assert check_year(text) == text


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("2024-26", "2024-25"),
        ("2024-24", "2024-25"),
        ("2025-24", "2025-26"),
        ("1999-01", "1999-00"),
    ],
)
def test_check_year_names_the_year_meant(text: str, hint: str) -> None:
    assert refusal(check_year, text) == f"'{text}' is not a financial year: write {hint}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2024-2025", "'2024-2025'"),
        ("2024", "'2024'"),
        ("24-25", "'24-25'"),
        (2024, "'2024'"),
        (None, "nothing"),
        ("2024/25", "'2024/25'"),
    ],
)
def test_check_year_refuses_other_forms(value: Any, shown: str) -> None:
    assert refusal(check_year, value) == (
        f"write the financial year as YYYY-YY (e.g. 2024-25), got {shown}"
    )


# --- Titles and text --------------------------------------------------------------------------


def test_check_title_accepts_one_line_of_text() -> None:
    assert check_title("Safer Fenwick Plan 2024–27") == "Safer Fenwick Plan 2024–27"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("two\nlines", "must be a single line; move the detail to a description field"),
        ("line\r", "must be a single line; move the detail to a description field"),
        ("", "must not be empty"),
        ("   ", "must not be empty"),
    ],
)
def test_check_title_refuses_blank_or_multi_line_text(text: str, message: str) -> None:
    assert refusal(check_title, text) == message


def test_check_markdown_refuses_blank_text_but_keeps_lines() -> None:
    assert check_markdown("line one\nline two\n") == "line one\nline two\n"
    assert refusal(check_markdown, " \n ") == "must not be empty; leave the field out instead"


def test_remembered_ids_and_dates_answer_as_checking_them_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.model import types

    monkeypatch.setattr(types, "SEEN_LIMIT", 3)
    for _ in range(2):  # the second round answers from what the first remembered
        assert check_id("domestic-abuse") == "domestic-abuse"
        assert parse_date("2025-03-31") == date(2025, 3, 31)
        for bad_id in ("Domestic", "index", "a--b"):
            with pytest.raises(PydanticCustomError):
                check_id(bad_id)
        for bad_date in ("2025-02-30", "31/03/2025"):
            with pytest.raises(PydanticCustomError):
                parse_date(bad_date)
    for n in range(10):  # past the limit the memory starts again; answers are unchanged
        assert check_id(f"id-{n}") == f"id-{n}"
        assert parse_date(f"2025-01-{n + 10}") == date(2025, 1, n + 10)
    assert len(types._SEEN_IDS) <= 3 and len(types._SEEN_DATES) <= 3
    assert "Domestic" not in types._SEEN_IDS and "2025-02-30" not in types._SEEN_DATES


def test_models_given_the_same_fields_share_one_frozen_set_of_them() -> None:
    from generator.model.delivery import Milestone
    from generator.model.types import Strict

    first = Milestone.model_validate({"title": "One", "due": "2025-06-30", "status": "met"})
    second = Milestone.model_validate({"title": "Two", "due": "2025-07-31", "status": "met"})
    fewer = Milestone.model_validate({"title": "Three", "due": "2025-08-31"})
    assert first.model_fields_set == {"title", "due", "status"}
    assert fewer.model_fields_set == {"title", "due"}
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__
    assert first.__pydantic_fields_set__ is not fewer.__pydantic_fields_set__
    assert isinstance(first.__pydantic_fields_set__, frozenset), "shared, so never changed"
    assert first == Milestone.model_validate(first.model_dump()) and first != second
    assert issubclass(Milestone, Strict) and Milestone.model_config["frozen"]
    with pytest.raises(AttributeError):  # would change the shared set: fails loudly instead
        first.model_copy(update={"title": "Changed"})
    assert first.__pydantic_fields_set__ is second.__pydantic_fields_set__


def test_every_model_of_every_file_kind_is_strict() -> None:
    from pydantic import BaseModel

    from generator.model.kinds import ALL_KINDS, _models_in
    from generator.model.types import Strict

    seen: set[type[BaseModel]] = set()
    waiting = [kind.model for kind in ALL_KINDS.values()]
    while waiting:
        model = waiting.pop()
        if model in seen:
            continue
        seen.add(model)
        assert issubclass(model, Strict), f"{model.__name__} does not derive from Strict"
        for info in model.model_fields.values():
            waiting.extend(_models_in(info.annotation))
    assert len(seen) > 40


@pytest.mark.parametrize(
    ("text", "partial", "said"),
    [
        ("28/02/2027", False, ": for 28 February 2027, write 2027-02-28"),
        ("1.4.2026", False, ": for 1 April 2026, write 2026-04-01"),
        ("1st April 2026", False, ": for 1 April 2026, write 2026-04-01"),
        ("28 Feb 2027", True, ": for 28 February 2027, write 2027-02-28"),
        ("Sept 2026", True, ": for September 2026, write 2026-09"),
        ("Sept 2026", False, ""),  # a day is needed: no month-only suggestion
        ("30/02/2027", False, ""),  # no such day: nothing guessed
        ("03/31/2025", False, ""),  # month first: not read as a date
        ("Ju 2026", True, ""),  # June or July: not guessed
        ("2025/26", True, ""),
    ],
)
def test_a_date_written_as_in_the_uk_is_given_back_in_the_form_to_write(
    text: str, partial: bool, said: str
) -> None:
    """Found trying issue 21 as a new user: a community safety officer writes 28/02/2027."""
    from generator.model.types import _meant_date

    assert _meant_date(text, partial=partial) == said

"""Typing a loaded document: every field that does not fit is one located, readable Problem."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from generator.load import Document, discover, load_bytes, load_sources, parse_text
from generator.model import ALL_KINDS, REFERENCE_KINDS, YEAR_KINDS, build_project
from generator.model.delivery import ServicesFile
from generator.model.kinds import FileKind, field_names, parse_document
from generator.model.partnership import PlanFile
from generator.problems import Problem

FILE = "plans/fenwick-csp/2024-25/plan.yml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
PLAN = ALL_KINDS["plan"]
SERVICES = ALL_KINDS["services"]

VALID_PLAN = """\
year: 2024-25
title: Safer Fenwick Plan
status: published
meetings:
  - date: 2024-07-10
    title: Board meeting
    public: true
priorities:
  - id: domestic-abuse
    title: Domestic abuse
    rationale: Reports are rising.
    findings: [da-rising]
    scores: {threat: 3}
"""

VALID_SERVICES = """\
services:
  - id: refuge
    name: Refuge service
    commissioners: [fenwick-council]
    make_or_buy: buy
    make_or_buy_rationale: Specialist provider.
    delivery_model: contract
    contract:
      value: 40000.50
    funding:
      - stream: council-base
        amount: 40000
"""


def document_of(text: str) -> Document:
    document, problems = parse_text(text, FILE)
    assert problems == []
    assert document is not None
    return document


def problems_of(kind: FileKind, text: str) -> list[str]:
    """The problems of a document that loads but does not fit its kind, in file order."""
    model, problems = parse_document(kind, document_of(text))
    assert model is None
    assert problems, "a refused document must say why"
    return [str(problem) for problem in sorted(problems, key=Problem.sort_key)]


def edited(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_valid_plan_is_typed() -> None:
    model, problems = parse_document(PLAN, document_of(VALID_PLAN))
    assert problems == []
    assert isinstance(model, PlanFile)
    assert model.year == "2024-25"
    assert model.meetings[0].public is True
    assert model.priorities[0].scores == {"threat": 3}


def test_valid_services_are_typed_with_exact_money() -> None:
    model, problems = parse_document(SERVICES, document_of(VALID_SERVICES))
    assert problems == []
    assert isinstance(model, ServicesFile)
    contract = model.services[0].contract
    assert contract is not None
    assert str(contract.value) == "40000.50"
    assert model.services[0].funding[0].amount == Decimal(40000)


@pytest.mark.parametrize(
    ("text", "line"), [("", 1), ("# nothing yet\n", 1), ("~\n", 1), ("---\n", 2)]
)
def test_empty_file_is_reported(text: str, line: int) -> None:
    assert problems_of(PLAN, text) == [
        f"{FILE}:{line}:1: error: file is empty; "
        "see plans/<partnership>/<year>/plan.yml in the README"
    ]


def test_empty_reference_file_names_its_own_place() -> None:
    assert problems_of(ALL_KINDS["settings"], "") == [
        f"{FILE}:1:1: error: file is empty; see data/settings.yml in the README"
    ]


@pytest.mark.parametrize(
    ("text", "got"),
    [
        ("- year: 2024-25\n", "a list"),
        ("just some text\n", "'just some text'"),
        ("\n\n  2024-25\n", "'2024-25'"),
        ("x" * 60 + "\n", "'" + "x" * 40 + "…'"),
    ],
)
def test_top_level_must_be_a_mapping(text: str, got: str) -> None:
    (problem,) = problems_of(PLAN, text)
    assert problem.endswith(f": error: expected a mapping of fields, got {got}")
    line = 3 if text.startswith("\n") else 1
    column = 3 if text.startswith("\n") else 1
    assert problem.startswith(f"{FILE}:{line}:{column}: ")


def test_unknown_field_has_did_you_mean_at_the_key() -> None:
    text = edited(VALID_PLAN, "title: Safer Fenwick Plan", "titel: Safer Fenwick Plan")
    assert problems_of(PLAN, text) == [
        f"{FILE}:1:1: error: missing required field 'title' [title]",
        f"{FILE}:2:1: error: unknown field 'titel' — did you mean 'title'? [titel]",
    ]


def test_nested_unknown_field_is_located_at_its_key() -> None:
    text = edited(VALID_PLAN, "    public: true", "    publik: true")
    assert problems_of(PLAN, text) == [
        f"{FILE}:7:5: error: unknown field 'publik' — did you mean 'public'? [meetings[0].publik]"
    ]


def test_unknown_field_in_a_flow_mapping_is_located_at_its_key() -> None:
    text = edited(VALID_PLAN, "status: published", "status: published\napproval: {body: B, dat: x}")
    assert problems_of(PLAN, text) == [
        f"{FILE}:4:1: error: missing required field 'date' [approval.date]",  # parent's key
        f"{FILE}:4:21: error: unknown field 'dat' — did you mean 'date'? [approval.dat]",
    ]


def test_unknown_field_without_a_near_miss_has_no_hint() -> None:
    text = VALID_PLAN + "colour: blue\n"
    assert problems_of(PLAN, text) == [f"{FILE}:14:1: error: unknown field 'colour' [colour]"]


def test_missing_nested_field_is_located_at_its_parent() -> None:
    text = edited(VALID_PLAN, "    rationale: Reports are rising.\n", "")
    assert problems_of(PLAN, text) == [
        f"{FILE}:9:5: error: missing required field 'rationale' [priorities[0].rationale]"
    ]


def test_missing_top_level_field_is_located_at_the_document() -> None:
    text = "# the plan\n" + edited(VALID_PLAN, "status: published\n", "")
    assert problems_of(PLAN, text) == [
        f"{FILE}:2:1: error: missing required field 'status' [status]"
    ]


def test_wrong_enum_value_lists_the_choices_and_suggests_one() -> None:
    text = edited(VALID_PLAN, "status: published", "status: publshed")
    assert problems_of(PLAN, text) == [
        f"{FILE}:3:9: error: 'publshed' is not allowed here; use one of: draft, consultation, "
        "approved, published, superseded — did you mean 'published'? [status]"
    ]


def test_wrong_enum_value_far_from_every_choice_has_no_suggestion() -> None:
    text = edited(VALID_SERVICES, "make_or_buy: buy", "make_or_buy: yes")
    assert problems_of(SERVICES, text) == [
        f"{FILE}:5:18: error: 'yes' is not allowed here; use one of: make, buy "
        "[services[0].make_or_buy]"
    ]


def test_text_field_given_a_mapping() -> None:
    text = edited(VALID_PLAN, "title: Safer Fenwick Plan", "title: {en: Safer Fenwick Plan}")
    assert problems_of(PLAN, text) == [f"{FILE}:2:8: error: expected text, got a mapping [title]"]


def test_text_field_given_a_list_in_block_style() -> None:
    text = edited(VALID_PLAN, "title: Safer Fenwick Plan", "title:\n  - Safer\n  - Fenwick")
    assert problems_of(PLAN, text) == [f"{FILE}:3:3: error: expected text, got a list [title]"]


def test_required_text_field_left_empty() -> None:
    text = edited(VALID_PLAN, "title: Safer Fenwick Plan", "title:")
    assert problems_of(PLAN, text) == [f"{FILE}:2:7: error: expected text, got nothing [title]"]


def test_list_field_given_text() -> None:
    text = edited(VALID_PLAN, "findings: [da-rising]", "findings: da-rising")
    assert problems_of(PLAN, text) == [
        f"{FILE}:12:15: error: expected a list, got 'da-rising' [priorities[0].findings]"
    ]


def test_mapping_field_given_a_list() -> None:
    text = edited(VALID_PLAN, "scores: {threat: 3}", "scores: [3]")
    assert problems_of(PLAN, text) == [
        f"{FILE}:13:13: error: expected a mapping of fields, got a list [priorities[0].scores]"
    ]


def test_number_field_given_yes() -> None:
    text = edited(VALID_SERVICES, "amount: 40000", "amount: yes")
    assert problems_of(SERVICES, text) == [
        f"{FILE}:12:17: error: expected a number, got 'yes' [services[0].funding[0].amount]"
    ]


def test_score_given_yes_and_out_of_range() -> None:
    text = edited(VALID_PLAN, "scores: {threat: 3}", "scores: {threat: yes, harm: 6}")
    assert problems_of(PLAN, text) == [
        f"{FILE}:13:22: error: expected a whole number, got 'yes' [priorities[0].scores.threat]",
        f"{FILE}:13:33: error: must be at most 5, got '6' [priorities[0].scores.harm]",
    ]


def test_flag_field_given_yes() -> None:
    text = edited(VALID_PLAN, "public: true", "public: yes")
    assert problems_of(PLAN, text) == [
        f"{FILE}:7:13: error: 'yes' could be read as true or false by other programs; "
        "write true or false [meetings[0].public]"
    ]


def test_date_field_given_a_british_date() -> None:
    text = edited(VALID_PLAN, "date: 2024-07-10", "date: 31/03/2025")
    assert problems_of(PLAN, text) == [
        f"{FILE}:5:11: error: write the date as YYYY-MM-DD (e.g. 2025-03-31), got '31/03/2025': "
        "for 31 March 2025, write 2025-03-31 "
        "[meetings[0].date]"
    ]


def test_money_with_fractions_of_a_penny() -> None:
    text = edited(VALID_SERVICES, "value: 40000.50", "value: 40000.505")
    assert problems_of(SERVICES, text) == [
        f"{FILE}:9:14: error: '40000.505' has more than two decimal places; round it to pence "
        "[services[0].contract.value]"
    ]


def test_model_rule_is_located_at_its_mapping() -> None:
    text = edited(VALID_SERVICES, "      value: 40000.50\n", "      starts: 2024-04-01\n")
    assert problems_of(SERVICES, text) == [
        f"{FILE}:9:7: error: give the contract value, or amount_status saying why there is "
        "none (not-published, withheld with amount_reason, or combined) [services[0].contract]"
    ]


def test_huge_integer_in_a_typed_field_is_refused_while_the_loader_kept_it() -> None:
    digits = "9" * 4000
    document = document_of(f"title: Site\nsmall_count_threshold: {digits}\n")
    assert document.data["small_count_threshold"] == digits
    model, problems = parse_document(ALL_KINDS["settings"], document)
    assert model is None
    assert [str(p) for p in problems] == [
        f"{FILE}:2:24: error: number has 4000 characters; that is too long [small_count_threshold]"
    ]


def test_ambiguous_numbers_are_refused_in_typed_fields() -> None:
    text = "title: Site\nrag_tolerance_percent: 1_000\nsmall_count_threshold: 0161\n"
    assert problems_of(ALL_KINDS["settings"], text) == [
        f"{FILE}:2:24: error: '1_000' is ambiguous (some programs ignore the '_'); write 1000 "
        "[rag_tolerance_percent]",
        f"{FILE}:3:24: error: '0161' has a leading zero, which is ambiguous (some programs "
        "read it as a different number); write it without the zero, or quote it if it is a code "
        "[small_count_threshold]",
    ]


def test_text_fields_keep_yaml_11_lookalikes_as_written() -> None:
    text = edited(VALID_PLAN, "title: Safer Fenwick Plan", "title: no")
    text = edited(text, "rationale: Reports are rising.", "rationale: 0161")
    model, problems = parse_document(PLAN, document_of(text))
    assert problems == []
    assert isinstance(model, PlanFile)
    assert (model.title, model.priorities[0].rationale) == ("no", "0161")


def test_several_errors_in_one_file_are_all_reported() -> None:
    text = edited(VALID_PLAN, "year: 2024-25", "year: 2024-26")
    text = edited(text, "title: Safer Fenwick Plan", "titel: Safer Fenwick Plan")
    text = edited(text, "status: published", "status: publshed")
    text = edited(text, "    rationale: Reports are rising.\n", "")
    text = edited(text, "date: 2024-07-10", "date: 31/03/2025")
    assert problems_of(PLAN, text) == [
        f"{FILE}:1:1: error: missing required field 'title' [title]",
        f"{FILE}:1:7: error: '2024-26' is not a financial year: write 2024-25 [year]",
        f"{FILE}:2:1: error: unknown field 'titel' — did you mean 'title'? [titel]",
        f"{FILE}:3:9: error: 'publshed' is not allowed here; use one of: draft, consultation, "
        "approved, published, superseded — did you mean 'published'? [status]",
        f"{FILE}:5:11: error: write the date as YYYY-MM-DD (e.g. 2025-03-31), got '31/03/2025': "
        "for 31 March 2025, write 2025-03-31 "
        "[meetings[0].date]",
        f"{FILE}:9:5: error: missing required field 'rationale' [priorities[0].rationale]",
    ]


def test_several_missing_fields_of_one_item_share_its_position() -> None:
    assert problems_of(SERVICES, "services:\n  - id: refuge\n") == [
        f"{FILE}:2:5: error: missing required field '{name}' [services[0].{name}]"
        for name in sorted(["name", "commissioners", "make_or_buy", "delivery_model"])
    ]


def test_empty_required_list_is_reported() -> None:
    declared = "not_published:\n  parts: []\n  reason: None.\npriorities:\n"
    text = edited(VALID_PLAN, "priorities:\n", declared)
    assert problems_of(PLAN, text) == [
        f"{FILE}:9:10: error: needs at least 1 item [not_published.parts]"
    ]


def test_a_plan_may_list_no_priorities() -> None:
    """A PCC year that is only funding decisions, or a year whose priorities were never
    published: the plan types, and validation advises (see test_validate)."""
    text = edited(VALID_PLAN, VALID_PLAN[VALID_PLAN.index("priorities:") :], "priorities: []\n")
    model, problems = parse_document(PLAN, document_of(text))
    assert problems == [] and model is not None and model.priorities == []


def test_bad_id_in_a_list_is_located_at_the_item() -> None:
    text = edited(VALID_PLAN, "findings: [da-rising]", "findings: [da-rising, DA_Rising]")
    assert problems_of(PLAN, text) == [
        f"{FILE}:12:27: error: 'DA_Rising' is not a valid id: use lower-case letters, digits "
        "and single hyphens, starting with a letter (e.g. 'domestic-abuse') "
        "[priorities[0].findings[1]]"
    ]


def test_bad_mapping_key_is_located_at_the_key() -> None:
    # the key 'Threat' starts at column 14; its value '3' is at column 22
    text = edited(VALID_PLAN, "scores: {threat: 3}", "scores: {Threat: 3}")
    assert problems_of(PLAN, text) == [
        f"{FILE}:13:14: error: 'Threat' is not a valid id: use lower-case letters, digits and "
        "single hyphens, starting with a letter (e.g. 'domestic-abuse') "
        "[priorities[0].scores.Threat]"
    ]


def test_bad_mapping_key_in_block_style_is_located_at_the_key() -> None:
    text = edited(VALID_PLAN, "scores: {threat: 3}", "scores:\n      threat: 3\n      Harm: 2")
    assert problems_of(PLAN, text) == [
        f"{FILE}:15:7: error: 'Harm' is not a valid id: use lower-case letters, digits and "
        "single hyphens, starting with a letter (e.g. 'domestic-abuse') "
        "[priorities[0].scores.Harm]"
    ]


def test_money_in_whole_pence_with_a_trailing_zero_is_accepted() -> None:
    text = edited(VALID_SERVICES, "value: 40000.50", "value: 40000.500")
    model, problems = parse_document(SERVICES, document_of(text))
    assert problems == []
    assert isinstance(model, ServicesFile)
    contract = model.services[0].contract
    assert contract is not None
    assert str(contract.value) == "40000.500"


@pytest.mark.parametrize("value", ["[yes]", "{a: b}"])
def test_flag_field_given_a_list_or_mapping_is_reported(value: str) -> None:
    text = edited(VALID_PLAN, "public: true", f"public: {value}")
    kind = "a list" if value.startswith("[") else "a mapping"
    assert problems_of(PLAN, text) == [
        f"{FILE}:7:13: error: expected true or false, got {kind} [meetings[0].public]"
    ]


# --- Properties -------------------------------------------------------------------------------

KINDS = st.sampled_from(sorted(ALL_KINDS))
YAMLISH = st.lists(
    st.sampled_from(
        [
            *":-[]{}'\"#\n ?,~",
            *"abxy019",
            "\n  ",
            "- ",
            ": ",
            "title",
            "year",
            "status",
            "id",
            "public",
            "priorities",
            "yes",
            "2024-25",
            "draft",
            "[]",
            "{}",
        ]
    ),
    max_size=60,
).map("".join)
PROPERTY = settings(max_examples=250, deadline=None)
CHECKOUT = Path(__file__).resolve().parents[1]
SEEDS = {
    kind: (CHECKOUT / path).read_bytes()
    for kind, path in {
        "actions": "tests/fixtures/minimal/plans/ashdown-pcc/2024-25/actions.yml",
        "areas": "tests/fixtures/minimal/data/areas.yml",
        "assessment": "tests/fixtures/minimal/plans/ashdown-pcc/2024-25/assessment.yml",
        "changes": "plans/dunmarsh-wyckholt/2025-26/changes.yml",
        "funding": "tests/fixtures/minimal/plans/fenwick-csp/2024-25/funding.yml",
        "funding-streams": "tests/fixtures/minimal/data/funding-streams.yml",
        "indicators": "tests/fixtures/minimal/plans/ashdown-pcc/2024-25/indicators.yml",
        "organisations": "tests/fixtures/minimal/data/organisations.yml",
        "partnership": "tests/fixtures/minimal/plans/ashdown-pcc/partnership.yml",
        "plan": "tests/fixtures/minimal/plans/ashdown-pcc/2024-25/plan.yml",
        "published": "plans/marrowby/2024-25/published.yml",
        "review": "tests/fixtures/minimal/plans/fenwick-csp/2024-25/review.yml",
        "risks": "plans/safer-kelderton/2025-26/risks.yml",
        "services": "tests/fixtures/minimal/plans/fenwick-csp/2024-25/services.yml",
        "settings": "tests/fixtures/minimal/data/settings.yml",
    }.items()
}
"""A small valid file of every kind: the properties start from them as well as from nothing, so
that they reach the documents that type as well as those refused."""


def assert_typed_or_reported(kind_name: str, document: Document) -> str:
    """Check the outcome of typing a document, and say which it was: typed or reported."""
    model, problems = parse_document(ALL_KINDS[kind_name], document)
    if model is None:
        assert problems
        for problem in problems:
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.file == document.file
        outcome = "reported"
    else:
        assert isinstance(model, BaseModel)
        assert problems == []
        outcome = "typed"
    event(outcome)
    return outcome


def test_every_kind_has_a_seed_that_types() -> None:
    assert sorted(SEEDS) == sorted(ALL_KINDS)
    for kind, raw in SEEDS.items():
        document, problems = load_bytes(raw, FILE)
        assert document is not None and problems == [], kind
        model, problems = parse_document(ALL_KINDS[kind], document)
        assert isinstance(model, BaseModel) and problems == [], kind


@st.composite
def seeded_texts(draw: st.DrawFn) -> tuple[str, str]:
    """A valid file of some kind, as it is or with YAML-ish text put in somewhere."""
    kind = draw(st.sampled_from(sorted(SEEDS)))
    text = SEEDS[kind].decode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(YAMLISH) + text[at:]
    return kind, text


@st.composite
def seeded_bytes(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid file of some kind, as it is or with any bytes put in or cut off somewhere."""
    kind = draw(st.sampled_from(sorted(SEEDS)))
    raw = SEEDS[kind]
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(max_size=20)) + raw[at + draw(st.integers(0, 20)) :]
    return kind, raw


def test_any_loaded_text_is_typed_or_reported_for_every_kind() -> None:
    outcomes: Counter[str] = Counter()

    @PROPERTY
    @given(shaped=st.one_of(st.tuples(KINDS, YAMLISH), seeded_texts()))
    def check(shaped: tuple[str, str]) -> None:
        kind, text = shaped
        document, _ = load_bytes(text.encode("utf-8"), FILE)
        if document is not None:
            outcomes[assert_typed_or_reported(kind, document)] += 1

    check()
    assert outcomes["typed"] and outcomes["reported"], outcomes


def test_any_loaded_bytes_are_typed_or_reported_for_every_kind() -> None:
    outcomes: Counter[str] = Counter()

    @PROPERTY
    @given(shaped=st.one_of(st.tuples(KINDS, st.binary(max_size=200)), seeded_bytes()))
    def check(shaped: tuple[str, bytes]) -> None:
        kind, raw = shaped
        document, _ = load_bytes(raw, FILE)
        if document is not None:
            outcomes[assert_typed_or_reported(kind, document)] += 1

    check()
    assert outcomes["typed"] and outcomes["reported"], outcomes


SCALARS = st.one_of(
    st.none(),
    st.sampled_from(["yes", "true", "1", "1.5", "0161", "2024-25", "2024-04-01", "draft", "a\nb"]),
    st.text(max_size=5),
)


def _values(kind: str) -> st.SearchStrategy[Any]:
    names = st.sampled_from(sorted(field_names(ALL_KINDS[kind].model)))
    return st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=5),
        max_leaves=25,
    )


@st.composite
def shaped_documents(draw: st.DrawFn) -> tuple[str, Any]:
    """Data shaped like a kind's files: its own field names, any plain values; or a valid
    file's data, as it is or with one field changed to any such value or left out."""
    kind = draw(KINDS)
    names = st.sampled_from(sorted(field_names(ALL_KINDS[kind].model)))
    if draw(st.booleans()):
        return kind, draw(st.dictionaries(names, _values(kind), max_size=8))
    document, _ = load_bytes(SEEDS[kind], FILE)
    assert document is not None and isinstance(document.data, dict)
    data = dict(document.data)
    change = draw(st.sampled_from(["none", "replace", "remove"]))
    if change != "none":
        key = draw(st.sampled_from(sorted(data)))
        if change == "replace":
            data[key] = draw(_values(kind))
        else:
            del data[key]
    return kind, data


def test_data_shaped_like_a_kind_is_typed_or_reported() -> None:
    outcomes: Counter[str] = Counter()

    @PROPERTY
    @given(shaped=shaped_documents())
    @example(shaped=("settings", {"title": "Site", "fictional": ["yes"]}))
    def check(shaped: tuple[str, Any]) -> None:
        kind, data = shaped
        outcomes[assert_typed_or_reported(kind, Document(FILE, data))] += 1

    check()
    assert outcomes["typed"] and outcomes["reported"], outcomes


def test_the_project_is_typed_from_files_still_loading_and_keeps_no_raw_data() -> None:
    reference = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    found, problems = discover(MINIMAL, reference, list(YEAR_KINDS))
    sources = list(load_sources(found, MINIMAL, problems))
    assert problems == []
    project, problems = build_project(iter(sources))  # read once, as files arrive
    assert problems == []
    assert project is not None
    assert sorted(project.documents) == sorted(source.document.file for source in sources)
    plan = project.documents[FILE]
    assert plan.data is None  # the typed models hold it; a document only locates problems
    assert plan.where(("priorities", 0, "rationale")).line == 14
    assert project.years[("fenwick-csp", "2024-25")].plan.priorities[0].id == "domestic-abuse"

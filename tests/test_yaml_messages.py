"""YAML mistakes in an editor's words (issue 21, item 2): the usual mistakes named on the line
that is wrong (not the line the parser gave up on), in plain words, with the line shown and a
caret under the place in text output; both parsers give the same message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import load_bytes, parse_text
from generator.model.kinds import ALL_KINDS, parse_document
from generator.problems import Severity

FILE = "plans/fenwick-csp/2025-26/actions.yml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

ACTIONS = """\
# Example data: fictional.
actions:
  - id: da-champions
    priority: domestic-abuse
    title: Train workplace champions
    due: 2025-09-30
    status: complete
    milestones:
      - title: 150 champions trained
        due: 2025-09-30
        status: met
  - id: idva-tender
    priority: domestic-abuse
    title: Re-tender advocacy
    due: 2026-03-31
    status: on-track
"""


def edit(number: int, line: str) -> str:
    """ACTIONS with its line `number` (1-based) replaced."""
    lines = ACTIONS.splitlines(keepends=True)
    lines[number - 1] = line
    return "".join(lines)


def insert(number: int, line: str) -> str:
    """ACTIONS with `line` put in as line `number`."""
    lines = ACTIONS.splitlines(keepends=True)
    lines.insert(number - 1, line)
    return "".join(lines)


BROKEN = [
    (
        "key indented more, middle",
        edit(5, "      title: Train workplace champions\n"),
        "5:7",
        "line 5 is indented more than line 4: line up `title:` with `priority:` on line 4",
        [
            "4 |     priority: domestic-abuse",
            "5 |       title: Train workplace champions",
            "  |       ^",
        ],
    ),
    (
        # found in the trial as a new user (issue 21): the value in brackets is not the mistake
        "key indented more, its value a list",
        edit(6, "      partners: [police, council]\n"),
        "6:7",
        "line 6 is indented more than line 5: line up `partners:` with `title:` on line 5",
        [
            "5 |     title: Train workplace champions",
            "6 |       partners: [police, council]",
            "  |       ^",
        ],
    ),
    (
        "key indented one more",
        edit(6, "     due: 2025-09-30\n"),
        "6:6",
        "line 6 is indented more than line 5: line up `due:` with `title:` on line 5",
        ["5 |     title: Train workplace champions", "6 |      due: 2025-09-30", "  |      ^"],
    ),
    (
        "key indented less, between levels",
        edit(6, "   due: 2025-09-30\n"),
        "6:4",
        "line 6 is indented less than line 5 and more than line 2: line up `due:` with "
        "`title:` on line 5, or with `actions:` on line 2",
        ["5 |     title: Train workplace champions", "6 |    due: 2025-09-30", "  |    ^"],
    ),
    (
        "key indented less, to the dash",
        edit(14, "  title: Re-tender advocacy\n"),
        "14:3",
        "line 14 is indented less than line 13 and more than line 2: line up `title:` with "
        "`priority:` on line 13, or with `actions:` on line 2",
        ["13 |     priority: domestic-abuse", "14 |   title: Re-tender advocacy", "   |   ^"],
    ),
    (
        "key indented more, end of file",
        edit(16, "      status: on-track\n"),
        "16:7",
        "line 16 is indented more than line 15: line up `status:` with `due:` on line 15",
        ["15 |     due: 2026-03-31", "16 |       status: on-track", "   |       ^"],
    ),
    (
        "key in a nested list indented more",
        edit(10, "          due: 2025-09-30\n"),
        "10:11",
        "line 10 is indented more than line 9: line up `due:` with `title:` on line 9",
        [
            " 9 |       - title: 150 champions trained",
            "10 |           due: 2025-09-30",
            "   |           ^",
        ],
    ),
    (
        "key in a nested list indented less",
        edit(11, "     status: met\n"),
        "11:6",
        "line 11 is indented more than line 8 and less than line 10: line up `status:` with "
        "`milestones:` on line 8, or with `due:` on line 10",
        [" 8 |     milestones:", "   | ...", "11 |      status: met", "   |      ^"],
    ),
    (
        "list item indented more",
        edit(12, "   - id: idva-tender\n"),
        "12:4",
        "line 12 is indented more than line 3 and less than line 9: line up its `-` with the "
        "`-` on line 3, or with the `-` on line 9",
        [" 3 |   - id: da-champions", "   | ...", "12 |    - id: idva-tender", "   |    ^"],
    ),
    (
        "list item indented less",
        edit(12, " - id: idva-tender\n"),
        "12:2",
        "line 12 is indented less than line 3: line up its `-` with the `-` on line 3",
        [" 3 |   - id: da-champions", "   | ...", "12 |  - id: idva-tender", "   |  ^"],
    ),
    (
        "list item inside the item above",
        edit(12, "    - id: idva-tender\n"),
        "12:5",
        "line 12 is indented less than line 9 and more than line 3: line up its `-` with the "
        "`-` on line 9, or with the `-` on line 3",
        [
            " 9 |       - title: 150 champions trained",
            "   | ...",
            "12 |     - id: idva-tender",
            "   |     ^",
        ],
    ),
    (
        "nested list item indented less",
        edit(9, "     - title: 150 champions trained\n"),
        "10:9",
        "line 10 is indented more than line 9: line up `due:` with `title:` on line 9",
        [
            " 9 |      - title: 150 champions trained",
            "10 |         due: 2025-09-30",
            "   |         ^",
        ],
    ),
    (
        "first line indented",
        "  year: 2025-26\ntitle: Plan\n",
        "1:3",
        "line 1 is indented, but the fields at the top of a file start at the left edge: "
        "remove the spaces before `year:`",
        ["1 |   year: 2025-26", "  |   ^"],
    ),
    (
        "first item indented more",
        edit(3, "    - id: da-champions\n"),
        "4:5",
        "line 4 is indented less than line 3 and more than line 2: line up `priority:` with "
        "`id:` on line 3, or with `actions:` on line 2",
        ["3 |     - id: da-champions", "4 |     priority: domestic-abuse", "  |     ^"],
    ),
    (
        "missing space after colon",
        edit(5, "    title:Train workplace champions\n"),
        "5:10",
        "line 5 has no space after the colon: did you mean `title: Train workplace champions`?",
        ["5 |     title:Train workplace champions", "  |          ^"],
    ),
    (
        "missing space after colon, list item",
        edit(3, "  - id:da-champions\n"),
        "3:7",
        "line 3 has no space after the colon: did you mean `- id: da-champions`?",
        ["3 |   - id:da-champions", "  |       ^"],
    ),
    (
        "missing space after colon, last line",
        edit(16, "    status:on-track\n"),
        "16:11",
        "line 16 has no space after the colon: did you mean `status: on-track`?",
        ["16 |     status:on-track", "   |           ^"],
    ),
    (
        "stray colon",
        edit(5, "    title: Knife crime: a plan\n"),
        "5:23",
        "line 5 has a second colon in the value of `title:`: put the value in quotes: `title: "
        '"Knife crime: a plan"`',
        ["5 |     title: Knife crime: a plan", "  |                       ^"],
    ),
    (
        "stray colon with a quote in it",
        edit(5, '    title: Knife crime: the "plan"\n'),
        "5:23",
        "line 5 has a second colon in the value of `title:`: put the value in quotes: `title: "
        "'Knife crime: the \"plan\"'`",
        ['5 |     title: Knife crime: the "plan"', "  |                       ^"],
    ),
    (
        "unclosed single quote",
        edit(5, "    title: 'Train workplace champions\n"),
        "5:12",
        "line 5 opens a quote (') that is never closed: end the value with ' on the same line",
        ["5 |     title: 'Train workplace champions", "  |            ^"],
    ),
    (
        "unclosed double quote",
        edit(14, '    title: "Re-tender advocacy\n'),
        "14:12",
        'line 14 opens a quote (") that is never closed: end the value with " on the same line',
        ['14 |     title: "Re-tender advocacy', "   |            ^"],
    ),
    (
        "apostrophe in single quotes",
        edit(5, "    title: 'Kelderton's champions'\n"),
        "5:22",
        "line 5: the apostrophe in `Kelderton's` ends the quoted text early: write it twice "
        "(''), or put the value in double quotes: `title: \"Kelderton's champions\"`",
        ["5 |     title: 'Kelderton's champions'", "  |                      ^"],
    ),
    (
        "text after closing quote",
        edit(5, '    title: "Train" workplace champions\n'),
        "5:12",
        "line 5: the value starts with a quote mark and goes on after the closing one: put the "
        "whole value in quotes: `title: '\"Train\" workplace champions'`",
        ['5 |     title: "Train" workplace champions', "  |            ^"],
    ),
    (
        "tab indentation",
        edit(6, "\tdue: 2025-09-30\n"),
        "6:1",
        "line 6 is indented with a tab: indent with spaces only",
        ["6 | →due: 2025-09-30", "  | ^"],
    ),
    (
        "tab after spaces",
        edit(6, "  \t  due: 2025-09-30\n"),
        "6:3",
        "line 6 is indented with a tab: indent with spaces only",
        ["6 |   →  due: 2025-09-30", "  |   ^"],
    ),
    (
        "value starting with star",
        edit(5, "    title: *Urgent* training\n"),
        "5:12",
        'line 5: a value cannot start with `*` unless it is in quotes: write `title: "*Urgent* '
        'training"`',
        ["5 |     title: *Urgent* training", "  |            ^"],
    ),
    (
        "value starting with at",
        edit(5, "    title: @home safety\n"),
        "5:12",
        'line 5: a value cannot start with `@` unless it is in quotes: write `title: "@home '
        'safety"`',
        ["5 |     title: @home safety", "  |            ^"],
    ),
    (
        "unclosed bracket",
        edit(4, "    partners: [harbourlight, police\n"),
        "4:15",
        "line 4: `[` starts a list that is not closed with `]`: close it on the same line, or "
        "put the value in quotes if the `[` is part of the text",
        ["4 |     partners: [harbourlight, police", "  |               ^"],
    ),
    (
        "text line without key",
        insert(6, "    and their managers\n"),
        "6:5",
        "line 6 is text without a field name and a colon in front of it: if it goes on from "
        "`title:` on line 5, indent it further",
        ["5 |     title: Train workplace champions", "6 |     and their managers", "  |     ^"],
    ),
    (
        "list item on the key's line",
        edit(8, "    milestones: - title: 150 champions trained\n"),
        "8:17",
        "line 8: a list item cannot start on the same line as `milestones:`: put it on the "
        "next line, indented under it",
        ["8 |     milestones: - title: 150 champions trained", "  |                 ^"],
    ),
    (
        "backslash in double quotes",
        edit(5, '    title: "C:\\plans\\champions"\n'),
        "5:15",
        "line 5: a backslash (\\) inside double quotes starts a special character, and this "
        "one is not valid: write \\\\ for a backslash, or use single quotes",
        ['5 |     title: "C:\\plans\\champions"', "  |               ^"],
    ),
]


def test_the_unbroken_document_loads() -> None:
    document, problems = parse_text(ACTIONS, FILE)
    assert problems == [] and document is not None


@pytest.mark.parametrize(
    ("text", "where", "message", "excerpt"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "python"])
def test_a_mistake_is_named_on_its_line_in_plain_words(
    text: str, where: str, message: str, excerpt: list[str], fast: bool
) -> None:
    document, problems = load_bytes(text.encode(), FILE, fast=fast)
    assert document is None
    assert [str(p) for p in problems] == [f"{FILE}:{where}: error: {message}"]
    assert list(problems[0].excerpt) == excerpt


def test_the_excerpt_follows_the_problem_indented_in_text_output() -> None:
    _, problems = load_bytes(edit(6, "     due: 2025-09-30\n").encode(), FILE)
    assert problems[0].shown().splitlines() == [
        f"{FILE}:6:6: error: line 6 is indented more than line 5: line up `due:` with `title:` "
        "on line 5",
        "    5 |     title: Train workplace champions",
        "    6 |      due: 2025-09-30",
        "      |      ^",
    ]


def test_a_long_line_is_cut_around_the_caret_and_wide_characters_count_twice() -> None:
    long = "    title: " + "x" * 100 + ": more " + "y" * 100 + "\n"
    _, problems = load_bytes(edit(5, long).encode(), FILE)
    shown, caret = problems[0].excerpt
    assert shown.startswith("5 | …") and shown.endswith("…")
    assert caret.index("^") - len("  | ") == shown.index(":", 10) - len("5 | ")
    _, problems = load_bytes(edit(5, "    title: 安全: 計画\n").encode(), FILE)
    # the colon is the 14th character; the two before it are each two columns wide
    assert problems[0].excerpt[-1] == "  | " + " " * 15 + "^"


def test_text_after_a_block_of_text_is_not_taken_for_a_field() -> None:
    text = "summary: |\n  Line one\n    indented: text\nstatus: draft\n  oops: x\n"
    _, problems = load_bytes(text.encode(), FILE)
    assert [str(p) for p in problems] == [
        f"{FILE}:5:3: error: line 5 is indented more than line 4: line up `oops:` with "
        "`status:` on line 4"
    ]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "actions",
            "actions:\n  - id: da-champions\n    priority: domestic-abuse\n    title: Train\n"
            "      due:2025-09-30\n    status: complete\n    lead: fenwick-council\n",
            "2:5: error: missing required field 'due' — is a space missing after a colon? "
            "did you mean `due: 2025-09-30`? [actions[0].due]",
        ),
        (
            "plan",
            "title:Safer Fenwick\n",
            "1:1: error: expected a mapping of fields, got 'title:Safer Fenwick' — is a space "
            "missing after a colon? did you mean `title: Safer Fenwick`?",
        ),
        (
            "actions",
            "actions:\n  - id:da-champions\n",
            "2:5: error: expected a mapping of fields, got 'id:da-champions' — is a space "
            "missing after a colon? did you mean `id: da-champions`? [actions[0]]",
        ),
    ],
)
def test_a_missing_space_after_a_colon_that_parses_is_caught_when_typed(
    kind: str, text: str, expected: str
) -> None:
    # `key:value` is valid YAML (one text), so the mistake shows only when the model types it
    document, problems = parse_text(text, FILE)
    assert document is not None and problems == []
    _, typed = parse_document(ALL_KINDS[kind], document)
    assert [str(p) for p in typed if p.severity is Severity.ERROR][:1] == [f"{FILE}:{expected}"]


def _broken_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    plan = root / "plans" / "fenwick-csp" / "2024-25" / "plan.yml"
    lines = plan.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[index] = "  " + lines[index]
    plan.write_text("".join(lines), encoding="utf-8")
    return root


def test_validate_shows_the_line_in_text_and_one_line_in_github_and_json(tmp_path: Path) -> None:
    root = _broken_project(tmp_path)
    text = CliRunner().invoke(main, ["validate", str(root)])
    assert text.exit_code == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("plans/fenwick-csp/2024-25/plan.yml:")
    assert "is indented more than line" in lines[0]
    assert lines[1].startswith("    ") and lines[-2].strip().endswith("^")
    assert lines[-1] == "1 error, 0 warnings"
    github = CliRunner().invoke(main, ["validate", "--format", "github", str(root)])
    annotations, log = github.stdout.split("::group::")  # the log lists it as text does
    assert len(annotations.splitlines()) == 1
    assert annotations.startswith("::error file=plans/fenwick-csp/2024-25/plan.yml,line=")
    assert "^" not in annotations and set(lines) <= set(log.splitlines())
    problems = json.loads(
        CliRunner().invoke(main, ["validate", "--format", "json", str(root)]).stdout
    )
    assert list(problems["problems"][0]) == [
        "severity",
        "file",
        "line",
        "column",
        "field",
        "message",
        "reference",
    ]


def test_a_value_not_in_the_form_a_field_takes_is_said_without_its_pattern() -> None:
    text = "published: '2025-04-16'\napproved_by: The board\ndigest: xyz\nfiles: {}\n"
    document, _ = parse_text(text, FILE)
    assert document is not None
    _, problems = parse_document(ALL_KINDS["published"], document)
    assert [str(p) for p in problems] == [
        f"{FILE}:3:9: error: 'xyz' is not written in the form this field takes [digest]"
    ]


def test_a_quote_left_open_is_found_where_an_apostrophe_further_down_closes_it() -> None:
    text = edit(5, "    title: 'Train workplace champions\n").replace(
        "Re-tender advocacy", "Re-tender the PCC's advocacy"
    )
    for fast in (True, False):
        _, problems = load_bytes(text.encode(), FILE, fast=fast)
        assert [str(p) for p in problems] == [
            f"{FILE}:5:12: error: line 5 opens a quote (') that is not closed on that line, so "
            "the value runs on to the ' on line 14: end the value with ' on line 5"
        ]
        assert problems[0].excerpt == (
            "5 |     title: 'Train workplace champions",
            "  |            ^",
        )

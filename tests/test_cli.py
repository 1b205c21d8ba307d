"""The `plans` command: exact output, exit codes, output formats, schemas and help."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.load import load_file

if TYPE_CHECKING:
    from tests.conftest import Tree

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
FEN = "plans/fenwick-csp/2024-25/"

KINDS = (
    "settings",
    "organisations",
    "areas",
    "funding-streams",
    "partnership",
    "plan",
    "assessment",
    "actions",
    "indicators",
    "services",
    "funding",
    "risks",
    "review",
    "changes",
    "published",
)


def plans(*args: str) -> Result:
    """Run `plans ARGS` in-process, keeping stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), prog_name="plans")


def break_two_errors_and_a_warning(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-councl]")
    tree.edit(FEN + "actions.yml", "due: 2025-03-31", "due: 2024-03-31")
    tree.edit(FEN + "services.yml", "make_or_buy: buy", "make_or_buy: make")


def warn_only(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "date: 2024-07-10", "date: 2025-04-10")


BROKEN_TEXT = [
    f"{FEN}actions.yml:7:5: error: due 2024-03-31 is before the plan year starts (2024-04-01) "
    "[actions[0].due]",
    f"{FEN}plan.yml:16:13: error: unknown organisation 'fenwick-councl' — did you mean "
    "'fenwick-council'? [priorities[0].leads[0]]",
    f"{FEN}services.yml:6:5: warning: 'make' means delivered in-house, but the delivery model "
    "is contract [services[0].make_or_buy]",
    "2 errors, 1 warning",
]
WARNING_TEXT = [
    f"{FEN}plan.yml:8:5: warning: meeting on 2025-04-10 is outside 2024-25 [meetings[0].date]",
    "0 errors, 1 warning",
]


# --- plans validate: text -------------------------------------------------------------------


def test_validate_a_clean_project(tree: Tree) -> None:
    result = plans("validate", str(tree.root))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "No problems found.\n", "")


def test_validate_a_clean_project_strictly(tree: Tree) -> None:
    result = plans("validate", "--strict", str(tree.root))
    assert (result.exit_code, result.stdout) == (0, "No problems found.\n")


def test_validate_defaults_to_the_current_folder(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root)
    result = plans("validate")
    assert (result.exit_code, result.stdout) == (0, "No problems found.\n")


@pytest.mark.parametrize("where", ["plans", "plans/fenwick-csp", FEN, "data"])
def test_every_command_finds_the_project_from_a_folder_inside_it(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """As git finds its repository: the nearest folder above with data/settings.yml or plans/."""
    (tree.root / FEN / "plan.yml").write_text("priorities: {}\n")  # a problem to find
    monkeypatch.chdir(tree.root / where)
    result = plans("validate")
    assert result.exit_code == 1 and f"{FEN}plan.yml:1:1: error:" in result.stdout
    built = plans("build", "-q")
    assert built.exit_code == 1 and f"{FEN}plan.yml:1:1: error:" in built.stderr
    assert not (tree.root / where / "site").exists() and not (tree.root / "site").exists()


def test_the_project_found_is_built_into_its_own_site_folder(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree.root / FEN)
    result = plans("build", "-q", "--no-cache")
    assert result.exit_code == 0, result.output
    assert (tree.root / "site" / "versions.json").is_file()
    assert not (tree.root / FEN / "site").exists()


@pytest.mark.parametrize("command", ["validate", "build", "serve"])
def test_outside_any_project_the_commands_say_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    (tmp_path / "notes").mkdir()
    monkeypatch.chdir(tmp_path / "notes")
    result = plans(command)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: no project here: run plans init, or give the project folder\n"
    assert list(tmp_path.iterdir()) == [tmp_path / "notes"], "nothing written"


def test_help_lists_every_command_with_a_whole_sentence() -> None:
    result = plans("--help")
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert {line.split()[0] for line in listed} == set(main.commands)
    for line in listed:
        assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line


def test_validate_a_broken_project_lists_every_problem_and_a_summary(tree: Tree) -> None:
    break_two_errors_and_a_warning(tree)
    result = plans("validate", str(tree.root))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == BROKEN_TEXT
    assert result.stderr == ""


def test_warnings_alone_pass(tree: Tree) -> None:
    warn_only(tree)
    result = plans("validate", str(tree.root))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == WARNING_TEXT


def test_warnings_fail_under_strict(tree: Tree) -> None:
    warn_only(tree)
    result = plans("validate", "--strict", str(tree.root))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == WARNING_TEXT


# --- plans validate: json -----------------------------------------------------------------


def test_json_output_of_a_clean_project(tree: Tree) -> None:
    result = plans("validate", "--format", "json", str(tree.root))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"problems": []}


def test_json_output_has_every_field(tree: Tree) -> None:
    break_two_errors_and_a_warning(tree)
    result = plans("validate", "--format", "json", str(tree.root))
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "problems": [
            {
                "severity": "error",
                "file": f"{FEN}actions.yml",
                "line": 7,
                "column": 5,
                "field": "actions[0].due",
                "message": "due 2024-03-31 is before the plan year starts (2024-04-01)",
                "reference": "schema/actions/#actions.actions.due",
            },
            {
                "severity": "error",
                "file": f"{FEN}plan.yml",
                "line": 16,
                "column": 13,
                "field": "priorities[0].leads[0]",
                "message": "unknown organisation 'fenwick-councl' — did you mean "
                "'fenwick-council'?",
                "reference": "schema/plan/#plan.priorities.leads",
            },
            {
                "severity": "warning",
                "file": f"{FEN}services.yml",
                "line": 6,
                "column": 5,
                "field": "services[0].make_or_buy",
                "message": "'make' means delivered in-house, but the delivery model is contract",
                "reference": "schema/services/#services.services.make_or_buy",
            },
        ]
    }


def test_json_output_of_a_warning_under_strict_fails(tree: Tree) -> None:
    warn_only(tree)
    result = plans("validate", "--format", "json", "--strict", str(tree.root))
    assert result.exit_code == 1
    assert [p["severity"] for p in json.loads(result.stdout)["problems"]] == ["warning"]


# --- plans validate: github annotations ---------------------------------------------------


def annotated(result: Result) -> list[str]:
    """The annotations of `plans validate --format github`, before its log of every problem
    (tests/test_validate_github.py tests that)."""
    return result.stdout.split("::group::")[0].splitlines()


def test_github_annotations(tree: Tree) -> None:
    break_two_errors_and_a_warning(tree)
    result = plans("validate", "--format", "github", str(tree.root))
    assert result.exit_code == 1
    assert annotated(result) == [
        f"::error file={FEN}actions.yml,line=7,col=5,title=actions[0].due "
        "(see schema/actions/#actions.actions.due)::due 2024-03-31 is "
        "before the plan year starts (2024-04-01)",
        f"::error file={FEN}plan.yml,line=16,col=13,title=priorities[0].leads[0] "
        "(see schema/plan/#plan.priorities.leads)::unknown "
        "organisation 'fenwick-councl' — did you mean 'fenwick-council'?",
        f"::warning file={FEN}services.yml,line=6,col=5,title=services[0].make_or_buy "
        "(see schema/services/#services.services.make_or_buy)::'make' "
        "means delivered in-house, but the delivery model is contract",
    ]


def test_github_annotations_make_warnings_errors_under_strict(tree: Tree) -> None:
    warn_only(tree)
    result = plans("validate", "--format", "github", "--strict", str(tree.root))
    assert result.exit_code == 1
    assert annotated(result) == [
        f"::error file={FEN}plan.yml,line=8,col=5,title=meetings[0].date "
        "(see schema/plan/#plan.meetings.date)::meeting on "
        "2025-04-10 is outside 2024-25"
    ]


def test_github_annotations_without_strict_keep_warnings(tree: Tree) -> None:
    warn_only(tree)
    result = plans("validate", "--format", "github", str(tree.root))
    assert result.exit_code == 0
    assert annotated(result) == [
        f"::warning file={FEN}plan.yml,line=8,col=5,title=meetings[0].date "
        "(see schema/plan/#plan.meetings.date)::meeting on "
        "2025-04-10 is outside 2024-25"
    ]


def test_github_annotations_escape_properties_and_messages(tree: Tree) -> None:
    # A quoted key may hold '%', ':', ',' and (by escape) a newline; a folder name may too.
    tree.edit("data/areas.yml", "    name: Ashdown\n", '    name: Ashdown\n    "x:y,z%\\nw": 1\n')
    tree.write("plans/Bad,Name:1%/partnership.yml", "id: bad\n")
    result = plans("validate", "--format", "github", str(tree.root))
    assert result.exit_code == 1
    assert annotated(result) == [
        "::error file=data/areas.yml,line=4,col=5,title=areas[0].x%3Ay%2Cz%25%0Aw "
        "(see schema/areas/#areas.areas)::unknown "
        "field 'x:y,z%25%0Aw'",
        "::error file=plans/Bad%2CName%3A1%25,line=1,col=1,title=plans validate::a partnership "
        "folder is named by its id (lower-case, digits, hyphens)",
    ]


# --- usage errors and corrupt input -------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["validate", "--bogus"], "Error: No such option '--bogus'."),
        (
            ["validate", "no/such/folder"],
            "Error: Invalid value for '[PROJECT]': Directory 'no/such/folder' does not exist.",
        ),
        (
            ["validate", "--format", "xml"],
            "Error: Invalid value for '--format': 'xml' is not one of 'text', 'json', 'github'.",
        ),
        (["frobnicate"], "Error: No such command 'frobnicate'."),
    ],
)
def test_usage_errors_exit_2(args: list[str], complaint: str) -> None:
    result = plans(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == complaint


def test_validate_a_file_instead_of_a_folder_is_a_usage_error() -> None:
    result = plans("validate", str(MINIMAL / "data" / "settings.yml"))
    assert result.exit_code == 2
    assert "is a file" in result.stderr


def _random_bytes() -> bytes:
    rng = random.Random(20240401)
    return bytes(rng.randrange(256) for _ in range(512))


CORRUPT = {
    "random bytes": (
        _random_bytes(),
        None,  # the position depends on the bytes; the message shape does not
    ),
    "UTF-16 with a byte-order mark": (
        "year: 2024-25\n".encode("utf-16"),
        f"{FEN}plan.yml:1:1: error: file is encoded as UTF-16; save it as UTF-8",
    ),
    "UTF-16 without a byte-order mark": (
        "year: 2024-25\n".encode("utf-16-le"),
        f"{FEN}plan.yml:1:2: error: contains a NUL byte (is the file UTF-16? save it as UTF-8)",
    ),
    "Latin-1": (
        "title: caf\xe9\n".encode("latin-1"),
        f"{FEN}plan.yml:1:11: error: is not valid UTF-8 (byte 0xE9; is it Latin-1 or "
        "Windows-1252?); save the file as UTF-8",
    ),
    "a YAML syntax error": (
        b"year: [2024\n",
        f"{FEN}plan.yml:1:7: error: line 1: `[` starts a list that is not closed with `]`: "
        "close it on the same line, or put the value in quotes if the `[` is part of the text\n"
        "    1 | year: [2024\n"
        "      |       ^",
    ),
    "a list instead of a mapping": (
        b"- 2024-25\n",
        f"{FEN}plan.yml:1:1: error: expected a mapping of fields, got a list",
    ),
}


@pytest.mark.parametrize(("raw", "expected"), list(CORRUPT.values()), ids=list(CORRUPT))
def test_corrupt_input_is_a_problem_not_a_traceback(
    tree: Tree, raw: bytes, expected: str | None
) -> None:
    tree.write_bytes(FEN + "plan.yml", raw)
    for fmt in ("text", "json", "github"):
        result = plans("validate", "--format", fmt, str(tree.root))
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output
    result = plans("validate", str(tree.root))
    lines = result.stdout.splitlines()
    assert lines[-1] == "1 error, 0 warnings"
    if expected is None:
        assert lines[0].startswith(f"{FEN}plan.yml:")
        assert "error: is not valid UTF-8" in lines[0] or "error: contains" in lines[0]
    else:
        assert lines == [*expected.splitlines(), "1 error, 0 warnings"]


def test_an_unexpected_failure_is_one_line_without_debug(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(root: Path, cache: Path | None) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("generator.pipeline.check_project", explode)
    result = plans("validate", str(tree.root))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: unexpected failure: RuntimeError: boom\n"
        "Run again with --debug to see where it happened.\n"
    )
    debug = plans("validate", "--debug", str(tree.root))
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert debug.stderr.endswith("Error: unexpected failure: RuntimeError: boom\n")


# --- plans schema ---------------------------------------------------------------------------


def test_schema_writes_one_json_schema_per_file_kind(tmp_path: Path) -> None:
    out = tmp_path / "schema"
    result = plans("schema", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(f"{kind}.schema.json" for kind in KINDS)
    assert sorted(p.name for p in out.iterdir()) == names
    assert sorted(result.stdout.splitlines()) == sorted(f"wrote {out / n}" for n in names)
    for name in names:
        schema = json.loads((out / name).read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == name
        assert schema["type"] == "object"
        assert schema["additionalProperties"] is False


def test_the_plan_schema_forbids_unknown_fields(tmp_path: Path) -> None:
    plans("schema", "--out", str(tmp_path))
    schema = json.loads((tmp_path / "plan.schema.json").read_text(encoding="utf-8"))
    assert schema["required"] == ["year", "title", "status"]
    assert schema["additionalProperties"] is False
    assert "minItems" not in schema["properties"]["priorities"]  # a year may publish none
    assert schema["$defs"]["NotPublished"]["properties"]["parts"]["minItems"] == 1
    priority = schema["$defs"]["Priority"]
    assert priority["additionalProperties"] is False
    assert priority["required"] == ["id", "title", "rationale"]


def structure_problems(
    data: Any, schema: dict[str, Any], root: dict[str, Any], at: str
) -> list[str]:
    """Where data breaks the schema's structure: required and unknown keys, lists, mappings.

    The loader keeps every scalar as text, so scalar types and formats are not checked here.
    """
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return structure_problems(data, root["$defs"][name], root, at)
    if "anyOf" in schema:
        if data is None:
            return []
        attempts = [structure_problems(data, branch, root, at) for branch in schema["anyOf"]]
        return min(attempts, key=len)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if not isinstance(data, dict):
            return [f"{at}: expected a mapping"]
        found = [f"{at}: missing {key}" for key in schema.get("required", []) if key not in data]
        properties = schema.get("properties", {})
        for key, value in data.items():
            if key in properties:
                found += structure_problems(value, properties[key], root, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{at}: unknown {key}")
        return found
    if kind == "array":
        if not isinstance(data, list):
            return [f"{at}: expected a list"]
        found = []
        for i, item in enumerate(data):
            found += structure_problems(item, schema.get("items", {}), root, f"{at}[{i}]")
        return found
    if isinstance(data, dict | list):
        return [f"{at}: expected a scalar"]
    return []


def _kind_of(path: Path) -> str:
    return "partnership" if path.parent.parent.name == "plans" else path.stem


def test_the_fixture_matches_the_schemas_in_structure(tmp_path: Path) -> None:
    plans("schema", "--out", str(tmp_path))
    files = sorted(MINIMAL.rglob("*.yml"))
    assert len(files) == 29
    seen = set()
    for path in files:
        kind = _kind_of(path)
        seen.add(kind)
        schema = json.loads((tmp_path / f"{kind}.schema.json").read_text(encoding="utf-8"))
        document, problems = load_file(path, MINIMAL)
        assert problems == [] and document is not None
        assert structure_problems(document.data, schema, schema, kind) == [], path
    assert seen == set(KINDS) - {"risks", "changes", "published"}


def test_the_structure_check_catches_unknown_and_missing_keys(tmp_path: Path) -> None:
    plans("schema", "--out", str(tmp_path))
    schema = json.loads((tmp_path / "plan.schema.json").read_text(encoding="utf-8"))
    data = {"year": "2024-25", "title": "T", "colour": "blue", "priorities": [{"id": "x"}]}
    assert structure_problems(data, schema, schema, "plan") == [
        "plan: missing status",
        "plan: unknown colour",
        "plan.priorities[0]: missing title",
        "plan.priorities[0]: missing rationale",
    ]


# --- help -----------------------------------------------------------------------------------


def test_every_command_has_help() -> None:
    assert main.commands, "no commands registered"
    for name, command in main.commands.items():
        assert isinstance(command, click.Command)
        assert (command.help or "").strip(), f"plans {name} has no help"
        assert command.get_short_help_str().strip(), f"plans {name} has no short help"
        result = plans(name, "--help")
        assert result.exit_code == 0, name
        assert result.stdout.startswith(f"Usage: plans {name} [OPTIONS]"), name
        first_line = (command.help or "").strip().splitlines()[0]
        assert " ".join(first_line.split()) in " ".join(result.stdout.split()), name


def test_every_option_has_help() -> None:
    missing = [
        f"plans {name} {param.opts[0]}"
        for name, command in main.commands.items()
        for param in command.params
        if isinstance(param, click.Option) and not (param.help or "").strip()
    ]
    assert missing == []


def test_the_group_help_lists_every_command() -> None:
    result = plans("--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: plans [OPTIONS] COMMAND [ARGS]...")
    listed = result.stdout.split("Commands:")[1]
    for name in main.commands:
        assert f"  {name} " in listed


# --- the real console script ----------------------------------------------------------------


def _console_script() -> str:
    beside_python = Path(sys.executable).parent / ("plans.exe" if os.name == "nt" else "plans")
    found = str(beside_python) if beside_python.exists() else shutil.which("plans")
    assert found, "the plans console script is not installed; run pip install -e '.[test]'"
    return found


def test_the_installed_console_script(tree: Tree) -> None:
    script = _console_script()
    clean = subprocess.run(
        [script, "validate", str(tree.root)], capture_output=True, text=True, check=False
    )
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "No problems found.\n", "")
    break_two_errors_and_a_warning(tree)
    broken = subprocess.run(
        [script, "validate", str(tree.root)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert broken.returncode == 1
    assert broken.stdout.splitlines() == BROKEN_TEXT
    assert "Traceback" not in broken.stderr
    usage = subprocess.run(
        [script, "validate", "--bogus"], capture_output=True, text=True, check=False
    )
    assert usage.returncode == 2


def test_build_says_how_it_is_going_on_stderr_and_the_result_on_stdout(
    tree: Tree, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first = plans("build", str(tree.root), "--out", str(out), "--jobs", "1", "--no-cache")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("Built 2 versions") and first.stdout.count("\n") == 1
    lines = first.stderr.splitlines()
    assert re.fullmatch(r"read \d+ files, 2 years; \d+ s", lines[0]), lines
    assert lines[1] == "4 of 4 shards to build in 1 process, 0 reused unchanged"
    built = lines[2:-1]
    assert [line.split("]")[0] for line in built] == ["[1/4", "[2/4", "[3/4", "[4/4"]
    shards = {re.search(r"built (\S+) ", line).group(1) for line in built}  # type: ignore[union-attr]
    assert shards == {"2024-25/_home", "2024-25/ashdown", "2025-26/_home", "2025-26/ashdown"}
    assert lines[-1] == "putting together 2 versions, then publishing"

    quiet = plans("build", str(tree.root), "--out", str(out), "--no-cache", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "", quiet.stderr
    assert quiet.stdout.startswith("Built 2 versions")


def test_build_progress_in_parallel_names_every_shard_once(tree: Tree, tmp_path: Path) -> None:
    result = plans("build", str(tree.root), "--out", str(tmp_path / "site"), "--jobs", "2")
    assert result.exit_code == 0, result.output
    built = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert sorted(line.split("]")[0] for line in built) == ["[1/4", "[2/4", "[3/4", "[4/4"]
    assert len({line.split(" built ")[1].split()[0] for line in built}) == 4
    again = plans("build", str(tree.root), "--out", str(tmp_path / "site"), "--jobs", "2")
    assert again.stderr.splitlines()[1:] == ["0 of 4 shards to build, 4 reused unchanged"]

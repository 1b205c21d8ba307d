"""No parser or library jargon in what an editor reads (issue 21, item 2).

Every message the validator can emit is collected two ways and checked against a word list:
by running the loader and the model over a corpus of broken inputs (the hostile-input corpus,
the broken documents of test_yaml_messages, every line of a document broken in the usual ways,
and every field of the minimal project given a wrong value, taken away, or joined by an unknown
one), and by reading every string written in the code of the load, model and validate stages
(the validate rules' messages are mostly fixed text around names and numbers).

Chosen with care: "stream" is our own word (funding streams), so only the parser's "end of
stream" and "stream start" are refused; "indicator" is ours (performance indicators), so only
the parser's "'-' indicator" is; "mapping" alone stays ("expected a mapping of fields"), the
parser's "mapping values" and "block mapping" do not. "alias", "anchor" and "tag" have no
meaning in our domain, so they are refused everywhere.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic_core.core_schema import ErrorType

from generator.load import Document, load_bytes, parse_text
from generator.model.kinds import ALL_KINDS, _plain, parse_document
from generator.model.markdown_policy import SITE_LINK
from tests.test_hostile import expand
from tests.test_yaml_messages import ACTIONS, BROKEN

GENERATOR = Path(__file__).resolve().parents[1] / "generator"
CORPUS = Path(__file__).parent / "corpus" / "yaml"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"

JARGON = [
    *("block mapping", "block sequence", "block collection", "block scalar", "block end"),
    *("flow mapping", "flow sequence", "flow node", r"\bscalars?\b", r"YAML 1\.1"),
    *("mapping values", "expected <", r"\banchors?\b", r"\baliases?\b", r"\btags?\b"),
    *("document start", "document end", "end of stream", r"stream (?:start|end)\b"),
    *(r"\btokens?\b", r"\bconstruct", "pydantic", "validation error", "input_value"),
    *("input_type", "Traceback", "simple key", r"'.' indicator", "while parsing"),
    *("while scanning", "node content", r"\bimplicit\b", "libyaml", r"\[type="),
    *("For further information", "Input should", "String should", "Value error"),
    *("should be a valid", r"\bdict\b", "NoneType", r"\bstr\b", "YAML syntax error"),
    *("find expected", "unexpected end", "ParserError", "ScannerError", "MarkedYAMLError"),
]
"""What a parser or pydantic would say and an editor should never read."""

JARGON_PATTERN = re.compile("|".join(f"(?:{word})" for word in JARGON), re.IGNORECASE)

NOT_MESSAGES = {
    ("load/cache.py", "libyaml "): "part of the load cache's key, never shown",
    ("load/reader.py", "anchor"): "the name of a parser event's attribute",
    ("load/reader.py", "tag"): "the name of a parser event's attribute",
    ("load/reader.py", "tag:yaml.org,2002:"): "taken off a tag's name before it is shown",
    ("load/syntax.py", "cannot start any token"): "matched in the parser's message",
    ("load/syntax.py", "block scalar"): "matched in the parser's message",
    ("load/syntax.py", "mapping values"): "matched in the parser's message",
    ("load/syntax.py", "quoted scalar"): "matched in the parser's message",
    ("load/syntax.py", "simple key"): "matched in the parser's message",
    ("load/syntax.py", "anchor"): "matched in the parser's message",
    ("model/kinds.py", "tag"): "the name of a pydantic error's context item",
    ("model/markdown_policy.py", "anchor"): "the name of a regular expression's group",
    ("model/markdown_policy.py", SITE_LINK.pattern): "a regular expression",
    ("model/types.py", "__pydantic_fields_set__"): "the name of a pydantic attribute",
    ("validate/cache.py", "pydantic"): "a package name in the validation cache's key",
    ("validate/cache.py", "pydantic-core"): "a package name in the validation cache's key",
}
"""String literals of the scanned code that are not (part of) messages, each with why."""

SCANNED = ["load", "model", "validate", "problems.py", "pipeline.py"]


QUOTED = re.compile(r"`[^`]*`|'[^']*'|U\+[0-9A-F]{4,6}(?: [A-Z0-9 -]+\b)?")
"""What a message quotes from the file (the editor's own text) or names from Unicode: not ours."""


def jargon(message: str) -> list[str]:
    """The words of the list in a message, outside what it quotes."""
    return [match.group(0) for match in JARGON_PATTERN.finditer(QUOTED.sub("", message))]


def _string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """Every string written in a module (f-strings' fixed parts included), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    docstrings.add(id(statement.value))
        if isinstance(node, ast.ClassDef | ast.Module):
            # an attribute's docstring: a string standing alone after an assignment
            for statement in node.body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    docstrings.add(id(statement.value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node.lineno, node.value


def test_no_message_written_in_the_code_uses_jargon() -> None:
    paths = [
        path
        for name in SCANNED
        for path in (
            sorted((GENERATOR / name).rglob("*.py"))
            if (GENERATOR / name).is_dir()
            else [GENERATOR / name]
        )
    ]
    found = []
    allowed_seen = set()
    for path in paths:
        relative = path.relative_to(GENERATOR).as_posix()
        for line, text in _string_literals(path):
            if not jargon(text):
                continue
            if (relative, text) in NOT_MESSAGES:
                allowed_seen.add((relative, text))
                continue
            found.append(f"{relative}:{line}: {text!r}: {jargon(text)}")
    assert found == []
    assert set(NOT_MESSAGES) == allowed_seen, "an exception no longer needed: take it out"


def _mutations(text: str) -> Iterator[str]:
    """The document broken once on each line in each of the usual ways."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        variants = [" " + line, "  " + line, "\t" + stripped]
        if indent:
            variants += [line[1:], line[2:] if indent >= 2 else line[1:]]
        if ": " in line:
            variants.append(line.replace(": ", ":", 1))
            key, _, value = line.partition(": ")
            variants += [
                f"{key}: '{value.rstrip()}\n",
                f'{key}: "{value.rstrip()}\n',
                f"{key}: {value.rstrip()}: and more\n",
                f"{key}: [{value.rstrip()}\n",
                f"{key}: *{value.rstrip()}\n",
                f"{key}: &{value.rstrip()}\n",
                f"{key}: !x {value.rstrip()}\n",
                f"{key}: '{value.rstrip()}'s\n",
            ]
        for variant in variants:
            yield "".join([*lines[:index], variant, *lines[index + 1 :]])


def _loader_messages() -> Iterator[tuple[str, str]]:
    texts: list[tuple[str, bytes]] = [
        (path.name, expand(path.read_bytes())) for path in sorted(CORPUS.glob("*.yml"))
    ]
    texts += [(case[0], case[1].encode()) for case in BROKEN]
    texts += [(f"mutation {n}", text.encode()) for n, text in enumerate(_mutations(ACTIONS))]
    for name, raw in texts:
        for fast in (True, False):
            _, problems = load_bytes(raw, "plan.yml", fast=fast)
            for problem in problems:
                yield name, problem.message


def _kind_of(path: Path) -> str:
    relative = path.relative_to(MINIMAL).as_posix()
    for kind in ALL_KINDS.values():
        if re.fullmatch(re.sub(r"<[a-z]+>", "[^/]+", kind.where), relative):
            return kind.name
    raise AssertionError(relative)


WRONG_VALUES: list[Any] = [None, [], {"x": "1"}, "x", "yes", "1_000", "0161", "2025-13-45", "a:b"]


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        yield path
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        yield path
        for index, value in enumerate(data[:2]):
            yield from _leaves(value, (*path, index))
    else:
        yield path


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(data)
    parent = changed
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return changed


def _model_messages() -> Iterator[tuple[str, str]]:
    for path in sorted(MINIMAL.rglob("*.yml")):
        kind = ALL_KINDS[_kind_of(path)]
        document, problems = parse_text(path.read_text(encoding="utf-8"), path.name)
        assert document is not None and not problems
        variants: list[Any] = []
        for leaf in _leaves(document.data):
            if not leaf:
                variants += [value for value in WRONG_VALUES if not isinstance(value, dict)]
                continue
            variants += [_replaced(document.data, leaf, value) for value in WRONG_VALUES]
            parent = _replaced(document.data, leaf, None)
            container = parent
            for part in leaf[:-1]:
                container = container[part]
            if isinstance(container, dict):
                del container[leaf[-1]]
                container["unknown_field"] = "x"
                variants.append(parent)
        for data in variants:
            _, typed = parse_document(kind, Document(path.name, data))
            for problem in typed:
                yield f"{path.relative_to(MINIMAL)}", problem.message


@pytest.mark.parametrize("collect", [_loader_messages, _model_messages], ids=["loader", "model"])
def test_no_message_the_validator_emits_uses_jargon(collect: Any) -> None:
    messages = set(collect())
    assert len(messages) > 50  # the corpus reaches a good part of what can be said
    assert sorted(f"{name}: {m!r}: {jargon(m)}" for name, m in messages if jargon(m)) == []


@pytest.mark.parametrize(
    "message",
    [
        "YAML syntax error: mapping values are not allowed in this context",
        "did not find expected key (while parsing a block mapping)",
        "'yes' is ambiguous (YAML 1.1 reads it as a boolean); write true or false",
        "anchors (&x) are not allowed; write the value out in full",
        "Input should be a valid string [type=string_type, input_value=1, input_type=int]",
    ],
)
def test_the_word_list_catches_the_old_messages(message: str) -> None:
    assert jargon(message)


@pytest.mark.parametrize(
    "message",
    [
        "unknown funding stream 'x' — did you mean 'y'?",
        "the stream ends before it starts",
        "indicator 'da-reports' has no baseline",
        "expected a mapping of fields, got a list",
    ],
)
def test_the_word_list_leaves_our_own_words_alone(message: str) -> None:
    assert not jargon(message)


@pytest.mark.parametrize("kind", get_args(ErrorType))
def test_every_pydantic_error_kind_is_worded_without_jargon(kind: str) -> None:
    # the model's types raise only some of these today; a new field type must not leak the rest
    for value in ("x", None, [], {"a": "b"}):
        message = _plain(kind, value, {})
        assert message and not jargon(message), message

"""How `plans validate` prints problems: text for people, JSON for tools, and GitHub workflow
commands that annotate a pull request's lines."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Collection, Sequence

from generator.problems import Problem, Severity, counted

ANNOTATIONS = 10
"""GitHub shows at most 10 error and 10 warning annotations of a step (and 50 of a job) and
drops the rest, so which are shown is chosen: errors, then the files a change touches."""


def format_problems(
    problems: Sequence[Problem],
    fmt: str,
    strict: bool = False,
    links: bool = False,
    reference: str = "",
    changed: Collection[str] | None = None,
) -> str:
    """Problems as human text, JSON, or GitHub workflow commands (annotations on the PR).
    JSON and annotations give the address of each field's entry in the format reference (under
    `reference`, the published site's latest version, when it is known); text does with
    `links`. `changed`: the files a pull request changes, whose warnings are annotated first."""
    from generator.model.reference_doc import reference_address

    def address(p: Problem) -> str | None:
        return reference_address(p.file, p.field, reference)

    if fmt == "json":
        items = [
            {
                "severity": p.severity.value,
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "field": p.field,
                "message": p.message,
                "reference": address(p),
            }
            for p in problems
        ]
        return json.dumps({"problems": items}, indent=2, ensure_ascii=False)
    lines = []
    for p in problems:
        shown = p.shown().split("\n")  # the problem's line, then any excerpt
        see = address(p) if links else None
        if see is not None:
            shown[0] += f" (see {see})"
        lines.extend(shown)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    lines.append(f"{counted(errors, 'error')}, {counted(len(problems) - errors, 'warning')}")
    if fmt == "github":
        return "\n".join([*github_annotations(problems, strict, address, changed), *_folded(lines)])
    return "\n".join(lines)


def github_annotations(
    problems: Sequence[Problem],
    strict: bool,
    address: Callable[[Problem], str | None],
    changed: Collection[str] | None = None,
) -> list[str]:
    """The workflow commands of the annotations GitHub will show: errors first, then the
    warnings of the `changed` files (when known), then the rest, up to its limit of each; and
    one notice of how many more there are, and where to read them."""
    touched = _with_folders(changed or ())

    def level(p: Problem) -> str:
        return "error" if p.severity is Severity.ERROR or strict else "warning"

    ordered = sorted(problems, key=lambda p: (level(p) != "error", p.file not in touched))
    lines, shown, left = [], {"error": 0, "warning": 0}, {"error": 0, "warning": 0}
    for p in ordered:
        kind = level(p)
        if shown[kind] == ANNOTATIONS:
            left[kind] += 1
            continue
        shown[kind] += 1
        title = p.field or "plans validate"
        see = address(p)
        props = ",".join(
            f"{key}={_escape_github(str(value), property_value=True)}"
            for key, value in (
                ("file", p.file),
                ("line", p.line),
                ("col", p.column),
                ("title", f"{title} (see {see})" if see else title),
            )
        )
        lines.append(f"::{kind} {props}::{_escape_github(p.message)}")
    more = [counted(n, f"more {kind}") for kind, n in left.items() if n]
    if more:
        title = _escape_github(counted(sum(left.values()), "more problem"), property_value=True)
        order = "errors first, then warnings in the files changed" if changed else "errors first"
        lines.append(
            f"::notice title={title}::GitHub shows {ANNOTATIONS} error and {ANNOTATIONS} "
            f"warning annotations a step ({order}): {' and '.join(more)} are listed only in "
            "this step's log (open 'Every problem' in it), and `plans validate` lists every "
            "problem on a computer."
        )
    return lines


def _folded(lines: list[str]) -> list[str]:
    """Text in a step's log, folded in a group under its last line, the count; workflow
    commands are stopped in it (the text quotes the editors' files, not ours to run)."""
    token = secrets.token_hex(16)
    return [
        f"::group::Every problem ({lines[-1]}), as plans validate prints them",
        f"::stop-commands::{token}",
        *lines[:-1],
        f"::{token}::",
        "::endgroup::",
        lines[-1],
    ]


def _escape_github(text: str, *, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _with_folders(files: Collection[str]) -> frozenset[str]:
    """The files, and every folder they are in (a problem may be about a folder)."""
    found = set(files)
    for name in files:
        parts = name.split("/")
        found.update("/".join(parts[:i]) for i in range(1, len(parts)))
    return frozenset(found)

"""A review for people and for tools: Markdown for a pull-request comment (from the template
`review/diff.md.j2`), or JSON.

Every text that comes from the plans or the command line is escaped for where it is shown: a
pull request's author writes it, and GitHub renders the comment."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from generator.render.theme import template_folders
from generator.review.changes import Report
from generator.review.github import MARKER

"""The comment's first line, by which a workflow finds its earlier comment to update it."""

NO_CHANGES = "No changes to the plans."

TOPICS = {
    "partnership": "Partnership",
    "plan": "Plan",
    "priority": "Priority",
    "objective": "Objective",
    "action": "Action",
    "service": "Service",
    "allocation": "Allocation",
    "formula": "Formula",
    "indicator": "Indicator",
    "risk": "Risk",
    "decision": "Review decision",
    "record": "Changes log",
    "publication": "Publication",
}

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MARKDOWN = frozenset("\\`*_[]|~$!")
"""What Markdown reads within a line: emphasis, code, links and images, tables, strikethrough,
maths; escaped with a backslash (HTML's characters become entities)."""
_LINE_START = re.compile(r"^([#+=-]|[0-9]+[.)])")
"""What Markdown reads only at the start of a line: headings, list items, setext rules."""
_MENTION = "@\u2060"  # a word joiner after @: shown as @, but never a mention or team ping


def html_text(text: object) -> str:
    """Text for an HTML context of the comment (a <summary>): entities for HTML's characters,
    on one line, and no @mention."""
    out = " ".join(str(text).split())
    return "".join(_ENTITIES.get(ch, _MENTION if ch == "@" else ch) for ch in out)


def markdown_text(text: object) -> str:
    """Text for a Markdown context of the comment: shown exactly as written, never as
    Markdown or HTML, on one line, with no @mention (GitHub turns `@name` into a notification)."""
    out = []
    line = " ".join(str(text).split())
    start = _LINE_START.match(line)
    if start:
        out.append(start.group(0)[:-1] + "\\" + start.group(0)[-1])
        line = line[start.end() :]
    for ch in line:
        if ch in "&<>":
            out.append(_ENTITIES[ch])
        elif ch in _MARKDOWN:
            out.append("\\" + ch)
        elif ch == "@":
            out.append(_MENTION)
        else:
            out.append(ch)
    return "".join(out)


def review_environment(theme: Path | None) -> jinja2.Environment:
    """The templates of `theme/review/` (the project's first, then the bundled ones), with
    the `md` and `html` escaping filters."""
    folders = template_folders(theme or Path("theme"), "review")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = markdown_text
    env.filters["html"] = html_text
    return env


def markdown(report: Report, theme: Path | None = None) -> str:
    """The report as a pull-request comment: the marker, a summary line, then each
    partnership's plan years in <details> blocks."""
    template = review_environment(theme).get_template("diff.md.j2")
    return template.render(
        report=report, marker=MARKER, no_changes=NO_CHANGES, topics=TOPICS,
        summary=report.summary(),
    )  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def as_json(report: Report) -> str:
    """The report for tools: every change with its topic, id, title, what, before, after and
    money (a string of pounds, or null), and the summary."""
    data = _plain(dataclasses.asdict(report))
    data["summary"] = list(report.summary())
    data["changed"] = not report.empty
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

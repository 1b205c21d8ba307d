"""Options shared by several `plans` commands are declared once (generator/cli/base.py), and
each command still offers the same choices, default and help."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from generator.cli import main

CLI = Path(__file__).resolve().parents[1] / "generator" / "cli"


def test_format_is_declared_once() -> None:
    declared = {
        path.name: text.count('"--format"')
        for path in sorted(CLI.glob("*.py"))
        if (text := path.read_text(encoding="utf-8")).count('"--format"')
    }
    assert declared == {"base.py": 1}


@pytest.mark.parametrize(
    ("command", "choices", "text"),
    [
        (
            "validate",
            ["text", "json", "github"],
            "text for people, json for tools, github for pull-request annotations.",
        ),
        ("diff", ["markdown", "json"], "Markdown for a pull-request comment, or JSON for tools."),
        (
            "scenario",
            ["markdown", "json"],
            "Markdown for people (a terminal, a pull request, an email), or JSON for tools.",
        ),
    ],
)
def test_each_format_option_keeps_its_choices_default_and_help(
    command: str, choices: list[str], text: str
) -> None:
    (option,) = [p for p in main.commands[command].params if p.name == "fmt"]
    assert isinstance(option, click.Option) and isinstance(option.type, click.Choice)
    assert (option.opts, list(option.type.choices)) == (["--format"], choices)
    assert (option.default, option.show_default, option.help) == (choices[0], True, text)

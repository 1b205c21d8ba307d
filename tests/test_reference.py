"""The format reference generated from the schema: every field described, the documentation's
pages up to date, a stable anchor per field, and the published site's `schema/` section."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.model import ALL_KINDS
from generator.model.kinds import _models_in
from generator.model.reference_doc import (
    INDEX,
    every_entry,
    field_anchor,
    reference_address,
    reference_pages,
    sections,
)
from generator.model.types import When
from tests.conftest import CHECKOUT, MINIMAL, Tree, render_year

DOCS = CHECKOUT / "docs" / "pages" / "reference"
REGENERATE = "python -m generator.model.reference_doc docs/pages/reference"
GENERIC = {
    info.description for info in getattr(When, "__metadata__", ()) if hasattr(info, "description")
}
"""A type's own description (When's), which says what a date is, not what the field means."""


def _reachable() -> list[type]:
    seen: list[type] = []

    def walk(model: type) -> None:
        if model not in seen:
            seen.append(model)
            for info in model.model_fields.values():  # type: ignore[attr-defined]
                for sub in _models_in(info.annotation):
                    walk(sub)

    for kind in ALL_KINDS.values():
        walk(kind.model)
    return seen


def test_every_field_of_every_model_has_a_description() -> None:
    missing = [
        f"{model.__module__}.{model.__name__}.{name}"
        for model in _reachable()
        for name, info in model.model_fields.items()  # type: ignore[attr-defined]
        if not (info.description or "").strip() or info.description in GENERIC
    ]
    assert not missing, "fields without a description of their own: " + ", ".join(missing)


def test_the_reference_has_an_entry_for_every_field_at_every_place() -> None:
    pages = reference_pages()
    for kind, entry in every_entry():
        assert entry.description, entry.anchor
        assert pages[f"{kind.name}.md"].count(f'<a id="{entry.anchor}"></a>') == 1, entry.anchor
    anchors = [entry.anchor for _, entry in every_entry()]
    assert len(anchors) == len(set(anchors))
    # every field of every model, and a model used in two places twice
    assert len(anchors) > sum(len(model.model_fields) for model in _reachable())  # type: ignore[attr-defined]


def test_each_value_is_in_words() -> None:
    for _, entry in every_entry():
        assert not re.search(r"\b(str|int|Decimal|bool|None|Annotated|typing)\b", entry.value), (
            entry.anchor,
            entry.value,
        )
        assert entry.required in ("required", "optional") or entry.required.startswith(
            "optional (default: "
        ), entry.anchor


def test_a_field_entry_as_published() -> None:
    page = reference_pages()["plan.md"]
    assert (
        '| <a id="plan.priorities.objectives.title"></a>`title` | text (one line) | required '
        "| What the objective sets out to achieve, in one line. Example: `Fewer repeat victims "
        "of domestic abuse`. |"
    ) in page.splitlines()
    assert (
        '| <a id="plan.status"></a>`status` | one of the allowed values | required | Where the '
        "plan is: draft (built only with --drafts), consultation (open for comments), approved, "
        "published, or superseded by a later plan. Allowed: `draft`, `consultation`, "
        "`approved`, `published`, `superseded`. Example: `draft`. |"
    ) in page.splitlines()
    assert "| [`priorities`](#plan.priorities) | a list of mappings of fields (below) |" in page
    assert '<a id="plan.priorities"></a>\n\n## `priorities`\n' in page
    assert '<a id="plan.priorities.objectives"></a>\n\n### `priorities.objectives`\n' in page
    assert (
        "`services.services.pathways`"
        not in reference_pages()["services.md"]  # a list of values is a row, not a section
    )
    services = reference_pages()["services.md"]
    assert "| a list, each id of an organisation | required |" in services  # commissioners


def test_the_index_lists_every_file_kind() -> None:
    index = reference_pages()[INDEX]
    for kind in ALL_KINDS.values():
        assert f"]({kind.name}.md) | `{kind.where}` |" in index


def test_the_documentation_reference_is_up_to_date() -> None:
    expected = reference_pages(schema_links=False)
    written = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.md")}
    assert set(written) == set(expected), f"regenerate with: {REGENERATE}"
    stale = [name for name, text in expected.items() if written[name] != text]
    assert not stale, f"{', '.join(stale)} out of date; regenerate with: {REGENERATE}"


def test_the_documentation_lists_every_reference_page() -> None:
    nav = (CHECKOUT / "docs" / "mkdocs.yml").read_text(encoding="utf-8")
    for name in reference_pages(schema_links=False):
        assert f"reference/{name}" in nav


@pytest.mark.parametrize(
    ("file", "field", "anchor"),
    [
        ("plans/sallowfield/2024-25/plan.yml", "priorities[0].objectives[1].title",
         "plan.priorities.objectives.title"),
        ("plans/sallowfield/2024-25/plan.yml", "priorities[2].scores.harm",
         "plan.priorities.scores"),
        ("plans/sallowfield/2024-25/plan.yml", "priorities[0].titel", "plan.priorities"),
        ("plans/sallowfield/2024-25/plan.yml", "", "plan"),
        ("plans/sallowfield/2024-25/services.yml", "services[victim-hub].funding[0].amount",
         "services.services.funding.amount"),
        ("plans/sallowfield/partnership.yml", "members[1].role", "partnership.members.role"),
        ("data/settings.yml", "risk_bands[0].low", "settings.risk_bands.low"),
        ("data/funding-streams.yml", "streams[0].pots[1].amount",
         "funding-streams.streams.pots.amount"),
        ("plans/sallowfield/2024-25/published.yml", "files.plan.digest", "published.files.digest"),
        ("plans/sallowfield/2024-25/notes.yml", "title", None),
        ("theme/pages/home.md.j2", "", None),
    ],
)  # fmt: skip
def test_a_problem_field_maps_to_its_entry(file: str, field: str, anchor: str | None) -> None:
    assert field_anchor(file, field) == anchor
    if anchor is not None:
        kind = anchor.split(".")[0]
        assert f'<a id="{anchor}"></a>' in reference_pages()[f"{kind}.md"]


def test_a_problem_field_has_an_address_on_the_published_site() -> None:
    plan = "plans/sallowfield/2024-25/plan.yml"
    assert reference_address(plan, "priorities[0].title") == ("schema/plan/#plan.priorities.title")
    assert reference_address(plan, "", "https://plans.example/latest/") == (
        "https://plans.example/latest/schema/plan/#plan"
    )
    assert reference_address("data/funding-streams.yml", "streams[1].pots") == (
        "schema/funding-streams/#funding-streams.streams.pots"
    )
    assert reference_address("mkdocs.yml", "site_url") is None


def test_nested_models_are_sections_of_their_kind() -> None:
    (plan,) = [kind for kind in ALL_KINDS.values() if kind.name == "plan"]
    paths = [section.path for section in sections(plan)]
    assert paths[:2] == ["", "consultation"]
    assert "priorities.objectives" in paths
    assert "approval.steps" in paths


def test_the_published_site_has_the_reference_under_schema() -> None:
    files = render_year(MINIMAL, "2024-25", "2024-25")
    for name, text in reference_pages().items():
        assert files[f"schema/{name}"] == text.encode("utf-8")
    assert f"schema/{INDEX}" in files and "schema/plan.schema.json" in files
    assert "[plan.schema.json](plan.schema.json)" in files["schema/plan.md"].decode()


def test_the_published_reference_is_in_the_navigation_and_built(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["build", str(MINIMAL), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    version = tmp_path / "site" / "2024-25"
    page = (version / "schema" / "plan" / "index.html").read_text(encoding="utf-8")
    assert '<a id="plan.priorities.objectives.title"></a>' in page  # kept by the sanitiser
    assert 'href="../plan.schema.json"' in page
    assert (version / "schema" / "plan.schema.json").is_file()
    home = (version / "index.html").read_text(encoding="utf-8")
    assert "Data formats" in home


# --- validation messages link to their field's entry --------------------------------------

FEN = "plans/fenwick-csp/2024-25/"


def _validate(*args: str) -> list[str]:
    from click.testing import CliRunner

    from generator.cli import main

    return CliRunner().invoke(main, ["validate", *args]).stdout.splitlines()


def test_text_links_to_the_reference_only_when_asked(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "leads: [fenwick-council]", "leads: [fenwick-councl]")
    problem = (
        f"{FEN}plan.yml:16:13: error: unknown organisation 'fenwick-councl' — did you mean "
        "'fenwick-council'? [priorities[0].leads[0]]"
    )
    assert problem in _validate(str(tree.root))
    linked = _validate("--links", str(tree.root))
    assert f"{problem} (see schema/plan/#plan.priorities.leads)" in linked
    assert linked[-1] == "1 error, 0 warnings"


def test_a_site_url_makes_the_links_addresses_on_the_published_site(tree: Tree) -> None:
    tree.edit(FEN + "plan.yml", "status: published", "status: publishd")
    tree.write("mkdocs.yml", "site_url: https://plans.fenwick.example/\n")
    (problem,) = json.loads("\n".join(_validate("--format", "json", str(tree.root))))["problems"]
    assert problem["reference"] == "https://plans.fenwick.example/latest/schema/plan/#plan.status"
    annotation, *log = _validate("--format", "github", str(tree.root))
    assert log[0].startswith("::group::Every problem")  # then every problem, as text
    assert (
        "title=status (see https%3A//plans.fenwick.example/latest/schema/plan/#plan.status)::"
        in (annotation)
    )

"""Hostile input, end to end: every payload of tests/corpus is refused with a located message, or
accepted, built and shown to readers exactly as written, and no build reads or writes outside its
folders or depends on the machine it runs on.

Corpus files are plain text, never YAML (the loader under test would parse its own test data):
`markdown/<name>.txt` holds one free-text value, `yaml/<name>.yml` one whole file, and each has a
`.expect` of `key: value` lines (see tests/corpus/README.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import markdown
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load import MAX_PROBLEMS_PER_FILE, decode, discover, load_bytes
from generator.load.reader import _FAST_REFUSALS, _parse_recording, _read_fast
from generator.model import REFERENCE_KINDS, YEAR_KINDS, Project
from generator.model.markdown_policy import markdown_problems, policy_problems
from generator.pipeline import check_project
from generator.problems import Problem, Severity
from generator.render import Version, render_version
from generator.site import BuildError, BuildOptions, build_site
from generator.site.hooks import on_page_content
from generator.site.sanitize import scan_markup, scan_site
from generator.site.shards import write_files
from tests.conftest import markdown_extensions

if TYPE_CHECKING:
    from tests.conftest import Tree

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
CORPUS = Path(__file__).parent / "corpus"
PLAN = "plans/fenwick-csp/2024-25/plan.yml"
RATIONALE = "rationale: Reports are rising."
RATIONALE_LINE, RATIONALE_COLUMN = 14, 16
RATIONALE_FIELD = "priorities[0].rationale"
TIME_LIMIT = 2.0
MEMORY_LIMIT = 200 * 1024 * 1024
SECRET = "SECRET-TOKEN-1234"

# --------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Expect:
    """What a corpus file must lead to, read from its `.expect` (or `.case`) file."""

    values: dict[str, tuple[str, ...]]

    @classmethod
    def read(cls, path: Path) -> Expect:
        values: dict[str, list[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            key, _, value = line.partition(": ")
            values.setdefault(key.strip(), []).append(value)
        return cls({key: tuple(found) for key, found in values.items()})

    def one(self, key: str, default: str | None = None) -> str | None:
        found = self.values.get(key)
        return found[0] if found else default

    def all(self, key: str) -> tuple[str, ...]:
        return self.values.get(key, ())

    @property
    def reject(self) -> str | None:
        return self.one("reject")

    @property
    def accepted(self) -> bool:
        return "accept" in self.values


def corpus_params(
    kind: str, suffix: str, expect_suffix: str = ".expect", xfail: str = "xfail"
) -> list[object]:
    """One pytest param per corpus file; a documented hole (`xfail: reason`) is a strict xfail."""
    params: list[object] = []
    for path in sorted((CORPUS / kind).glob(f"*{suffix}")):
        expect = Expect.read(path.with_suffix(expect_suffix))
        reason = expect.one(xfail)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(path.stem, marks=marks, id=path.stem))
    return params


def payload(name: str) -> str:
    """A free-text payload exactly as stored (a final newline an editor added is not part of it)."""
    text = (CORPUS / "markdown" / f"{name}.txt").read_bytes().decode("utf-8")
    return text.removesuffix("\n")


def markdown_expect(name: str) -> Expect:
    return Expect.read(CORPUS / "markdown" / f"{name}.expect")


def accepted_markdown() -> list[str]:
    """The payloads that must be accepted today (not the documented false positives)."""
    return [
        path.stem
        for path in sorted((CORPUS / "markdown").glob("*.txt"))
        if markdown_expect(path.stem).accepted and markdown_expect(path.stem).one("xfail") is None
    ]


def expand(raw: bytes) -> bytes:
    """Expand `#@repeat N` … `#@end` blocks (their lines N times, `{n}` the index): big attacks
    stay small on disk."""
    out: list[bytes] = []
    lines = raw.split(b"\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        match = re.fullmatch(rb"#@repeat (\d+)", line)
        if not match:
            out.append(line)
            index += 1
            continue
        end = lines.index(b"#@end", index)
        block = lines[index + 1 : end]
        for n in range(int(match.group(1))):
            out.extend(item.replace(b"{n}", str(n).encode()) for item in block)
        index = end + 1
    return b"\n".join(out)


def yaml_scalar(text: str) -> str:
    """A YAML double-quoted scalar for any text: JSON's escapes are valid YAML escapes."""
    return json.dumps(text, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# Helpers for built sites

_CONTENT = re.compile(
    r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL | re.IGNORECASE
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    """What a reader sees of some HTML: its text, entities decoded, whitespace collapsed."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return " ".join("".join(parser.parts).split())


def content(site: Path, page: str) -> str:
    """The content area of a built page (what the theme did not write)."""
    found = _CONTENT.findall((site / page).read_text(encoding="utf-8"))
    assert len(found) == 1, page
    return str(found[0])


def all_content(site: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(site.rglob("*.html")):
        for area in _CONTENT.findall(path.read_text(encoding="utf-8")):
            yield path.relative_to(site).as_posix(), area


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file below a folder (symlinks as their target) and the hash of its bytes."""
    digest: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            digest[name] = "-> " + os.readlink(path)
        elif path.is_file():
            digest[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digest[name] = "dir"
    return digest


def copy_project(target: Path) -> Path:
    """The minimal project with the checkout's theme and mkdocs.yml, as a real checkout has."""
    shutil.copytree(MINIMAL, target)
    shutil.copytree(ROOT / "theme", target / "theme")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


def checked(root: Path) -> Project:
    project, problems = check_project(root)
    errors = [str(p) for p in problems if p.severity is Severity.ERROR]
    assert project is not None and not errors, errors
    return project


def build(root: Path, out: Path) -> Path:
    build_site(checked(root), BuildOptions(root, out, jobs=1))
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (old, path)
    path.write_text(text.replace(old, new), encoding="utf-8")


def errors_matching(problems: list[Problem], message: str) -> list[Problem]:
    return [p for p in problems if message in p.message and p.severity is Severity.ERROR]


# --------------------------------------------------------------------------------------------
# 1. Free text: each payload in a priority's rationale; the accepted ones built and shown


@pytest.mark.parametrize("name", corpus_params("markdown", ".txt"))
def test_free_text_is_refused_where_it_stands_or_kept_exactly(tree: Tree, name: str) -> None:
    text, expect = payload(name), markdown_expect(name)
    tree.edit(PLAN, RATIONALE, f"rationale: {yaml_scalar(text)}")
    project, problems = check_project(tree.root)
    if expect.reject is not None:
        found = errors_matching(problems, expect.reject)
        assert found, [str(p) for p in problems]
        problem = found[0]
        assert (problem.file, problem.line) == (PLAN, RATIONALE_LINE), str(problem)
        if expect.one("stage") == "load":  # the loader refuses the characters before any model
            assert problem.field == ""
        else:
            assert problem.field == RATIONALE_FIELD, str(problem)
            assert problem.column == RATIONALE_COLUMN, str(problem)
        assert project is None or any(p.severity is Severity.ERROR for p in problems)
    else:
        assert expect.accepted, f"{name}.expect says neither accept nor reject"
        assert [str(p) for p in problems if p.severity is Severity.ERROR] == []
        assert project is not None
        loaded = project.years[("fenwick-csp", "2024-25")].plan.priorities[0].rationale
        assert loaded == text, "the value must round-trip exactly"


@pytest.mark.parametrize("name", [path.stem for path in sorted(CORPUS.glob("markdown/*.txt"))])
def test_free_text_fast_path_agrees_with_the_whole_policy(name: str) -> None:
    # markdown_problems skips the checks for text holding nothing they look for
    text = payload(name)
    assert markdown_problems(text) == policy_problems(text)


YEAR = "plans/fenwick-csp/2024-25/"
TITLES = [
    # (id, title, file, the line it replaces, the page that shows it)
    ("script", "<script>alert(1)</script>", PLAN, "title: Domestic abuse", "priorities"),
    (
        "emphasis",
        "**bold** and _under_ and `code`",
        PLAN,
        "title: More victims report",
        "priorities",
    ),
    (
        "javascript-link",
        "[x](javascript:alert(1))",
        YEAR + "assessment.yml",
        "title: Domestic abuse is rising",
        "assessment",
    ),
    ("table-row", "| a | b |", YEAR + "actions.yml", "title: Fund refuge places", "actions"),
    ("heading", "# not a heading", YEAR + "actions.yml", "title: Contract signed", "actions"),
    (
        "entities-and-syntax",
        "&lt;b&gt; A&E &amp; C++ <5% -> {: .x } !!! --8<-- [^1]",
        YEAR + "services.yml",
        "name: Refuge service",
        "services",
    ),
    (
        "iframe-and-escapes",
        '<iframe src="//evil.example"></iframe> \\*not\\* 1. ---',
        YEAR + "assessment.yml",
        "title: Recorded crime",
        "assessment",
    ),
]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build (they are slow) holding every accepted payload twice, as a finding's summary (a
    block of its own on the assessment page) and as a lesson of the review (a block inside a list
    item), and each hostile title in its plain-text field."""
    base = tmp_path_factory.mktemp("hostile")
    root = copy_project(base / "project")
    for _id, title, file, old, _page in TITLES:
        key = old.split(":")[0]
        edit(root / file, old, f"{key}: {yaml_scalar(title)}")
    year = root / "plans" / "fenwick-csp" / "2024-25"
    findings, lessons = [], []
    for index, name in enumerate(accepted_markdown()):
        text = yaml_scalar(payload(name))
        findings.append(
            f"  - id: corpus-{index}\n    title: Corpus {name}\n    summary: {text}\n"
            "    sources: [police-data]\n    likelihood: 1\n    impact: 1\n    recommended: false\n"
        )
        lessons.append(f"  - {text}\n")
    with (year / "assessment.yml").open("a", encoding="utf-8") as file:
        file.write("".join(findings))
    with (year / "review.yml").open("a", encoding="utf-8") as file:
        file.write("lessons:\n" + "".join(lessons))
    return build(root, base / "site")


def finding_section(site: Path, name: str) -> str:
    """The HTML of one corpus finding on the assessment page, up to the next finding."""
    area = content(site, "2024-25/fenwick-csp/assessment/index.html")
    index = accepted_markdown().index(name)
    start = area.index(f'id="finding.corpus-{index}"')
    end = area.find('id="finding.corpus-', start + 1)
    return area[start : end if end > 0 else len(area)]


@pytest.mark.parametrize(
    "name",
    [
        param
        for param in corpus_params("markdown", ".txt", xfail="xfail-shown")
        if param.id in accepted_markdown()  # type: ignore[attr-defined]
    ],
)
def test_accepted_free_text_is_shown_as_written(hostile_site: Path, name: str) -> None:
    expect = markdown_expect(name)
    section = finding_section(hostile_site, name)
    for wanted in expect.all("html"):
        assert wanted in section, (wanted, section[:2000])
    for wanted in expect.all("text"):
        shown = " ".join(wanted.split())
        assert shown in visible_text(section), (shown, visible_text(section)[:2000])


def test_hostile_text_builds_a_clean_site(hostile_site: Path) -> None:
    assert scan_site(hostile_site) == []
    for page, area in all_content(hostile_site):
        assert area.count("<h1") <= 1, (page, "only the template's own h1")
        lowered = area.lower()
        assert "<script" not in lowered and "<iframe" not in lowered, page
        assert "onerror" not in lowered, page
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", lowered), page
        assert not re.search(r"=\s*[\"']?\s*(javascript|data|vbscript):", lowered), page


def test_remote_image_never_reaches_a_published_page(tmp_path: Path) -> None:
    """Refused by validation first; and were validation to let it through, the sanitiser the
    build runs on every page (its MkDocs hook) drops the image's source, and the build's own
    checks refuse whatever still loads from another host."""
    pixel = "Thanks ![a [b]](https:/\\tracker.example/pixel.gif)"
    root = copy_project(tmp_path / "project")
    edit(root / PLAN, RATIONALE, f"rationale: {yaml_scalar(pixel)}")
    _, problems = check_project(root)
    assert [str(p) for p in problems] == [
        f"{PLAN}:{RATIONALE_LINE}:{RATIONALE_COLUMN}: error: contains an image; images cannot "
        f"be embedded in plan text [{RATIONALE_FIELD}]"
    ]
    names, configs = markdown_extensions()
    rendered = markdown.markdown(pixel, extensions=names, extension_configs=configs)
    assert 'src="https:/\\tracker.example/pixel.gif"' in rendered  # what Markdown makes of it
    page = on_page_content(rendered)
    assert "tracker.example" not in page and "src=" not in page, page
    assert '<img alt="a [b]">' in page
    assert scan_markup(f"<html><body>{rendered}</body></html>", "page") == [
        'page: loads from another host: <img alt="a [b]" src="https:/\\'
    ]


def test_a_lesson_of_two_paragraphs_does_not_swallow_the_next(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    review = root / "plans" / "fenwick-csp" / "2024-25" / "review.yml"
    with review.open("a", encoding="utf-8") as file:
        file.write('lessons:\n  - "First paragraph.\\n\\nSecond paragraph."\n  - Next lesson.\n')
    site = build(root, tmp_path / "site")
    area = content(site, "2024-25/fenwick-csp/review/index.html")
    assert "<p>Next lesson.</p>" in area
    assert "- Next lesson." not in area


def test_inline_text_stays_in_its_table_cell(tree: Tree) -> None:
    objective = "        title: More victims report\n"
    description = yaml_scalar("a \\| Spoofed")  # an editor's backslash before a pipe
    tree.edit(PLAN, objective, f"{objective}        description: {description}\n")
    rendered = render_version(
        checked(tree.root), tree.root / "theme", Version("2024-25", "2025-26")
    )
    page = rendered.files["fenwick-csp/priorities.md"].decode("utf-8")
    html = markdown.markdown(
        page, extensions=["tables"], extension_configs={"tables": {"use_align_attribute": True}}
    )
    row = next(row for row in html.split("<tr>") if "More victims report" in row)
    cells = re.findall(r"<td>(.*?)</td>", row, re.DOTALL)
    assert "Spoofed" in cells[0], cells
    assert "Ashdown" in cells[1] or "police" in cells[1].lower(), cells


def test_free_text_headings_cannot_take_a_template_anchor(tree: Tree) -> None:
    year = "plans/fenwick-csp/2024-25/assessment.yml"
    tree.edit(
        year, "sources:\n", 'method: "### finding-da-rising\\n\\nRead this first."\nsources:\n'
    )
    rendered = render_version(
        checked(tree.root), tree.root / "theme", Version("2024-25", "2025-26")
    )
    page = rendered.files["fenwick-csp/assessment.md"].decode("utf-8")
    html = markdown.markdown(page, extensions=["tables", "toc"])
    assert html.count('id="finding.da-rising"') == 1  # the template's anchor, unique


# --------------------------------------------------------------------------------------------
# 2. Plain text: titles are shown literally, never interpreted (built with the free text)


@pytest.mark.parametrize(("title", "page"), [pytest.param(c[1], c[4], id=c[0]) for c in TITLES])
def test_plain_text_titles_are_shown_literally(hostile_site: Path, title: str, page: str) -> None:
    area = content(hostile_site, f"2024-25/fenwick-csp/{page}/index.html")
    assert title in visible_text(area), visible_text(area)[:3000]
    assert "<script" not in area and "<iframe" not in area
    assert 'href="javascript' not in area


def test_partnership_and_area_names_are_escaped_everywhere(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(
        root / "plans" / "fenwick-csp" / "partnership.yml",
        "name: Safer Fenwick Partnership",
        'name: "Safer Fenwick <img src=x onerror=alert(document.domain)>"',
    )
    areas = root / "data" / "areas.yml"
    name = re.search(r"name: (.*)", areas.read_text(encoding="utf-8"))
    assert name is not None
    edit(areas, name.group(0), 'name: "Ashdown </title><script>alert(2)</script>"')
    edit(
        areas,
        "    pcc: ashdown-pcc-office",
        '    pcc: ashdown-pcc-office\n    region: "North <svg onload=alert(3)>"',
    )
    site = build(root, tmp_path / "site")
    leaks = [
        path.relative_to(site).as_posix()
        for path in sorted(site.rglob("*.html"))
        if "<img src=x onerror" in (text := path.read_text(encoding="utf-8"))
        or "<script>alert(2)" in text
        or "</title><script>" in text
        or "<svg onload" in text
    ]
    assert leaks == []
    home = (site / "2024-25" / "index.html").read_text(encoding="utf-8")
    assert "North &lt;svg onload=alert(3)&gt;" in home  # shown as written: in the navigation
    assert scan_site(site) == []


def test_title_that_mentions_an_event_handler_builds(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    edit(root / PLAN, "title: Domestic abuse", 'title: "Domestic abuse <img src=x onerror=y>"')
    site = build(root, tmp_path / "site")
    assert scan_site(site) == []


# --------------------------------------------------------------------------------------------
# 3. Whole files: each refused (or loaded) at the right line, in bounded time and memory


@pytest.mark.parametrize("name", corpus_params("yaml", ".yml"))
def test_hostile_yaml_file_is_handled_within_budget(tree: Tree, name: str) -> None:
    expect = Expect.read(CORPUS / "yaml" / f"{name}.expect")
    target = expect.one("file")
    assert target is not None
    raw = expand((CORPUS / "yaml" / f"{name}.yml").read_bytes())
    path = tree.path(target)
    if expect.one("mode", "replace") == "append":
        raw = path.read_bytes() + raw
    path.write_bytes(raw)

    start = time.perf_counter()
    load_bytes(raw, target)
    _, problems = check_project(tree.root)
    elapsed = time.perf_counter() - start

    if expect.reject is not None:
        found = errors_matching(problems, expect.reject)
        assert found, [str(p) for p in problems][:10]
        assert found[0].file == target
        assert str(found[0].line) == expect.one("line"), str(found[0])
    else:
        assert expect.accepted
        assert [str(p) for p in problems if p.severity is Severity.ERROR][:10] == []
    reported = sum(1 for p in problems if p.file == target)
    assert reported <= MAX_PROBLEMS_PER_FILE, f"{reported:,} problems for one file"
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"

    tracemalloc.start()
    try:
        load_bytes(raw, target)
        check_project(tree.root)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"peak {peak / 1e6:.0f} MB"


@pytest.mark.parametrize("name", [path.stem for path in sorted(CORPUS.glob("yaml/*.yml"))])
@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "python"])
def test_hostile_yaml_file_is_read_alike_without_and_with_positions(name: str, fast: bool) -> None:
    # files are read without positions, and again recording them only to report a problem: the
    # first reading must refuse exactly what the second reports, and build the same data
    expect = Expect.read(CORPUS / "yaml" / f"{name}.expect")
    target = expect.one("file")
    assert target is not None
    raw = expand((CORPUS / "yaml" / f"{name}.yml").read_bytes())
    if expect.one("mode", "replace") == "append":
        raw = (MINIMAL / target).read_bytes() + raw
    text, _ = decode(raw, target)
    if text is None:
        return  # refused before it is parsed
    document, problems = _parse_recording(text, target, fast)
    try:
        data = _read_fast(text, fast)
    except _FAST_REFUSALS:
        assert problems, "refused by the fast reading alone"
        return
    assert problems == []
    assert document is not None
    assert data == document.data


# --------------------------------------------------------------------------------------------
# 4. Paths and ids: refused at validation or discovery, nothing written anywhere


def _apply(action: str, value: str | None, root: Path, outside: Path) -> None:
    """Do to a copy of the minimal project what a path-attack case describes."""
    plans = root / "plans"
    fenwick = plans / "fenwick-csp"
    outside.mkdir()
    (outside / "secret.yml").write_text(f"{SECRET}\n", encoding="utf-8")
    if action == "set-id":
        edit(fenwick / "partnership.yml", "id: fenwick-csp", f"id: {yaml_scalar(str(value))}")
    elif action == "set-priority-id":
        priority = f"id: {yaml_scalar(str(value))}"
        edit(fenwick / "2024-25" / "plan.yml", "id: domestic-abuse", priority)
    elif action == "add-partnership-folder":
        shutil.copytree(fenwick, plans / str(value))
    elif action == "add-year-folder":
        shutil.copytree(fenwick / "2024-25", fenwick / str(value))
    elif action == "symlink-partnership-folder":
        shutil.copytree(fenwick, outside / "partnership")
        (plans / str(value)).symlink_to(outside / "partnership", target_is_directory=True)
    elif action == "symlink-year-folder":
        shutil.copytree(fenwick / "2024-25", outside / "year")
        (fenwick / str(value)).symlink_to(outside / "year", target_is_directory=True)
    elif action == "symlink-year-folder-relative":
        (fenwick / str(value)).symlink_to(Path("..", "..", "ashdown-pcc", "2024-25"))
    elif action == "symlink-year-file":
        (fenwick / "2024-25" / str(value)).symlink_to(outside / "secret.yml")
    elif action == "symlink-partnership-yml":
        (fenwick / "partnership.yml").unlink()
        (fenwick / "partnership.yml").symlink_to(outside / "secret.yml")
    elif action == "symlink-data-file":
        (root / str(value)).unlink()
        (root / str(value)).symlink_to(outside / "secret.yml")
    elif action == "symlink-plans-folder":
        shutil.move(str(plans), outside / "plans")
        plans.symlink_to(outside / "plans", target_is_directory=True)
    else:  # pragma: no cover - a typo in a case file
        raise AssertionError(f"unknown action {action!r}")


@pytest.mark.parametrize("name", corpus_params("paths", ".case", ".case"))
def test_path_attack_is_refused_and_writes_nothing(tmp_path: Path, name: str) -> None:
    case = Expect.read(CORPUS / "paths" / f"{name}.case")
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    action = case.one("action")
    assert action is not None
    _apply(action, case.one("value"), root, tmp_path / "outside")
    project, problems = check_project(root)
    assert all(SECRET not in str(p) for p in problems), "a file outside the project was read"

    if "ignored" in case.values:  # hidden folders are skipped: never loaded, never published
        hidden = str(case.one("value"))
        found, _ = discover(root, {k: v.where for k, v in REFERENCE_KINDS.items()}, [*YEAR_KINDS])
        assert [f.path for f in found if hidden in f.path.parts] == []
        assert [str(p) for p in problems if p.severity is Severity.ERROR] == []
        assert project is not None
        rendered = render_version(project, root / "theme", Version("2025-26", "2025-26"))
        assert not any(hidden in file for file in rendered.files)
        return

    message = case.reject
    assert message is not None
    found = errors_matching(problems, message)
    assert found, [str(p) for p in problems][:10]
    assert found[0].file == case.one("file"), str(found[0])

    before = tree_digest(tmp_path)
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    assert tree_digest(tmp_path) == before, "a refused build must write nothing"


def test_write_files_writes_inside_the_base(tmp_path: Path) -> None:
    write_files(tmp_path / "docs", {"a/b/page.md": b"x", "index.md": b"y"})
    assert (tmp_path / "docs" / "a" / "b" / "page.md").read_bytes() == b"x"


@pytest.mark.parametrize(
    "name",
    ["../escaped.md", "a/../../escaped.md", "a/../b.md", "/tmp/hostile-absolute.md", "link/x.md"],
)
def test_write_files_refuses_paths_outside_the_base(tmp_path: Path, name: str) -> None:
    base, outside = tmp_path / "docs", tmp_path / "outside"
    base.mkdir()
    outside.mkdir()
    (base / "link").symlink_to(outside, target_is_directory=True)
    before = tree_digest(tmp_path)
    with pytest.raises(BuildError, match="refusing to write outside the build folder"):
        write_files(base, {name: b"pwned"})
    assert tree_digest(tmp_path) == before
    assert not Path("/tmp/hostile-absolute.md").exists()


# --------------------------------------------------------------------------------------------
# 5. Build integrity: read-only sources, and output independent of the machine


def _set_writable(folder: Path, writable: bool) -> None:
    for path in [folder, *folder.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


@pytest.fixture
def read_only_project(tmp_path: Path) -> Iterator[Path]:
    root = copy_project(tmp_path / "project")
    sources = [root / "plans", root / "data", root / "theme"]
    for folder in sources:
        _set_writable(folder, False)
    (root / "mkdocs.yml").chmod(0o444)
    try:
        yield root
    finally:  # tmp_path cleanup needs write permission back
        for folder in sources:
            _set_writable(folder, True)
        (root / "mkdocs.yml").chmod(0o644)


def test_build_succeeds_with_read_only_sources_and_leaves_them_unchanged(
    read_only_project: Path, tmp_path: Path
) -> None:
    root = read_only_project
    names = ("plans", "data", "theme")
    before = {name: tree_digest(root / name) for name in names}
    config = (root / "mkdocs.yml").read_bytes()
    site = build(root, tmp_path / "site")
    assert (site / "index.html").is_file()
    # tests run as root, where chmod does not stop writes: the hashes are the real check
    assert {name: tree_digest(root / name) for name in names} == before
    assert (root / "mkdocs.yml").read_bytes() == config


def test_builds_are_identical_across_hash_seed_timezone_and_checkout_path(tmp_path: Path) -> None:
    outputs = []
    runs = [("one/checkout", "1", "UTC"), ("two/a/much/deeper/checkout", "2", "Asia/Kolkata")]
    for folder, seed, zone in runs:
        root = copy_project(tmp_path / folder)
        out = tmp_path / f"site-{seed}"
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env.update(PYTHONHASHSEED=seed, TZ=zone)
        command = [sys.executable, "-c", "from generator.cli import main; main()"]
        result = subprocess.run(
            [*command, "build", str(root), "--out", str(out)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        outputs.append(tree_digest(out))
    assert outputs[0] == outputs[1]

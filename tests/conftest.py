"""Shared fixtures and helpers: the example project and its pages, and a throwaway copy of the
minimal project that a test breaks on purpose."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from generator.model import Project
from generator.pipeline import check_project
from generator.render import Version, render_version
from generator.site.config import base_config
from generator.site.versions import versions_of

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
CHECKOUT = Path(__file__).resolve().parents[1]

# characters that mean something to Markdown's inline or block syntax, plain ones, and the two
# markers Python-Markdown stashes escaped characters behind
MARKDOWN_ALPHABET = "ab 1\n\t`\\[]()!<>&*_-#|:/@.;=\"'~^x\x02\x03"
MARKDOWN_TEXTS = st.text(alphabet=MARKDOWN_ALPHABET, max_size=120)
"""Any short text of those characters."""
MARKDOWN_TABLES = st.lists(
    st.lists(
        st.text(alphabet=MARKDOWN_ALPHABET.replace("\n", ""), max_size=20), min_size=3, max_size=3
    ),
    min_size=1,
    max_size=5,
).map(
    lambda rows: (
        "| a | b | c |\n|---|--:|:-:|\n" + "".join(f"| {' | '.join(row)} |\n" for row in rows)
    )
)
"""Any three-column table (three alignments) of one to five rows of such cells."""


def markdown_extensions() -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The Markdown extensions and settings of the project's mkdocs.yml, as MkDocs uses them."""
    names: list[str] = []
    configs: dict[str, dict[str, Any]] = {}
    for item in base_config(CHECKOUT).get("markdown_extensions") or []:
        if isinstance(item, dict):
            for name, config in item.items():
                names.append(name)
                configs[name] = config or {}
        else:
            names.append(item)
    return names, configs


@pytest.fixture(autouse=True, scope="session")
def caches_in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every cache the commands keep goes under one scratch folder, not the user's home."""
    folder = tmp_path_factory.mktemp("plans-caches")
    before = os.environ.get("PLANS_CACHE_DIR")
    os.environ["PLANS_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("PLANS_CACHE_DIR", None)
    else:
        os.environ["PLANS_CACHE_DIR"] = before


def checked_example() -> Project:
    """The bundled example project, read and validated (it has no problems)."""
    project, problems = check_project(CHECKOUT)
    assert project is not None and not problems, problems
    return project


@pytest.fixture(scope="module")
def example_project() -> Project:
    return checked_example()


def example_pages() -> Iterator[tuple[str, str]]:
    """The Markdown of every page of every published version of the example project, as
    `plans build` renders it for MkDocs: (year/page name, text)."""
    project = checked_example()
    versions, latest = versions_of(project, drafts=False)
    for year in versions:
        rendered = render_version(project, CHECKOUT / "theme", Version(year, latest, False))
        for name, data in rendered.files.items():
            if name.endswith(".md"):
                yield f"{year}/{name}", data.decode("utf-8")


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled example project, built by `plans build` once for the module."""
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("example") / "site"
    result = CliRunner().invoke(main, ["build", str(CHECKOUT), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def render_year(root: Path, year: str, latest: str = "2025-26") -> dict[str, bytes]:
    """Every file one version of the project at `root` renders (it must type: warnings and
    reference problems are allowed), as `plans build` gives them to MkDocs."""
    from generator.pipeline import check_project
    from generator.render import Version, render_version

    project, problems = check_project(root)
    assert project is not None, problems
    return dict(render_version(project, CHECKOUT / "theme", Version(year, latest)).files)


def two_areas(root: Path, config_head: str = "") -> Path:
    """A copy of the minimal project with Safer Fenwick moved to a second police force area,
    Bexmoor (the Ashdown PCC's formula still funds it), with this checkout's theme and
    mkdocs.yml (`config_head` put before its settings): each year builds in three shards."""
    shutil.copytree(MINIMAL, root)
    areas = root / "data" / "areas.yml"
    areas.write_text(
        areas.read_text() + "  - id: bexmoor\n    name: Bexmoor\n"
        "    police_force: ashdown-police\n    pcc: ashdown-pcc-office\n"
    )
    partnership = root / "plans" / "fenwick-csp" / "partnership.yml"
    text = partnership.read_text()
    assert text.count("area: ashdown") == 1
    partnership.write_text(text.replace("area: ashdown", "area: bexmoor"))
    shutil.copytree(CHECKOUT / "theme", root / "theme")
    config = (CHECKOUT / "mkdocs.yml").read_text()
    if "site_url:" in config_head:  # in place of the example's
        config = "".join(
            line for line in config.splitlines(True) if not line.startswith("site_url:")
        )
    (root / "mkdocs.yml").write_text(config_head + config)
    return root


@pytest.fixture
def fake_version(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str, str], None]]:
    """`fake_version(name, version)` makes the installed distribution `name` report `version`,
    as after an upgrade: every cache's key asks importlib.metadata (the validation record's key
    is remembered for a process, so it is forgotten now and when the test ends)."""
    from importlib import metadata

    import generator.caches
    import generator.validate.cache

    real = metadata.version

    def fake(name: str, version: str) -> None:
        monkeypatch.setattr(
            metadata,
            "version",
            lambda dist: version if dist.lower() == name.lower() else real(dist),
        )
        generator.caches.installed_version.cache_clear()
        generator.validate.cache.running_code_key.cache_clear()

    yield fake
    generator.caches.installed_version.cache_clear()
    generator.validate.cache.running_code_key.cache_clear()


def browser_tests() -> pytest.MarkDecorator:
    """The mark of a module of browser tests: skipped, with the reason, when Playwright or
    Chromium is missing, except under PLANS_BROWSER_TESTS=required (`.ci/run`), where a missing
    browser fails the module rather than skipping it."""
    from bench.search import find_chromium

    missing: str | None = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "Playwright is not installed"
    if missing is None and find_chromium() is None:
        missing = "no Chromium found (Debian: apt-get install chromium)"
    if missing and os.environ.get("PLANS_BROWSER_TESTS") == "required":
        raise RuntimeError(f"PLANS_BROWSER_TESTS=required, but {missing}")
    return pytest.mark.skipif(missing is not None, reason=missing or "")


class Tree:
    """A copy of a fixture project: edit its files by exact text, then validate it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def read(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace `old` by `new` in a file; `old` must occur exactly once."""
        text = self.read(name)
        count = text.count(old)
        assert count == 1, f"{old!r} occurs {count} times in {name}, not once"
        self.path(name).write_text(text.replace(old, new), encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        """Create or overwrite a file (and its folders)."""
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def write_bytes(self, name: str, raw: bytes) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)

    def remove(self, name: str) -> None:
        path = self.path(name)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    def problems(self) -> list[str]:
        """Every problem `check_project` reports, as the text `plans validate` prints."""
        _, found = check_project(self.root)
        return [str(p) for p in found]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """A fresh copy of tests/fixtures/minimal (valid, even under --strict)."""
    root = tmp_path / "project"
    shutil.copytree(MINIMAL, root)
    return Tree(root)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files of rendered Markdown instead of comparing with them.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden files are to be rewritten (only ever by an explicit flag)."""
    return bool(request.config.getoption("--update-golden"))

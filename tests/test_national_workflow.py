"""`plans init --national`: the publish workflow that builds a national site on a GitHub Actions
matrix (one job validates and deals the parts, one job a part builds it, one assembles, one
deploys) passes actionlint, grants each job only what it needs, shares the load cache only as
main's runs save it, and does what it says: its jobs, run here in order on a copy of the example
with the matrix expanded to three parts, publish the site `plans build` makes, byte for byte."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from tests.test_init import PINNED, actionlint, init, written

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "generator" / "starter"
CACHE_PATH = "${{ runner.temp }}/plans-cache/*/load"
CACHE_DIR = "${{ runner.temp }}/plans-cache"
RESTORE, SAVE = "actions/cache/restore", "actions/cache/save"


def national(folder: Path, *args: str) -> Path:
    result = init(folder, "--national", *args)
    assert result.exit_code == 0, result.output
    return folder


def flow(project: Path, name: str = "publish.yml") -> dict[str, Any]:
    """A workflow as GitHub reads it, every scalar a string (`on` stays `on`)."""
    text = (project / ".github" / "workflows" / name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.load(text, Loader=yaml.BaseLoader)
    return loaded


def action(step: Mapping[str, Any]) -> str:
    """The action a step uses, without its pin (`` for a `run:` step)."""
    return str(step.get("uses", "")).split("@")[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return national(tmp_path_factory.mktemp("national") / "anyshire")


# --- what plans init writes -------------------------------------------------------------------


def test_national_writes_the_same_files_with_the_matrix_in_place_of_the_one_machine_build(
    project: Path, tmp_path: Path
) -> None:
    single = tmp_path / "single"
    assert init(single).exit_code == 0
    assert written(project) == written(single)
    differ = [
        name
        for name in written(project)
        if (project / name).read_bytes() != (single / name).read_bytes()
    ]
    assert differ == [".github/workflows/publish.yml", "README.md"]
    assert list(flow(single)["jobs"]) == ["build", "deploy"]
    assert list(flow(project)["jobs"]) == ["plan", "build", "assemble", "deploy"]
    assert flow(project)["env"] == {"PARTS": "10"}  # the default
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "The site is built in 10 parts at once, each on its own machine" in readme


def test_parts_chooses_how_many_and_implies_national(tmp_path: Path) -> None:
    result = init(tmp_path, "--parts", "3")
    assert result.exit_code == 0, result.output
    assert flow(tmp_path)["env"] == {"PARTS": "3"}


@pytest.mark.parametrize("parts", ["0", "257"])
def test_a_number_of_parts_no_matrix_can_run_is_refused(tmp_path: Path, parts: str) -> None:
    result = init(tmp_path / "p", "--national", "--parts", parts)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {parts} parts cannot be built at once: give from 1 to 256 (GitHub Actions runs "
        "at most 256 jobs of one matrix)\n"
    )
    assert not (tmp_path / "p").exists()


def test_the_template_ships_in_the_wheel() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["generator.starter"]
    for path in (STARTER / "national").iterdir():
        name = path.relative_to(STARTER).as_posix()
        assert any(fnmatch.fnmatch(name, glob) for glob in globs), name


# --- the workflow, read -----------------------------------------------------------------------


def test_the_national_workflow_passes_actionlint(project: Path) -> None:
    result = actionlint(*sorted((project / ".github" / "workflows").glob("*.yml")))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_the_jobs_plan_build_each_part_assemble_and_deploy(project: Path) -> None:
    publish = flow(project)
    jobs = publish["jobs"]
    assert publish["on"] == {
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "0 6 1 4 *"}],
        "workflow_dispatch": "",
    }
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": "false"}
    plan, build, assemble, deploy = (jobs[name] for name in ("plan", "build", "assemble", "deploy"))
    assert [job.get("needs") for job in jobs.values()] == [None, "plan", "build", "assemble"]
    # the matrix's input is the plan job's output, dealt from PARTS
    assert plan["outputs"] == {
        "parts": "${{ steps.deal.outputs.parts }}",
        "count": "${{ steps.deal.outputs.count }}",
    }
    assert build["strategy"] == {
        "fail-fast": "true",
        "matrix": {"part": "${{ fromJSON(needs.plan.outputs.parts) }}"},
    }
    # each part builds and uploads an artifact of its own; assemble downloads them all
    run = next(step for step in build["steps"] if "run" in step and "--part" in step["run"])
    assert run["run"] == 'plans build --part "$PART/$COUNT" --out "part-$PART"'
    assert run["env"]["PART"] == "${{ matrix.part }}"
    assert run["env"]["COUNT"] == "${{ needs.plan.outputs.count }}"
    (upload,) = [s for s in build["steps"] if action(s) == "actions/upload-artifact"]
    assert upload["with"]["name"] == upload["with"]["path"] == "part-${{ matrix.part }}"
    assert upload["with"]["include-hidden-files"] == "true"
    (download,) = [s for s in assemble["steps"] if action(s) == "actions/download-artifact"]
    assert download["with"] == {"pattern": "part-*", "path": "parts"}
    assert [s["run"] for s in assemble["steps"] if "run" in s][-1] == (
        "plans assemble parts/part-* --out site"
    )
    assert [action(s) for s in assemble["steps"]][-1] == "actions/upload-pages-artifact"
    assert [action(s) for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_every_job_has_only_what_it_needs(project: Path) -> None:
    publish = flow(project)
    assert publish["permissions"] == {}
    assert {name: job["permissions"] for name, job in publish["jobs"].items()} == {
        "plan": {"contents": "read"},
        "build": {"contents": "read"},
        "assemble": {"contents": "read", "pages": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
    }
    for job in publish["jobs"].values():
        for step in job["steps"]:
            if action(step) == "actions/checkout":
                assert step["with"]["persist-credentials"] == "false"


def test_actions_are_pinned_as_the_other_workflows_pin_them(project: Path) -> None:
    pins: dict[str, set[str]] = {}
    files = [
        *(project / ".github" / "workflows").glob("*.yml"),
        *(ROOT / ".github" / "workflows").glob("*.yml"),
    ]
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                found = PINNED.search(line)
                assert found, f"{path.name}: not pinned by commit: {line.strip()}"
                repository = "/".join(found.group(1).split("/")[:2])  # actions/cache/save
                pins.setdefault(repository, set()).add(found.group(2))
    assert all(len(shas) == 1 for shas in pins.values()), pins  # one version of each action


def test_matrix_values_reach_the_shell_only_through_the_environment(project: Path) -> None:
    for name in ("publish.yml", "validate.yml"):
        for job in flow(project, name)["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), f"{name}: {step['run']}"


def cache_steps(job: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    return [(action(s), s) for s in job["steps"] if action(s).startswith("actions/cache")]


def uses_the_cache(step: Mapping[str, Any]) -> bool:
    """A step whose command loads the project (so reads and writes the load cache)."""
    return str(step.get("run", "")).startswith(("plans validate", "plans build"))


def test_the_load_cache_is_saved_only_by_mains_runs(project: Path, tmp_path: Path) -> None:
    single = tmp_path / "single"
    assert init(single).exit_code == 0
    for publish in (flow(project), flow(single)):
        saved = []
        for name, job in publish["jobs"].items():
            steps = job["steps"]
            for kind, step in cache_steps(job):
                assert kind in (RESTORE, SAVE), "restore and save apart, each where it is meant"
                assert step["with"]["path"] == CACHE_PATH
                assert step["with"]["key"] == "plans-load-${{ github.sha }}"
                if kind == SAVE:
                    saved.append(name)
                    assert step["if"] == (
                        "${{ github.ref == 'refs/heads/main' && "
                        "steps.cache.outputs.cache-hit != 'true' }}"
                    )
                else:
                    assert step["with"]["restore-keys"] == "plans-load-"
            # every plans command that reads the cache reads it where it is restored and saved
            for step in steps:
                if uses_the_cache(step):
                    assert step["env"]["PLANS_CACHE_DIR"] == CACHE_DIR, step
                    before = [k for k, s in cache_steps(job) if steps.index(s) < steps.index(step)]
                    assert RESTORE in before, f"{name}: {step['run']} before the cache is restored"
        assert saved == [next(iter(publish["jobs"]))], "the first job saves; the others read"


def test_a_pull_request_restores_mains_load_cache_and_never_saves_one(project: Path) -> None:
    review = flow(project, "validate.yml")["jobs"]["review"]
    steps = review["steps"]
    assert [kind for kind, _ in cache_steps(review)] == [RESTORE]
    text = (project / ".github/workflows/validate.yml").read_text(encoding="utf-8")
    assert "actions/cache@" not in text and SAVE not in text
    (_, restore), validate = (
        cache_steps(review)[0],
        next(s for s in steps if s.get("name") == "Validate"),
    )
    assert steps.index(restore) < steps.index(validate)
    assert restore["with"] == {
        "path": CACHE_PATH,
        "key": "plans-load-${{ github.event.pull_request.base.sha }}",  # main's, as it left it
        "restore-keys": "plans-load-",
    }
    for step in steps:
        if uses_the_cache(step):
            assert step["env"]["PLANS_CACHE_DIR"] == CACHE_DIR
    assert cache_steps(flow(project, "validate.yml")["jobs"]["comment"]) == []


# --- the workflow, run ------------------------------------------------------------------------

SHA = "5e1f0c0ffee0d15ea5e5e1f0c0ffee0d15ea5e00"
MAIN_SAVES = "${{ github.ref == 'refs/heads/main' && steps.cache.outputs.cache-hit != 'true' }}"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class Runner:
    """GitHub's runners as the workflow sees them: every job on a fresh machine, whose
    workspace and temporary folder are at the same paths on every machine; the repository's
    caches and the run's artifacts outlive the jobs."""

    root: Path
    example: Path
    caches: dict[str, Path] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)
    left_behind: list[str] = field(default_factory=list)
    """Files of a folder uploaded as an artifact that the artifact does not hold."""
    pages: Path | None = None

    @property
    def workspace(self) -> Path:
        return self.root / "work" / "repo"

    @property
    def temp(self) -> Path:
        return self.root / "work" / "_temp"

    def fresh_machine(self) -> None:
        for folder in (self.workspace, self.temp):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)

    def expand(self, text: str, known: Mapping[str, str]) -> str:
        """`${{ ... }}` replaced by what the test knows of each expression, and only those."""

        def value(found: re.Match[str]) -> str:
            expression = found.group(1)
            assert expression in known, f"the test does not know ${{{{ {expression} }}}}"
            return known[expression]

        return EXPRESSION.sub(value, text)

    def under_temp(self, path: str) -> str:
        assert path.startswith(f"{self.temp}/"), path
        return path.removeprefix(f"{self.temp}/")

    def run_job(
        self, workflow: Mapping[str, Any], job: Mapping[str, Any], known: dict[str, str]
    ) -> dict[str, dict[str, str]]:
        """Run a job's steps in order; each step's outputs, by its id."""
        self.fresh_machine()
        known = {**known, "runner.temp": str(self.temp), "github.sha": SHA}
        outputs: dict[str, dict[str, str]] = {}
        for number, step in enumerate(job["steps"]):
            here = {
                **known,
                **{
                    f"steps.{id}.outputs.{name}": value
                    for id, given in outputs.items()
                    for name, value in given.items()
                },
            }
            if "if" in step:
                assert step["if"] == MAIN_SAVES, f"the test does not know if: {step['if']}"
                if outputs["cache"].get("cache-hit") == "true":
                    continue
            given = {k: self.expand(v, here) for k, v in step.get("with", {}).items()}
            if "run" in step:
                if step.get("name", "").startswith("Install"):
                    continue  # installed already: the code under test
                env = {
                    **workflow.get("env", {}),
                    **{k: self.expand(v, here) for k, v in step.get("env", {}).items()},
                }
                found = self.shell(step["run"], env, f"{step.get('name', number)}")
            else:
                found = self.use(action(step), given)
            outputs[step.get("id", str(number))] = found
        return outputs

    def shell(self, script: str, env: Mapping[str, str], name: str) -> dict[str, str]:
        output = self.root / "output"
        output.write_text("", encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workspace,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("PLANS_")},
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                "XDG_CACHE_HOME": str(self.root / "home-cache"),  # a cache nothing restores
                "RUNNER_TEMP": str(self.temp),
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_OUTPUT": str(output),
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        lines = output.read_text(encoding="utf-8").splitlines()
        assert all("=" in line and "<<" not in line for line in lines), lines
        return dict(line.split("=", 1) for line in lines)

    def use(self, name: str, given: Mapping[str, str]) -> dict[str, str]:
        return self.ACTIONS[name](self, given)

    def checkout(self, given: Mapping[str, str]) -> dict[str, str]:
        assert given["persist-credentials"] == "false"
        if "sparse-checkout" not in given:  # the sparse one holds no plans (requirements.txt)
            for folder in ("plans", "data"):
                shutil.copytree(self.example / folder, self.workspace / folder)
        return {}

    def restore(self, given: Mapping[str, str]) -> dict[str, str]:
        pattern = self.under_temp(given["path"])
        key = given["key"]
        if key in self.caches:
            hit, kept = "true", self.caches[key]
        else:
            prefix = given.get("restore-keys", "\0")
            keys = [k for k in self.caches if k.startswith(prefix)]
            if not keys:
                return {}
            hit, kept = "false", self.caches[keys[-1]]  # the newest that matches
        shutil.copytree(kept, self.temp, dirs_exist_ok=True)
        assert sorted(self.temp.glob(pattern)), f"nothing restored at {given['path']}"
        return {"cache-hit": hit}

    def save(self, given: Mapping[str, str]) -> dict[str, str]:
        pattern = self.under_temp(given["path"])
        matches = sorted(self.temp.glob(pattern))
        assert matches, f"nothing to save at {given['path']}"
        kept = self.root / "caches" / str(len(self.caches))
        for match in matches:
            shutil.copytree(match, kept / match.relative_to(self.temp))
        self.caches[given["key"]] = kept
        return {}

    def upload(self, given: Mapping[str, str]) -> dict[str, str]:
        """As upload-artifact zips a folder: its files only (no empty folder, no hard link or
        mode), dotfiles only with include-hidden-files."""
        name, source = given["name"], self.workspace / given["path"]
        assert name not in self.artifacts and source.is_dir()
        hidden = given.get("include-hidden-files") == "true"
        kept = self.root / "artifacts" / name
        for path in source.rglob("*"):
            relative = path.relative_to(source)
            if not path.is_file():
                continue
            if hidden or not any(part.startswith(".") for part in relative.parts):
                (kept / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, kept / relative)
            else:
                self.left_behind.append(f"{name}/{relative.as_posix()}")
        self.artifacts[name] = kept
        return {}

    def download(self, given: Mapping[str, str]) -> dict[str, str]:
        assert "merge-multiple" not in given and "name" not in given
        names = [name for name in self.artifacts if fnmatch.fnmatch(name, given["pattern"])]
        for name in names:
            shutil.copytree(self.artifacts[name], self.workspace / given["path"] / name)
        return {}

    def upload_pages(self, given: Mapping[str, str]) -> dict[str, str]:
        self.pages = self.root / "pages"
        shutil.copytree(self.workspace / given["path"], self.pages)
        return {}

    def nothing(self, given: Mapping[str, str]) -> dict[str, str]:
        return {}

    ACTIONS: ClassVar[Mapping[str, Callable[[Runner, Mapping[str, str]], dict[str, str]]]] = {
        "actions/checkout": checkout,
        "actions/setup-python": nothing,
        "actions/configure-pages": nothing,
        "actions/cache/restore": restore,
        "actions/cache/save": save,
        "actions/upload-artifact": upload,
        "actions/download-artifact": download,
        "actions/upload-pages-artifact": upload_pages,
        "actions/deploy-pages": nothing,
    }


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_workflow_run_locally_with_three_parts_publishes_the_one_machine_site(
    tmp_path: Path,
) -> None:
    """Each job on a fresh machine, in order, the matrix expanded to parts 1, 2 and 3 from the
    plan job's output; the cache saved by the plan job is what the build jobs restore."""
    project = national(tmp_path / "project", "--parts", "3")
    workflow = flow(project)
    example = tmp_path / "example"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, example / folder)
    runner = Runner(tmp_path / "runner", example)
    jobs = workflow["jobs"]

    plan = runner.run_job(workflow, jobs["plan"], {})
    assert plan["deal"] == {"parts": "[1,2,3]", "count": "3"}
    assert runner.caches, "main's run saved the load cache"
    (saved,) = runner.caches.values()
    (load,) = saved.rglob("load")
    assert sorted(p.name for p in load.iterdir()) == ["files.pack", "years.record"]
    needs = {
        f"needs.plan.outputs.{name}": runner.expand(value, {
            f"steps.deal.outputs.{k}": v for k, v in plan["deal"].items()
        })
        for name, value in jobs["plan"]["outputs"].items()
    }  # fmt: skip

    matrix = jobs["build"]["strategy"]["matrix"]
    assert matrix == {"part": "${{ fromJSON(needs.plan.outputs.parts) }}"}
    for part in json.loads(needs["needs.plan.outputs.parts"]):
        built = runner.run_job(workflow, jobs["build"], {**needs, "matrix.part": str(part)})
        restored = next(v for k, v in built.items() if "cache-hit" in v)
        assert restored == {"cache-hit": "true"}, "each part reads the plan job's cache"
    assert sorted(runner.artifacts) == ["part-1", "part-2", "part-3"]
    assert runner.left_behind == [], "every file of a part reaches assemble"

    runner.run_job(workflow, jobs["assemble"], needs)
    runner.run_job(workflow, jobs["deploy"], needs)
    assert runner.pages is not None

    reference = tmp_path / "reference"
    shutil.copytree(example, reference / "project")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--no-cache", "--quiet",
         "--out", str(reference / "site")],
        cwd=reference / "project", capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    published, one_machine = files(runner.pages), files(reference / "site")
    assert sorted(published) == sorted(one_machine)
    assert [name for name in published if published[name] != one_machine[name]] == []

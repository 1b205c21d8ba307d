"""The tool a partnership installs in its own repository: the wheel, installed into a fresh
virtual environment outside this checkout, builds (a) a project made by `plans init` and (b) a
copy of the example's plans/ and data/ with no theme/ or mkdocs.yml of its own: the default
templates, charts, overrides, assets and MkDocs settings ship inside the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], cwd: Path) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment (no site packages of this machine's) with the wheel built
    from this checkout's tracked files installed in it: its bin/ folder."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    tracked = run(["git", "ls-files", "-z"], ROOT).split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(base / "dist"),
         str(source)], base)  # fmt: skip
    (wheel,) = (base / "dist").glob("partnership_plans-*.whl")
    run([sys.executable, "-m", "venv", str(base / "venv")], base)
    bin_folder = base / "venv" / "bin"
    run([str(bin_folder / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", str(wheel)], base)  # fmt: skip
    return bin_folder


def test_the_installed_package_runs_from_the_environment_not_the_checkout(installed: Path) -> None:
    where = run(
        [str(installed / "python"), "-c",
         "import generator, generator.render.theme as t; print(generator.__file__); "
         "print(t.BUNDLED)"],
        installed,
    ).split()  # fmt: skip
    package, bundled = Path(where[0]).parent, Path(where[1])
    assert package.is_relative_to(installed.parent) and not package.is_relative_to(ROOT)
    assert bundled == package / "bundled"
    assert (bundled / "mkdocs.yml").is_file() and (bundled / "theme/pages/area.md.j2").is_file()


def test_a_project_made_by_plans_init_builds_with_the_wheel(
    installed: Path, tmp_path: Path
) -> None:
    plans = str(installed / "plans")
    run([plans, "init", "anyshire", "--title", "Anyshire Community Safety Partnership"], tmp_path)
    project = tmp_path / "anyshire"
    assert not (project / "theme").exists() and not (project / "mkdocs.yml").exists()
    run([plans, "validate"], project / "plans")  # found from a folder inside it
    # `plans new` finds its files in the wheel too: a second partnership and its risk register
    area = "placeholder-area"
    run([plans, "new", "partnership", "second", "--name", "Second", "--area", area], project)
    (year_folder,) = (project / "plans" / "second").glob("20*")
    run([plans, "new", "risks", "second", year_folder.name], project)
    assert (year_folder / "risks.yml").is_file()
    run([plans, "validate"], project)
    run([plans, "build", "-q"], project)
    site = project / "site"
    (year,) = (p.name for p in site.iterdir() if p.is_dir() and p.name[:2] == "20")
    home = (site / year / "index.html").read_text(encoding="utf-8")
    assert "Anyshire Community Safety Partnership" in home
    assert (site / year / "assets" / "extra.css").is_file(), "the bundled assets"
    assert list((site / year).glob("*/index.html")), "the partnership's pages"


def test_the_example_without_theme_or_mkdocs_yml_builds_with_the_wheel(
    installed: Path, tmp_path: Path
) -> None:
    project = tmp_path / "example"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    out = run([str(installed / "plans"), "build", str(project), "--out", str(tmp_path / "site")],
              tmp_path)  # fmt: skip
    assert "Built 4 versions" in out
    page = tmp_path / "site" / "2025-26" / "safer-kelderton" / "index.html"
    text = page.read_text(encoding="utf-8")
    assert "Safer Kelderton" in text and "<strong>Fictional data.</strong>" in text
    asked = ["brackenshire-pcc", "2026-27", "--stream", "pcc-community-safety-fund"]
    scenario = run([str(installed / "plans"), "scenario", *asked, "--change", "-20%"], project)
    assert "| Safer Kelderton Partnership (safer-kelderton) | £598,081.58 |" in scenario, (
        "the bundled review/scenario.md.j2"
    )


def test_a_workbook_round_trips_with_the_wheel(installed: Path, tmp_path: Path) -> None:
    """openpyxl is a runtime dependency: export and import run from the wheel alone."""
    project = tmp_path / "example"
    for folder in ("plans", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    plans = str(installed / "plans")
    out = run([plans, "export", "--xlsx", "safer-kelderton", "2025-26"], project)
    assert out.startswith("Wrote ")
    book = project / "exports" / "safer-kelderton-2025-26.xlsx"
    out = run([plans, "import", str(book)], project)
    assert out == "safer-kelderton-2025-26.xlsx: nothing to import; no file changed.\n"

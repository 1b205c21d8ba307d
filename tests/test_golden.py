"""Golden files: the rendered Markdown of chosen partnership-years, compared byte for byte:
the minimal fixture's Safer Fenwick 2024/25, and every year of the example's deliberately
irregular Marrowby (plans as really published: declared absences, unknown amounts, partial
dates, a refresh past its strategy's end).

Regenerate them only on purpose: `python -m pytest tests/test_golden.py --update-golden`,
then review the diff like any other change.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from generator.pipeline import check_project
from generator.render import PAGES, Version, render_version
from generator.site.versions import versions_of

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


class Golden(NamedTuple):
    """Which pages of which project are kept, and where."""

    folder: str
    project: Path
    partnership: str
    years: tuple[str, ...]
    extra: tuple[str, ...] = ()  # other pages of the version, e.g. its area page


SETS = (
    Golden("fenwick-csp-2024-25", MINIMAL, "fenwick-csp", ("2024-25",), ("index.md", "ashdown/index.md")),  # noqa: E501
    Golden("marrowby", ROOT, "marrowby", ("2023-24", "2024-25", "2025-26")),
)  # fmt: skip


def rendered(golden: Golden) -> dict[str, bytes]:
    project, problems = check_project(golden.project)
    assert project is not None, problems
    _versions, latest = versions_of(project, drafts=False)
    found: dict[str, bytes] = {}
    for year in golden.years:
        files = render_version(project, ROOT / "theme", Version(year, latest)).files
        wanted = {f"{golden.partnership}/{name}.md" for name, _title, _template in PAGES}
        wanted |= set(golden.extra)
        wanted |= {name for name in files if name.startswith(f"{golden.partnership}/charts/")}
        prefix = f"{year}/" if len(golden.years) > 1 else ""
        found.update({prefix + name: files[name] for name in sorted(wanted)})
    return found


@pytest.mark.parametrize("golden", SETS, ids=[g.folder for g in SETS])
def test_rendered_markdown_matches_the_golden_files(golden: Golden, update_golden: bool) -> None:
    files = rendered(golden)
    folder = ROOT / "tests" / "golden" / golden.folder
    if update_golden:
        for name, content in files.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        pytest.skip("golden files rewritten; review the diff")
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert on_disk == sorted(files), "pages added or removed: rerun with --update-golden"
    for name, content in files.items():
        assert content.decode() == (folder / name).read_text(), (
            f"{name} differs from its golden file"
        )

"""Golden files: the rendered Markdown of one partnership-year, compared byte for byte.

Regenerate them only on purpose: `python -m pytest tests/test_golden.py --update-golden`,
then review the diff like any other change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import check_project
from generator.render import PAGES, Version, render_version

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
GOLDEN = ROOT / "tests" / "golden" / "fenwick-csp-2024-25"
PARTNERSHIP, YEAR, LATEST = "fenwick-csp", "2024-25", "2025-26"


def rendered() -> dict[str, bytes]:
    project, problems = check_project(MINIMAL)
    assert project is not None, problems
    files = render_version(project, ROOT / "theme", Version(YEAR, LATEST)).files
    wanted = {f"{PARTNERSHIP}/{name}.md" for name, _title, _template in PAGES}
    wanted |= {"index.md", "ashdown/index.md"}
    wanted |= {name for name in files if name.startswith(f"{PARTNERSHIP}/charts/")}
    return {name: files[name] for name in sorted(wanted)}


def test_rendered_markdown_matches_the_golden_files(update_golden: bool) -> None:
    files = rendered()
    if update_golden:
        for name, content in files.items():
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        pytest.skip("golden files rewritten; review the diff")
    on_disk = sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file())
    assert on_disk == sorted(files), "pages added or removed: rerun with --update-golden"
    for name, content in files.items():
        assert content.decode() == (GOLDEN / name).read_text(), (
            f"{name} differs from its golden file"
        )

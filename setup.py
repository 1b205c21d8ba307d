"""Everything is declared in pyproject.toml; this only puts the default theme (theme/) and MkDocs
settings (mkdocs.yml) inside the package as `generator/bundled/` when a wheel is built, so that an
installed `plans` builds a project that has neither. A checkout keeps them at the top, where the
bundled example uses them (generator/render/theme.py finds either)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithTheme(build_py):
    """`build_py` that also copies theme/ and mkdocs.yml into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, theme/ and all
        target = Path(self.build_lib) / "generator" / "bundled"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(HERE / "theme", target / "theme", ignore=shutil.ignore_patterns("partnerships"))
        shutil.copy2(HERE / "mkdocs.yml", target / "mkdocs.yml")


setup(cmdclass={"build_py": BuildWithTheme})

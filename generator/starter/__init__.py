"""`plans init`: a new, empty-but-valid project written from the files under `project/`.

The files under `project/` are the new project as it will look, kept as real files (package
data). A file whose name ends `.j2` is a Jinja template (the `.j2` is dropped when written); the
folder names `_partnership_` and `_year_` become the partnership's id and the first plan year.
Every other file is copied byte for byte. Everything is read and rendered before anything is
written, and nothing is written into a folder that is not empty.

A national project (`parts`) gets `national/publish.yml.j2` as its publish workflow in place of
the single-machine one: the site built in that many parts on a GitHub Actions matrix, then
assembled and published.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Literal

import jinja2
import yaml

from generator import __version__
from generator.model import ALL_KINDS, json_schemas
from generator.model.types import ID_PATTERN, MAX_TITLE, RESERVED_IDS, year_after, year_starting
from generator.problems import PlansError

ProjectKind = Literal["partnership", "pcc"]
PROJECT_KINDS: tuple[ProjectKind, ...] = ("partnership", "pcc")
SCHEMA_FOLDER = "schemas"
SOURCE_REPOSITORY = "https://github.com/partnership-plans/partnership-plans"
"""Where this tool's source lives: the new project's pre-commit hook is fetched from it."""
_TEMPLATE_SUFFIX = ".j2"
_ID = re.compile(ID_PATTERN)
_YEAR = re.compile(r"[0-9]{4}-[0-9]{2}")
NATIONAL_PARTS = 10
"""A national project's parts unless told: a 350-partnership, ten-year site in about three
minutes (docs/pages/scale.md)."""
MAX_PARTS = 256
"""GitHub Actions runs at most 256 jobs of one matrix."""
PUBLISH_WORKFLOW = PurePosixPath(".github/workflows/publish.yml")


class InitError(PlansError):
    """`plans init` cannot write the project asked for; nothing was written."""


@dataclass(frozen=True)
class Starter:
    """What varies between new projects: the values the templates are rendered with."""

    title: str
    kind: ProjectKind
    partnership: str
    year: str
    version: str
    parts: int | None = None
    """A national project's parts: its site is built on this many machines (None: on one)."""

    @property
    def year_words(self) -> str:
        """`2026-27` as a reader writes it: `2026/27`."""
        return self.year.replace("-", "/")

    def later_year(self, years: int) -> str:
        """The financial year `years` after the first: `2028-29` two after `2026-27`."""
        return year_after(self.year, years)

    def span(self, years: int) -> str:
        """A plan of `years` years from the first, as its title writes it: `2026–29`."""
        start = int(self.year[:4])
        return f"{start}–{(start + years) % 100:02d}"


def create_project(
    folder: Path,
    title: str,
    *,
    kind: str = "partnership",
    year: str | None = None,
    partnership: str | None = None,
    today: date | None = None,
    parts: int | None = None,
) -> list[Path]:
    """Write a new project into `folder` (created if missing, refused unless empty) and return
    the files written, relative to it. The first plan year is the current financial year
    unless `year` is given; the partnership's id is made from the title unless given. With
    `parts`, the site is published by a workflow that builds it in that many parts at once."""
    if kind not in PROJECT_KINDS:
        raise InitError(
            f"'{kind}' is not a kind of project; use one of: {', '.join(PROJECT_KINDS)}"
        )
    starter = Starter(
        title=checked_title(title),
        kind=kind,
        partnership=checked_id(partnership) if partnership else _id_from(title),
        year=checked_year(year) if year else financial_year(today or date.today()),
        version=__version__,
        parts=checked_parts(parts) if parts is not None else None,
    )
    _check_empty(folder)
    files = render_project(starter)
    folder.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return [Path(relative) for relative in files]


def render_project(starter: Starter) -> dict[PurePosixPath, bytes]:
    """Every file of the new project by its path in it, rendered in memory."""
    root = resources.files("generator.starter") / "project"
    environment = template_environment()
    context = {
        "starter": starter,
        "schemas": schema_globs(),
        "schema_folder": SCHEMA_FOLDER,
        "source_repository": SOURCE_REPOSITORY,
    }
    files: dict[PurePosixPath, bytes] = {}
    for relative, source in sorted(_package_files(root, PurePosixPath())):
        target = PurePosixPath(
            *(
                {"_partnership_": starter.partnership, "_year_": starter.year}.get(part, part)
                for part in relative.parts
            )
        )
        content = source.read_bytes()
        if target.name.endswith(_TEMPLATE_SUFFIX):
            target = target.with_name(target.name[: -len(_TEMPLATE_SUFFIX)])
            template = environment.from_string(content.decode("utf-8"))
            content = template.render(context).encode("utf-8")
        files[target] = content
    for name, text in json_schemas().items():
        files[PurePosixPath(SCHEMA_FOLDER, name)] = text.encode("utf-8")
    if starter.parts is not None:
        national = resources.files("generator.starter") / "national" / "publish.yml.j2"
        template = environment.from_string(national.read_text(encoding="utf-8"))
        files[PUBLISH_WORKFLOW] = template.render(parts=starter.parts).encode("utf-8")
    return dict(sorted(files.items()))


def template_environment() -> jinja2.Environment:
    """The Jinja environment the new files are rendered in."""
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # the output is YAML, JSON and Markdown source, not HTML
    )
    environment.filters["yaml"] = _yaml_text
    return environment


def schema_globs() -> dict[str, str]:
    """Each kind's schema file and the glob of its files, as the YAML extension of VS Code
    reads them (`plans/*/*/plan.yml`)."""
    return {
        f"./{SCHEMA_FOLDER}/{name}.schema.json": re.sub(r"<[a-z]+>", "*", kind.where)
        for name, kind in ALL_KINDS.items()
    }


def financial_year(day: date) -> str:
    """The UK financial year (1 April to 31 March) a day falls in, as `2026-27`."""
    return year_starting(day.year if day.month >= 4 else day.year - 1)


def _package_files(
    folder: Traversable, relative: PurePosixPath
) -> list[tuple[PurePosixPath, Traversable]]:
    found = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found.extend(_package_files(entry, relative / entry.name))
        else:
            found.append((relative / entry.name, entry))
    return found


def _check_empty(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file; give a new or empty folder for the project")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(
            f"{folder} is not empty: plans init writes a new project only into a new or "
            "empty folder (nothing was written)"
        )


def checked_title(title: str) -> str:
    if not title.strip():
        raise InitError("the title must not be empty; give it with --title")
    if any(unicodedata.category(c)[0] == "C" or c in "\u2028\u2029\x85" for c in title):
        raise InitError("the title must be a single line of text, without control characters")
    if len(title) > MAX_TITLE:
        raise InitError(f"the title is {len(title)} characters long; the limit is {MAX_TITLE}")
    return title.strip()


def checked_id(value: str) -> str:
    if len(value) > 64 or not _ID.fullmatch(value) or value in RESERVED_IDS:
        raise InitError(
            f"'{value}' cannot be a partnership id: use at most 64 lower-case letters, digits "
            "and single hyphens, starting with a letter (e.g. 'safer-anyshire')"
        )
    return value


def _id_from(title: str) -> str:
    """`Anyshire Community Safety Partnership` → `anyshire-community-safety-partnership`."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 64:
            break
        slug = f"{slug}-{word}" if slug else word
    if not _ID.fullmatch(slug) or slug in RESERVED_IDS:
        raise InitError(
            f"no partnership id can be made from the title '{title}'; give one with --id "
            "(lower-case letters, digits and single hyphens, e.g. 'safer-anyshire')"
        )
    return slug


def checked_year(value: str) -> str:
    if _YEAR.fullmatch(value) and (int(value[:4]) + 1) % 100 == int(value[5:]):
        return value
    raise InitError(
        f"'{value}' is not a financial year: write it as YYYY-YY, e.g. "
        f"{financial_year(date.today())}"
    )


def checked_parts(value: int) -> int:
    if 1 <= value <= MAX_PARTS:
        return value
    raise InitError(
        f"{value} parts cannot be built at once: give from 1 to {MAX_PARTS} (GitHub Actions "
        f"runs at most {MAX_PARTS} jobs of one matrix)"
    )


def _yaml_text(value: str) -> str:
    """A one-line text as a YAML scalar that reads back as exactly that text: as it is where
    that is so, else double-quoted (a JSON string is a YAML double-quoted scalar)."""
    try:
        if yaml.safe_load(f"text: {value}") == {"text": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)

"""The `plans` command: a thin layer that parses arguments and calls one library function each."""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import __version__
from generator.cli.drafts import drafts_left_out, drafts_on_disk
from generator.cli.output import format_problems
from generator.problems import PlansError, ProblemsFound, Severity, counted

EXIT_OK, EXIT_PROBLEMS = 0, 1  # a usage error exits 2: click does it
FC = TypeVar("FC", bound=Callable[..., Any] | click.Command)


def _reference(project: Path) -> str:
    """The address of the project's published site's latest version, from its mkdocs.yml's
    site_url, under which the format reference is; empty when it has none."""
    from generator.site.config import base_config

    try:
        site_url = base_config(project).get("site_url")
    except PlansError:  # a broken mkdocs.yml is the build's to report, not validation's
        return ""
    return f"{str(site_url).rstrip('/')}/latest/" if site_url else ""


def _run(debug: bool, action: Callable[[], int]) -> None:
    """Run a command: project errors become `Error: …` and exit 1; tracebacks only with --debug."""
    try:
        code = action()
    except ProblemsFound as exc:
        click.echo(format_problems(exc.problems, "text"), err=True)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    except PlansError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    except Exception as exc:  # never a traceback for bad input unless asked
        if debug:
            traceback.print_exc()
        click.echo(f"Error: unexpected failure: {type(exc).__name__}: {exc}", err=True)
        if not debug:
            click.echo("Run again with --debug to see where it happened.", err=True)
        sys.exit(EXIT_PROBLEMS)
    sys.exit(code)


class NoProject(click.ClickException):
    """Not inside a project, and none named: a usage error, in one line."""

    exit_code = 2


def _find_project(_: click.Context, __: click.Parameter, given: Path | None) -> Path:
    """The project named, else the one the current folder is in (from any folder inside it)."""
    from generator.pipeline import find_project

    if given is not None:
        return given
    found = find_project(Path.cwd())
    if found is None:
        raise NoProject("no project here: run plans init, or give the project folder")
    return found


project_argument = click.argument(
    "project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    required=False,
    callback=_find_project,
)
project_option = click.option(
    "--project",
    "project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    callback=_find_project,
    help="The project folder (default: the one the current folder is in).",
)
"""For commands whose arguments are not the project: `--project DIR`, else found as git does."""
debug_option = click.option("--debug", is_flag=True, help="Show a traceback on failure.")


def format_option(choices: tuple[str, ...], help: str) -> Callable[[FC], FC]:
    """`--format`, one of `choices` (the first is the default), as `fmt`."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


CACHE_HOME = "~/.cache/partnership-plans, or $PLANS_CACHE_DIR"


def _cache(project: Path, cache: bool, which: str) -> Path | None:
    """The folder of one of the project's caches (`load` or `build`), None when caching is off."""
    from generator.caches import cache_folder

    return cache_folder(project) / which if cache else None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plans")
def main() -> None:
    """Publish Community Safety Partnership plans as code."""


@main.command(short_help="Check a project and report every problem.")
@project_argument
@format_option(
    ("text", "json", "github"),
    "text for people, json for tools, github for pull-request annotations.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--links",
    is_flag=True,
    help="In text, follow each problem with the address of its field's entry in the format "
    "reference (json and github always give it).",
)
@click.option(
    "--changed-since",
    metavar="REV",
    help="With --format github: annotate first the warnings in the files changed since git "
    "revision REV (a pull request's base branch, e.g. origin/main), after the errors.",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Parse again only the YAML files changed since the last run, and check again only the "
    f"years they can change (kept in {CACHE_HOME}).",
)
@debug_option
def validate(
    project: Path,
    fmt: str,
    strict: bool,
    links: bool,
    changed_since: str | None,
    cache: bool,
    debug: bool,
) -> None:
    """Check a project and report every problem (default: the project the current folder is
    in, found from any folder inside it).

    Exit codes: 0 clean, 1 problems, 2 usage.
    """
    from generator.pipeline import check_project
    from generator.render.headings import heading_link_problems
    from generator.review.revisions import changed_since as changed_files

    if changed_since is not None and fmt != "github":
        raise click.UsageError("--changed-since orders GitHub's annotations: add --format github")

    def action() -> int:
        changed = None if changed_since is None else changed_files(project, changed_since)
        model, problems = check_project(project, cache=_cache(project, cache, "load"))
        if model is not None and not any(p.severity is Severity.ERROR for p in problems):
            problems = sorted(
                [*problems, *heading_link_problems(model, project / "theme")],
                key=lambda p: p.sort_key(),
            )
        if problems or fmt == "json":
            shown = format_problems(problems, fmt, strict, links, _reference(project), changed)
            click.echo(shown)
        failed = any(p.severity is Severity.ERROR or strict for p in problems)
        if not problems and fmt == "text":
            click.echo("No problems found.")
        return EXIT_PROBLEMS if failed else EXIT_OK

    _run(debug, action)


@main.command(short_help="Start a new project, ready to fill in.")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--title", required=True, help="The site's title, e.g. 'Anyshire Community Safety Partnership'."
)
@click.option(
    "--kind",
    type=click.Choice(["partnership", "pcc"]),
    default="partnership",
    show_default=True,
    help="Whose plans: a partnership's, or a Police and Crime Commissioner's office's.",
)
@click.option("--year", help="The first plan year, e.g. 2026-27 (default: the current one).")
@click.option("--id", "partnership", help="The partnership's id (default: made from the title).")
@click.option("--national", is_flag=True, help="A national site's matrix workflow (see above).")
@click.option(
    "--parts",
    type=int,
    help="How many machines build a national site (default: 10, at most 256; PARTS in the "
    "workflow, to change later). Implies --national.",
)
@debug_option
def init(
    folder: Path,
    title: str,
    kind: str,
    year: str | None,
    partnership: str | None,
    national: bool,
    parts: int | None,
    debug: bool,
) -> None:
    """Start a new project, ready to fill in.

    FOLDER must be new or empty: nothing is written into a folder that holds anything. The
    project's files are placeholders and comments saying what to write in their place.

    Its workflows check each pull request (with the main branch's load cache, read-only) and
    publish the main branch with GitHub Pages. With --national, publish.yml is a matrix instead:
    one job validates and deals the parts, one a part runs `plans build --part K/N`, one runs
    `plans assemble`, and the last publishes.
    """
    from generator.starter import NATIONAL_PARTS, create_project

    def action() -> int:
        count = parts if parts is not None else NATIONAL_PARTS if national else None
        written = create_project(
            folder, title, kind=kind, year=year, partnership=partnership, parts=count
        )
        click.echo(f"Created a new project in {folder} ({len(written)} files).")
        click.echo(
            f"Next: cd {folder}, then `plans validate` lists what to fill in and `plans serve` "
            "previews the site. README.md explains the rest."
        )
        return EXIT_OK

    _run(debug, action)


@main.command(short_help="Write the JSON Schema of every file kind.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schema"),
    show_default=True,
    help="Folder to write the JSON Schema files into.",
)
@debug_option
def schema(out: Path, debug: bool) -> None:
    """Write the JSON Schema of every file kind, for editors that validate while you type."""
    from generator.model import json_schemas

    def action() -> int:
        out.mkdir(parents=True, exist_ok=True)
        for name, text in json_schemas().items():
            (out / name).write_text(text, encoding="utf-8")
            click.echo(f"wrote {out / name}")
        return EXIT_OK

    _run(debug, action)


def _validated(project: Path, strict: bool, cache: Path | None) -> Any:
    """The validated project, or ProblemsFound with every problem (nothing is built then)."""
    model, rules = _started(project, strict, cache)
    rules(model)
    return model


def _started(project: Path, strict: bool, cache: Path | None) -> tuple[Any, Callable[[Any], None]]:
    """The project read and typed, and what runs its rules on it: ProblemsFound with every
    problem at once when a file does not fit, else when the rules find an error (any problem,
    with `strict`); the warnings are printed once the rules have run."""
    from generator.pipeline import start_check

    model, checking = start_check(project, cache=cache)

    def rules(checked: Any) -> None:
        problems = checking.finish(checked)
        if checked is None or any(p.severity is Severity.ERROR or strict for p in problems):
            raise ProblemsFound(problems)
        for problem in problems:
            click.echo(str(problem), err=True)

    if model is None or any(p.severity is Severity.ERROR or strict for p in checking.problems):
        rules(model)
    return model, rules


@main.command("new-year", short_help="Start the next plan year from the last one.")
@click.argument("year", required=False)
@click.option("--partnership", help="Only this partnership (its id).")
@project_option
@debug_option
def new_year(year: str | None, partnership: str | None, project: Path, debug: bool) -> None:
    """Start the next plan year of every partnership (or YEAR, e.g. 2027-28) from its last one.

    Priorities, objectives and indicators are carried forward, services by last year's review
    decisions, open actions and risks; what the editor must still do is marked to confirm. Only
    new files are written, each year folder complete or not at all; an existing year is refused.
    """
    from generator.cycle import start_new_years

    def action() -> int:
        for line in start_new_years(project, year, partnership).lines():
            click.echo(line)
        return EXIT_OK

    _run(debug, action)


def _part(_: click.Context, __: click.Parameter, given: str | None) -> tuple[int, int] | None:
    """`--part K/N`: the K-th of N parts, 1 <= K <= N."""
    if given is None:
        return None
    k, slash, n = given.partition("/")
    if not (slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n) <= 1000):
        raise click.BadParameter(f"'{given}' is not a part: write K/N, e.g. 2/10 (K from 1 to N)")
    return int(k), int(n)


@main.command(short_help="Validate the project and build the versioned site.")
@project_argument
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to publish the site (default: site/ in the project).",
)
@click.option("--drafts", is_flag=True, help="Include draft years, each page marked as a draft.")
@click.option("--strict", is_flag=True, help="Treat validation warnings as errors.")
@click.option(
    "--jobs", type=click.IntRange(0, 64), default=0, help="Parallel builds (0: one a core)."
)
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse built shards and loaded YAML files whose inputs did not change "
    f"(kept in {CACHE_HOME}).",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print only the result, not how the build is going."
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print each partnership's plan year as one PDF (cover, contents, page numbers), "
    "linked from its overview page; needs Chromium.",
)
@click.option(
    "--part",
    callback=_part,
    metavar="K/N",
    help="Build only the K-th of N parts of the site into --out (one machine of N; "
    "`plans assemble` joins the parts into the site).",
)
@debug_option
def build(
    project: Path,
    out: Path | None,
    drafts: bool,
    strict: bool,
    jobs: int,
    cache: bool,
    quiet: bool,
    pdf: bool,
    part: tuple[int, int] | None,
    debug: bool,
) -> None:
    """Validate the project and build the versioned site (default: the project the current
    folder is in, found from any folder inside it).

    Validation errors stop the build before anything is written; a failed build leaves the
    previously published site as it was. How the build is going goes to standard error (not
    with --quiet); the result, to standard output.
    """
    from generator.site import BuildOptions, build_site

    if part is not None and out is None:
        raise click.UsageError("give the part's folder with --out, e.g. --part 1/4 --out part-1")

    target = out if out is not None else project / "site"
    progress = None if quiet else (lambda line: click.echo(line, err=True))

    rules: list[Callable[[Any], None]] = []

    def checked() -> Any:
        """The project read and typed, handed straight to the build: no reference to it is
        kept here, so the build lets go of it before it puts the versions together. What runs
        its rules goes into `rules`: the build runs them while its first pages are built."""
        started = time.perf_counter()
        model, run_rules = _started(project, strict, _cache(project, cache, "load"))
        rules.append(run_rules)
        if progress is not None:
            years = len(model.all_years())
            elapsed = time.perf_counter() - started
            files = counted(len(model.documents), "file")
            progress(f"read {files}, {counted(years, 'year')}; {elapsed:.0f} s")
        return model

    def action() -> int:
        folder = _cache(project, cache, "build")
        options = BuildOptions(
            project, target, drafts=drafts, jobs=jobs, cache=folder, progress=progress, pdf=pdf
        )
        if part is not None:
            from generator.site.parts import build_part

            model = checked()
            rules[0](model)
            made = build_part(model, options, *part)
            click.echo(
                f"Built part {made.part} of {made.of} into {target}: "
                f"{counted(len(made.shards), 'shard')}, {len(made.built)} built, "
                f"{len(made.reused)} reused unchanged; {counted(made.pages, 'page')} rendered"
            )
            return EXIT_OK
        report = build_site(checked(), options, rules=rules[0])  # checked() fills `rules`
        shards = len(report.built) + len(report.reused)
        rebuilt = f" ({', '.join(report.built)})" if 0 < len(report.built) <= 4 else ""
        click.echo(
            f"Built {counted(len(report.versions), 'version')} ({', '.join(report.versions)}; "
            f"latest {report.latest}), {counted(report.pages, 'page')} rendered, into {target}; "
            f"{len(report.built)} of {counted(shards, 'shard')} built{rebuilt}, "
            f"{len(report.reused)} reused unchanged"
            + (
                f" ({counted(len(report.kept), 'version')} kept as published)"
                if report.kept
                else ""
            )
            + (f"; updated in place: {', '.join(report.patched)}" if report.patched else "")
        )
        return EXIT_OK

    _run(debug, action)


@main.command(short_help="Preview the site on localhost as you edit.")
@project_argument
@click.option("--drafts", is_flag=True, help="Include draft years.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to use."
)
@debug_option
def serve(project: Path, drafts: bool, host: str, port: int, debug: bool) -> None:
    """Preview the site on localhost, rebuilding when plans, data or templates change."""
    from generator.site.serve import serve_site

    def action() -> int:
        note = None if drafts else drafts_left_out(drafts_on_disk(project), "serve")
        if note is not None:
            click.echo(note, err=True)
        serve_site(project, host=host, port=port, drafts=drafts)
        return EXIT_OK

    _run(debug, action)


@main.command("diff", short_help="Compare the plans at two git revisions, for a review.")
@click.argument("base")
@click.argument("head", required=False)
@project_option
@format_option(("markdown", "json"), "Markdown for a pull-request comment, or JSON for tools.")
@debug_option
def diff(base: str, head: str | None, project: Path, fmt: str, debug: bool) -> None:
    """Compare the project at git revision BASE with HEAD (default: the working tree), in
    plain English, per partnership and plan year. Either may be a folder holding a project.
    Exits 0 whatever the differences; non-zero only when a version cannot be read."""
    from generator.render.diff import as_json, markdown
    from generator.review.revisions import diff_project

    def action() -> int:
        report = diff_project(project, base, head)
        click.echo(
            as_json(report) if fmt == "json" else markdown(report, project / "theme"), nl=False
        )
        return EXIT_OK

    _run(debug, action)


@main.command(short_help="Record a plan year's approval and freeze it as published.")
@click.argument("partnership")
@click.argument("year")
@click.option("--approved-by", required=True, help="Who approved it, e.g. the partnership's board.")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    help="The day it was approved, as YYYY-MM-DD.",
)
@project_option
@debug_option
def publish(
    partnership: str, year: str, approved_by: str, on: Any, project: Path, debug: bool
) -> None:
    """Publish PARTNERSHIP's plan for YEAR: record who approved it and when, and freeze it.

    Writes the year's published.yml (a digest of its content) and sets status: published in
    its plan.yml (and superseded in the year before's). From then on `plans validate` fails if
    the published plan changes without an entry in the year's changes.yml."""
    from generator.cycle.publish import publish as publish_year

    def action() -> int:
        done = publish_year(
            project, partnership, year, approved_by, on.date(), _cache(project, True, "load")
        )
        where = done.record.relative_to(project).as_posix()
        click.echo(
            f"Published {partnership} {year}: wrote {where} "
            f"({done.files} files, {done.fields} fields)."
        )
        if done.status_was not in ("published", "superseded"):
            click.echo(f"plan.yml: status {done.status_was} -> published.")
        if done.superseded is not None:
            click.echo(f"{done.superseded}/plan.yml: status published -> superseded.")
        click.echo(
            "Commit these files. From now on a change to this year's plan needs an entry in "
            "its changes.yml."
        )
        return EXIT_OK

    _run(debug, action)


@main.command(short_help="Record a published year as corrected, once changes.yml says why.")
@click.argument("partnership")
@click.argument("year")
@click.option(
    "--on",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to record, as YYYY-MM-DD (default: today).",
)
@project_option
@debug_option
def correct(partnership: str, year: str, on: Any, project: Path, debug: bool) -> None:
    """Record PARTNERSHIP's published YEAR as corrected, after its changes.yml records each
    change since publication: published.yml keeps the corrected year's digests, so that a
    later change to the same fields needs a later changes.yml entry of its own."""
    from generator.cycle.publish import correct as correct_year

    def action() -> int:
        day = on.date() if on is not None else date.today()
        done = correct_year(project, partnership, year, day, _cache(project, True, "load"))
        click.echo(
            f"Recorded {partnership} {year} as corrected on {done.on.isoformat()} "
            f"({counted(done.entries, 'changes.yml entry', 'changes.yml entries')} so far). "
            "Commit published.yml."
        )
        return EXIT_OK

    _run(debug, action)


class BadScenario(click.ClickException):
    """A scenario that cannot be asked (both or neither of --change and --pot, a bad
    percentage, an unknown partnership, year or stream): a usage error, in one line."""

    exit_code = 2


@main.command("scenario", short_help="What if a stream's money changes: each formula shared again.")
@click.argument("partnership")
@click.argument("year")
@click.option("--stream", required=True, help="The funding stream whose money changes (its id).")
@click.option(
    "--change",
    help="Change each formula pot the stream feeds by this signed percentage, e.g. -20% or +5% "
    "(the new pot rounded to the nearest penny, half a penny up).",
)
@click.option("--pot", help="The formula's new pot in pounds, e.g. 123456.78.")
@format_option(
    ("markdown", "json"),
    "Markdown for people (a terminal, a pull request, an email), or JSON for tools.",
)
@project_option
@debug_option
def scenario(
    partnership: str,
    year: str,
    stream: str,
    change: str | None,
    pot: str | None,
    fmt: str,
    project: Path,
    debug: bool,
) -> None:
    """What if a stream's money changes: every formula in PARTNERSHIP's YEAR funding.yml fed
    by the stream is shared out again to the penny with its new pot; each recipient's new
    allocation, the £ and % change, and whether the services and actions it funds from the
    stream still fit. Give --change or --pot. Changes no file.

    Exit codes: 0 done, 1 the project has errors, 2 usage."""
    from generator.compute.scenario import PotChange, ScenarioError, parse_change, parse_pot
    from generator.compute.scenario import scenario as work_out
    from generator.render.scenario import as_json, markdown

    if change is not None and pot is not None:
        raise BadScenario("give --change or --pot, not both")
    if change is None and pot is None:
        raise BadScenario("give --change (e.g. -20%) or --pot (e.g. 123456.78)")
    try:
        if change is not None:
            asked = PotChange(percent=parse_change(change))
        else:
            asked = PotChange(pot=parse_pot(pot or ""))
    except ScenarioError as exc:
        raise BadScenario(str(exc)) from None

    def action() -> int:
        model = _validated(project, strict=False, cache=None)  # reads; writes nothing
        try:
            result = work_out(model, partnership, year, stream, asked)
        except ScenarioError as exc:
            click.echo(f"Error: {exc}", err=True)
            return 2
        text = as_json(result) if fmt == "json" else markdown(result, project / "theme")
        click.echo(text, nl=False)
        return EXIT_OK

    _run(debug, action)


@main.command("comment", short_help="Post a plans diff report as the pull request's one comment.")
@click.argument("report", type=click.File("r", encoding="utf-8"))
@click.option("--repository", required=True, help="owner/name, as $GITHUB_REPOSITORY gives it.")
@click.option("--pull", type=click.IntRange(1), required=True, help="The pull request's number.")
@click.option(
    "--api",
    envvar="GITHUB_API_URL",
    default="https://api.github.com",
    show_default=True,
    help="GitHub's API (Actions sets $GITHUB_API_URL).",
)
@debug_option
def comment(report: Any, repository: str, pull: int, api: str, debug: bool) -> None:
    """Post REPORT (the Markdown `plans diff` wrote) on a pull request, or update the comment
    an earlier report made there: one comment, never repeated. The token is $GITHUB_TOKEN."""
    from generator.review.github import post_review

    def action() -> int:
        token = os.environ.get("GITHUB_TOKEN", "")
        if not token:
            raise PlansError("set GITHUB_TOKEN to a token that may write pull-request comments")
        done = post_review(report.read(), repository, pull, token, api)
        click.echo(f"{done.capitalize()} the review on {repository}#{pull}.")
        return EXIT_OK

    _run(debug, action)

"""The commands for the people who write the plans: `plans new` (a partnership, or a missing file
of a plan year) and the spreadsheet round trip (`plans export --xlsx`, `plans import`)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.base import EXIT_OK, EXIT_PROBLEMS, _run, debug_option, main, project_option
from generator.problems import PlansError, ProblemsFound, Severity


@main.group(short_help="Add a partnership, or a missing file of a plan year.")
def new() -> None:
    """Add a partnership with its first plan year, or a missing file of a plan year, to the
    project: commented files with placeholders, which validate with warnings listing what is
    left to fill in. Nothing existing is changed or replaced."""


@new.command("partnership", short_help="Add a partnership with its first plan year.")
@click.argument("partnership")
@click.option("--name", required=True, help="Its name, e.g. 'Safer Anytown Partnership'.")
@click.option("--area", required=True, help="Its police force area: an id from data/areas.yml.")
@click.option(
    "--kind",
    type=click.Choice(["csp", "pcc"]),
    default="csp",
    show_default=True,
    help="A community safety partnership, or a Police and Crime Commissioner's office.",
)
@click.option("--year", help="The first plan year, e.g. 2026-27 (default: the current one).")
@project_option
@debug_option
def new_partnership(
    partnership: str, name: str, area: str, kind: str, year: str | None, project: Path, debug: bool
) -> None:
    """Add PARTNERSHIP (its id: lower-case letters, digits and hyphens) to the project, with
    partnership.yml and a first plan year, in plans/PARTNERSHIP/."""
    from generator.starter.additions import add_partnership

    def action() -> int:
        written = add_partnership(project, partnership, name, area, kind=kind, year=year)
        for path in written:
            click.echo(f"wrote {path.as_posix()}")
        click.echo(
            "Next: plans validate lists what is left to fill in, and plans serve shows the "
            f"partnership's pages (at /{written[-1].parent.name}/{partnership}/)."
        )
        return EXIT_OK

    _run(debug, action)


def _new_file_command(kind: str) -> None:
    @new.command(
        kind,
        short_help=f"Add a missing {kind}.yml to a plan year.",
        help=f"Add plans/PARTNERSHIP/YEAR/{kind}.yml, commented, with placeholders to replace.",
    )
    @click.argument("partnership")
    @click.argument("year")
    @project_option
    @debug_option
    def command(partnership: str, year: str, project: Path, debug: bool) -> None:
        from generator.starter.additions import add_file

        def action() -> int:
            written = add_file(project, kind, partnership, year)
            click.echo(f"wrote {written.as_posix()}")
            click.echo("Next: plans validate lists what is left to fill in.")
            return EXIT_OK

        _run(debug, action)


for _kind in (
    *("plan", "assessment", "actions", "indicators", "services", "funding", "risks", "review"),
    "changes",
):
    _new_file_command(_kind)


@main.command("export", short_help="Write a plan year's workbook, for a board to read and edit.")
@click.argument("partnership", required=False)
@click.argument("year", required=False)
@click.option("--xlsx", is_flag=True, help="Write Excel workbooks (.xlsx), the one format yet.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder to write into (default: exports/ in the project).",
)
@project_option
@debug_option
def export(
    partnership: str | None,
    year: str | None,
    xlsx: bool,
    out: Path | None,
    project: Path,
    debug: bool,
) -> None:
    """Write a workbook per plan year (PARTNERSHIP YEAR: that one only): the action plan,
    progress notes, indicators with quarterly figures, services, risks and allocations, one
    sheet each. White columns can be edited and read back with plans import."""
    from generator.pipeline import check_project
    from generator.sheets.export import export_workbooks

    if not xlsx:
        raise click.UsageError("choose the format: --xlsx")
    if (partnership is None) != (year is None):
        raise click.UsageError("give both PARTNERSHIP and YEAR, or neither")

    def action() -> int:
        folder = (out if out is not None else project / "exports").resolve()
        for inside in ("plans", "data"):
            if folder.is_relative_to((project / inside).resolve()):
                raise PlansError(f"write the workbooks outside {inside}/ (--out FOLDER)")
        model, problems = check_project(project)
        if model is None or any(p.severity is Severity.ERROR for p in problems):
            raise ProblemsFound(problems, "nothing was exported")
        for done in export_workbooks(model, folder, partnership, year):
            click.echo(f"Wrote {done.path}")
        return EXIT_OK

    _run(debug, action)


@main.command("import", short_help="Read an edited workbook back into the plans.")
@click.argument("book", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help="Make the changes (default: only show them).")
@project_option
@debug_option
def import_(book: Path, write: bool, project: Path, debug: bool) -> None:
    """Read BOOK (a workbook plans export wrote, then edited) back: actions' due dates,
    statuses and progress notes, and indicators' quarterly figures. Shows what would change
    and what is not imported; writes the YAML files only with --write and no error, keeping
    their comments and layout."""
    from generator.sheets.import_ import import_workbook, report_lines

    def action() -> int:
        outcome = import_workbook(project, book, write)
        for line, to_stderr in report_lines(outcome):
            click.echo(line, err=to_stderr)
        return EXIT_OK if outcome.ok else EXIT_PROBLEMS

    _run(debug, action)

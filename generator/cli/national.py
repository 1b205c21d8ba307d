"""`plans assemble`: the site put together from the parts built on several machines
(`plans build --part K/N`)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.base import EXIT_OK, _run, debug_option, main
from generator.problems import counted


@main.command(short_help="Put the site together from the parts built on several machines.")
@click.argument("parts", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="Where to publish the site.",
)
@click.option(
    "--quiet", "-q", is_flag=True, help="Print only the result, not how the work is going."
)
@debug_option
def assemble(parts: tuple[Path, ...], out: Path, quiet: bool, debug: bool) -> None:
    """Put the site together from the folders of every part of one build (each made by
    `plans build --part K/N --out FOLDER`) and publish it at --out: the same site, byte for
    byte, as `plans build` makes on one machine.

    The parts must all come from the same commit, options and version of partnership-plans,
    each part once: otherwise nothing is published and the previous site is left as it was.
    The project is not needed, only the parts.
    """
    from generator.site.parts import assemble as assemble_site

    def action() -> int:
        progress = None if quiet else (lambda line: click.echo(line, err=True))
        report = assemble_site(list(parts), out, progress)
        click.echo(
            f"Assembled {counted(len(report.versions), 'version')} "
            f"({', '.join(report.versions)}; latest {report.latest}) from "
            f"{counted(report.parts, 'part')} ({counted(report.shards, 'shard')}) into {out}"
        )
        return EXIT_OK

    _run(debug, action)

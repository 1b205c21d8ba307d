"""`plans serve`: build into a scratch folder, serve it on localhost, rebuild on every change."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from generator.pipeline import check_project
from generator.problems import Severity
from generator.site import BuildError, BuildOptions, build_site

WATCHED = ("plans", "data", "theme", "mkdocs.yml")


def rebuild(root: Path, out: Path, drafts: bool) -> None:
    """One rebuild for the live server (it wants no result)."""
    _rebuild(root, out, drafts)


def _rebuild(root: Path, out: Path, drafts: bool) -> bool:
    """One rebuild; problems are printed and the last good site stays served."""
    project, problems = check_project(root, cache=out.parent / "plans-load")
    for problem in problems:
        click.echo(str(problem), err=True)
    if project is None or any(p.severity is Severity.ERROR for p in problems):
        click.echo("Not rebuilt: fix the errors above.", err=True)
        return False
    try:
        report = build_site(
            project, BuildOptions(root, out, drafts=drafts, cache=out.parent / "cache")
        )
    except BuildError as exc:
        click.echo(f"Not rebuilt: {exc}", err=True)
        return False
    click.echo(f"Rebuilt {', '.join(report.versions)}.", err=True)
    return True


def serve_site(root: Path, host: str, port: int, drafts: bool) -> None:
    """Serve with MkDocs' live-reload server, watching the project's sources."""
    from mkdocs.livereload import LiveReloadServer

    scratch = Path(tempfile.mkdtemp(prefix="plans-serve-"))
    out = scratch / "site"
    try:
        rebuild(root, out, drafts)
        out.mkdir(parents=True, exist_ok=True)
        server = LiveReloadServer(
            builder=lambda: rebuild(root, out, drafts), host=host, port=port, root=str(out)
        )
        for name in WATCHED:
            if (root / name).exists():
                server.watch(str(root / name))
        try:
            server.serve()  # type: ignore[no-untyped-call]  # blocks, rebuilding on changes, until interrupted
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

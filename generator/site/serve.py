"""`plans serve`: the site on localhost, rebuilt on every change to the project's sources.

The address is printed before the first build starts (a port in use is found before anything
is built); unknown addresses get the site's own 404 page; and while the last rebuild failed,
every page shows its problems instead, reloading by itself once they are fixed.
"""

from __future__ import annotations

import errno
import html
import shutil
import signal
import socket
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click
from mkdocs.livereload import LiveReloadServer

from generator.pipeline import check_project
from generator.problems import PlansError, Problem, Severity, counted
from generator.site.build import build_site
from generator.site.options import BuildError, BuildOptions

WATCHED = ("plans", "data", "theme", "mkdocs.yml")
PROBLEMS_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not rebuilt: {summary}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; }}
body {{ padding: 0 1rem; }}
pre {{ white-space: pre-wrap; background: #fdf0f0; border-left: 4px solid #b00020; }}
pre {{ padding: 1rem; }}
</style>
</head>
<body>
<h1>The site could not be rebuilt</h1>
<p>{summary} Fix {them} and save the file: this page reloads by itself when the site builds
again.</p>
<pre>{problems}</pre>
</body>
</html>
"""


def _bind_error(host: str, port: int) -> OSError | None:
    """What binding `host`:`port` as the server will (address reuse on) fails with, if it does."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on `host`:`port`, in one line; None if it can."""
    error = _bind_error(host, port)
    if error is None:
        return None
    if error.errno != errno.EADDRINUSE:
        return f"cannot listen on {host} port {port}: {error.strerror or error}"
    spare = next((p for p in range(port + 1, min(port + 50, 65536)) if not _bind_error(host, p)), 0)
    return f"port {port} is in use" + (f"; try --port {spare}" if spare else "")


class ProblemLog:
    """What each rebuild prints of its problems: every one after the first build; after a
    later one, only those new since the build before, and how many were fixed, so that an
    editor sees what their last save did. A problem is the same one, moved or not, while its
    file, field and message are (a line added above it moves it)."""

    def __init__(self) -> None:
        self.before: Counter[tuple[str, ...]] | None = None

    def lines(self, problems: Sequence[Problem]) -> list[str]:
        now = Counter(_identity(p) for p in problems)
        before, self.before = self.before, now
        errors = sum(1 for p in problems if p.severity is Severity.ERROR)
        total = f"{counted(errors, 'error')}, {counted(len(problems) - errors, 'warning')}"
        if before is None:
            return [*map(str, problems), total] if problems else []
        left = before.copy()
        new = []
        for problem in problems:
            if left[_identity(problem)] > 0:
                left[_identity(problem)] -= 1
            else:
                new.append(str(problem))
        fixed = left.total()
        if not problems and not fixed:
            return []
        since = f"{_count(len(new))} new since the last build{' (above)' if new else ''}"
        return [*new, f"{total}: {since}, {_count(fixed)} fixed"]


def _identity(problem: Problem) -> tuple[str, ...]:
    return (problem.severity.value, problem.file, problem.field, problem.message)


def _count(n: int) -> str:
    return f"{n:,}" if n else "none"


def rebuild(root: Path, out: Path, drafts: bool, url: str, log: ProblemLog) -> list[str]:
    """One rebuild into `out`; the problems that stopped it (none when it was rebuilt). Those
    new since the last rebuild are printed too (`log`), and the last good site stays in `out`."""
    project, problems = check_project(root, cache=out.parent / "plans-load")
    for line in log.lines(problems):
        click.echo(line, err=True)
    if project is None or any(p.severity is Severity.ERROR for p in problems):
        errors = [str(p) for p in problems if p.severity is Severity.ERROR]
        them = ("the error", "it") if len(errors) == 1 else (f"the {len(errors):,} errors", "them")
        click.echo(
            f"Not rebuilt: fix {them[0]} (every page of the preview lists {them[1]}, as plans "
            "validate does).",
            err=True,
        )
        return errors
    try:
        options = BuildOptions(root, out, drafts=drafts, cache=out.parent / "cache", site_url=url)
        report = build_site(project, options)
    except BuildError as exc:
        click.echo(f"Not rebuilt: {exc}", err=True)
        return [str(exc)]
    click.echo(f"Rebuilt {', '.join(report.versions)}.", err=True)
    return []


class PlansServer(LiveReloadServer):
    """MkDocs' live-reload server, showing the last rebuild's problems in place of every page
    while there are any, and the site's 404 page for an unknown address."""

    def __init__(self, builder: Callable[[], list[str]], host: str, port: int, root: Path) -> None:
        super().__init__(builder=self._build, host=host, port=port, root=str(root))
        self.site = root
        self.problems: list[str] = []
        self._rebuild = builder
        self.error_handler = self._error_page

    def _build(self) -> None:
        self.problems = self._rebuild()

    def _error_page(self, code: int) -> bytes | None:
        page = self.site / "404.html"  # the latest year's, copied to the root by the build
        return page.read_bytes() if code == 404 and page.is_file() else None

    def _serve_request(
        self, environ: dict[str, Any], start_response: Any
    ) -> Iterable[bytes] | None:
        path = environ.get("PATH_INFO", "")
        problems = self.problems
        if problems and not path.startswith("/livereload/") and path.endswith(("/", ".html")):
            count = len(problems)
            page = PROBLEMS_PAGE.format(
                count=count,
                summary=f"{count} problem{'' if count == 1 else 's'} stopped the last rebuild.",
                them="it" if count == 1 else "them",
                problems=html.escape("\n".join(problems)),  # editors' text: never markup here
            ).encode()
            page = self._inject_js_into_html(page, self._visible_epoch)  # type: ignore[no-untyped-call]
            start_response(
                "500 Internal Server Error", [("Content-Type", "text/html; charset=utf-8")]
            )
            return [page]
        return super()._serve_request(environ, start_response)


def _stop(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def serve_site(root: Path, host: str, port: int, drafts: bool) -> None:
    """Serve the project on `host`:`port` until interrupted, rebuilding on every change."""
    problem = port_problem(host, port)
    if problem is not None:
        raise PlansError(problem)
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    scratch = Path(tempfile.mkdtemp(prefix="plans-serve-"))
    out = scratch / "site"
    out.mkdir()
    try:
        log = ProblemLog()
        server = PlansServer(lambda: rebuild(root, out, drafts, url, log), host, port, out)
        for name in WATCHED:
            if (root / name).exists():
                server.watch(str(root / name))
        click.echo(f"Serving on {url}")
        click.echo("Building the site; pages wait for it. Press Ctrl+C to stop.", err=True)
        # the first build runs in the server's own loop, as every rebuild does: the address is
        # answered at once, and pages asked for meanwhile wait for the build
        server._want_rebuild = True
        signal.signal(signal.SIGTERM, _stop)  # as Ctrl+C: the scratch folder is removed
        try:
            server.serve()  # type: ignore[no-untyped-call]  # blocks until interrupted
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

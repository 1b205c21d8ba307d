"""Benchmark `plans` on a synthetic national project.

    python -m bench.run --partnerships N --years Y [--seed S] [--baseline | --no-baseline]
                        [--validate-only] [--parts P] [--keep DIR]

Generates the project (bench.generate: N CSPs plus one PCC partnership per area of about eight)
into a temporary folder, or DIR with --keep, then measures each step in its own process:

    validate     `plans validate --no-cache PROJECT`: every file parsed
    build        `plans build PROJECT --out SITE` into a fresh folder, with empty caches
    rebuild_one  one action title changed in one CSP's newest-year actions.yml, then
                 `plans build` again into the same SITE (with the caches the build kept)
    validate_warm  `plans validate PROJECT` with the load cache the builds kept
    part K/P     with --parts P: `plans build --part K/P` of the edited project, each part in
                 its own process with 2 jobs (one CI runner's cores here), one after another,
                 with the load cache and an empty build cache, as a matrix job would start
    assemble     `plans assemble` of the P parts; the site is then compared byte for byte with
                 the one rebuild_one published (the run fails if they differ)
    build_year   `plans build` of a project holding only the newest year (only when Y > 1)
    baseline     one plain `mkdocs build` of the newest year's Markdown (rendered by
                 `generator.render.render_version`) with a default mkdocs-material configuration:
                 every page in the navigation, the search plugin, no pruning, not strict

What `speedup` compares: baseline_s / the `plans build` time of the same year's pages. With
--years 1 that is build_s. Otherwise it is build_year_s: a project generated with the same seed
holding only the newest year, so the same partnerships and the same pages; its plan files
differ from the full project's only in having no earlier years to continue from. Both sides
produce the same pages, but `plans build` also validates, renders and checks them, while the
baseline starts from Markdown already rendered: the comparison, if anything, favours the
baseline. The baseline's cost grows with the square of the pages (every page carries the whole
navigation), so it runs only while the newest year has at most BASELINE_LIMIT plan years,
unless --baseline forces it; --no-baseline skips it.

The children keep their caches (PLANS_CACHE_DIR) in the work folder, emptied first.

Wall-clock seconds come from time.perf_counter around the child; the table also shows its CPU
seconds (user + system, its children included), steadier than wall-clock on a busy machine.
Peak memory is the child's ru_maxrss as os.wait4 reports it: the peak resident set of the
largest single process in the child's tree (parallel build workers are not added together), in
MiB. peak_mib is the largest of the measured `plans` runs; the baseline's is in the table only.

The last line printed is always

    plans=… pages=… validate_s=… build_s=… rebuild_one_s=… baseline_s=… speedup=… peak_mib=…
    part_max_s=… assemble_s=… matrix_s=…

(on one line) with plans the number of plan years, pages the Markdown pages of the full build,
part_max_s the slowest part (what a matrix waits for), matrix_s = validate_warm + part_max_s +
assemble_s (the wall time of a matrix of P runners: the job that validates with the cache, the
parts side by side, the job that assembles; starting runners and moving artifacts not counted),
and `nan` for whatever was not measured.
"""

from __future__ import annotations

import argparse
import filecmp
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.generate import DEFAULT_SEED, generate
from bench.layout import csp_id
from generator.caches import CACHE_ENV

BASELINE_LIMIT = 600
"""Most plan years in one year for which the quadratic baseline runs by default."""
EDITED_TITLE = "Edited synthetic action title (rebuild benchmark)"


class BenchError(Exception):
    """A measured step failed; the message carries the end of its output."""


@dataclass(frozen=True)
class Measurement:
    """One child process: how long it ran, its peak memory and what it printed."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class BenchResult:
    """The figures of the final line; None for what was not measured."""

    plans: int
    pages: int | None = None
    validate_s: float | None = None
    build_s: float | None = None
    rebuild_one_s: float | None = None
    baseline_s: float | None = None
    speedup: float | None = None
    peak_mib: float | None = None
    part_max_s: float | None = None
    assemble_s: float | None = None
    matrix_s: float | None = None


def _figure(value: float | int | None, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    if isinstance(value, int):
        return str(value)
    return f"{value:.{digits}f}"


def summary_line(result: BenchResult) -> str:
    """The final `key=value` line: seconds and speedup to 2 places, MiB to 1, `nan` if missing."""
    fields = (
        ("plans", result.plans, 0),
        ("pages", result.pages, 0),
        ("validate_s", result.validate_s, 2),
        ("build_s", result.build_s, 2),
        ("rebuild_one_s", result.rebuild_one_s, 2),
        ("baseline_s", result.baseline_s, 2),
        ("speedup", result.speedup, 2),
        ("peak_mib", result.peak_mib, 1),
        ("part_max_s", result.part_max_s, 2),
        ("assemble_s", result.assemble_s, 2),
        ("matrix_s", result.matrix_s, 2),
    )
    return " ".join(f"{key}={_figure(value, digits)}" for key, value, digits in fields)


def _maxrss_mib(maxrss: int) -> float:
    # Linux reports KiB, macOS bytes
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def measure(
    command: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Measurement:
    """Run one command in its own process: wall-clock seconds and the child's peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdout=out, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Measurement(
            seconds,
            usage.ru_utime + usage.ru_stime,
            _maxrss_mib(usage.ru_maxrss),
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def checked(step: str, command: Sequence[str], env: dict[str, str] | None = None) -> Measurement:
    """Measure a command that must succeed."""
    result = measure(command, env=env)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-20:])
        raise BenchError(f"{step} failed (exit {result.returncode}):\n{tail}")
    return result


def plans_command() -> list[str]:
    """The real `plans` console script of this environment (or the same CLI through python)."""
    script = Path(sys.executable).with_name("plans")
    if script.is_file():
        return [str(script)]
    found = shutil.which("plans")
    if found:
        return [found]
    return [sys.executable, "-c", "from generator.cli import main; main()"]


def pages_built(output: str) -> int | None:
    """The page count `plans build` reports."""
    match = re.search(r"([\d,]+) pages? rendered", output)
    return int(match.group(1).replace(",", "")) if match else None


def edit_one_plan(project: Path, year: str) -> Path:
    """Change the first action's title in the first CSP's actions.yml for `year`."""
    path = project / "plans" / csp_id(1) / year / "actions.yml"
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(
        r"^    title: .*$", f"    title: {EDITED_TITLE}", text, count=1, flags=re.M
    )
    if count != 1:
        raise BenchError(f"no action title to edit in {path}")
    path.write_text(edited, encoding="utf-8")
    return path


def write_baseline(project: Path, year: str, folder: Path) -> Path:
    """Render `year` of the project to Markdown and write a naive mkdocs.yml; its path."""
    from generator.pipeline import check_project
    from generator.problems import Severity
    from generator.render import Version, render_version

    model, problems = check_project(project)
    if model is None or any(p.severity is Severity.ERROR for p in problems):
        raise BenchError(f"the generated project does not validate: {problems[:3]}")
    rendered = render_version(model, project / "theme", Version(year, year))
    docs = folder / "docs"
    for name, content in rendered.files.items():
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    config = {
        "site_name": "Naive baseline",
        "docs_dir": "docs",
        "site_dir": "site",
        "theme": {"name": "material"},
        "plugins": ["search"],
        "markdown_extensions": ["tables", "toc"],
        "nav": rendered.nav,
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Options:
    """What to benchmark."""

    partnerships: int
    years: int
    seed: int = DEFAULT_SEED
    baseline: bool | None = None  # None: only up to BASELINE_LIMIT plan years a year
    validate_only: bool = False
    parts: int = 0
    """Build in this many parts too (0: not)."""


class Report:
    """The table of measured steps, printed as each finishes."""

    def __init__(self) -> None:
        print(f"{'step':<13} {'seconds':>9} {'cpu s':>9} {'peak MiB':>9}  note", flush=True)

    def row(self, step: str, measured: Measurement | float | None, note: str = "") -> None:
        """One step: a measured child, an in-process duration, or None when skipped."""
        if isinstance(measured, Measurement):
            cells: list[float | None] = [measured.seconds, measured.cpu_seconds, measured.peak_mib]
        else:
            cells = [measured, None, None]
        shown = " ".join(f"{c:9.1f}" if c is not None else f"{'-':>9}" for c in cells)
        print(f"{step:<13} {shown}  {note}".rstrip(), flush=True)


def run_benchmark(options: Options, work: Path) -> BenchResult:
    """Generate the project into `work` and measure every step; the figures of the final line."""
    plans = plans_command()
    project, site = work / "project", work / "site"
    for stale in (site, work / "site-newest", work / "baseline", work / "caches", work / "parts"):
        shutil.rmtree(stale, ignore_errors=True)  # a kept DIR run before
    os.environ[CACHE_ENV] = str(work / "caches")  # the children's caches: here, starting empty
    generated = generate(project, options.partnerships, options.years, options.seed, jobs=2)
    layout = generated.layout
    newest = layout.years[-1]
    per_year = layout.plan_years // len(layout.years)
    print(
        f"Project: {options.partnerships} CSPs + {len(layout.areas)} PCCs in "
        f"{len(layout.areas)} areas, {len(layout.years)} year(s) ({layout.years[0]} to "
        f"{newest}): {layout.plan_years} plan years, {generated.files} files in {project}"
    )
    report = Report()
    report.row("generate", generated.seconds, "in process, 2 workers")
    validate = checked("plans validate", [*plans, "validate", "--no-cache", str(project)])
    report.row("validate", validate, "no load cache")
    if options.validate_only:
        return BenchResult(
            layout.plan_years, validate_s=validate.seconds, peak_mib=validate.peak_mib
        )

    build = checked("plans build", [*plans, "build", str(project), "--out", str(site)])
    pages = pages_built(build.stdout)
    report.row("build", build, f"{pages} pages, fresh output folder")
    edited = edit_one_plan(project, newest)
    rebuild = checked("plans rebuild", [*plans, "build", str(project), "--out", str(site)])
    shards = re.search(r"(\d+ of \d+ shard\(s\) built.*reused unchanged.*)", rebuild.stdout)
    report.row(
        "rebuild_one",
        rebuild,
        f"{pages_built(rebuild.stdout)} pages rendered after editing "
        f"{edited.relative_to(project).as_posix()}" + (f"; {shards.group(1)}" if shards else ""),
    )
    warm = checked("plans validate (warm)", [*plans, "validate", str(project)])
    report.row("validate_warm", warm, "load cache kept by the builds")
    measured = [validate, build, rebuild, warm]
    in_parts: tuple[float, float] | None = None
    if options.parts:
        part_runs, assembled = build_in_parts(plans, project, site, work, options.parts, report)
        measured.extend([*part_runs, assembled])
        in_parts = (max(m.seconds for m in part_runs), assembled.seconds)

    year_project, year_build = project, build
    if len(layout.years) > 1:
        year_project = work / "project-newest"
        generate(year_project, options.partnerships, 1, options.seed, jobs=2)
        site_year = work / "site-newest"
        year_build = checked(
            "plans build (newest year)",
            [*plans, "build", str(year_project), "--out", str(site_year)],
        )
        measured.append(year_build)
        report.row(
            "build_year",
            year_build,
            f"{pages_built(year_build.stdout)} pages, only {newest}",
        )

    baseline_s = speedup = None
    run_baseline = options.baseline if options.baseline is not None else per_year <= BASELINE_LIMIT
    if run_baseline:
        config = write_baseline(year_project, newest, work / "baseline")
        baseline = checked(
            "mkdocs baseline", [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-q"]
        )
        baseline_s = baseline.seconds
        speedup = baseline_s / year_build.seconds
        report.row("baseline", baseline, f"speedup {speedup:.2f}x")
    else:
        report.row("baseline", None, f"skipped ({per_year} plan years in {newest})")

    return BenchResult(
        plans=layout.plan_years,
        pages=pages,
        validate_s=validate.seconds,
        build_s=build.seconds,
        rebuild_one_s=rebuild.seconds,
        baseline_s=baseline_s,
        speedup=speedup,
        peak_mib=max(m.peak_mib for m in measured),
        part_max_s=in_parts[0] if in_parts else None,
        assemble_s=in_parts[1] if in_parts else None,
        matrix_s=warm.seconds + sum(in_parts) if in_parts else None,
    )


def same_files(one: Path, other: Path) -> bool:
    """Whether two folders hold the same files, byte for byte: compared a file at a time (a
    national site is gigabytes, too much to hold in memory at once)."""

    def names(folder: Path) -> list[str]:
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    listed = names(one)
    if listed != names(other):
        return False
    return all(filecmp.cmp(one / name, other / name, shallow=False) for name in listed)


def build_in_parts(
    plans: list[str], project: Path, site: Path, work: Path, parts: int, report: Report
) -> tuple[list[Measurement], Measurement]:
    """Each part built as a matrix job would build it (its own process, 2 jobs, the load cache
    restored, no built shards), one after another, then assembled; the assembled site must be
    byte-identical to `site`. The part builds and the assembly, measured."""
    caches = work / "part-caches"
    shutil.rmtree(caches, ignore_errors=True)
    for load in (work / "caches").glob("*/load"):  # the load cache only, as hard links
        shutil.copytree(load, caches / load.parent.name / "load", copy_function=os.link)
    env = {**os.environ, CACHE_ENV: str(caches)}
    folders, runs = [], []
    for k in range(1, parts + 1):
        folder = work / "parts" / f"part-{k}"
        command = [*plans, "build", str(project), "--part", f"{k}/{parts}", "--out", str(folder)]
        run = checked(f"plans build --part {k}/{parts}", [*command, "--jobs", "2"], env)
        shards = re.search(r"(\d+ shards?), (\d+) built", run.stdout)
        report.row(
            f"part {k}/{parts}",
            run,
            f"{pages_built(run.stdout)} pages" + (f", {shards.group(1)}" if shards else ""),
        )
        folders.append(str(folder))
        runs.append(run)
    assembled_site = work / "parts" / "site"
    assembled = checked(
        "plans assemble", [*plans, "assemble", *folders, "--out", str(assembled_site)], env
    )
    same = same_files(assembled_site, site)
    report.row("assemble", assembled, "byte-identical to the build" if same else "DIFFERS")
    if not same:
        raise BenchError(f"the assembled site {assembled_site} differs from {site}")
    return runs, assembled


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Benchmark plans validate and plans build on a synthetic national project.",
    )
    parser.add_argument("--partnerships", type=int, required=True, help="number of CSPs")
    parser.add_argument("--years", type=int, required=True, help="financial years, to 2026-27")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"force or skip the mkdocs baseline (default: run it up to {BASELINE_LIMIT} "
        "plan years a year)",
    )
    parser.add_argument(
        "--validate-only", action="store_true", help="measure generation and validation only"
    )
    parser.add_argument(
        "--parts",
        type=int,
        default=0,
        metavar="P",
        help="also build the site in P parts, one after another, and assemble them",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in DIR and keep it (default: a temporary folder)"
    )
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.partnerships < 1 or args.years < 1:
        parser.error("--partnerships and --years must be at least 1")
    if args.parts < 0:
        parser.error("--parts must be at least 1")
    options = Options(
        args.partnerships, args.years, args.seed, args.baseline, args.validate_only, args.parts
    )
    try:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            result = run_benchmark(options, args.keep.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="plans-bench-") as folder:
                result = run_benchmark(options, Path(folder))
    except BenchError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(summary_line(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

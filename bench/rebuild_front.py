"""Time what a one-plan rebuild does before it builds any shard, in one process.

    python -m bench.rebuild_front PROJECT [--site SITE] [--runs N]

Each run changes the first action's title in the first CSP's newest actions.yml (as
`bench.run`'s rebuild_one does), then times reading and typing the project with the caches
`plans build` keeps (`$PLANS_CACHE_DIR` or the default), running its rules, preparing the
build and planning the site's shards, and prints one line a run. Run it on a project a
`plans build` has built with the same code: the first run after a change to the generator
checks everything again (the validation record's key covers the code), so read the runs
after it.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path

from generator.caches import cache_folder
from generator.pipeline import start_check
from generator.problems import Severity
from generator.site import BuildOptions
from generator.site.build import plan_site, prepare


def edit_first_action(project: Path) -> Path:
    """Give the first action of the first CSP's newest actions.yml a new title."""
    newest = sorted((project / "plans" / "synthetic-csp-0001").glob("*/actions.yml"))[-1]
    text = newest.read_text(encoding="utf-8")
    title = f"    title: Edited action {random.randrange(10**9)}"
    newest.write_text(re.sub(r"^    title: .*$", title, text, count=1, flags=re.M), "utf-8")
    return newest


def one_run(project: Path, site: Path) -> str:
    edit_first_action(project)
    caches = cache_folder(project)
    start = time.perf_counter()
    model, checking = start_check(project, cache=caches / "load")
    read = time.perf_counter()
    problems = checking.finish(model)
    checked = time.perf_counter()
    if model is None or any(p.severity is Severity.ERROR for p in problems):
        raise SystemExit(f"{project} does not validate: {problems[:3]}")
    options = BuildOptions(root=project, out=site, cache=caches / "build")
    _, _, slim, cache, loaded = prepare(model, options)
    prepared = time.perf_counter()
    plan_site(slim, options, cache, (cache.folder, loaded) if cache is not None else None)
    planned = time.perf_counter()
    return (
        f"read {read - start:.2f} s, rules {checked - read:.2f} s, "
        f"prepare {prepared - checked:.2f} s, plan_site {planned - prepared:.2f} s, "
        f"total {planned - start:.2f} s (a build runs the rules beside its first shards)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="a project bench.generate made")
    parser.add_argument("--site", type=Path, help="its built site (default: PROJECT/../site)")
    parser.add_argument("--runs", type=int, default=3, help="edits and timings (default: 3)")
    args = parser.parse_args(argv)
    project = args.project.resolve()
    site = (args.site or project.parent / "site").resolve()
    for run in range(1, args.runs + 1):
        print(f"run {run}: {one_run(project, site)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

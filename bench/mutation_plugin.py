"""The pytest plugin bench.mutation loads into the tests it runs (`-p bench.mutation_plugin`).
It does nothing unless one of these is set:

    PLANS_MUTATION_MAP=FILE     measure, with coverage.py, which test runs each line of the files
                                in PLANS_MUTATION_FILES (paths joined by os.pathsep), one
                                coverage context a test (its node id, setup and teardown
                                included); written to FILE (coverage data), with each test's
                                seconds and whether it passed in FILE.json
    PLANS_MUTATION_FAILED=FILE  write the node id of the first test that fails to FILE

What a forked build worker runs is not measured: the map only orders and narrows the tests
tried first, and a mutant they miss is tried against all of its file's tests (bench.mutation).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

MAP_ENV = "PLANS_MUTATION_MAP"
FILES_ENV = "PLANS_MUTATION_FILES"
FAILED_ENV = "PLANS_MUTATION_FAILED"

_coverage: Any = None
_seconds: dict[str, float] = {}
_failed: set[str] = set()


def pytest_configure(config: pytest.Config) -> None:
    global _coverage
    if not os.environ.get(MAP_ENV):
        return
    import coverage

    files = [str(Path(f).resolve()) for f in os.environ.get(FILES_ENV, "").split(os.pathsep) if f]
    _coverage = coverage.Coverage(
        data_file=os.environ[MAP_ENV], include=files, config_file=False, branch=False
    )
    _coverage.start()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if _coverage is not None:
        _coverage.switch_context(item.nodeid)
    started = time.perf_counter()
    yield
    _seconds[item.nodeid] = _seconds.get(item.nodeid, 0.0) + time.perf_counter() - started


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not report.failed:
        return
    _failed.add(report.nodeid)
    path = os.environ.get(FAILED_ENV)
    if path and not Path(path).exists():
        Path(path).write_text(report.nodeid, encoding="utf-8")


def pytest_unconfigure(config: pytest.Config) -> None:
    global _coverage
    if _coverage is None:
        return
    _coverage.stop()
    _coverage.save()
    _coverage = None
    tests = {node: {"seconds": s, "passed": node not in _failed} for node, s in _seconds.items()}
    Path(os.environ[MAP_ENV] + ".json").write_text(json.dumps(tests), encoding="utf-8")

"""Where `plans validate` spends its time: each stage of its front half alone, one after another.

    python -m bench.stages PROJECT

Runs in this one process, without the parallel loading `plans validate` does (but with its garbage
collector paused likewise), so each stage is timed on its own:

    read     read every YAML file, decode it as strict UTF-8 and scan its characters
    parse    YAML to plain data (`generator.load.parse_text`, no positions recorded)
    typing   every document typed by its pydantic model (`generator.model.build_project`)
    rules    the cross-file validation rules (`generator.validate.validate_project`)

and prints one line per stage with its wall-clock and CPU seconds (CPU is steadier on a busy
machine), then `files=… read_s=… parse_s=… typing_s=… rules_s=… problems=… peak_mib=…` with
the CPU seconds and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.load import SourceFile, decode, discover, parse_text
from generator.model import REFERENCE_KINDS, YEAR_KINDS, build_project
from generator.pipeline import collector_paused
from generator.validate import validate_project


@contextmanager
def stage(name: str, cpu: dict[str, float]) -> Iterator[None]:
    """Time the block: print its wall-clock and CPU seconds, and note the CPU seconds."""
    wall, started = time.perf_counter(), time.process_time()
    yield
    cpu[name] = time.process_time() - started
    print(f"{name:8} {time.perf_counter() - wall:8.2f} s wall {cpu[name]:8.2f} s cpu", flush=True)


def run(root: Path) -> dict[str, float]:
    """Time each stage on the project at `root`; the CPU seconds of each, by name."""
    cpu: dict[str, float] = {}
    reference = {name: kind.where for name, kind in REFERENCE_KINDS.items()}
    found, problems = discover(root, reference, list(YEAR_KINDS))
    texts: list[tuple[str, str | None]] = []
    with stage("read", cpu):
        for item in found:
            name = item.path.relative_to(root).as_posix()
            text, file_problems = decode(item.path.read_bytes(), name)
            problems.extend(file_problems)
            texts.append((name, text))
    sources = []
    with stage("parse", cpu):
        for item, (name, text) in zip(found, texts, strict=True):
            if text is None:
                continue
            document, file_problems = parse_text(text, name)
            problems.extend(file_problems)
            if document is not None:
                sources.append(SourceFile(item.kind, document, item.partnership, item.year))
    del texts
    with stage("typing", cpu):
        project, model_problems = build_project(sources)
    problems.extend(model_problems)
    del sources
    with stage("rules", cpu):
        if project is not None and not problems:
            problems.extend(validate_project(project))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = " ".join(f"{name}_s={seconds:.2f}" for name, seconds in cpu.items())
    print(f"files={len(found)} {figures} problems={len(problems)} peak_mib={peak_mib:.1f}")
    return cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("project", type=Path, help="the project folder to validate")
    args = parser.parse_args(argv)
    with collector_paused():
        run(args.project)
    return 0


if __name__ == "__main__":
    sys.exit(main())

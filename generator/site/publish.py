"""Where a build works and how it publishes: a working folder beside the output, held by a lock
for as long as the build runs, and the new site swapped into place by renames alone.

A build that is killed (CI cancelled, Ctrl-C twice, the machine stopped) cannot clean up after
itself, so the next build does: every working folder of the same output that no running build
holds is removed, and if the kill came in the middle of publishing, the renames it had made
(written to a journal before each one is made) are undone first, so the site is as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from generator.site.options import BuildError
from generator.site.versions import Patch

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks, so no working folder is ever swept
    fcntl = None  # type: ignore[assignment]

JOURNAL = "moves.jsonl"
"""In a working folder's `old/`: each rename publishing makes, written before it is made."""


def _lock(folder: Path, wait: bool) -> int | None:
    """An exclusive lock on `folder` (a descriptor to keep open), or None if another process
    holds it. Locks end with the process that holds them, however it ends."""
    descriptor = os.open(folder, os.O_RDONLY)
    if fcntl is None:
        return descriptor
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        os.close(descriptor)
        return None
    return descriptor


def working_prefix(out: Path) -> str:
    return f".{out.name}-build-"


@contextlib.contextmanager
def working_folder(out: Path) -> Iterator[Path]:
    """A new working folder beside `out`, locked until the build ends and then removed; stale
    ones of earlier builds of `out` are cleared first (`clear_stale`). Creating one and
    clearing them are done under one lock beside `out`, so no build ever sees another's
    folder before it is locked."""
    out.parent.mkdir(parents=True, exist_ok=True)
    guard = _lock(out.parent, wait=True) if fcntl is not None else None
    try:
        clear_stale(out)
        work = Path(tempfile.mkdtemp(prefix=working_prefix(out), dir=out.parent))
        held = _lock(work, wait=False)
    finally:
        if guard is not None:
            os.close(guard)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if held is not None:
            os.close(held)


def clear_stale(out: Path) -> list[Path]:
    """Remove the working folders of `out` that no running build holds (left by builds that were
    killed), putting the site back first where one was killed while publishing; the folders
    removed. Never one whose build is still running: it holds its folder's lock."""
    if fcntl is None:
        return []
    cleared = []
    for folder in sorted(out.parent.glob(working_prefix(out) + "*")):
        if not folder.is_dir() or folder.is_symlink():
            continue
        try:
            held = _lock(folder, wait=False)
        except OSError:
            continue  # not ours to open: left alone
        if held is None:
            continue  # a build at work
        try:
            undo_publishing(folder / "old", out)
            shutil.rmtree(folder, ignore_errors=True)
            cleared.append(folder)
        finally:
            os.close(held)
    return cleared


def undo_publishing(old: Path, out: Path) -> None:
    """Undo, last first, the renames a publish killed half-way had made (its journal in `old`),
    when the new site never took the old one's place."""
    journal = old / JOURNAL
    if out.exists() or not journal.is_file():
        return  # published (or never started): nothing to put back
    lines = journal.read_text(encoding="utf-8").splitlines()
    for line in reversed(lines):
        try:
            source, target = json.loads(line)
        except ValueError:
            continue  # the last line, cut short by the kill: its rename was never made
        if os.path.lexists(target) and not os.path.lexists(source):
            os.replace(target, source)


def publish(
    built: Path,
    out: Path,
    old: Path,
    kept: Iterable[str] = (),
    patches: Mapping[str, Patch] | None = None,
) -> None:
    """Swap the freshly built site into place, moving the `kept` folders (versions, `latest`)
    over from the old site first and bringing the `patches`' versions up to date there (by
    renames alone); the rest of the old site goes only after the new one is in. On any
    failure every rename is undone and the old site is put back as it was. `old`, a new folder
    on the same file system (in the working folder), holds the old site meanwhile, and the
    journal of the renames."""
    out.parent.mkdir(parents=True, exist_ok=True)
    old.mkdir()
    patches = patches or {}
    done: list[tuple[Path, Path]] = []
    with open(old / JOURNAL, "a", encoding="utf-8") as journal:

        def move(source: Path, target: Path) -> None:
            journal.write(json.dumps([str(source), str(target)]) + "\n")
            journal.flush()
            os.replace(source, target)
            done.append((source, target))

        try:
            if out.exists():
                move(out, old / "site")
            for name in [*kept, *patches]:
                if not done:
                    raise BuildError(f"{name} was to be kept, but {out} has gone")
                move(old / "site" / name, built / name)
            for name, patch in patches.items():
                version, trash = built / name, old / "trash" / name
                for path in (*patch.remove, *patch.replace):
                    if os.path.lexists(version / path):
                        (trash / path).parent.mkdir(parents=True, exist_ok=True)
                        move(version / path, trash / path)
                for path in patch.replace:
                    move(patch.stage / path, version / path)
            os.replace(built, out)
        except BaseException:
            for source, target in reversed(done):
                os.replace(target, source)
            raise
    shutil.rmtree(old, ignore_errors=True)

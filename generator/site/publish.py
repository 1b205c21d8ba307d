"""Publishing: the freshly built site swapped into place by renames alone, or not at all."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import cast

from generator.site.options import BuildError
from generator.site.versions import Patch


def publish(
    built: Path, out: Path, kept: Iterable[str] = (), patches: Mapping[str, Patch] | None = None
) -> None:
    """Swap the freshly built site into place, moving the `kept` folders (versions, `latest`)
    over from the old site first and bringing the `patches`' versions up to date there (by
    renames alone); the rest of the old site goes only after the new one is in. On any
    failure every rename is undone and the old site is put back as it was."""
    out.parent.mkdir(parents=True, exist_ok=True)
    patches = patches or {}
    old = None
    done: list[tuple[Path, Path]] = []

    def move(source: Path, target: Path) -> None:
        os.replace(source, target)
        done.append((source, target))

    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.replace(out, old / "site")
    try:
        for name in [*kept, *patches]:
            if old is None:
                raise BuildError(f"{name} was to be kept, but {out} has gone")
            move(old / "site" / name, built / name)
        for name, patch in patches.items():
            version, trash = built / name, cast(Path, old) / "trash" / name
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
        if old is not None:
            os.replace(old / "site", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

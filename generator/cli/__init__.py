"""The `plans` command: a thin layer that parses arguments and calls one library function each
(`base`: the group, the shared options and most commands; `editors`: `plans new`, `plans export`
and `plans import`; `national`: `plans assemble`)."""

from generator.cli import editors, national  # noqa: F401 - their commands join the group
from generator.cli.base import main

__all__ = ["main"]

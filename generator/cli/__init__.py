"""The `plans` command: a thin layer that parses arguments and calls one library function each
(`base`: the group, the shared options and most commands; `editors`: `plans new`, `plans export`
and `plans import`)."""

from generator.cli import editors  # noqa: F401 - its commands join the group when imported
from generator.cli.base import main

__all__ = ["main"]

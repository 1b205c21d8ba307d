"""`python -m generator` runs the `plans` command."""

from generator.cli import main

main(prog_name="plans")

"""Reviewing a change: two versions of a project compared as typed values (`compare`), read
from git revisions or folders without checking anything out (`revisions`), reported for a
pull request (`report`)."""

from generator.review.changes import Change, Moved, Report, Section
from generator.review.compare import compare, since_last_year

__all__ = ["Change", "Moved", "Report", "Section", "compare", "since_last_year"]

"""The glossary's terms, and which of them a page has linked already: a page links the first
use of a term to its entry in the glossary, and prints the term plainly after that."""

from __future__ import annotations

TERMS = (
    "aligned-budget",
    "baseline",
    "commissioning",
    "community-safety-partnership",
    "correction",
    "decommissioning",
    "delivery-model",
    "financial-year",
    "formula",
    "indicator",
    "joint-commissioning",
    "make-or-buy",
    "outturn",
    "passported",
    "pathways",
    "pcc",
    "pooled-budget",
    "pot",
    "procurement",
    "rag",
    "recommissioning",
    "responsible-authority",
    "ring-fenced",
    "risk-score",
    "strategic-assessment",
    "target",
    "tier",
    "tolerance",
    "underspend",
)
"""Every entry of theme/pages/glossary.md.j2, by its anchor (a test checks both agree)."""


class GlossaryLinks:
    """One page's use of the glossary: `href` is the glossary page relative to the page."""

    def __init__(self, href: str) -> None:
        self.href = href
        self._linked: set[str] = set()

    def first(self, term: str) -> bool:
        """Whether this is the page's first use of `term` (an unknown term fails the build)."""
        if term not in TERMS:
            raise KeyError(f"'{term}' is not in the glossary (generator/render/glossary.py)")
        if term in self._linked:
            return False
        self._linked.add(term)
        return True

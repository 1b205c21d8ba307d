"""Decommissioning risk: likelihood × impact scores, bands, ranking and the 5 × 5 heat map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

SCALE = range(1, 6)
# Every score a 5 × 5 matrix can produce; 7, 11, 13, 14, 17-19 and 21-24 cannot occur.
ACHIEVABLE_SCORES = tuple(sorted({likelihood * impact for likelihood in SCALE for impact in SCALE}))


@dataclass(frozen=True)
class RiskBand:
    """A named range of risk scores, inclusive at both ends."""

    name: str
    low: int
    high: int

    def __contains__(self, score: int) -> bool:
        return self.low <= score <= self.high

    def __str__(self) -> str:
        return f"{self.name!r} ({self.low}–{self.high})"


DEFAULT_BANDS = (RiskBand("low", 1, 4), RiskBand("medium", 5, 10), RiskBand("high", 12, 25))


@dataclass(frozen=True)
class DimensionScore:
    """One dimension of a risk (harm, vulnerability, crime, reputation) scored on the matrix."""

    dimension: str
    likelihood: int
    impact: int
    score: int


@dataclass(frozen=True)
class RiskAssessment:
    """A risk scored on every dimension: overall is the worst dimension, total the sum."""

    key: str
    dimensions: tuple[DimensionScore, ...]
    overall: int
    total: int
    band: RiskBand

    @property
    def driver(self) -> DimensionScore:
        """The dimension that sets the overall score; on a tie, the first one given."""
        # max() returns the first of equal maxima, which is the tie-break we document.
        return max(self.dimensions, key=lambda dimension: dimension.score)


def _check_scale(name: str, value: int) -> None:
    # bool is an int in Python, but True is not a likelihood.
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")


def risk_score(likelihood: int, impact: int) -> int:
    """Likelihood × impact, each on the 1-5 scale, giving 1-25."""
    _check_scale("likelihood", likelihood)
    _check_scale("impact", impact)
    return likelihood * impact


def _list_scores(scores: Sequence[int]) -> str:
    if len(scores) == 1:
        return f"score {scores[0]}"
    return "scores " + ", ".join(str(score) for score in scores[:-1]) + f" and {scores[-1]}"


def check_bands(bands: Sequence[RiskBand]) -> list[str]:
    """Every problem with a set of bands: reversed, out of order, overlapping or leaving gaps."""
    if not bands:
        return ["no risk bands are defined"]
    problems: list[str] = []
    seen_names: set[str] = set()
    for band in bands:
        if band.name in seen_names:
            problems.append(f"more than one band is named {band.name!r}")
        seen_names.add(band.name)
        if band.low > band.high:
            problems.append(f"band {band} runs backwards: its low end must not exceed its high end")
        elif band.low < 1 or band.high > 25:
            problems.append(f"band {band} reaches outside the 1–25 scale of risk scores")
    for before, after in pairwise(bands):
        if after.low <= before.low:
            problems.append(f"band {after} comes after {before}: list bands from lowest to highest")
    # A backwards band covers nothing, so it overlaps nothing; it is reported above.
    forwards = [band for band in bands if band.low <= band.high]
    for first, second in combinations(forwards, 2):
        low, high = max(first.low, second.low), min(first.high, second.high)
        if low <= high:
            shared = str(low) if low == high else f"{low}–{high}"
            problems.append(f"bands {first} and {second} overlap: both cover {shared}")
    uncovered = [score for score in ACHIEVABLE_SCORES if not any(score in band for band in bands)]
    if uncovered:
        problems.append(f"no band covers {_list_scores(uncovered)}")
    return problems


def band_for(score: int, bands: Sequence[RiskBand] = DEFAULT_BANDS) -> RiskBand:
    """The first band that covers the score."""
    for band in bands:
        if score in band:
            return band
    raise ValueError(f"no risk band covers score {score}")


def assess_risk(
    key: str,
    dimensions: Mapping[str, tuple[int, int]],
    bands: Sequence[RiskBand] = DEFAULT_BANDS,
) -> RiskAssessment:
    """Score each dimension (likelihood, impact), in the order given, and band the worst one."""
    if not dimensions:
        raise ValueError(f"risk {key!r} has no dimensions to score")
    scored: list[DimensionScore] = []
    for dimension, (likelihood, impact) in dimensions.items():
        try:
            score = risk_score(likelihood, impact)
        except ValueError as error:
            raise ValueError(f"risk {key!r}, {dimension}: {error}") from None
        scored.append(DimensionScore(dimension, likelihood, impact, score))
    overall = max(item.score for item in scored)
    total = sum(item.score for item in scored)
    try:
        band = band_for(overall, bands)
    except ValueError as error:
        raise ValueError(f"risk {key!r}: {error}") from None
    return RiskAssessment(key, tuple(scored), overall, total, band)


def _rank_key(item: RiskAssessment) -> tuple[int, int, str]:
    return (-item.overall, -item.total, item.key)


def rank_risks(items: Iterable[RiskAssessment]) -> list[tuple[int, RiskAssessment]]:
    """Most at risk first, by overall then total score; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(items, key=_rank_key)
    ranked: list[tuple[int, RiskAssessment]] = []
    for position, item in enumerate(ordered, start=1):
        if ranked and (ranked[-1][1].overall, ranked[-1][1].total) == (item.overall, item.total):
            ranked.append((ranked[-1][0], item))  # a tie shares the rank of the one above
        else:
            ranked.append((position, item))
    return ranked


def heat_map(items: Iterable[RiskAssessment]) -> list[list[list[str]]]:
    """A 5 × 5 grid, [likelihood - 1][impact - 1], of the keys whose driving dimension sits there.

    Within a cell, keys are in rank order (most at risk first), whatever order the items came in.
    """
    grid: list[list[list[str]]] = [[[] for _ in SCALE] for _ in SCALE]
    for _, item in rank_risks(items):
        driver = item.driver
        grid[driver.likelihood - 1][driver.impact - 1].append(item.key)
    return grid

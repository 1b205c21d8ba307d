"""Decommissioning risk register: scores, bands, ranking and the heat map."""

from __future__ import annotations

import pytest

from generator.compute.risk import (
    DEFAULT_BANDS,
    DimensionScore,
    RiskAssessment,
    RiskBand,
    assess_risk,
    band_for,
    check_bands,
    heat_map,
    rank_risks,
    risk_score,
)

LOW, MEDIUM, HIGH = DEFAULT_BANDS


@pytest.mark.parametrize(
    ("likelihood", "impact", "score"),
    [(1, 1, 1), (1, 5, 5), (2, 3, 6), (3, 2, 6), (4, 3, 12), (3, 5, 15), (5, 5, 25)],
)
def test_risk_score_is_likelihood_times_impact(likelihood: int, impact: int, score: int) -> None:
    assert risk_score(likelihood, impact) == score


@pytest.mark.parametrize(
    ("likelihood", "impact", "message"),
    [
        (0, 3, "likelihood must be a whole number from 1 to 5, not 0"),
        (6, 3, "likelihood must be a whole number from 1 to 5, not 6"),
        (3, 0, "impact must be a whole number from 1 to 5, not 0"),
        (3, 6, "impact must be a whole number from 1 to 5, not 6"),
        (-1, 3, "likelihood must be a whole number from 1 to 5, not -1"),
        (True, 3, "likelihood must be a whole number from 1 to 5, not True"),
        (3, 2.0, "impact must be a whole number from 1 to 5, not 2.0"),
    ],
)
def test_risk_score_refuses_values_off_the_scale(
    likelihood: int, impact: int, message: str
) -> None:
    with pytest.raises(ValueError) as error:
        risk_score(likelihood, impact)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, LOW), (4, LOW), (5, MEDIUM), (10, MEDIUM), (12, HIGH), (16, HIGH), (25, HIGH)],
)
def test_default_bands_at_each_boundary(score: int, band: RiskBand) -> None:
    assert band_for(score) == band


def test_default_bands_name_low_medium_high() -> None:
    bands = DEFAULT_BANDS
    assert bands == (
        RiskBand("low", 1, 4),
        RiskBand("medium", 5, 10),
        RiskBand("high", 12, 25),
    )


@pytest.mark.parametrize("score", [0, 11, 26])
def test_band_for_refuses_an_uncovered_score(score: int) -> None:
    with pytest.raises(ValueError) as error:
        band_for(score)
    assert str(error.value) == f"no risk band covers score {score}"


def test_band_for_uses_the_bands_given() -> None:
    bands = (RiskBand("tolerable", 1, 9), RiskBand("intolerable", 10, 25))
    assert band_for(9, bands).name == "tolerable"
    assert band_for(10, bands).name == "intolerable"


def test_default_bands_are_complete_because_11_cannot_be_scored() -> None:
    assert check_bands(DEFAULT_BANDS) == []


def test_check_bands_reports_gaps_and_overlaps() -> None:
    bands = [RiskBand("low", 1, 4), RiskBand("medium", 4, 9), RiskBand("high", 15, 25)]
    assert check_bands(bands) == [
        "bands 'low' (1–4) and 'medium' (4–9) overlap: both cover 4",
        "no band covers scores 10 and 12",
    ]


def test_check_bands_reports_a_single_gap() -> None:
    bands = [RiskBand("low", 1, 4), RiskBand("medium", 5, 10), RiskBand("high", 12, 24)]
    assert check_bands(bands) == ["no band covers score 25"]


def test_check_bands_reports_wide_overlaps_as_a_range() -> None:
    bands = [RiskBand("low", 1, 8), RiskBand("high", 5, 25)]
    assert check_bands(bands) == ["bands 'low' (1–8) and 'high' (5–25) overlap: both cover 5–8"]


def test_check_bands_reports_order_direction_names_and_scale() -> None:
    bands = [
        RiskBand("medium", 5, 10),
        RiskBand("low", 1, 4),
        RiskBand("high", 25, 12),
        RiskBand("high", 20, 30),
    ]
    assert check_bands(bands) == [
        "band 'high' (25–12) runs backwards: its low end must not exceed its high end",
        "more than one band is named 'high'",
        "band 'high' (20–30) reaches outside the 1–25 scale of risk scores",
        "band 'low' (1–4) comes after 'medium' (5–10): list bands from lowest to highest",
        "band 'high' (20–30) comes after 'high' (25–12): list bands from lowest to highest",
        "no band covers scores 12, 15 and 16",
    ]


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ([RiskBand("all", 1, 25)], []),
        (
            [RiskBand("zero", 0, 4), RiskBand("rest", 5, 26)],
            [
                "band 'zero' (0–4) reaches outside the 1–25 scale of risk scores",
                "band 'rest' (5–26) reaches outside the 1–25 scale of risk scores",
            ],
        ),
        (  # a band of one score runs forwards, and overlaps like any other
            [RiskBand("low", 1, 5), RiskBand("five", 5, 5), RiskBand("high", 6, 25)],
            ["bands 'low' (1–5) and 'five' (5–5) overlap: both cover 5"],
        ),
        (  # two bands starting at the same score are out of order too
            [RiskBand("a", 1, 4), RiskBand("b", 1, 25)],
            [
                "band 'b' (1–25) comes after 'a' (1–4): list bands from lowest to highest",
                "bands 'a' (1–4) and 'b' (1–25) overlap: both cover 1–4",
            ],
        ),
    ],
    ids=["the whole scale", "just outside it", "a band of one score", "the same low end"],
)
def test_check_bands_at_the_edges(bands: list[RiskBand], expected: list[str]) -> None:
    assert check_bands(bands) == expected


def test_check_bands_on_no_bands() -> None:
    assert check_bands([]) == ["no risk bands are defined"]


def test_assess_risk_keeps_dimension_order_and_takes_the_worst() -> None:
    assessment = assess_risk(
        "youth-diversion",
        {"harm": (4, 5), "vulnerability": (3, 4), "crime": (2, 3), "reputation": (5, 1)},
    )
    # 20, 12, 6 and 5: overall is the highest (20), total the sum (43).
    assert assessment == RiskAssessment(
        key="youth-diversion",
        dimensions=(
            DimensionScore("harm", 4, 5, 20),
            DimensionScore("vulnerability", 3, 4, 12),
            DimensionScore("crime", 2, 3, 6),
            DimensionScore("reputation", 5, 1, 5),
        ),
        overall=20,
        total=43,
        band=HIGH,
    )


def test_assess_risk_bands_the_overall_score_with_the_bands_given() -> None:
    bands = (RiskBand("tolerable", 1, 12), RiskBand("intolerable", 15, 25))
    assessment = assess_risk("mediation", {"harm": (3, 4), "crime": (1, 1)}, bands)
    assert (assessment.overall, assessment.total, assessment.band.name) == (12, 13, "tolerable")


@pytest.mark.parametrize(
    ("dimensions", "bands", "message"),
    [
        (
            {"harm": (2, 2), "crime": (3, 7)},
            DEFAULT_BANDS,
            "risk 'night-shelter', crime: impact must be a whole number from 1 to 5, not 7",
        ),
        ({}, DEFAULT_BANDS, "risk 'night-shelter' has no dimensions to score"),
        (
            {"harm": (3, 4)},
            (RiskBand("low", 1, 10),),
            "risk 'night-shelter': no risk band covers score 12",
        ),
    ],
)
def test_assess_risk_errors(
    dimensions: dict[str, tuple[int, int]], bands: tuple[RiskBand, ...], message: str
) -> None:
    with pytest.raises(ValueError) as error:
        assess_risk("night-shelter", dimensions, bands)
    assert str(error.value) == message


# A small register, worked by hand (score = likelihood × impact per dimension):
#   key              harm    vulnerability crime  reputation overall total driver
#   youth-diversion  4×5=20  3×4=12        2×3=6  5×1=5      20      43    harm (4, 5)
#   night-shelter    2×2=4   5×4=20        3×3=9  2×5=10     20      43    vulnerability (5, 4)
#   street-pastors   5×4=20  1×5=5         1×3=3  1×2=2      20      30    harm (5, 4)
#   cctv-monitoring  3×4=12  4×3=12        4×2=8  2×4=8      12      40    harm (3, 4), tied: first
#   victim-advocacy  2×5=10  4×3=12        3×3=9  3×3=9      12      40    vulnerability (4, 3)
#   mediation        2×2=4   1×3=3         1×2=2  1×1=1      4       10    harm (2, 2)
DIMENSIONS = ("harm", "vulnerability", "crime", "reputation")
REGISTER = {  # deliberately not in rank order
    "victim-advocacy": ((2, 5), (4, 3), (3, 3), (3, 3)),
    "mediation": ((2, 2), (1, 3), (1, 2), (1, 1)),
    "youth-diversion": ((4, 5), (3, 4), (2, 3), (5, 1)),
    "street-pastors": ((5, 4), (1, 5), (1, 3), (1, 2)),
    "cctv-monitoring": ((3, 4), (4, 3), (4, 2), (2, 4)),
    "night-shelter": ((2, 2), (5, 4), (3, 3), (2, 5)),
}


def _register() -> list[RiskAssessment]:
    return [
        assess_risk(key, dict(zip(DIMENSIONS, scores, strict=True)))
        for key, scores in REGISTER.items()
    ]


def test_rank_risks_uses_competition_ranking_for_ties() -> None:
    ranked = [(rank, item.key, item.overall, item.total) for rank, item in rank_risks(_register())]
    # Overall desc, then total desc, then key asc; equal (overall, total) share a rank.
    assert ranked == [
        (1, "night-shelter", 20, 43),
        (1, "youth-diversion", 20, 43),
        (3, "street-pastors", 20, 30),
        (4, "cctv-monitoring", 12, 40),
        (4, "victim-advocacy", 12, 40),
        (6, "mediation", 4, 10),
    ]


def test_rank_risks_does_not_depend_on_input_order() -> None:
    register = _register()
    assert rank_risks(register) == rank_risks(reversed(register))


def test_rank_risks_of_nothing() -> None:
    assert rank_risks([]) == []


def test_heat_map_places_each_risk_at_its_driving_cell() -> None:
    empty: list[str] = []
    # grid[likelihood - 1][impact - 1]; within a cell, most at risk first.
    assert heat_map(_register()) == [
        [empty, empty, empty, empty, empty],  # likelihood 1
        [empty, ["mediation"], empty, empty, empty],  # likelihood 2
        [empty, empty, empty, ["cctv-monitoring"], empty],  # likelihood 3
        [empty, empty, ["victim-advocacy"], empty, ["youth-diversion"]],  # likelihood 4
        [empty, empty, empty, ["night-shelter", "street-pastors"], empty],  # likelihood 5
    ]


def test_heat_map_of_nothing_is_an_empty_5_by_5_grid() -> None:
    grid = heat_map([])
    assert len(grid) == 5
    assert all(row == [[], [], [], [], []] for row in grid)


def test_driver_takes_the_first_of_equal_scores() -> None:
    assessment = assess_risk(
        "cctv-monitoring", dict(zip(DIMENSIONS, REGISTER["cctv-monitoring"], strict=True))
    )
    assert assessment.driver == DimensionScore("harm", 3, 4, 12)

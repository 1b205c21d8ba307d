"""Pure computations on plan data: RAG status, risk scores and bands, formula allocations."""

from generator.compute.allocation import (
    Criterion,
    FormulaError,
    FormulaResult,
    Share,
    allocate_by_formula,
    weights_total,
)
from generator.compute.rag import Rag, RagResult, rag_status, worst
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

__all__ = [
    "DEFAULT_BANDS",
    "Criterion",
    "DimensionScore",
    "FormulaError",
    "FormulaResult",
    "Rag",
    "RagResult",
    "RiskAssessment",
    "RiskBand",
    "Share",
    "allocate_by_formula",
    "assess_risk",
    "band_for",
    "check_bands",
    "heat_map",
    "rag_status",
    "rank_risks",
    "risk_score",
    "weights_total",
    "worst",
]

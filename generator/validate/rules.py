"""The validation rules, in the order their problems are easiest to fix."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.model import Project
from generator.problems import Problem
from generator.validate import (
    coverage,
    cycle,
    indicators,
    links,
    money,
    pending,
    privacy,
    references,
)

Rule = Callable[[Project], Iterator[Problem]]
RULES: tuple[Rule, ...] = (
    references.reference_data,
    references.partnerships,
    references.plan_year_identity,
    references.plan_year_ids,
    references.formula_ids_unique,
    references.plan_references,
    references.plan_governance,
    references.delivery_references,
    links.site_links_resolve,
    privacy.no_personal_data,
    indicators.indicator_figures,
    references.money_references,
    coverage.priorities_are_grounded,
    coverage.findings_are_decided,
    coverage.indicators_are_used,
    coverage.services_are_funded,
    coverage.dates_fall_in_year,
    coverage.status_is_coherent,
    coverage.changes_follow_publication,
    coverage.consultation_says_how_to_respond,
    cycle.publications_are_recorded,
    cycle.published_years_are_frozen,
    coverage.review_is_complete,
    pending.carried_from_earlier,
    pending.risks_are_rated,
    pending.still_to_confirm,
    pending.placeholders_replaced,
    money.settings_are_sound,
    money.formula_recipients_resolve,
    money.cut_references,
    money.formulas_reconcile,
    money.formula_allocations_match,
    money.cuts_fall_in_year,
    money.pots_not_exceeded,
    money.combined_lines_agree,
    money.allocations_add_up,
    money.streams_are_live,
    cycle.ending_funding_is_decided,
)

"""The document context: rankings, groupings, numbering and citations computed from the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.context.briefing import briefing_context, handout_context
from pipeline.context.foods import FoodSums, food_amounts
from pipeline.dataset import load_meta
from pipeline.vocabulary import OUTCOME_KINDS
from tests.support import (
    bundled_meta,
    bundled_tables,
    copy_data,
    edit_csv,
    set_cell,
    settings,
    tables_of,
)


@pytest.fixture(scope="module")
def ctx():
    """Return the briefing context of the bundled data."""
    return briefing_context(bundled_tables(), bundled_meta(), settings())


def test_foods_are_ranked_per_serving_from_the_data(ctx):
    foods = bundled_tables()["foods"]
    for table in ctx.foods:
        ranking = table.ranking
        amounts = food_amounts(FoodSums({"foods": foods}), ranking.vitamin)
        best = max(amounts, key=lambda a: a.per_serving)
        assert ranking.top_serving.food_id == best.food_id
        assert ranking.top_100g.per_100g == max(a.per_100g for a in amounts)
        ranks = [f.rank_serving for f in ranking.foods]
        assert ranks == sorted(ranks), "the table is ordered per serving"


def test_per_serving_amount_is_per_100g_scaled_by_serving_weight(ctx):
    for table in ctx.foods:
        for food in table.ranking.foods:
            assert food.per_serving == pytest.approx(food.per_100g * food.serving_g / 100)


def _food_rows(food_id: str, forms: list[tuple[str, str, str]]) -> list[dict[str, str]]:
    """Return foods.csv rows of one made-up food, one per (form, amount, confidence)."""
    return [
        {
            "food_id": food_id,
            "food": "Test food",
            "category": "test",
            "vitamin": "K2",
            "form": form,
            "amount_per_100g": amount,
            "unit": "µg",
            "serving": "1 cup",
            "serving_g": "200",
            "source_id": "usda-sr28",
            "confidence": confidence,
            "note": "",
        }
        for form, amount, confidence in forms
    ]


def test_forms_are_summed_and_a_total_row_stands_alone(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    summed = [("MK-4", "10", "high"), ("MK-7", "30", "low")]
    with_total = [("MK-4", "10", "high"), ("MK-total", "25", "medium")]
    edit_csv(
        data / "foods.csv",
        lambda rows: (
            rows + _food_rows("test-summed", summed) + _food_rows("test-total", with_total)
        ),
    )
    amounts = {a.food_id: a for a in food_amounts(FoodSums(tables_of(data)), "K2")}
    assert amounts["test-summed"].per_100g == 40
    assert amounts["test-summed"].per_serving == 80
    assert amounts["test-summed"].confidence == "low", "the weakest confidence wins"
    assert amounts["test-total"].per_100g == 25
    assert amounts["test-total"].forms == ("MK-total",)


def test_studies_are_grouped_by_design_in_briefing_order(ctx):
    keys = [table.group.key for table in ctx.studies]
    order = ["trials", "uncontrolled", "observational", "animal", "reviews", "protocols"]
    assert keys == [k for k in order if k in keys]
    designs = {row.design for table in ctx.studies for row in table.group.rows}
    studies = bundled_tables()["studies"]
    assert designs == set(studies["design"])
    assert sum(len(t.group.rows) for t in ctx.studies) == len(studies)


def test_null_stays_null_and_subgroups_are_flagged(ctx):
    rows = {row.anchor: row for table in ctx.studies for row in table.group.rows}
    studies = bundled_tables()["studies"]
    for record in studies.to_dict("records"):
        row = rows[f"study-{record['study_id']}"]
        assert row.direction == record["direction"]
        assert row.limited == (
            record["analysis"] in ("secondary", "subgroup", "post-hoc", "per-protocol")
        )
    assert any(r.direction == "no-clear-effect" for r in rows.values())
    assert any(r.limited for r in rows.values())


def test_the_summary_of_findings_has_a_row_per_outcome_before_the_study_tables(ctx):
    outcomes = bundled_tables()["outcomes"]
    assert sorted(o.outcome_id for o in ctx.outcomes) == sorted(outcomes["outcome_id"])
    ranks = [OUTCOME_KINDS.rank(o.kind) for o in ctx.outcomes]
    assert ranks == sorted(ranks), "calcification first, then stiffness, events, bone, markers"
    assert ctx.outcomes_table.number < min(t.table.number for t in ctx.studies)


def test_forest_panels_only_put_comparable_effects_on_one_axis(ctx):
    for panel in ctx.forest:
        assert all(row.has_ci for row in panel.rows)
        if panel.ratio:
            assert all(row.effect > 0 and row.ci_low > 0 for row in panel.rows)
        else:
            assert {row.effect_unit for row in panel.rows} == {panel.unit}
    assert any(panel.ratio for panel in ctx.forest), "the bundled data has odds and risk ratios"


def test_citations_are_numbered_in_order_of_first_use(ctx):
    cited = [ref for ref in ctx.references if ref.cited]
    assert [ref.number for ref in ctx.references] == list(range(1, len(ctx.references) + 1))
    assert cited == list(ctx.references[: len(cited)]), "cited sources come first"
    # The key points come first: their key outcomes' studies are cited first, in order.
    key = list(dict.fromkeys(c.number for k in ctx.key_outcomes for c in k.citations))
    assert key == list(range(1, len(key) + 1)), "the first thing cited is the key points'"
    assert ctx.warnings[0].citation.number > max(key)


def test_every_source_is_in_the_reference_list_with_its_verification(ctx):
    sources = bundled_tables()["sources"]
    assert {r.source_id for r in ctx.references} == set(sources["source_id"])
    unverified = set(sources.loc[sources["verification"] == "not-verified", "source_id"])
    assert {r.source_id for r in ctx.references if r.verification == "not-verified"} == unverified


def test_tables_and_figures_are_numbered_in_document_order(ctx):
    numbers = [ctx.roles_table.number]
    numbers += [t.table.number for t in ctx.foods]
    numbers += [ctx.outcomes_table.number]
    numbers += [t.table.number for t in ctx.studies]
    numbers += [
        ctx.contributors_table.number,
        ctx.intakes_table.number,
        ctx.doses_table.number,
        ctx.notes_table.number,
    ]
    assert numbers == list(range(1, len(numbers) + 1))
    assert ctx.food_figure.number == 1
    assert ctx.forest_figure is not None
    assert ctx.forest_figure.number == 2


def test_warnings_come_before_cautions(ctx):
    assert ctx.warnings
    assert all(c.severity == "warning" for c in ctx.warnings)
    assert all(c.severity == "caution" for c in ctx.other_cautions)


def test_intake_notes_are_gathered_as_footnotes(ctx):
    intakes = bundled_tables()["intakes"]
    notes = {n for n in intakes["note"].dropna() if n}
    assert {n.text for n in ctx.intakes.notes} == notes
    assert len(ctx.intakes.notes) < len(intakes), "repeated notes print once"


def test_handout_cites_only_what_it_shows():
    ctx = handout_context(bundled_tables(), bundled_meta(), settings())
    shown = {c.anchor for f in ctx.foods for c in f.citations}
    shown |= {i.caution.citation.anchor for f in ctx.foods for i in f.foods if i.caution}
    shown |= {c.citation.anchor for c in (*ctx.warnings, *ctx.other_cautions)}
    shown |= {n.citation.anchor for n in ctx.needs}
    assert {r.anchor for r in ctx.references if r.cited} == shown
    assert all(len(f.foods) <= 3 for f in ctx.foods)
    assert all(i.food.confidence != "low" for f in ctx.foods for i in f.foods)


def test_paper_size_reaches_the_context():
    ctx = briefing_context(bundled_tables(), bundled_meta(), settings(paper="letter"))
    assert ctx.meta.page_size == "letter"


def test_changed_value_changes_the_context(tmp_path: Path):
    data = copy_data(tmp_path / "data")
    set_cell(data / "foods.csv", {"food_id": "natto", "form": "MK-7"}, "amount_per_100g", "2000")
    ctx = briefing_context(tables_of(data), load_meta(data), settings(data_dir=data))
    k2 = next(t.ranking for t in ctx.foods if t.ranking.vitamin == "K2")
    assert k2.top_serving.food_id == "natto"
    assert k2.top_serving.per_serving == pytest.approx(2000 * 85 / 100)

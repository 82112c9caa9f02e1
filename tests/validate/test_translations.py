"""`validate --lang`: missing, stale, orphaned and marked-up translations, at file:line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.i18n import source_hash
from tests.support import copy_data, edit_csv, set_cell


def _run(folder: Path, *args: str) -> Result:
    """Run validate from folder, so paths in the output are relative to it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        return CliRunner().invoke(main, ["validate", "--data", "data", *args])


def _line_of(path: Path, **match: str) -> int:
    """Return the physical line of the first row whose columns match (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if all(row[k] == v for k, v in match.items()):
                return number
    raise AssertionError(f"no row of {path.name} matches {match}")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Return a copy of the bundled data, whose Spanish translations are complete."""
    return copy_data(tmp_path / "data")


def test_the_bundled_spanish_translations_are_complete_and_current(data: Path) -> None:
    result = _run(data.parent, "--lang", "es", "--strict")
    assert (result.exit_code, result.output) == (0, "valid: 0 errors, 0 warnings in 12 tables\n")


def test_an_edited_english_summary_makes_its_spanish_row_stale(data: Path) -> None:
    key = {"caution_id": "warfarin-vitamin-k-antagonists"}
    set_cell(data / "cautions.csv", key, "summary", "Vitamin K counteracts warfarin.")
    line = _line_of(data / "translations.csv", key=key["caution_id"], field="summary", lang="es")
    result = _run(data.parent, "--lang", "es")
    assert result.exit_code == 0, "stale is a warning without --strict"
    expected = (
        f"data/translations.csv:{line}:6: translation-stale (warning): the English summary of "
        f'cautions row "{key["caution_id"]}" (line 2) changed since this translation was made '
        f"(translate the new English text, then set source_hash to "
        f"{source_hash('Vitamin K counteracts warfarin.')})"
    )
    assert result.output.splitlines()[0] == expected
    strict = _run(data.parent, "--lang", "es", "--strict")
    assert strict.exit_code == 1
    assert f"translations.csv:{line}:6: translation-stale: " in strict.output


def test_a_missing_translation_is_reported_at_the_english_cell_the_document_shows(
    data: Path,
) -> None:
    def drop(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if not (r["key"] == "natto/K2/MK-7" and r["field"] == "food")]

    edit_csv(data / "translations.csv", drop)
    line = _line_of(data / "foods.csv", food_id="natto", vitamin="K2", form="MK-7")
    result = _run(data.parent, "--lang", "es")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f'data/foods.csv:{line}:2: translation-missing: food of foods row "natto/K2/MK-7" has no '
        '"es" translation, and the es handout shows it (add a row to translations.csv: '
        "k2brief translations --lang es lists them)"
    )


def test_a_cell_no_document_shows_needs_no_translation(data: Path) -> None:
    """A food far down the ranking is neither on the handout nor on the chart."""
    result = _run(data.parent, "--lang", "es")
    assert result.exit_code == 0
    with (data / "translations.csv").open(encoding="utf-8") as handle:
        keys = {row["key"] for row in csv.DictReader(handle)}
    with (data / "foods.csv").open(encoding="utf-8") as handle:
        foods = [f"{r['food_id']}/{r['vitamin']}/{r['form']}" for r in csv.DictReader(handle)]
    assert set(foods) - keys, "some foods need no translation, as no document shows them"


def test_markup_in_a_translation_is_flagged_like_any_cell(data: Path) -> None:
    key = {"key": "natto/K2/MK-7", "field": "food", "lang": "es"}
    set_cell(data / "translations.csv", key, "text", "<b>Natto</b>")
    line = _line_of(data / "translations.csv", **key)
    result = _run(data.parent, "--lang", "es")
    assert f"data/translations.csv:{line}:5: html-like (warning):" in result.output


def test_a_translation_of_no_cell_is_an_orphan(data: Path) -> None:
    key = {"key": "natto/K2/MK-7", "field": "food", "lang": "es"}
    set_cell(data / "translations.csv", key, "key", "no-such-food/K2/MK-7")
    line = _line_of(data / "translations.csv", key="no-such-food/K2/MK-7")
    result = _run(data.parent, "--lang", "es")
    assert result.exit_code == 1
    assert f"data/translations.csv:{line}:2: translation-orphan: " in result.output


def test_a_row_in_a_language_without_a_catalogue_is_an_error(data: Path) -> None:
    key = {"key": "natto/K2/MK-7", "field": "food", "lang": "es"}
    set_cell(data / "translations.csv", key, "lang", "fr")
    line = _line_of(data / "translations.csv", key="natto/K2/MK-7", lang="fr")
    result = _run(data.parent, "--lang", "es")
    assert result.exit_code == 1
    assert f'data/translations.csv:{line}:4: translation-language: "fr" has no message' in (
        result.output
    )


def test_an_unknown_language_is_a_usage_error(data: Path) -> None:
    result = _run(data.parent, "--lang", "xx")
    assert result.exit_code == 2
    assert 'unknown language "xx": the languages with a catalogue are es' in result.output


def test_translations_command_lists_the_rows_still_needed_with_their_hashes(data: Path) -> None:
    def drop(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [r for r in rows if r["table"] != "cautions"]

    edit_csv(data / "translations.csv", drop)
    result = CliRunner().invoke(main, ["translations", "--data", str(data), "--lang", "es"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(result.output.splitlines()))
    assert {r["table"] for r in rows} == {"cautions"}
    for row in rows:
        assert row["source_hash"] == source_hash(row["english"])
        assert (row["lang"], row["text"], row["reviewed_by"]) == ("es", "", "")


def test_a_translation_is_escaped_like_every_other_cell(data: Path) -> None:
    from pipeline.dataset import Dataset
    from pipeline.documents import by_name, document_html, in_language
    from pipeline.settings import Settings
    from tests.support import tables_of

    key = {"key": "natto/K2/MK-7", "field": "food", "lang": "es"}
    set_cell(data / "translations.csv", key, "text", "<b>Natto</b> & soya")
    handout = in_language(by_name("handout"), "es")
    settings = Settings(data_dir=data)
    html = document_html(handout, tables_of(data), Dataset.read(data), settings)
    assert "&lt;b&gt;Natto&lt;/b&gt; &amp; soya" in html
    assert "<b>Natto</b>" not in html

"""Catalogues, the active language, locale formatting, and the build keys of translations."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pipeline.build.manifest import document_inputs
from pipeline.context.statements import effect_statement
from pipeline.dataset import Dataset
from pipeline.documents import REGISTRY, by_name, in_language, with_languages
from pipeline.formats import fmt_number, fmt_ratio
from pipeline.i18n import LOCALE_DIR, catalogue, catalogue_path, language, languages, source_hash
from pipeline.vocabulary import CERTAINTIES
from tests.support import ROOT, copy_data, edit_csv


def _locale_copy(tmp_path: Path) -> Path:
    """Copy the Spanish catalogue into a locale folder of the test's own."""
    shutil.copytree(LOCALE_DIR / "es", tmp_path / "locale" / "es")
    return tmp_path / "locale"


def test_spanish_is_a_shipped_language_and_english_needs_no_catalogue() -> None:
    assert "es" in languages()
    assert "en" not in languages()


def test_a_stale_compiled_catalogue_is_never_used(tmp_path: Path) -> None:
    """A .mo beside the .po (from pybabel compile, say) is ignored; the .po is the truth."""
    locale = _locale_copy(tmp_path)
    po = catalogue_path("es", locale)
    with po.open("rb") as handle:
        stale = read_po(handle)
    stale["Who"].string = "ANTIGUO"
    with po.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, stale)
    assert catalogue("es", locale).translations.gettext("Who") == "Quién"


def test_an_edited_catalogue_is_seen_at_once(tmp_path: Path) -> None:
    locale = _locale_copy(tmp_path)
    po = catalogue_path("es", locale)
    assert catalogue("es", locale).translations.gettext("Who") == "Quién"
    po.write_text(po.read_text("utf-8").replace('msgstr "Quién"', 'msgstr "Quiénes"'), "utf-8")
    assert catalogue("es", locale).translations.gettext("Who") == "Quiénes"


def test_a_fuzzy_entry_is_not_a_translation(tmp_path: Path) -> None:
    locale = _locale_copy(tmp_path)
    po = catalogue_path("es", locale)
    text = po.read_text("utf-8").replace('msgid "Who"', '#, fuzzy\nmsgid "Who"', 1)
    po.write_text(text, "utf-8")
    assert catalogue("es", locale).translations.gettext("Who") == "Who"


def test_the_spanish_catalogue_translates_every_message_the_code_and_templates_have(
    tmp_path: Path,
) -> None:
    """An extraction now finds no message the .po lacks or leaves fuzzy or empty."""
    pot = tmp_path / "messages.pot"
    command = [Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg", "-o"]
    subprocess.run([*command, str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        wanted = {(m.context, m.id) for m in read_po(handle) if m.id}
    with catalogue_path("es").open("rb") as handle:
        spanish = {(m.context, m.id): m for m in read_po(handle) if m.id}
    untranslated = sorted(
        str(key) for key in wanted if key not in spanish or not spanish[key].string
    )
    fuzzy = sorted(str(key) for key in wanted if key in spanish and spanish[key].fuzzy)
    assert (untranslated, fuzzy) == ([], [])


def test_numbers_are_written_the_readers_way() -> None:
    assert (fmt_number(12.5), fmt_number(1234), fmt_ratio(0.79)) == ("12.5", "1,234", "0.79")
    with language("es"):
        assert (fmt_number(12.5), fmt_number(12345), fmt_ratio(0.79)) == ("12,5", "12.345", "0,79")
    assert fmt_number(12.5) == "12.5", "English again once the block ends"


@pytest.mark.parametrize(
    ("certainty", "hedge"),
    [("high", "tienen poco"), ("moderate", "probablemente"), ("low", "pueden")],
)
def test_spanish_statements_keep_grade_s_hedge_for_each_certainty(
    certainty: str, hedge: str
) -> None:
    with language("es"):
        text = effect_statement(
            "las pastillas de vitamina D", "los infartos", certainty, "no-clear-effect", plain=True
        )
    assert text.startswith("Las pastillas de vitamina D ")
    assert hedge in text
    assert "poco o ningún efecto sobre los infartos" in text


def test_very_low_certainty_in_spanish_states_no_direction() -> None:
    with language("es"):
        plain = effect_statement(
            "la vitamina K", "los huesos", "very-low", "benefit", plain=True, singular=True
        )
        full = effect_statement("la vitamina K", "los huesos", "very-low", "harm")
    assert plain == "Es muy incierto si la vitamina K afecta a los huesos."
    assert full == "La evidencia es muy incierta sobre el efecto de la vitamina K en los huesos."
    assert set(CERTAINTIES.codes) == {"high", "moderate", "low", "very-low"}


def test_translated_documents_have_their_own_names_and_files() -> None:
    handout = in_language(by_name("handout"), "es")
    assert (handout.name, handout.outputs) == ("handout.es", ("handout.es.pdf", "handout.es.html"))
    chart = in_language(by_name("comparison-chart"), "es")
    assert chart.outputs == ("comparison-chart.es.pdf", "comparison-chart.es.png")
    names = [d.name for d in with_languages(["es"])]
    assert names == [*(d.name for d in REGISTRY), "handout.es", "comparison-chart.es"]


def _keys(data: Path) -> dict[str, str]:
    dataset = Dataset.read(data)
    templates = ROOT / "templates"
    return {
        d.name: document_inputs(d, dataset, templates, {}).key() for d in with_languages(["es"])
    }


def test_a_spanish_edit_rebuilds_only_the_spanish_documents(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    before = _keys(data)

    def retranslate(rows: list[dict[str, str]]) -> None:
        rows[0]["text"] = rows[0]["text"] + " (editado)"

    edit_csv(data / "translations.csv", retranslate)
    after = _keys(data)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["comparison-chart.es", "handout.es"]


def test_another_languages_rows_leave_spanish_up_to_date(tmp_path: Path) -> None:
    data = copy_data(tmp_path / "data")
    before = _keys(data)

    def add_french(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return [*rows, {**rows[0], "lang": "fr", "text": "Natto (soja fermenté)"}]

    edit_csv(data / "translations.csv", add_french)
    assert _keys(data) == before


def test_the_source_hash_is_sha256_and_the_first_12_hex_of_the_nfc_text() -> None:
    import hashlib

    decomposed = "Me\u0301xico"  # e + combining acute: the same text as "México"
    expected = "sha256:" + hashlib.sha256("México".encode()).hexdigest()[:12]
    assert source_hash(decomposed) == source_hash("México") == expected


def test_every_spanish_row_hashes_its_english_cell() -> None:
    """The shipped rows were made from the English as it is now (no stale row ships)."""
    with (ROOT / "data" / "translations.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, "Spanish ships with its data translations"
    assert {r["lang"] for r in rows} == {"es"}
    assert {r["reviewed_by"] for r in rows} == {""}, "marked honestly as not yet reviewed"

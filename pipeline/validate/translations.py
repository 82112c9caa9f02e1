"""Check a language's translations: missing for text its documents show, stale, orphaned.

The generic cell checks (markup, formula-like text, stray spaces) run on translations.csv
as on every table; these are the checks only a translation has. A missing translation is
found the way a reader would: the language's handout and chart are rendered with a marker
in every untranslated cell, and each marker they show is one finding at the English cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.i18n import source_hash
from pipeline.report import Finding, Report
from pipeline.translate import (
    TABLE,
    TRANSLATABLE,
    Cell,
    cells,
    is_stale,
    row_keys,
    translations,
)

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import Dataset
    from pipeline.documents import Document
    from pipeline.settings import Settings

FIELDS = ("table", "key", "field", "lang", "text", "source_hash", "translated_by", "reviewed_by")


def _column(tables: Mapping[str, pd.DataFrame], table: str, field: str) -> int | None:
    """Return a field's 1-based column in its table, as the typed table orders them."""
    columns = [c for c in tables[table].columns if c != "_line"]
    return columns.index(field) + 1 if field in columns else None


def missing_findings(
    missing: Iterable[Cell],
    lang: str,
    shown_in: str,
    tables: Mapping[str, pd.DataFrame],
    data_dir: Path,
) -> list[Finding]:
    """Return one error per untranslated cell a document of lang shows, at the English cell."""
    return [
        Finding(
            str(data_dir / f"{cell.table}.csv"),
            cell.table,
            cell.line,
            _column(tables, cell.table, cell.field),
            "translation-missing",
            f'{cell.field} of {cell.table} row "{cell.key}" has no "{lang}" translation, '
            f"and {shown_in} shows it",
            field_name=cell.field,
            hint=f"add a row to {TABLE}.csv: k2brief translations --lang {lang} lists them",
        )
        for cell in missing
    ]


def missing_message(
    missing: Sequence[Cell], document: Document, tables: Mapping[str, pd.DataFrame], data_dir: Path
) -> str:
    """Say which cells a translated document showed untranslated, one finding a line."""
    from pipeline.report import format_report, make_report

    findings = missing_findings(missing, document.lang, f"{document.name}", tables, data_dir)
    text = format_report(make_report(findings), "text", Path.cwd())
    lines = [line for line in text.splitlines() if "translation-missing" in line]
    return "\n".join([*lines, f"validate --lang {document.lang} lists every one"])


def row_findings(
    tables: Mapping[str, pd.DataFrame], lang: str, langs: Sequence[str], data_dir: Path
) -> list[Finding]:
    """Check every row of translations.csv for its language, and lang's rows for stale text."""
    if TABLE not in tables:
        return []
    path = str(data_dir / f"{TABLE}.csv")
    rows = translations(tables)
    english = _english_cells(tables, {(r.table, r.key, r.field) for r in rows if r.lang == lang})
    findings = []
    for row in rows:
        place = (path, TABLE, row.line)
        if row.lang not in langs:
            findings.append(
                Finding(
                    *place,
                    FIELDS.index("lang") + 1,
                    "translation-language",
                    f'"{row.lang}" has no message catalogue',
                    field_name="lang",
                    cell=row.lang,
                    hint=f"use one of: {', '.join(langs) or 'none yet'}, or add "
                    f"locale/{row.lang}/LC_MESSAGES/messages.po (README: adding a language)",
                )
            )
            continue
        if row.lang != lang:
            continue
        cell = english.get((row.table, row.key, row.field))
        if cell is None:
            findings.append(_orphan(place, row.table, row.key, row.field, tables))
        elif is_stale(row, cell):
            findings.append(
                Finding(
                    *place,
                    FIELDS.index("source_hash") + 1,
                    "translation-stale",
                    f'the English {row.field} of {row.table} row "{row.key}" '
                    f"(line {cell.line}) changed since this translation was made",
                    severity="warning",
                    field_name="source_hash",
                    cell=row.source_hash,
                    hint=f"translate the new English text, then set source_hash to "
                    f"{source_hash(cell.text)}",
                )
            )
    return findings


def _english_cells(
    tables: Mapping[str, pd.DataFrame], wanted: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], Cell]:
    """Return the English cells that translations name, looking at those rows alone."""
    found = {}
    for table in sorted({t for t, _, _ in wanted} & set(TRANSLATABLE) & set(tables)):
        keys, fields = TRANSLATABLE[table]
        frame = tables[table]
        key = row_keys(frame, keys)
        chosen = key.isin({k for t, k, _ in wanted if t == table})
        for at, row in zip(key[chosen], frame[chosen].to_dict("records"), strict=True):
            for field in fields:
                value = row.get(field)
                if (table, at, field) in wanted and value is not None and str(value) != "<NA>":
                    found[table, at, field] = Cell(table, at, field, str(value), int(row["_line"]))
    return found


def _orphan(place: tuple, table: str, key: str, field: str, tables) -> Finding:
    """Return the error for a translation of a cell the data does not have."""
    keys, fields = TRANSLATABLE.get(table, ((), ()))
    if field not in fields:
        hint = f"{table} fields translated: {', '.join(fields)}"
    else:
        hint = f"the key is the row's {' / '.join(keys)}, joined by '/'"
    return Finding(
        *place,
        FIELDS.index("key") + 1,
        "translation-orphan",
        f'{table} has no row "{key}" with a {field} to translate',
        field_name="key",
        cell=key,
        hint=hint,
    )


def shown_missing(
    tables: Mapping[str, pd.DataFrame], dataset: Dataset, settings: Settings, lang: str
) -> list[Finding]:
    """Render lang's handout and chart with markers and report each untranslated cell shown."""
    from pipeline.chart.context import ChartLimits, chart_data
    from pipeline.chart.fit import FOODS, STUDIES
    from pipeline.chart.produce import chart_html
    from pipeline.context.briefing import handout_context
    from pipeline.documents import DeclaredTables, by_name, in_language, render_html
    from pipeline.i18n import language
    from pipeline.translate import shown_markers, translate_tables

    translated = translate_tables(tables, lang)
    handout = in_language(by_name("handout"), lang)
    chart = in_language(by_name("comparison-chart"), lang)
    findings = []
    with language(lang):
        with shown_markers() as shown:
            declared = DeclaredTables(handout, translated.tables)
            render_html(handout, handout_context, declared, dataset.meta(handout.tables), settings)
        handout_cells = translated.missing(shown)
        findings += missing_findings(
            handout_cells, lang, f"the {lang} handout", tables, settings.data_dir
        )
        seen = set(shown)
        with shown_markers() as shown:
            # The chart's most generous limits: the fitted chart shows no more than this.
            widest = ChartLimits(9.0, FOODS, STUDIES)
            data = chart_data(DeclaredTables(chart, translated.tables))
            chart_html(data, dataset.meta(chart.tables), settings, chart.template, widest)
        more = translated.missing(shown - seen)
        findings += missing_findings(more, lang, f"the {lang} chart", tables, settings.data_dir)
    return findings


def translation_findings(
    tables: Mapping[str, pd.DataFrame], settings: Settings, lang: str, langs: Sequence[str]
) -> list[Finding]:
    """Return every finding about lang's translations in a valid package."""
    from pipeline.dataset import Dataset

    dataset = Dataset.read(settings.data_dir)
    return [
        *row_findings(tables, lang, langs, settings.data_dir),
        *shown_missing(tables, dataset, settings, lang),
    ]


def rows_to_translate(
    tables: Mapping[str, pd.DataFrame], settings: Settings, lang: str
) -> list[dict[str, str]]:
    """Return the translations.csv rows lang still needs, hashed, with the English to translate.

    The rows are the cells its documents show without a translation, then the stale ones.
    """
    from pipeline.dataset import Dataset

    dataset = Dataset.read(settings.data_dir)
    findings = shown_missing(tables, dataset, settings, lang)
    missing = {(f.table, f.line, f.field_name) for f in findings}
    english = list(cells(tables))
    wanted = [c for c in english if (c.table, c.line, c.field) in missing]
    current = {(t.table, t.key, t.field): t for t in translations(tables, lang)}
    by_cell = {(c.table, c.key, c.field): c for c in english}
    wanted += [by_cell[k] for k, t in current.items() if k in by_cell and is_stale(t, by_cell[k])]
    return [
        {
            "table": c.table,
            "key": c.key,
            "field": c.field,
            "lang": lang,
            "text": "",
            "source_hash": source_hash(c.text),
            "translated_by": "",
            "reviewed_by": "",
            "english": c.text,
        }
        for c in wanted
    ]


def with_translations(
    report: Report,
    tables: Mapping[str, pd.DataFrame],
    settings: Settings,
    langs: Sequence[str],
    strict: bool,
) -> Report:
    """Add each language's translation findings to a valid package's report."""
    from dataclasses import replace

    from pipeline.i18n import languages
    from pipeline.report import make_report

    findings = list(report.findings)
    for lang in langs:
        for finding in translation_findings(tables, settings, lang, languages()):
            if strict and finding.code == "translation-stale":
                finding = replace(finding, severity="error")
            if finding not in findings:
                findings.append(finding)
    return make_report(findings, report.tasks)


def rows_needed(settings: Settings, lang: str) -> list[dict[str, str]]:
    """Validate the package and return the translations.csv rows lang still needs."""
    from pipeline.errors import InvalidDataError
    from pipeline.validate.package import validate_package

    result = validate_package(settings.data_dir)
    if not result.report.valid:
        raise InvalidDataError(result.report)
    return rows_to_translate(result.tables, settings, lang)

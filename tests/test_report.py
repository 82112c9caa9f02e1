"""The report: ordering, validity, and its text, JSON and GitHub renderings."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.report import CODES, Finding, Task, format_report, make_report
from pipeline.validate.rules import RULES

BASE = Path("/work/k2")
FOODS = "/work/k2/data/foods.csv"
TASKS = (Task("sources", "/work/k2/data/sources.csv"), Task("foods", FOODS))


def _sample():
    return make_report(
        [
            Finding(
                FOODS,
                "foods",
                14,
                6,
                "type-error",
                '"12,5" in amount_per_100g is not a number',
                field_name="amount_per_100g",
                cell="12,5",
                hint="decimal comma? write 12.5",
                row_number=14,
            ),
            Finding(FOODS, "foods", 3, 2, "formula-like", '"=A1" in food', severity="warning"),
            Finding("/work/k2/data/sources.csv", "sources", None, None, "missing-file", "gone"),
            Finding("/work/k2/data/datapackage.json", "", 2, None, "package-error", "bad"),
        ],
        TASKS,
    )


def test_text_is_one_line_per_finding_sorted_then_counts() -> None:
    assert format_report(_sample(), "text", BASE) == (
        "data/datapackage.json:2: package-error: bad\n"
        'data/foods.csv:3:2: formula-like (warning): "=A1" in food\n'
        'data/foods.csv:14:6: type-error: "12,5" in amount_per_100g is not a number '
        "(decimal comma? write 12.5)\n"
        "data/sources.csv: missing-file: gone\n"
        "\n"
        "      1 missing-file\n"
        "      1 package-error\n"
        "      1 type-error\n"
        "      1 formula-like (warning)\n"
        "invalid: 3 errors, 1 warning in 2 tables\n"
    )


def test_a_clean_report_is_one_line() -> None:
    report = make_report([], TASKS)
    assert report.valid
    assert format_report(report, "text", BASE) == "valid: 0 errors, 0 warnings in 2 tables\n"


def test_warnings_alone_leave_the_report_valid() -> None:
    warning = Finding(FOODS, "foods", 3, 2, "html-like", "<b>", severity="warning")
    report = make_report([warning], TASKS)
    assert report.valid
    assert format_report(report, "text", BASE).endswith("valid: 0 errors, 1 warning in 2 tables\n")


def test_paths_outside_the_base_are_shown_as_given() -> None:
    finding = Finding("/elsewhere/foods.csv", "foods", 2, 1, "blank-row", "empty")
    text = format_report(make_report([finding]), "text", BASE)
    assert text.startswith("/elsewhere/foods.csv:2:1: blank-row: empty\n")


def test_json_is_a_frictionless_report_with_extra_keys() -> None:
    document = json.loads(format_report(_sample(), "json", BASE))
    assert document["valid"] is False
    assert document["stats"] == {"errors": 3, "warnings": 1, "tasks": 2, "tables": 2}
    assert [e["type"] for e in document["errors"]] == ["package-error"]
    sources, foods = document["tasks"]
    assert (sources["name"], sources["place"], sources["valid"]) == (
        "sources",
        "data/sources.csv",
        False,
    )
    assert foods["stats"] == {"errors": 1, "warnings": 1}
    error = foods["errors"][1]
    assert error == {
        "type": "type-error",
        "title": "Type Error",
        "description": CODES["type-error"][2],
        "message": '"12,5" in amount_per_100g is not a number (decimal comma? write 12.5)',
        "tags": ["#table", "#row", "#cell"],
        "note": "decimal comma? write 12.5",
        "rowNumber": 14,
        "fieldName": "amount_per_100g",
        "fieldNumber": 6,
        "cell": "12,5",
        "line": 14,
        "column": 6,
        "severity": "error",
        "table": "foods",
        "hint": "decimal comma? write 12.5",
        "place": "data/foods.csv",
    }
    assert foods["errors"][0]["severity"] == "warning"


def test_github_commands_annotate_the_file_and_escape_their_text() -> None:
    finding = Finding(
        "/work/k2/data/a:b,c.csv",
        "t",
        7,
        3,
        "constraint-error",
        "100% wrong\nsecond line\r",
        hint="fix: it",
    )
    warning = Finding(FOODS, "foods", 3, 2, "formula-like", "=A1", severity="warning")
    out = format_report(make_report([finding, warning], TASKS), "github", BASE)
    assert out.splitlines() == [
        "::error file=data/a%3Ab%2Cc.csv,line=7,col=3,title=constraint-error::"
        "100%25 wrong%0Asecond line%0D (fix: it)",
        "::warning file=data/foods.csv,line=3,col=2,title=formula-like::=A1",
        "invalid: 1 error, 1 warning in 2 tables",
    ]


def test_github_command_without_a_line_has_no_line_or_column() -> None:
    finding = Finding(FOODS, "foods", None, 4, "missing-file", "gone")
    out = format_report(make_report([finding]), "github", BASE)
    assert out.splitlines()[0] == "::error file=data/foods.csv,title=missing-file::gone"


def test_every_rule_has_a_catalogued_code_and_a_docstring() -> None:
    for rule in RULES:
        assert rule.code in CODES
        assert CODES[rule.code][1] == "error"
        assert rule.check.__doc__
    assert len({rule.code for rule in RULES}) == len(RULES)

"""validate_package as a whole: the bundled data, typed tables, the package file itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.report import CODES
from pipeline.validate.package import validate_package
from tests.support import CONTRACT, FIXTURES, ROOT, build_package

# file-too-large: tests/load/test_read.py, with a lowered limit; the codes that compare
# two editions: tests/validate/test_against.py.
CODES_TESTED_ELSEWHERE = {"file-too-large", "precision-loss", "p-value-rounding"}
# The review dates of datapackage.json: tests/validate/test_review.py.
CODES_TESTED_ELSEWHERE |= {"review-date", "review-order", "review-overdue"}
# A language's translations, checked by validate --lang: tests/validate/test_translations.py.
CODES_TESTED_ELSEWHERE |= {
    "translation-missing",
    "translation-stale",
    "translation-orphan",
    "translation-language",
}
# The brand file and the overrides folder: tests/brand/.
CODES_TESTED_ELSEWHERE |= {code for code in CODES if code.startswith(("brand-", "logo-"))}
CODES_TESTED_ELSEWHERE |= {"font-file", "override-unknown"}


def _codes(data_dir: Path) -> list[tuple]:
    return [
        (Path(f.path).name, f.line, f.column, f.code)
        for f in validate_package(data_dir).report.findings
    ]


def test_bundled_data_has_no_errors_and_no_warnings() -> None:
    findings = validate_package(ROOT / "data").report.findings
    assert [
        f"{Path(f.path).name}:{f.line}:{f.column}: {f.code}: {f.text()}" for f in findings
    ] == []


def test_bundled_data_passes_frictionless() -> None:
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(CONTRACT))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_typed_tables_follow_the_schema(make_package) -> None:
    result = validate_package(make_package())
    assert result.report.valid
    assert list(result.tables) == [
        "sources",
        "forms",
        "foods",
        "vitamin_roles",
        "outcomes",
        "studies",
        "doses",
        "intakes",
        "contributors",
        "cautions",
        "evidence_notes",
        "translations",
    ]
    studies = result.tables["studies"]
    fields = [f["name"] for f in _schema("studies")["fields"]]
    assert list(studies.columns) == [*fields, "_line"]
    assert str(studies["year"].dtype) == "Int64"
    assert str(studies["effect"].dtype) == "float64"
    assert str(studies["study_id"].dtype) == "string"
    assert studies["_line"].tolist() == [2, 3]
    protocol = studies.iloc[1]
    assert protocol["effect"] != protocol["effect"]  # NaN
    assert protocol["n"] is __import__("pandas").NA
    assert protocol["seed_claim"] is __import__("pandas").NA
    assert studies.iloc[0]["effect_unit"] == "m/s, mean difference"


def test_physical_lines_reach_the_typed_tables(make_package) -> None:
    case = FIXTURES / "accepted" / "quoted-newlines"
    foods = validate_package(make_package(case)).tables["foods"]
    assert foods["_line"].tolist() == [2, 5, 6]
    assert foods["note"].iloc[0] == "Derived from\na per-serving\nvalue."


def test_text_that_looks_missing_stays_text_in_the_tables(make_package) -> None:
    foods = validate_package(make_package(FIXTURES / "accepted" / "text-that-looks-missing"))
    assert foods.tables["foods"]["note"].tolist() == ["NA", "None", "null"]


def test_validation_does_not_import_pandas(make_package) -> None:
    data_dir = make_package(FIXTURES / "invalid" / "primary-key-duplicate")
    code = (
        "import sys; from pathlib import Path\n"
        "from pipeline.validate.package import validate_package\n"
        f"r = validate_package(Path({str(data_dir)!r}))\n"
        "print(len(r.report.findings), 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False"]


def test_every_catalogued_code_is_exercised() -> None:
    expected = set()
    for case in (FIXTURES / "invalid").iterdir():
        expected |= {e[3] for e in json.loads((case / "case.json").read_text("utf-8"))["expected"]}
    expected |= {"unique-error", "package-error"} | CODES_TESTED_ELSEWHERE
    assert set(CODES) == expected


def _schema(name: str) -> dict:
    package = json.loads(CONTRACT.read_text("utf-8"))
    return next(r for r in package["resources"] if r["name"] == name)["schema"]


def _edit_package(data_dir: Path, edit) -> Path:
    package = json.loads((data_dir / "datapackage.json").read_text("utf-8"))
    edit(package)
    (data_dir / "datapackage.json").write_text(json.dumps(package), "utf-8")
    return data_dir


def _resource(package: dict, name: str) -> dict:
    return next(r for r in package["resources"] if r["name"] == name)


def test_a_unique_field_repeats_say_where_it_was_first(make_package) -> None:
    def edit(package: dict) -> None:
        fields = _resource(package, "forms")["schema"]["fields"]
        next(f for f in fields if f["name"] == "label")["constraints"]["unique"] = True

    data_dir = _edit_package(make_package(), edit)
    (data_dir / "forms.csv").write_text(
        "vitamin,form,label,source_id\n"
        "K1,phylloquinone,Same,ods-vitamin-k\n"
        "K2,MK-7,Same,ods-vitamin-k\n"
        "D,D3,Other,ods-vitamin-k\n",
        "utf-8",
    )
    (finding,) = validate_package(data_dir).report.findings
    assert (finding.line, finding.column, finding.code) == (3, 3, "unique-error")
    assert finding.message == 'label "Same" repeats: same value as line 2'


def test_missing_values_from_the_schema_are_missing(make_package) -> None:
    data_dir = _edit_package(
        make_package(),
        lambda p: _resource(p, "foods")["schema"].update(missingValues=["", "NA"]),
    )
    text = (data_dir / "foods.csv").read_text("utf-8")
    (data_dir / "foods.csv").write_text(text.replace("Derived from a per-serving value.", "NA"))
    result = validate_package(data_dir)
    assert result.report.valid
    assert result.tables["foods"]["note"].isna().all()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: _resource(p, "foods").update(path="../foods.csv"), "only a relative path"),
        (lambda p: _resource(p, "foods").update(path="/etc/passwd"), "only a relative path"),
        (
            lambda p: _resource(p, "foods")["schema"]["fields"][0].update(type="date"),
            "k2brief supports string, number, integer",
        ),
        (
            lambda p: _resource(p, "foods")["schema"]["fields"][0]["constraints"].update(
                exclusiveMinimum=1
            ),
            "constraint 'exclusiveMinimum' is not supported",
        ),
        (
            lambda p: _resource(p, "foods")["schema"]["foreignKeys"][0]["reference"].update(
                resource="nope"
            ),
            "unknown resource 'nope'",
        ),
        (lambda p: _resource(p, "foods").update(dialect={"delimiter": ";"}), "declares a dialect"),
        (lambda p: p.update(resources=[]), "lists no resources"),
    ],
)
def test_an_unusable_package_is_one_package_error(make_package, edit, message: str) -> None:
    (finding,) = validate_package(_edit_package(make_package(), edit)).report.findings
    assert finding.code == "package-error"
    assert message in finding.message


@settings(max_examples=150, deadline=None)
@given(
    document=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=20,
    )
)
def test_any_json_as_datapackage_is_reported_not_raised(tmp_path_factory, document) -> None:
    data_dir = tmp_path_factory.mktemp("pkg")
    (data_dir / "datapackage.json").write_text(json.dumps(document), "utf-8")
    report = validate_package(data_dir).report
    assert not report.valid
    assert {f.code for f in report.findings} <= {"package-error", "missing-file"}


def test_a_self_reference_is_checked_within_the_table(make_package) -> None:
    def edit(package: dict) -> None:
        schema = _resource(package, "forms")["schema"]
        schema["foreignKeys"].append(
            {"fields": ["label"], "reference": {"resource": "", "fields": ["form"]}}
        )

    codes = _codes(_edit_package(make_package(), edit))
    assert codes == [("forms.csv", line, 3, "foreign-key") for line in (2, 3, 4)]


table_bytes = st.lists(
    st.sampled_from(
        [b",", b'"', b"\n", b"\r\n", b"natto", b"K2", b"MK-7", b"12,5", b"\xc2\xb5g", b"=1", b"<b>"]
    )
    | st.binary(max_size=4),
    max_size=40,
).map(b"".join)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(body=table_bytes)
def test_any_bytes_as_a_table_are_reported_not_raised(tmp_path_factory, body: bytes) -> None:
    data_dir = tmp_path_factory.mktemp("pkg")
    build_package(data_dir)
    header = (data_dir / "foods.csv").read_bytes().split(b"\n", 1)[0]
    (data_dir / "foods.csv").write_bytes(header + b"\n" + body)
    result = validate_package(data_dir)
    assert all(f.code in CODES for f in result.report.findings)
    if result.report.valid:  # then the typed table is usable as documented
        assert str(result.tables["foods"]["_line"].dtype) == "int64"


def test_a_row_before_a_sorted_in_header_keeps_its_line(tmp_path: Path) -> None:
    data_dir = build_package(tmp_path / "data", FIXTURES / "invalid" / "sheet-header-sorted")
    table = data_dir / "forms.csv"
    table.write_text(table.read_text("utf-8").replace("D,D3,", "D,D9,", 1), "utf-8")
    found = [(f.line, f.column, f.code) for f in validate_package(data_dir).report.findings]
    assert (4, None, "sorted-header") in found
    assert any(line == 1 and column == 2 for line, column, _ in found)

"""The benchmark's own logic: figures, verdicts, parsing, rendering; builds are faked."""

from __future__ import annotations

import dataclasses
import inspect
import json
import sys
from pathlib import Path

import bench
import bench_build
import bench_change
import bench_common
import bench_engine
import bench_floor
import bench_growth
import pytest

from pipeline.chart.produce import ChartBuild, render_chart
from pipeline.validate.package import validate_package

SUMMARY = """document           status      pages      size  seconds
briefing           built          20   711 KiB    12.06
handout            up to date      2   132 KiB     0.00
comparison-chart   built              1115 KiB     8.50
"""

# A stand-in for k2brief: rebuilds every document when any data byte changed, else nothing;
# fails when the data folder holds a file named "fail".
FAKE_K2BRIEF = """#!{python}
import hashlib, json, sys
from pathlib import Path
args = sys.argv[1:]
data, out = Path(args[args.index("--data") + 1]), Path(args[args.index("--out") + 1])
if (data / "fail").exists():
    print("error: the data is invalid", file=sys.stderr)
    sys.exit(1)
key = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(data.glob("*.csv")))).hexdigest()
out.mkdir(parents=True, exist_ok=True)
manifest = out / "manifest.json"
old = json.loads(manifest.read_text()) if manifest.exists() else {{}}
status = "up to date" if old.get("key") == key else "built"
pages = {{"briefing": 20, "handout": 2, "comparison-chart": 1}}
outputs = {{f"{{n}}.pdf": {{"pages": p}} for n, p in pages.items()}}
docs = {{n: {{"outputs": [f"{{n}}.pdf"]}} for n in pages}}
manifest.write_text(json.dumps({{"key": key, "documents": docs, "outputs": outputs}}))
print(f"{{'document':<18}} {{'status':<11}} {{'pages':>5}} {{'size':>9}} {{'seconds':>8}}")
for name, count in pages.items():
    print(f"{{name:<18}} {{status:<11}} {{count:>5}} {{'10 KiB':>9}} {{0.01:>8.2f}}")
"""


@pytest.fixture
def fake_k2brief(tmp_path: Path) -> str:
    path = tmp_path / "bin" / "k2brief"
    path.parent.mkdir()
    path.write_text(FAKE_K2BRIEF.format(python=sys.executable), encoding="utf-8")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def small_data(tmp_path: Path) -> Path:
    """A copy of the bundled data: the change section edits real tables."""
    data = tmp_path / "data"
    data.mkdir()
    for path in (bench_common.ROOT / "data").iterdir():
        (data / path.name).write_bytes(path.read_bytes())
    return data


def run(seconds: float, documents: dict | None = None, exit_code: int = 0, **extra) -> dict:
    """Return one run as the sections store it."""
    base = {"seconds": seconds, "cpu_seconds": seconds, "max_rss_bytes": 300_000_000}
    return base | {"exit_code": exit_code, "documents": documents or {}} | extra


def docs(status: str = "built", **seconds: float) -> dict:
    return {name: {"status": status, "pages": 1, "seconds": s} for name, s in seconds.items()}


MACHINE = {
    "cpu": "Test CPU",
    "cores": 2,
    "ram_gib": 8.0,
    "os": "Test OS",
    "python": "3.11.7",
    "versions": {"weasyprint": "70.0"},
    "commit": "abc1234",
    "load_average": [0.5, 0.5, 0.5],
}


def test_spread_is_median_min_max_and_none_without_runs() -> None:
    assert bench_common.spread([3.0, 1.0, 2.0, 10.0]) == {"median": 2.5, "min": 1.0, "max": 10.0}
    assert bench_common.spread([]) is None


def test_ratio_of_medians_and_missing_figures() -> None:
    half = bench_common.ratio({"median": 1.0}, {"median": 4.0})
    assert half == 0.25
    assert bench_common.ratio(None, {"median": 4.0}) is None
    assert bench_common.ratio({"median": 1.0}, {"median": 0.0}) is None


@pytest.mark.parametrize(
    ("value", "shown"), [(0.3, "**met**"), (0.31, "**missed**"), (None, "**not measured**")]
)
def test_verdict_against_a_limit(value: float | None, shown: str) -> None:
    assert bench_common.verdict(bench_common.at_most(value, 0.3)) == shown


def test_summary_table_is_parsed_with_spaced_status_and_blank_pages() -> None:
    assert bench_common.parse_summary(SUMMARY) == {
        "briefing": {"status": "built", "pages": 20, "seconds": 12.06},
        "handout": {"status": "up to date", "pages": 2, "seconds": 0.0},
        "comparison-chart": {"status": "built", "pages": None, "seconds": 8.5},
    }


def test_manifest_pages_come_from_each_documents_pdf() -> None:
    manifest = {
        "documents": {
            "briefing": {"outputs": ["briefing.pdf", "briefing.html"]},
            "comparison-chart": {"outputs": ["comparison-chart.png", "comparison-chart.pdf"]},
        },
        "outputs": {
            "briefing.pdf": {"pages": 20},
            "briefing.html": {"pages": None},
            "comparison-chart.png": {"pages": None},
            "comparison-chart.pdf": {"pages": 1},
        },
    }
    assert bench_common.manifest_pages(manifest) == {"briefing": 20, "comparison-chart": 1}


def test_set_cell_changes_one_value_and_keeps_every_other_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    text = 'id,amount,note\na,1.5,"one, two"\nb,2.0,"line\nbreak"\n'
    path.write_text(text, encoding="utf-8")
    new = bench_change.set_cell(
        path, "amount", lambda rows: 1, lambda old, run: f"{float(old) + run + 1:.1f}", 1
    )
    assert new == "4.0"
    assert path.read_text(encoding="utf-8") == text.replace("b,2.0,", "b,4.0,")


def test_set_cell_refuses_a_file_it_would_rewrite_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,amount\n"a",1.5\n', encoding="utf-8")  # needless quotes
    with pytest.raises(ValueError, match="round-trip"):
        bench_change.set_cell(path, "amount", lambda rows: 0, lambda old, run: "2", 0)


def test_the_edits_keep_the_bundled_data_editable(small_data: Path) -> None:
    for edit in bench_change.EDITS:
        before = (small_data / edit.table).read_text(encoding="utf-8")
        bench_change.set_cell(
            small_data / edit.table, edit.column, edit.pick_row, edit.new_value, 0
        )
        after = (small_data / edit.table).read_text(encoding="utf-8")
        changed = [
            pair
            for pair in zip(before.splitlines(), after.splitlines(), strict=True)
            if pair[0] != pair[1]
        ]
        assert len(changed) == 1, edit.table
    # The rebuild must succeed: an edit that made the data invalid would time a failure.
    assert validate_package(small_data).report.valid


@pytest.mark.parametrize(
    ("times", "flat"),
    [
        ([20.0, 20.1, 21.0, 30.0], True),  # linear: 10 µs per row
        ([20.0, 20.0, 20.1, 120.0], False),  # the last step is 100 times steeper per row
        ([20.0, 25.0], None),  # one step cannot show a trend
    ],
)
def test_time_per_row_flatness(times: list[float], flat: bool | None) -> None:
    sizes = [1_000, 10_000, 100_000, 1_000_000][: len(times)]
    points = [(n, {"median": t, "min": t, "max": t}) for n, t in zip(sizes, times, strict=True)]
    assert bench_growth.is_flat(bench_growth.steps(points)) is flat


def test_noise_widens_what_counts_as_flat() -> None:
    loud = {"median": 20.0, "min": 15.0, "max": 25.0}
    points = [(1_000, loud), (10_000, {"median": 20.0, "min": 20.0, "max": 20.0})]
    points.append((100_000, {"median": 22.0, "min": 22.0, "max": 22.0}))
    found = bench_growth.steps(points)
    assert found[0]["noise_per_row"] == pytest.approx(10.0 / 9_000)
    assert bench_growth.is_flat(found) is True


def test_parallel_section_reads_the_build_sections_runs() -> None:
    assert bench.to_run(["parallel"]) == ["build"]
    assert bench.to_run(["growth", "parallel", "build"]) == ["build", "growth"]


def build_result(serial: float, parallel: float, noop: float, noop_status: str) -> dict:
    return {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": MACHINE,
        "load_average_after": [0.5, 0.5, 0.5],
        "jobs": 2,
        "commands": {"serial": "k2brief build", "parallel": "k2brief build", "noop": "again"},
        "serial": [run(serial, docs(briefing=serial - 1))],
        "parallel": [run(parallel, docs(briefing=parallel - 1))],
        "noop": [run(noop, docs(noop_status, briefing=0.0))],
        "errors": [],
    }


def test_build_and_parallel_render_their_verdicts() -> None:
    good = build_result(20.0, 12.0, 0.2, "up to date")
    assert "| ≤ 0.3 s | **met** |" in bench_build.render_build(good)
    assert "| 0.60× | ≤ 0.65× | **met** |" in bench_build.render_parallel(good)
    slow = build_result(20.0, 15.0, 0.5, "up to date")
    assert "| ≤ 0.3 s | **missed** |" in bench_build.render_build(slow)
    assert "| 0.75× | ≤ 0.65× | **missed** |" in bench_build.render_parallel(slow)


def test_parallel_section_shows_the_bound_the_longest_document_sets() -> None:
    result = build_result(20.0, 15.0, 0.2, "up to date")
    result["serial"] = [run(20.0, docs(briefing=12.0, handout=1.0, chart=4.0))]
    text = bench_build.render_parallel(result)
    # 20 s less the 5 s of the documents that can run beside the briefing: 15 s, 0.75x.
    assert "but the longest (briefing) | 20.00 s | 15.00 s | 0.75× |" in text


def test_a_fast_no_op_that_rebuilt_something_is_a_miss() -> None:
    text = bench_build.render_build(build_result(20.0, 12.0, 0.1, "built"))
    assert "**missed** (but it rebuilt briefing)" in text


def test_failed_runs_are_left_out_and_listed() -> None:
    result = build_result(20.0, 12.0, 0.2, "up to date")
    result["parallel"] = [run(1.0, exit_code=1, stderr_tail="boom")]
    result["errors"] = bench_build.failures("parallel", result["parallel"])
    text = bench_build.render_parallel(result) + bench_build.render_build(result)
    assert "| not measured | ≤ 0.65× | **not measured** |" in text
    assert "- parallel: exit status 1: boom" in text


def test_engine_renders_per_document_and_total_ratios() -> None:
    ours = run(22.0, docs(briefing=12.0, **{"comparison-chart": 9.0}))
    theirs = run(16.0, docs(briefing=10.0, **{"comparison-chart": 4.0}), import_seconds=1.0)
    result = {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": MACHINE,
        "load_average_after": [0.5, 0.5, 0.5],
        "command": "k2brief build --jobs 1",
        "k2brief": [ours],
        "engine": [theirs],
        "errors": [],
    }
    text = bench_engine.render_engine(result)
    assert (
        "| briefing | 1 / 1 | 12.00 s (12.00 – 12.00 s) | 10.00 s (10.00 – 10.00 s) | 1.20× |"
        in text
    )
    assert "| comparison-chart | 1 / 1 |" in text
    assert "| 2.25× |" in text
    assert "| 1.38×: **missed** |" in text  # 22 / 16
    theirs["seconds"] = 21.0
    assert "| 1.05×: **met** |" in bench_engine.render_engine(result)


def change_result(rebuilt_by_notes: list[str]) -> dict:
    every = ["briefing", "handout", "comparison-chart"]
    edits = [
        {
            "label": "foods",
            "expected": every,
            "runs": [run(30.0, docs(**dict.fromkeys(every, 1.0)))],
        },
        {
            "label": "notes",
            "expected": ["briefing"],
            "runs": [run(15.0, docs(**dict.fromkeys(rebuilt_by_notes, 1.0)))],
        },
    ]
    return {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": MACHINE,
        "load_average_after": [0.5, 0.5, 0.5],
        "command": "k2brief build",
        "edits": edits,
        "errors": [],
    }


def test_change_section_compares_what_was_rebuilt_with_what_depends() -> None:
    text = bench_change.render_change(change_result(["briefing"]))
    assert "| notes | briefing | briefing | 15.00 s (15.00 – 15.00 s) | **met** |" in text
    text = bench_change.render_change(change_result(["briefing", "handout", "comparison-chart"]))
    assert "| notes | briefing | briefing, handout, comparison-chart |" in text
    assert text.count("**missed**") == 1


def growth_result(pages_at_largest: int, peak: int) -> dict:
    def size(foods: int, studies: int, seconds: float, pages: int = 11) -> dict:
        counts = {"briefing": pages, "handout": 2, "comparison-chart": 1}
        one = run(seconds, pages=counts) | {"max_rss_bytes": peak}
        where = {"foods": foods, "studies": studies, "folder": "bench-data/x"}
        return where | {"csv_bytes": 10**6, "generate_seconds": None, "runs": [one]}

    return {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": MACHINE,
        "load_average_after": [0.5, 0.5, 0.5],
        "command": "k2brief build --jobs 1",
        "series": {"foods": [[1000, 10], [10000, 10]], "studies": [[1000, 10], [1000, 100]]},
        "baseline": [run(20.0)],
        "sets": [
            size(1000, 10, 21.0),
            size(10000, 10, 22.0),
            size(1000, 100, 40.0, pages_at_largest),
        ],
        "errors": [],
    }


def test_growth_renders_a_table_per_series_and_the_targets() -> None:
    text = bench_growth.render_growth(growth_result(11, 400_000_000))
    assert "Growing foods (10 studies):" in text
    assert "Growing studies (1,000 foods):" in text
    assert "| 10,000-food build ≤ bundled-data build + 3 s = 23.00 s | 22.00 s: **met** |" in text
    assert "| largest 400.0 MB: **met** |" in text
    assert "studies series (vs 10 studies) | **met** |" in text
    assert "| 111.1 ms ± " in text  # (22 - 21) s over 9,000 foods, per 1,000 foods
    assert "**not measured** (needs three sizes)" in text


def test_growth_reports_changed_page_counts_and_too_much_memory() -> None:
    text = bench_growth.render_growth(growth_result(154, 2_000_000_000))
    assert "briefing 154 / handout 2 / chart 1 (differs)" in text
    assert "studies series (vs 10 studies) | **missed** |" in text
    assert "| largest 2,000.0 MB: **missed** |" in text


def test_the_document_lists_every_section_and_what_is_missing() -> None:
    text = bench.render_doc({"build": build_result(20.0, 12.0, 0.2, "up to date")})
    for section in bench.SECTIONS.values():
        assert f"## {section.title}" in text
    assert text.count("Not measured yet.") == 6  # validate, floor, engine, change, growth, serve


def test_build_and_change_sections_run_end_to_end_on_a_fake_k2brief(
    tmp_path: Path, fake_k2brief: str, small_data: Path
) -> None:
    results, doc = tmp_path / "r.json", tmp_path / "b.md"
    argv = ["--only", "build", "change", "--runs", "2", "--k2brief", fake_k2brief]
    argv += ["--data", str(small_data), "--results", str(results), "--doc", str(doc)]
    assert bench.main(argv) == 0
    stored = json.loads(results.read_text(encoding="utf-8"))
    assert [len(stored["build"][k]) for k in ("serial", "parallel", "noop")] == [2, 2, 2]
    assert {d["status"] for r in stored["build"]["noop"] for d in r["documents"].values()} == {
        "up to date"
    }
    assert stored["build"]["serial"][0]["pages"]["briefing"] == 20
    text = doc.read_text(encoding="utf-8")
    assert "## Parallel rendering" in text
    assert "| ≤ 0.65× |" in text
    # The fake rebuilds everything on any change, so the briefing-only edit is a miss.
    notes = next(line for line in text.splitlines() if line.startswith("| one evidence note"))
    assert "| briefing, handout, comparison-chart |" in notes
    assert "**missed**" in notes


def test_a_failing_build_makes_the_run_fail(tmp_path: Path, fake_k2brief: str, small_data: Path):
    (small_data / "fail").touch()
    argv = ["--only", "build", "--runs", "1", "--k2brief", fake_k2brief, "--data", str(small_data)]
    argv += ["--results", str(tmp_path / "r.json"), "--doc", str(tmp_path / "b.md")]
    assert bench.main(argv) == 1
    assert "exit status 1: error: the data is invalid" in (tmp_path / "b.md").read_text()
    stored = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["build"]
    assert stored["noop"] == []  # no no-op build on top of a failed one


def test_growth_reuses_generated_data_with_the_same_parameters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_growth, "BENCH_DATA", tmp_path)
    folder, seconds = bench_growth.dataset(300, 10, seed=1)
    assert seconds is not None
    assert (folder / "foods.csv").is_file()
    again, seconds = bench_growth.dataset(300, 10, seed=1)
    assert again == folder
    assert seconds is None
    _, seconds = bench_growth.dataset(300, 10, seed=2)
    assert seconds is not None


def test_growth_runs_every_size_on_a_fake_k2brief(
    tmp_path: Path, fake_k2brief: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_growth, "BENCH_DATA", tmp_path / "bench-data")
    argv = ["--only", "growth", "--runs", "1", "--k2brief", fake_k2brief]
    argv += ["--foods-sizes", "300", "600", "--studies-sizes", "10", "20", "--wide-sizes", "300"]
    argv += ["--results", str(tmp_path / "r.json"), "--doc", str(tmp_path / "b.md")]
    assert bench.main(argv) == 0
    stored = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["growth"]
    assert [(s["foods"], s["studies"], s.get("wide", False)) for s in stored["sets"]] == [
        (300, 10, False),
        (600, 10, False),
        (1000, 10, False),
        (1000, 20, False),
        (300, 10, True),
    ]
    wide, narrow = (
        tmp_path / "bench-data" / f"build-300-foods-10-studies{s}" for s in ("-wide", "")
    )
    assert (wide / "foods.csv").stat().st_size > 2 * (narrow / "foods.csv").stat().st_size
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "| 300-food wide build (" in text
    assert "Wide foods (long food names and notes" in text


def floor_result(ours: float, floor: float, found: bool = True) -> dict:
    check = {"expected": 21, "reported": 21 if found else 20, "missing": [], "unexpected": []}
    check["missing"] = [] if found else [["foods.csv", 2, 6, "type-error"]]
    runs = {"pyarrow": [run(floor)], "pandas": [run(2 * floor)], "k2brief": [run(ours, 1)]}
    entry = {
        "folder": "x",
        "foods_bytes": 100_000_000,
        "commands": {},
        "check": check | {"ok": found},
    }
    return {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": MACHINE,
        "load_average_after": [0.5, 0.5, 0.5],
        "rows": 1_000_000,
        "cores": 2,
        "imports": {name: [run(0.1)] for name in bench_floor.IMPORTS},
        "files": {"narrow": entry, "wide": entry | {"runs": runs}}
        | {"narrow": entry | {"runs": runs}},
        "correctness": {"ok": found},
    }


def test_floor_section_shows_each_reader_and_the_ratio_to_pyarrow() -> None:
    text = bench_floor.render_floor(floor_result(ours=0.9, floor=0.5))
    assert "| narrow, 1,000,000 rows, 100.0 MB | k2brief | 0.90 s (0.90 – 0.90 s) |" in text
    assert "| 1.80× | 0.90 s (1.80×) |" in text  # 0.9 s over the floor's 0.5 s, wall and CPU
    assert "| wide: k2brief validate ≤ 2× the pyarrow parse | 1.80×: **met** |" in text
    assert "| wide: stretch, ≤ 1.5× | 1.80×: **missed** |" in text
    assert "| narrow: peak memory ≤ 8× the file | 3.00×: **met** |" in text
    slow = bench_floor.render_floor(floor_result(ours=1.2, floor=0.5, found=False))
    assert "| narrow: k2brief validate ≤ 2× the pyarrow parse | 2.40×: **missed** |" in slow
    assert "**missed**: 21 planted, 20 reported, 1 missing, 0 unexpected" in slow


def test_floor_section_runs_the_real_readers_on_small_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench_floor, "BENCH_DATA", tmp_path / "bench-data")
    argv = ["--only", "floor", "--runs", "1", "--rows", "300", "--studies", "10"]
    argv += ["--results", str(tmp_path / "r.json"), "--doc", str(tmp_path / "b.md")]
    assert bench.main(argv) == 0
    stored = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["floor"]
    for entry in stored["files"].values():
        assert entry["check"]["ok"], entry["check"]
        assert {r["exit_code"] for r in entry["runs"]["pyarrow"] + entry["runs"]["pandas"]} == {0}
        assert [r["exit_code"] for r in entry["runs"]["k2brief"]] == [1]  # invalid data
    assert stored["files"]["wide"]["foods_bytes"] > 2 * stored["files"]["narrow"]["foods_bytes"]
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "| wide, 300 rows," in text
    assert "`import pandas` (pandas)" in text
    # Where the time goes: every stage of the validator, timed for both files.
    assert all(len(entry["stages"]) == 1 for entry in stored["files"].values())
    stage = next(line for line in text.splitlines() if line.startswith("| parsing: pyarrow"))
    assert stage.count(" s |") == 4  # wall and CPU, narrow and wide


@pytest.mark.pdf
def test_weasyprint_alone_reports_each_documents_pages(tmp_path: Path) -> None:
    page = tmp_path / "two-pages.html"
    page.write_text('<p>one</p><p style="break-before: page">two</p>', encoding="utf-8")
    python = bench_engine.python_of(str(bench_common.K2BRIEF))
    result = bench_engine.engine_alone(python, [page], tmp_path / "engine.json")
    assert result["exit_code"] == 0, result.get("stderr_tail")
    assert result["documents"]["two-pages"]["pages"] == 2
    assert result["documents"]["two-pages"]["bytes"] > 0


def test_the_chart_html_coupling_matches_the_pipeline() -> None:
    """The benchmark asks render_chart(document, tables, meta, settings).html; fail if it moves."""
    parameters = list(inspect.signature(render_chart).parameters)
    assert parameters == ["document", "tables", "meta", "settings"]
    assert "html" in {f.name for f in dataclasses.fields(ChartBuild)}


def test_the_serve_section_shows_html_and_pdf_times_against_the_target() -> None:
    from bench_serve import render_serve

    runs = [{"html": {"handout": 0.3}, "pdf": {"handout": 12.0}}] * 2
    runs += [{"html": {"handout": None}, "pdf": {"handout": 13.0}}]
    result = {
        "measured_at": "2026-01-01T00:00:00+00:00",
        "machine": {
            "cpu": "CPU",
            "cores": 2,
            "ram_gib": 4,
            "os": "OS",
            "python": "3.11",
            "versions": {},
            "commit": "abc",
            "load_average": [0.1, 0.1, 0.1],
        },
        "load_average_after": [0.1, 0.1, 0.1],
        "command": "k2brief serve",
        "edits": [{"label": "a food", "expected": ["handout"], "runs": runs}],
        "errors": [],
    }
    row = next(line for line in render_serve(result).splitlines() if line.startswith("| a food"))
    assert row == (
        "| a food | handout | 0.30 s (0.30 – 0.30 s) | 12.00 s (12.00 – 13.00 s) "
        "(1 run(s) timed out) | **met** |"
    )

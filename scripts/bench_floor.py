"""Benchmark section: k2brief validate beside the parse floor (pyarrow) and pandas, two files.

Each file (the narrow million-row foods.csv and a wide one with long free text, both with
the planted defects) is read by three whole processes, run in turn so that every command
sees the same drift in the machine's load: pyarrow alone parsing every column as a
string (the floor: nothing can validate a file faster than it can be parsed), pandas'
read_csv with every column as a string, and `k2brief validate`. The imports alone are
timed the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import gen_data
from bench_common import (
    BENCH_DATA,
    ROOT,
    busy_note,
    load_average,
    machine,
    mb,
    ratio,
    render_machine,
    runs_of,
    seconds_range,
    shown,
    spread,
    timed,
    times,
    verdict,
    wait_for_quiet,
)
from bench_validate import compare, reported_findings

TARGET_RATIO = 2.0
STRETCH_RATIO = 1.5
TARGET_MEMORY_RATIO = 8.0
FILES = {"narrow": False, "wide": True}  # label: generated with --wide
# The floor: pyarrow's multi-threaded reader, every column a string, quoted newlines allowed
# (the files have one), no cell made missing; a ragged row is skipped, not an error.
PYARROW = """
import sys
import pyarrow as pa, pyarrow.csv as csv
path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    names = next(__import__("csv").reader(f))
table = csv.read_csv(
    path,
    read_options=csv.ReadOptions(use_threads=True),
    parse_options=csv.ParseOptions(newlines_in_values=True, invalid_row_handler=lambda r: "skip"),
    convert_options=csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
    ),
)
print(table.num_rows)
"""
PANDAS = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False, on_bad_lines="skip")
print(len(frame))
"""
THREADS = {
    "pyarrow": "all cores (pyarrow's thread pool)",
    "pandas": "1 (pandas' C parser is single-threaded)",
    "k2brief": "all cores (byte scan, parse pieces and column checks in threads)",
}
IMPORTS = {
    "python": "pass",
    "pyarrow": "import pyarrow.csv",
    "pandas": "import pandas",
    "k2brief": "import pipeline.cli, pipeline.validate.package",
}


def commands(args: argparse.Namespace, folder: Path) -> dict[str, list[str]]:
    """Return the three commands that read one package's foods.csv, by name."""
    foods, data = shown(folder / "foods.csv"), shown(folder)
    return {
        "pyarrow": [sys.executable, "-c", PYARROW, foods],
        "pandas": [sys.executable, "-c", PANDAS, foods],
        "k2brief": [args.k2brief, "validate", "--data", data, "--format", "json"],
    }


def run_floor(args: argparse.Namespace) -> dict:
    """Generate both packages, then time every command on each, interleaved, args.runs times."""
    files = {}
    for label, wide in FILES.items():
        folder = BENCH_DATA / f"floor-{args.rows}-{label}"
        planted = gen_data.generate(
            folder, foods=args.rows, studies=args.studies, plant_errors=True, wide=wide
        )
        files[label] = {
            "folder": shown(folder),
            "foods_bytes": (folder / "foods.csv").stat().st_size,
            "expected": [[f.file, f.line, f.column, f.code] for f in planted],
            "commands": commands(args, folder),
            "runs": {name: [] for name in THREADS},
        }
    imports = {name: [] for name in IMPORTS}
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    scratch = BENCH_DATA / "floor-out"
    scratch.mkdir(parents=True, exist_ok=True)
    for _ in range(args.runs):
        for name, code in IMPORTS.items():
            run = timed([sys.executable, "-c", code], scratch / "import.out")
            imports[name].append(run.__dict__ | {"load": load_average()[0]})
        for label, entry in files.items():
            for name, argv in entry["commands"].items():
                run = timed(argv, scratch / f"{label}-{name}.out")
                entry["runs"][name].append(run.__dict__ | {"load": load_average()[0]})
    for label, entry in files.items():
        entry["check"] = _check(entry, scratch / f"{label}-k2brief.out")
        entry["stages"] = [_stages(ROOT / entry["folder"]) for _ in range(args.runs)]
        entry["commands"] = {n: _shown(argv) for n, argv in entry["commands"].items()}
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "rows": args.rows,
        "cores": os.cpu_count(),
        "imports": imports,
        "files": files,
        "correctness": {"ok": all(e["check"].get("ok") for e in files.values())},
    }


def _stages(folder: Path) -> dict:
    """Run the validator once with a timer around each stage (scripts/bench_stages.py)."""
    script = Path(__file__).with_name("bench_stages.py")
    done = subprocess.run(
        [sys.executable, str(script), str(folder)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout) | {"load": load_average()[0]}


def _check(entry: dict, output: Path) -> dict:
    """Compare the last k2brief report with the planted findings."""
    expected = [tuple(f) for f in entry.pop("expected")]
    try:
        return compare(expected, reported_findings(output.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        return {"ok": False, "error": f"output is not the agreed JSON report: {error!r}"}


def _shown(argv: list[str]) -> str:
    """Show a command with its inline script named, not printed."""
    if len(argv) > 2 and argv[1] == "-c":
        kind = "pyarrow" if "pyarrow" in argv[2] else "pandas"
        return f"python -c <{kind} script> {argv[3]}"
    return " ".join([shown(argv[0]), *argv[1:]])


def _wall(runs: list[dict]) -> dict | None:
    return spread([r["seconds"] for r in runs if r["exit_code"] in (0, 1)])


def _cpu(runs: list[dict]) -> float | None:
    found = spread([r["cpu_seconds"] for r in runs])
    return found["median"] if found else None


def _cpu_text(cpu: float | None, floor: float | None) -> str:
    if cpu is None:
        return "not measured"
    return f"{cpu:.2f} s ({cpu / floor:.2f}×)" if floor else f"{cpu:.2f} s"


def _loads(runs: list[dict]) -> str:
    loads = [r.get("load") for r in runs if r.get("load") is not None]
    return f"{min(loads):.1f} – {max(loads):.1f}" if loads else "not recorded"


def render_floor(r: dict) -> str:
    """Return the side-by-side section: per file, the three readers, ratios and targets."""
    lines = [
        f"Measured {r['measured_at']}, {runs_of(len(r['imports']['python']))} of each command, "
        "interleaved (each round runs the imports, then every reader of the narrow file, then "
        "of the wide one). Each is a whole process, interpreter start and imports included; "
        "wall time from spawn to exit, peak memory as the process's own maximum resident set "
        f"size. The machine has {r['cores']} cores. Threads: pyarrow uses {THREADS['pyarrow']}; "
        f"pandas {THREADS['pandas']}; k2brief {THREADS['k2brief']}. *CPU ÷ wall* shows how "
        "many cores each kept busy; CPU time (user and system, all threads) is the steadier "
        "figure on a shared machine, where a process waiting for a core adds wall time "
        "but no CPU time. The load column is the 1-minute load average before each "
        "run, lowest – highest.",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| file | reader | wall time, median (min – max) | CPU ÷ wall | peak memory | "
        "× pyarrow (wall) | CPU time, median (× pyarrow) | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for label, entry in r["files"].items():
        floor = _wall(entry["runs"]["pyarrow"])
        floor_cpu = _cpu(entry["runs"]["pyarrow"])
        size = f"{label}, {r['rows']:,} rows, {mb(entry['foods_bytes'])}"
        for name, runs in entry["runs"].items():
            w = _wall(runs)
            cpu = _cpu(runs)
            peak = max((x["max_rss_bytes"] for x in runs), default=0)
            share = f"{cpu / w['median']:.2f}" if w and cpu else "not measured"
            lines.append(
                f"| {size} | {name} | {seconds_range(w)} | {share} | {mb(peak)} "
                f"({peak / entry['foods_bytes']:.2f}× the file) | {times(ratio(w, floor))} "
                f"| {_cpu_text(cpu, floor_cpu)} | {_loads(runs)} |"
            )
        verdicts += _verdicts(label, entry, floor)
    lines += ["", *_import_table(r["imports"]), "", *_stage_table(r["files"])]
    lines += ["", "| target | result |", "|---|---|", *verdicts]
    return "\n".join(lines) + busy_note(r)


def _median(runs: list[dict], *keys: str) -> float | None:
    found = []
    for run in runs:
        value = run
        for key in keys:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        if isinstance(value, int | float):
            found.append(value)
    return statistics.median(found) if found else None


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:.3f} s"


def _stage_table(files: dict) -> list[str]:
    """Return where k2brief's time goes, per stage and file: medians of the profiled runs."""
    labels = list(files)
    profiled = {
        label: [s for s in entry.get("stages", []) if "error" not in s]
        for label, entry in files.items()
    }
    if not any(profiled.values()):
        return []
    count = max(len(p) for p in profiled.values())
    head = " | ".join(f"{label}: wall | {label}: CPU" for label in labels)
    lines = [
        f"Where k2brief's time goes: `scripts/bench_stages.py` runs the validator ("
        f"{runs_of(count)} per file) with a timer around each stage (medians). *Wall* is the "
        "stage's own time; *CPU* is every thread's CPU time while it ran (above its wall time "
        "where the stage runs on several cores). The parts below the line run in threads, "
        "side by side, so they have CPU time only, summed over the threads.",
        "",
        f"| stage | {head} |",
        "|---|" + "---|" * (2 * len(labels)),
    ]

    def row(name: str, *keys: str, cpu: tuple[str, ...] | None = None) -> str:
        cells = []
        for label in labels:
            runs = profiled[label]
            cells += [_s(_median(runs, *keys)), _s(_median(runs, *(cpu or ())) if cpu else None)]
        return f"| {name} | " + " | ".join(cells) + " |"

    lines.append(row("start-up and imports", "imports_s"))
    first = profiled[labels[0]][0] if profiled[labels[0]] else {}
    for stage in first.get("stages", {}):
        lines.append(row(stage, "stages", stage, "wall_s", cpu=("stages", stage, "cpu_s")))
    lines.append(row("**validation, whole**", "validate_s", cpu=("validate_cpu_s",)))
    lines.append(row("writing the JSON report", "report_s"))
    for part in first.get("parts", {}):
        lines.append(row(f"↳ {part}", "parts", part, "none", cpu=("parts", part, "cpu_s")))
    return lines


def _verdicts(label: str, entry: dict, floor: dict | None) -> list[str]:
    ours = entry["runs"]["k2brief"]
    share = ratio(_wall(ours), floor)
    peak = max((x["max_rss_bytes"] for x in ours), default=0) / entry["foods_bytes"]
    check = entry["check"]
    found = (
        f"{check['expected']} planted, {check['reported']} reported, "
        f"{len(check['missing'])} missing, {len(check['unexpected'])} unexpected"
        if "error" not in check
        else check["error"]
    )
    limit = None if share is None else share <= TARGET_RATIO
    stretch = None if share is None else share <= STRETCH_RATIO
    return [
        f"| {label}: k2brief validate ≤ {TARGET_RATIO:.0f}× the pyarrow parse "
        f"| {times(share)}: {verdict(limit)} |",
        f"| {label}: stretch, ≤ {STRETCH_RATIO}× | {times(share)}: {verdict(stretch)} |",
        f"| {label}: peak memory ≤ {TARGET_MEMORY_RATIO:.0f}× the file "
        f"| {peak:.2f}×: {verdict(peak <= TARGET_MEMORY_RATIO)} |",
        f"| {label}: every planted error found, nothing else "
        f"| {verdict(check.get('ok', False))}: {found} |",
    ]


def _import_table(imports: dict[str, list[dict]]) -> list[str]:
    lines = [
        "Start-up and imports alone (`python -c CODE`), the part of each figure above "
        "that does not depend on the file:",
        "",
        "| code | wall time, median (min – max) |",
        "|---|---|",
    ]
    for name, code in IMPORTS.items():
        lines.append(f"| `{code}` ({name}) | {seconds_range(_wall(imports[name]))} |")
    return lines

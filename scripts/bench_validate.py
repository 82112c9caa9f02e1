"""Benchmark section on validation: the whole command on a large foods.csv with planted errors."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import gen_data
from bench_common import BENCH_DATA, ROOT, machine, mb, render_machine, shown, timed, wait_for_quiet

TARGET_SECONDS = 2.0
TARGET_MEMORY_RATIO = 8.0
Finding = tuple[str, int, int | None, str]


def reported_findings(output: str) -> list[Finding]:
    """Return (file, line, column, code) for every finding in a k2brief JSON report."""
    report = json.loads(output)
    found = []
    for task in report["tasks"]:
        for error in task["errors"]:
            place = error.get("place") or task.get("place") or f"{error['table']}.csv"
            column = error.get("column", error.get("fieldNumber"))
            found.append((Path(place).name, error.get("line"), column, error["type"]))
    return found


def compare(expected: list[Finding], reported: list[Finding]) -> dict:
    """Return what was planted but not reported, and what was reported but not planted."""
    want, got = Counter(expected), Counter(reported)
    return {
        "expected": len(expected),
        "reported": len(reported),
        "missing": _in_order(want - got),
        "unexpected": _in_order(got - want),
        "ok": want == got,
    }


def _in_order(findings: Counter) -> list[list]:
    def key(f: Finding) -> tuple:
        return (str(f[0]), f[1] or 0, f[2] or 0, str(f[3]))

    return [list(f) for f in sorted(findings.elements(), key=key)]


def run_validate(args: argparse.Namespace) -> dict:
    """Generate the big package with planted errors, validate it args.runs times, check it."""
    folder = BENCH_DATA / f"validate-{args.rows}"
    start = time.perf_counter()
    planted = gen_data.generate(folder, foods=args.rows, studies=args.studies, plant_errors=True)
    generate_seconds = time.perf_counter() - start
    expected = [(f.file, f.line, f.column, f.code) for f in planted]
    argv = [args.k2brief, "validate", "--data", str(folder.relative_to(ROOT)), "--format", "json"]
    stdout = folder.parent / f"validate-{args.rows}.json"
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    runs = [timed(argv, stdout) for _ in range(args.runs)]
    output = stdout.read_text(encoding="utf-8", errors="replace")
    try:
        check = compare(expected, reported_findings(output))
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        stderr = stdout.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
        check = {
            "ok": False,
            "error": f"output is not the agreed JSON report: {error!r}",
            "stdout_head": output[:1000],
            "stderr_tail": stderr[-2000:],
        }
    foods_bytes = (folder / "foods.csv").stat().st_size
    times = [r.seconds for r in runs]
    peak = max(r.max_rss_bytes for r in runs)
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "command": " ".join([shown(args.k2brief), *argv[1:]]),
        "rows": args.rows,
        "studies": args.studies,
        "foods_bytes": foods_bytes,
        "package_bytes": sum(p.stat().st_size for p in folder.glob("*.csv")),
        "generate_seconds": round(generate_seconds, 2),
        "runs": [r.__dict__ for r in runs],
        "median_s": statistics.median(times),
        "median_cpu_s": statistics.median(r.cpu_seconds for r in runs),
        "min_s": min(times),
        "max_s": max(times),
        "rows_per_s": args.rows / statistics.median(times),
        "peak_rss_bytes": peak,
        "rss_ratio": peak / foods_bytes,
        "exit_codes": sorted({r.exit_code for r in runs}),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "correctness": check,
    }


def _met(ok: bool, ran: bool = True) -> str:
    if not ran:
        return "**not measured**: the command did not produce a report"
    return "**met**" if ok else "**missed**"


def render_validate(r: dict) -> str:
    """Return the validation section of docs/benchmarks.md."""
    check = r["correctness"]
    ran = "error" not in check  # a crash is fast and small, and proves nothing
    time_ok = r["median_s"] <= TARGET_SECONDS
    memory_ok = r["rss_ratio"] <= TARGET_MEMORY_RATIO
    runs = ", ".join(f"{x['seconds']:.2f}" for x in r["runs"])
    lines = [
        f"Measured {r['measured_at']}: `{r['command']}` run {len(r['runs'])} times as a "
        "separate process (interpreter start included); wall time from spawn to exit, peak "
        "memory as the child's own maximum resident set size (`wait4`).",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| figure | value |",
        "|---|---|",
        f"| foods.csv | {r['rows']:,} rows, {mb(r['foods_bytes'])} |",
        f"| whole package | {r['studies']:,} studies, {mb(r['package_bytes'])} of CSV |",
        f"| wall time, median (min – max) | {r['median_s']:.2f} s "
        f"({r['min_s']:.2f} – {r['max_s']:.2f} s) |",
        f"| every run | {runs} s |",
        f"| CPU time (user + system), median | {r['median_cpu_s']:.2f} s |",
        f"| throughput (median) | {r['rows_per_s']:,.0f} rows/s |",
        f"| peak RSS | {mb(r['peak_rss_bytes'])}, {r['rss_ratio']:.2f}× foods.csv |",
        f"| exit status | {', '.join(map(str, r['exit_codes']))} (1 = invalid data, expected) |",
        f"| generating the data | {r['generate_seconds']:.1f} s (not part of the timing) |",
        "",
        "| target | result |",
        "|---|---|",
        f"| whole command ≤ {TARGET_SECONDS:.0f} s (≥ {r['rows'] / TARGET_SECONDS:,.0f} rows/s) "
        f"| {r['median_s']:.2f} s: {_met(time_ok, ran)} |",
        f"| peak memory ≤ {TARGET_MEMORY_RATIO:.0f}× file size "
        f"({mb(TARGET_MEMORY_RATIO * r['foods_bytes'])}) | {r['rss_ratio']:.2f}×: "
        f"{_met(memory_ok, ran)} |",
        f"| every planted error found, nothing else | {_check_summary(check)} |",
    ]
    busy = r["machine"]["load_average"][0] > r["machine"]["cores"]
    note = (
        "\n\nThe machine was busy with other work (load average above its core count), so "
        "these wall times are inflated; the CPU time is the steadier figure."
        if busy
        else ""
    )
    return "\n".join(lines) + note + _check_details(check)


def _check_summary(check: dict) -> str:
    if "error" in check:
        return f"**failed**: {check['error']}"
    verdict = "**met**" if check["ok"] else "**missed**"
    return (
        f"{verdict}: {check['expected']} planted, {check['reported']} reported, "
        f"{len(check['missing'])} missing, {len(check['unexpected'])} unexpected"
    )


def _check_details(check: dict) -> str:
    if "error" in check:
        tail = check.get("stderr_tail", "").strip().splitlines()[-8:]
        return "\n\nThe command's last lines on stderr:\n\n```\n" + "\n".join(tail) + "\n```"
    if check["ok"]:
        return ""
    rows = [
        f"| {kind} | {f[0]} | {f[1]} | {f[2]} | {f[3]} |"
        for kind in ("missing", "unexpected")
        for f in check[kind][:50]
    ]
    head = [
        "",
        "",
        "Differences (file, line, column, code):",
        "",
        "| | file | line | column | code |",
        "|---|---|---|---|---|",
    ]
    return "\n".join(head + rows)

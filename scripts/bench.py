"""Measure k2brief and write docs/benchmarks.md: python scripts/bench.py [--only SECTION ...].

Each section measures one thing and stores its raw figures in docs/bench-results.json, so a
partial run keeps the other sections' latest results; docs/benchmarks.md is then rebuilt from
all of them. Generated data goes to bench-data/ (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_data

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATA = ROOT / "bench-data"
RESULTS = ROOT / "docs" / "bench-results.json"
DOC = ROOT / "docs" / "benchmarks.md"
K2BRIEF = ROOT / ".venv" / "bin" / "k2brief"
TARGET_SECONDS = 2.0
TARGET_MEMORY_RATIO = 8.0
Finding = tuple[str, int, int | None, str]


@dataclass(frozen=True)
class Run:
    """One timed child process: wall and CPU time, peak resident memory and exit status."""

    seconds: float
    cpu_seconds: float
    max_rss_bytes: int
    exit_code: int


@dataclass(frozen=True)
class Section:
    """One part of the benchmark: how to measure it and how to show its results."""

    title: str
    run: Callable[[argparse.Namespace], dict]
    render: Callable[[dict], str]


def _field(path: Path, name: str, sep: str) -> str:
    """Return the first value of `name` in a key-value file such as /proc/cpuinfo."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return "unknown"
    values = [ln.split(sep, 1)[1].strip() for ln in lines if ln.split(sep, 1)[0].strip() == name]
    return values[0].strip('"') if values else "unknown"


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def machine() -> dict:
    """Describe the machine, the software and the k2brief commit being measured."""
    ram_kb = _field(Path("/proc/meminfo"), "MemTotal", ":").split()[0]
    os_name = _field(Path("/etc/os-release"), "PRETTY_NAME", "=")
    dirty = _git("status", "--porcelain", "--", "pipeline", "pyproject.toml").splitlines()
    changed = ", ".join(line.split(maxsplit=1)[1] for line in dirty)
    return {
        "cpu": _field(Path("/proc/cpuinfo"), "model name", ":"),
        "cores": os.cpu_count(),
        "ram_gib": round(int(ram_kb) / 1024**2, 1) if ram_kb.isdigit() else None,
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "versions": {p: metadata.version(p) for p in ("pandas", "pyarrow", "numpy")},
        "commit": _git("rev-parse", "--short", "HEAD")
        + (f" + uncommitted changes to {changed}" if dirty else ""),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# A small launcher process runs the command: a child's peak RSS counts the memory of the
# process it was forked from, so forking from this (large) benchmark process would inflate it.
LAUNCHER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps([seconds, cpu, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)]))
"""


def timed(argv: list[str], stdout: Path) -> Run:
    """Run argv with output to files; return its wall time and its own peak RSS."""
    stderr = stdout.with_suffix(".stderr")
    launcher = [sys.executable, "-I", "-c", LAUNCHER, str(stdout), str(stderr), *argv]
    done = subprocess.run(launcher, cwd=ROOT, capture_output=True, text=True, check=True)
    return Run(*json.loads(done.stdout))


def wait_for_quiet(below: float | None, patience: float) -> None:
    """Wait, up to patience seconds, until the 1-minute load average drops below a level."""
    deadline = time.monotonic() + patience
    while below is not None and os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(10)


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
        "command": " ".join([_shown(args.k2brief), *argv[1:]]),
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


def _shown(path: str) -> str:
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else path


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def _met(ok: bool, ran: bool = True) -> str:
    if not ran:
        return "**not measured**: the command did not produce a report"
    return "**met**" if ok else "**missed**"


def render_machine(m: dict) -> str:
    """Return the machine and software a section was measured on, as a Markdown list."""
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    return "\n".join(
        [
            f"- Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM",
            f"- OS: {m['os']}; Python {m['python']}; {versions}",
            f"- k2brief commit: `{m['commit']}`",
            f"- Load average when the run started (1, 5, 15 min): {m['load_average']}",
        ]
    )


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
        f"| foods.csv | {r['rows']:,} rows, {_mb(r['foods_bytes'])} |",
        f"| whole package | {r['studies']:,} studies, {_mb(r['package_bytes'])} of CSV |",
        f"| wall time, median (min – max) | {r['median_s']:.2f} s "
        f"({r['min_s']:.2f} – {r['max_s']:.2f} s) |",
        f"| every run | {runs} s |",
        f"| CPU time (user + system), median | {r['median_cpu_s']:.2f} s |",
        f"| throughput (median) | {r['rows_per_s']:,.0f} rows/s |",
        f"| peak RSS | {_mb(r['peak_rss_bytes'])}, {r['rss_ratio']:.2f}× foods.csv |",
        f"| exit status | {', '.join(map(str, r['exit_codes']))} (1 = invalid data, expected) |",
        f"| generating the data | {r['generate_seconds']:.1f} s (not part of the timing) |",
        "",
        "| target | result |",
        "|---|---|",
        f"| whole command ≤ {TARGET_SECONDS:.0f} s (≥ {r['rows'] / TARGET_SECONDS:,.0f} rows/s) "
        f"| {r['median_s']:.2f} s: {_met(time_ok, ran)} |",
        f"| peak memory ≤ {TARGET_MEMORY_RATIO:.0f}× file size "
        f"({_mb(TARGET_MEMORY_RATIO * r['foods_bytes'])}) | {r['rss_ratio']:.2f}×: "
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


SECTIONS = {
    "validate": Section(
        "Validation: the whole command on a large foods.csv", run_validate, render_validate
    ),
}

INTRO = """# Benchmarks

Measured by `make bench` (`scripts/bench.py`); regenerate with `make bench`, or one section
with `.venv/bin/python scripts/bench.py --only validate`. Raw figures are in
`docs/bench-results.json`. The data is synthetic and deterministic: `scripts/gen_data.py`
writes a valid package of any size and, with `--plant-errors`, a known set of defects
(decimal comma, unit in a number, non-breaking space, NaN, infinity, thousands separator,
negative amount, bad enum, Greek mu for the micro sign, blank required cell, duplicate
primary key, unknown and composite foreign keys, ragged row, formula-like text, and
cross-field rules in studies) spread over the start, middle and end of the file, with a quoted
newline near the top so that physical line numbers differ from row numbers. Timings depend on
what else the machine is doing; the load average is recorded with each section.
"""


def render_doc(results: dict) -> str:
    """Return docs/benchmarks.md from the latest results of every section."""
    parts = [INTRO]
    for name, section in SECTIONS.items():
        body = section.render(results[name]) if name in results else "Not measured yet."
        parts.append(f"## {section.title}\n\n{body}\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, store their figures and rewrite docs/benchmarks.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), default=list(SECTIONS))
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in foods.csv")
    parser.add_argument("--studies", type=int, default=1000, help="rows in studies.csv")
    parser.add_argument("--quiet-below", type=float, help="wait for a load average below this")
    parser.add_argument("--quiet-wait", type=float, default=600, help="at most this many seconds")
    parser.add_argument("--k2brief", default=str(K2BRIEF), help="the command to measure")
    parser.add_argument("--render-only", action="store_true", help="rebuild the doc, no runs")
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    failed = False
    for name in [] if args.render_only else args.only:
        print(f"bench: {name} ...", flush=True)
        results[name] = SECTIONS[name].run(args)
        failed |= not results[name].get("correctness", {}).get("ok", True)
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    DOC.write_text(render_doc(results), encoding="utf-8")
    print(render_doc({k: v for k, v in results.items() if k in args.only}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

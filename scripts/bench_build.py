"""Benchmark sections on whole builds of the bundled data: cold, parallel and no-op."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench_common import (
    at_most,
    busy_note,
    load_average,
    machine,
    manifest_pages,
    parse_summary,
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

NOOP_TARGET_S = 0.3
PARALLEL_TARGET = 0.65


def build_argv(k2brief: str, data: Path, out: Path, jobs: int | None) -> list[str]:
    """Return the build command; no --jobs means k2brief's default (all cores)."""
    argv = [k2brief, "build", "--data", str(data), "--out", str(out)]
    return argv + (["--jobs", str(jobs)] if jobs else [])


def shown_command(k2brief: str, data: Path, jobs: int | None, out: str = "<empty dir>") -> str:
    """Return the build command as the results show it."""
    argv = build_argv(shown(k2brief), Path(shown(data)), Path(out), jobs)
    return " ".join(str(a) for a in argv)


def build_once(k2brief: str, data: Path, out: Path, jobs: int | None, log: Path) -> dict:
    """Run one build; return its timing, each document's status and the pages written."""
    run = timed(build_argv(k2brief, data, out, jobs), log)
    result = run.__dict__ | {"documents": parse_summary(log.read_text(encoding="utf-8"))}
    manifest = out / "manifest.json"
    if manifest.is_file():
        result["pages"] = manifest_pages(json.loads(manifest.read_text(encoding="utf-8")))
    if run.exit_code != 0:
        stderr = log.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace")
        result["stderr_tail"] = " / ".join(stderr.strip().splitlines()[-8:])
    return result


def cold_build(k2brief: str, data: Path, jobs: int | None, scratch: Path) -> tuple[dict, Path]:
    """Build into a new empty folder under scratch; return the run and that folder."""
    out = Path(tempfile.mkdtemp(prefix="out-", dir=scratch))
    return build_once(k2brief, data, out, jobs, out.with_suffix(".log")), out


def succeeded(runs: list[dict]) -> list[dict]:
    """Return the runs that exited without error."""
    return [run for run in runs if run["exit_code"] == 0]


def wall(runs: list[dict]) -> dict | None:
    """Return the spread of wall times of the runs that succeeded."""
    return spread([r["seconds"] for r in succeeded(runs)])


def failures(label: str, runs: list[dict]) -> list[str]:
    """Describe every run that exited with an error, with the end of its stderr."""
    return [
        f"{label}: exit status {r['exit_code']}: {r.get('stderr_tail', '')}"
        for r in runs
        if r["exit_code"] != 0
    ]


def rebuilt(run: dict) -> list[str]:
    """Return the documents a build reports as built (not up to date)."""
    return [name for name, doc in run["documents"].items() if doc["status"] == "built"]


def run_build(args: argparse.Namespace) -> dict:
    """Time cold serial, cold parallel and no-op builds of the bundled data, interleaved."""
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    serial, parallel, noop = [], [], []
    with tempfile.TemporaryDirectory(prefix="k2brief-bench-") as tmp:
        scratch = Path(tmp)
        # Interleaved, so a change in the machine's load touches every kind of run alike.
        for _ in range(args.runs):
            run, out = cold_build(args.k2brief, args.data, 1, scratch)
            serial.append(run)
            if run["exit_code"] == 0:  # after a failed build there is nothing to be up to date
                log = out.with_suffix(".noop.log")
                noop.append(build_once(args.k2brief, args.data, out, 1, log))
            parallel.append(cold_build(args.k2brief, args.data, args.jobs, scratch)[0])
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "jobs": args.jobs,
        "commands": {
            "serial": shown_command(args.k2brief, args.data, 1),
            "parallel": shown_command(args.k2brief, args.data, args.jobs),
            "noop": shown_command(args.k2brief, args.data, 1, "<the serial build's dir>"),
        },
        "serial": serial,
        "parallel": parallel,
        "noop": noop,
        "errors": failures("serial", serial)
        + failures("parallel", parallel)
        + failures("no-op", noop),
    }


def render_build(r: dict) -> str:
    """Return the build section: cold serial and parallel builds and the no-op build."""
    serial, parallel, noop = wall(r["serial"]), wall(r["parallel"]), wall(r["noop"])
    redone = sorted({name for run in r["noop"] for name in rebuilt(run)})
    noop_ok = at_most(noop["median"] if noop else None, NOOP_TARGET_S)
    noop_note = ""
    if redone:
        noop_ok, noop_note = False, f" (but it rebuilt {', '.join(redone)})"
    c = r["commands"]
    lines = [
        f"Measured {r['measured_at']}, {runs_of(len(r['serial']))} of each, interleaved. Wall time "
        "of the whole command, from spawn to exit (interpreter start included), each cold "
        "build into a new empty folder; the no-op build runs again on the serial build's folder "
        "with nothing changed.",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        "",
        "| build | command | wall time, median (min – max) | target | result |",
        "|---|---|---|---|---|",
        f"| cold, serial | `{c['serial']}` | {seconds_range(serial)} | no target | |",
        f"| cold, parallel ({r['jobs']} jobs) | `{c['parallel']}` | {seconds_range(parallel)} "
        "| see *Parallel rendering* below | |",
        f"| no-op (nothing changed) | `{c['noop']}` | {seconds_range(noop)} "
        f"| ≤ {NOOP_TARGET_S} s | {verdict(noop_ok)}{noop_note} |",
    ]
    docs = _per_document(r["serial"])
    if docs:
        lines += ["", "Seconds per document in the serial cold build (the build's own summary):"]
        lines += ["", "| document | pages | seconds, median (min – max) |", "|---|---|---|"]
        lines += [f"| {name} | {pages} | {seconds_range(s)} |" for name, pages, s in docs]
    return "\n".join(lines) + busy_note(r) + render_errors(r["errors"])


def _per_document(runs: list[dict]) -> list[tuple[str, object, dict | None]]:
    """Return each document's pages and the spread of its seconds over successful runs."""
    good = succeeded(runs)
    names = list(good[0]["documents"]) if good else []
    return [
        (
            name,
            good[0]["documents"][name]["pages"],
            spread([run["documents"][name]["seconds"] for run in good]),
        )
        for name in names
    ]


def whole_document_bound(r: dict) -> tuple[str, float] | None:
    """Return the longest document and the fastest any build rendering whole documents can be.

    A document lays out in one process, so however many cores there are, a build takes at
    least its serial time less every document's time except the longest one's.
    """
    serial = wall(r["serial"])
    docs = _per_document(r["serial"])
    medians = {name: s["median"] for name, _, s in docs if s}
    if not serial or not medians:
        return None
    longest = max(medians, key=medians.__getitem__)
    return longest, serial["median"] - sum(medians.values()) + medians[longest]


def render_parallel(r: dict) -> str:
    """Return the parallel section: cold parallel over cold serial wall time, and its bound."""
    serial, parallel = wall(r["serial"]), wall(r["parallel"])
    share = ratio(parallel, serial)
    lines = [
        f"From the *Build* section's runs ({r['measured_at']}, "
        f"{runs_of(len(r['serial']))} each, {r['machine']['cores']} cores): the cold build "
        f"with `--jobs {r['jobs']}` over the cold build with `--jobs 1`, medians.",
        "",
        "| figure | serial | parallel | ratio | target | result |",
        "|---|---|---|---|---|---|",
        f"| cold build wall time | {seconds_range(serial)} | {seconds_range(parallel)} "
        f"| {times(share)} | ≤ {PARALLEL_TARGET:.2f}× "
        f"| {verdict(at_most(share, PARALLEL_TARGET))} |",
    ]
    bound = whole_document_bound(r)
    if bound and serial:
        longest, least = bound
        lines.append(
            f"| least possible with one process per document: the serial build less every "
            f"document but the longest ({longest}) | {serial['median']:.2f} s "
            f"| {least:.2f} s | {times(least / serial['median'])} | | |"
        )
    return "\n".join(lines)


def render_errors(errors: list[str]) -> str:
    """List the runs that failed, so a missing figure is explained."""
    if not errors:
        return ""
    shown_errors = "\n".join(f"- {e}" for e in errors[:10])
    return f"\n\nRuns that failed (left out of the figures):\n\n{shown_errors}"


def default_jobs() -> int:
    """Return the parallel job count: the number of cores."""
    return os.cpu_count() or 1

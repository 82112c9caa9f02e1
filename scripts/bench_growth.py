"""Benchmark section on growth: cold builds of generated data from small to very large."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import gen_data
from bench_build import cold_build, failures, render_errors, shown_command, wall
from bench_common import (
    BENCH_DATA,
    ROOT,
    at_most,
    busy_note,
    load_average,
    machine,
    mb,
    render_machine,
    runs_of,
    seconds_range,
    shown,
    verdict,
    wait_for_quiet,
)

FOODS_SIZES = (1_000, 10_000, 100_000, 1_000_000)
WIDE_SIZES = (1_000_000,)  # foods with long free text (gen_data --wide), beside the series
STUDIES_SIZES = (10, 100, 1_000)
FOODS_SERIES_STUDIES = 10  # studies while foods grow
STUDIES_SERIES_FOODS = 1_000  # foods while studies grow
EXTRA_SECONDS = 3.0  # the largest foods build may take this much longer than the bundled one
PEAK_LIMIT_BYTES = 1.5e9
STEEPER = 2.0  # a step may cost this many times the previous step per row and still be flat
NOISE_FLOOR = 0.05  # the least run-to-run noise assumed, as a share of the build time
SHORT = {"briefing": "briefing", "handout": "handout", "comparison-chart": "chart"}
# Time per added row is shown per 1,000 foods (a food row costs little) and per study.
UNITS = {"foods": (1000, "1,000 added foods"), "studies": (1, "added study")}


def generator_hash() -> str:
    """Hash what decides the generated data, so a changed generator regenerates it."""
    digest = hashlib.sha256()
    for path in [*sorted((ROOT / "scripts").glob("gen_*.py")), ROOT / "data/datapackage.json"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def dataset(foods: int, studies: int, seed: int, wide: bool = False) -> tuple[Path, float | None]:
    """Return a generated package's folder, generating it unless the same one is there."""
    folder = BENCH_DATA / f"build-{foods}-foods-{studies}-studies{'-wide' * wide}"
    stamp = folder.with_suffix(".params.json")
    params = {"foods": foods, "studies": studies, "seed": seed, "generator": generator_hash()}
    params |= {"wide": True} if wide else {}
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == params:
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    gen_data.generate(folder, foods=foods, studies=studies, seed=seed, wide=wide)
    seconds = time.perf_counter() - start
    stamp.write_text(json.dumps(params) + "\n", encoding="utf-8")
    return folder, seconds


def series(foods_sizes: list[int], studies_sizes: list[int]) -> dict[str, list[tuple[int, int]]]:
    """Return the (foods, studies) pairs of each series, smallest first."""
    return {
        "foods": [(n, FOODS_SERIES_STUDIES) for n in sorted(foods_sizes)],
        "studies": [(STUDIES_SERIES_FOODS, m) for m in sorted(studies_sizes)],
    }


def generated_sets(
    pairs: dict[str, list[tuple[int, int]]], seed: int, wide: tuple[int, ...] = ()
) -> list[dict]:
    """Generate (or reuse) each size's package once; return one entry per size, no runs yet."""
    sets = []
    plain = [(*pair, False) for pair in dict.fromkeys(p for ps in pairs.values() for p in ps)]
    for foods, studies, is_wide in plain + [(n, FOODS_SERIES_STUDIES, True) for n in wide]:
        folder, seconds = dataset(foods, studies, seed, is_wide)
        csv_bytes = sum(p.stat().st_size for p in folder.glob("*.csv"))
        sets.append({"foods": foods, "studies": studies, "folder": shown(folder)})
        sets[-1] |= {"csv_bytes": csv_bytes, "generate_seconds": seconds, "runs": []}
        sets[-1] |= {"wide": True} if is_wide else {}
    return sets


def run_growth(args: argparse.Namespace) -> dict:
    """Time serial cold builds of the bundled data and of every generated size, interleaved."""
    pairs = series(args.foods_sizes, args.studies_sizes)
    sets = generated_sets(pairs, args.seed, tuple(getattr(args, "wide_sizes", ())))
    wait_for_quiet(args.quiet_below, args.quiet_wait)
    before = machine()
    baseline: list[dict] = []
    queue = [(args.data, baseline)] + [(ROOT / s["folder"], s["runs"]) for s in sets]
    with tempfile.TemporaryDirectory(prefix="k2brief-bench-") as tmp:
        for _ in range(args.runs):
            # Interleaved: every size sees the same drift in the machine's load.
            for data, runs in queue:
                run, out = cold_build(args.k2brief, data, 1, Path(tmp))
                runs.append(run)
                shutil.rmtree(out)
    errors = failures("bundled data", baseline)
    for s in sets:
        label = f"{s['foods']} {'wide ' * s.get('wide', False)}foods, {s['studies']} studies"
        errors += failures(label, s["runs"])
    return {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": load_average(),
        "command": shown_command(args.k2brief, Path("<data>"), 1),
        "series": {name: [list(p) for p in ps] for name, ps in pairs.items()},
        "baseline": baseline,
        "sets": sets,
        "errors": errors,
    }


def steps(points: list[tuple[int, dict]]) -> list[dict]:
    """Return the added seconds per added row between consecutive sizes, with their noise."""
    found = []
    for (n0, s0), (n1, s1) in pairwise(points):
        added = n1 - n0
        noise = max(s0["max"] - s0["min"] + s1["max"] - s1["min"], NOISE_FLOOR * s1["median"])
        found.append(
            {
                "per_row": (s1["median"] - s0["median"]) / added,
                "noise_per_row": noise / added,
            }
        )
    return found


def is_flat(found: list[dict]) -> bool | None:
    """Tell whether no step costs over STEEPER times the previous one per row, noise allowed."""
    if len(found) < 2:
        return None
    return all(
        b["per_row"] - b["noise_per_row"] <= STEEPER * max(a["per_row"] + a["noise_per_row"], 0.0)
        for a, b in pairwise(found)
    )


def pages_of(runs: list[dict]) -> dict | None:
    """Return the page counts of the first successful run."""
    return next((r.get("pages") for r in runs if r["exit_code"] == 0), None)


def _pages_text(pages: dict | None) -> str:
    """Show page counts in build order: 'briefing 20 / handout 2 / chart 1'."""
    if not pages:
        return "not measured"
    ordered = [k for k in SHORT if k in pages] + [k for k in pages if k not in SHORT]
    return " / ".join(f"{SHORT.get(k, k)} {pages[k]}" for k in ordered)


def _ms(seconds_per_row: float, per: int) -> str:
    return f"{seconds_per_row * per * 1000:,.1f} ms"


def _series_table(name: str, sets: list[dict]) -> tuple[list[str], list[dict]]:
    """Return a series' table and its steps; sizes whose builds all failed are left out."""
    index = 0 if name == "foods" else 1
    per, per_label = UNITS[name]
    measured = [(s, wall(s["runs"])) for s in sets]
    points = [((s["foods"], s["studies"])[index], w) for s, w in measured if w]
    found = steps(points)
    step_of = {n: step for (n, _), step in zip(points[1:], found, strict=True)}
    smallest = pages_of(sets[0]["runs"]) if sets else None
    lines = [
        f"| {name} | CSV in the package | wall time, median (min – max) "
        f"| time per {per_label} (from the size above) | peak memory | pages |",
        "|---|---|---|---|---|---|",
    ]
    for s, w in measured:
        n = (s["foods"], s["studies"])[index]
        step = step_of.get(n)
        added = (
            ""
            if step is None
            else f"{_ms(step['per_row'], per)} ± {_ms(step['noise_per_row'], per)}"
        )
        peak = max((r["max_rss_bytes"] for r in s["runs"] if r["exit_code"] == 0), default=None)
        pages = pages_of(s["runs"])
        differs = " (differs)" if pages and smallest and pages != smallest else ""
        lines.append(
            f"| {n:,} | {mb(s['csv_bytes'])} | {seconds_range(w)} | {added} "
            f"| {'not measured' if peak is None else mb(peak)} | {_pages_text(pages)}{differs} |"
        )
    return lines, found


def _same_pages(sets: list[dict]) -> bool | None:
    pages = [pages_of(s["runs"]) for s in sets]
    if not pages or pages[0] is None:
        return None
    return all(p == pages[0] for p in pages if p is not None)


def render_growth(r: dict) -> str:
    """Return the growth section: a table per series, then the targets."""
    by_pair = {(s["foods"], s["studies"]): s for s in r["sets"] if not s.get("wide")}
    wide = [s for s in r["sets"] if s.get("wide")]
    base = wall(r["baseline"])
    lines = [
        f"Measured {r['measured_at']}, {runs_of(len(r['baseline']))} of each size, interleaved: "
        f"`{r['command']}` (one process, so its peak memory is the whole build's), each into a "
        "new empty folder. The data is generated by `scripts/gen_data.py` (valid, "
        "deterministic) into `bench-data/`. Peak memory is the build process's maximum "
        "resident set size; pages come from `manifest.json`. *Time per added row* is the "
        "extra wall time over the size above divided by the extra rows, ± the run-to-run "
        "spread of both sizes (at least 5% of the build time): it stays flat while the build "
        "grows linearly with the data.",
        "",
        render_machine(r["machine"]),
        f"- Load average when it ended: {r['load_average_after']}",
        f"- Bundled data (`data/`), for comparison: {seconds_range(base)}",
    ]
    verdicts = []
    for name, pairs in r["series"].items():
        sets = [by_pair[tuple(p)] for p in pairs]
        if not sets:
            continue
        fixed = f"{pairs[0][1]:,} studies" if name == "foods" else f"{pairs[0][0]:,} foods"
        table, found = _series_table(name, sets)
        lines += ["", f"Growing {name} ({fixed}):", "", *table]
        smallest = f"{pairs[0][0 if name == 'foods' else 1]:,}"
        verdicts += [
            f"| page counts identical across the {name} series (vs {smallest} {name}) "
            f"| {verdict(_same_pages(sets))} |",
            f"| time per row flat, {name} series (no step over {STEEPER:.0f}× the one before) "
            f"| {verdict(is_flat(found))}{'' if len(found) > 1 else ' (needs three sizes)'} |",
        ]
    if wide:
        table, _ = _series_table("foods", wide)
        lines += ["", "Wide foods (long food names and notes, `gen_data.py --wide`):", "", *table]
    size_rows = _size_verdicts(r, by_pair, base) + _wide_verdicts(wide, base)
    lines += ["", "| target | result |", "|---|---|", *size_rows, *verdicts]
    return "\n".join(lines) + busy_note(r) + render_errors(r["errors"])


def _wide_verdicts(wide: list[dict], base: dict | None) -> list[str]:
    """Return a target row per wide set: within the bundled build + EXTRA_SECONDS."""
    rows = []
    for s in wide:
        limit, value = _within_extra(wall(s["runs"]), base)
        rows.append(
            f"| {s['foods']:,}-food wide build ({mb(s['csv_bytes'])}) ≤ bundled-data build "
            f"+ {EXTRA_SECONDS:.0f} s{limit} | {value} |"
        )
    return rows


def _within_extra(big: dict | None, base: dict | None) -> tuple[str, str]:
    """Return the limit shown and the value with its verdict: base + EXTRA_SECONDS."""
    ok = None if big is None or base is None else big["median"] <= base["median"] + EXTRA_SECONDS
    limit = "" if base is None else f" = {base['median'] + EXTRA_SECONDS:.2f} s"
    value = "not measured" if big is None else f"{big['median']:.2f} s"
    return limit, f"{value}: {verdict(ok)}"


def _size_verdicts(r: dict, by_pair: dict, base: dict | None) -> list[str]:
    """Return the largest-foods-build and peak-memory target rows."""
    rows = []
    foods = r["series"].get("foods", [])
    if foods:
        largest = by_pair[tuple(foods[-1])]
        limit, value = _within_extra(wall(largest["runs"]), base)
        rows.append(
            f"| {largest['foods']:,}-food build ≤ bundled-data build "
            f"+ {EXTRA_SECONDS:.0f} s{limit} | {value} |"
        )
    peaks = [run["max_rss_bytes"] for s in r["sets"] for run in s["runs"] if run["exit_code"] == 0]
    peak = max(peaks, default=None)
    shown_peak = "not measured" if peak is None else f"largest {mb(peak)}"
    rows.append(
        f"| peak memory ≤ {PEAK_LIMIT_BYTES / 1e9:.1f} GB at every size "
        f"| {shown_peak}: {verdict(at_most(peak, PEAK_LIMIT_BYTES))} |"
    )
    return rows

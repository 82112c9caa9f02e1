"""What every benchmark section shares: timed child processes, machine facts, figures, verdicts."""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATA = ROOT / "bench-data"
K2BRIEF = ROOT / ".venv" / "bin" / "k2brief"
PACKAGES = ("k2brief", "pandas", "pyarrow", "numpy", "weasyprint", "pypdfium2")
# One row of the build summary: document, status (may hold spaces), pages, size, seconds.
SUMMARY_ROW = re.compile(
    r"^(?P<name>\S+)\s+(?P<status>\S.*?)\s+(?:(?P<pages>\d+)\s+)?(?P<size>\d+ \w+)\s+"
    r"(?P<seconds>\d+(?:\.\d+)?)$"
)


@dataclass(frozen=True)
class Run:
    """One timed child process: wall and CPU time, peak resident memory and exit status."""

    seconds: float
    cpu_seconds: float
    max_rss_bytes: int
    exit_code: int


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


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def _pango() -> str:
    """Return Pango's version as the build records it, without importing WeasyPrint."""
    try:
        from pipeline.pdf.engine import pango_version
    except ImportError:
        return "unknown"
    return pango_version()


def machine() -> dict:
    """Describe the machine, the software and the k2brief commit being measured."""
    ram_kb = _field(Path("/proc/meminfo"), "MemTotal", ":").split()[0]
    os_name = _field(Path("/etc/os-release"), "PRETTY_NAME", "=")
    watched = ("pipeline", "templates", "pyproject.toml")
    dirty = _git("status", "--porcelain", "--", *watched).splitlines()
    changed = ", ".join(line.split(maxsplit=1)[1] for line in dirty)
    return {
        "cpu": _field(Path("/proc/cpuinfo"), "model name", ":"),
        "cores": os.cpu_count(),
        "ram_gib": round(int(ram_kb) / 1024**2, 1) if ram_kb.isdigit() else None,
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "versions": {p: _version(p) for p in PACKAGES} | {"pango": _pango()},
        "commit": _git("rev-parse", "--short", "HEAD")
        + (f" + uncommitted changes to {changed}" if dirty else ""),
        "load_average": load_average(),
    }


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages, rounded."""
    return [round(x, 2) for x in os.getloadavg()]


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


def spread(values: list[float]) -> dict | None:
    """Return the median, minimum and maximum of some figures, or None when there are none."""
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio(numerator: dict | None, denominator: dict | None) -> float | None:
    """Return the ratio of two medians, or None when either was not measured."""
    if not numerator or not denominator or denominator["median"] <= 0:
        return None
    return numerator["median"] / denominator["median"]


def verdict(ok: bool | None) -> str:
    """Show a target as met or missed; None means the figure could not be measured."""
    if ok is None:
        return "**not measured**"
    return "**met**" if ok else "**missed**"


def at_most(value: float | None, limit: float) -> bool | None:
    """Tell whether a measured value is within a limit (None when not measured)."""
    return None if value is None else value <= limit


def seconds_range(s: dict | None) -> str:
    """Format a spread of seconds as 'median s (min – max s)'."""
    if s is None:
        return "not measured"
    return f"{s['median']:.2f} s ({s['min']:.2f} – {s['max']:.2f} s)"


def times(r: float | None) -> str:
    """Format a ratio as '0.62×'."""
    return "not measured" if r is None else f"{r:.2f}×"


def runs_of(n: int) -> str:
    """Say how many runs: '1 run', '5 runs'."""
    return f"{n} run" + ("" if n == 1 else "s")


def mb(n: float) -> str:
    """Format bytes as decimal megabytes."""
    return f"{n / 1e6:,.1f} MB"


def shown(path: str | Path) -> str:
    """Show a path relative to the project when it is inside it."""
    resolved = Path(path).resolve()
    return str(resolved.relative_to(ROOT)) if resolved.is_relative_to(ROOT) else str(path)


def parse_summary(text: str) -> dict[str, dict]:
    """Return each document's status, pages and seconds from a build's summary table."""
    rows = {}
    for line in text.splitlines()[1:]:
        if match := SUMMARY_ROW.match(line.strip()):
            pages = match["pages"]
            rows[match["name"]] = {
                "status": match["status"],
                "pages": int(pages) if pages else None,
                "seconds": float(match["seconds"]),
            }
    return rows


def manifest_pages(manifest: dict) -> dict[str, int | None]:
    """Return each document's page count as its manifest records it."""
    outputs = manifest.get("outputs", {})
    pages = {}
    for name, entry in manifest.get("documents", {}).items():
        counts = [outputs.get(o, {}).get("pages") for o in entry.get("outputs", [])]
        pages[name] = next((c for c in counts if c), None)
    return pages


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


def busy_note(r: dict) -> str:
    """Warn when the machine was busier than its core count while a section ran."""
    loads = [r["machine"]["load_average"][0], *r.get("load_average_after", [0])[:1]]
    if max(loads) <= r["machine"]["cores"]:
        return ""
    return (
        "\n\nThe machine was busy with other work (load average above its core count), so "
        "these wall times are inflated."
    )

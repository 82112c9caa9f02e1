"""Where `k2brief validate` spends its time: python scripts/bench_stages.py DATA_DIR.

Runs the validator once, as the command does (its threads included), with a timer around
each stage, and prints JSON: per stage, wall seconds and the CPU seconds of all threads
while it ran; per part of the column and integrity checks, CPU seconds summed over the
threads that ran them (those parts run side by side, so they have no wall time of their own).
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import importlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pipeline.cli  # noqa: E402, F401 - what the command imports before it reads a byte
from pipeline.report import format_report  # noqa: E402
from pipeline.validate import package  # noqa: E402

IMPORTED = time.perf_counter()

# (label, module, function): the stages run one after another.
STAGES = (
    ("reading: UTF-8 and mojibake checks", "pipeline.load.read", "decoded"),
    ("physical-line scan: newlines, quotes, controls", "pipeline.load.read", "scan_bytes"),
    ("physical-line scan: records and lines", "pipeline.load.read", "scan_records"),
    ("parsing: pyarrow, cut at the records", "pipeline.load.read", "parse_fast"),
    ("column checks (all)", "pipeline.validate.package", "check_table"),
    ("keys and row rules (side by side)", "pipeline.validate.package", "_integrity"),
)
# Parts of the column checks and of the integrity checks, which run in threads.
PARTS = (
    ("cell lengths", "pipeline.validate.table", "lengths"),
    ("type conversion (numbers)", "pipeline.validate.cells", "_typed"),
    ("unit spellings", "pipeline.validate.cells", "_spellings"),
    ("constraints: enum, pattern, length, range", "pipeline.validate.cells", "_constraints"),
    ("text: round-trip damage", "pipeline.validate.cells", "_round_trip"),
    ("text: formula, markup, control, spaces", "pipeline.validate.cells", "_warnings"),
    ("keys: primary and unique", "pipeline.validate.package", "key_findings"),
    ("keys: foreign", "pipeline.validate.package", "foreign_key_findings"),
    ("row rules", "pipeline.validate.package", "_rule_findings"),
)


def _wrap(totals: dict, label: str, module: str, name: str, clock: Callable[[], float]):
    """Replace module.name with a wrapper adding its wall and CPU time to totals[label]."""
    target = importlib.import_module(module)
    inner = getattr(target, name)

    def timed(*args, **kwargs):
        wall, cpu = time.perf_counter(), clock()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[label][0] += time.perf_counter() - wall
            totals[label][1] += clock() - cpu

    setattr(target, name, timed)


def main(data: Path) -> dict:
    """Validate data with every stage timed; return the figures."""
    stages: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    parts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for label, module, name in STAGES:
        _wrap(stages, label, module, name, time.process_time)
    for label, module, name in PARTS:
        _wrap(parts, label, module, name, time.thread_time)
    wall, cpu = time.perf_counter(), time.process_time()
    result = package.validate_package(data)
    validated = time.perf_counter()
    format_report(result.report, "json", base=Path.cwd())
    return {
        "imports_s": IMPORTED - STARTED,
        "validate_s": validated - wall,
        "validate_cpu_s": time.process_time() - cpu,
        "report_s": time.perf_counter() - validated,
        "stages": {k: {"wall_s": v[0], "cpu_s": v[1]} for k, v in stages.items()},
        "parts": {k: {"cpu_s": v[1]} for k, v in parts.items()},
    }


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))

"""The end-of-build table the build command prints."""

from __future__ import annotations

from pipeline.build.run import DocumentStatus
from pipeline.cli.running import summary


def test_the_summary_columns_line_up_with_a_translated_documents_longer_name() -> None:
    rows = [
        DocumentStatus("handout", "built", 2, 146_432, 1.47, ("handout.pdf",)),
        DocumentStatus("comparison-chart.es", "built", 1, 1_214_464, 2.0, ("c.es.pdf",)),
    ]
    lines = summary(rows).splitlines()
    status_columns = {
        line.index(word) for line, word in zip(lines, ["status", "built", "built"], strict=True)
    }
    assert len(status_columns) == 1
    assert lines[2].split() == ["comparison-chart.es", "built", "1", "1186", "KiB", "2.00"]

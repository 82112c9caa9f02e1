"""Generated packages of the growth benchmark's shapes pass k2brief's own validator."""

from __future__ import annotations

from pathlib import Path

import gen_data
import pytest
from bench_growth import FOODS_SERIES_STUDIES, STUDIES_SERIES_FOODS

from pipeline.validate.package import validate_package


@pytest.mark.parametrize(
    ("foods", "studies"),
    [
        (300, FOODS_SERIES_STUDIES),  # the foods series, small
        (3_000, FOODS_SERIES_STUDIES),
        (STUDIES_SERIES_FOODS, 30),  # the studies series, small
    ],
)
def test_growth_shapes_validate_with_the_asked_row_counts(
    tmp_path: Path, foods: int, studies: int
) -> None:
    gen_data.generate(tmp_path, foods=foods, studies=studies)
    result = validate_package(tmp_path)
    assert result.report.valid
    assert len(result.tables["foods"]) == foods
    assert len(result.tables["studies"]) == studies

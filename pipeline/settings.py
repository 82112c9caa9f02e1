"""One frozen settings object shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_OUT_DIR = PROJECT_ROOT / "output"
TEMPLATES_DIR = PROJECT_ROOT / "templates"

PAPER_SIZES = ("a4", "letter")


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided once before any work starts."""

    data_dir: Path = DEFAULT_DATA_DIR
    out_dir: Path = DEFAULT_OUT_DIR
    templates_dir: Path = TEMPLATES_DIR
    paper: str = "a4"
    pdf_variant: str | None = None
    strict: bool = False
    only: tuple[str, ...] = field(default_factory=tuple)

    def with_overrides(self, **overrides: object) -> Settings:
        """Return a copy where every override that is not None replaces the default."""
        values = {key: value for key, value in overrides.items() if value is not None}
        return Settings(**{**self.__dict__, **values})

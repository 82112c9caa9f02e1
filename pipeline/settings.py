"""One frozen settings object shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.brand.model import Brand

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_OUT_DIR = PROJECT_ROOT / "output"
TEMPLATES_DIR = PROJECT_ROOT / "templates"


@dataclass(frozen=True)
class Paper:
    """A paper size: its name in CSS @page and its portrait width and height in millimetres."""

    css_name: str
    width_mm: float
    height_mm: float


#: Every paper size a document can be built on; the only place that knows their dimensions.
PAPERS = {"a4": Paper("A4", 210.0, 297.0), "letter": Paper("letter", 215.9, 279.4)}
PAPER_SIZES = tuple(PAPERS)


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided once before any work starts."""

    data_dir: Path = DEFAULT_DATA_DIR
    out_dir: Path = DEFAULT_OUT_DIR
    templates_dir: Path = TEMPLATES_DIR
    paper: str = "a4"
    #: "pdf/ua-1" (accessible, the default), a PDF/A variant, or "tagged" (no conformance).
    pdf_variant: str = "pdf/ua-1"
    strict: bool = False
    only: tuple[str, ...] = field(default_factory=tuple)
    #: The day the review dates are checked against (None: today, in UTC); tests fix it.
    today: date | None = None
    #: The previous edition (a data folder or a dist zip) the briefing and handout say what
    #: changed since; None: they say nothing about changes.
    since: Path | None = None
    #: The languages besides English the handout and the chart are built in ("es").
    langs: tuple[str, ...] = field(default_factory=tuple)
    #: The organisation's _brand.yml (None: k2brief's neutral look) and, once it is
    #: checked, the brand and the files it is made from (the brand file, logo, fonts).
    brand_file: Path | None = None
    brand: Brand | None = None
    brand_files: tuple[Path, ...] = ()
    #: A folder whose templates and stylesheets replace k2brief's own of the same name.
    overrides_dir: Path | None = None

    @property
    def brand_fonts(self) -> frozenset[str]:
        """Return the font families the brand embeds, which the PDF font check accepts."""
        return self.brand.families if self.brand else frozenset()

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """Return where templates are looked up: the overrides first, then k2brief's own."""
        if self.overrides_dir is None:
            return (self.templates_dir,)
        return (self.overrides_dir, self.templates_dir)

    def with_overrides(self, **overrides: object) -> Settings:
        """Return a copy where every override that is not None replaces the default."""
        values = {key: value for key, value in overrides.items() if value is not None}
        return Settings(**{**self.__dict__, **values})

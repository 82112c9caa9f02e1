"""Citations and the numbered reference list, numbered in order of first citation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.context.rows import integer, records, text
from pipeline.vocabulary import SOURCE_KINDS, VERIFICATIONS

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Citation:
    """A numbered pointer from the text to one entry of the reference list."""

    number: int
    anchor: str
    verification: str

    @property
    def source_id(self) -> str:
        """Return the id of the source cited."""
        return self.anchor.removeprefix("ref-")

    @property
    def unverified(self) -> bool:
        """Tell whether the cited numbers were not checked against any source text."""
        return self.verification == "not-verified"


@dataclass(frozen=True)
class Reference:
    """One entry of the numbered reference list."""

    number: int
    anchor: str
    source_id: str
    kind: str
    authors: str
    title: str
    container: str
    year: int | None
    doi: str | None
    pmid: str | None
    url: str | None
    verification: str
    verification_label: str
    note: str | None
    cited: bool

    @property
    def doi_url(self) -> str | None:
        """Return the DOI resolver address, when the source has a DOI."""
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        """Return the PubMed address, when the source has a PMID."""
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def links(self) -> tuple[tuple[str, str], ...]:
        """Return (label, address) pairs: DOI and PubMed, else the web address."""
        links = []
        if self.doi_url:
            links.append((f"doi:{self.doi}", self.doi_url))
        if self.pubmed_url:
            links.append((f"PubMed {self.pmid}", self.pubmed_url))
        if self.url and not links:
            links.append((self.url, self.url))
        return tuple(links)


def _anchor(source_id: str) -> str:
    """Return the HTML id of a source's reference entry."""
    return f"ref-{source_id}"


class CitationIndex:
    """Number sources in the order the document first cites them."""

    def __init__(self, sources: pd.DataFrame) -> None:
        self._rows = {str(row["source_id"]): row for row in records(sources)}
        self._order: dict[str, int] = {}  # source id -> number, in first-citation order

    def cite(self, source_id: object) -> Citation:
        """Return the citation of a source, numbering it on first use."""
        key = str(source_id)
        if key not in self._rows:
            raise KeyError(f"source {key!r} is not in sources.csv")
        number = self._order.setdefault(key, len(self._order) + 1)
        verification = text(self._rows[key]["verification"]) or "not-verified"
        return Citation(number, _anchor(key), verification)

    def cite_all(self, source_ids: Iterable[object]) -> tuple[Citation, ...]:
        """Cite several sources, dropping repeats and keeping first-use order."""
        seen: dict[str, Citation] = {}
        for source_id in source_ids:
            seen.setdefault(str(source_id), self.cite(source_id))
        return tuple(sorted(seen.values(), key=lambda c: c.number))

    def references(self) -> tuple[Reference, ...]:
        """Return every source: the cited ones first by number, then the rest in file order."""
        uncited = [key for key in self._rows if key not in self._order]
        ordered = [*self._order, *uncited]
        return tuple(
            _reference(self._rows[key], n, key in self._order)
            for n, key in enumerate(ordered, start=1)
        )


def _sentence(value: str) -> str:
    """Drop a closing full stop, since the reference list adds its own ("et al.." reads badly)."""
    return value.rstrip(". ") if value.endswith(".") else value


def _reference(row: dict[str, object], position: int, cited: bool) -> Reference:
    """Build a reference entry from a sources row."""
    verification = text(row["verification"]) or "not-verified"
    kind = text(row["kind"]) or ""
    return Reference(
        number=position,
        anchor=_anchor(str(row["source_id"])),
        source_id=str(row["source_id"]),
        kind=SOURCE_KINDS.label(kind),
        authors=_sentence(text(row["authors"]) or ""),
        title=_sentence(text(row["title"]) or ""),
        container=text(row["container"]) or "",
        year=integer(row["year"]),
        doi=text(row["doi"]),
        pmid=text(row["pmid"]),
        url=text(row["url"]),
        verification=verification,
        verification_label=VERIFICATIONS.label(verification),
        note=text(row["note"]),
        cited=cited,
    )

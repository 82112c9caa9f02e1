"""What a build depended on and what it wrote: output/manifest.json and SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import __version__
from pipeline.errors import os_errors
from pipeline.i18n import ENGLISH, REVIEWED_BY, catalogue_path, reviewer
from pipeline.pdf.engine import font_files, pango_version

if TYPE_CHECKING:
    from pipeline.dataset import Dataset
    from pipeline.documents import Document

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    with os_errors("read", path):
        return hashlib.sha256(path.read_bytes()).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _version(package: str) -> str:
    """Return an installed distribution's version, or 'missing'."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


@cache
def versions() -> dict[str, str]:
    """Return the versions that shape the outputs."""
    return {
        "k2brief": __version__,
        "weasyprint": _version("weasyprint"),
        "pango": pango_version(),
        "pypdfium2": _version("pypdfium2"),
        "jinja2": _version("jinja2"),
        "pandas": _version("pandas"),
    }


# extends/include/import/from with a literal name: all a template can reach statically.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def templates_used(search: Path | tuple[Path, ...], *entries: str) -> list[Path]:
    """Follow extends, includes and imports from entry templates, CSS includes too.

    With several folders (overrides first), each name is the file rendering reads: the
    first folder's that has it.
    """
    from pipeline.render import find_template

    # A regular expression, not jinja2's parser: a no-op build must stay well under 0.3 s.
    seen: dict[str, Path] = {}
    pending = list(entries)
    while pending:
        name = pending.pop()
        path = find_template(search, name)
        if name in seen or path is None:
            continue
        seen[name] = path
        if name.endswith(".j2"):
            with os_errors("read the template", path):
                pending += _REFERENCE.findall(path.read_text(encoding="utf-8"))
    return sorted(seen.values())


@dataclass(frozen=True)
class Inputs:
    """Every file and setting a document's outputs depend on, hashed."""

    files: dict[str, str]
    options: dict[str, object]

    def key(self) -> str:
        """Return one hash standing for all the inputs."""
        payload = json.dumps({"files": self.files, "options": self.options}, sort_keys=True)
        return sha256_bytes(payload.encode())


def document_inputs(
    document: Document,
    dataset: Dataset,
    templates_dir: Path | tuple[Path, ...],
    options: dict[str, object],
    brand_files: tuple[Path, ...] = (),
) -> Inputs:
    """Combine the hashes of the data it reads with its templates, the fonts and the versions.

    templates_dir may be the overrides folder and k2brief's own, overrides first; every
    file of the overrides folder and of the brand (brand file, logo, fonts) is an input of
    every document.
    """
    folders = templates_dir if isinstance(templates_dir, tuple) else (templates_dir,)
    files = {f"data/{path}": digest for path, digest in dataset.files_for(document.tables)}
    for path in templates_used(folders, *document.entry_templates):
        files[_label(path, folders)] = sha256_file(path)
    for folder in folders[:-1]:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            files[_label(path, folders)] = sha256_file(path)
    for path in brand_files:
        files[f"brand/{path.name}"] = sha256_file(path)
    if document.lang != ENGLISH:
        files.update(language_inputs(dataset.data_dir, document.lang))
    for path in font_files():
        # Font files are large; their identity (name, size) is enough to notice an upgrade.
        files[f"fonts/{path.name}"] = f"{path.stat().st_size}"
    return Inputs(files, {**options, **versions()})


def language_inputs(data_dir: Path, lang: str) -> dict[str, str]:
    """Hash what a document in lang reads besides the English: its rows and its catalogue.

    Only the rows of translations.csv in lang count, so editing another language's
    translations leaves this one up to date.
    """
    import csv
    import io

    from pipeline.dataset import TRANSLATIONS

    path = data_dir / f"{TRANSLATIONS}.csv"
    rows = hashlib.sha256()
    if path.is_file():
        with os_errors("read the data file", path):
            text = path.read_bytes().decode("utf-8", errors="replace")
        for at, row in enumerate(csv.reader(io.StringIO(text))):
            if at == 0 or (len(row) > 3 and row[3].strip() == lang):
                rows.update(repr(row).encode())
    po = catalogue_path(lang)
    return {
        f"data/{TRANSLATIONS}.csv[lang={lang}]": rows.hexdigest(),
        f"locale/{lang}/LC_MESSAGES/messages.po": sha256_file(po) if po.is_file() else "missing",
        f"locale/{lang}/{REVIEWED_BY}": reviewer(lang),
    }


def _label(path: Path, folders: tuple[Path, ...]) -> str:
    """Name a template file by its folder: templates/… for k2brief's own, overrides/… else."""
    folder = next(f for f in folders if path.is_relative_to(f))
    prefix = "templates" if folder == folders[-1] else "overrides"
    return f"{prefix}/{path.relative_to(folder).as_posix()}"


@dataclass(frozen=True)
class OutputEntry:
    """One file a build wrote: its hash, size and, for a PDF, its pages."""

    sha256: str
    bytes: int
    pages: int | None = None


@dataclass(frozen=True)
class DocumentEntry:
    """One document as last built: the key of its inputs and the files it wrote."""

    key: str
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """What the builds in an output folder depended on and wrote: output/manifest.json."""

    versions: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    documents: dict[str, DocumentEntry] = field(default_factory=dict)
    outputs: dict[str, OutputEntry] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """Read the previous build's manifest; an unreadable one counts as none."""
        try:
            raw = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
            return cls(
                versions=dict(raw.get("versions", {})),
                inputs={str(i["path"]): str(i["sha256"]) for i in raw.get("inputs", [])},
                documents={
                    str(name): DocumentEntry(str(e["key"]), tuple(map(str, e["outputs"])))
                    for name, e in raw.get("documents", {}).items()
                },
                outputs={
                    str(name): OutputEntry(str(e["sha256"]), int(e["bytes"]), e.get("pages"))
                    for name, e in raw.get("outputs", {}).items()
                },
            )
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            # A missing or hand-broken manifest only means: rebuild everything.
            return cls()

    def is_up_to_date(self, name: str, inputs: Inputs, out_dir: Path) -> bool:
        """Tell whether the last build of a document used these inputs and its files remain."""
        entry = self.documents.get(name)
        if entry is None or entry.key != inputs.key():
            return False
        for output in entry.outputs:
            path, known = out_dir / output, self.outputs.get(output)
            if known is None or not path.is_file() or path.stat().st_size != known.bytes:
                return False
        return True

    def with_built(self, inputs: dict[str, Inputs], built: dict[str, list[Any]]) -> Manifest:
        """Merge this build's documents, written as artifacts, into this manifest."""
        documents, outputs = dict(self.documents), dict(self.outputs)
        for name, artifacts in built.items():
            documents[name] = DocumentEntry(inputs[name].key(), tuple(a.name for a in artifacts))
            for a in artifacts:
                outputs[a.name] = OutputEntry(sha256_bytes(a.data), len(a.data), a.pages)
        files = {path: digest for entry in inputs.values() for path, digest in entry.files.items()}
        return Manifest(versions(), files, documents, outputs)

    def files_of(self, name: str) -> list[OutputEntry]:
        """Return what is known of each file a document wrote when last built."""
        entry = self.documents.get(name)
        names = entry.outputs if entry else ()
        return [self.outputs[output] for output in names if output in self.outputs]

    def pages(self, name: str) -> int | None:
        """Return the page count of a document's PDF, as last built."""
        return next((f.pages for f in self.files_of(name) if f.pages), None)

    def size(self, name: str) -> int:
        """Return the bytes a document's files take, as last built."""
        return sum(f.bytes for f in self.files_of(name))

    def to_bytes(self) -> bytes:
        """Serialise the manifest deterministically."""
        data = {
            "generator": "k2brief",
            "versions": self.versions,
            "inputs": [{"path": p, "sha256": d} for p, d in sorted(self.inputs.items())],
            "documents": {
                name: {"key": e.key, "outputs": list(e.outputs)}
                for name, e in self.documents.items()
            },
            "outputs": {
                name: {"sha256": e.sha256, "bytes": e.bytes, "pages": e.pages}
                for name, e in self.outputs.items()
            },
        }
        return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def sums_bytes(self) -> bytes:
        """Write sha256sum's format: '<hex>  <name>' for every output."""
        lines = [f"{e.sha256}  {name}\n" for name, e in sorted(self.outputs.items())]
        return "".join(lines).encode()

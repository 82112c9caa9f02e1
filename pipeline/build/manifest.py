"""What a build depended on and what it wrote: output/manifest.json and SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.documents import data_files_used
from pipeline.dataset import data_files
from pipeline.pdf.engine import font_files, pango_version

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
#: Each document's entry template; the templates it includes are found by parsing.
ENTRY_TEMPLATES = {
    "briefing": "briefing.html.j2",
    "handout": "handout.html.j2",
    "comparison-chart": "comparison-chart.html.j2",
}


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
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
        "pymupdf": _version("pymupdf"),
        "jinja2": _version("jinja2"),
        "pandas": _version("pandas"),
    }


# extends/include/import/from with a literal name: all a template can reach statically.
_REFERENCE = re.compile(r"""\{%-?\s*(?:extends|include|import|from)\s+["']([^"']+)["']""")


def templates_used(templates_dir: Path, entry: str) -> list[Path]:
    """Follow extends, includes and imports from an entry template, CSS includes too."""
    # A regular expression, not jinja2's parser: a no-op build must stay well under 0.3 s.
    seen: set[str] = set()
    pending = [entry]
    while pending:
        name = pending.pop()
        path = templates_dir / name
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        if name.endswith(".j2"):
            pending += _REFERENCE.findall(path.read_text(encoding="utf-8"))
    return sorted(templates_dir / name for name in seen)


@dataclass(frozen=True)
class Inputs:
    """Every file and setting a document's outputs depend on, hashed."""

    files: dict[str, str]
    options: dict[str, object]

    def key(self) -> str:
        """Return one hash standing for all the inputs."""
        payload = json.dumps({"files": self.files, "options": self.options}, sort_keys=True)
        return sha256_bytes(payload.encode())


def data_hashes(data_dir: Path) -> dict[str, str]:
    """Hash datapackage.json and every table it names."""
    return {f"data/{p.name}": sha256_file(p) for p in data_files(data_dir) if p.is_file()}


def document_inputs(
    name: str,
    data: dict[str, str],
    templates_dir: Path,
    options: dict[str, object],
    data_dir: Path,
) -> Inputs:
    """Combine the hashes of the data it reads with its templates, the fonts and the versions."""
    used = data_files_used(name, data_dir)
    files = {path: digest for path, digest in data.items() if used is None or path[5:] in used}
    for path in templates_used(templates_dir, ENTRY_TEMPLATES[name]):
        files[f"templates/{path.relative_to(templates_dir).as_posix()}"] = sha256_file(path)
    for path in font_files():
        # Font files are large; their identity (name, size) is enough to notice an upgrade.
        files[f"fonts/{path.name}"] = f"{path.stat().st_size}"
    return Inputs(files, {**options, **versions()})


def read_manifest(out_dir: Path) -> dict:
    """Read the previous build's manifest, or an empty one."""
    path = out_dir / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def manifest_bytes(manifest: dict) -> bytes:
    """Serialise the manifest deterministically."""
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def sums_bytes(outputs: dict[str, dict]) -> bytes:
    """Write sha256sum's format: '<hex>  <name>' for every output."""
    lines = [f"{entry['sha256']}  {name}\n" for name, entry in sorted(outputs.items())]
    return "".join(lines).encode()

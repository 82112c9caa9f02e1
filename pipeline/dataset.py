"""Facts about the dataset itself: version, date and content hash."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pipeline import __version__


@dataclass(frozen=True)
class DatasetMeta:
    """What every document says about the data it was built from."""

    title: str
    version: str
    date: datetime
    sha256: str
    k2brief_version: str
    #: Each data file's name and SHA-256, so a document can name just the files it used.
    files: tuple[tuple[str, str], ...] = ()

    def limited_to(self, names: Iterable[str]) -> DatasetMeta:
        """Return this meta with the hash taken over the named data files only."""
        wanted = set(names)
        files = tuple((name, digest) for name, digest in self.files if name in wanted)
        return replace(self, sha256=_combined(files), files=files)

    @property
    def short_hash(self) -> str:
        """Return the first 12 hex digits of the data hash, enough to tell builds apart."""
        return self.sha256[:12]

    @property
    def iso_date(self) -> str:
        """Return the data date as YYYY-MM-DD."""
        return self.date.strftime("%Y-%m-%d")


def data_files(data_dir: Path) -> list[Path]:
    """List datapackage.json and the files its resources name, in a stable order."""
    paths = [data_dir / "datapackage.json"]
    try:
        descriptor = json.loads(paths[0].read_text(encoding="utf-8"))
        names = [res["path"] for res in descriptor.get("resources", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        # The validator reports a broken descriptor; here it only means "changed".
        names = []
    paths += sorted(data_dir / name for name in names if isinstance(name, str))
    return paths


def table_files(data_dir: Path) -> dict[str, str]:
    """Map each table the package descriptor names to its file name."""
    try:
        descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
        return {str(r["name"]): Path(r["path"]).name for r in descriptor.get("resources", [])}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def file_hashes(data_dir: Path) -> tuple[tuple[str, str], ...]:
    """Return each data file's name and SHA-256, in data_files order."""
    return tuple(
        (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in data_files(data_dir)
        if path.is_file()
    )


def _combined(files: Iterable[tuple[str, str]]) -> str:
    """Hash file names and digests together, so any edit, rename or removal changes it."""
    digest = hashlib.sha256()
    for name, file_digest in files:
        digest.update(name.encode() + b"\0")
        digest.update(bytes.fromhex(file_digest))
    return digest.hexdigest()


def dataset_hash(data_dir: Path) -> str:
    """Hash every data file by name and content, so any edit changes the hash."""
    return _combined(file_hashes(data_dir))


def build_date(created: str | None) -> datetime:
    """Take the date from SOURCE_DATE_EPOCH, else the package's `created`, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if created:
        return datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def load_meta(data_dir: Path, files: tuple[tuple[str, str], ...] | None = None) -> DatasetMeta:
    """Read the package descriptor and hash the data, unless its file hashes are given."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    files = file_hashes(data_dir) if files is None else files
    return DatasetMeta(
        title=str(descriptor.get("title", "")),
        version=str(descriptor.get("version", "0")),
        date=build_date(descriptor.get("created")),
        sha256=_combined(files),
        k2brief_version=__version__,
        files=files,
    )

"""Facts about the dataset itself: version, date and content hash."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
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


def dataset_hash(data_dir: Path) -> str:
    """Hash every data file by name and content, so any edit changes the hash."""
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        if not path.is_file():
            continue
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def build_date(created: str | None) -> datetime:
    """Take the date from SOURCE_DATE_EPOCH, else the package's `created`, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    if created:
        return datetime.fromisoformat(created.replace("Z", "+00:00")).astimezone(UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def load_meta(data_dir: Path) -> DatasetMeta:
    """Read the package descriptor and hash the data."""
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return DatasetMeta(
        title=str(descriptor.get("title", "")),
        version=str(descriptor.get("version", "0")),
        date=build_date(descriptor.get("created")),
        sha256=dataset_hash(data_dir),
        k2brief_version=__version__,
    )

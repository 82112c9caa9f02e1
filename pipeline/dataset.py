"""The data package read once per build: descriptor facts, resource files and their hashes."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from pipeline import __version__
from pipeline.errors import os_errors


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
    #: The date up to which the evidence was searched (the package's evidence_searched_to).
    evidence_searched_to: str | None = None
    #: When the evidence was last reviewed and when the next review is due (YYYY-MM-DD).
    last_reviewed: str | None = None
    next_review_due: str | None = None

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


#: The data package's descriptor, at the root of the data folder.
TRANSLATIONS = "translations"
DESCRIPTOR = "datapackage.json"


@dataclass(frozen=True)
class Dataset:
    """The data package as one build sees it: read once, its files hashed once."""

    data_dir: Path
    title: str
    version: str
    created: str | None
    evidence_searched_to: str | None
    #: Each resource's name and its path relative to data_dir, as the descriptor gives them.
    resources: tuple[tuple[str, str], ...]
    #: Each data file's path relative to data_dir and its SHA-256: the descriptor first.
    files: tuple[tuple[str, str], ...]
    last_reviewed: str | None = None
    next_review_due: str | None = None

    @classmethod
    def read(cls, data_dir: Path) -> Dataset:
        """Read the descriptor leniently and hash it and every file its resources name."""
        path = data_dir / DESCRIPTOR
        try:
            raw = path.read_bytes()
        except OSError:
            return cls(data_dir, "", "0", None, None, (), ())
        descriptor = _parse(raw)
        resources = _resources(descriptor)
        files = [(DESCRIPTOR, hashlib.sha256(raw).hexdigest())]
        for name in sorted({rel for _, rel in resources}):
            if (data_dir / name).is_file():
                with os_errors("read the data file", data_dir / name):
                    data = (data_dir / name).read_bytes()
                files.append((name, hashlib.sha256(data).hexdigest()))
        return cls(
            data_dir=data_dir,
            title=str(descriptor.get("title", "")),
            version=str(descriptor.get("version", "0")),
            created=_text(descriptor.get("created")),
            evidence_searched_to=_text(descriptor.get("evidence_searched_to")),
            resources=resources,
            files=tuple(files),
            last_reviewed=_text(descriptor.get("last_reviewed")),
            next_review_due=_text(descriptor.get("next_review_due")),
        )

    @staticmethod
    def descriptor_created(data_dir: Path) -> str | None:
        """Read just the descriptor's `created` date, hashing nothing."""
        try:
            return _text(_parse((data_dir / DESCRIPTOR).read_bytes()).get("created"))
        except OSError:
            return None

    def files_for(self, tables: Iterable[str] | None) -> tuple[tuple[str, str], ...]:
        """Return the files that the named tables (None: all) and the descriptor are read from."""
        if not self.resources:
            return self.files  # every file, also when the descriptor cannot be read
        paths = dict(self.resources)
        if tables is None:
            # Every table but the translations, which only the other languages' documents read
            # (their build key takes the rows of their language alone: build/manifest.py).
            tables = [name for name in paths if name != TRANSLATIONS]
        wanted = {DESCRIPTOR, *(paths[name] for name in tables if name in paths)}
        return tuple((name, digest) for name, digest in self.files if name in wanted)

    def meta(self, tables: Iterable[str] | None = None) -> DatasetMeta:
        """Describe the data for a document that reads the named tables (None: all)."""
        files = self.files_for(tables)
        return DatasetMeta(
            title=self.title,
            version=self.version,
            date=build_date(self.created),
            sha256=_combined(files),
            k2brief_version=__version__,
            files=files,
            evidence_searched_to=self.evidence_searched_to,
            last_reviewed=self.last_reviewed,
            next_review_due=self.next_review_due,
        )


def _parse(raw: bytes) -> dict:
    """Parse the descriptor, or return {} when it is broken (the validator says why)."""
    try:
        descriptor = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return descriptor if isinstance(descriptor, dict) else {}


def _resources(descriptor: dict) -> tuple[tuple[str, str], ...]:
    """List each well-formed resource's name and relative path."""
    found = []
    resources = descriptor.get("resources")
    for resource in resources if isinstance(resources, list) else ():
        if isinstance(resource, dict) and isinstance(resource.get("path"), str):
            name = resource.get("name")
            path = PurePosixPath(resource["path"]).as_posix()
            found.append((str(name) if name is not None else path, path))
    return tuple(found)


def _text(value: object) -> str | None:
    """Return a descriptor value as text, or None."""
    return value if isinstance(value, str) and value else None


def _combined(files: Iterable[tuple[str, str]]) -> str:
    """Hash file names and digests together, so any edit, rename or removal changes it."""
    digest = hashlib.sha256()
    for name, file_digest in files:
        digest.update(name.encode() + b"\0")
        digest.update(bytes.fromhex(file_digest))
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
    """Describe the whole data package: a shortcut for Dataset.read(data_dir).meta()."""
    return Dataset.read(data_dir).meta()


def dataset_hash(data_dir: Path) -> str:
    """Hash every data file by name and content, so any edit changes the hash."""
    return Dataset.read(data_dir).meta().sha256

"""Read one edition of the data, from a data folder or from a dist zip that carries it.

A zip's members are read in memory by the names the descriptor gives; nothing is ever
extracted, so no name in an archive can reach a path on disk.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.dataset import DESCRIPTOR, Dataset
from pipeline.errors import K2BriefError, os_errors
from pipeline.load.read import MAX_FILE_BYTES, Where, parse_csv
from pipeline.validate.schema import MAX_PACKAGE_BYTES, PackageError, Resource, parse_package
from pipeline.validate.table import CheckedTable, check_table


class EditionUsageError(K2BriefError):
    """An edition named on the command line is neither a data folder nor a zip."""

    exit_code = 2


@dataclass(frozen=True)
class EditionTable:
    """One table of an edition: its schema and its cells as checked against it."""

    resource: Resource
    checked: CheckedTable


@dataclass(frozen=True)
class Edition:
    """Every table of one edition, in the order its descriptor lists them."""

    label: str
    version: str
    created: str | None
    tables: dict[str, EditionTable]


def edition_kind(path: Path, role: str) -> str:
    """Return "folder" or "zip" for an edition's path, or raise a usage error saying why not."""
    if path.is_dir():
        if not (path / DESCRIPTOR).is_file():
            raise EditionUsageError(f"{role} {path}: no {DESCRIPTOR} in this folder")
        return "folder"
    if path.is_file() and (path.suffix.lower() == ".zip" or zipfile.is_zipfile(path)):
        return "zip"
    if not path.exists():
        raise EditionUsageError(f"{role} {path}: no such data folder or zip")
    raise EditionUsageError(f"{role} {path}: not a data folder or a dist zip")


def read_edition(path: Path, role: str = "edition") -> Edition:
    """Read every table of the edition at path (a data folder or a dist zip)."""
    if edition_kind(path, role) == "folder":
        return _read(str(path), _folder_reader(path))
    with os_errors("read the archive", path):
        try:
            with zipfile.ZipFile(path) as archive:
                return _read(str(path), _zip_reader(path, archive))
        except (zipfile.BadZipFile, EOFError) as error:
            raise K2BriefError(f"{path}: not a readable zip archive ({error})") from None


def edition_digest(path: Path) -> str:
    """Hash an edition's data: a folder's data files, or a zip's bytes."""
    if edition_kind(path, "--since") == "folder":
        return Dataset.read(path).meta().sha256
    digest = hashlib.sha256()
    with os_errors("read the archive", path), path.open("rb") as handle:
        for block in iter(lambda: handle.read(2**20), b""):
            digest.update(block)
    return digest.hexdigest()


Reader = Callable[[str], bytes | None]


def _read(label: str, reader: tuple[str, Reader]) -> Edition:
    """Parse the descriptor, then read and check each table it lists."""
    shown, read = reader
    raw = read(DESCRIPTOR)
    if raw is None:
        raise K2BriefError(f"{label}: no {DESCRIPTOR} in it")
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
        package = parse_package(descriptor)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise K2BriefError(f"{shown}{DESCRIPTOR}: not valid JSON ({error})") from None
    except PackageError as error:
        raise K2BriefError(f"{shown}{DESCRIPTOR}: {error}") from None
    tables = {r.name: _table(r, shown, read) for r in package.resources}
    return Edition(
        label=label,
        version=str(descriptor.get("version", "")),
        created=descriptor.get("created") if isinstance(descriptor.get("created"), str) else None,
        tables=tables,
    )


def _table(resource: Resource, shown: str, read: Reader) -> EditionTable:
    """Read one table's cells and check them against its schema; stop if it cannot be read."""
    where = Where(f"{shown}{resource.path}", resource.name)
    data = read(resource.path)
    if data is None:
        raise K2BriefError(f"{where.path}: the file named in {DESCRIPTOR} is missing")
    loaded = parse_csv(data, where, len(resource.fields))
    if loaded.table is None:
        first = next((f for f in loaded.findings if f.severity == "error"), None)
        reason = f"{first.code}: {first.message}" if first else "cannot be read"
        raise K2BriefError(f"{where.path}: {reason}")
    return EditionTable(resource, check_table(resource, loaded.table, where))


def _folder_reader(folder: Path) -> tuple[str, Reader]:
    """Return how files of a data folder are shown and read."""

    def read(name: str) -> bytes | None:
        path = folder / name
        if not path.is_file():
            return None
        limit = MAX_PACKAGE_BYTES if name == DESCRIPTOR else MAX_FILE_BYTES
        with os_errors("read the data file", path):
            if path.stat().st_size > limit:
                raise K2BriefError(f"{path}: larger than k2brief reads ({limit // 2**20} MiB)")
            return path.read_bytes()

    return f"{folder}/", read


def _zip_reader(path: Path, archive: zipfile.ZipFile) -> tuple[str, Reader]:
    """Return how members of a zip's data folder are shown and read, in memory."""
    members = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    prefix = _data_prefix(members)
    if prefix is None:
        raise K2BriefError(
            f"{path}: the archive holds no {DESCRIPTOR}; only archives made by `k2brief dist` "
            "from this version on carry the data they were built from"
        )

    def read(name: str) -> bytes | None:
        info = members.get(prefix + PurePosixPath(name).as_posix())
        if info is None:
            return None
        limit = MAX_PACKAGE_BYTES if name == DESCRIPTOR else MAX_FILE_BYTES
        if info.file_size > limit:
            raise K2BriefError(f"{path}:{info.filename}: larger than k2brief reads")
        try:
            with archive.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, EOFError, NotImplementedError, ValueError) as error:
            raise K2BriefError(f"{path}:{info.filename}: cannot be read ({error})") from None
        if len(data) > limit:
            raise K2BriefError(f"{path}:{info.filename}: larger than k2brief reads")
        return data

    return f"{path}:{prefix}", read


def _data_prefix(members: dict[str, zipfile.ZipInfo]) -> str | None:
    """Return the folder prefix of the shallowest datapackage.json in an archive, or None."""
    found = [
        name.removesuffix(DESCRIPTOR)
        for name in members
        if name == DESCRIPTOR or name.endswith("/" + DESCRIPTOR)
    ]
    return min(found, key=lambda prefix: (prefix.count("/"), prefix), default=None)

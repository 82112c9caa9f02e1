"""Pack the built outputs, and the data they were built from, into a reproducible zip."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from pipeline.build.manifest import MANIFEST, SUMS, Manifest
from pipeline.dataset import Dataset, build_date
from pipeline.errors import BuildError, os_errors
from pipeline.outputs import Artifact, write_all

#: The folder at the root of every archive, and the data folder inside it.
ROOT = "k2brief-briefings"
DATA = "data"


def archive_name(date: datetime) -> str:
    """Name the archive after the data's date, so each data release has its own."""
    return f"k2brief-briefings-{date.strftime('%Y-%m-%d')}.zip"


def make_archive(out_dir: Path, data_dir: Path, dist_dir: Path) -> Path:
    """Zip the outputs the manifest lists and the data, sorted and with fixed timestamps.

    The data (datapackage.json and its tables, under data/) lets `k2brief diff` and
    `k2brief build --since` compare a later edition with this one.
    """
    manifest = Manifest.load(out_dir)
    names = sorted(manifest.outputs)
    missing = [name for name in names if not (out_dir / name).is_file()]
    if not names or missing:
        raise BuildError(f"nothing complete to pack in {out_dir}: run `k2brief build` first")
    dataset = Dataset.read(data_dir)
    _check_built_from(dataset, manifest, out_dir)
    date = build_date(dataset.created)
    stamp = (max(date.year, 1980), date.month, date.day, date.hour, date.minute, date.second)
    members = [(name, out_dir / name) for name in [*names, MANIFEST, SUMS]]
    members += [(f"{DATA}/{name}", data_dir / name) for name, _ in sorted(dataset.files)]
    target = dist_dir / archive_name(date)
    # Built in memory, then written atomically: a full disk leaves the previous archive whole.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in members:
            # Fixed time, permissions and order: the same outputs give the same bytes.
            info = zipfile.ZipInfo(f"{ROOT}/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with os_errors("read", path):
                data = path.read_bytes()
            archive.writestr(info, data, compresslevel=9)
    write_all(dist_dir, [Artifact(target.name, buffer.getvalue())])
    return target


def _check_built_from(dataset: Dataset, manifest: Manifest, out_dir: Path) -> None:
    """Refuse to pack data that differs from the data the outputs were built from."""
    if not dataset.resources:
        raise BuildError(f"no readable datapackage.json in {dataset.data_dir}")
    edited = [
        name
        for name, digest in dataset.files
        if manifest.inputs.get(f"data/{name}", digest) != digest
    ]
    if edited:
        raise BuildError(
            f"{', '.join(edited)} changed since the outputs in {out_dir} were built; "
            "run `k2brief build` first, so the archive carries the data its documents show"
        )

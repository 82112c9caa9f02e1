"""Pack the built outputs into a reproducible zip archive for handing out."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.errors import BuildError
from pipeline.build.manifest import MANIFEST, SUMS, read_manifest
from pipeline.dataset import load_meta
from pipeline.outputs import Artifact, write_all


def archive_name(data_dir: Path) -> str:
    """Name the archive after the data's date, so each data release has its own."""
    return f"k2brief-briefings-{load_meta(data_dir).iso_date}.zip"


def make_archive(out_dir: Path, data_dir: Path, dist_dir: Path) -> Path:
    """Zip the outputs the manifest lists, sorted and with fixed timestamps."""
    manifest = read_manifest(out_dir)
    names = sorted(manifest.get("outputs", {}))
    missing = [name for name in names if not (out_dir / name).is_file()]
    if not names or missing:
        raise BuildError(f"nothing complete to pack in {out_dir}: run `k2brief build` first")
    date = load_meta(data_dir).date
    stamp = (max(date.year, 1980), date.month, date.day, date.hour, date.minute, date.second)
    target = dist_dir / archive_name(data_dir)
    staging = dist_dir / f".{target.name}.build"
    dist_dir.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in [*names, MANIFEST, SUMS]:
            # Fixed time, permissions and order: the same outputs give the same bytes.
            info = zipfile.ZipInfo(f"k2brief-briefings/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (out_dir / name).read_bytes(), compresslevel=9)
    data = staging.read_bytes()
    staging.unlink()
    write_all(dist_dir, [Artifact(target.name, data)])
    return target

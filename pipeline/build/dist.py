"""Pack the built outputs into a reproducible zip archive for handing out."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from pipeline.build.manifest import MANIFEST, SUMS, Manifest
from pipeline.dataset import Dataset, build_date
from pipeline.errors import BuildError, os_errors
from pipeline.outputs import Artifact, write_all


def archive_name(date: datetime) -> str:
    """Name the archive after the data's date, so each data release has its own."""
    return f"k2brief-briefings-{date.strftime('%Y-%m-%d')}.zip"


def make_archive(out_dir: Path, data_dir: Path, dist_dir: Path) -> Path:
    """Zip the outputs the manifest lists, sorted and with fixed timestamps."""
    names = sorted(Manifest.load(out_dir).outputs)
    missing = [name for name in names if not (out_dir / name).is_file()]
    if not names or missing:
        raise BuildError(f"nothing complete to pack in {out_dir}: run `k2brief build` first")
    # Only the date is needed: the descriptor is read, the data files are not hashed.
    date = build_date(Dataset.descriptor_created(data_dir))
    stamp = (max(date.year, 1980), date.month, date.day, date.hour, date.minute, date.second)
    target = dist_dir / archive_name(date)
    # Built in memory, then written atomically: a full disk leaves the previous archive whole.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in [*names, MANIFEST, SUMS]:
            # Fixed time, permissions and order: the same outputs give the same bytes.
            info = zipfile.ZipInfo(f"k2brief-briefings/{name}", date_time=stamp)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with os_errors("read the output", out_dir / name):
                data = (out_dir / name).read_bytes()
            archive.writestr(info, data, compresslevel=9)
    write_all(dist_dir, [Artifact(target.name, buffer.getvalue())])
    return target

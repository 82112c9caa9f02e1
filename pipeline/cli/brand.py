"""The command line's --brand and --overrides options: who publishes, and their templates."""

from __future__ import annotations

from pathlib import Path

import click

brand_option = click.option(
    "--brand",
    "brand_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="The organisation's brand.yml file (default: _brand.yml in the project, if any).",
)
overrides_option = click.option(
    "--overrides",
    "overrides_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Templates and stylesheets replacing k2brief's own (default: overrides/, if any).",
)


def branding(brand_file: Path | None, overrides_dir: Path | None) -> dict[str, Path | None]:
    """Return the brand file and overrides folder: the options, else the project's own."""
    from pipeline.brand.project import branding as project_branding

    return project_branding(brand_file, overrides_dir)

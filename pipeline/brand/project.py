"""The brand file and the overrides folder of a project: found, checked, put in the settings."""

from __future__ import annotations

import difflib
from dataclasses import replace
from pathlib import Path

from pipeline.brand.load import LoadedBrand, load_brand
from pipeline.errors import InvalidDataError
from pipeline.report import Finding, Report, make_report
from pipeline.settings import Settings

#: The files of the templates folder an override may replace.
_OVERRIDABLE = ("*.j2", "*.css")


def loaded_brand(settings: Settings) -> LoadedBrand | None:
    """Read and check the settings' brand file, or return None when there is none."""
    from pipeline.render import css_tokens
    from pipeline.settings import TEMPLATES_DIR

    if settings.brand_file is None:
        return None
    # The colours are checked against the tokens the documents use; k2brief's own when a
    # templates folder (a test's) has no base.css.
    search = tuple(dict.fromkeys((*settings.template_dirs, TEMPLATES_DIR)))
    return load_brand(settings.brand_file, css_tokens(search))


def override_findings(settings: Settings) -> list[Finding]:
    """Warn of each file in the overrides folder that replaces no template or stylesheet."""
    folder = settings.overrides_dir
    if folder is None:
        return []
    own = sorted(
        path.relative_to(settings.templates_dir).as_posix()
        for pattern in _OVERRIDABLE
        for path in settings.templates_dir.rglob(pattern)
    )
    findings = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name in own:
            continue
        close = difflib.get_close_matches(name, own, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]}?" if close else "it is used only if a template includes it"
        message = f"{name} replaces no k2brief template or stylesheet"
        findings.append(
            Finding(str(path), "", None, None, "override-unknown", message, "warning", hint=hint)
        )
    return findings


def branding(brand_file: Path | None, overrides_dir: Path | None) -> dict[str, Path | None]:
    """Return the brand file and overrides folder given, else the project root's own."""
    from pipeline.settings import PROJECT_ROOT

    return {
        "brand_file": brand_file or default_brand_file(PROJECT_ROOT),
        "overrides_dir": overrides_dir or default_overrides(PROJECT_ROOT),
    }


def with_project_findings(report: Report, settings: Settings) -> Report:
    """Return the data's report with the brand's and the overrides' findings added."""
    if settings.brand_file is None and settings.overrides_dir is None:
        return report
    return make_report([*report.findings, *project_findings(settings)], report.tasks)


def project_findings(settings: Settings) -> list[Finding]:
    """Return the findings of the brand file and of the overrides folder."""
    loaded = loaded_brand(settings)
    return [*(loaded.findings if loaded else ()), *override_findings(settings)]


def with_brand(settings: Settings) -> Settings:
    """Return the settings with the brand loaded, or stop when the brand file has errors."""
    loaded = loaded_brand(settings)
    if loaded is None:
        return settings
    if loaded.brand is None:
        raise InvalidDataError(
            make_report(list(loaded.findings)),
            f"the brand file {settings.brand_file} has errors; no output was written",
        )
    return replace(settings, brand=loaded.brand, brand_files=loaded.files)


def default_brand_file(root: Path) -> Path | None:
    """Return the project's _brand.yml when there is one."""
    from pipeline.brand.model import BRAND_FILE

    return root / BRAND_FILE if (root / BRAND_FILE).is_file() else None


def default_overrides(root: Path) -> Path | None:
    """Return the project's overrides/ folder when there is one."""
    from pipeline.brand.model import OVERRIDES_DIR

    return root / OVERRIDES_DIR if (root / OVERRIDES_DIR).is_dir() else None

"""Load a brand file into a checked, frozen Brand and the findings that stand in its way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.brand.colors import brand_colors
from pipeline.brand.files import (
    Asset,
    data_uri,
    font_type,
    image_type,
    read_asset,
    refusal,
    sanitised_svg,
    svg_problem,
)
from pipeline.brand.model import Brand, Contact, FontFace, Logo
from pipeline.brand.read import BrandSource, Key, read_brand
from pipeline.report import Finding

#: A family name as it goes into CSS: nothing that could end the quoted string.
_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _-]*")
#: The families k2brief's own stylesheets use; a brand may name them without font files.
BUILT_IN_FAMILIES = frozenset({"Inter", "Noto Serif"})


@dataclass(frozen=True)
class LoadedBrand:
    """A brand file read and checked: the brand (None if it has errors), findings, files."""

    brand: Brand | None
    findings: tuple[Finding, ...]
    #: The brand file, then the logo and font files it names: every document's inputs.
    files: tuple[Path, ...]


def load_brand(path: Path, css_defaults: Mapping[str, str]) -> LoadedBrand:
    """Read and check a brand file; paths in it are read only from inside its folder."""
    source, findings = read_brand(path)
    if source is None:
        return LoadedBrand(None, tuple(findings), (path,))
    root = path.resolve().parent
    assets: list[Path] = []
    name = _name(source, findings)
    logo = _logo(source, root, findings, assets)
    fonts = _fonts(source, root, findings, assets)
    families = _families(source, {f.family for f in fonts}, findings)
    colors = brand_colors(source, css_defaults, findings)
    k2 = _k2brief(source, findings)
    brand = Brand(
        name=name or "",
        link=_link(source, findings),
        logo=logo,
        contact=Contact(
            **_texts(source, k2.get("contact"), ("defaults", "k2brief", "contact"), findings)
        ),
        feedback=_text(source, k2.get("feedback"), ("defaults", "k2brief", "feedback"), findings),
        reviewer=_text(source, k2.get("reviewer"), ("defaults", "k2brief", "reviewer"), findings),
        disclaimer=_text(
            source, k2.get("disclaimer"), ("defaults", "k2brief", "disclaimer"), findings
        ),
        css_colors=colors,
        fonts=tuple(fonts),
        base_family=families.get("base"),
        headings_family=families.get("headings"),
    )
    valid = not any(f.severity == "error" for f in findings)
    return LoadedBrand(brand if valid else None, tuple(findings), (path, *assets))


def _name(source: BrandSource, findings: list[Finding]) -> str | None:
    meta = _mapping(source, source.data.get("meta"), ("meta",), findings)
    value = meta.get("name")
    if isinstance(value, dict):
        value = value.get("full") or value.get("short")
    if not isinstance(value, str) or not value.strip():
        findings.append(
            source.finding(
                ("meta", "name"),
                "brand-value",
                "meta.name is missing: every document names the organisation",
                "add meta: name: Your organisation",
            )
        )
        return None
    return value.strip()


def _link(source: BrandSource, findings: list[Finding]) -> str | None:
    meta = source.data.get("meta") if isinstance(source.data.get("meta"), dict) else {}
    value = meta.get("link")
    if isinstance(value, dict):
        value = value.get("home")
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        message = f"meta.link {value!r} is not a web address"
        findings.append(source.finding(("meta", "link"), "brand-value", message))
        return None
    return value


def _logo_choice(logo: Any) -> tuple[Any, Key]:
    """Pick the logo the documents show (medium, then large, small, then the first image)."""
    images = logo.get("images") if isinstance(logo.get("images"), dict) else {}
    for size in ("medium", "large", "small"):
        if size in logo:
            chosen, key = logo[size], ("logo", size)
            if isinstance(chosen, dict) and "light" in chosen:
                chosen, key = chosen["light"], (*key, "light")
            if isinstance(chosen, str) and chosen in images:
                return images[chosen], ("logo", "images", chosen)
            return chosen, key
    if "path" in logo:
        return logo, ("logo",)
    if images:
        first = next(iter(images))
        return images[first], ("logo", "images", first)
    return None, ("logo",)


def _logo(
    source: BrandSource, root: Path, findings: list[Finding], assets: list[Path]
) -> Logo | None:
    raw = source.data.get("logo")
    if raw is None:
        return None
    chosen, key = _logo_choice(
        {"path": raw} if isinstance(raw, str) else _mapping(source, raw, ("logo",), findings)
    )
    if chosen is None:
        findings.append(source.finding(key, "brand-value", "logo names no image"))
        return None
    path_value = chosen.get("path") if isinstance(chosen, dict) else chosen
    path_key = (*key, "path") if isinstance(chosen, dict) else key
    alt = chosen.get("alt") if isinstance(chosen, dict) else None
    asset = read_asset(source, root, path_value, path_key, "logo")
    if isinstance(asset, Finding):
        findings.append(asset)
        return None
    assets.append(asset.path)
    if not isinstance(alt, str) or not alt.strip():
        findings.append(
            source.finding(
                key,
                "logo-alt",
                "the logo has no alt text: readers who cannot see it would not know whose it is",
                "write the logo as path: and alt: (alt: Logo of Your organisation)",
            )
        )
        return None
    return _embedded(source, path_key, asset, alt.strip(), findings)


def _embedded(
    source: BrandSource, key: Key, asset: Asset, alt: str, findings: list[Finding]
) -> Logo | None:
    media_type = image_type(asset.data)
    if media_type is None:
        findings.append(
            source.finding(
                key,
                "logo-type",
                f"the logo {asset.path.name} is not a PNG, JPEG or SVG file (judged by its bytes)",
                "export the logo as PNG or SVG",
            )
        )
        return None
    data = asset.data
    if media_type == "image/svg+xml":
        problem = svg_problem(data)
        if problem:
            findings.append(refusal(source, key, problem))
            return None
        data = sanitised_svg(data)
    return Logo(data_uri(media_type, data), alt, media_type)


def _fonts(
    source: BrandSource, root: Path, findings: list[Finding], assets: list[Path]
) -> list[FontFace]:
    typography = _mapping(source, source.data.get("typography"), ("typography",), findings)
    fonts = typography.get("fonts") or []
    faces = []
    for index, font in enumerate(fonts if isinstance(fonts, list) else []):
        key: Key = ("typography", "fonts", index)
        if not isinstance(font, dict) or not isinstance(font.get("family"), str):
            findings.append(source.finding(key, "brand-value", "a font needs a family and files"))
            continue
        if not _FAMILY.fullmatch(font["family"]):
            message = f"font family {font['family']!r} may use letters, digits, spaces and -"
            findings.append(source.finding((*key, "family"), "brand-value", message))
            continue
        if font.get("source", "file") != "file":
            findings.append(
                source.finding(
                    (*key, "source"),
                    "brand-font",
                    f"font source {font.get('source')!r} is fetched from the web; "
                    "k2brief embeds only local font files",
                    "download the font files into the project and list them under files:",
                )
            )
            continue
        for number, item in enumerate(font.get("files") or []):
            face = _face(source, root, font["family"], item, (*key, "files", number), findings)
            if face is not None:
                faces.append(face[0])
                assets.append(face[1])
    return faces


def _face(
    source: BrandSource, root: Path, family: str, item: Any, key: Key, findings: list[Finding]
) -> tuple[FontFace, Path] | None:
    path_value = item.get("path") if isinstance(item, dict) else item
    path_key = (*key, "path") if isinstance(item, dict) else key
    asset = read_asset(source, root, path_value, path_key, "font file")
    if isinstance(asset, Finding):
        findings.append(asset)
        return None
    media_type = font_type(asset.data)
    if media_type is None:
        message = f"{asset.path.name} is not a TrueType, OpenType or WOFF font"
        findings.append(source.finding(path_key, "brand-font", message))
        return None
    weight = str(item.get("weight", 400)) if isinstance(item, dict) else "400"
    style = str(item.get("style", "normal")) if isinstance(item, dict) else "normal"
    return FontFace(family, data_uri(media_type, asset.data), weight, style), asset.path


def _families(source: BrandSource, declared: set[str], findings: list[Finding]) -> dict[str, str]:
    typography = source.data.get("typography")
    chosen = {}
    for role in ("base", "headings"):
        style = typography.get(role) if isinstance(typography, dict) else None
        family = style.get("family") if isinstance(style, dict) else style
        if family is None:
            continue
        if family not in declared | BUILT_IN_FAMILIES:
            findings.append(
                source.finding(
                    ("typography", role),
                    "brand-font",
                    f"typography.{role} uses {family!r}, which has no font file",
                    "list its files under typography.fonts, or use Inter or Noto Serif",
                )
            )
            continue
        chosen[role] = family
    return chosen


def _k2brief(source: BrandSource, findings: list[Finding]) -> dict[str, Any]:
    defaults = _mapping(source, source.data.get("defaults"), ("defaults",), findings)
    return _mapping(source, defaults.get("k2brief"), ("defaults", "k2brief"), findings)


def _mapping(source: BrandSource, value: Any, key: Key, findings: list[Finding]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        findings.append(source.finding(key, "brand-value", f"{'.'.join(key)} is not a mapping"))
        return {}
    return value


def _text(source: BrandSource, value: Any, key: Key, findings: list[Finding]) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        message = f"{'.'.join(map(str, key))} is not text"
        findings.append(source.finding(key, "brand-value", message))
        return None
    return str(value).strip() or None


def _texts(source: BrandSource, value: Any, key: Key, findings: list[Finding]) -> dict:
    mapping = _mapping(source, value, key, findings)
    fields = ("address", "phone", "email", "website")
    return {name: _text(source, mapping.get(name), (*key, name), findings) for name in fields}

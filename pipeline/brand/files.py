"""The files a brand names: inside the project only, typed by their bytes, SVG sanitised."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.brand.read import BrandSource, Key
from pipeline.report import Finding

#: Larger than any sensible logo or font; the documents embed them whole.
MAX_ASSET_BYTES = 8 << 20
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_FONT_MAGIC = (
    (b"\x00\x01\x00\x00", "font/ttf"),
    (b"true", "font/ttf"),
    (b"OTTO", "font/otf"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
)
#: Elements that run code or pull in other documents: an SVG holding one is refused.
_ACTIVE = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_INLINE_IMAGE = re.compile(r"data:image/(?:png|jpeg);base64,", re.IGNORECASE)


@dataclass(frozen=True)
class Asset:
    """A file the brand names, read from inside the project."""

    path: Path
    data: bytes


def read_asset(
    source: BrandSource, root: Path, value: object, key: Key, what: str
) -> Asset | Finding:
    """Read a file the brand names, or return the finding that says why not."""
    if not isinstance(value, str) or not value.strip():
        return source.finding(key, "brand-value", f"the {what} path is not a file name")
    if _URL.match(value.strip()):
        return source.finding(
            key,
            "brand-path",
            f"the {what} {value!r} is a URL; k2brief never fetches anything",
            f"save the file inside {root} and give its path",
        )
    path = (root / value).resolve()
    if not path.is_relative_to(root.resolve()):
        return source.finding(
            key,
            "brand-path",
            f"the {what} {value!r} is outside the project folder {root}",
            "copy the file into the project and give a path inside it",
        )
    if not path.is_file():
        code = "logo-missing" if what == "logo" else "font-file"
        return source.finding(key, code, f"the {what} {value!r} does not exist", f"in {root}")
    if path.stat().st_size > MAX_ASSET_BYTES:
        return source.finding(key, "brand-value", f"the {what} {value!r} is over 8 MiB")
    return Asset(path, path.read_bytes())


def image_type(data: bytes) -> str | None:
    """Return the media type of a PNG, JPEG or SVG file by its bytes, or None."""
    for magic, media_type in _IMAGE_MAGIC:
        if data.startswith(magic):
            return media_type
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:65536]:
        return "image/svg+xml"
    return None


def font_type(data: bytes) -> str | None:
    """Return the media type of a TrueType, OpenType or WOFF font file by its bytes, or None."""
    return next((media for magic, media in _FONT_MAGIC if data.startswith(magic)), None)


def svg_problem(data: bytes) -> str | None:
    """Say what makes an SVG unsafe to inline (code, handlers, outside references), or None."""
    import xml.etree.ElementTree as ET

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "it declares a DOCTYPE or entities"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return f"it is not well-formed XML ({error})"
    if _local(root.tag) != "svg":
        return "its root element is not <svg>"
    for element in root.iter():
        name = _local(element.tag)
        if name.lower() in _ACTIVE:
            return f"it holds a <{name}> element"
        if name == "style" and _outside_reference(element.text or ""):
            return "its <style> refers to something outside the file"
        for attribute, value in element.attrib.items():
            problem = _attribute_problem(name, _local(attribute), value)
            if problem:
                return problem
    return None


def _attribute_problem(element: str, attribute: str, value: str) -> str | None:
    if attribute.lower().startswith("on"):
        return f"<{element}> has an event handler ({attribute})"
    if attribute == "href" and not (value.startswith("#") or _INLINE_IMAGE.match(value)):
        return f"<{element}> refers to {value!r} outside the file"
    if _outside_reference(value):
        return f"<{element} {attribute}> refers to something outside the file"
    return None


def _outside_reference(text: str) -> bool:
    """Tell whether CSS text pulls in anything but a fragment of the same file."""
    urls = re.findall(r"url\(\s*['\"]?([^'\")\s]*)", text, re.IGNORECASE)
    return "@import" in text.lower() or any(not url.startswith("#") for url in urls)


def _local(name: str) -> str:
    """Return an XML name without its namespace."""
    return name.rsplit("}", 1)[-1]


def sanitised_svg(data: bytes) -> bytes:
    """Pass an SVG already found safe through svg-hush as well, keeping inline raster images."""
    from py_svg_hush import filter_svg

    return filter_svg(data, keep_data_url_mime_types={"image": ["png", "jpeg"]})


def data_uri(media_type: str, data: bytes) -> str:
    """Return bytes as a base64 data: URI."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def refusal(source: BrandSource, key: Key, problem: str) -> Finding:
    """Return the finding refusing an unsafe SVG logo."""
    return source.finding(
        key,
        "logo-unsafe",
        f"the SVG logo is refused: {problem}",
        "k2brief inlines only a self-contained SVG without scripts, event handlers or outside "
        "references; export it again as plain SVG, or use a PNG",
    )

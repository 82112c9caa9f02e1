"""Read _brand.yml: its values, the line of every key, and the keys brand.yml does not know."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.report import Finding

#: Larger than any brand file; a bigger one is a mistake, not a brand.
MAX_BRAND_BYTES = 1 << 20

Key = tuple[str | int, ...]

#: The keys of brand.yml (posit-dev/brand-yml) k2brief knows, as nested sets; "*" takes any
#: name (palette colours, image names), None any value (other tools' defaults).
_COLOR_NAMES = (
    "foreground background primary secondary tertiary success info warning danger light dark"
)
_FONT_STYLE = {"family": {}, "weight": {}, "size": {}, "line-height": {}, "color": {}, "style": {}}
SCHEMA: dict[str, Any] = {
    "meta": {"name": {"full": {}, "short": {}}, "link": {"*": {}}},
    "logo": {
        "images": {"*": {"path": {}, "alt": {}}},
        **{
            size: {"path": {}, "alt": {}, "light": {}, "dark": {}}
            for size in ("small", "medium", "large")
        },
        "path": {},
        "alt": {},
    },
    "color": {"palette": {"*": {}}, **{name: {} for name in _COLOR_NAMES.split()}},
    "typography": {
        "fonts": {"family": {}, "source": {}, "files": {"path": {}, "weight": {}, "style": {}}},
        "base": _FONT_STYLE,
        "headings": _FONT_STYLE,
        "link": {**_FONT_STYLE, "background-color": {}, "decoration": {}},
        "monospace": _FONT_STYLE,
        "monospace-inline": {**_FONT_STYLE, "background-color": {}},
        "monospace-block": {**_FONT_STYLE, "background-color": {}},
    },
    "defaults": {
        "k2brief": {
            "contact": {"address": {}, "phone": {}, "email": {}, "website": {}},
            "feedback": {},
            "reviewer": {},
            "disclaimer": {},
        },
        "*": None,
    },
}


@dataclass(frozen=True)
class BrandSource:
    """The parsed brand file and where each of its keys is."""

    path: Path
    data: dict[str, Any]
    positions: dict[Key, tuple[int, int]]

    def where(self, key: Key) -> tuple[int | None, int | None]:
        """Return the line and column of a key, or of its nearest parent that is there."""
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return 1, None

    def finding(self, key: Key, code: str, message: str, hint: str | None = None) -> Finding:
        """Return an error at a key of the brand file."""
        line, column = self.where(key)
        return Finding(str(self.path), "", line, column, code, message, hint=hint)


def read_brand(path: Path) -> tuple[BrandSource | None, list[Finding]]:
    """Parse the brand file; return it and its unknown keys, or None and why it cannot be read."""
    import yaml

    def fail(message: str, line: int | None = 1, hint: str | None = None) -> tuple[None, list]:
        return None, [Finding(str(path), "", line, None, "brand-error", message, hint=hint)]

    try:
        if path.stat().st_size > MAX_BRAND_BYTES:
            return fail(f"{path.name} is larger than {MAX_BRAND_BYTES >> 20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return fail(f"cannot read {path.name}: {error.strerror}", None)
    except UnicodeDecodeError:
        return fail(f"{path.name} is not UTF-8", hint="re-save it as UTF-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "not valid YAML"
        return fail(f"{path.name} is not valid YAML: {problem}", mark.line + 1 if mark else 1)
    if not isinstance(data, dict):
        return fail(f"{path.name} holds no mapping of keys (meta:, logo:, color:, …)")
    positions = dict(_positions(node, ()))
    source = BrandSource(path, data, positions)
    return source, list(_unknown_keys(source, data, SCHEMA, ()))


def _positions(node: Any, key: Key) -> Iterator[tuple[Key, tuple[int, int]]]:
    """Yield the line and column of every key and list item under a YAML node."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            child = (*key, str(key_node.value))
            yield child, (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            yield from _positions(value, child)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield (*key, index), (item.start_mark.line + 1, item.start_mark.column + 1)
            yield from _positions(item, (*key, index))


def _unknown_keys(
    source: BrandSource, value: Any, schema: dict[str, Any] | None, key: Key
) -> Iterator[Finding]:
    """Report every key the schema does not know, with the closest one it does."""
    if not schema or not isinstance(value, dict | list):
        return
    if isinstance(value, list):
        for index, child in enumerate(value):
            yield from _unknown_keys(source, child, schema, (*key, index))
        return
    for name, child in value.items():
        name = str(name)
        if name in schema:
            yield from _unknown_keys(source, child, schema[name], (*key, name))
        elif "*" in schema:
            yield from _unknown_keys(source, child, schema["*"], (*key, name))
        else:
            known = sorted(k for k in schema if k != "*")
            close = difflib.get_close_matches(name, known, n=1)
            where = ".".join(map(str, key)) or "the top level"
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            yield source.finding(
                (*key, name), "brand-unknown-key", f"{name!r} is not a key of {where}", hint
            )

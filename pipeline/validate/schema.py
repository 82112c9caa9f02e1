"""Read datapackage.json into frozen resource schemas, reporting what cannot be used."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.report import Finding

PACKAGE_FILE = "datapackage.json"
MAX_PACKAGE_BYTES = 16 * 1024 * 1024
TYPES = ("string", "number", "integer")
CONSTRAINTS = {
    "required",
    "unique",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
}
# Field and schema keys that only describe; anything else would change validation.
FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "constraints", "rdfType"}
SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "$schema"}


class PackageError(Exception):
    """A datapackage.json problem, with the line of the JSON text when known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


@dataclass(frozen=True)
class Constraints:
    """The Table Schema constraints k2brief checks on one field."""

    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Field:
    """One column of a table: its name, type and constraints."""

    name: str
    type: str
    constraints: Constraints


@dataclass(frozen=True)
class ForeignKey:
    """Columns of this table that must match a row of another table."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """One CSV table of the package and its schema."""

    name: str
    path: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    missing_values: tuple[str, ...] = ("",)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Return the column names in schema order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """Return the field called name."""
        return next(f for f in self.fields if f.name == name)


@dataclass(frozen=True)
class Package:
    """Every resource of a data package, in the order datapackage.json lists them."""

    resources: tuple[Resource, ...]
    #: The descriptor's text, so later checks can place findings on its lines.
    text: str = ""

    def resource(self, name: str) -> Resource | None:
        """Return the resource called name, or None."""
        return next((r for r in self.resources if r.name == name), None)


def load_package(path: Path) -> tuple[Package | None, list[Finding]]:
    """Read datapackage.json; return the package, or None and findings saying why not."""
    try:
        text = _read_text(path)
        return replace(parse_package(_parse_json(path, text)), text=text), []
    except PackageError as error:
        finding = Finding(
            str(path), "", error.line, None, "package-error", str(error), hint=error.hint
        )
        return None, [finding]


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise PackageError(f"{path.name} is larger than {MAX_PACKAGE_BYTES // 2**20} MiB")
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise PackageError(f"cannot read {path.name}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise PackageError(f"{path.name} is not UTF-8", hint="re-save it as UTF-8") from None


def _parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PackageError(
            f"{path.name} is not valid JSON: {error.msg} at column {error.colno}",
            line=error.lineno,
        ) from None
    except RecursionError:
        raise PackageError(f"{path.name} is nested too deeply") from None


def parse_package(data: Any) -> Package:
    """Return the package described by parsed datapackage.json, or raise PackageError."""
    resources = _get(data, "resources", list, "the package")
    if not resources:
        raise PackageError("the package lists no resources")
    parsed = tuple(_resource(r, i) for i, r in enumerate(resources))
    names = [r.name for r in parsed]
    for name in names:
        if names.count(name) > 1:
            raise PackageError(f"two resources are named {name!r}")
    for resource in parsed:
        _check_foreign_keys(resource, parsed)
    return Package(parsed)


def _get(obj: Any, key: str, kind: type, where: str, default: Any = ...) -> Any:
    if not isinstance(obj, dict):
        raise PackageError(f"{where} is not a JSON object")
    if key not in obj:
        if default is ...:
            raise PackageError(f"{where} has no {key!r}")
        return default
    value = obj[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise PackageError(f"{key!r} of {where} is not a {_KIND_NAMES.get(kind, kind.__name__)}")
    return value


_KIND_NAMES = {list: "list", dict: "JSON object", str: "string", float: "number", int: "integer"}


def _resource(data: Any, index: int) -> Resource:
    name = _get(data, "name", str, f"resource {index + 1}")
    where = f"resource {name!r}"
    path = _safe_path(_get(data, "path", str, where), where)
    encoding = _get(data, "encoding", str, where, "utf-8")
    if encoding.lower().replace("_", "-") not in ("utf-8", "utf-8-sig"):
        raise PackageError(f"{where} declares encoding {encoding!r}; k2brief reads UTF-8 only")
    if "dialect" in data:
        raise PackageError(f"{where} declares a dialect; k2brief reads comma-separated CSV only")
    schema = _get(data, "schema", dict, where)
    for key in schema:
        if key not in SCHEMA_KEYS:
            raise PackageError(f"{where}: schema key {key!r} is not supported by k2brief")
    fields = tuple(_field(f, where) for f in _get(schema, "fields", list, f"{where} schema"))
    names = [f.name for f in fields]
    primary_key = _names(schema.get("primaryKey", []), f"{where} primaryKey")
    for key in primary_key:
        if key not in names:
            raise PackageError(f"{where}: primaryKey names unknown field {key!r}")
    foreign_keys = tuple(
        _foreign_key(fk, where, names) for fk in _get(schema, "foreignKeys", list, where, [])
    )
    missing = _get(schema, "missingValues", list, f"{where} schema", [""])
    if not all(isinstance(v, str) for v in missing):
        raise PackageError(f"{where}: missingValues must be strings")
    return Resource(name, path, fields, primary_key, foreign_keys, tuple(missing))


def _safe_path(path: str, where: str) -> str:
    pure = PurePosixPath(path)
    if "://" in path or pure.is_absolute() or ".." in pure.parts or "\\" in path:
        raise PackageError(
            f"{where} has path {path!r}; only a relative path inside the data folder is allowed"
        )
    return path


def _names(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackageError(f"{where} must be a field name or a list of field names")
    return tuple(value)


def _field(data: Any, where: str) -> Field:
    name = _get(data, "name", str, f"a field of {where}")
    here = f"field {name!r} of {where}"
    kind = _get(data, "type", str, here, "string")
    if kind not in TYPES:
        raise PackageError(f"{here} has type {kind!r}; k2brief supports {', '.join(TYPES)}")
    for key in data:
        if key not in FIELD_KEYS:
            raise PackageError(f"{here}: key {key!r} is not supported by k2brief")
    if _get(data, "format", str, here, "default") != "default":
        raise PackageError(f"{here}: only the default format is supported")
    return Field(name, kind, _constraints(_get(data, "constraints", dict, here, {}), kind, here))


def _constraints(data: dict, kind: str, where: str) -> Constraints:
    for key in data:
        if key not in CONSTRAINTS:
            raise PackageError(f"{where}: constraint {key!r} is not supported by k2brief")
    enum = _get(data, "enum", list, where, None)
    if enum is not None and (kind != "string" or not all(isinstance(v, str) for v in enum)):
        raise PackageError(f"{where}: enum is supported on string fields, with string values")
    pattern = _get(data, "pattern", str, where, None)
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise PackageError(f"{where}: pattern does not compile: {error}") from None
    bound_kind = float if kind in ("number", "integer") else None
    if bound_kind is None and ("minimum" in data or "maximum" in data):
        raise PackageError(f"{where}: minimum and maximum apply to numeric fields only")
    return Constraints(
        required=_get(data, "required", bool, where, False),
        unique=_get(data, "unique", bool, where, False),
        enum=tuple(enum) if enum is not None else None,
        pattern=pattern,
        min_length=_get(data, "minLength", int, where, None),
        max_length=_get(data, "maxLength", int, where, None),
        minimum=_get(data, "minimum", float, where, None),
        maximum=_get(data, "maximum", float, where, None),
    )


def _foreign_key(data: Any, where: str, names: list[str]) -> ForeignKey:
    fields = _names(_get(data, "fields", object, f"a foreign key of {where}"), where)
    reference = _get(data, "reference", dict, f"a foreign key of {where}")
    resource = _get(reference, "resource", str, f"a foreign key reference of {where}")
    ref_fields = _names(_get(reference, "fields", object, f"a reference of {where}"), where)
    if len(fields) != len(ref_fields) or not fields:
        raise PackageError(f"{where}: a foreign key must pair as many fields as it references")
    for name in fields:
        if name not in names:
            raise PackageError(f"{where}: foreign key names unknown field {name!r}")
    return ForeignKey(fields, resource, ref_fields)


def _check_foreign_keys(resource: Resource, resources: tuple[Resource, ...]) -> None:
    by_name = {r.name: r for r in resources}
    for fk in resource.foreign_keys:
        # An empty resource name refers to the same table (Table Schema self-reference).
        target = by_name.get(fk.resource or resource.name)
        if target is None:
            raise PackageError(
                f"resource {resource.name!r}: foreign key references unknown resource "
                f"{fk.resource!r}"
            )
        for name in fk.reference_fields:
            if name not in target.field_names:
                raise PackageError(
                    f"resource {resource.name!r}: foreign key references unknown field "
                    f"{name!r} of {target.name!r}"
                )

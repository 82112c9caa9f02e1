"""The reader's language: message catalogues, the active language, and locale formatting.

Catalogues are the .po files under locale/<lang>/LC_MESSAGES/messages.po, read and compiled
in memory when a document is built: there is no compiled .mo file that could fall out of
step with its .po, so an edited translation is always the one used. A fuzzy or obsolete
entry is not a translation yet and is never used.

The active language is a context variable: the documents' context code calls gettext()
wherever it writes words (the GRADE statements, the vocabulary's labels, the chart's units),
and language() sets it for the one document being built, so the English code paths and
their outputs stay exactly as they were.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from babel.support import Translations

ENGLISH = "en"
LOCALE_DIR = PROJECT_ROOT / "locale"
DOMAIN = "messages"
#: Who checked a catalogue, in locale/<lang>/REVIEWED_BY beside it (pybabel update keeps no
#: header of its own): missing or empty means no qualified translator has checked it yet.
REVIEWED_BY = "REVIEWED_BY"


def source_hash(text: str) -> str:
    """Return the hash a translation row records of its English text: "sha256:" and 12 hex.

    The hex digits are the first 12 of the SHA-256 of the text in Unicode NFC, as UTF-8. The
    prefix keeps a spreadsheet from reading a hash such as 47e524575671 as a number.
    """
    normal = unicodedata.normalize("NFC", text)
    return "sha256:" + hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def catalogue_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Return where a language's catalogue is kept."""
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def reviewer_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Return the file that names who checked a language's catalogue."""
    return locale_dir / lang / REVIEWED_BY


def reviewer(lang: str, locale_dir: Path = LOCALE_DIR) -> str:
    """Return who checked a language's catalogue, or "" if nobody qualified has yet."""
    path = reviewer_path(lang, locale_dir)
    return path.read_text("utf-8").strip() if path.is_file() else ""


def languages(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """Return the languages that have a catalogue, sorted."""
    if not locale_dir.is_dir():
        return ()
    return tuple(
        sorted(p.name for p in locale_dir.iterdir() if catalogue_path(p.name, locale_dir).is_file())
    )


@dataclass(frozen=True)
class Catalogue:
    """A language's compiled messages and whether a qualified translator has checked them."""

    lang: str
    translations: Translations
    reviewed_by: str
    sha256: str


@cache
def _compiled(path: Path, digest: str, reviewed: str) -> Catalogue:
    """Compile a .po file in memory; cached by its bytes' hash, so an edit is always seen."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as handle:
        catalog = read_po(handle, ignore_obsolete=True)
    for message in list(catalog):
        if message.id and (message.fuzzy or not message.string):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Catalogue(path.parent.parent.name, Translations(buffer), reviewed, digest)


def catalogue(lang: str, locale_dir: Path = LOCALE_DIR) -> Catalogue:
    """Return a language's catalogue, compiled from its .po as it is now."""
    path = catalogue_path(lang, locale_dir)
    data = path.read_bytes()
    return _compiled(path, hashlib.sha256(data).hexdigest(), reviewer(lang, locale_dir))


@dataclass(frozen=True)
class Language:
    """The language a document is written in, with its messages (None for English)."""

    code: str = ENGLISH
    messages: Catalogue | None = None
    #: Whether a qualified translator has checked the catalogue and every data translation
    #: the document uses; the document says so when not.
    reviewed: bool = True

    @property
    def english(self) -> bool:
        """Tell whether this is the source language, whose words are the templates' own."""
        return self.messages is None

    def gettext(self, message: str) -> str:
        """Translate a message, or return it as it is."""
        return message if self.messages is None else self.messages.translations.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        """Translate a message in a context (such as 'singular'), or return it as it is."""
        if self.messages is None:
            return message
        return self.messages.translations.pgettext(context, message)


_ENGLISH = Language()
_ACTIVE: ContextVar[Language | None] = ContextVar("k2brief_language", default=None)


def current() -> Language:
    """Return the language being written in."""
    return _ACTIVE.get() or _ENGLISH


@contextmanager
def language(
    lang: str, data_reviewed: bool = True, locale_dir: Path = LOCALE_DIR
) -> Iterator[Language]:
    """Write in a language for the duration of the block (data_reviewed: its data's rows)."""
    if lang == ENGLISH:
        active = Language()
    else:
        messages = catalogue(lang, locale_dir)
        active = Language(lang, messages, data_reviewed and bool(messages.reviewed_by))
    token = _ACTIVE.set(active)
    try:
        yield active
    finally:
        _ACTIVE.reset(token)


def gettext(message: str) -> str:
    """Translate a message into the active language."""
    return current().gettext(message)


def pgettext(context: str, message: str) -> str:
    """Translate a message in a context into the active language."""
    return current().pgettext(context, message)


def format_decimal(number: float, digits: int, grouping: bool = True) -> str | None:
    """Write a number the active language's way, at most digits decimals; None in English."""
    active = current()
    if active.english:
        return None
    from babel.numbers import format_decimal as babel_decimal

    pattern = ("#,##0" if grouping else "0") + ("." + "#" * digits if digits else "")
    return babel_decimal(number, format=pattern, locale=active.code)


def format_fixed(number: float, digits: int) -> str | None:
    """Write a number with exactly digits decimals the active language's way; None in English."""
    active = current()
    if active.english:
        return None
    from babel.numbers import format_decimal as babel_decimal

    return babel_decimal(number, format="0." + "0" * digits, locale=active.code)


def format_iso_date(iso: str) -> str:
    """Write an ISO date (2025-06-01) the active language's way; English keeps ISO."""
    active = current()
    if active.english or len(iso) != 10:
        return iso
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(iso), "medium", locale=active.code)

"""The messages that code computes rather than spells out, for Babel's extraction.

babel.cfg registers extract() for pipeline/vocabulary.py: it yields every word of the
vocabulary and every sentence the GRADE statements can take, so `pybabel extract` puts
them in the catalogue beside the templates' and the code's gettext() calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

#: Babel's extraction result: line, function name, message, translator comments.
Extracted = tuple[int, str | None, str | tuple[str, str], list[str]]


def computed_messages() -> dict[str | tuple[str, str], str]:
    """Return every computed message (or (context, message)) with a note on its origin."""
    from pipeline import vocabulary
    from pipeline.context.statements import statement_templates

    found: dict[str | tuple[str, str], str] = {}
    for name, value in vars(vocabulary).items():
        if isinstance(value, vocabulary.Vocabulary):
            for term in value.terms:
                for field in vocabulary.WORDS:
                    words = getattr(term, field)
                    if words:
                        found.setdefault(words, f"vocabulary {name} {term.code} ({field})")
    for template in statement_templates():
        found.setdefault(template, "GRADE statement; {x} and {y} are the data's noun phrases")
    return found


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Extracted]:
    """Yield the computed messages, each at the line of the vocabulary that first names it."""
    source = fileobj.read().decode("utf-8").splitlines()
    for message, note in computed_messages().items():
        if isinstance(message, tuple):
            yield 1, "pgettext", message, [note]
            continue
        line = next((n for n, text in enumerate(source, 1) if f'"{message}"' in text), 1)
        yield line, None, message, [note]

"""The command line's --lang option: which languages a command writes or checks."""

from __future__ import annotations

import click

lang_option = click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="LANG",
    help="Also the handout and chart in this language (repeatable; 'all': every catalogue).",
)


def asked_languages(langs: tuple[str, ...]) -> tuple[str, ...]:
    """Return the languages asked for, each with a catalogue under locale/, or stop."""
    from pipeline.i18n import ENGLISH, languages

    known = languages()
    wanted: list[str] = []
    for lang in langs:
        for code in known if lang == "all" else (lang,):
            if code not in known and code != ENGLISH:
                raise click.UsageError(
                    f'unknown language "{code}": the languages with a catalogue are '
                    f"{', '.join(known) or 'none'} (README: adding a language)"
                )
            if code not in wanted and code != ENGLISH:
                wanted.append(code)
    return tuple(wanted)


def implied_languages(only: tuple[str, ...]) -> tuple[str, ...]:
    """Return the languages that --only names imply (handout.es implies es)."""
    return tuple(name.rpartition(".")[2] for name in only if "." in name)

"""The documents k2brief builds, each described once: name, template, tables, producer, limits."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from importlib import import_module
from typing import TYPE_CHECKING

from pipeline.errors import BuildError
from pipeline.i18n import ENGLISH

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.dataset import Dataset, DatasetMeta
    from pipeline.outputs import Artifact
    from pipeline.settings import Settings

    Producer = Callable[
        ["Document", Mapping[str, pd.DataFrame], DatasetMeta, Settings], list[Artifact]
    ]


@dataclass(frozen=True)
class Document:
    """One document: where its template is, what it reads, what builds it and what it writes."""

    name: str
    #: The entry template; the templates it includes are found from it.
    template: str
    #: The tables it reads (None: every table). A change to any other table leaves the
    #: document up to date; reading an undeclared table fails the build, so this stays true.
    tables: tuple[str, ...] | None
    #: "module:function", imported only when the document is built so `--help` stays instant,
    #: or the function itself.
    produce: str | Producer
    #: The file names it writes; a producer that writes others fails the build.
    outputs: tuple[str, ...]
    max_pages: int | None = None
    #: A template the producer lays out only to measure, never to print (the chart's probe);
    #: an edit to it rebuilds the document too.
    probe_template: str | None = None
    #: "module:function" computing the context of a document whose HTML is written as it is
    #: rendered, so `k2brief serve` can show that HTML before the PDF is made.
    html_context: str | None = None
    #: It says what changed since a previous edition (build --since), so that edition is
    #: part of its key; the others do not depend on it.
    shows_changes: bool = False
    #: The language it is written in; another language's document is named and written
    #: "handout.es" / handout.es.pdf, and reads the data's prose from translations.csv.
    lang: str = ENGLISH

    @property
    def entry_templates(self) -> tuple[str, ...]:
        """Return the templates the producer renders itself, the document's own first."""
        return tuple(name for name in (self.template, self.probe_template) if name)

    def producer(self) -> Producer:
        """Return the function that builds this document."""
        if not isinstance(self.produce, str):
            return self.produce
        module, _, function = self.produce.partition(":")
        return getattr(import_module(module), function)


REGISTRY: tuple[Document, ...] = (
    Document(
        name="briefing",
        template="briefing.html.j2",
        tables=None,
        produce="pipeline.documents:produce_briefing",
        outputs=("briefing.pdf", "briefing.html"),
        html_context="pipeline.context.briefing:briefing_context",
        shows_changes=True,
    ),
    Document(
        name="handout",
        template="handout.html.j2",
        tables=("sources", "cautions", "foods", "intakes", "outcomes", "studies"),
        produce="pipeline.documents:produce_handout",
        outputs=("handout.pdf", "handout.html"),
        html_context="pipeline.context.briefing:handout_context",
        shows_changes=True,
        # A sheet to hand over: it must fit on both sides of one page.
        max_pages=2,
    ),
    Document(
        name="comparison-chart",
        template="comparison-chart.html.j2",
        tables=("sources", "vitamin_roles", "cautions", "foods", "outcomes", "studies"),
        produce="pipeline.chart.produce:produce_chart",
        outputs=("comparison-chart.pdf", "comparison-chart.png"),
        max_pages=1,
        probe_template="chart-probe.html.j2",
    ),
)
NAMES = tuple(document.name for document in REGISTRY)
#: The documents written in the reader's language too; the briefing stays English.
TRANSLATED = ("handout", "comparison-chart")


def in_language(document: Document, lang: str) -> Document:
    """Return a document in another language: its own name, files and build key."""
    if lang == ENGLISH:
        return document
    stem = document.name
    outputs = tuple(f"{stem}.{lang}{name.removeprefix(stem)}" for name in document.outputs)
    return replace(document, name=f"{stem}.{lang}", outputs=outputs, lang=lang)


def translated_names() -> tuple[str, ...]:
    """Return the names of the translated documents in every language with a catalogue."""
    from pipeline.i18n import languages

    return tuple(f"{name}.{lang}" for lang in languages() for name in TRANSLATED)


def with_languages(
    langs: Sequence[str], documents: Sequence[Document] | None = None
) -> tuple[Document, ...]:
    """Return the English documents (the registry), then each translated one in each language."""
    documents = REGISTRY if documents is None else documents
    extra = [
        in_language(document, lang)
        for lang in langs
        if lang != ENGLISH
        for document in documents
        if document.name in TRANSLATED
    ]
    return (*documents, *extra)


def by_name(name: str, documents: Sequence[Document] = REGISTRY) -> Document:
    """Return the named document of a registry."""
    for document in documents:
        if document.name == name:
            return document
    raise KeyError(name)


class DeclaredTables(Mapping[str, "pd.DataFrame"]):
    """The tables one document declared it reads; asking for another is a bug, said loudly."""

    def __init__(
        self,
        document: Document,
        tables: Mapping[str, pd.DataFrame],
        food_sums: object = None,
        changes: object = None,
    ) -> None:
        self._document, self._tables = document.name, tables
        self._names = tuple(tables) if document.tables is None else document.tables
        #: The build's shared cache of food sums, so documents do not sum the foods again.
        self.food_sums = food_sums
        #: The build's comparison with the --since edition, made once for every document.
        self.changes = changes

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._names:
            raise BuildError(
                f"the {self._document} read the {name} table, which pipeline/documents.py "
                "does not list among its tables; add it there so edits to it rebuild the document"
            )
        return self._tables[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def produce(
    document: Document,
    tables: Mapping[str, pd.DataFrame],
    dataset: Dataset,
    settings: Settings,
    food_sums: object = None,
    changes: object = None,
) -> list[Artifact]:
    """Build one document from the tables it declares, checking the files it made."""
    # The fingerprint a document prints covers the files it was built from.
    meta = dataset.meta(document.tables)
    with written_in(document, tables, settings, food_sums, changes) as declared:
        artifacts = document.producer()(document, declared, meta, settings)
    made = tuple(artifact.name for artifact in artifacts)
    if sorted(made) != sorted(document.outputs):
        raise BuildError(
            f"the {document.name} made {', '.join(made) or 'no files'}; "
            f"pipeline/documents.py says it writes {', '.join(document.outputs)}"
        )
    return artifacts


@contextmanager
def written_in(
    document: Document,
    tables: Mapping[str, pd.DataFrame],
    settings: Settings,
    food_sums: object = None,
    changes: object = None,
) -> Iterator[DeclaredTables]:
    """Give the tables a document reads, in its language, and fail if it shows a cell untranslated.

    English documents read the tables as they are. Another language's read them translated,
    with a marker in each cell its rows lack; a document that showed one fails, naming them.
    """
    if document.lang == ENGLISH:
        yield DeclaredTables(document, tables, food_sums, changes)
        return
    from pipeline.i18n import language
    from pipeline.translate import shown_markers, translate_tables
    from pipeline.validate.translations import missing_message

    translated = translate_tables(tables, document.lang)
    # The English food sums hold English names: the translated tables sum their own.
    with language(document.lang, translated.reviewed), shown_markers() as shown:
        yield DeclaredTables(document, translated.tables, None, changes)
    if shown:
        cells = translated.missing(shown)
        raise BuildError(missing_message(cells, document, tables, settings.data_dir))


def _artifacts(
    document: Document, html: str, meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Render one document's HTML to PDF and return both files, within its page limit."""
    from pipeline.outputs import Artifact
    from pipeline.pdf.engine import html_to_pdf

    name = document.name
    result = html_to_pdf(
        html,
        base_dir=settings.templates_dir,
        variant=settings.pdf_variant,
        strict=settings.strict,
        identifier=f"{name}:{meta.sha256}:{settings.paper}:{settings.pdf_variant}",
        fonts=settings.brand_fonts,
    )
    if document.max_pages is not None and result.pages > document.max_pages:
        raise BuildError(
            f"{name}.pdf has {result.pages} pages on {settings.paper} paper; "
            f"the limit is {document.max_pages}. Shorten the data it shows or its template."
        )
    return [
        Artifact(f"{name}.pdf", result.data, result.pages),
        Artifact(f"{name}.html", html.encode("utf-8")),
    ]


def render_html(
    document: Document,
    build_context: Callable[..., object],
    tables: Mapping[str, pd.DataFrame],
    meta: DatasetMeta,
    settings: Settings,
) -> str:
    """Compute a document's context and render its template to an HTML string."""
    from pipeline.context.briefing import as_template_vars
    from pipeline.render import render

    context = build_context(tables, meta, settings)
    return render(settings.template_dirs, document.template, as_template_vars(context))


def document_html(
    document: Document,
    tables: Mapping[str, pd.DataFrame],
    dataset: Dataset,
    settings: Settings,
    food_sums: object = None,
) -> str:
    """Render a document's HTML alone, the same string its build writes beside the PDF."""
    if document.html_context is None:
        raise BuildError(f"the {document.name} has no HTML of its own to render")
    module, _, function = document.html_context.partition(":")
    build_context = getattr(import_module(module), function)
    meta = dataset.meta(document.tables)
    with written_in(document, tables, settings, food_sums) as declared:
        return render_html(document, build_context, declared, meta, settings)


def produce_briefing(
    document: Document, tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build briefing.pdf and briefing.html from the validated tables."""
    from pipeline.context.briefing import briefing_context

    html = render_html(document, briefing_context, tables, meta, settings)
    return _artifacts(document, html, meta, settings)


def produce_handout(
    document: Document, tables: Mapping[str, pd.DataFrame], meta: DatasetMeta, settings: Settings
) -> list[Artifact]:
    """Build handout.pdf and handout.html, failing if the handout outgrows its page limit."""
    from pipeline.context.briefing import handout_context

    html = render_html(document, handout_context, tables, meta, settings)
    return _artifacts(document, html, meta, settings)

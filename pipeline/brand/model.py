"""The organisation's brand as the documents see it: checked, embedded, frozen."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The file an organisation describes itself in (brand.yml, as Quarto reads it).
BRAND_FILE = "_brand.yml"
#: The folder whose templates and stylesheets replace k2brief's own of the same name.
OVERRIDES_DIR = "overrides"


@dataclass(frozen=True)
class Logo:
    """The logo, embedded as a data: URI (a sanitised SVG or the raster's bytes)."""

    data_uri: str
    alt: str
    media_type: str


@dataclass(frozen=True)
class Contact:
    """How readers reach the organisation; every part optional."""

    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None

    @property
    def any(self) -> bool:
        """Tell whether any part is given."""
        return any((self.address, self.phone, self.email, self.website))


@dataclass(frozen=True)
class FontFace:
    """One local font file of a brand family, embedded as a data: URI."""

    family: str
    data_uri: str
    weight: str = "400"
    style: str = "normal"


@dataclass(frozen=True)
class Brand:
    """Who publishes the documents and how they look; None everywhere means k2brief's look."""

    name: str
    link: str | None = None
    logo: Logo | None = None
    contact: Contact = field(default_factory=Contact)
    feedback: str | None = None
    reviewer: str | None = None
    disclaimer: str | None = None
    #: CSS custom properties of templates/css/base.css the brand's colours replace.
    css_colors: tuple[tuple[str, str], ...] = ()
    fonts: tuple[FontFace, ...] = ()
    #: The families the body text and the headings are set in, when the brand names them.
    base_family: str | None = None
    headings_family: str | None = None

    @property
    def families(self) -> frozenset[str]:
        """Return the font families the brand embeds."""
        return frozenset(face.family for face in self.fonts)

"""The brand's colours: resolved through its palette, mapped to CSS tokens, kept legible."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from pipeline.brand.read import BrandSource
from pipeline.report import Finding

#: WCAG 2.1 AA for body text.
AA_TEXT = 4.5
#: Which custom properties of templates/css/base.css each brand.yml colour replaces.
TOKENS = {
    "foreground": ("--color-text",),
    "background": ("--color-bg",),
    "primary": ("--color-accent", "--color-link"),
    "danger": ("--color-warning",),
    "warning": ("--color-caution",),
}
#: Text colour on the ground it is drawn on, as the stylesheets use them.
PAIRS = (
    ("--color-text", "--color-bg"),
    ("--color-text", "--color-subtle"),
    ("--color-muted", "--color-bg"),
    ("--color-accent", "--color-bg"),
    ("--color-link", "--color-bg"),
    ("--color-link", "--color-subtle"),
    ("--color-warning", "--color-bg"),
    ("--color-warning", "--color-warning-bg"),
    ("--color-caution", "--color-bg"),
    ("--color-caution", "--color-caution-bg"),
)


def brand_colors(
    source: BrandSource, defaults: Mapping[str, str], findings: list[Finding]
) -> tuple[tuple[str, str], ...]:
    """Return the CSS tokens the brand's colours replace, each as #rrggbb; report problems."""
    colors = source.data.get("color") or {}
    if not isinstance(colors, dict):
        findings.append(source.finding(("color",), "brand-value", "color is not a mapping"))
        return ()
    palette = colors.get("palette") if isinstance(colors.get("palette"), dict) else {}
    chosen: dict[str, str] = {}
    origin: dict[str, str] = {}
    for name, tokens in TOKENS.items():
        if name not in colors:
            continue
        value = _hex(colors[name], palette)
        if value is None:
            message = f"color.{name} {colors[name]!r} is not a colour"
            hint = "write a CSS colour (#1a5e8a) or a name from color.palette"
            findings.append(source.finding(("color", name), "brand-value", message, hint))
            continue
        for token in tokens:
            chosen[token], origin[token] = value, name
    findings += _contrast(source, {**defaults, **chosen}, origin)
    return tuple(sorted(chosen.items()))


def _hex(value: object, palette: Mapping[str, object], depth: int = 0) -> str | None:
    """Return a colour (or a palette name for one) as #rrggbb, or None."""
    from coloraide import Color

    if isinstance(value, str) and value in palette and depth < 4:
        return _hex(palette[value], palette, depth + 1)
    if not isinstance(value, str):
        return None
    try:
        color = Color(value.strip()).convert("srgb").fit()
    except ValueError:
        return None
    return color.to_string(hex=True, alpha=False)


def _contrast(
    source: BrandSource, tokens: Mapping[str, str], origin: Mapping[str, str]
) -> Iterator[Finding]:
    """Report each text colour the brand touches that falls below WCAG AA on its ground."""
    from coloraide import Color

    for text, ground in PAIRS:
        blame = origin.get(text) or origin.get(ground)
        if blame is None or text not in tokens or ground not in tokens:
            continue
        ratio = Color(tokens[text]).contrast(tokens[ground], method="wcag21")
        if ratio < AA_TEXT:
            yield source.finding(
                ("color", blame),
                "brand-contrast",
                f"text in {tokens[text]} on {tokens[ground]} has a contrast of {ratio:.2f}:1, "
                f"below WCAG AA's {AA_TEXT}:1 ({text.removeprefix('--color-')} text on the "
                f"{ground.removeprefix('--color-')} ground)",
                f"choose a {'darker' if _lighter(tokens[ground]) else 'lighter'} "
                f"color.{origin.get(text, blame)}",
            )


def _lighter(ground: str) -> bool:
    """Tell whether a ground colour is light, so text on it should be dark."""
    from coloraide import Color

    return Color(ground).luminance() > 0.18

"""Tell which character set a file was written in, and undo a wrong spreadsheet round trip.

Spreadsheets open a CSV without a byte-order mark in the system's code page. Saved back
in that code page the file is not UTF-8 (which code page is told by the unit cells:
"µg" is byte B5 in Windows-1252 and E6 in the DOS code pages); saved back as UTF-8
every non-ASCII character is double-encoded ("µg" becomes "Âµg"), which is mojibake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_PAGES = {
    "cp1252": "Windows-1252",
    "cp850": "DOS code page 850",
    "cp437": "DOS code page 437",
}
UTF16 = {"utf-16-le": "UTF-16 (little-endian)", "utf-16-be": "UTF-16 (big-endian)"}
MICRO = "\u00b5"
# A byte before "g" where a unit is written: "12 µg", ",µg,", "µg/day".
UNIT_BYTE = re.compile(rb"(?:^|[\d ,\"(])([\x80-\xff])g(?=[,/ \"\r\n)]|$)", re.M)
BOX_DRAWING = re.compile("[\u2500-\u25ff]")


def _cp1252_bytes() -> dict[str, int]:
    """Map each character Windows-1252 gives a byte >= 0x80 to that byte.

    The five bytes Windows-1252 leaves undefined read as the C1 control of the same
    number, as Windows and LibreOffice read them.
    """
    table = {}
    for byte in range(0x80, 0x100):
        try:
            table[bytes([byte]).decode("cp1252")] = byte
        except UnicodeDecodeError:
            table[chr(byte)] = byte
    return table


CP1252 = _cp1252_bytes()
# The UTF-8 of a lead character U+00C2..U+00F4 ("Â".."ô") followed by the lead byte of a
# character Windows-1252 gives a byte 0x80..0xBF: the first bytes of any mojibake.
MOJIBAKE_BYTES = re.compile(rb"\xc3[\x82-\xb4](?:\xc2|\xc5|\xc6|\xcb|\xe2\x80|\xe2\x84)")
_HIGH = "".join(re.escape(c) for c in CP1252 if CP1252[c] < 0xC0)
MOJIBAKE = re.compile(f"(?:[\u00c2-\u00f4][{_HIGH}]+)+")


@dataclass(frozen=True)
class Repair:
    """One run of characters replaced: where it starts in the text, what it was, what it is."""

    offset: int
    old: str
    new: str


def utf16_without_bom(data: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when the bytes look like BOM-less UTF-16 text."""
    sample = bytes(data[:8192])
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, zeros, letters in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros.count(0) >= 0.4 * len(zeros) and letters.count(0) <= 0.02 * len(letters):
            return codec
    return None


def unit_bytes(data: bytes) -> set[int]:
    """Return the non-ASCII bytes written where a unit's "µ" belongs."""
    return {match.group(1)[0] for match in UNIT_BYTE.finditer(data)}


def code_page(data: bytes) -> tuple[str | None, list[str]]:
    """Return the one code page the unit cells point to (or None) and every plausible one."""
    texts = {}
    for codec in CODE_PAGES:
        try:
            texts[codec] = bytes(data).decode(codec)
        except UnicodeDecodeError:
            continue
    plausible = list(texts)
    units = unit_bytes(data)
    if not units:
        return None, plausible
    fitting = [c for c in plausible if all(bytes([b]).decode(c) == MICRO for b in units)]
    if len({texts[c] for c in fitting}) == 1:
        return fitting[0], fitting
    readable = [c for c in fitting if not BOX_DRAWING.search(texts[c])]
    return (readable[0] if len(readable) == 1 else None), fitting


def has_mojibake(data: bytes) -> bool:
    """Return True when UTF-8 bytes hold the start of a double-encoded character."""
    # Every match starts with C3, which memchr finds far faster than the regex scans.
    first = data.find(b"\xc3")
    return first >= 0 and MOJIBAKE_BYTES.search(data, first) is not None


def undo_mojibake(text: str) -> tuple[str, list[Repair]]:
    """Return the text with every double-encoded run decoded once, and the repairs made."""
    repairs: list[Repair] = []

    def undo(match: re.Match[str]) -> str:
        run = match.group()
        try:
            fixed = bytes(CP1252[c] for c in run).decode("utf-8")
        except UnicodeDecodeError:
            return run
        repairs.append(Repair(match.start(), run, fixed))
        return fixed

    return MOJIBAKE.sub(undo, text), repairs
